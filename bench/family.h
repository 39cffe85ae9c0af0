/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench: benchmark families. Each family's bench file declares itself once
 * with RB_FAMILY(); refbench's main() finds every family through the linker
 * section "rb_families" (as the kernel finds initcalls), so adding a family or
 * a variant touches no central list.
 */
#ifndef RB_FAMILY_H
#define RB_FAMILY_H

#include "rb.h"

struct rb_family {
	const char *name;		/* harness, split, grab, devmap, pin, calib */
	const char *summary;		/* one line, for --list-families */
	void (*register_benchmarks)(void);
};

#define RB_FAMILY(ident, ...)							\
	static const struct rb_family rb_family_##ident				\
	__attribute__((used, section("rb_families"), aligned(8))) = { __VA_ARGS__ }

extern const struct rb_family __start_rb_families[];
extern const struct rb_family __stop_rb_families[];

/* Build facts recorded in every result's context (build_info.c, generated). */
extern const char rb_version[], rb_git_commit[], rb_git_dirty[], rb_build_type[];
extern const char rb_compiler[], rb_compiler_flags[];

#endif
