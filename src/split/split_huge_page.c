// SPDX-License-Identifier: GPL-2.0
/*
 * refbench split family: split_huge_page() with a refcount freeze, its
 * reverse (a khugepaged-like collapse), the gup slow path, the splitter
 * thread, and the quiescence checks the stress tests use.
 *
 * split_huge_page() follows today's mm/huge_memory.c (seed 002 for the 2015
 * design, REFERENCE.md (2)):
 *   1. can_split_folio(): folio_mapcount == refcount - extra_pins - caller_pins,
 *      else -EBUSY;
 *   2. unmap_folio(): the mapping is replaced by a migration entry (the PMD by a
 *      PMD migration entry, an mTHP's PTEs by PTE migration entries) and the
 *      mapping's reference is dropped;
 *   3. folio_ref_freeze(folio, 1 + extra_pins); on failure remap_page() and
 *      -EBUSY (the kernel says -EAGAIN);
 *   4. __split_huge_page_tail() for each tail, last to first: flags,
 *      smp_wmb(), clear compound_head, unfreeze; then the head;
 *   5. remap_page(): every subpage mapped by its own PTE (for a PMD THP, the
 *      deposited PTE table is pmd_populate()d).
 * Userspace differences: there is no folio lock or anon_vma lock (one
 * splitter thread does every split and collapse); the unfreeze of each page
 * already counts the PTE mapping that remap_page() installs (the kernel
 * unfreezes with the split's own reference, takes one per restored PTE and
 * drops its own afterwards: same totals, fewer steps).
 *
 * The collapse follows collapse_huge_page(): mmap_lock for write, a new folio
 * from the allocator, the PMD (or the mTHP's PTEs) cleared as
 * pmdp_collapse_flush() does, every small page frozen at its expected count
 * (1: its PTE), the new folio mapped, the old pages freed. The kernel relies
 * on the TLB-flush IPI to keep gup-fast out after the clear and checks the
 * counts (is_refcount_suitable); freezing each small page does both in the
 * model, and is what the lead asked for ("freeze the small pages").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gup_fast.h"
#include "page_ref_frozen.h"

const struct split_ops *const split_variants[] = {
	&split_ops_null, &split_ops_retry, &split_ops_xadd, NULL,
};

const struct split_ops *split_find_variant(const char *name)
{
	for (const struct split_ops *const *o = split_variants; *o; o++)
		if (!strcmp((*o)->name, name))
			return *o;
	return NULL;
}

/* ---- instrumentation ---- */

atomic_long_t split_bad_puts;

/*
 * No put in this model may drop a folio to zero: every mapping holds a
 * reference, and folios are freed only by collapse, after a freeze. A put
 * that reaches zero is a put too many (or a stale grab that resurrected a
 * free page): count it and leak the folio rather than corrupt the buddy.
 */
void split_last_put(struct folio *folio)
{
	(void)folio;
	atomic_long_inc(&split_bad_puts);
}

static void split_report(struct split_mm *sm, const char *what)
{
	atomic_long_inc(&sm->violations);
	if (sm->violation)
		sm->violation(sm, what);
}

/* Right after a successful freeze: no grabber may hold a reference on @folio. */
static void split_check_held(struct split_mm *sm, struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), nr = folio_nr_pages(folio);

	for (unsigned int t = 0; t < sm->nr_held; t++) {
		unsigned long h = atomic_load_explicit(&sm->held[t], mo_full);

		if (h && h - 1 >= pfn && h - 1 < pfn + nr)
			split_report(sm, "E: a freeze succeeded over a held grab reference");
	}
}

unsigned long split_random_addr(struct split_mm *sm, uint64_t *rng)
{
	uint64_t r = split_rand(rng);
	unsigned long idx = r & (sm->nr_map_pages - 1);

	/* One time in four, the first page of a (possible) folio: reuse as a head. */
	if (((r >> 40) & 3) == 0)
		idx &= sm->slot_order[idx >> HPAGE_PMD_ORDER] == HPAGE_PMD_ORDER ?
		       ~(unsigned long)(HPAGE_PMD_NR - 1) : ~(unsigned long)(SPLIT_MTHP_NR - 1);
	return SPLIT_BASE + (idx << PAGE_SHIFT);
}

/* ---- split_huge_page() ---- */

/* can_split_folio(): every reference but the caller's pins is a mapping (anon: no extra pins). */
static bool can_split_folio(struct folio *folio, int caller_pins)
{
	int extra_pins = 0;

	return folio_mapcount(folio) == folio_ref_count(folio) - extra_pins - caller_pins;
}

/* Flags a tail inherits from the head (a subset of __split_huge_page_tail()'s list). */
#define SPLIT_TAIL_FLAGS	(BIT(PG_uptodate) | BIT(PG_dirty) | BIT(PG_swapbacked) | \
				 BIT(PG_referenced) | BIT(PG_active) | BIT(PG_workingset))

static void __split_huge_page_tail(struct split_mm *sm, struct folio *folio, long tail,
				   unsigned long head_flags)
{
	struct page *page_tail = folio_page(folio, tail);

	VM_BUG_ON_PAGE(atomic_read(&page_tail->_mapcount) != -1, page_tail);
	VM_BUG_ON_PAGE(sm->ops->frozen_bit ? page_ref_count(page_tail) >= 0 :
		       page_ref_count(page_tail) != 0, page_tail);
	/*
	 * Clone page flags before unfreezing refcount: after a successful
	 * speculative get, the getter may change them (lock_page ...). The
	 * zone bits stay.
	 */
	WRITE_ONCE(page_tail->flags, (READ_ONCE(page_tail->flags) & (ZONES_MASK << ZONES_PGSHIFT)) |
				     (head_flags & SPLIT_TAIL_FLAGS));
	/* Page flags must be visible before we make the page non-compound. */
	smp_wmb();
	/*
	 * Clear PageTail before unfreezing page refcount: after a successful
	 * speculative get, a put_page() needs the right compound_head().
	 */
	clear_compound_head(page_tail);
	/* Finally unfreeze the refcount: 1, the PTE that remap_page() installs. */
	sm->ops->ref_unfreeze((struct folio *)page_tail, 1);
}

/* __split_huge_page(): the folio is frozen; afterwards each page is an order-0 folio. */
static void __split_huge_page(struct split_mm *sm, struct folio *folio)
{
	unsigned long head_flags = READ_ONCE(folio->flags);
	long i, nr = folio_nr_pages(folio);

	for (i = nr - 1; i >= 1; i--)
		__split_huge_page_tail(sm, folio, i, head_flags);
	__ClearPageHead(&folio->page);
	/* The head: its PTE and the caller's pin. */
	sm->ops->ref_unfreeze(folio, 2);
}

/* Map pages [pfn, pfn + nr) by PTEs at ptep (the PTE lock or the PMD lock held). */
static void split_map_ptes(struct split_mm *sm, unsigned long addr, pte_t *ptep,
			   unsigned long pfn, long nr)
{
	for (long i = 0; i < nr; i++) {
		atomic_inc(&pfn_to_page(pfn + i)->_mapcount);
		set_pte_at(sm->mm, addr + i * PAGE_SIZE, ptep + i, pfn_pte(pfn + i, PAGE_SHARED));
	}
}

static int split_huge_pmd_page(struct split_mm *sm, pmd_t *pmdp, unsigned long haddr)
{
	const struct split_ops *ops = sm->ops;
	struct mm_struct *mm = sm->mm;
	struct folio *folio;
	spinlock_t *ptl;
	pmdval_t pmd;
	pte_t *table;

	ptl = pmd_lock(mm, pmdp);
	pmd = pmdp_get(pmdp);
	if (!pmd_leaf(pmd)) {
		spin_unlock(ptl);
		return -EAGAIN;
	}
	folio = page_folio(pmd_page(pmd));
	folio_get(folio);		/* the caller's pin: mapped under the PTL, not frozen */
	spin_unlock(ptl);

	if (!can_split_folio(folio, 1)) {
		ops->put_refs(folio, 1);
		return -EBUSY;
	}

	/* unmap_folio(): the PMD becomes a migration entry; the mapping's ref goes. */
	ptl = pmd_lock(mm, pmdp);
	set_pmd_at(mm, haddr, pmdp, make_pmd_migration_entry(folio_pfn(folio)));
	atomic_dec(&folio->_entire_mapcount);
	folio_ref_sub(folio, 1);	/* never the last: the caller's pin */
	spin_unlock(ptl);

	split_widen(ops->widen);	/* broken variants: a grab lands between check and freeze */
	if (!ops->ref_freeze(folio, 1)) {
		/* remap_page() */
		ptl = pmd_lock(mm, pmdp);
		folio_ref_inc(folio);
		atomic_inc(&folio->_entire_mapcount);
		set_pmd_at(mm, haddr, pmdp, pmd);
		spin_unlock(ptl);
		ops->put_refs(folio, 1);
		return -EBUSY;
	}
	split_check_held(sm, folio);

	__split_huge_page(sm, folio);

	/* remap_page(): each page by a PTE of the deposited table, then the PMD. */
	table = mm_pte_table(mm, pmdp);
	ptl = pmd_lock(mm, pmdp);
	split_map_ptes(sm, haddr, table, folio_pfn(folio), HPAGE_PMD_NR);
	smp_wmb();	/* pmd_install(): the table's entries before the PMD pointing at it */
	pmd_populate(mm, pmdp, table);
	spin_unlock(ptl);
	ops->put_refs(folio, 1);	/* the caller's pin on what is now the head page */
	return 0;
}

static int split_huge_pte_folio(struct split_mm *sm, pmd_t *pmdp, unsigned long gaddr)
{
	const struct split_ops *ops = sm->ops;
	struct mm_struct *mm = sm->mm;
	struct folio *folio;
	spinlock_t *ptl;
	unsigned long pfn;
	pte_t *ptep;
	long i, nr;

	ptep = pte_offset_map_lock(mm, pmdp, gaddr, &ptl);
	if (!ptep)
		return -EAGAIN;
	if (!pte_present(ptep_get(ptep))) {
		pte_unmap_unlock(ptep, ptl);
		return -EAGAIN;
	}
	folio = page_folio(pte_page(ptep_get(ptep)));
	if (!folio_test_large(folio)) {
		pte_unmap_unlock(ptep, ptl);
		return -EAGAIN;
	}
	folio_get(folio);
	pte_unmap_unlock(ptep, ptl);
	nr = folio_nr_pages(folio);
	pfn = folio_pfn(folio);

	if (!can_split_folio(folio, 1)) {
		ops->put_refs(folio, 1);
		return -EBUSY;
	}

	/* unmap_folio(): each PTE becomes a migration entry; the PTEs' refs go. */
	ptep = pte_offset_map_lock(mm, pmdp, gaddr, &ptl);
	for (i = 0; i < nr; i++) {
		set_pte_at(mm, gaddr + i * PAGE_SIZE, ptep + i, make_pte_migration_entry(pfn + i));
		atomic_dec(&folio_page(folio, i)->_mapcount);
	}
	folio_ref_sub(folio, nr);	/* never the last: the caller's pin */
	pte_unmap_unlock(ptep, ptl);

	split_widen(ops->widen);
	if (!ops->ref_freeze(folio, 1)) {
		ptep = pte_offset_map_lock(mm, pmdp, gaddr, &ptl);
		folio_ref_add(folio, nr);
		split_map_ptes(sm, gaddr, ptep, pfn, nr);
		pte_unmap_unlock(ptep, ptl);
		ops->put_refs(folio, 1);
		return -EBUSY;
	}
	split_check_held(sm, folio);

	__split_huge_page(sm, folio);

	/* remap_page(): the same PTE values as before, now each to its own folio. */
	ptep = pte_offset_map_lock(mm, pmdp, gaddr, &ptl);
	split_map_ptes(sm, gaddr, ptep, pfn, nr);
	pte_unmap_unlock(ptep, ptl);
	ops->put_refs(folio, 1);
	return 0;
}

/* ---- collapse ---- */

/*
 * A new folio that will not be used after all: give it back. It was never
 * mapped, but gup-fast can still see it: its head may be a page a stale
 * gup-fast still takes for the small folio it was (mapped, collapsed, freed,
 * reallocated here), and that grab's speculative add succeeds on the head's
 * count of 1 until its re-check fails and it puts the refs back. The kernel's
 * folio_put() lets whichever put comes last free the folio; in this model
 * every free goes through a freeze (split_last_put), so freeze the head at 1,
 * waiting out such a transient reference (its put-back follows a failed
 * re-check and never waits for us). The tails keep the "no owner" count
 * prep_new_folio() gave them (0, or PAGEREF_FROZEN_BIT for xadd: a tail at 0
 * in the buddy could be resurrected by a stale grab, the xadd_tail0 bug).
 * Found by the widened stress test (docs/split.md, "Widened mode"): the old
 * __free_pages() dropped the count to 0 (cmpxchg model: the grab's put then
 * hit zero; xadd: a free head at 0, resurrectable) and zeroed xadd's tails.
 */
#define SPLIT_RELEASE_WAIT_S	5

static void split_release_new_folio(struct split_mm *sm, struct folio *folio)
{
	const struct split_ops *ops = sm->ops;
	struct timespec t0, t;
	unsigned long n = 0;

	/*
	 * Bounded: a grab that never puts its refs back (the broken leak,
	 * retry_noput, null_noput of tests/split/broken.c) would otherwise
	 * keep the splitter here for ever, holding mmap_lock for write: a hang,
	 * which is never a detection. A correct grab's reference lasts
	 * microseconds (widened: a few sched_yield()s); after
	 * SPLIT_RELEASE_WAIT_S the folio is left allocated, neither mapped nor
	 * free, and split_check_quiescent() reports it (the buddy is short).
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!ops->ref_freeze(folio, 1)) {
		sched_yield();
		if (++n % 1024)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > SPLIT_RELEASE_WAIT_S) {
			fprintf(stderr, "split: a collapse's unused new folio (pfn %lu) still holds "
				"%d refs after %d s: left allocated (a grab never put its refs back)\n",
				folio_pfn(folio), folio_ref_count(folio) - 1, SPLIT_RELEASE_WAIT_S);
			return;
		}
	}
#ifdef CONFIG_DEBUG_VM
	/* The debug buddy insists on 0 everywhere: see split_free_frozen_xadd(). */
	if (ops->frozen_bit)
		for (long i = 0; i < folio_nr_pages(folio); i++)
			set_page_count(folio_page(folio, i), 0);
#endif
	free_frozen_pages(&folio->page, folio_order(folio));
}

/* Freeze the small folios of pages [pfn[0..n)) at 1 (their PTE), all or none. */
static bool split_freeze_small(struct split_mm *sm, const unsigned long *pfns, long n)
{
	const struct split_ops *ops = sm->ops;
	long i;

	for (i = 0; i < n; i++) {
		struct folio *folio = page_folio(pfn_to_page(pfns[i]));

		if (!ops->ref_freeze(folio, 1))
			break;
	}
	if (i == n) {
		for (i = 0; i < n; i++)
			split_check_held(sm, page_folio(pfn_to_page(pfns[i])));
		return true;
	}
	while (i--)
		ops->ref_unfreeze(page_folio(pfn_to_page(pfns[i])), 1);
	return false;
}

static void split_free_old(struct split_mm *sm, const unsigned long *pfns, long n)
{
	for (long i = 0; i < n; i++)
		sm->ops->free_frozen(page_folio(pfn_to_page(pfns[i])));
}

static int collapse_huge_pmd(struct split_mm *sm, pmd_t *pmdp, unsigned long haddr)
{
	const struct split_ops *ops = sm->ops;
	struct mm_struct *mm = sm->mm;
	unsigned long pfns[HPAGE_PMD_NR];
	struct folio *new;
	spinlock_t *ptl;
	pmdval_t pmd;
	pte_t *table;
	long i;

	mmap_write_lock(mm);
	new = folio_alloc(&sm->zone, HPAGE_PMD_ORDER);
	if (!new) {
		mmap_write_unlock(mm);
		return -ENOMEM;
	}
	ops->prep_new_folio(new);

	ptl = pmd_lock(mm, pmdp);
	pmd = pmdp_get(pmdp);
	if (!pmd_present(pmd) || pmd_leaf(pmd))
		goto eagain;
	table = pmd_page_vaddr(pmd);
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		pteval_t pte = ptep_get(table + i);

		if (!pte_present(pte) || folio_test_large(page_folio(pte_page(pte))))
			goto eagain;
		pfns[i] = pte_pfn(pte);
	}
	/* pmdp_collapse_flush(): gup-fast that walks now finds no PMD. */
	pmdp_huge_get_and_clear(mm, haddr, pmdp);
	if (!split_freeze_small(sm, pfns, HPAGE_PMD_NR)) {
		set_pmd_at(mm, haddr, pmdp, pmd);
		spin_unlock(ptl);
		split_release_new_folio(sm, new);
		mmap_write_unlock(mm);
		return -EBUSY;
	}
	/* The old pages leave the deposited table; the new folio is mapped by the PMD. */
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		set_pte_at(mm, haddr + i * PAGE_SIZE, table + i, 0);
		atomic_dec(&pfn_to_page(pfns[i])->_mapcount);
	}
	atomic_set(&new->_entire_mapcount, 0);	/* one PMD mapping: its reference is the allocation's */
	smp_wmb();
	set_pmd_at(mm, haddr, pmdp, pfn_pmd(folio_pfn(new), PAGE_SHARED));
	spin_unlock(ptl);
	mmap_write_unlock(mm);
	split_free_old(sm, pfns, HPAGE_PMD_NR);
	return 0;

eagain:
	spin_unlock(ptl);
	split_release_new_folio(sm, new);
	mmap_write_unlock(mm);
	return -EAGAIN;
}

static int collapse_huge_ptes(struct split_mm *sm, pmd_t *pmdp, unsigned long gaddr)
{
	const struct split_ops *ops = sm->ops;
	struct mm_struct *mm = sm->mm;
	unsigned long pfns[SPLIT_MTHP_NR];
	pteval_t old[SPLIT_MTHP_NR];
	struct folio *new;
	spinlock_t *ptl;
	pte_t *ptep;
	long i;

	mmap_write_lock(mm);
	new = folio_alloc(&sm->zone, SPLIT_MTHP_ORDER);
	if (!new) {
		mmap_write_unlock(mm);
		return -ENOMEM;
	}
	ops->prep_new_folio(new);

	ptep = pte_offset_map_lock(mm, pmdp, gaddr, &ptl);
	if (!ptep)
		goto eagain_unlocked;
	for (i = 0; i < SPLIT_MTHP_NR; i++) {
		pteval_t pte = ptep_get(ptep + i);

		if (!pte_present(pte) || folio_test_large(page_folio(pte_page(pte))))
			goto eagain;
		pfns[i] = pte_pfn(pte);
	}
	/* The flush of the range: gup-fast that walks now finds no PTE. */
	for (i = 0; i < SPLIT_MTHP_NR; i++)
		old[i] = ptep_get_and_clear(mm, gaddr + i * PAGE_SIZE, ptep + i);
	if (!split_freeze_small(sm, pfns, SPLIT_MTHP_NR)) {
		for (i = 0; i < SPLIT_MTHP_NR; i++)
			set_pte_at(mm, gaddr + i * PAGE_SIZE, ptep + i, old[i]);
		pte_unmap_unlock(ptep, ptl);
		split_release_new_folio(sm, new);
		mmap_write_unlock(mm);
		return -EBUSY;
	}
	for (i = 0; i < SPLIT_MTHP_NR; i++)
		atomic_dec(&pfn_to_page(pfns[i])->_mapcount);
	folio_ref_add(new, SPLIT_MTHP_NR - 1);	/* one reference per PTE */
	smp_wmb();
	split_map_ptes(sm, gaddr, ptep, folio_pfn(new), SPLIT_MTHP_NR);
	pte_unmap_unlock(ptep, ptl);
	mmap_write_unlock(mm);
	split_free_old(sm, pfns, SPLIT_MTHP_NR);
	return 0;

eagain:
	pte_unmap_unlock(ptep, ptl);
eagain_unlocked:
	split_release_new_folio(sm, new);
	mmap_write_unlock(mm);
	return -EAGAIN;
}

static inline unsigned int split_addr_order(struct split_mm *sm, unsigned long addr)
{
	return sm->slot_order[(addr - SPLIT_BASE) >> PMD_SHIFT];
}

int split_huge_page_addr(struct split_mm *sm, unsigned long addr)
{
	pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);

	if (split_addr_order(sm, addr) == HPAGE_PMD_ORDER)
		return split_huge_pmd_page(sm, pmdp, addr & PMD_MASK);
	return split_huge_pte_folio(sm, pmdp, addr & ~(SPLIT_MTHP_NR * PAGE_SIZE - 1));
}

int collapse_huge_page_addr(struct split_mm *sm, unsigned long addr)
{
	pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);

	if (split_addr_order(sm, addr) == HPAGE_PMD_ORDER)
		return collapse_huge_pmd(sm, pmdp, addr & PMD_MASK);
	return collapse_huge_ptes(sm, pmdp, addr & ~(SPLIT_MTHP_NR * PAGE_SIZE - 1));
}

/* The splitter is the only thread changing page tables, so this peek is stable. */
static bool split_addr_is_large(struct split_mm *sm, unsigned long addr)
{
	pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
	pmdval_t pmd = pmdp_get(pmdp);
	pteval_t pte;

	if (pmd_leaf(pmd))
		return true;
	if (split_addr_order(sm, addr) == HPAGE_PMD_ORDER)
		return false;
	pte = ptep_get(mm_pte_table(sm->mm, pmdp) + pte_index(addr));
	return folio_test_large(page_folio(pte_page(pte)));
}

int split_toggle(struct split_mm *sm, unsigned long addr)
{
	struct split_counts *c = &sm->cnt;
	bool pmd = split_addr_order(sm, addr) == HPAGE_PMD_ORDER;
	int rc;

	if (split_addr_is_large(sm, addr)) {
		rc = split_huge_page_addr(sm, addr);
		if (!rc) {
			atomic_long_inc(&c->split_ok);
			atomic_long_inc(pmd ? &c->split9_ok : &c->split4_ok);
		} else if (rc == -EBUSY) {
			atomic_long_inc(&c->split_ebusy);
		}
	} else {
		rc = collapse_huge_page_addr(sm, addr);
		if (!rc) {
			atomic_long_inc(&c->collapse_ok);
			atomic_long_inc(pmd ? &c->collapse9_ok : &c->collapse4_ok);
		} else if (rc == -EBUSY) {
			atomic_long_inc(&c->collapse_ebusy);
		} else if (rc == -ENOMEM) {
			atomic_long_inc(&c->collapse_enomem);
		}
	}
	return rc;
}

#define SPLIT_PAIR_COLLAPSE_TRIES	1000

int split_pair(struct split_mm *sm, unsigned long addr)
{
	int rc;

	if (!split_addr_is_large(sm, addr))
		return -EAGAIN;	/* only after a collapse gave up: leave it to the next pair */
	rc = split_toggle(sm, addr);
	if (rc)
		return rc;
	/* Collapse it back; -EBUSY while a grab holds one of the small pages. */
	for (int i = 0; i < SPLIT_PAIR_COLLAPSE_TRIES; i++) {
		rc = split_toggle(sm, addr);
		if (rc != -EBUSY)
			break;
		sched_yield();
	}
	return rc;
}

/* ---- the splitter thread ---- */

static void *split_splitter_fn(void *arg)
{
	struct split_mm *sm = arg;
	uint64_t rng = sm->seed | 1;
	long period = sm->rate > 0 ? 1000000000L / sm->rate : 0;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&sm->stop, mo_relaxed)) {
		unsigned long idx = split_rand(&rng) & (sm->nr_map_pages - 1);

		if (sm->pairs)
			split_pair(sm, SPLIT_BASE + (idx << PAGE_SHIFT));
		else
			split_toggle(sm, SPLIT_BASE + (idx << PAGE_SHIFT));
		if (period) {
			struct timespec now;

			next.tv_nsec += period;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			/* More than 10 ms behind: do not burst to catch up. */
			if ((now.tv_sec - next.tv_sec) * 1000000000L + now.tv_nsec - next.tv_nsec > 10000000L)
				next = now;
			else
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	return NULL;
}

int split_splitter_start(struct split_mm *sm, long rate)
{
	int err;

	if (!rate)
		return 0;
	sm->rate = rate;
	atomic_store(&sm->stop, false);
	err = pthread_create(&sm->splitter, NULL, split_splitter_fn, sm);
	if (err)
		return -err;
	sm->splitter_running = true;
	return 0;
}

void split_splitter_stop(struct split_mm *sm)
{
	if (!sm->splitter_running)
		return;
	atomic_store(&sm->stop, true);
	pthread_join(sm->splitter, NULL);
	sm->splitter_running = false;
}

/* ---- the slow path ---- */

/*
 * get_user_pages() for one page (follow_page_mask()): under mmap_lock (read)
 * and the page-table lock the page is mapped, so its folio is neither frozen
 * nor split (both unmap first): try_grab_folio() cannot fail and is a plain
 * add. A migration entry means a split is in progress: wait, as
 * migration_entry_wait() does, and retry.
 */
struct folio *split_gup_slow(struct split_mm *sm, unsigned long addr, int refs,
			     struct page **pagep, struct split_stats *st)
{
	struct mm_struct *mm = sm->mm;
	pmd_t *pmdp = pmd_offset(pudp_get(pud_offset(mm, addr)), addr);
	struct folio *folio;
	struct page *page;

	st->slow++;
	mmap_read_lock(mm);
	for (;;) {
		spinlock_t *ptl = pmd_lock(mm, pmdp);
		pmdval_t pmd = pmdp_get(pmdp);
		pte_t *ptep;

		if (pmd_leaf(pmd)) {
			page = nth_page(pmd_page(pmd), (addr & ~PMD_MASK) >> PAGE_SHIFT);
			folio = page_folio(page);
			VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
			folio_ref_add(folio, refs);
			spin_unlock(ptl);
			break;
		}
		spin_unlock(ptl);
		if (pmd_present(pmd)) {
			ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
			if (ptep) {
				pteval_t pte = ptep_get(ptep);

				if (pte_present(pte)) {
					page = pte_page(pte);
					folio = page_folio(page);
					VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
					folio_ref_add(folio, refs);
					pte_unmap_unlock(ptep, ptl);
					break;
				}
				pte_unmap_unlock(ptep, ptl);
			}
		}
		st->slow_waits++;
		sched_yield();
	}
	mmap_read_unlock(mm);
	*pagep = page;
	return folio;
}

/* ---- set-up ---- */

/*
 * One cache-line aligned allocation (rb_model_alloc: page aligned, on the
 * placement's node): the struct, then slot_order[] from a line of its own, so
 * that the grabs' reads of it share no line with the splitter's writes (see
 * struct split_mm).
 */
static size_t split_mm_slot_order_offset(void)
{
	return ALIGN(sizeof(struct split_mm), (size_t)SMP_CACHE_BYTES);
}

static size_t split_mm_bytes(unsigned long nslots)
{
	return split_mm_slot_order_offset() + ALIGN((size_t)nslots, (size_t)SMP_CACHE_BYTES);
}

struct split_mm *split_mm_create(const struct split_ops *ops, unsigned long nslots, int order,
				 char *err, size_t errlen)
{
	struct split_mm *sm;
	unsigned long slot;

	if (!nslots || (nslots & (nslots - 1)) || nslots > 256) {
		snprintf(err, errlen, "split: slots must be a power of two in 1..256, not %lu", nslots);
		return NULL;
	}
	if (order != 0 && order != HPAGE_PMD_ORDER && order != SPLIT_MTHP_ORDER) {
		snprintf(err, errlen, "split: order must be %d or %d (0: both), not %d",
			 SPLIT_MTHP_ORDER, HPAGE_PMD_ORDER, order);
		return NULL;
	}
	sm = rb_model_alloc(split_mm_bytes(nslots));
	if (!sm)
		goto nomem;
	memset(sm, 0, split_mm_bytes(nslots));	/* the placements' allocator need not zero */
	sm->ops = ops;
	sm->nslots = nslots;
	sm->nr_map_pages = nslots * HPAGE_PMD_NR;
	sm->slot_order = (unsigned char *)sm + split_mm_slot_order_offset();
	/* Past pfn 0; two spare PMD-sized blocks, so collapse can allocate before it frees. */
	sm->zone_start = HPAGE_PMD_NR;
	sm->zone_pages = sm->nr_map_pages + 2 * HPAGE_PMD_NR;
	sm->seed = 0x9e3779b97f4a7c15ULL;
	if (memmap_init(sm->zone_start + sm->zone_pages))
		goto nomem_free;
	zone_init(&sm->zone, ZONE_NORMAL, sm->zone_start, sm->zone_pages, HPAGE_PMD_ORDER);
	sm->mm = mm_create(SPLIT_BASE, nslots * PMD_SIZE);
	if (!sm->mm)
		goto nomem_memmap;
	sm->pgd = rb_model_alloc(PTRS_PER_PGD * sizeof(pgd_t));
	if (!sm->pgd)
		goto nomem_mm;
	memset(sm->pgd, 0, PTRS_PER_PGD * sizeof(pgd_t));
	pgd_populate_pud(pgd_offset_pgd(sm->pgd, SPLIT_BASE), sm->mm->pud);

	for (slot = 0; slot < nslots; slot++) {
		unsigned long addr = split_slot_addr(slot);
		pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
		struct folio *folio;

		sm->slot_order[slot] = order ? order : (slot & 1) ? SPLIT_MTHP_ORDER : HPAGE_PMD_ORDER;
		if (sm->slot_order[slot] == HPAGE_PMD_ORDER) {
			folio = folio_alloc(&sm->zone, HPAGE_PMD_ORDER);
			BUG_ON(!folio);
			ops->prep_new_folio(folio);
			atomic_set(&folio->_entire_mapcount, 0);
			set_pmd_at(sm->mm, addr, pmdp, pfn_pmd(folio_pfn(folio), PAGE_SHARED));
		} else {
			pte_t *table = mm_pte_table(sm->mm, pmdp);

			for (long g = 0; g < PTRS_PER_PTE; g += SPLIT_MTHP_NR) {
				folio = folio_alloc(&sm->zone, SPLIT_MTHP_ORDER);
				BUG_ON(!folio);
				ops->prep_new_folio(folio);
				folio_ref_add(folio, SPLIT_MTHP_NR - 1);
				split_map_ptes(sm, addr + g * PAGE_SIZE, table + g, folio_pfn(folio),
					       SPLIT_MTHP_NR);
			}
			pmd_populate(sm->mm, pmdp, table);
		}
	}
	return sm;

nomem_mm:
	mm_destroy(sm->mm);
nomem_memmap:
	zone_destroy(&sm->zone);
	memmap_destroy();
nomem_free:
	rb_model_free(sm, split_mm_bytes(nslots));
nomem:
	snprintf(err, errlen, "split: out of memory for %lu slots", nslots);
	return NULL;
}

void split_mm_destroy(struct split_mm *sm)
{
	if (!sm)
		return;
	split_splitter_stop(sm);
	rb_model_free(sm->pgd, PTRS_PER_PGD * sizeof(pgd_t));
	mm_destroy(sm->mm);
	zone_destroy(&sm->zone);
	memmap_destroy();
	rb_model_free(sm, split_mm_bytes(sm->nslots));
}

/* ---- checks at quiescence ---- */

#define QPROBLEM(...)	do { fprintf(stderr, "split: " __VA_ARGS__); fputc('\n', stderr); problems++; } while (0)

/* The count of a page nobody owns: a tail, or a free page. */
static bool split_ownerless_count_ok(const struct split_ops *ops, int v, bool tail)
{
	if (!ops->frozen_bit)
		return v == 0;
	/* FROZEN plus the junk of failed grabs; a never-used free page may still be 0. */
	return (v & PAGEREF_FROZEN_BIT) || (!tail && v == 0);
}

static int split_check_folio(struct split_mm *sm, struct folio *folio, unsigned int order,
			     int mappings, bool pmd_mapped, unsigned char *mapped)
{
	long i, nr = 1L << order;
	int problems = 0;
	unsigned long pfn = folio_pfn(folio);

	if (PageTail(&folio->page) || (order ? !folio_test_large(folio) || folio_order(folio) != order
					     : folio_test_large(folio)))
		QPROBLEM("pfn %lu: expected a folio of order %u", pfn, order);
	if (folio_ref_count(folio) != mappings)
		QPROBLEM("pfn %lu (order %u): refcount %d, expected %d (its mappings)", pfn, order,
			 folio_ref_count(folio), mappings);
	if (order && atomic_read(&folio->_entire_mapcount) != (pmd_mapped ? 0 : -1))
		QPROBLEM("pfn %lu: entire mapcount %d", pfn, atomic_read(&folio->_entire_mapcount) + 1);
	for (i = 0; i < nr; i++) {
		struct page *p = folio_page(folio, i);

		if (p - vmemmap < (long)sm->zone_start || p - vmemmap >= (long)(sm->zone_start + sm->zone_pages)) {
			QPROBLEM("pfn %lu outside the zone", pfn + i);
			return problems;
		}
		if (mapped[pfn + i - sm->zone_start]++)
			QPROBLEM("pfn %lu mapped twice", pfn + i);
		if (page_mapcount(p) != (pmd_mapped ? 0 : 1))
			QPROBLEM("pfn %lu: mapcount %d", pfn + i, page_mapcount(p));
		if (i && compound_head(p) != &folio->page)
			QPROBLEM("pfn %lu: compound_head does not point at its head %lu", pfn + i, pfn);
		if (i && !split_ownerless_count_ok(sm->ops, page_ref_count(p), true))
			QPROBLEM("tail pfn %lu: refcount %#x", pfn + i, (unsigned int)page_ref_count(p));
	}
	return problems;
}

void split_count_large(struct split_mm *sm, unsigned long *nr_pmd, unsigned long *nr_mthp)
{
	*nr_pmd = *nr_mthp = 0;
	for (unsigned long slot = 0; slot < sm->nslots; slot++) {
		pmd_t *pmdp = mm_pmd_slot(sm->mm, split_slot_addr(slot));
		pmdval_t pmd = pmdp_get(pmdp);

		if (pmd_leaf(pmd)) {
			(*nr_pmd)++;
		} else if (pmd_present(pmd)) {
			pte_t *table = pmd_page_vaddr(pmd);

			for (long i = 0; i < PTRS_PER_PTE; i++) {
				pteval_t pte = ptep_get(table + i);

				if (pte_present(pte) && folio_test_large(page_folio(pte_page(pte))) &&
				    !PageTail(pte_page(pte)))
					(*nr_mthp)++;
			}
		}
	}
}

int split_check_quiescent(struct split_mm *sm, unsigned long nr_pmd_before, unsigned long nr_mthp_before)
{
	const struct split_ops *ops = sm->ops;
	struct split_counts *c = &sm->cnt;
	unsigned char *mapped = calloc(sm->zone_pages, 1);
	unsigned long nr_pmd, nr_mthp, nr_free;
	int problems = 0;

	if (!mapped) {
		QPROBLEM("out of memory");
		return problems;
	}
	for (unsigned long slot = 0; slot < sm->nslots; slot++) {
		unsigned long addr = split_slot_addr(slot);
		pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
		pmdval_t pmd = pmdp_get(pmdp);

		if (pmd_leaf(pmd)) {
			problems += split_check_folio(sm, page_folio(pmd_page(pmd)), HPAGE_PMD_ORDER, 1,
						      true, mapped);
			if (sm->slot_order[slot] != HPAGE_PMD_ORDER)
				QPROBLEM("slot %lu: a PMD mapping in an mTHP slot", slot);
			continue;
		}
		if (!pmd_present(pmd)) {
			QPROBLEM("slot %lu: PMD %#lx left behind (none or migration entry)", slot, pmd);
			continue;
		}
		for (long i = 0; i < PTRS_PER_PTE;) {
			pteval_t pte = ptep_get(pmd_page_vaddr(pmd) + i);
			struct folio *folio;
			unsigned int order;

			if (!pte_present(pte)) {
				QPROBLEM("slot %lu pte %ld: %#lx left behind", slot, i, pte);
				i++;
				continue;
			}
			folio = page_folio(pte_page(pte));
			order = folio_order(folio);
			if (order && (&folio->page != pte_page(pte) || order != SPLIT_MTHP_ORDER ||
				      sm->slot_order[slot] != SPLIT_MTHP_ORDER)) {
				QPROBLEM("slot %lu pte %ld: maps into a folio of order %u at an unexpected place",
					 slot, i, order);
				i++;
				continue;
			}
			for (long j = 1; j < (1L << order); j++)
				if (ptep_get(pmd_page_vaddr(pmd) + i + j) != pfn_pte(pte_pfn(pte) + j, PAGE_SHARED))
					QPROBLEM("slot %lu pte %ld: mTHP not mapped in order", slot, i + j);
			problems += split_check_folio(sm, folio, order, 1 << order, false, mapped);
			i += 1L << order;
		}
	}
	for (unsigned long i = 0; i < sm->zone_pages; i++) {
		int v = page_ref_count(pfn_to_page(sm->zone_start + i));

		if (!mapped[i] && !split_ownerless_count_ok(ops, v, false))
			QPROBLEM("unmapped pfn %lu: refcount %#x (leaked reference?)",
				 sm->zone_start + i, (unsigned int)v);
	}
	free(mapped);

	nr_free = zone_free_pages(&sm->zone);
	if (nr_free != sm->zone_pages - sm->nr_map_pages)
		QPROBLEM("the buddy holds %lu free pages, expected %lu (leak or double free)",
			 nr_free, sm->zone_pages - sm->nr_map_pages);
	split_count_large(sm, &nr_pmd, &nr_mthp);
	if (nr_pmd != nr_pmd_before + atomic_long_read(&c->collapse9_ok) - atomic_long_read(&c->split9_ok))
		QPROBLEM("%lu PMD THPs, expected %lu + %ld collapses - %ld splits", nr_pmd, nr_pmd_before,
			 atomic_long_read(&c->collapse9_ok), atomic_long_read(&c->split9_ok));
	if (nr_mthp != nr_mthp_before + atomic_long_read(&c->collapse4_ok) - atomic_long_read(&c->split4_ok))
		QPROBLEM("%lu mTHPs, expected %lu + %ld collapses - %ld splits", nr_mthp, nr_mthp_before,
			 atomic_long_read(&c->collapse4_ok), atomic_long_read(&c->split4_ok));
	if (atomic_long_read(&c->split_ok) != atomic_long_read(&c->split9_ok) + atomic_long_read(&c->split4_ok) ||
	    atomic_long_read(&c->collapse_ok) != atomic_long_read(&c->collapse9_ok) + atomic_long_read(&c->collapse4_ok))
		QPROBLEM("split/collapse totals do not add up");
	if (atomic_long_read(&split_bad_puts))
		QPROBLEM("%ld puts dropped a folio to zero (a put too many)", atomic_long_read(&split_bad_puts));
	return problems;
}

void split_stats_add(struct split_stats *sum, const struct split_stats *st)
{
	sum->grabs += st->grabs;
	sum->fast += st->fast;
	sum->slow += st->slow;
	sum->retries += st->retries;
	sum->null_changed += st->null_changed;
	sum->null_frozen += st->null_frozen;
	sum->recheck_fail += st->recheck_fail;
	sum->not_present += st->not_present;
	sum->slow_waits += st->slow_waits;
}

int split_check_stats(const struct split_ops *ops, const struct split_stats *st)
{
	int problems = 0;
	bool retry = ops->retry_on_change;

	if (st->grabs != st->fast + st->slow)
		QPROBLEM("%lu grabs != %lu fast + %lu slow", st->grabs, st->fast, st->slow);
	if (st->slow != st->null_frozen + st->null_changed + st->recheck_fail + st->not_present)
		QPROBLEM("%lu slow-path grabs != %lu frozen NULL + %lu changed NULL + %lu re-check + %lu not present",
			 st->slow, st->null_frozen, st->null_changed, st->recheck_fail, st->not_present);
	if (retry && st->null_changed)
		QPROBLEM("%s returned NULL %lu times on a changed folio: it retries", ops->name,
			 st->null_changed);
	if (!retry && st->retries)
		QPROBLEM("%s retried %lu times: it returns NULL", ops->name, st->retries);
	return problems;
}
