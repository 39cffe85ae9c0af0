// SPDX-License-Identifier: GPL-2.0
/*
 * grab family benchmarks (REFERENCE.md (3), seed 001; docs/grab.md).
 *
 *   grab/<subpage|grouped>/<scenario>   gup-fast calls, timed; the release
 *                                       (unpin_user_pages / grouped puts)
 *                                       runs with the timer paused, as
 *                                       gup_test times get and put apart.
 *   grab/<unpin_per_page|unpin_batched>/<scenario>
 *                                       the unpin of FOLL_PIN pages, timed;
 *                                       the gup-fast (grouped) is paused.
 *
 * Scenarios:
 *   pmd_devdax_lfl       the like-for-like pair: order-9 PMD leaves of compound
 *                        device-dax pages (v5.17+), tail struct pages reused
 *                        (vmemmap dedup); subpage = __gup_device_huge()
 *                        v5.17-v6.14, grouped = Joao's patch (lookup 1) or
 *                        v6.15+ gup_fast_pmd_leaf() (lookup 0)
 *   pmd_devdax_lfl_nodedup  the same memmap without the tail-page reuse
 *   pmd_devdax_noncompound  non-compound device pages (a refcount per page),
 *                        subpage only: the kernel before v5.17, the "before"
 *                        of the published gup_test figures
 *   pmd_devdax_noncompound_groups_of_1  grouped code on non-compound pages:
 *                        groups of one page, the per-pfn loop again (not a
 *                        like-for-like cell)
 *   pmd_thp (order-9 buddy folios), pud (order-18), pte (small folios).
 * Arguments:
 *   ppc      pages per gup call: 1, 512, or 0 for the whole range of the thread
 *   pin      0: FOLL_GET, 1: FOLL_PIN
 *   mem_mib  mapped memory; its memmap is mem_mib / 64 MiB: 64 MiB (1 MiB of
 *            memmap, far below the LLC), 1024 (16 MiB), 16384 (256 MiB, far
 *            above it; the published 16 GiB gup_test run)
 *   shared   1: every thread walks the same folios; 0: disjoint slices
 *   lookup   device pfns (enum gup_pgmap_lookup): 0 no pgmap lookup (v6.15+),
 *            1 get_dev_pagemap() per leaf per call, cached within the leaf
 *            (the kernel, v4.5-v6.14), 2 an uncached xa_load per pfn, 3 one
 *            pgmap cached across the whole walk (not the kernel)
 * Counters: page_time and call_time, the CPU time of one thread per page and
 * per gup call (per unpin call for the unpin benchmarks); pages_per_call.
 *
 * An iteration is one call; each run has a fixed work of about 2^22 pages
 * (rb_iterations), so that each run is one trial with one setup of its
 * memmap (the 16 GiB one takes a fraction of a second to build).
 *
 * The release runs outside the timed region in chunks of GRAB_CHUNK_PAGES
 * pages (2^20: an 8 MiB pages[] per thread, as gup_test fills one pages[]
 * for its whole range): about 4 pause/resume pairs per run. Each pair costs
 * clock reads (CLOCK_THREAD_CPUTIME_ID is a syscall) that land in the timed
 * region; with 64 Ki-page chunks there were 64 pairs per run, a few percent
 * of a grouped run. A chunk may grab a folio several times before it is
 * released (the 64 MiB ranges wrap): the counts stay far below overflow.
 *
 * The loop is instantiated per variant (GRAB_BODY): the gup call is a direct
 * call of at least tens of nanoseconds per call, no indirect call.
 *
 * Deterministic mode (--instr-count, bench/instr_count.h): registered
 * without the fixed work, so the iteration search runs; one iteration is
 * still one gup call of pages_per_call pages (ppc:0: the whole mapping, 16384
 * pages at 64 MiB) for grab/<subpage|grouped>, one unpin call of them for
 * grab/unpin_*, and its instruction count repeats exactly. The measured
 * batch is capped at about GRAB_INSTR_PAGES pages (N = 10 calls of 16384
 * pages, 100 calls of 512, 10000 of 1): the slope per call is the same over
 * fewer calls, and callgrind stays at seconds per cell. The paused work (the
 * release; the gup of an unpin cell) is paused in the count too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "refbench.h"
#include "instr_count.h"
#include "grab/grab.h"

#define GRAB_INSTR_PAGES	(1UL << 17)	/* pages per measured batch under --instr-count */

#ifndef GRAB_CHUNK_PAGES
#define GRAB_CHUNK_PAGES	(1UL << 20)	/* pages released per pause/resume pair */
#endif

enum { ARG_PPC, ARG_PIN, ARG_MIB, ARG_SHARED, ARG_LOOKUP };

struct grab_scenario {
	const char *name;
	enum grab_mem mem;
	unsigned int order;
};

static const struct grab_scenario sc_pmd_thp = {
	.name = "pmd_thp", .mem = GRAB_MEM_NORMAL, .order = HPAGE_PMD_ORDER,
};
/* The like-for-like pair: compound device-dax (v5.17+), tail struct pages reused. */
static const struct grab_scenario sc_devdax_lfl = {
	.name = "pmd_devdax_lfl", .mem = GRAB_MEM_DEVICE_COMPOUND, .order = HPAGE_PMD_ORDER,
};
/* The same without the vmemmap tail-page reuse (as with an altmap). */
static const struct grab_scenario sc_devdax_lfl_nodedup = {
	.name = "pmd_devdax_lfl_nodedup", .mem = GRAB_MEM_DEVICE_COMPOUND_NODEDUP, .order = HPAGE_PMD_ORDER,
};
/* Non-compound device-dax (before v5.17): the "before" of the published series, subpage only. */
static const struct grab_scenario sc_devdax_noncompound = {
	.name = "pmd_devdax_noncompound", .mem = GRAB_MEM_DEVICE, .order = HPAGE_PMD_ORDER,
};
/* Grouped code on non-compound pages: groups of one page, i.e. the per-pfn loop again. */
static const struct grab_scenario sc_devdax_groups_of_1 = {
	.name = "pmd_devdax_noncompound_groups_of_1", .mem = GRAB_MEM_DEVICE, .order = HPAGE_PMD_ORDER,
};
static const struct grab_scenario sc_pud = {
	.name = "pud", .mem = GRAB_MEM_NORMAL, .order = HPAGE_PUD_ORDER,
};
static const struct grab_scenario sc_pte = {
	.name = "pte", .mem = GRAB_MEM_NORMAL, .order = 0,
};

static struct grab_space space;

static void grab_setup(rb_state *st, void *ctx)
{
	const struct grab_scenario *sc = ctx;
	unsigned long nr_pages = (unsigned long)rb_range(st, ARG_MIB) << (20 - PAGE_SHIFT);
	unsigned long slice = nr_pages / rb_thread_count(st);

	if (slice % (1UL << sc->order)) {
		rb_skip_with_error(st, "mem_mib / threads is not a whole number of leaves");
		return;
	}
	if (grab_space_create(&space, sc->mem, sc->order, nr_pages))
		rb_skip_with_error(st, "cannot build the address space (memory, or vm.max_map_count for the vmemmap tail-page reuse?)");
}

static void grab_teardown(rb_state *st, void *ctx)
{
	(void)st; (void)ctx;
	if (space.mm)
		grab_space_destroy(&space);
}

/* The thread's range and chunking. */
struct grab_thread {
	unsigned long begin, end, addr, ppc, chunk;
	unsigned int flags;
	enum gup_pgmap_lookup lookup;
	struct page **buf;
	double pages, calls;
	bool short_call;
};

static bool grab_thread_init(rb_state *st, struct grab_thread *t)
{
	unsigned long nr = space.nr_pages, slice = nr;
	int64_t ppc = rb_range(st, ARG_PPC);

	memset(t, 0, sizeof(*t));
	if (!rb_range(st, ARG_SHARED))
		slice = nr / rb_thread_count(st);
	t->begin = space.start + (rb_range(st, ARG_SHARED) ? 0 : rb_thread_index(st) * slice * PAGE_SIZE);
	t->end = t->begin + slice * PAGE_SIZE;
	t->addr = t->begin;
	t->ppc = ppc > 0 ? (unsigned long)ppc : slice;
	if (t->ppc > slice)
		t->ppc = slice;
	t->chunk = t->ppc >= GRAB_CHUNK_PAGES ? 1 : GRAB_CHUNK_PAGES / t->ppc;
	t->flags = rb_range(st, ARG_PIN) ? FOLL_PIN : FOLL_GET;
	t->lookup = (enum gup_pgmap_lookup)rb_range(st, ARG_LOOKUP);
	t->buf = malloc(t->chunk * t->ppc * sizeof(*t->buf));
	if (!t->buf) {
		rb_skip_with_error(st, "out of memory for pages[]");
		return false;
	}
	/*
	 * gup_test's pages[] is kvcalloc()ed (zeroed, so present) before it
	 * times the gup call: fault ours in too, or the first timed call pays a
	 * page fault per 512 entries: at 16 GiB, ppc:0, 4 iterations, that was
	 * most of the grouped walk's time (5.9 -> see docs/grab.md). Not 0: GCC
	 * turns malloc + memset(0) into calloc, whose zero pages fault on write.
	 */
	memset(t->buf, 0xff, t->chunk * t->ppc * sizeof(*t->buf));
	return true;
}

static void grab_thread_report(rb_state *st, struct grab_thread *t)
{
	if (t->short_call)
		rb_skip_with_error(st, "a gup call returned fewer pages than asked");
	rb_counter(st, "page_time", t->pages, RB_IS_RATE | RB_INVERT);
	rb_counter(st, "call_time", t->calls, RB_IS_RATE | RB_INVERT);
	rb_counter(st, "pages_per_call", (double)t->ppc, RB_AVG_THREADS);
	free(t->buf);
}

/* One gup call of the thread; the cursor walks its range. */
#define GRAB_ONE(gup, t, at)							\
	({									\
		long _got = gup(space.mm, (t)->addr, (t)->ppc, (t)->flags, (at), (t)->lookup); \
		if (unlikely(_got != (long)(t)->ppc))				\
			(t)->short_call = true;					\
		(t)->addr += (t)->ppc * PAGE_SIZE;				\
		if ((t)->addr + (t)->ppc * PAGE_SIZE > (t)->end)		\
			(t)->addr = (t)->begin;					\
		_got > 0 ? _got : 0;						\
	})

/* grab/<variant>: gup timed, release paused. */
#define GRAB_BODY(variant, gup)							\
static void body_##variant(rb_state *st, void *ctx)				\
{										\
	struct grab_thread t;							\
	uint64_t n;								\
										\
	(void)ctx;								\
	if (!grab_thread_init(st, &t))						\
		return;								\
	rb_instr_batch_cap(GRAB_INSTR_PAGES / t.ppc);				\
	n = rb_start(st);							\
	while (n) {								\
		uint64_t k = n < t.chunk ? n : t.chunk;				\
		unsigned long filled = 0;					\
										\
		for (uint64_t i = 0; i < k; i++)				\
			filled += GRAB_ONE(gup, &t, t.buf + filled);		\
		n -= k;								\
		t.pages += filled;						\
		t.calls += k;							\
		rb_pause(st);							\
		rb_instr_pause();						\
		grab_release(t.buf, filled, t.flags);				\
		rb_instr_resume();						\
		rb_resume(st);							\
	}									\
	rb_stop(st);								\
	grab_thread_report(st, &t);						\
}
GRAB_BODY(subpage, gup_fast_subpage)
GRAB_BODY(grouped, gup_fast_grouped)

/* grab/unpin_<variant>: gup (grouped) paused, unpin of each call's pages timed. */
#define UNPIN_BODY(variant, unpin)						\
static void body_unpin_##variant(rb_state *st, void *ctx)			\
{										\
	struct grab_thread t;							\
	uint64_t n;								\
										\
	(void)ctx;								\
	if (!grab_thread_init(st, &t))						\
		return;								\
	t.flags = FOLL_PIN;							\
	rb_instr_batch_cap(GRAB_INSTR_PAGES / t.ppc);				\
	n = rb_start(st);							\
	while (n) {								\
		uint64_t k = n < t.chunk ? n : t.chunk;				\
		unsigned long filled = 0;					\
										\
		rb_pause(st);							\
		rb_instr_pause();						\
		for (uint64_t i = 0; i < k; i++)				\
			filled += GRAB_ONE(gup_fast_grouped, &t, t.buf + filled); \
		rb_instr_resume();						\
		rb_resume(st);							\
		for (unsigned long i = 0; i < filled; i += t.ppc)		\
			unpin(t.buf + i, filled - i < t.ppc ? filled - i : t.ppc); \
		n -= k;								\
		t.pages += filled;						\
		t.calls += k;							\
	}									\
	rb_stop(st);								\
	grab_thread_report(st, &t);						\
}
UNPIN_BODY(per_page, unpin_user_pages_per_page)
UNPIN_BODY(batched, unpin_user_pages)

static int max_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 2 ? 2 : (int)n;
}

/* One registration; fields left out: whole range per call? no: .ppc 0 means the whole range. */
struct grab_cell {
	const char *variant;
	rb_body_fn body;
	const struct grab_scenario *sc;
	int64_t ppc;		/* pages per call; 0: the thread's whole range */
	int64_t pin;		/* 0 FOLL_GET, 1 FOLL_PIN */
	int64_t mib;		/* mapped memory */
	bool disjoint;		/* threads on disjoint slices (default: all on the same folios) */
	enum gup_pgmap_lookup lookup;
	int threads;		/* default 1 */
};

static void reg(const struct grab_cell *c)
{
	char name[96];
	int threads = c->threads ? c->threads : 1;
	int64_t nr_pages = c->mib << (20 - PAGE_SHIFT);
	int64_t per_call = c->ppc > 0 ? c->ppc : nr_pages / (c->disjoint ? threads : 1);
	int64_t iters = ((int64_t)1 << 22) / per_call;
	rb_bench *b;

	snprintf(name, sizeof(name), "grab/%s/%s", c->variant, c->sc->name);
	b = rb_register(name, c->body, (void *)c->sc);
	rb_setup_teardown(b, grab_setup, grab_teardown);
	RB_ARGS(b, c->ppc, c->pin, c->mib, !c->disjoint, (int64_t)c->lookup);
	RB_ARG_NAMES(b, "ppc", "pin", "mem_mib", "shared", "lookup");
	if (!rb_instr_counting())	/* --instr-count: the search runs (see the top) */
		rb_iterations(b, iters < 4 ? 4 : (uint64_t)iters);
	rb_unit(b, RB_MICROSECOND);
	rb_threads(b, threads);
}

#define REG(...)	reg(&(const struct grab_cell){ __VA_ARGS__ })

static void grab_register(void)
{
	static const struct { const char *name; rb_body_fn body; } variants[] = {
		{ .name = "subpage", .body = body_subpage },
		{ .name = "grouped", .body = body_grouped },
	};
	int mt = max_threads();

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const char *vn = variants[v].name;
		rb_body_fn fn = variants[v].body;
		bool subpage = variants[v].body == body_subpage;

		/*
		 * Device-dax like for like (the headline): compound device
		 * pages with tail struct pages reused, get_dev_pagemap() per
		 * leaf per call, whole range per call; subpage and grouped
		 * differ only in grouping. 64 MiB (memmap in cache) and
		 * 16 GiB (the published run's size).
		 */
		for (int pin = 0; pin < 2; pin++)
			for (int big = 0; big < 2; big++)
				REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl, .ppc = 0, .pin = pin,
				    .mib = big ? 16384 : 64, .lookup = GUP_PGMAP_LEAF);
		/* No pgmap lookup at all: grouped is then v6.15+'s gup_fast_pmd_leaf(). */
		REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl, .ppc = 0, .pin = 0, .mib = 16384,
		    .lookup = GUP_PGMAP_NONE);
		/* What the tail-page reuse changes. */
		REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl_nodedup, .ppc = 0, .pin = 0, .mib = 16384,
		    .lookup = GUP_PGMAP_LEAF);
		/* The pgmap lookup modes, one leaf per call. */
		for (int lookup = 0; lookup < GUP_PGMAP_NR_MODES; lookup++)
			REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl, .ppc = 512, .pin = 0, .mib = 64,
			    .lookup = (enum gup_pgmap_lookup)lookup);
		if (mt > 1)
			for (int disjoint = 0; disjoint < 2; disjoint++)
				REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl, .ppc = 512, .pin = 0, .mib = 64,
				    .disjoint = disjoint, .lookup = GUP_PGMAP_LEAF, .threads = mt);
		/*
		 * Non-compound device-dax: subpage is the kernel before v5.17
		 * (the "before" of the published series); grouped code there
		 * makes groups of one page, the per-pfn loop again, and is
		 * named for that.
		 */
		for (int pin = 0; pin < 2; pin++)
			for (int big = 0; big < 2; big++) {
				if (subpage)
					REG(.variant = vn, .body = fn, .sc = &sc_devdax_noncompound, .ppc = 0,
					    .pin = pin, .mib = big ? 16384 : 64, .lookup = GUP_PGMAP_LEAF);
				else if (!big)
					REG(.variant = vn, .body = fn, .sc = &sc_devdax_groups_of_1, .ppc = 0,
					    .pin = pin, .mib = 64, .lookup = GUP_PGMAP_LEAF);
			}

		/* THP PMD leaves (subpage: a hypothetical): pages per call x get/pin, in cache ... */
		for (int pin = 0; pin < 2; pin++)
			for (int p = 0; p < 3; p++)
				REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = (int64_t[]){ 1, 512, 0 }[p],
				    .pin = pin, .mib = 64);
		/* ... and far above it (16 GiB mapped). */
		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 512, .pin = 0, .mib = 16384);
		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 0, .pin = 0, .mib = 16384);
		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 0, .pin = 1, .mib = 16384);
		/* Threads on the same folios vs disjoint ones. */
		if (mt > 1)
			for (int disjoint = 0; disjoint < 2; disjoint++)
				for (int pin = 0; pin < 2; pin++)
					REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 512, .pin = pin,
					    .mib = 64, .disjoint = disjoint, .threads = mt);
		/* PUD-sized leaves. */
		for (int pin = 0; pin < 2; pin++)
			for (int p = 0; p < 2; p++)
				REG(.variant = vn, .body = fn, .sc = &sc_pud, .ppc = (int64_t[]){ 512, 0 }[p],
				    .pin = pin, .mib = 1024);
		/* PTEs of small folios: the same code in both variants. */
		REG(.variant = vn, .body = fn, .sc = &sc_pte, .ppc = 512, .pin = 0, .mib = 64);
	}
	/* Unpin: per page vs batched, THP and device-dax pins. */
	for (int v = 0; v < 2; v++) {
		const char *vn = v ? "unpin_batched" : "unpin_per_page";
		rb_body_fn fn = v ? body_unpin_batched : body_unpin_per_page;

		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 512, .pin = 1, .mib = 64);
		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 0, .pin = 1, .mib = 64);
		REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 0, .pin = 1, .mib = 16384);
		REG(.variant = vn, .body = fn, .sc = &sc_devdax_lfl, .ppc = 0, .pin = 1, .mib = 64,
		    .lookup = GUP_PGMAP_LEAF);
		REG(.variant = vn, .body = fn, .sc = &sc_devdax_noncompound, .ppc = 0, .pin = 1, .mib = 64,
		    .lookup = GUP_PGMAP_LEAF);
		if (mt > 1)
			for (int disjoint = 0; disjoint < 2; disjoint++)
				REG(.variant = vn, .body = fn, .sc = &sc_pmd_thp, .ppc = 512, .pin = 1, .mib = 64,
				    .disjoint = disjoint, .threads = mt);
	}
}

RB_FAMILY(grab, "grab", "gup-fast: per-subpage vs grouped head refcount grabs; per-page vs batched unpin",
	  grab_register);
