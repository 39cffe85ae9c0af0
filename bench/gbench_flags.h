/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Google Benchmark 1.7.1's command-line flags, checked before
 * benchmark::Initialize() sees them (gbench_flags.c).
 */
#ifndef RB_GBENCH_FLAGS_H
#define RB_GBENCH_FLAGS_H

#include <stddef.h>

/* --benchmark_repetitions: 1 to this (1.7.1 reserves a vector of that many runs). */
#define RB_GB_MAX_REPETITIONS 100000

/*
 * @arg, if it is one of Google Benchmark's flags, checked: 0 (also for any
 * other argument), or 2 with a one-line message (no "refbench: ", no
 * newline) in @err.
 */
int rb_check_gbench_flag(const char *arg, char *err, size_t errlen);

/* Every argument of @argv (from 1) as above; then no --benchmark_context key twice. */
int rb_check_gbench_flags(int argc, char *const *argv, char *err, size_t errlen);

#endif
