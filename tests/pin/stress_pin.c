// SPDX-License-Identifier: GPL-2.0
/*
 * Stress test of one pin-tracking design against a racing writeback thread.
 *
 *	stress_pin --variant NAME [--expect-violation]
 *	stress_pin --self-test
 *
 * Three pinning threads pin random pages of a small file (gup-fast, then slow
 * GUP), publish the pin in the ground truth (pin_truth_publish(), see
 * pin_checks.c for why a report from it is never false), hold it for a short
 * random DMA, and unpin_user_page_dirty_lock() (which clears the slot). The writeback thread
 * writes back every dirty folio back to back, with a short I/O. First with
 * order-0 folios, then with order-4 folios (PTE-mapped), for
 * REFBENCH_STRESS_SECONDS in all (default 4).
 *
 * Checked:
 * - no missed pin: writeback never decides "not pinned" while a pin is held
 *   across its decision, or gets in before its writeback ends;
 * - after quiescence, refcount / mapcount / pincount conservation, no lock or
 *   writeback left, the design's idle state, and a final writeback pass over
 *   every folio with no pin held decides "not pinned" -- except bias's known
 *   false positive: with order 0, folio 0 carries 1024 plain references
 *   (GUP_PIN_COUNTING_BIAS), and folio_maybe_dma_pinned() must say "pinned";
 * - false positives are counted and printed (bias's on folio 0 must appear).
 *
 * --self-test: single-threaded and deterministic, for every design: pin every
 * page (gup-fast), write every folio back: all "pinned"; pin again by slow
 * GUP (the PTEs are write-protected now: a write fault each): all "pinned";
 * unpin, write back: none "pinned" but bias's folio with 1024 references;
 * conservation.
 *
 * --expect-violation: for the deliberately broken builds (tests/pin/
 * CMakeLists.txt): exit 0 only if a missed pin was observed (a crash does not
 * count), stopping at the first one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pin/pin.h"

extern const struct pin_ops pin_flag_wbonly_ops, pin_flag_nobackoff_ops, pin_flag_reordered_ops, pin_flag_refcount_nomb_ops;
extern const struct pin_ops pin_lock_nolock_ops, pin_bias_norecheck_ops;
extern const struct pin_ops pin_lock_wide_ops, pin_flag_wide_ops, pin_flag_fullmb_wide_ops,
	pin_flag_refcount_wide_ops, pin_bias_wide_ops;

static const struct pin_ops *const variants[] = {
	&pin_lock_ops, &pin_flag_ops, &pin_flag_fullmb_ops, &pin_flag_refcount_ops, &pin_bias_ops,
	&pin_bias_noacct_ops,
	/* widened builds of the real ones (RB_PIN_WIDEN), correct */
	&pin_lock_wide_ops, &pin_flag_wide_ops, &pin_flag_fullmb_wide_ops, &pin_flag_refcount_wide_ops,
	&pin_bias_wide_ops,
	/* broken, for --expect-violation */
	&pin_flag_wbonly_ops, &pin_flag_nobackoff_ops, &pin_flag_reordered_ops, &pin_flag_refcount_nomb_ops,
	&pin_lock_nolock_ops, &pin_bias_norecheck_ops,
};
#define NR_CORRECT	11	/* the correct designs come first */

#define NR_PINNERS	3
#define DMA_MAX_NS	1500

struct pinner {
	struct pin_file *pf;
	int tid;
	uint64_t seed;
	struct pin_stats st;
	pthread_t thread;
} ____cacheline_aligned_in_smp;

static _Atomic bool stop;

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void *pinner_main(void *arg)
{
	struct pinner *p = arg;
	struct pin_file *pf = p->pf;

	while (!atomic_load_explicit(&stop, mo_relaxed)) {
		uint64_t r = xorshift(&p->seed);
		unsigned long i = r % pf->nr_pages;
		struct folio *folio;
		struct page *page = pin_user_page(pf, pin_page_addr(i), &folio, &p->st);

		BUG_ON(page != pfn_to_page(page_to_pfn(folio_page(pf->folios[i >> pf->order], 0)) +
					   (i & ((1UL << pf->order) - 1))));
		BUG_ON(folio != pf->folios[i >> pf->order]);
		pin_truth_publish(pf, p->tid, pin_folio_index(pf, folio));
		pin_spin_ns((unsigned int)((r >> 32) % DMA_MAX_NS));
		if (!(r & (7 << 20)))
			sched_yield();
		unpin_user_page_dirty_lock(pf, folio, page, p->tid, &p->st);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

struct result {
	uint64_t violations, across, during, mkclean, pinned, fp, fp_undet;
	int failures;
};

static int run(const struct pin_ops *ops, unsigned int order, unsigned int nr_folios,
	       double seconds, bool expect, struct result *res)
{
	struct pinner pinners[NR_PINNERS];
	struct pin_stats tot = { 0 };
	struct pin_file *pf;
	char err[128];
	uint64_t pinned_before;
	unsigned int i, final_pinned, expect_final;
	double t0;
	uint64_t min_ops;
	int bad;

	pf = pin_file_create(ops, order, nr_folios, err, sizeof(err));
	if (!pf) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	pf->epochs = true;
	pf->wb_rate = -1;
	pf->io_ns = 1000;
	pf->wb_yield = true;
	if (strstr(ops->name, "_wide")) {
		/*
		 * Widened: writeback also yields between page_mkclean and
		 * set_page_writeback (the window the kernel order opens), and
		 * its I/O (24 rounds of 1 us and a yield) outlasts the pinners'
		 * widened windows (up to 4 yields between a pin's tracking and
		 * its return), so a pin that gets in after a "not pinned" is
		 * still held when the I/O ends.
		 */
		pf->wb_widen = true;
		pf->io_ns = 1000;
		pf->io_rounds = 24;
	}
	if (expect) {
		/*
		 * The broken twins: the I/O outlasts the twins' race window
		 * (pin_race_window(), 2 us), so a pin that gets in after the
		 * decision is still held when the I/O ends. flag_wbonly's bug
		 * lives in writeback's window between page_mkclean and
		 * set_page_writeback: widen that one (for the others it only
		 * makes their own window, on the pinner's side, rarer to hit).
		 */
		pf->wb_widen = ops == &pin_flag_wbonly_ops;
		pf->io_ns = 4000;
	}
	if (!strncmp(ops->name, "bias", 4) && order == 0) {
		/* 1024 ordinary references (e.g. 1023 more mappings): a "pin" to bias. */
		pf->extra_refs = GUP_PIN_COUNTING_BIAS;
		folio_ref_add(pf->folios[0], pf->extra_refs);
	}
	atomic_store(&stop, false);
	if (pin_writeback_start(pf, NR_PINNERS)) {
		fprintf(stderr, "stress_pin: cannot start the writeback thread\n");
		pin_file_destroy(pf);
		return -1;
	}
	for (i = 0; i < NR_PINNERS; i++) {
		memset(&pinners[i], 0, sizeof(pinners[i]));
		pinners[i].pf = pf;
		pinners[i].tid = (int)i;
		pinners[i].seed = 0x9e3779b97f4a7c15ULL * (i + 1) ^ (uint64_t)time(NULL);
		BUG_ON(pthread_create(&pinners[i].thread, NULL, pinner_main, &pinners[i]));
	}
	t0 = now_s();
	while (now_s() - t0 < seconds) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		if (expect && atomic_load_explicit(&pf->wb.violations, mo_relaxed))
			break;
	}
	atomic_store(&stop, true);
	for (i = 0; i < NR_PINNERS; i++) {
		pthread_join(pinners[i].thread, NULL);
		tot.pins += pinners[i].st.pins;
		tot.unpins += pinners[i].st.unpins;
		tot.fast += pinners[i].st.fast;
		tot.slow += pinners[i].st.slow;
		tot.ebusy += pinners[i].st.ebusy;
		tot.eagain += pinners[i].st.eagain;
		tot.faults += pinners[i].st.faults;
		tot.backoffs += pinners[i].st.backoffs;
	}
	pin_writeback_stop(pf);

	res->violations = atomic_load(&pf->wb.violations);
	res->across = atomic_load(&pf->wb.miss_across);
	res->during = atomic_load(&pf->wb.miss_during);
	res->mkclean = atomic_load(&pf->wb.mkclean);
	res->pinned = atomic_load(&pf->wb.pinned);
	res->fp = atomic_load(&pf->wb.fp);
	res->fp_undet = atomic_load(&pf->wb.fp_undetermined);
	printf("%-15s order %u: %.2fs pins %lu (fast %lu slow %lu; -EBUSY %lu -EAGAIN %lu faults %lu "
	       "backoffs %lu) unpins %lu | page_mkclean %lu pinned %lu false-positive %lu "
	       "(undetermined %lu) | missed pins %lu (held across the decision %lu, got in during "
	       "writeback %lu)%s\n",
	       ops->name, order, now_s() - t0, tot.pins, tot.fast, tot.slow, tot.ebusy, tot.eagain,
	       tot.faults, tot.backoffs, tot.unpins, res->mkclean, res->pinned, res->fp, res->fp_undet,
	       res->violations, res->across, res->during,
	       res->violations ? " <== VIOLATION" : "");
	if (res->violations)
		printf("  first missed pin on folio %lu\n",
		       (unsigned long)atomic_load(&pf->wb.first_violation_folio) - 1);

	/* Quiescence: every pin was undone; a final writeback pass finds none. */
	if (tot.pins != tot.unpins) {
		fprintf(stderr, "stress_pin: %lu pins but %lu unpins\n", tot.pins, tot.unpins);
		res->failures++;
	}
	pinned_before = atomic_load(&pf->wb.pinned);
	for (i = 0; i < pf->nr_folios; i++) {
		folio_set_dirty(pf->folios[i]);
		pin_writeback_folio(pf, pf->folios[i], NR_PINNERS);
	}
	final_pinned = (unsigned int)(atomic_load(&pf->wb.pinned) - pinned_before);
	expect_final = pf->extra_refs ? 1 : 0;
	if (final_pinned != expect_final) {
		fprintf(stderr, "stress_pin: %s order %u: final writeback pass with no pin held: %u "
			"folios \"pinned\", expected %u\n", ops->name, order, final_pinned, expect_final);
		res->failures++;
	}
	if (pf->extra_refs && !res->fp) {
		fprintf(stderr, "stress_pin: bias: no false positive seen on the folio with 1024 references\n");
		res->failures++;
	}
	bad = pin_check_conservation(pf);
	res->failures += bad;
	/*
	 * Widened runs spend most of their time in yields: fewer operations,
	 * every one of them through every window; ask for 10, not 100.
	 */
	min_ops = strstr(ops->name, "_wide") ? 10 : 100;
	if (!expect && res->mkclean < min_ops) {
		fprintf(stderr, "stress_pin: only %lu page_mkclean calls: the race was not exercised\n",
			res->mkclean);
		res->failures++;
	}
	if (!expect && tot.fast < min_ops) {
		fprintf(stderr, "stress_pin: only %lu gup-fast pins: the race was not exercised\n",
			tot.fast);
		res->failures++;
	}
	pin_file_destroy(pf);
	return 0;
}

static int self_test(void)
{
	int failures = 0;

	for (size_t v = 0; v < NR_CORRECT; v++) {
		for (unsigned int order = 0; order <= 4; order += 4) {
			const struct pin_ops *ops = variants[v];
			struct pin_stats st = { 0 };
			struct pin_file *pf;
			struct folio *folio;
			struct page **pages;
			uint64_t pinned;
			unsigned long i;
			unsigned int f, round;
			char err[128];

			pf = pin_file_create(ops, order, 4, err, sizeof(err));
			if (!pf) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			if (!strncmp(ops->name, "bias", 4) && order == 0) {
				pf->extra_refs = GUP_PIN_COUNTING_BIAS;
				folio_ref_add(pf->folios[0], pf->extra_refs);
			}
			pages = calloc(pf->nr_pages, sizeof(*pages));
			BUG_ON(!pages);
			for (round = 0; round < 2; round++) {
				/* round 0: gup-fast on writable PTEs; round 1: after writeback, slow GUP + fault */
				for (i = 0; i < pf->nr_pages; i++) {
					pages[i] = pin_user_page(pf, pin_page_addr(i), &folio, &st);
					if (pages[i] != folio_page(pf->folios[i >> order], i & ((1UL << order) - 1)))
						failures++, fprintf(stderr, "self-test: %s: wrong page\n", ops->name);
				}
				pinned = atomic_load(&pf->wb.pinned);
				for (f = 0; f < pf->nr_folios; f++) {
					folio_set_dirty(pf->folios[f]);
					pin_writeback_folio(pf, pf->folios[f], 0);
				}
				if (atomic_load(&pf->wb.pinned) - pinned != pf->nr_folios)
					failures++, fprintf(stderr, "self-test: %s order %u: pinned folios not "
							    "all seen pinned\n", ops->name, order);
				for (i = 0; i < pf->nr_pages; i++)
					unpin_user_page_dirty_lock(pf, page_folio(pages[i]), pages[i], -1, &st);
			}
			if (st.fast != pf->nr_pages || st.slow != pf->nr_pages || st.faults != pf->nr_pages)
				failures++, fprintf(stderr, "self-test: %s order %u: fast %lu slow %lu faults "
						    "%lu, expected %lu each\n", ops->name, order, st.fast,
						    st.slow, st.faults, pf->nr_pages);
			pinned = atomic_load(&pf->wb.pinned);
			for (f = 0; f < pf->nr_folios; f++)
				pin_writeback_folio(pf, pf->folios[f], 0);
			if (atomic_load(&pf->wb.pinned) - pinned != (pf->extra_refs ? 1 : 0))
				failures++, fprintf(stderr, "self-test: %s order %u: unpinned folios seen "
						    "pinned\n", ops->name, order);
			failures += pin_check_conservation(pf);
			printf("self-test %-12s order %u: %s\n", ops->name, order, failures ? "FAIL" : "ok");
			free(pages);
			pin_file_destroy(pf);
		}
	}
	return failures ? 1 : 0;
}

static int usage(const char *msg)
{
	fprintf(stderr, "stress_pin: %s (usage: stress_pin --variant NAME [--expect-violation])\n", msg);
	return 2;
}

int main(int argc, char **argv)
{
	const struct pin_ops *ops = NULL;
	bool expect = false;
	double seconds = 4;
	const char *env = getenv("REFBENCH_STRESS_SECONDS");
	struct result small = { 0 }, large = { 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--self-test") && argc == 2) {
			return self_test();
		} else if (!strcmp(argv[i], "--expect-violation")) {
			expect = true;
		} else if (!strcmp(argv[i], "--variant") && i + 1 < argc) {
			const char *name = argv[++i];

			for (size_t v = 0; v < ARRAY_SIZE(variants); v++)
				if (!strcmp(variants[v]->name, name))
					ops = variants[v];
			if (!ops) {
				fprintf(stderr, "stress_pin: unknown variant '%s'\n", name);
				return 2;
			}
		} else {
			char msg[160];

			snprintf(msg, sizeof(msg), "unknown argument '%s'", argv[i]);
			return usage(msg);
		}
	}
	if (!ops)
		return usage("--variant is required");
	if (env) {
		char *end;

		seconds = strtod(env, &end);
		if (*end || !(seconds > 0 && seconds <= 3600)) {
			fprintf(stderr, "stress_pin: REFBENCH_STRESS_SECONDS='%s' is not a number of "
				"seconds in (0, 3600]\n", env);
			return 2;
		}
	}

	if (run(ops, 0, 8, seconds / 2, expect, &small))
		return 1;
	if (!(expect && small.violations) && run(ops, 4, 4, seconds / 2, expect, &large))
		return 1;

	if (expect) {
		if (small.violations + large.violations) {
			printf("detected: %lu missed pins\n", small.violations + large.violations);
			return 0;
		}
		printf("NOT detected: the broken variant %s survived %.1fs\n", ops->name, seconds);
		return 1;
	}
	if (small.violations + large.violations || small.failures + large.failures) {
		printf("FAIL: %lu missed pins, %d other failures\n", small.violations + large.violations,
		       small.failures + large.failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
