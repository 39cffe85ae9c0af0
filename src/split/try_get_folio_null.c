// SPDX-License-Identifier: GPL-2.0
/*
 * split/null: try_get_folio() of commit c24d37322548 (Jann Horn, 2021, "mm/gup:
 * fix try_grab_compound_head() race with split_huge_page()"), named as in
 * today's mm/gup.c. If the page left the folio between page_folio() and the
 * speculative add, put the refs back and return NULL: gup-fast fails and the
 * caller falls back to the slow path (mmap_lock read + page-table lock), where
 * the grab cannot fail.
 */
#include "gup_fast.h"

static __always_inline struct folio *try_get_folio_null(struct page *page, int refs,
							 struct split_stats *st)
{
	struct folio *folio = page_folio(page);

	/* folio_ref_try_add_rcu(): atomic_add_unless(&_refcount, refs, 0), a CAS loop. */
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
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

DEFINE_SPLIT_VARIANT(null, try_get_folio_null, split_put_refs_cas, split_freeze_cas,
		     split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, false);
