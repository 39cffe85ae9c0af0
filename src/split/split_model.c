// SPDX-License-Identifier: GPL-2.0
/*
 * refbench split family, the model (kernel functions): split_huge_page()
 * with a refcount freeze, its reverse (a khugepaged-like collapse), the gup
 * slow path, and what a put that reaches zero does. The workload (variants
 * list, set-up, the splitter thread and its rate) is split_workload.c; the
 * checks (held references, quiescence, counters) are split_checks.c, after
 * will-it-scale's and Concurrency Kit's separation of the thing measured,
 * the harness that drives it and the validation.
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

/* ---- instrumentation ---- */

atomic_long_t split_bad_puts;

bool split_last_put_frees;
_Thread_local unsigned long split_last_put_freed;
#ifdef CONFIG_DEBUG_VM
void (*split_frozen_put_window)(struct folio *folio);
#endif

/*
 * A put reached zero (and, under the FROZEN bit, won the 0 -> FROZEN
 * cmpxchg: the free is ours).
 *
 * Default (the benchmark, most stress tests): no put may drop a folio to
 * zero: every mapping holds a reference, and folios are freed only by
 * collapse, after a freeze. Such a put is a put too many (or a stale grab
 * that resurrected a free page): count it and leak the folio rather than
 * corrupt the buddy.
 *
 * split_last_put_frees (split_stress --last-put, issue 14 class 2): the
 * collapse drops the old small pages' last references with ordinary puts
 * (folio_put() -> __folio_put() -> free_frozen_pages() in the kernel), so
 * whichever put comes last frees the page: the collapse's, or a racing grab's
 * back-out put after its re-check failed; under the FROZEN bit this is the
 * path whose temporary zero the proposal's cmpxchg exists for. Only order-0
 * folios are freed this way in the model; a large folio reaching zero is
 * still a put too many.
 */
void split_last_put(struct folio *folio)
{
	if (split_last_put_frees && !folio_test_large(folio)) {
#ifdef CONFIG_DEBUG_VM
		/* The debug buddy insists on 0: see split_free_frozen_xadd(). */
		if (page_ref_is_frozen_bit(folio_ref_count(folio)))
			set_page_count(&folio->page, 0);
#endif
		free_frozen_pages(&folio->page, 0);
		split_last_put_freed++;
		return;
	}
	atomic_long_inc(&split_bad_puts);
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
void split_map_ptes(struct split_mm *sm, unsigned long addr, pte_t *ptep,
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

/*
 * split_last_put_frees: is_refcount_suitable() of the kernel's
 * __collapse_huge_page_isolate(): each small page's count is its PTE's
 * reference alone (1), checked after the PTEs are cleared (no grab that
 * walks from now on gets past its re-check), without a freeze.
 */
static bool split_refs_suitable(struct split_mm *sm, const unsigned long *pfns, long n)
{
	for (long i = 0; i < n; i++)
		if (folio_ref_count(page_folio(pfn_to_page(pfns[i]))) != 1)
			return false;
	split_widen(sm->ops->widen);	/* widened: a stale grab adds before our puts */
	return true;
}

/* Hold the old small pages off gup-fast: frozen (default) or merely checked (last-put mode). */
static bool split_isolate_small(struct split_mm *sm, const unsigned long *pfns, long n)
{
	if (split_last_put_frees)
		return split_refs_suitable(sm, pfns, n);
	return split_freeze_small(sm, pfns, n);
}

static void split_free_frozen_old(struct split_mm *sm, const unsigned long *pfns, long n);

/*
 * Free the old small pages: frozen, straight to the buddy (default); in
 * last-put mode, drop each one's PTE reference with an ordinary put, and the
 * last put (ours or a racing grab's back-out) frees it (split_last_put()).
 */
static void split_free_old(struct split_mm *sm, const unsigned long *pfns, long n)
{
	if (split_last_put_frees) {
		unsigned long freed = split_last_put_freed;

		for (long i = 0; i < n; i++)
			sm->ops->put_refs(page_folio(pfn_to_page(pfns[i])), 1);
		atomic_long_add((long)(split_last_put_freed - freed), &sm->cnt.collapse_put_freed);
		return;
	}
	split_free_frozen_old(sm, pfns, n);
}

static void split_free_frozen_old(struct split_mm *sm, const unsigned long *pfns, long n)
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
	if (!split_isolate_small(sm, pfns, HPAGE_PMD_NR)) {
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
	if (!split_isolate_small(sm, pfns, SPLIT_MTHP_NR)) {
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
