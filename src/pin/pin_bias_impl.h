/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pin/bias and pin/bias_noacct: the merged design. John Hubbard, "mm/gup: track FOLL_PIN pages",
 * commit 3faa52c03f44 (v5.7), in its v6.6 folio form (mm/gup.c
 * try_grab_folio(), try_grab_page(), gup_put_folio(); include/linux/mm.h
 * folio_maybe_dma_pinned()):
 *
 * - a small folio takes GUP_PIN_COUNTING_BIAS (1024) on _refcount per pin;
 * - a large folio takes 1 on _refcount and 1 on its exact _pincount;
 * - gup-fast grabs, adjusts, smp_mb__after_atomic(), then re-checks the PTE;
 * - writeback asks folio_maybe_dma_pinned(): _pincount > 0 for a large folio,
 *   _refcount >= 1024 for a small one. That has false positives: 1024 plain
 *   references look like a pin (the stress test shows them).
 *
 * The store-buffering pair is gup-fast's (add to the count; full barrier;
 * re-read the PTE) against page_mkclean's (write-protect the PTE with a fully
 * ordered xchg; read the count). smp_mb__after_atomic() is barrier() on x86
 * in the kernel and in this model (kernel/atomic.h): a relaxed C11 RMW
 * compiles to the same lock-prefixed instruction, which is already a full
 * barrier on x86. Under -DREFBENCH_STRICT_C11=ON it is a seq_cst fence, which
 * is what C11 alone needs.
 *
 * The FOLL_PIN vmstat accounting (PIN_BIAS_ACCT): since v5.7 (1970dc6f5226,
 * same series) every pin and unpin also does node_stat_mod_folio() on
 * NR_FOLL_PIN_ACQUIRED / NR_FOLL_PIN_RELEASED (kernel/vmstat.h): bias pays
 * it, as the kernel does; bias_noacct is the same mechanism without it, the
 * like-for-like comparison with the 2019 designs (lock, flag*), which were
 * posted before those counters existed and have none.
 *
 * Before including, define PIN_BIAS_OPS, PIN_BIAS_NAME and PIN_BIAS_ACCT.
 * RB_BROKEN_NO_RECHECK (tests only): gup-fast without the PTE re-check.
 */
#include <errno.h>

#include "pin.h"

/* try_grab_folio(page, 1, FOLL_PIN) for gup-fast: try_get_folio, then the pin accounting. */
static int bias_gup_fast(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
			 struct pin_stats *st)
{
	(void)st;
	PIN_RACE_WINDOW();
	/* try_get_folio(): the speculative grab; a racing split or free is re-checked. */
	if (!folio_ref_try_add(folio, 1))
		return -EAGAIN;
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return -EAGAIN;
	}
	PIN_WIDEN_WB(folio);	/* gup-fast: after the grab, before the tracking store */
	if (folio_test_large(folio))
		atomic_add(1, &folio->_pincount);
	else
		folio_ref_add(folio, GUP_PIN_COUNTING_BIAS - 1);
	PIN_WIDEN();		/* gup-fast: after the tracking store, before the PTE re-check */
	/*
	 * "Adjust the pincount before re-checking the PTE for changes. This is
	 * essentially a smp_mb() ..." (try_grab_folio_fast()).
	 */
	smp_mb__after_atomic();
	if (PIN_BIAS_ACCT)
		node_stat_mod_folio(folio, NR_FOLL_PIN_ACQUIRED, 1);
#ifndef RB_BROKEN_NO_RECHECK
	if (unlikely(!pte_same(pte, ptep_get(ptep)))) {
		__gup_put_folio(folio, 1, FOLL_PIN, PIN_BIAS_ACCT);
		return -EAGAIN;
	}
#else
	(void)pte;
	(void)ptep;
#endif
	return 0;
}

/* follow_page_pte() -> try_grab_page(page, FOLL_PIN), under the PTE lock: cannot fail. */
static void bias_gup_slow(struct folio *folio, struct page *page, spinlock_t *ptl,
			  struct pin_stats *st)
{
	(void)st;
	VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
	__try_grab_page(page, FOLL_PIN, PIN_BIAS_ACCT);
	spin_unlock(ptl);
}

/* unpin_user_page() */
static void bias_unpin(struct folio *folio, struct page *page)
{
	(void)page;
	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the unpin (kernel/inject.h) */
	__gup_put_folio(folio, 1, FOLL_PIN, PIN_BIAS_ACCT);
}

static bool bias_page_mkclean_pinned(struct folio *folio, int real_maps)
{
	(void)real_maps;
	RB_INJECT_OP(PIN, folio);	/* injected slowdown in the decision, page locked (kernel/inject.h) */
	PIN_WIDEN();		/* page_mkclean: between the write-protect and the count */
	return folio_maybe_dma_pinned(folio);
}

static bool bias_idle_ok(struct folio *folio)
{
	return !folio_test_large(folio) || atomic_read(&folio->_pincount) == 0;
}

const struct pin_ops PIN_BIAS_OPS = {
	.name = PIN_BIAS_NAME,
	.gup_fast = bias_gup_fast,
	.gup_slow = bias_gup_slow,
	.unpin = bias_unpin,
	.page_mkclean_pinned = bias_page_mkclean_pinned,
	.decide = PIN_DECIDE_IN_MKCLEAN,
	.idle_ok = bias_idle_ok,
};
