// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-inject only: a known slowdown inside the model operations, shaped
 * like a real regression (the gate's benchmark, scripts/error-rates).
 *
 * refbench-inject is refbench over the rb_<family>_inject model libraries,
 * whose RB_INJECT_OP() sites (src/kernel/inject.h) are live: in
 * try_get_folio() between the refcount's read and its update (split), before
 * each grab atomic of the gup-fast walk (grab), before each gup_put_folio()
 * of unpin_user_page(s) (unpin), in the pin family's unpin and in
 * page_mkclean()'s pin decision under the page lock (pin), in put_page()
 * (devmap). The refbench binary has no site at all.
 *
 *   --inject-site=S               split, grab, unpin, pin or devmap: the
 *                                 site that spins (every site counts its hits)
 *   --inject-op-delay=NS          NS ns per hit of the site: NS divided by the
 *                                 ns of one round (a dependent decrement),
 *                                 calibrated at start against CLOCK_MONOTONIC
 *                                 (the fastest of 15 timed runs of 2^20
 *                                 rounds), rounded to whole rounds (the
 *                                 context says how many and their ns)
 *   --inject-op-instructions=N    N extra instructions per hit instead (N
 *                                 rounds, fractions carried from hit to hit:
 *                                 exact under callgrind up to 1024 a hit, for
 *                                 the deterministic gate)
 *
 * A site selected with 0 (the A side of scripts/error-rates) runs the same
 * code with no round. Every run records the injection in the JSON context
 * (refbench_injected_slowdown, which refbench-compare reports as a note;
 * also refbench_inject_build and the calibration), and each benchmark gets
 * the counter inject_ops: hits of the selected site per iteration on the
 * timed threads (scripts/error-rates turns a P% slowdown into NS with it).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kernel/inject.h"
#include "refbench.h"

static const char *const site_names[] = RB_INJECT_SITE_NAMES;
static int site = -1;
static double op_delay_ns, op_instructions;
static int delay_given, instr_given;

static int parse_site(const char *value)
{
	for (int i = 0; i < RB_INJECT_NR_SITES; i++) {
		if (!strcmp(value, site_names[i])) {
			site = i;
			return 0;
		}
	}
	fprintf(stderr, "refbench: --inject-site=%s: want split, grab, unpin, pin or devmap\n", value);
	return 2;
}
RB_FLAG(inject_site, "--inject-site", "S",
	"the injection site: split, grab, unpin, pin or devmap (refbench-inject)", parse_site, NULL);

static int parse_delay(const char *value)
{
	delay_given = 1;
	return rb_flag_parse_number("--inject-op-delay", value, 1e6, &op_delay_ns);
}
RB_FLAG(inject_op_delay, "--inject-op-delay", "NS",
	"spin NS ns (calibrated) per operation at --inject-site", parse_delay, NULL);

static int parse_instr(const char *value)
{
	instr_given = 1;
	return rb_flag_parse_number("--inject-op-instructions", value, 1e6, &op_instructions);
}
RB_FLAG(inject_op_instructions, "--inject-op-instructions", "N",
	"N extra instructions per operation at --inject-site (deterministic mode)", parse_instr, NULL);

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ns per round: the fastest of 15 runs of 2^20 rounds (a preempted run is slower). */
static double calibrate_round_ns(void)
{
	const uint64_t rounds = 1ULL << 20;
	double best = 0;

	void *p = &best;

	for (int i = 0; i < 15; i++) {
		double t0 = now_ns(), dt;

		p = rb_inject_spin(rounds, p);
		__asm__ __volatile__("" : : "r"(p));
		dt = (now_ns() - t0) / (double)rounds;
		if (i == 0 || dt < best)
			best = dt;
	}
	return best;
}

static _Thread_local unsigned long batch_hits;

static void inject_begin(rb_state *st, void *ctx)
{
	(void)st;
	(void)ctx;
	batch_hits = rb_inject_hits[site];
}

static void inject_end(rb_state *st, void *ctx)
{
	(void)ctx;
	rb_counter(st, "inject_ops", (double)(rb_inject_hits[site] - batch_hits), RB_AVG_ITERATIONS);
}

static const struct rb_hooks inject_op_hooks = {
	.name = "inject-op",
	.batch_begin = inject_begin,
	.batch_end = inject_end,
};

static int inject_op_init(void)
{
	char buf[160], cal[64];
	double rounds, round_ns = 0;

	if (site < 0) {
		if (delay_given || instr_given) {
			fprintf(stderr, "refbench: --inject-op-delay/--inject-op-instructions need "
				"--inject-site=split|grab|unpin|pin|devmap\n");
			return 2;
		}
		rb_add_context("refbench_inject_build",
			       "refbench-inject (no --inject-site: no delay; sites count only)");
		return 0;
	}
	if (delay_given && instr_given) {
		fprintf(stderr, "refbench: --inject-op-delay and --inject-op-instructions: give one\n");
		return 2;
	}
	if (instr_given) {
		rounds = op_instructions;
		snprintf(buf, sizeof(buf), "%g instructions per op at site %s (refbench-inject)",
			 op_instructions, site_names[site]);
	} else {
		round_ns = calibrate_round_ns();
		if (!(round_ns > 0)) {
			fprintf(stderr, "refbench: --inject-op-delay: calibration failed\n");
			return 2;
		}
		/*
		 * Whole rounds: a fraction carried from hit to hit would alternate
		 * the sled's entry, and a mispredicted indirect call costs more than
		 * the rounds (5% of a devmap put read +13%).
		 */
		rounds = round(op_delay_ns / round_ns);
		snprintf(buf, sizeof(buf), "%g ns per op at site %s (refbench-inject; %.0f rounds = %.3g ns)",
			 op_delay_ns, site_names[site], rounds, rounds * round_ns);
		snprintf(cal, sizeof(cal), "%.4f ns per round, %.0f rounds per op", round_ns, rounds);
		rb_add_context("refbench_inject_calibration", cal);
	}
	rb_inject.rounds_fp = (uint64_t)llround(rounds * 4294967296.0);
	rb_inject.site_mask = 1U << site;
	rb_add_context("refbench_injected_slowdown", buf);
	rb_add_context("refbench_inject_build", "refbench-inject");
	rb_add_hooks(&inject_op_hooks);
	return 0;
}
RB_MODULE(inject_op, "inject-op", inject_op_init);
