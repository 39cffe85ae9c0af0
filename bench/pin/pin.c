// SPDX-License-Identifier: GPL-2.0
/*
 * pin/<variant>/pin_unpin: what each way of answering "is this page
 * DMA-pinned?" costs GUP, unpin and writeback (seed 004: the page-lock
 * versus barrier measurement that was asked for and never posted).
 *
 * Each iteration: pin_user_page() (gup-fast, else slow GUP) of the thread's
 * next page of a 256-page file, a simulated DMA of @dma ns, then
 * unpin_user_page_dirty_lock(). Threads start half a file apart. Args:
 *   order  0: 256 small folios; 4: 16 PTE-mapped large folios (order 4)
 *   wb     writeback thread's folio visits per ms (0: no writeback thread);
 *          it is started in the setup hook and stopped in the teardown, and
 *          writes back each dirty folio (page_mkclean: write-protect, then
 *          the design's decision; 1 us of simulated I/O)
 *   dma    pin hold time in ns (0: unpin at once)
 * Counters: pins/s, unpins/s, page_mkclean/s (the writeback thread's, over
 * the timed batch), ebusy/pin (gup-fast -EBUSY: page lock or writeback),
 * slow/pin (fallbacks to slow GUP, -EBUSY or PTE write-protected), and
 * fp/decision: writeback decisions "pinned" while no pinning thread held the
 * folio before or after the decision (pin_writeback_folio(); a lower bound).
 *
 * Real time: the writeback thread and the DMA wait are part of what is
 * measured. The ground-truth slot (pin_truth_publish/clear) is a plain store
 * to the thread's own line, the same for every design.
 */
#include <stdio.h>
#include <unistd.h>

#include "refbench.h"
#include "pin/pin.h"

/* The family's variant table: one registration per design, with its kernel era. */
struct pin_variant {
	const struct pin_ops *ops;
	const char *era;
};
static const struct pin_variant pin_variants[] = {
	{ .ops = &pin_lock_ops, .era = "2019 draft (John Hubbard), no vmstat" },
	{ .ops = &pin_flag_ops, .era = "2019 posted (Jerome Glisse) + kernel-order back-off, no vmstat" },
	{ .ops = &pin_flag_fullmb_ops, .era = "as flag, smp_mb() after SetPagePin" },
	{ .ops = &pin_flag_refcount_ops, .era = "2019 posted, later version, no vmstat" },
	{ .ops = &pin_bias_ops, .era = "v5.7+ as merged, NR_FOLL_PIN_* vmstat" },
	{ .ops = &pin_bias_noacct_ops, .era = "v5.7 mechanism without the vmstat accounting" },
};

#define PIN_BENCH_PAGES	256
#define PIN_BENCH_IO_NS	1000

struct pin_bench {
	const struct pin_ops *ops;
	struct pin_file *pf;
	uint64_t wb_mkclean0, wb_fp0, wb_missed0;
};
static struct pin_bench pin_benches[ARRAY_SIZE(pin_variants)];

static void pin_setup(rb_state *st, void *ctx)
{
	struct pin_bench *b = ctx;
	unsigned int order = (unsigned int)rb_range(st, 0);
	long wb = (long)rb_range(st, 1);
	char err[128];

	b->pf = pin_file_create(b->ops, order, PIN_BENCH_PAGES >> order, err, sizeof(err));
	if (!b->pf) {
		rb_skip_with_error(st, err);
		return;
	}
	b->pf->wb_rate = wb;
	b->pf->io_ns = PIN_BENCH_IO_NS;
	if (wb > 0 && pin_writeback_start(b->pf, (unsigned int)rb_thread_count(st)))
		rb_skip_with_error(st, "pin: cannot start the writeback thread");
}

static void pin_teardown(rb_state *st, void *ctx)
{
	struct pin_bench *b = ctx;

	(void)st;
	pin_file_destroy(b->pf);	/* stops the writeback thread */
	b->pf = NULL;
}

static void pin_body(rb_state *st, void *ctx)
{
	struct pin_bench *b = ctx;
	struct pin_file *pf = b->pf;
	int tid = rb_thread_index(st);
	unsigned int dma = (unsigned int)rb_range(st, 2);
	struct pin_stats s = { 0 };
	unsigned long i, nr;
	uint64_t n;

	if (!pf) {	/* setup failed: rb_start() returns 0 */
		rb_start(st);
		rb_stop(st);
		return;
	}
	nr = pf->nr_pages;
	i = (unsigned long)tid * nr / (unsigned long)rb_thread_count(st);
	n = rb_start(st);
	if (tid == 0) {
		b->wb_mkclean0 = atomic_load_explicit(&pf->wb.mkclean, mo_relaxed);
		b->wb_fp0 = atomic_load_explicit(&pf->wb.fp, mo_relaxed);
		b->wb_missed0 = atomic_load_explicit(&pf->wb.violations, mo_relaxed);
	}
	for (; n; n--) {
		struct folio *folio;
		struct page *page = pin_user_page(pf, pin_page_addr(i), &folio, &s);

		pin_truth_publish(pf, tid, pin_folio_index(pf, folio));
		pin_spin_ns(dma);
		unpin_user_page_dirty_lock(pf, folio, page, tid, &s);
		if (++i == nr)
			i = 0;
	}
	rb_stop(st);
	rb_counter(st, "pins/s", (double)s.pins, RB_IS_RATE);
	rb_counter(st, "unpins/s", (double)s.unpins, RB_IS_RATE);
	rb_counter(st, "ebusy/pin", (double)s.ebusy, RB_AVG_ITERATIONS);
	rb_counter(st, "slow/pin", (double)s.slow, RB_AVG_ITERATIONS);
	if (tid == 0) {
		uint64_t mk = atomic_load_explicit(&pf->wb.mkclean, mo_relaxed) - b->wb_mkclean0;
		uint64_t fp = atomic_load_explicit(&pf->wb.fp, mo_relaxed) - b->wb_fp0;

		rb_counter(st, "mkclean/s", (double)mk, RB_IS_RATE);
		rb_counter(st, "fp/decision", mk ? (double)fp / (double)mk : 0.0, RB_COUNTER_DEFAULT);
		/* Missed pins seen by the ground-truth check (pin_checks.c): must be 0. */
		rb_counter(st, "missed",
			   (double)(atomic_load_explicit(&pf->wb.violations, mo_relaxed) - b->wb_missed0),
			   RB_COUNTER_DEFAULT);
	}
}

static void pin_register(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char name[64];

	if (ncpu < 1)
		ncpu = 1;
	for (size_t v = 0; v < ARRAY_SIZE(pin_variants); v++) {
		rb_bench *bm;

		pin_benches[v].ops = pin_variants[v].ops;
		snprintf(name, sizeof(name), "pin/%s/pin_unpin", pin_variants[v].ops->name);
		bm = rb_register(name, pin_body, &pin_benches[v]);
		rb_setup_teardown(bm, pin_setup, pin_teardown);
		RB_ARGS_PRODUCT(bm, RB_LIST(0, 4), RB_LIST(0, 10, 1000), RB_LIST(0, 2000));
		RB_ARG_NAMES(bm, "order", "wb", "dma");
		rb_use_real_time(bm);
		rb_thread_range(bm, 1, ncpu > PIN_MAX_THREADS ? PIN_MAX_THREADS : (int)ncpu);
	}
}

RB_FAMILY(pin, "pin", "pin tracking vs writeback: page lock, pin flag + barriers, GUP_PIN_COUNTING_BIAS",
	  pin_register);
