// SPDX-License-Identifier: GPL-2.0
/*
 * split/null: try_get_folio() of commit c24d37322548 (Jann Horn, 2021, "mm/gup:
 * fix try_grab_compound_head() race with split_huge_page()"), named as in
 * today's mm/gup.c. If the page left the folio between page_folio() and the
 * speculative add, put the refs back and return NULL: gup-fast fails and the
 * caller falls back to the slow path (mmap_lock read + page-table lock), where
 * the grab cannot fail.
 *
 * The code is __try_get_folio_null() in try_get_folio.h, instantiated here
 * without widening (the benchmark's code); tests/split/widened.c instantiates
 * the same template with sched_yield()s in its windows.
 */
#include "try_get_folio.h"

static __always_inline struct folio *try_get_folio_null(struct page *page, int refs,
							 struct split_stats *st)
{
	return __try_get_folio_null(page, refs, st, 0);
}

DEFINE_SPLIT_VARIANT(null, try_get_folio_null, split_put_refs_cas, split_put_refs_cas,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, 0, false);
