/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench split family: the three try_get_folio()s as always_inline
 * templates over a compile-time @widen, and the FROZEN-bit glue of xadd.
 *
 * The variants (try_get_folio_{null,retry,xadd}.c) instantiate them with
 * @widen 0, which compiles to exactly the code they had before the templates
 * existed (split_widen(false) is nothing): that is what the benchmark runs.
 * The tests (tests/split/widened.c) instantiate the very same code with
 * SPLIT_WIDEN_ALL (gup_fast.h), which sched_yield()s between page_folio() and
 * the speculative add, and between the add and the page_folio() re-check, so that
 * the splitter really splits and collapses inside those windows and the
 * NULL / retry / put-back paths run thousands of times a run instead of once
 * per 10^6 grabs (docs/split.md, "Widened mode").
 */
#ifndef RB_SPLIT_TRY_GET_FOLIO_H
#define RB_SPLIT_TRY_GET_FOLIO_H

#include "gup_fast.h"
#include "kernel/inject.h"
#include "page_ref_frozen.h"

/*
 * null: try_get_folio() of commit c24d37322548 (Jann Horn, 2021, "mm/gup: fix
 * try_grab_compound_head() race with split_huge_page()"), named as in
 * today's mm/gup.c. If the page left the folio between page_folio() and the
 * speculative add, put the refs back and return NULL: gup-fast fails and the
 * caller falls back to the slow path.
 */
static __always_inline struct folio *__try_get_folio_null(struct page *page, int refs,
							   struct split_stats *st, unsigned int widen)
{
	struct folio *folio = page_folio(page);

	/* try_get_compound_head() of c24d37322548: WARN_ON_ONCE(page_ref_count(head) < 0). */
	if (WARN_ON_ONCE(folio_ref_count(folio) < 0))
		return NULL;
	split_widen(widen & SPLIT_WIDEN_GRAB);
	RB_INJECT_OP(SPLIT, folio);	/* injected slowdown between the read and the add (kernel/inject.h) */
	/* folio_ref_try_add_rcu(): atomic_add_unless(&_refcount, refs, 0), a CAS loop. */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(widen & SPLIT_WIDEN_HOLD);
	/*
	 * We hold a reference on the folio now, but it may have been split
	 * between page_folio() and the add: then the reference is on a folio
	 * the page no longer belongs to.
	 */
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_cas(folio, refs);
		st->null_changed++;
		return NULL;
	}
	return folio;
}

/*
 * retry: willy's "gup: Add try_get_folio()"
 * (<20220102215729.2943705-6-willy@infradead.org>, seed 000): when the page
 * left the folio after the speculative add, put the refs back and `goto
 * retry` without any lock. A frozen folio still returns NULL (slow path).
 */
static __always_inline struct folio *__try_get_folio_retry(struct page *page, int refs,
							    struct split_stats *st, unsigned int widen)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	/* try_get_folio() of seed 000 and every kernel since: the load stays. */
	if (WARN_ON_ONCE(folio_ref_count(folio) < 0))
		return NULL;
	split_widen(widen & SPLIT_WIDEN_GRAB);
	RB_INJECT_OP(SPLIT, folio);	/* injected slowdown between the read and the add (kernel/inject.h) */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(widen & SPLIT_WIDEN_HOLD);
	/*
	 * At this point we have a stable reference to the folio; but it could
	 * be that between calling page_folio() and the refcount increment, the
	 * folio was split: recheck that the page still belongs to this folio.
	 */
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_cas(folio, refs);
		st->retries++;
		goto retry;
	}
	return folio;
}

/* ---- the FROZEN-bit refcount of the 2026 proposal (xadd) ---- */

static __always_inline void split_put_refs_xadd(struct folio *folio, int refs)
{
	if (unlikely(folio_ref_sub_and_test_frozen_bit(folio, refs)))
		split_last_put(folio);
}

/*
 * xadd: willy's retry over the 2026 proposal "mm: improve folio refcount
 * scalability" (page_ref_frozen.h): the speculative add is one fetch_add
 * that fails iff PAGEREF_FROZEN_BIT is set.
 */
static __always_inline struct folio *__try_get_folio_xadd(struct page *page, int refs,
							   struct split_stats *st, unsigned int widen)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	/*
	 * try_get_folio()'s WARN_ON_ONCE(folio_ref_count(folio) < 0) load. The
	 * proposal's patches (v1/v2) change page_ref.h, not mm/gup.c, so the
	 * line stays; under them every frozen count is negative
	 * (PAGEREF_FROZEN_BIT is the sign bit), so it returns NULL on a folio
	 * it sees frozen, as the kernel's would. The model keeps that load and
	 * control flow, not the one-time splat (a freeze triggers it
	 * legitimately; CONFIG_DEBUG_VM makes a WARN fatal). A folio seen
	 * frozen here takes no fetch_add and leaves no junk.
	 */
	if (unlikely(folio_ref_count(folio) < 0)) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(widen & SPLIT_WIDEN_GRAB);
	RB_INJECT_OP(SPLIT, folio);	/* injected slowdown between the read and the add (kernel/inject.h) */
	if (unlikely(!folio_ref_try_add_frozen_bit(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(widen & SPLIT_WIDEN_HOLD);
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_xadd(folio, refs);
		st->retries++;
		goto retry;
	}
	return folio;
}

static inline bool split_freeze_xadd(struct folio *folio, int count)
{
	return folio_ref_freeze_frozen_bit(folio, count);
}

static inline void split_unfreeze_xadd(struct folio *folio, int count)
{
	folio_ref_unfreeze_frozen_bit(folio, count);
}

/*
 * Tails of a new large folio get PAGEREF_FROZEN_BIT, never 0 (David
 * Hildenbrand's "pages that have the refcount at 0 permanently", Mar 4 2026;
 * the model's prep_compound_page() leaves whatever the buddy had).
 */
static inline void split_prep_xadd(struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);

	for (i = 1; i < nr; i++)
		set_page_count(folio_page(folio, i), PAGEREF_FROZEN_BIT);
}

/*
 * A frozen small folio goes back to the buddy still frozen: Linus's request
 * (b), the FROZEN bit of a freed folio stays until the next allocation sets
 * the count to 1. The CONFIG_DEBUG_VM buddy model insists on a count of 0
 * (free_pages_prepare, set_page_refcounted), so the debug build clears it:
 * that reopens the race the bit closes (a stale grab can resurrect a free
 * page), which is why the xadd stress test links the non-debug model. See
 * docs/split.md, "xadd and the buddy model".
 */
static inline void split_free_frozen_xadd(struct folio *folio)
{
#ifdef CONFIG_DEBUG_VM
	set_page_count(&folio->page, 0);
#endif
	free_frozen_pages(&folio->page, 0);
}

#endif
