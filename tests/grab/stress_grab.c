// SPDX-License-Identifier: GPL-2.0
/*
 * grab family stress test: walkers run gup-fast (FOLL_GET and FOLL_PIN, every
 * pgmap lookup mode) over shared and disjoint ranges of one address space
 * holding every leaf kind (THP PMD leaves, device PMD leaves non-compound and
 * compound, PTEs of small folios, a PUD leaf), and release with
 * unpin_user_page() or unpin_user_pages() (or grouped puts for FOLL_GET),
 * while writers change every kind of entry a re-check guards, each with the
 * unmap side of the store-buffering pattern gup-fast's re-checks pair with
 * (migration, dax_layout_busy_page(), khugepaged's collapse):
 *
 *	old = clear the entry; smp_mb();
 *	if (what it mapped is busy: refcount or pincount above base) restore old;	// back off
 *	else install the new entry; what old mapped becomes a spare
 *
 * The writers (one lock serialises them; readers are lockless):
 *  - PMD leaves (THP, device non-compound and compound) replaced by spare
 *    folios: guarded by the leaf re-check of both variants;
 *  - PTEs of small folios replaced by spare small folios: guarded by
 *    gup_pte_range()'s PTE re-check;
 *  - PTE tables collapsed into a THP leaf (pmdp_collapse_flush(), then the
 *    refcount check of __collapse_huge_page_isolate()) and split back into
 *    the same table: guarded by gup_pte_range()'s PMD re-check (collapse)
 *    and the leaf re-check (split).
 * They run from a writer thread at random, and synchronously from inside the
 * race window (below), on exactly the entry the walker has just read.
 *
 * Invariants (each one fails if the algorithm is broken):
 *  1. While a walker holds what gup returned, each page is still what its
 *     address maps (or the entry is transiently cleared by a remap attempt
 *     that must then back off): a grab without the pmd re-check returns a
 *     folio that was unmapped and replaced (RB_BROKEN_NO_PMD_RECHECK).
 *  2. At every quiescent point (all walkers at a barrier every few calls) and
 *     at the end, every folio's refcount and pincount is back at its base: a
 *     batched unpin that groups across a folio boundary puts one folio's
 *     references on its neighbour (RB_BROKEN_UNPIN_MISGROUP).
 *  3. Tail pages' refcounts stay 0; the pgmap percpu refs balance.
 * Every folio carries 2^28 test-held references, so a broken variant's
 * imbalance shows at the next check instead of freeing a folio mid-run.
 *
 * The walk calls gup_test_race_window() between reading an entry and grabbing
 * what it maps (RB_GUP_TEST_HOOKS). On every WINDOW_WRITE-th call it
 * invalidates that very entry from the walker's own thread (the PMD leaf is
 * remapped; a PTE is replaced or its table collapsed), so a missing re-check
 * returns a page its address no longer maps in every run, not by chance;
 * otherwise it yields on every fourth call (every call in the broken builds).
 *
 * Usage: stress_grab --variant subpage|grouped [--expect-violation]
 * Duration: REFBENCH_STRESS_SECONDS (default 5).
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grab/grab.h"

#define NR_WALKERS	3
#define ROUND_CALLS	16
#define BASE_EXTRA	(1 << 28)

/* PMD slots of the first GiB. */
#define THP_SLOTS	16	/* 0..15 */
#define THP_SPARES	8
#define DEV_SLOTS	8	/* 16..23 non-compound, 24..31 compound */
#define DEV_SPARES	4
#define PTE_SLOTS	4	/* 32..35: small folios */
#define SMALL_SPARES	512	/* spare small folios for PTE replacement */
#define WINDOW_WRITE	8	/* every 8th race window invalidates its entry */
#define NR_SLOTS	(THP_SLOTS + 2 * DEV_SLOTS + PTE_SLOTS)
#define MAX_CALL	1536

typedef long (*gup_fn)(struct mm_struct *, unsigned long, unsigned long, unsigned int,
		       struct page **, enum gup_pgmap_lookup);

static gup_fn gup;
static bool expect_violation;
static struct mm_struct *mm;
static struct zone zone_pud, zone_thp;
static struct dev_pagemap pgmap_flat, pgmap_comp;
static _Atomic bool stop;
static _Atomic long violations;
static _Atomic long calls, pages_grabbed, remaps, backoffs;
static _Atomic long pte_replaces, collapses, splits, window_writes;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t round_barrier;
static bool round_stop;		/* written by walker 0 between the two barriers */
static _Atomic int window_tick;

/* Heads (or non-compound pages) whose counts the quiescent check reads. */
static struct page **check_pages;
static unsigned long nr_check;

/* Spare pools of the writers (under writer_lock). THP spares are a stack: collapses take from it. */
static unsigned long thp_spare[THP_SPARES], nr_thp_spare, flat_spare[DEV_SPARES], comp_spare[DEV_SPARES];
static unsigned long small_spare[SMALL_SPARES];
/* PTE slots: the table each one's PMD points at when not collapsed. */
static pte_t *pte_slot_table[PTE_SLOTS];

static void writer_invalidate(enum gup_window where, unsigned long addr, unsigned int r);

void (*gup_test_race_window)(enum gup_window where, unsigned long addr, _Atomic unsigned long *entryp,
			     pmd_t *pmdp);

static void race_window(enum gup_window where, unsigned long addr, _Atomic unsigned long *entryp, pmd_t *pmdp)
{
	int tick = atomic_fetch_add_explicit(&window_tick, 1, mo_relaxed);

	(void)entryp; (void)pmdp;
	if (tick % WINDOW_WRITE == 0 && addr < GRAB_BASE + PUD_SIZE) {
		/* Invalidate the entry just read, before the walker grabs what it mapped. */
		writer_invalidate(where, addr, (unsigned int)tick / WINDOW_WRITE);
		atomic_fetch_add_explicit(&window_writes, 1, mo_relaxed);
		return;
	}
#if defined(RB_BROKEN_NO_PMD_RECHECK)
	sched_yield();
#else
	if ((tick & 3) == 0)
		sched_yield();
#endif
}

static __attribute__((format(printf, 1, 2))) void violation(const char *fmt, ...)
{
	if (atomic_fetch_add_explicit(&violations, 1, mo_relaxed) < 5) {
		va_list ap;

		va_start(ap, fmt);
		fprintf(stderr, "stress_grab: violation: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	/* A correct build fails on the first one: stop early either way. */
	atomic_store(&stop, true);
}

static unsigned long slot_addr(unsigned long slot) { return GRAB_BASE + slot * PMD_SIZE; }

static unsigned int rnd(unsigned int *seed) { return rand_r(seed); }

/* What the page table maps at @addr now (NULL: a cleared entry). */
static struct page *mapped_page(unsigned long addr)
{
	return mm_follow_page(mm, addr);
}

/* Every checked folio (or non-compound page) rests at 1 + the test's references. */
#define base_count(page)	(BASE_EXTRA + 1)

static void check_quiescent(const char *when)
{
	for (unsigned long i = 0; i < nr_check; i++) {
		struct page *page = check_pages[i];
		int pin = PageHead(page) ? atomic_read(&((struct folio *)page)->_pincount) : 0;

		if (page_ref_count(page) != base_count(page) || pin != 0) {
			violation("%s: pfn %lu not back to base: refcount - base %ld, pincount %d",
				  when, page_to_pfn(page), (long)page_ref_count(page) - base_count(page), pin);
			break;
		}
	}
}

struct walker {
	pthread_t thread;
	int id;
	struct page **pages;
};

static void release(struct page **pages, long n, unsigned int flags, unsigned int r)
{
	if (flags & FOLL_PIN) {
		if (r & 1)
			unpin_user_pages(pages, n);
		else
			unpin_user_pages_per_page(pages, n);
	} else {
		grab_release(pages, n, flags);
	}
}

static void *walker_fn(void *arg)
{
	struct walker *w = arg;
	unsigned int seed = 0x9e3779b9u * (w->id + 1);
	static const unsigned long lens[] = { 1, 7, 512, 700, MAX_CALL };
	unsigned long calls_here = 0;

	for (;;) {
		unsigned int r = rnd(&seed);
		unsigned long start, len = lens[r % ARRAY_SIZE(lens)];
		unsigned int flags = (r >> 4) & 1 ? FOLL_PIN : FOLL_GET;
		enum gup_pgmap_lookup lookup = (r >> 5) % GUP_PGMAP_NR_MODES;
		bool stopping;
		long n;

		if ((r >> 8) % 8 == 0) {
			/* the PUD leaf, shared by all walkers */
			start = GRAB_BASE + PUD_SIZE + ((unsigned long)(rnd(&seed) % (1U << 18)) << PAGE_SHIFT);
		} else if ((r >> 11) & 1) {
			/* shared: anywhere in the PMD region */
			start = GRAB_BASE + ((unsigned long)(rnd(&seed) % (NR_SLOTS * 512)) << PAGE_SHIFT);
		} else {
			/* disjoint: this walker's third of the PMD region */
			unsigned long per = NR_SLOTS * 512 / NR_WALKERS;

			start = GRAB_BASE + ((w->id * per + rnd(&seed) % per) << PAGE_SHIFT);
			if (len > per - ((start - GRAB_BASE) >> PAGE_SHIFT) % per)
				len = per - ((start - GRAB_BASE) >> PAGE_SHIFT) % per;
		}
		n = gup(mm, start, len, flags, w->pages, lookup);
		if (n < 0 || n > (long)len)
			violation("gup returned %ld of %lu pages", n, len);
		if (dev_pagemap_percpu_ref != 0)
			violation("pgmap percpu refs unbalanced: %ld", dev_pagemap_percpu_ref);
		/* Invariant 1: what we hold is still what its address maps. */
		for (long i = 0; i < n; i++) {
			struct page *now = mapped_page(start + i * PAGE_SIZE);

			if (now && now != w->pages[i]) {
				violation("held pfn %lu but the address now maps pfn %lu",
					  page_to_pfn(w->pages[i]), page_to_pfn(now));
				break;
			}
		}
		release(w->pages, n, flags, r >> 20);
		atomic_fetch_add_explicit(&calls, 1, mo_relaxed);
		atomic_fetch_add_explicit(&pages_grabbed, n, mo_relaxed);

		if (++calls_here % ROUND_CALLS == 0) {
			/* Quiescent point: walker 0 checks while the others wait. */
			pthread_barrier_wait(&round_barrier);
			if (w->id == 0) {
				check_quiescent("round");
				round_stop = atomic_load(&stop);
			}
			pthread_barrier_wait(&round_barrier);
			stopping = round_stop;
			if (stopping)
				break;
		}
	}
	return NULL;
}

/* Busy: any reference or pin above base on @page (a head or a small folio). */
static bool folio_busy(struct page *page)
{
	if (PageHead(page))
		return page_ref_count(page) != base_count(page) ||
		       atomic_read(&((struct folio *)page)->_pincount) != 0;
	return page_ref_count(page) != base_count(page);
}

/* Busy: any reference or pin above base on what the leaf @pmd maps. */
static bool leaf_busy(pmdval_t pmd)
{
	struct page *page = pmd_page(pmd);

	if (PageHead(page))
		return folio_busy(page);
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		if (folio_busy(page + i))
			return true;
	return false;
}

/* Busy: any small folio the PTE table @table maps. */
static bool table_busy(pte_t *table)
{
	for (int i = 0; i < PTRS_PER_PTE; i++) {
		pteval_t pte = ptep_get(table + i);

		if (pte_present(pte) && folio_busy(pte_page(pte)))
			return true;
	}
	return false;
}

/* A PMD leaf slot (THP or device): replace the leaf by a spare folio. Under writer_lock. */
static void remap_leaf(unsigned long slot, unsigned int r)
{
	pmd_t *pmdp = mm_pmd_slot(mm, slot_addr(slot));
	bool devmap = slot >= THP_SLOTS;
	unsigned long *spare;
	unsigned int k;
	pmdval_t old, new;

	if (slot < THP_SLOTS) {
		spare = thp_spare;
		k = r % nr_thp_spare;
	} else if (slot < THP_SLOTS + DEV_SLOTS) {
		spare = flat_spare;
		k = r % DEV_SPARES;
	} else {
		spare = comp_spare;
		k = r % DEV_SPARES;
	}
	old = pmdp_huge_get_and_clear(mm, slot_addr(slot), pmdp);
	/* Pairs with gup-fast's smp_mb__after_atomic() before its re-check. */
	smp_mb();
	if (leaf_busy(old)) {
		set_pmd_at(mm, slot_addr(slot), pmdp, old);
		atomic_fetch_add_explicit(&backoffs, 1, mo_relaxed);
		return;
	}
	new = pfn_pmd(spare[k], PAGE_SHARED | _PAGE_DIRTY | (devmap ? _PAGE_DEVMAP : 0));
	spare[k] = pmd_pfn(old);
	set_pmd_at(mm, slot_addr(slot), pmdp, new);
	atomic_fetch_add_explicit(&remaps, 1, mo_relaxed);
}

/* A PTE of a small folio: replace it by a spare small folio (guards: the PTE re-check). */
static void replace_pte(unsigned long addr, unsigned int r)
{
	pmd_t *pmdp = mm_pmd_slot(mm, addr);
	pmdval_t pmd = pmdp_get(pmdp);
	pte_t *ptep;
	pteval_t old;
	unsigned int k = r % SMALL_SPARES;

	if (!pmd_present(pmd) || pmd_leaf(pmd))
		return;		/* collapsed: no PTE to replace */
	ptep = pte_offset_map(pmd, addr);
	old = ptep_get_and_clear(mm, addr, ptep);
	smp_mb();
	if (folio_busy(pte_page(old))) {
		set_pte_at(mm, addr, ptep, old);
		atomic_fetch_add_explicit(&backoffs, 1, mo_relaxed);
		return;
	}
	set_pte_at(mm, addr, ptep, pfn_pte(small_spare[k], PAGE_SHARED | _PAGE_DIRTY));
	small_spare[k] = pte_pfn(old);
	atomic_fetch_add_explicit(&pte_replaces, 1, mo_relaxed);
}

/*
 * A PTE slot: collapse its table into a THP leaf (khugepaged:
 * pmdp_collapse_flush(), then __collapse_huge_page_isolate() backs off if a
 * page is pinned or referenced: guards the PMD re-check of gup_pte_range()),
 * or split a collapsed slot back into its table (guards the leaf re-check).
 */
static void collapse_or_split(unsigned long slot)
{
	unsigned long i = slot - (THP_SLOTS + 2 * DEV_SLOTS);
	pmd_t *pmdp = mm_pmd_slot(mm, slot_addr(slot));
	pmdval_t old = pmdp_huge_get_and_clear(mm, slot_addr(slot), pmdp);

	smp_mb();
	if (!pmd_leaf(old)) {
		if (!nr_thp_spare || table_busy(pte_slot_table[i])) {
			set_pmd_at(mm, slot_addr(slot), pmdp, old);
			atomic_fetch_add_explicit(&backoffs, 1, mo_relaxed);
			return;
		}
		set_pmd_at(mm, slot_addr(slot), pmdp, pfn_pmd(thp_spare[--nr_thp_spare], PAGE_SHARED | _PAGE_DIRTY));
		atomic_fetch_add_explicit(&collapses, 1, mo_relaxed);
	} else {
		if (leaf_busy(old)) {
			set_pmd_at(mm, slot_addr(slot), pmdp, old);
			atomic_fetch_add_explicit(&backoffs, 1, mo_relaxed);
			return;
		}
		thp_spare[nr_thp_spare++] = pmd_pfn(old);
		pmd_populate(mm, pmdp, pte_slot_table[i]);
		atomic_fetch_add_explicit(&splits, 1, mo_relaxed);
	}
}

/* Invalidate what the walker (or the writer thread) points at @addr. */
static void writer_invalidate(enum gup_window where, unsigned long addr, unsigned int r)
{
	unsigned long slot = (addr - GRAB_BASE) >> PMD_SHIFT;

	pthread_mutex_lock(&writer_lock);
	if (slot < THP_SLOTS + 2 * DEV_SLOTS)
		remap_leaf(slot, r);
	else if (where == GUP_WINDOW_PTE && (r & 1))
		replace_pte(addr, r >> 1);
	else
		collapse_or_split(slot);
	pthread_mutex_unlock(&writer_lock);
}

static void *remapper_fn(void *arg)
{
	unsigned int seed = 12345;

	(void)arg;
	while (!atomic_load_explicit(&stop, mo_relaxed)) {
		unsigned int r = rnd(&seed);
		unsigned long slot = r % NR_SLOTS;
		unsigned long addr = slot_addr(slot) + ((unsigned long)((r >> 8) % PTRS_PER_PTE) << PAGE_SHIFT);

		writer_invalidate(slot < THP_SLOTS + 2 * DEV_SLOTS ? GUP_WINDOW_LEAF : GUP_WINDOW_PTE, addr,
				  r >> 17);
		if ((r >> 16) % 4 == 0)
			sched_yield();
	}
	return NULL;
}

static void add_check(struct page *page)
{
	check_pages[nr_check++] = page;
}

static void hold_base(struct page *page)
{
	page_ref_add(page, BASE_EXTRA);
	add_check(page);
}

static void setup(void)
{
	unsigned long thp_zone_pfn = 1UL << 18, thp_zone_nr = 1UL << 15;
	unsigned long dev_pfn = thp_zone_pfn + thp_zone_nr;
	unsigned long dev_leaves = DEV_SLOTS + DEV_SPARES;
	unsigned long nr = dev_pfn + 2 * dev_leaves * HPAGE_PMD_NR;
	unsigned long slot, i;
	struct folio *folio;
	struct page *small;

	BUG_ON(memmap_init(nr));
	check_pages = calloc(nr, sizeof(*check_pages));
	mm = mm_create(GRAB_BASE, 2 * PUD_SIZE);
	BUG_ON(!mm);
	zone_init(&zone_pud, ZONE_NORMAL, 0, 1UL << 18, 18);
	zone_init(&zone_thp, ZONE_MOVABLE, thp_zone_pfn, thp_zone_nr, 10);

	/* The PUD leaf. */
	folio = folio_alloc(&zone_pud, HPAGE_PUD_ORDER);
	BUG_ON(!folio);
	hold_base(&folio->page);
	grab_map_leaf(mm, GRAB_BASE + PUD_SIZE, folio_pfn(folio), HPAGE_PUD_ORDER, false);

	/* THPs: mapped and spare. */
	for (slot = 0; slot < THP_SLOTS + THP_SPARES; slot++) {
		folio = folio_alloc(&zone_thp, HPAGE_PMD_ORDER);
		BUG_ON(!folio);
		hold_base(&folio->page);
		if (slot < THP_SLOTS)
			grab_map_leaf(mm, slot_addr(slot), folio_pfn(folio), HPAGE_PMD_ORDER, false);
		else
			thp_spare[nr_thp_spare++] = folio_pfn(folio);
	}
	/* Small folios: split_page() of order-9 blocks, so neighbours are physically adjacent. */
	small = __alloc_pages(&zone_thp, HPAGE_PMD_ORDER, false);
	BUG_ON(!small);
	for (i = 0; i < SMALL_SPARES; i++) {
		set_page_count(small + i, 1);
		hold_base(small + i);
		small_spare[i] = page_to_pfn(small + i);
	}
	for (slot = 0; slot < PTE_SLOTS; slot++) {
		small = __alloc_pages(&zone_thp, HPAGE_PMD_ORDER, false);
		BUG_ON(!small);
		for (i = 0; i < HPAGE_PMD_NR; i++) {
			set_page_count(small + i, 1);
			hold_base(small + i);
			grab_map_leaf(mm, slot_addr(THP_SLOTS + 2 * DEV_SLOTS + slot) + i * PAGE_SIZE,
				      page_to_pfn(small + i), 0, false);
		}
		pte_slot_table[slot] = mm_pte_table(mm, mm_pmd_slot(mm, slot_addr(THP_SLOTS + 2 * DEV_SLOTS + slot)));
	}
	/* Device memory: one non-compound pgmap, one compound (vmemmap_shift 9). */
	pgmap_flat = (struct dev_pagemap){ .type = MEMORY_DEVICE_FS_DAX, .start_pfn = dev_pfn,
					   .nr_pages = dev_leaves * HPAGE_PMD_NR };
	pgmap_comp = (struct dev_pagemap){ .type = MEMORY_DEVICE_GENERIC, .vmemmap_shift = HPAGE_PMD_ORDER,
					   .start_pfn = dev_pfn + dev_leaves * HPAGE_PMD_NR,
					   .nr_pages = dev_leaves * HPAGE_PMD_NR };
	BUG_ON(memremap_pages(&pgmap_flat, 1));
	BUG_ON(memremap_pages(&pgmap_comp, 1));
	for (i = 0; i < dev_leaves * HPAGE_PMD_NR; i++)
		hold_base(pfn_to_page(dev_pfn + i));
	for (i = 0; i < dev_leaves; i++)
		hold_base(pfn_to_page(pgmap_comp.start_pfn + i * HPAGE_PMD_NR));
	for (i = 0; i < dev_leaves; i++) {
		unsigned long flat = dev_pfn + i * HPAGE_PMD_NR;
		unsigned long comp = pgmap_comp.start_pfn + i * HPAGE_PMD_NR;

		if (i < DEV_SLOTS) {
			grab_map_leaf(mm, slot_addr(THP_SLOTS + i), flat, HPAGE_PMD_ORDER, true);
			grab_map_leaf(mm, slot_addr(THP_SLOTS + DEV_SLOTS + i), comp, HPAGE_PMD_ORDER, true);
		} else {
			flat_spare[i - DEV_SLOTS] = flat;
			comp_spare[i - DEV_SLOTS] = comp;
		}
	}
}

static void check_tails(void)
{
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageTail(page) && page_ref_count(page) != 0) {
			violation("tail pfn %lu has refcount %d", pfn, page_ref_count(page));
			break;
		}
	}
}

int main(int argc, char **argv)
{
	const char *env = getenv("REFBENCH_STRESS_SECONDS");
	double seconds = env ? atof(env) : 5;
	struct walker walkers[NR_WALKERS];
	pthread_t remapper;
	struct timespec t0, t;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--variant") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "subpage"))
				gup = gup_fast_subpage;
			else if (!strcmp(argv[i], "grouped"))
				gup = gup_fast_grouped;
		} else if (!strcmp(argv[i], "--expect-violation")) {
			expect_violation = true;
		} else {
			fprintf(stderr, "stress_grab: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!gup) {
		fprintf(stderr, "usage: stress_grab --variant subpage|grouped [--expect-violation]\n");
		return 2;
	}
	if (!(seconds > 0) || seconds > 3600) {
		fprintf(stderr, "stress_grab: REFBENCH_STRESS_SECONDS must be in (0, 3600]\n");
		return 2;
	}
	setup();
	gup_test_race_window = race_window;
	pthread_barrier_init(&round_barrier, NULL, NR_WALKERS);
	for (int i = 0; i < NR_WALKERS; i++) {
		walkers[i].id = i;
		walkers[i].pages = calloc(MAX_CALL, sizeof(struct page *));
		pthread_create(&walkers[i].thread, NULL, walker_fn, &walkers[i]);
	}
	pthread_create(&remapper, NULL, remapper_fn, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct timespec nap = { 0, 20 * 1000 * 1000 };

		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!atomic_load(&stop) && (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9 < seconds);
	atomic_store(&stop, true);
	for (int i = 0; i < NR_WALKERS; i++) {
		pthread_join(walkers[i].thread, NULL);
		free(walkers[i].pages);
	}
	pthread_join(remapper, NULL);

	/* After quiescence: everything back at base. */
	check_quiescent("end");
	check_tails();
	printf("stress_grab: %ld calls, %ld pages, %ld remaps, %ld PTE replacements, %ld collapses, %ld splits, "
	       "%ld back-offs (%ld writes from race windows), %ld violations\n",
	       atomic_load(&calls), atomic_load(&pages_grabbed), atomic_load(&remaps), atomic_load(&pte_replaces),
	       atomic_load(&collapses), atomic_load(&splits), atomic_load(&backoffs), atomic_load(&window_writes),
	       atomic_load(&violations));
	if (!(expect_violation && violations) &&
	    (remaps == 0 || backoffs == 0 || pte_replaces == 0 || collapses == 0 || splits == 0 ||
	     window_writes == 0 || calls < 100)) {
		fprintf(stderr, "stress_grab: the run did not exercise the race (too short?)\n");
		return 1;
	}
	if (expect_violation) {
		puts(violations ? "stress_grab: violation detected, as expected" :
				  "stress_grab: FAILED to detect the broken variant");
		return violations ? 0 : 1;
	}
	return violations ? 1 : 0;
}
