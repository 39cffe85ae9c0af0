// SPDX-License-Identifier: GPL-2.0
/*
 * pin/flag_refcount: Jerome Glisse's later version of the barrier scheme
 * (<20190116015610.GH3696@redhat.com>, REFERENCE.md (4)): the pin is counted
 * in _refcount with a bias instead of _mapcount + PG_pin, and the writeback
 * check moves next to it:
 *
 * GUP:
 *	atomic_add(BIAS, &page->_refcount);
 *	smp_mb();
 *	if (PageWriteback(page))
 *		atomic_sub(BIAS, ...), back off;	// gup-fast: -EBUSY; slow: wait, retry
 * writeback:
 *	TestSetPageWriteback(page);
 *	smp_mb();
 *	pinned = page_is_pin(page);			// _refcount >= BIAS
 * put_user_page(): atomic_sub(BIAS, &page->_refcount).
 *
 * Unlike pin/flag, the two sides race on TWO words: the pinner writes
 * _refcount and reads flags, writeback writes flags (PG_writeback) and reads
 * _refcount. That is the store-buffering shape
 * (tools/memory-model/litmus-tests/SB+fencembonceonces.litmus): without a
 * full barrier on both sides C11, LKMM, arm64 and POWER all allow the
 * pinner's PageWriteback load to be satisfied before its add is visible, and
 * both sides miss each other. Here the two smp_mb() are seq_cst fences, and
 * C11's fence rule (one of the two fences comes first in the total order S;
 * the other side's later load sees the first side's earlier write) makes it
 * correct. x86 cannot show the missing barrier (atomic_add is lock add, a
 * full barrier): the broken twin below therefore performs the reordering
 * itself.
 *
 * BIAS is GUP_PIN_COUNTING_BIAS on the folio's _refcount for every order (the
 * mail predates the exact _pincount of large folios). As in pin/flag, the
 * pin is tracked after gup-fast's grab and PTE re-check, so the PG_writeback
 * check, not the PTE re-check, is what serializes it with writeback.
 *
 * RB_BROKEN_NO_MB (tests only, flag_refcount_nomb): both smp_mb() removed,
 * and PageWriteback read BEFORE the bias add -- the store->load reordering
 * that C11/LKMM/arm64 permit once the barrier is gone, done explicitly so
 * that x86 shows it; RB_PIN_BROKEN widens the window between the two.
 */
#include <errno.h>

#include "pin.h"

#ifdef RB_BROKEN_NO_MB
#define PIN_FR_OPS	pin_flag_refcount_nomb_ops
#define PIN_FR_NAME	"flag_refcount_nomb"
#define PIN_FR_MB()	do { } while (0)
#elif defined(RB_PIN_WIDEN)
#define PIN_FR_OPS	pin_flag_refcount_wide_ops
#define PIN_FR_NAME	"flag_refcount_wide"
#define PIN_FR_MB()	smp_mb()
#else
#define PIN_FR_OPS	pin_flag_refcount_ops
#define PIN_FR_NAME	"flag_refcount"
#define PIN_FR_MB()	smp_mb()
#endif

/*
 * The pin: BIAS - 1 more on a folio the caller holds one reference to, then
 * the writeback check. True: pinned (BIAS held); false: writeback is running,
 * the BIAS - 1 are dropped again (the caller's reference stays).
 */
static __always_inline bool fr_track(struct folio *folio)
{
#ifdef RB_BROKEN_NO_MB
	bool wb = folio_test_writeback(folio);	/* hoisted above the add */

	PIN_RACE_WINDOW();
	folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1);
	if (wb) {
#else
	PIN_WIDEN();		/* before the tracking store (slow: after the writeback wait) */
	folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1);
	PIN_FR_MB();
	PIN_WIDEN();		/* after the tracking store, before the writeback check */
	if (folio_test_writeback(folio)) {
#endif
		folio_ref_sub(folio, GUP_PIN_COUNTING_BIAS - 1);
		return false;
	}
	return true;
}

static int fr_gup_fast(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
		       struct pin_stats *st)
{
	/* try_get_compound_head() and the PTE re-check of gup_pte_range() */
	if (!folio_ref_try_add(folio, 1))
		return -EAGAIN;
	if (unlikely(page_folio(page) != folio || !pte_same(pte, ptep_get(ptep)))) {
		folio_put(folio);
		return -EAGAIN;
	}
	PIN_WIDEN_WB(folio);	/* gup-fast: after the re-check, before the tracking */
	if (!fr_track(folio)) {		/* cannot wait for writeback here */
		folio_put(folio);
		st->backoffs++;
		return -EBUSY;
	}
	return 0;
}

static void fr_gup_slow(struct folio *folio, struct page *page, spinlock_t *ptl,
			struct pin_stats *st)
{
	(void)page;
	folio_get(folio);
	spin_unlock(ptl);
	while (!fr_track(folio)) {
		st->backoffs++;
		folio_wait_writeback(folio);
	}
}

/* put_user_page() */
static void fr_unpin(struct folio *folio, struct page *page)
{
	(void)page;
	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the unpin (kernel/inject.h) */
	folio_put_refs(folio, GUP_PIN_COUNTING_BIAS);
}

/*
 * After TestSetPageWriteback (pin_writeback_folio()) and the write-protect:
 * smp_mb(); page_is_pin(). (page_mkclean_wrprotect() ends with an smp_mb()
 * of its own; the design's is written here so that it does not rely on it.)
 */
static bool fr_page_mkclean_pinned(struct folio *folio, int real_maps)
{
	(void)real_maps;
	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the decision, page locked (kernel/inject.h) */
	PIN_WIDEN();		/* writeback: between PG_writeback and the count */
	PIN_FR_MB();
	return (unsigned int)folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

static bool fr_idle_ok(struct folio *folio)
{
	(void)folio;
	return true;	/* no state besides _refcount, which conservation checks */
}

const struct pin_ops PIN_FR_OPS = {
	.name = PIN_FR_NAME,
	.gup_fast = fr_gup_fast,
	.gup_slow = fr_gup_slow,
	.unpin = fr_unpin,
	.page_mkclean_pinned = fr_page_mkclean_pinned,
	.decide = PIN_DECIDE_AFTER_SET_WRITEBACK,
	.idle_ok = fr_idle_ok,
};
