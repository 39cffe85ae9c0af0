/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The split family's test-only variants: the deliberately broken ones
 * (broken.c) and the real ones in widened mode (widened.c).
 */
#ifndef RB_SPLIT_BROKEN_H
#define RB_SPLIT_BROKEN_H

#include "split/split.h"

extern const struct split_ops *const split_broken_variants[];	/* NULL-terminated */
extern const struct split_ops *const split_widened_variants[];	/* null_wide, retry_wide, xadd_wide */

#endif
