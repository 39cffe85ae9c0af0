// SPDX-License-Identifier: GPL-2.0
/*
 * pin/lock: John Hubbard's draft (seed 004, REFERENCE.md (4)): a pin is
 * tracked under the page lock,
 *
 *	lock_page(page);
 *	wait_on_page_writeback(page);
 *	atomic_inc(&page->_mapcount);
 *	SetPageGupPinned(page);
 *	unlock_page(page);
 *
 * and put_user_page() does atomic_dec(&page->_mapcount). gup-fast cannot
 * sleep, so it only trylocks; on failure (or writeback in progress, which it
 * cannot wait for) it returns -EBUSY and the caller falls back to slow GUP.
 * page_mkclean() runs with the page locked by writeback, so no pin can be
 * added while it decides: "pinned" is PageGupPinned and more _mapcount than
 * the rmap walk finds mappings; when no pin is left it clears the flag.
 *
 * As in the drafts (and the v5.0 gup_pte_range()), the pin is tracked on the
 * page gup-fast returns, after the speculative grab and its PTE re-check;
 * the tracking itself is not covered by the re-check, the page lock is what
 * serializes it with writeback. The flag and lock live on the folio (the
 * head page); _mapcount is the pinned subpage's.
 *
 * RB_BROKEN_FAST_NOLOCK (tests only): gup-fast tracks without the page lock.
 */
#include <errno.h>

#include "pin.h"

#ifdef RB_BROKEN_FAST_NOLOCK
#define PIN_LOCK_OPS	pin_lock_nolock_ops
#define PIN_LOCK_NAME	"lock_nolock"
#elif defined(RB_PIN_WIDEN)
#define PIN_LOCK_OPS	pin_lock_wide_ops
#define PIN_LOCK_NAME	"lock_wide"
#else
#define PIN_LOCK_OPS	pin_lock_ops
#define PIN_LOCK_NAME	"lock"
#endif

static int lock_gup_fast(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
			 struct pin_stats *st)
{
	(void)st;
	/* try_get_compound_head() and the PTE re-check of gup_pte_range() */
	if (!folio_ref_try_add(folio, 1))
		return -EAGAIN;
	if (unlikely(page_folio(page) != folio || !pte_same(pte, ptep_get(ptep)))) {
		folio_put(folio);
		return -EAGAIN;
	}
	PIN_WIDEN_WB(folio);	/* gup-fast: after the re-check, before the tracking */
#ifndef RB_BROKEN_FAST_NOLOCK
	if (!folio_trylock(folio)) {
		folio_put(folio);
		return -EBUSY;
	}
	if (folio_test_writeback(folio)) {	/* cannot wait_on_page_writeback() here */
		folio_unlock(folio);
		folio_put(folio);
		return -EBUSY;
	}
	PIN_WIDEN();		/* gup-fast: after the writeback check, before the tracking stores */
	atomic_inc(&page->_mapcount);
	PIN_WIDEN();		/* gup-fast: between the count and the flag */
	folio_set_gup_pinned(folio);
	PIN_WIDEN();		/* gup-fast: after the tracking stores, still locked */
	folio_unlock(folio);
#else
	if (folio_test_writeback(folio)) {
		folio_put(folio);
		return -EBUSY;
	}
	PIN_RACE_WINDOW();
	atomic_inc(&page->_mapcount);
	folio_set_gup_pinned(folio);
#endif
	return 0;
}

/* follow_page_pte(): get_page() under the PTE lock; then the tracking, which may sleep. */
static void lock_gup_slow(struct folio *folio, struct page *page, spinlock_t *ptl,
			  struct pin_stats *st)
{
	(void)st;
	folio_get(folio);
	spin_unlock(ptl);
	PIN_WIDEN_WB(folio);	/* slow: before the page lock (a writeback may start) */
	folio_lock(folio);
	folio_wait_writeback(folio);
	PIN_WIDEN();		/* slow: between the writeback wait and the tracking stores */
	atomic_inc(&page->_mapcount);
	folio_set_gup_pinned(folio);
	folio_unlock(folio);
}

/* put_user_page() */
static void lock_unpin(struct folio *folio, struct page *page)
{
	RB_INJECT_OP(PIN, page);	/* injected slowdown in the unpin (kernel/inject.h) */
	atomic_dec(&page->_mapcount);
	folio_put(folio);
}

/* page_mkclean(), page locked by writeback: no pin can be added meanwhile, only dropped. */
static bool lock_page_mkclean_pinned(struct folio *folio, int real_maps)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the decision, page locked (kernel/inject.h) */
	if (!folio_test_gup_pinned(folio))
		return false;
	PIN_WIDEN();		/* page_mkclean: between the flag and the count */
	if (pin_mapcount_excess(folio, real_maps) > 0)
		return true;
	folio_clear_gup_pinned(folio);
	return false;
}

static bool lock_idle_ok(struct folio *folio)
{
	return !folio_test_gup_pinned(folio);
}

const struct pin_ops PIN_LOCK_OPS = {
	.name = PIN_LOCK_NAME,
	.gup_fast = lock_gup_fast,
	.gup_slow = lock_gup_slow,
	.unpin = lock_unpin,
	.page_mkclean_pinned = lock_page_mkclean_pinned,
	.decide = PIN_DECIDE_IN_MKCLEAN,
	.idle_ok = lock_idle_ok,
};
