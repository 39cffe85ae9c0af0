// SPDX-License-Identifier: GPL-2.0
/*
 * The hardware path, where a PMU exists: cycles and instructions in one
 * per-thread group around a loop of known length (an x86 dec/jnz loop is 2
 * instructions per iteration) must count at least that many instructions
 * and not wildly more, and some cycles. Where cycles cannot be opened
 * (ENOENT/EOPNOTSUPP/ENODEV, e.g. this VM, or refused by
 * perf_event_paranoid), it exits 77: ctest shows it as skipped, with the
 * reason in its output.
 */
#include "rbtest.h"
#include "perf/perf.h"

#define LOOPS	10000000UL

static void known_loop(void)
{
#if defined(__x86_64__)
	unsigned long n = LOOPS;

	__asm__ __volatile__("1: dec %0\n\tjnz 1b" : "+r"(n));
#else
	for (volatile unsigned long i = 0; i < LOOPS; i++)
		;
#endif
}

int main(void)
{
	struct rb_perf_config c;
	struct rb_perf_set s;
	struct rb_perf_sample a, b;
	char err[1024];
	double cycles = 0, insns = 0;

	if (rb_perf_parse_list("cycles,instructions", &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rb_perf_probe(&c);
	for (int i = 0; i < c.nr; i++) {
		if (c.ev[i].status != RB_PERF_OK) {
			printf("skipped: %s\n", c.ev[i].why);
			return c.ev[i].status == RB_PERF_FAILED ? 1 : 77;
		}
	}
	CHECK_EQ(c.nr_groups, 1);
	CHECK_EQ(rb_perf_set_open(&c, &s), 0);
	rb_perf_set_read(&c, &s, &a);
	known_loop();
	rb_perf_set_read(&c, &s, &b);
	CHECK(rb_perf_delta(&a, &b, 0, &cycles));
	CHECK(rb_perf_delta(&a, &b, 1, &insns));
	printf("%.0f cycles, %.0f instructions for a loop of %lu iterations\n", cycles, insns, LOOPS);
	CHECK(cycles > LOOPS / 4);
#if defined(__x86_64__)
	CHECK(insns >= 2.0 * LOOPS && insns < 2.0 * LOOPS + 1e6);
#else
	CHECK(insns >= 1.0 * LOOPS);
#endif
	rb_perf_set_close(&s);
	printf("%s\n", rbt_failed_checks ? "FAIL" : "ok");
	return rbt_failed_checks ? 1 : 0;
}
