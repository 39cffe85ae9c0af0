/* SPDX-License-Identifier: GPL-2.0 */
/* The split family's deliberately broken variants (tests only, broken.c). */
#ifndef RB_SPLIT_BROKEN_H
#define RB_SPLIT_BROKEN_H

#include "split/split.h"

extern const struct split_ops *const split_broken_variants[];	/* NULL-terminated */

#endif
