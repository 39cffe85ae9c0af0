// SPDX-License-Identifier: GPL-2.0
/*
 * A known, injected slowdown: the gate's own benchmark (docs/compare.md).
 * Measuring how often the regression gate detects a slowdown needs a build
 * whose benchmarks are slower by a known amount. This module adds it through
 * the C API's batch hooks, so no benchmark source changes:
 *
 *   --inject-slowdown=PCT	   batch_end spins until the batch's elapsed wall
 *				   and thread CPU time are both (1 + PCT/100) times
 *				   what the loop took: a PCT% slower operation.
 *
 * (The deterministic mode's counterpart, --inject-instructions, lives in
 * instr_count.c: it must run inside callgrind's collection window.)
 *
 * A spin at the batch end is not shaped like a regression: it is outside the
 * operation, never on a contended line or inside a critical section, and
 * does not slow the other threads. scripts/error-rates uses refbench-inject
 * instead (inject_op.c, src/kernel/inject.h: a calibrated delay inside
 * try_get_folio, the gup grab, unpin, page_mkclean's decision, put_page);
 * this flag stays for a quick check of the harness cells.
 * It applies to every batch of the process; select the one variant to slow
 * down with --benchmark_filter (scripts/error-rates runs each benchmark in its
 * own process). As a build flag: -DRB_INJECT_SLOWDOWN_PCT=5 in CMAKE_C_FLAGS
 * makes it the default. A run with an injection records it in the JSON
 * context (refbench_injected_slowdown), so such a result cannot pass for a
 * real one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "refbench.h"

#ifndef RB_INJECT_SLOWDOWN_PCT
#define RB_INJECT_SLOWDOWN_PCT 0
#endif

static double inject_pct = RB_INJECT_SLOWDOWN_PCT;

static int parse_slowdown(const char *value)
{
	return rb_flag_parse_number("--inject-slowdown", value, 1000, &inject_pct);
}
RB_FLAG(inject_slowdown, "--inject-slowdown", "PCT",
	"make every timed batch PCT% slower (measuring the regression gate)", parse_slowdown, NULL);

struct inject_start {
	struct timespec wall, cpu;
};
static _Thread_local struct inject_start t_start;

static double ts_ns(const struct timespec *t)
{
	return (double)t->tv_sec * 1e9 + (double)t->tv_nsec;
}

static void inject_begin(rb_state *st, void *ctx)
{
	(void)st;
	(void)ctx;
	if (inject_pct > 0) {
		clock_gettime(CLOCK_MONOTONIC, &t_start.wall);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t_start.cpu);
	}
}

static void inject_end(rb_state *st, void *ctx)
{
	(void)ctx;
	(void)st;
	if (inject_pct > 0) {
		struct timespec w, c;
		double wall0 = ts_ns(&t_start.wall), cpu0 = ts_ns(&t_start.cpu);
		double wall_want, cpu_want;

		clock_gettime(CLOCK_MONOTONIC, &w);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
		wall_want = (ts_ns(&w) - wall0) * (1 + inject_pct / 100);
		cpu_want = (ts_ns(&c) - cpu0) * (1 + inject_pct / 100);
		do {
			clock_gettime(CLOCK_MONOTONIC, &w);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
		} while (ts_ns(&w) - wall0 < wall_want || ts_ns(&c) - cpu0 < cpu_want);
	}
}

static const struct rb_hooks inject_hooks = {
	.name = "inject-slowdown",
	.batch_begin = inject_begin,
	.batch_end = inject_end,
};

static int inject_init(void)
{
	char buf[96];

	if (inject_pct <= 0)
		return 0;
	rb_add_hooks(&inject_hooks);
	snprintf(buf, sizeof(buf), "%g%%", inject_pct);
	rb_add_context("refbench_injected_slowdown", buf);
	return 0;
}
RB_MODULE(inject_slowdown, "inject-slowdown", inject_init);
