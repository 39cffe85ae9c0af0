// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberately broken variants, compiled only into the split tests: each
 * removes one thing the real variants need, and the stress test run with
 * --expect-violation must catch it. Every one widens its race windows with
 * sched_yield() (split_widen, SPLIT_WIDEN_* in gup_fast.h) so that detection
 * is reliable, not lucky.
 *
 *   norecheck      gup-fast without the PMD/PTE re-check after the grab
 *   nofoliocheck   try_get_folio without the page_folio() re-check after the
 *                  speculative add (the bug c24d37322548 fixed)
 *   freeze_nocount a freeze that ignores the expected count (xchg to 0)
 *   leak           gup-fast's back-out after a failed PMD/PTE re-check forgets
 *                  to put the refs back (only that put: a separate
 *                  put_backout in DEFINE_SPLIT_VARIANT)
 *   xadd_tail0     the FROZEN-bit scheme with tails left at refcount 0, as
 *                  prep_compound_page() leaves them today (David Hildenbrand's
 *                  "refcount at 0 permanently", Linus's request (b))
 *   retry_noput    retry's `goto retry` without putting the refs back first
 *   null_noput     null returns NULL on a changed folio without the put
 * The last two break the paths that only the widened mode (widened.c) runs
 * often: a correct variant hits them about once per 10^6 grabs unwidened.
 */
#include "split/try_get_folio.h"
#include "broken.h"

/*
 * willy's retry (the real template), with a yield between page_folio() and
 * the add (SPLIT_WIDEN_GRAB; see gup_fast.h for why not HOLD here).
 */
static __always_inline struct folio *try_get_folio_retry_wide(struct page *page, int refs,
							       struct split_stats *st)
{
	return __try_get_folio_retry(page, refs, st, SPLIT_WIDEN_GRAB);
}

/* The page_folio() re-check removed. */
static __always_inline struct folio *try_get_folio_nofoliocheck(struct page *page, int refs,
								 struct split_stats *st)
{
	struct folio *folio = page_folio(page);

	split_widen(true);	/* SPLIT_WIDEN_GRAB */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	return folio;
}

/* A "freeze" that does not compare: whatever the count, it becomes 0. */
static bool split_freeze_nocount(struct folio *folio, int count)
{
	(void)count;
	atomic_xchg(&folio->_refcount, 0);
	return true;
}

/*
 * leak: gup-fast's back-out put (after a failed PMD/PTE re-check) does
 * nothing; every other put -- the grabber's own, the splitter's caller pin,
 * try_get_folio's put-back -- is the real one. Widened like the real
 * variants in widened mode (SPLIT_WIDEN_ALL: the yield between the grab and
 * the re-check makes the re-check fail thousands of times a run), so that
 * the back-out path runs often and only that path is broken.
 */
static void split_put_nothing(struct folio *folio, int refs)
{
	(void)folio;
	(void)refs;
}

static __always_inline struct folio *try_get_folio_retry_all(struct page *page, int refs,
							      struct split_stats *st)
{
	return __try_get_folio_retry(page, refs, st, SPLIT_WIDEN_ALL);
}

DEFINE_SPLIT_VARIANT(norecheck, try_get_folio_retry_wide, split_put_refs_cas, split_put_refs_cas,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, false, SPLIT_WIDEN_GRAB, true);
DEFINE_SPLIT_VARIANT(nofoliocheck, try_get_folio_nofoliocheck, split_put_refs_cas,
		     split_put_refs_cas, split_freeze_cas, split_unfreeze_cas, split_prep_cas,
		     split_free_frozen_cas, false, true, SPLIT_WIDEN_GRAB, true);
DEFINE_SPLIT_VARIANT(freeze_nocount, try_get_folio_retry_wide, split_put_refs_cas,
		     split_put_refs_cas, split_freeze_nocount, split_unfreeze_cas, split_prep_cas,
		     split_free_frozen_cas, false, true, SPLIT_WIDEN_GRAB, true);
DEFINE_SPLIT_VARIANT(leak, try_get_folio_retry_all, split_put_refs_cas, split_put_nothing,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, SPLIT_WIDEN_ALL, true);

/* ---- xadd with tails at 0 ---- */

static __always_inline struct folio *try_get_folio_xadd_wide(struct page *page, int refs,
							      struct split_stats *st)
{
	return __try_get_folio_xadd(page, refs, st, SPLIT_WIDEN_GRAB);
}

/* Tails 0 (the bug); the split still expects them frozen, so it unfreezes with a store. */
static void split_unfreeze_xadd_b(struct folio *folio, int count)
{
	atomic_set_release(&folio->_refcount, count);
}

static void split_prep_tail0(struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);

	for (i = 1; i < nr; i++)
		set_page_count(folio_page(folio, i), 0);
}

static void split_free_frozen_xadd_b(struct folio *folio)
{
	free_frozen_pages(&folio->page, 0);	/* stays FROZEN: only the tails are wrong */
}

DEFINE_SPLIT_VARIANT(xadd_tail0, try_get_folio_xadd_wide, split_put_refs_xadd, split_put_refs_xadd,
		     split_freeze_xadd, split_unfreeze_xadd_b, split_prep_tail0,
		     split_free_frozen_xadd_b, true, true, SPLIT_WIDEN_GRAB, true);

/* ---- the put-back paths of retry and null (run often only when widened) ---- */

/* __try_get_folio_retry(.., SPLIT_WIDEN_ALL) without the put before `goto retry`. */
static __always_inline struct folio *try_get_folio_retry_noput(struct page *page, int refs,
								struct split_stats *st)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	split_widen(true);	/* SPLIT_WIDEN_GRAB */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(true);	/* SPLIT_WIDEN_HOLD */
	if (unlikely(page_folio(page) != folio)) {
		/* BUG: the refs stay on the folio the page left */
		st->retries++;
		goto retry;
	}
	return folio;
}

/* __try_get_folio_null(.., SPLIT_WIDEN_ALL) returning NULL without the put. */
static __always_inline struct folio *try_get_folio_null_noput(struct page *page, int refs,
							       struct split_stats *st)
{
	struct folio *folio = page_folio(page);

	split_widen(true);	/* SPLIT_WIDEN_GRAB */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	split_widen(true);	/* SPLIT_WIDEN_HOLD */
	if (unlikely(page_folio(page) != folio)) {
		/* BUG: the refs stay on the folio the page left */
		st->null_changed++;
		return NULL;
	}
	return folio;
}

DEFINE_SPLIT_VARIANT(retry_noput, try_get_folio_retry_noput, split_put_refs_cas,
		     split_put_refs_cas, split_freeze_cas, split_unfreeze_cas, split_prep_cas,
		     split_free_frozen_cas, false, true, SPLIT_WIDEN_ALL, true);
DEFINE_SPLIT_VARIANT(null_noput, try_get_folio_null_noput, split_put_refs_cas,
		     split_put_refs_cas, split_freeze_cas, split_unfreeze_cas, split_prep_cas,
		     split_free_frozen_cas, false, true, SPLIT_WIDEN_ALL, false);

const struct split_ops *const split_broken_variants[] = {
	&split_ops_norecheck, &split_ops_nofoliocheck, &split_ops_freeze_nocount,
	&split_ops_leak, &split_ops_xadd_tail0, &split_ops_retry_noput, &split_ops_null_noput,
	NULL,
};
