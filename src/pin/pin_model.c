// SPDX-License-Identifier: GPL-2.0
/*
 * pin: the model, i.e. the kernel functions every design shares (see pin.h):
 * GUP's page-table side (gup-fast, slow GUP, the write fault), unpin, and
 * writeback (write_cache_pages() with page_mkclean()). The workload (the
 * file, the writeback thread, rates, windows) is pin_workload.c; the checks
 * (ground truth, missed pins, conservation) are pin_checks.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/irqflags.h"
#include "pin.h"

/*
 * The write fault on a write-protected shared file PTE: do_wp_page() ->
 * wp_page_shared(): do_page_mkwrite() (the filesystem locks the folio and
 * waits for stable writes, folio_wait_stable()), finish_mkwrite_fault()
 * re-checks the PTE under its lock and makes it writable and dirty, then
 * fault_dirty_shared_page() dirties the folio and unlocks it. The folio lock
 * is what keeps a write fault, and so a new writable PTE, out of a writeback
 * in progress.
 */
static void pin_write_fault(struct pin_file *pf, pmd_t *pmdp, unsigned long addr,
			    struct folio *folio)
{
	spinlock_t *ptl;
	pte_t *ptep;
	pteval_t pte;

	folio_lock(folio);
	folio_wait_writeback(folio);
	ptep = pte_offset_map_lock(pf->mm, pmdp, addr, &ptl);
	BUG_ON(!ptep);
	pte = ptep_get(ptep);
	if (pte_present(pte) && !pte_write(pte) && page_folio(pte_page(pte)) == folio)
		set_pte_at(pf->mm, addr, ptep, pte | _PAGE_RW | _PAGE_DIRTY);
	pte_unmap_unlock(ptep, ptl);
	folio_set_dirty(folio);
	folio_unlock(folio);
}

struct page *pin_user_page(struct pin_file *pf, unsigned long addr, struct folio **foliop,
			   struct pin_stats *st)
{
	const struct pin_ops *ops = pf->ops;
	struct mm_struct *mm = pf->mm;
	pmd_t *pmdp = pmd_offset(pudp_get(pud_offset(mm, addr)), addr);
	pmdval_t pmd = pmdp_get_lockless(pmdp);
	struct folio *folio;
	struct page *page;
	spinlock_t *ptl;
	pte_t *ptep;
	pteval_t pte;

	/*
	 * gup_fast_pte_range(), FOLL_PIN | FOLL_WRITE, one page, with IRQs off
	 * around the walk (v5.0 get_user_pages_fast(): local_irq_disable();
	 * v6.6 lockless_pages_from_mm(): local_irq_save(); kernel/irqflags.h).
	 */
	if (pmd_present(pmd) && !pmd_leaf(pmd)) {
		unsigned long flags;
		int ret = -EAGAIN;

		local_irq_save(flags);
		ptep = pte_offset_map(pmd, addr);
		pte = ptep_get_lockless(ptep);
		if (pte_present(pte) && pte_write(pte) && !pte_special(pte)) {
			page = pte_page(pte);
			folio = page_folio(page);
			ret = ops->gup_fast(folio, page, ptep, pte, st);
			/*
			 * Every pinned page is marked referenced after the
			 * re-check: SetPageReferenced() in gup_pte_range()
			 * since v4.13 (v5.0, the drafts' base), folio_set_referenced()
			 * in v6.6: a locked OR on the flags word, in every design.
			 */
			if (likely(!ret))
				folio_set_referenced(folio);
		}
		local_irq_restore(flags);
		if (likely(!ret)) {
			st->fast++;
			st->pins++;
			*foliop = folio;
			return page;
		}
		if (ret == -EBUSY)
			st->ebusy++;
		else
			st->eagain++;
	}

	/* __gup_longterm_locked() -> __get_user_pages(): follow_page_pte(), faultin_page() */
	mmap_read_lock(mm);
	for (;;) {
		ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
		BUG_ON(!ptep);
		pte = ptep_get(ptep);
		BUG_ON(!pte_present(pte));
		page = pte_page(pte);
		folio = page_folio(page);
		if (pte_write(pte))
			break;
		pte_unmap_unlock(ptep, ptl);
		st->faults++;
		pin_write_fault(pf, pmdp, addr, folio);
	}
	ops->gup_slow(folio, page, ptl, st);	/* drops ptl */
	mmap_read_unlock(mm);
	st->slow++;
	st->pins++;
	*foliop = folio;
	return page;
}

/* unpin_user_pages_dirty_lock(): folio_mark_dirty() under the folio lock, then unpin. */
void unpin_user_page_dirty_lock(struct pin_file *pf, struct folio *folio, struct page *page,
				int tid, struct pin_stats *st)
{
	if (!folio_test_dirty(folio)) {
		folio_lock(folio);
		folio_set_dirty(folio);
		folio_unlock(folio);
	}
	if (tid >= 0)
		pin_truth_clear(pf, tid);
	pf->ops->unpin(folio, page);
	st->unpins++;
}

/*
 * page_mkclean() -> page_vma_mkclean_one() over the file's one mapping: under
 * each PTE lock, ptep_clear_flush() (a fully ordered xchg, then the TLB
 * flush), pte_wrprotect(pte_mkclean()), set_pte_at(). Returns the number of
 * mappings the rmap walk found, for the designs that compare it with
 * _mapcount.
 */
static int page_mkclean_wrprotect(struct pin_file *pf, struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);
	int real = 0;

	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);
		unsigned long addr = pin_page_addr(folio->index + i);
		pmd_t *pmdp = mm_pmd_slot(pf->mm, addr);
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(pf->mm, pmdp, addr, &ptl);
		pteval_t pte;

		BUG_ON(!ptep);
		pte = ptep_get(ptep);
		if (pte_present(pte) && pte_pfn(pte) == page_to_pfn(page)) {
			real++;
			if (pte_write(pte) || (pte & _PAGE_DIRTY)) {
				pte = ptep_clear_flush(pf->mm, addr, ptep);
				set_pte_at(pf->mm, addr, ptep, pte & ~(_PAGE_RW | _PAGE_DIRTY));
			}
		}
		pte_unmap_unlock(ptep, ptl);
	}
	/*
	 * The kernel's xchg is fully ordered (smp_mb() after it too, and on x86
	 * the flush IPI as well); a seq_cst RMW in C11 does not order the
	 * relaxed loads of the decision after it, so the model says so.
	 */
	smp_mb();
	return real;
}

/*
 * write_cache_pages() for one folio, in the kernel's order (mm/page-writeback.c,
 * v5.0 and v6.6 alike):
 *
 *	lock_page(page);
 *	if (!PageDirty(page)) continue_unlock;
 *	clear_page_dirty_for_io(page):		// page_mkclean() BEFORE writeback
 *		if (page_mkclean(page)) set_page_dirty(page);
 *		TestClearPageDirty(page);
 *	->writepage():
 *		set_page_writeback(page);
 *		unlock_page(page);		// the lock is NOT held across the I/O
 *	submit the I/O ... end_page_writeback(page);
 *
 * The design's decision ("pinned?") sits where the design puts it:
 * PIN_DECIDE_IN_MKCLEAN (lock, flag*, bias: page_mkclean(), folio locked, no
 * PG_writeback yet) or PIN_DECIDE_AFTER_SET_WRITEBACK (flag_refcount:
 * "TestSetPageWriteback; smp_mb; page_is_pin()", so in ->writepage, still
 * locked). "Pinned": redirty_page_for_writepage() and no I/O (a bounce-less
 * writeback skips the page); a decision after set_page_writeback ends the
 * writeback it started. The ground-truth checks (pin_checks.c) ride along.
 */
void pin_writeback_folio(struct pin_file *pf, struct folio *folio, unsigned int nr_threads)
{
	struct pin_wb_check chk;
	bool pinned = false;
	int real;

	if (!folio_test_dirty(folio))
		return;
	folio_lock(folio);
	if (!folio_test_dirty(folio)) {
		folio_unlock(folio);
		return;
	}
	/* WB_SYNC_NONE skips a folio under writeback; this model's never is (one writeback thread). */
	BUG_ON(folio_test_writeback(folio));
	pin_check_wb_begin(pf, folio, nr_threads, &chk);

	/* clear_page_dirty_for_io(): page_mkclean(), then TestClearPageDirty() */
	real = page_mkclean_wrprotect(pf, folio);
	if (pf->ops->decide == PIN_DECIDE_IN_MKCLEAN)
		pinned = pf->ops->page_mkclean_pinned(folio, real);
	pin_wb_inc(&pf->wb.mkclean);
	BUG_ON(!folio_test_clear_dirty(folio));	/* we hold the lock and saw it dirty */
	/*
	 * The kernel order's new window: page_mkclean() has decided, PG_writeback
	 * is not set yet. A pin that only checks PG_writeback gets through here.
	 */
	pin_wb_window(pf);

	if (pinned) {
		folio_set_dirty(folio);		/* redirty_page_for_writepage() */
		folio_unlock(folio);
	} else {
		/* ->writepage(): set_page_writeback() (TestSetPageWriteback, fully ordered) */
		BUG_ON(folio_test_set_writeback(folio));
		if (pf->ops->decide == PIN_DECIDE_AFTER_SET_WRITEBACK) {
			pinned = pf->ops->page_mkclean_pinned(folio, real);
			if (pinned) {
				folio_set_dirty(folio);
				BUG_ON(!folio_test_clear_writeback(folio));
			}
		}
		folio_unlock(folio);
	}
	pin_check_wb_decided(pf, &chk, pinned);
	if (pinned)
		return;

	/* The I/O, unlocked: DMA from the page while it is under writeback. */
	if (pf->wb_io_probe)
		pf->wb_io_probe(pf, folio);
	for (unsigned int r = 0; r < (pf->io_rounds ? pf->io_rounds : 1); r++) {
		pin_spin_ns(pf->io_ns);
		if (pf->wb_yield)
			sched_yield();
	}
	pin_check_wb_io_done(pf, &chk);
	BUG_ON(!folio_test_clear_writeback(folio));	/* end_page_writeback() */
}
