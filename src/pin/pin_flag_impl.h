/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pin/flag and pin/flag_fullmb: Jerome Glisse's pin flag with barriers
 * (<20190111165141.GB3190@redhat.com>, REFERENCE.md (4)). The algorithm is
 * here once; pin_flag.c instantiates it as posted and pin_flag_fullmb.c with
 * a full barrier between the pin's stores and its writeback check (not
 * needed, see below; the issue asks for both, to compare). Before
 * including, define PIN_FLAG_OPS, PIN_FLAG_NAME and PIN_FLAG_MB_AFTER_SET().
 *
 * GUP (as posted; the back-off test is widened for the kernel's
 * writeback order, see below):
 *	if (PageWriteback(page) && !PagePin(page))
 *		wait_on_page_writeback(page), retry;	// gup-fast: -EBUSY
 *	smp_rmb();
 *	atomic_inc(&page->_mapcount);
 *	smp_wmb();
 *	SetPagePin(page);
 *	smp_wmb();					// PIN_FLAG_MB_AFTER_SET()
 *	if (PageWriteback(page))	// writeback started meanwhile: here
 *					// PageLocked(page) || PageWriteback(page)
 *		atomic_dec(&page->_mapcount), retry;	// gup-fast: -EBUSY
 * page_mkclean(), page locked, writeback set:
 *	pinned = TestClearPagePin(page);
 *	smp_mb();
 *	if (pinned && _mapcount > mappings the rmap walk found)
 *		SetPagePin(page);			// still pinned
 * put_user_page(): atomic_dec(&page->_mapcount).
 *
 * THE KERNEL ORDER (write_cache_pages(): lock_page; clear_page_dirty_for_io
 * -> page_mkclean; ->writepage: set_page_writeback; unlock_page; I/O) breaks
 * the back-off as posted. page_mkclean() decides BEFORE PG_writeback is set,
 * so a pin whose stores come after the decision (TestClearPagePin read it
 * clear, _mapcount without it) and whose PageWriteback check comes before
 * set_page_writeback() passes the check, and the I/O runs with the page
 * pinned (flag_wbonly, a broken twin, shows it). The posted code assumed
 * writeback set before page_mkclean, which the kernel never did. What it
 * needs is a back-off that covers the decision itself: writeback holds
 * PG_locked from before page_mkclean() until after set_page_writeback(), so
 * the check here is
 *	if (PageLocked(page) || PageWriteback(page))	// one load of ->flags
 * (slow GUP then waits for the lock and for writeback, and retries). Why the
 * posted barriers are still enough with it, on every architecture: PG_pin,
 * PG_locked and PG_writeback are bits of ONE word, folio->flags, and every
 * write to it here is an atomic RMW (set_bit, test_and_set/clear_bit,
 * lock/unlock, dirty), so they are totally ordered in its modification order.
 * Take the pinner's SetPagePin (a relaxed RMW) and writeback's lock_page:
 *  - lock_page first: the pinner's later load of the word reads SetPagePin's
 *    value or a later one (write-read coherence, C11 [intro.races] CoWR; LKMM
 *    and every CPU likewise): PG_locked set, or, if unlock_page came in
 *    between, PG_writeback (set before the unlock in the same order), or the
 *    end of writeback (the I/O is over): it backs off in every case that
 *    matters;
 *  - SetPagePin first: TestClearPagePin (after lock_page in the same order)
 *    reads PG_pin set (only writeback clears it, under the page lock; the
 *    RMWs in between extend the release sequence), so the smp_wmb() (release
 *    fence) before SetPagePin synchronizes with the fully ordered
 *    TestClearPagePin and the _mapcount read after the smp_mb() sees the
 *    increment (or the pinner's later decrement: unpin or back-off).
 * Either way no pin is missed. The flags are read with ONE load: testing
 * PG_writeback and then PG_locked in two loads could see "no writeback" just
 * before set_page_writeback and "unlocked" just after unlock_page.
 * The store-buffering shape needs each side to store to one location and
 * load another; the pinner stores and loads the same word, so this is
 * message passing (_mapcount, then PG_pin; read in the reverse order), which
 * the smp_wmb() / smp_mb() pair covers -- Glisse's own timeline argument
 * (seed 004), now with lock_page, not TestSetPageWriteback, as the writeback
 * store it orders against. pin_flag_fullmb.c adds smp_mb() anyway, to price
 * it: it is not needed on any architecture. It would be if the back-off
 * re-checked another word (the PTE, as bias does: the other possible fix) or
 * if PG_pin lived in a word other than PG_locked's: pin_flag_refcount.c's
 * shape. The price of the fix: gup-fast now also backs off (to slow GUP) when
 * anyone holds the page lock, and slow GUP waits for it.
 *
  * As in the lock draft, the pin is tracked after gup-fast's grab and PTE
 * re-check; the flag, not the PTE, serializes it with writeback.
 *
 * Broken builds (tests only, with RB_PIN_BROKEN for the race window):
 * RB_BROKEN_WB_ONLY	the back-off as posted, PG_writeback only: wrong in the
 *			kernel's writeback order (above);
 * RB_BROKEN_NO_BACKOFF	gup-fast without the back-off check;
 * RB_BROKEN_CHECK_EARLY	gup-fast reads PG_writeback before its stores.
 *			No CPU can do that to THIS code (the load is of the
 *			word SetPagePin just wrote: coherence, above). It is
 *			what a separate-location design without smp_mb()
 *			allows: PG_pin in a word other than PG_writeback's,
 *			or pin_flag_refcount.c minus its barriers
 *			(flag_refcount_nomb): there the PageWriteback load
 *			may be satisfied before the pin's store is visible.
 */
#include <errno.h>

#include "pin.h"

/*
 * The back-off test: one load of folio->flags (see above). The posted
 * "PageWriteback(page)" alone in the broken twin flag_wbonly.
 */
#ifdef RB_BROKEN_WB_ONLY
#define FLAG_BACKOFF_MASK	(1UL << PG_writeback)
#else
#define FLAG_BACKOFF_MASK	((1UL << PG_locked) | (1UL << PG_writeback))
#endif
static __always_inline bool flag_must_back_off(struct folio *folio)
{
	return atomic_load_explicit(&folio->flags, mo_relaxed) & FLAG_BACKOFF_MASK;
}

static int flag_gup_fast(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
			 struct pin_stats *st)
{
#ifdef RB_BROKEN_CHECK_EARLY
	bool wb;
#endif

	/* try_get_compound_head() and the PTE re-check of gup_pte_range() */
	if (!folio_ref_try_add(folio, 1))
		return -EAGAIN;
	if (unlikely(page_folio(page) != folio || !pte_same(pte, ptep_get(ptep)))) {
		folio_put(folio);
		return -EAGAIN;
	}
	if (folio_test_writeback(folio) && !folio_test_pin(folio)) {	/* cannot wait */
		folio_put(folio);
		return -EBUSY;
	}
#ifdef RB_BROKEN_CHECK_EARLY
	wb = flag_must_back_off(folio);
#endif
	PIN_RACE_WINDOW();
	PIN_WIDEN_LOCKED(folio);	/* gup-fast: after the first check, before the tracking stores */
	smp_rmb();
	atomic_inc(&page->_mapcount);
	smp_wmb();
	PIN_WIDEN_UNTARGETED();	/* gup-fast: between the count and the flag */
	folio_set_pin(folio);
	PIN_FLAG_MB_AFTER_SET();
	PIN_WIDEN_UNTARGETED();	/* gup-fast: after the tracking stores, before the back-off check */
#if defined(RB_BROKEN_CHECK_EARLY)
	if (wb) {
#elif !defined(RB_BROKEN_NO_BACKOFF)
	if (flag_must_back_off(folio)) {
#else
	if (0) {
#endif
		atomic_dec(&page->_mapcount);
		folio_put(folio);
		st->backoffs++;
		return -EBUSY;
	}
	return 0;
}

static void flag_gup_slow(struct folio *folio, struct page *page, spinlock_t *ptl,
			  struct pin_stats *st)
{
	folio_get(folio);
	spin_unlock(ptl);
	for (;;) {
		if (folio_test_writeback(folio) && !folio_test_pin(folio))
			folio_wait_writeback(folio);
		PIN_WIDEN();	/* slow: between the writeback wait and the tracking stores */
		smp_rmb();
		atomic_inc(&page->_mapcount);
		smp_wmb();
		folio_set_pin(folio);
		PIN_FLAG_MB_AFTER_SET();
		PIN_WIDEN();	/* slow: after the tracking stores, before the back-off check */
		if (!flag_must_back_off(folio))
			break;
		atomic_dec(&page->_mapcount);
		st->backoffs++;
		folio_wait_bit(folio, PG_locked);	/* wait_on_page_locked() */
		folio_wait_writeback(folio);
	}
}

/* put_user_page(): the flag stays; the next page_mkclean() clears it if no pin is left. */
static void flag_unpin(struct folio *folio, struct page *page)
{
	RB_INJECT_OP(PIN, page);	/* injected slowdown in the unpin (kernel/inject.h) */
	atomic_dec(&page->_mapcount);
	folio_put(folio);
}

static bool flag_page_mkclean_pinned(struct folio *folio, int real_maps)
{
	bool pinned;

	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the decision, page locked (kernel/inject.h) */
	pinned = folio_test_clear_pin(folio);

	PIN_WIDEN();		/* page_mkclean: between the flag and the count */
	smp_mb();
	if (pinned && pin_mapcount_excess(folio, real_maps) > 0) {
		folio_set_pin(folio);
		return true;
	}
	return false;
}

static bool flag_idle_ok(struct folio *folio)
{
	return !folio_test_pin(folio);
}

const struct pin_ops PIN_FLAG_OPS = {
	.name = PIN_FLAG_NAME,
	.gup_fast = flag_gup_fast,
	.gup_slow = flag_gup_slow,
	.unpin = flag_unpin,
	.page_mkclean_pinned = flag_page_mkclean_pinned,
	.decide = PIN_DECIDE_IN_MKCLEAN,
	.idle_ok = flag_idle_ok,
};
