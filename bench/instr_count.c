// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic mode: instructions per iteration under callgrind.
 *
 *   valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file=DIR/cg.%p \
 *	refbench --instr-count --benchmark_min_time=1e6 --benchmark_filter=...
 *
 * (scripts/instr-count runs exactly this and converts the dumps with
 * `refbench-compare --callgrind`.) Plugs into the C API through its batch
 * hooks (rb_add_hooks) only: batch_begin runs right after the timer starts,
 * batch_end right before it stops, so what callgrind collects between them is
 * the body's loop plus a constant: the hook dispatch in rb_start()/rb_stop().
 *
 * Google Benchmark 1.7.1 has no fixed iteration count on the command line
 * (the "x" suffix of --benchmark_min_time came in 1.8.0), but its iteration
 * search is deterministic while no batch is "significant": 1, 10, 100, ...
 * (x10 each time while a batch took less than a tenth of min_time). With a
 * huge --benchmark_min_time the search therefore always reaches N/10 and N
 * (--instr-iters, default 10000). Those two batches are collected, each dumped
 * with CALLGRIND_DUMP_STATS_AT("rb-instr seq=S n=..."), and the run is ended
 * in the N batch with rb_skip_with_error() naming both dumps, so the search
 * stops there and the JSON row (which has the name the hooks cannot see)
 * points at its dumps. The converter takes the slope
 *	(Ir(N) - Ir(N/10)) / (N - N/10)
 * which cancels the constant hook overhead: instructions per iteration that
 * repeat exactly for the same binary.
 *
 * Not measured (the converter says so per row): multi-threaded runs (skipped
 * here at once: instruction counts of racing threads do not repeat), bodies
 * that do not call rb_start() (native Google Benchmark loops: filter them out,
 * they would run until min_time), and benchmarks with their own Iterations()
 * or MinTime(), whose search does not pass through N/10 and N.
 *
 * Families with fixed work (grab, devmap: rb_iterations, a big memmap set up
 * once per run) come in through instr_count.h: under --instr-count they
 * register without rb_iterations (rb_instr_counting()), so the search runs;
 * a body whose iteration is thousands of pages caps its measured batch
 * (rb_instr_batch_cap(): N and N/10 smaller than --instr-iters for that
 * benchmark only); and work the timer pauses for (grab's release of the
 * pages, or the gup before an unpin) is paused here too (rb_instr_pause()),
 * so the count is of what the timer sees. What one iteration is per family:
 * docs/compare.md, "What the deterministic gate covers".
 *
 * --inject-instructions=X adds round(n * X) instructions to every collected
 * batch (an x86-64 dec/jnz loop that callgrind counts exactly): +X
 * instructions per iteration, to measure that the gate detects a small change
 * (docs/compare.md). -DRB_INJECT_INSTRUCTIONS=X in CMAKE_C_FLAGS makes it the
 * default. It is recorded in the context (refbench_injected_instructions).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refbench.h"
#include "instr_count.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define RB_HAVE_CALLGRIND 1
#endif
#endif

#ifndef RB_INJECT_INSTRUCTIONS
#define RB_INJECT_INSTRUCTIONS 0
#endif

static int instr_on;
static double inject_instr = RB_INJECT_INSTRUCTIONS;
static unsigned long long instr_iters = 10000;
static uint64_t batch_cap;	/* rb_instr_batch_cap() for the coming batch, or 0 */

bool rb_instr_counting(void)
{
	return instr_on;
}

void rb_instr_batch_cap(uint64_t max)
{
	if (instr_on)
		batch_cap = max;
}

static int parse_instr_count(const char *value)
{
	(void)value;
	instr_on = 1;
	return 0;
}
RB_FLAG(instr_count, "--instr-count", NULL,
	"deterministic mode: instructions per iteration under callgrind (see scripts/instr-count)",
	parse_instr_count, NULL);

static int parse_instr_iters(const char *value)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno || *end || v < 10 || v > 1000000000ULL) {
		fprintf(stderr, "refbench: --instr-iters=%s: want a power of ten from 10 to 1e9\n", value);
		return 2;
	}
	for (unsigned long long p = v; p > 1; p /= 10)
		if (p % 10) {
			fprintf(stderr, "refbench: --instr-iters=%s: want a power of ten from 10 to 1e9\n",
				value);
			return 2;
		}
	instr_iters = v;
	return 0;
}
RB_FLAG(instr_iters, "--instr-iters", "N",
	"with --instr-count: iterations of the measured batch, a power of ten (default 10000)",
	parse_instr_iters, NULL);

static int parse_inject_instr(const char *value)
{
	return rb_flag_parse_number("--inject-instructions", value, 1e6, &inject_instr);
}
RB_FLAG(inject_instructions, "--inject-instructions", "X",
	"with --instr-count: add X instructions per iteration (measuring the deterministic gate)",
	parse_inject_instr, NULL);

#ifdef RB_HAVE_CALLGRIND
/* Exactly @n instructions on x86-64 (a nop if odd, then dec + jnz per round). */
static void extra_instructions(uint64_t n)
{
#if defined(__x86_64__)
	uint64_t rounds = n / 2;

	if (n & 1)
		__asm__ __volatile__("nop");
	if (rounds)
		__asm__ __volatile__("1: dec %0\n\tjnz 1b" : "+r"(rounds) : : "cc");
#else
	for (volatile uint64_t i = 0; i < n; i++)
		;
#endif
}

static unsigned long dump_seq;
/* Decided in batch_begin so that batch_end runs the same instructions before
 * its toggle whatever the batch size (else the slope is off by a few). */
static int collecting;		/* dumps taken so far */
static int paused;		/* within rb_instr_pause() */
static unsigned long pending_seq;	/* the N/10 dump of the current search, or 0 */
static uint64_t target;		/* N of the batch being collected */

void rb_instr_pause(void)
{
	if (collecting && !paused) {
		CALLGRIND_TOGGLE_COLLECT;
		paused = 1;
	}
}

void rb_instr_resume(void)
{
	if (collecting && paused) {
		paused = 0;
		CALLGRIND_TOGGLE_COLLECT;
	}
}

static void instr_batch_begin(rb_state *st, void *ctx)
{
	uint64_t n = rb_max_iterations(st), cap = batch_cap;

	(void)ctx;
	batch_cap = 0;
	if (rb_thread_count(st) > 1) {
		rb_skip_with_error(st, "refbench --instr-count: single-threaded benchmarks only");
		return;
	}
	target = instr_iters;
	if (cap && cap < target) {
		/* the largest power of ten <= cap, at least 10 */
		for (target = 10; target * 10 <= cap; target *= 10)
			;
	}
	if (n != target && n != target / 10)
		return;
	collecting = 1;
	paused = 0;
	CALLGRIND_ZERO_STATS;
	CALLGRIND_TOGGLE_COLLECT;
}

static void instr_batch_end(rb_state *st, void *ctx)
{
	uint64_t n = rb_max_iterations(st);
	char desc[96], msg[160];

	if (!collecting)
		return;
	rb_instr_resume();	/* a body that paused and never resumed: still one toggle off */
	if (inject_instr > 0)
		/*
		 * Rounded inline, not with llround(): the first call of a
		 * libm function goes through the PLT and the dynamic linker
		 * (~800 instructions), counted in the first collected batch of
		 * the run only, which put the first benchmark's slope off
		 * (devmap's: +9.09 for 10 injected).
		 */
		extra_instructions((uint64_t)((double)n * inject_instr + 0.5));
	CALLGRIND_TOGGLE_COLLECT;
	collecting = 0;
	(void)ctx;
	dump_seq++;
	snprintf(desc, sizeof(desc), "rb-instr seq=%lu n=%llu", dump_seq, (unsigned long long)n);
	CALLGRIND_DUMP_STATS_AT(desc);
	if (n == target / 10) {
		pending_seq = dump_seq;
		return;
	}
	if (pending_seq && pending_seq + 1 == dump_seq)
		snprintf(msg, sizeof(msg), "refbench --instr-count: measured in dumps %lu and %lu",
			 pending_seq, dump_seq);
	else
		snprintf(msg, sizeof(msg), "refbench --instr-count: not measured (no %llu-iteration "
			 "batch before this one: the benchmark sets its own iterations or min time)",
			 (unsigned long long)(target / 10));
	pending_seq = 0;
	/* Ends the search here; the converter turns this row into a measurement. */
	rb_skip_with_error(st, msg);
}

static const struct rb_hooks instr_hooks = {
	.name = "instr-count",
	.batch_begin = instr_batch_begin,
	.batch_end = instr_batch_end,
};
#else
void rb_instr_pause(void)
{
}

void rb_instr_resume(void)
{
}
#endif

static int instr_init(void)
{
	char buf[32];

	if (!instr_on)
		return 0;
#ifdef RB_HAVE_CALLGRIND
	if (!RUNNING_ON_VALGRIND) {
		fprintf(stderr, "refbench: --instr-count needs valgrind --tool=callgrind "
			"--collect-atstart=no (scripts/instr-count runs it)\n");
		return 2;
	}
	rb_add_hooks(&instr_hooks);
	snprintf(buf, sizeof(buf), "%llu", instr_iters);
	rb_add_context("refbench_instr_iters", buf);
	if (inject_instr > 0) {
		snprintf(buf, sizeof(buf), "%g", inject_instr);
		rb_add_context("refbench_injected_instructions", buf);
	}
	return 0;
#else
	(void)buf;
	fprintf(stderr, "refbench: built without <valgrind/callgrind.h>: --instr-count is not "
		"available (apt-get install valgrind, then rebuild)\n");
	return 2;
#endif
}
RB_MODULE(instr_count, "instr-count", instr_init);
