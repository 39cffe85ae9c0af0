// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberately broken variants, compiled only into the split tests: each
 * removes one thing the real variants need, and the stress test run with
 * --expect-violation must catch it. Every one widens its race window with
 * sched_yield() (split_widen) so that detection is reliable, not lucky.
 *
 *   norecheck      gup-fast without the PMD/PTE re-check after the grab
 *   nofoliocheck   try_get_folio without the page_folio() re-check after the
 *                  speculative add (the bug c24d37322548 fixed)
 *   freeze_nocount a freeze that ignores the expected count (xchg to 0)
 *   leak           the re-check failure path forgets to put the refs back
 *   xadd_tail0     the FROZEN-bit scheme with tails left at refcount 0, as
 *                  prep_compound_page() leaves them today (David Hildenbrand's
 *                  "refcount at 0 permanently", Linus's request (b))
 */
#include "split/gup_fast.h"
#include "split/page_ref_frozen.h"
#include "broken.h"

/* willy's retry, with a yield between page_folio() and the add. */
static __always_inline struct folio *try_get_folio_retry_wide(struct page *page, int refs,
							       struct split_stats *st)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	split_widen(true);
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_cas(folio, refs);
		st->retries++;
		goto retry;
	}
	return folio;
}

/* The page_folio() re-check removed. */
static __always_inline struct folio *try_get_folio_nofoliocheck(struct page *page, int refs,
								 struct split_stats *st)
{
	struct folio *folio = page_folio(page);

	split_widen(true);
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

static void split_put_nothing(struct folio *folio, int refs)
{
	(void)folio;
	(void)refs;
}

DEFINE_SPLIT_VARIANT(norecheck, try_get_folio_retry_wide, split_put_refs_cas, split_freeze_cas,
		     split_unfreeze_cas, split_prep_cas, split_free_frozen_cas, false, false, true);
DEFINE_SPLIT_VARIANT(nofoliocheck, try_get_folio_nofoliocheck, split_put_refs_cas, split_freeze_cas,
		     split_unfreeze_cas, split_prep_cas, split_free_frozen_cas, false, true, true);
DEFINE_SPLIT_VARIANT(freeze_nocount, try_get_folio_retry_wide, split_put_refs_cas,
		     split_freeze_nocount, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, true);
DEFINE_SPLIT_VARIANT(leak, try_get_folio_retry_wide, split_put_nothing, split_freeze_cas,
		     split_unfreeze_cas, split_prep_cas, split_free_frozen_cas, false, true, true);

/* ---- xadd with tails at 0 ---- */

static __always_inline void split_put_refs_xadd_b(struct folio *folio, int refs)
{
	if (unlikely(folio_ref_sub_and_test_frozen_bit(folio, refs)))
		split_last_put(folio);
}

static __always_inline struct folio *try_get_folio_xadd_wide(struct page *page, int refs,
							      struct split_stats *st)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	split_widen(true);
	if (unlikely(!folio_ref_try_add_frozen_bit(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_xadd_b(folio, refs);
		st->retries++;
		goto retry;
	}
	return folio;
}

static bool split_freeze_xadd_b(struct folio *folio, int count)
{
	return folio_ref_freeze_frozen_bit(folio, count);
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

DEFINE_SPLIT_VARIANT(xadd_tail0, try_get_folio_xadd_wide, split_put_refs_xadd_b, split_freeze_xadd_b,
		     split_unfreeze_xadd_b, split_prep_tail0, split_free_frozen_xadd_b, true, true, true);

const struct split_ops *const split_broken_variants[] = {
	&split_ops_norecheck, &split_ops_nofoliocheck, &split_ops_freeze_nocount,
	&split_ops_leak, &split_ops_xadd_tail0, NULL,
};
