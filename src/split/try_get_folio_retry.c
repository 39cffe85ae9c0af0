// SPDX-License-Identifier: GPL-2.0
/*
 * split/retry: try_get_folio() as Matthew Wilcox's "gup: Add try_get_folio()"
 * (<20220102215729.2943705-6-willy@infradead.org>, seed 000; merged in the
 * folio conversion of GUP): when the page left the folio after the
 * speculative add, put the refs back and `goto retry` without any lock. A
 * frozen folio still returns NULL (slow path).
 *
 * The code is __try_get_folio_retry() in try_get_folio.h, instantiated here
 * without widening (the benchmark's code); tests/split/widened.c instantiates
 * the same template with sched_yield()s in its windows.
 */
#include "try_get_folio.h"

static __always_inline struct folio *try_get_folio_retry(struct page *page, int refs,
							  struct split_stats *st)
{
	return __try_get_folio_retry(page, refs, st, 0);
}

DEFINE_SPLIT_VARIANT(retry, try_get_folio_retry, split_put_refs_cas, split_put_refs_cas,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, 0, true);
