/* SPDX-License-Identifier: GPL-2.0 */
/* refbench-compare's file tools (tools.c). Each returns 0, or 2 after a one-line error. */
#ifndef RB_COMPARE_TOOLS_H
#define RB_COMPARE_TOOLS_H

#include <stddef.h>

#include "gbjson.h"

/* @kv: KEY=VALUE pairs added to the context (never replacing a different value). */
int rb_tool_merge(const char *out, const char *const *in, size_t nin, const char *const *kv,
		  size_t nkv, int ignore_machine);
int rb_tool_callgrind(const char *out, const char *gbjson, const char *dir, const char *const *kv,
		      size_t nkv);

#endif
