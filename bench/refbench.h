/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench: the program's extension points. Each is a linker set, as the
 * kernel finds its initcalls: main() walks the section, so adding a family, a
 * flag or a module touches no central list.
 *
 *   RB_FAMILY(ident, name, summary, register_fn)	a benchmark family
 *   RB_FLAG(ident, name, arg, help, parse, action)	one of refbench's own flags
 *   RB_MODULE(ident, name, init)			set-up run after the flags are
 *							parsed, before registration
 *
 * Order in main(): every flag's parse() (in command-line order), then every
 * given flag's action() (the first one returns the exit code: listings), then
 * every module's init(), then every family's register function, then the run.
 */
#ifndef RB_REFBENCH_H
#define RB_REFBENCH_H

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

struct rb_flag {
	const char *name;		/* "--topology" */
	const char *arg;		/* NULL: takes no value; else its name for --help ("FILE") */
	const char *help;
	/* Store the value; 0, or an exit code after printing a one-line error. */
	int (*parse)(const char *value);
	/* NULL, or run once after all flags are parsed; refbench exits with its return. */
	int (*action)(void);
};

#define RB_FLAG(ident, ...)							\
	static const struct rb_flag rb_flag_##ident				\
	__attribute__((used, section("rb_flags"), aligned(8))) = { __VA_ARGS__ }

/*
 * For parse(): @value as a number from 0 to @max into *@out; 0, or 2 after a
 * one-line error naming @flag.
 */
int rb_flag_parse_number(const char *flag, const char *value, double max, double *out);

extern const struct rb_flag __start_rb_flags[] __attribute__((weak));
extern const struct rb_flag __stop_rb_flags[] __attribute__((weak));

struct rb_module {
	const char *name;
	/* 0, or an exit code after printing a one-line error. */
	int (*init)(void);
};

#define RB_MODULE(ident, ...)							\
	static const struct rb_module rb_module_##ident				\
	__attribute__((used, section("rb_modules"), aligned(8))) = { __VA_ARGS__ }

extern const struct rb_module __start_rb_modules[] __attribute__((weak));
extern const struct rb_module __stop_rb_modules[] __attribute__((weak));

/* Build facts recorded in every result's context (build_info.c, generated). */
extern const char rb_version[], rb_git_commit[], rb_git_dirty[], rb_build_type[];
extern const char rb_compiler[], rb_compiler_flags[];

#endif
