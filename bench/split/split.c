// SPDX-License-Identifier: GPL-2.0
/*
 * split: gup-fast's try_get_folio() (null, retry, xadd) against
 * split_huge_page()/collapse at a steady rate (see src/split/split.h,
 * docs/split.md).
 *
 * split/<variant>/grab/order:O/rate:R/refs:F/real_time/threads:T
 *   T grabbing threads, each grabbing F references on the folio of a random
 *   page of 16 PMD slots (order 9: PMD-mapped THPs; order 4: PTE-mapped
 *   mTHPs) and putting them at once. R > 0: a splitter pthread, started in
 *   the setup hook and stopped in the teardown (not a benchmark thread),
 *   R times a second splits a random large folio and collapses it straight
 *   back (split_pair()), so every slot is large at rest at every rate: the
 *   mapping mix is the same in every row and only the race differs (issue
 *   13 item 4). R counts pairs, i.e. target splits per second; the counter
 *   split_rate is the split rate achieved (splits per second of the run,
 *   beside the target), large_frac the share of mapped pages in large
 *   folios at the end of the batch (1.0 at rest). Rows with R > 0 run at
 *   most (CPUs - 1) grabbers, so grabbers + splitter never oversubscribe;
 *   where the machine has one CPU they would, and the counter
 *   oversubscribed says 1. The timed loop is the variant's own batch
 *   function (one indirect call per batch, none per grab). Per grab: fast,
 *   retries, slow (NULL or re-check -> slow path), and from the splitter
 *   splits, collapses, ebusy.
 *
 * split/{cas,xadd}/bare/shared:S/threads:T
 *   the speculative add alone: atomic_add_unless's cmpxchg loop
 *   (folio_ref_try_add) against the proposal's fetch_add + FROZEN bit, on one
 *   shared folio (S=1, contended) or one folio per thread (S=0). The anchor
 *   is Pedro Falcato's table (REFERENCE.md (1)).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "refbench.h"
#include "split/split.h"
#include "split/page_ref_frozen.h"
#include "kernel/irqflags.h"

#define SPLIT_BENCH_SLOTS	16

struct split_bench {
	const struct split_ops *ops;
	struct split_mm *sm;
	char err[160];
};

static struct split_bench split_benches[3];

static void split_grab_setup(rb_state *st, void *ctx)
{
	struct split_bench *b = ctx;

	b->sm = split_mm_create(b->ops, SPLIT_BENCH_SLOTS, (int)rb_range(st, 0), b->err, sizeof(b->err));
	if (!b->sm) {
		rb_skip_with_error(st, b->err);
		return;
	}
	b->sm->pairs = true;	/* split and collapse back: a constant mapping mix */
	if (split_splitter_start(b->sm, rb_range(st, 1)))
		rb_skip_with_error(st, "split: cannot start the splitter thread");
}

static void split_grab_teardown(rb_state *st, void *ctx)
{
	struct split_bench *b = ctx;

	(void)st;
	split_mm_destroy(b->sm);	/* stops the splitter first */
	b->sm = NULL;
}

enum { SC_SPLIT, SC_COLLAPSE, SC_EBUSY, SC_NR };

static void split_snapshot(struct split_mm *sm, long *c)
{
	c[SC_SPLIT] = atomic_long_read(&sm->cnt.split_ok);
	c[SC_COLLAPSE] = atomic_long_read(&sm->cnt.collapse_ok);
	c[SC_EBUSY] = atomic_long_read(&sm->cnt.split_ebusy) + atomic_long_read(&sm->cnt.collapse_ebusy);
}

static double split_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void split_grab_body(rb_state *st, void *ctx)
{
	struct split_bench *b = ctx;
	int refs = (int)rb_range(st, 2);
	long rate = (long)rb_range(st, 1);
	bool lead = rb_thread_index(st) == 0;
	uint64_t rng = 0x2545f4914f6cdd1dULL * (uint64_t)(rb_thread_index(st) + 1);
	struct split_stats s = { 0 };
	long c0[SC_NR] = { 0 }, c1[SC_NR] = { 0 };
	double t0 = 0, t1 = 0, large_frac = 0;
	uint64_t n = rb_start(st);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (n && lead) {
		split_snapshot(b->sm, c0);
		t0 = split_now();
	}
	if (n)
		b->ops->grab_batch(b->sm, n, refs, &s, &rng);
	if (n && lead) {
		t1 = split_now();
		split_snapshot(b->sm, c1);
	}
	rb_stop(st);
	if (!n)
		return;
	if (lead) {
		unsigned long nr_pmd, nr_mthp;

		/* A racy snapshot while the splitter runs; exact at rate 0. */
		split_count_large(b->sm, &nr_pmd, &nr_mthp);
		large_frac = (double)(nr_pmd * HPAGE_PMD_NR + nr_mthp * SPLIT_MTHP_NR) /
			     (double)b->sm->nr_map_pages;
	}
	/* Thread 0 alone reports the run-wide counters (the others add 0). */
	rb_counter(st, "split_rate", lead && t1 > t0 ? (double)(c1[SC_SPLIT] - c0[SC_SPLIT]) / (t1 - t0) : 0,
		   RB_COUNTER_DEFAULT);
	rb_counter(st, "large_frac", large_frac, RB_COUNTER_DEFAULT);
	rb_counter(st, "oversubscribed",
		   lead && rb_thread_count(st) + (rate != 0) > ncpu ? 1 : 0, RB_COUNTER_DEFAULT);
	rb_set_items_processed(st, (int64_t)n);
	rb_counter(st, "fast", (double)s.fast, RB_AVG_ITERATIONS);
	rb_counter(st, "retries", (double)s.retries, RB_AVG_ITERATIONS);
	rb_counter(st, "slow", (double)s.slow, RB_AVG_ITERATIONS);
	rb_counter(st, "null", (double)(s.null_frozen + s.null_changed), RB_AVG_ITERATIONS);
	rb_counter(st, "recheck", (double)s.recheck_fail, RB_AVG_ITERATIONS);
	rb_counter(st, "splits", (double)(c1[SC_SPLIT] - c0[SC_SPLIT]), RB_AVG_ITERATIONS);
	rb_counter(st, "collapses", (double)(c1[SC_COLLAPSE] - c0[SC_COLLAPSE]), RB_AVG_ITERATIONS);
	rb_counter(st, "ebusy", (double)(c1[SC_EBUSY] - c0[SC_EBUSY]), RB_AVG_ITERATIONS);
}

/* ---- the bare speculative add ---- */

#define BARE_STRIDE	2	/* pages apart: no adjacent-line prefetch sharing */
#define BARE_CHUNK	(1U << 16)

static bool bare_memmap;

static void split_bare_setup(rb_state *st, void *ctx)
{
	long i, nr = (sysconf(_SC_NPROCESSORS_ONLN) + 2) * BARE_STRIDE;

	(void)ctx;
	if (memmap_init(nr)) {
		rb_skip_with_error(st, "split: out of memory for the memmap");
		return;
	}
	bare_memmap = true;
	for (i = 0; i < nr; i++)
		set_page_count(pfn_to_page(i), 1);
}

static void split_bare_teardown(rb_state *st, void *ctx)
{
	(void)st;
	(void)ctx;
	if (bare_memmap)
		memmap_destroy();
	bare_memmap = false;
}

static inline struct folio *split_bare_folio(rb_state *st)
{
	return (struct folio *)pfn_to_page(rb_range(st, 0) ? BARE_STRIDE :
					   (unsigned long)(rb_thread_index(st) + 2) * BARE_STRIDE);
}

/*
 * Each iteration is one speculative add of 1; every BARE_CHUNK adds the
 * thread takes them back with one atomic_sub, so the count stays far from
 * the FROZEN bit (and from INT_MAX) however long the run.
 */
#define SPLIT_BARE_BODY(name, try_add)						\
static void split_bare_##name(rb_state *st, void *ctx)				\
{										\
	struct folio *folio;							\
	uint64_t n = rb_start(st);						\
	unsigned int chunk = 0;							\
										\
	(void)ctx;								\
	if (!n) {								\
		rb_stop(st);							\
		return;								\
	}									\
	folio = split_bare_folio(st);						\
	for (; n; n--) {							\
		if (unlikely(!try_add(folio, 1)))				\
			break;							\
		if (unlikely(++chunk == BARE_CHUNK)) {				\
			atomic_sub((int)chunk, &folio->_refcount);		\
			chunk = 0;						\
		}								\
	}									\
	rb_stop(st);								\
	atomic_sub((int)chunk, &folio->_refcount);				\
	if (n)									\
		rb_skip_with_error(st, "split: the speculative add failed");	\
}
SPLIT_BARE_BODY(cas, folio_ref_try_add)
SPLIT_BARE_BODY(xadd, folio_ref_try_add_frozen_bit)

/*
 * ---- what local_irq_save()/restore() cost in userspace (docs/split.md) ----
 * split/irqflags/save_restore: the model's local_irq_save(); local_irq_restore()
 *   (pushf; pop; the IF test), as every gup-fast call pays it;
 * split/irqflags/popf: the same plus push; popf, the pre-v5.11 restore and
 *   the nearest userspace stand-in for sti, kept as a measurement only: the
 *   model does not pay it (src/kernel/irqflags.h says why).
 */
static void split_irqflags_save_restore(rb_state *st, void *ctx)
{
	uint64_t n = rb_start(st);

	(void)ctx;
	for (; n; n--) {
		unsigned long flags;

		local_irq_save(flags);
		local_irq_restore(flags);
	}
	rb_stop(st);
}

static void split_irqflags_popf(rb_state *st, void *ctx)
{
	uint64_t n = rb_start(st);

	(void)ctx;
	for (; n; n--) {
		unsigned long flags;

		local_irq_save(flags);
#if defined(__x86_64__)
		/* push; popf, stepping over the red zone as native_save_fl() does here */
		__asm__ __volatile__("lea -128(%%rsp), %%rsp\n\tpushq %0\n\tpopfq\n\tlea 128(%%rsp), %%rsp"
				     : : "r"(flags) : "memory", "cc");
#endif
		local_irq_restore(flags);
	}
	rb_stop(st);
}

static void split_register(void)
{
	static const char *const grab_args[] = { "order", "rate", "refs" };
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	const struct split_ops *ops[3] = { &split_ops_null, &split_ops_retry, &split_ops_xadd };
	char name[64];
	rb_bench *b;

	if (ncpu < 1)
		ncpu = 1;
	for (int i = 0; i < 3; i++) {
		split_benches[i].ops = ops[i];
		snprintf(name, sizeof(name), "split/%s/grab", ops[i]->name);
		/* No splitter: up to one grabber per CPU. */
		b = rb_register(name, split_grab_body, &split_benches[i]);
		rb_setup_teardown(b, split_grab_setup, split_grab_teardown);
		RB_ARGS_PRODUCT(b, RB_LIST(HPAGE_PMD_ORDER, SPLIT_MTHP_ORDER), RB_LIST(0), RB_LIST(1, 8));
		rb_arg_names(b, grab_args, 3);
		rb_thread_range(b, 1, ncpu);
		rb_use_real_time(b);
		/* A splitter: one CPU is its, so at most CPUs - 1 grabbers (at least 1). */
		b = rb_register(name, split_grab_body, &split_benches[i]);
		rb_setup_teardown(b, split_grab_setup, split_grab_teardown);
		RB_ARGS_PRODUCT(b, RB_LIST(HPAGE_PMD_ORDER, SPLIT_MTHP_ORDER),
				RB_LIST(1000, 10000, 100000), RB_LIST(1, 8));
		rb_arg_names(b, grab_args, 3);
		rb_thread_range(b, 1, ncpu > 1 ? ncpu - 1 : 1);
		rb_use_real_time(b);
	}

	b = rb_register("split/cas/bare", split_bare_cas, NULL);
	rb_setup_teardown(b, split_bare_setup, split_bare_teardown);
	RB_ARG_NAMES(RB_ARGS_PRODUCT(b, RB_LIST(0, 1)), "shared");
	rb_thread_range(b, 1, ncpu);
	rb_use_real_time(b);
	b = rb_register("split/xadd/bare", split_bare_xadd, NULL);
	rb_setup_teardown(b, split_bare_setup, split_bare_teardown);
	RB_ARG_NAMES(RB_ARGS_PRODUCT(b, RB_LIST(0, 1)), "shared");
	rb_thread_range(b, 1, ncpu);
	rb_use_real_time(b);

	rb_use_real_time(rb_register("split/irqflags/save_restore", split_irqflags_save_restore, NULL));
	rb_use_real_time(rb_register("split/irqflags/popf", split_irqflags_popf, NULL));
}

RB_FAMILY(split,
	  .name = "split",
	  .summary = "try_get_folio on a split race: NULL vs retry vs fetch_add+frozen bit, "
		     "against split_huge_page",
	  .register_benchmarks = split_register);
