// SPDX-License-Identifier: GPL-2.0
/*
 * grab family stress test: walkers run gup-fast (FOLL_GET and FOLL_PIN, every
 * pgmap lookup mode) over shared and disjoint ranges of one address space
 * holding every leaf kind (THP PMD leaves, device PMD leaves non-compound and
 * compound, PTEs of small folios, a PUD leaf), and release with
 * unpin_user_page() or unpin_user_pages() (or grouped puts for FOLL_GET),
 * while a remapper thread unmaps PMD leaves and maps spare folios in their
 * place, with the unmap side of the store-buffering pattern gup-fast's
 * re-check pairs with (migration / dax_layout_busy_page()):
 *
 *	old = pmdp_huge_get_and_clear(pmdp); smp_mb();
 *	if (folio busy: refcount or pincount above base) set_pmd_at(old);	// back off
 *	else set_pmd_at(spare); old folio becomes a spare
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
 * The walk calls gup_test_race_window() between reading a leaf and grabbing
 * it (RB_GUP_TEST_HOOKS): it yields on every fourth call in the correct
 * builds and on every call in the broken ones, which widens the window for
 * both the same way.
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
static pthread_barrier_t round_barrier;
static bool round_stop;		/* written by walker 0 between the two barriers */
static _Atomic int window_tick;

/* Heads (or non-compound pages) whose counts the quiescent check reads. */
static struct page **check_pages;
static unsigned long nr_check;

/* Spare pools of the remapper (only it touches them). */
static unsigned long thp_spare[THP_SPARES], flat_spare[DEV_SPARES], comp_spare[DEV_SPARES];

void (*gup_test_race_window)(enum gup_window where, unsigned long addr, _Atomic unsigned long *entryp,
			     pmd_t *pmdp);

static void race_window(enum gup_window where, unsigned long addr, _Atomic unsigned long *entryp, pmd_t *pmdp)
{
	(void)where; (void)addr; (void)entryp; (void)pmdp;
#if defined(RB_BROKEN_NO_PMD_RECHECK)
	(void)window_tick;
	sched_yield();
#else
	if ((atomic_fetch_add_explicit(&window_tick, 1, mo_relaxed) & 3) == 0)
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
	if (expect_violation)
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

/* Busy: any reference or pin above base on what @pmd maps. */
static bool leaf_busy(pmdval_t pmd)
{
	struct page *page = pmd_page(pmd);

	if (PageHead(page))
		return page_ref_count(page) != base_count(page) ||
		       atomic_read(&((struct folio *)page)->_pincount) != 0;
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		if (page_ref_count(page + i) != base_count(page + i))
			return true;
	return false;
}

static void *remapper_fn(void *arg)
{
	unsigned int seed = 12345;

	(void)arg;
	while (!atomic_load_explicit(&stop, mo_relaxed)) {
		unsigned int r = rnd(&seed);
		unsigned long slot = r % (THP_SLOTS + 2 * DEV_SLOTS);
		unsigned long *spare;
		unsigned int k;
		pmd_t *pmdp = mm_pmd_slot(mm, slot_addr(slot));
		pmdval_t old, new;
		bool devmap = slot >= THP_SLOTS;

		if (slot < THP_SLOTS) {
			spare = thp_spare;
			k = (r >> 8) % THP_SPARES;
		} else if (slot < THP_SLOTS + DEV_SLOTS) {
			spare = flat_spare;
			k = (r >> 8) % DEV_SPARES;
		} else {
			spare = comp_spare;
			k = (r >> 8) % DEV_SPARES;
		}
		old = pmdp_huge_get_and_clear(mm, slot_addr(slot), pmdp);
		/* Pairs with gup-fast's smp_mb__after_atomic() before its re-check. */
		smp_mb();
		if (leaf_busy(old)) {
			set_pmd_at(mm, slot_addr(slot), pmdp, old);
			atomic_fetch_add_explicit(&backoffs, 1, mo_relaxed);
		} else {
			new = pfn_pmd(spare[k], PAGE_SHARED | _PAGE_DIRTY | (devmap ? _PAGE_DEVMAP : 0));
			spare[k] = pmd_pfn(old);
			set_pmd_at(mm, slot_addr(slot), pmdp, new);
			atomic_fetch_add_explicit(&remaps, 1, mo_relaxed);
		}
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
			thp_spare[slot - THP_SLOTS] = folio_pfn(folio);
	}
	/* Small folios: split_page() of order-9 blocks, so neighbours are physically adjacent. */
	for (slot = 0; slot < PTE_SLOTS; slot++) {
		small = __alloc_pages(&zone_thp, HPAGE_PMD_ORDER, false);
		BUG_ON(!small);
		for (i = 0; i < HPAGE_PMD_NR; i++) {
			set_page_count(small + i, 1);
			hold_base(small + i);
			grab_map_leaf(mm, slot_addr(THP_SLOTS + 2 * DEV_SLOTS + slot) + i * PAGE_SIZE,
				      page_to_pfn(small + i), 0, false);
		}
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
	printf("stress_grab: %ld calls, %ld pages, %ld remaps, %ld back-offs, %ld violations\n",
	       atomic_load(&calls), atomic_load(&pages_grabbed), atomic_load(&remaps),
	       atomic_load(&backoffs), atomic_load(&violations));
	if (!(expect_violation && violations) && (remaps == 0 || backoffs == 0 || calls < 100)) {
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
