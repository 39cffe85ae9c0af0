// SPDX-License-Identifier: GPL-2.0
/*
 * split/retry: try_get_folio() as Matthew Wilcox's "gup: Add try_get_folio()"
 * (<20220102215729.2943705-6-willy@infradead.org>, seed 000; merged in the
 * folio conversion of GUP): when the page left the folio after the
 * speculative add, put the refs back and `goto retry` without any lock. A
 * frozen folio still returns NULL (slow path).
 */
#include "gup_fast.h"

static __always_inline struct folio *try_get_folio_retry(struct page *page, int refs,
							  struct split_stats *st)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	if (unlikely(!folio_ref_try_add(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
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

DEFINE_SPLIT_VARIANT(retry, try_get_folio_retry, split_put_refs_cas, split_freeze_cas,
		     split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, false);
