// SPDX-License-Identifier: GPL-2.0
/*
 * split/xadd: try_get_folio() with willy's retry, over the 2026 proposal "mm:
 * improve folio refcount scalability" ("mm: implement page refcount locking
 * via dedicated bit", Gladyshev Ilya / Gorbunov Ivan, v2 Apr 20 2026): the
 * speculative add is one fetch_add (lock xadd) that fails iff
 * PAGEREF_FROZEN_BIT is set, instead of atomic_add_unless()'s cmpxchg loop.
 * Freeze, unfreeze and put are the proposal's (page_ref_frozen.h), and the
 * splitter uses them: a cmpxchg-to-0 freeze would not stop this grab.
 *
 * The code is __try_get_folio_xadd() and the split_*_xadd() glue in
 * try_get_folio.h, instantiated here without widening (the benchmark's code);
 * tests/split/widened.c instantiates the same template with sched_yield()s in
 * its windows.
 */
#include "try_get_folio.h"

static __always_inline struct folio *try_get_folio_xadd(struct page *page, int refs,
							 struct split_stats *st)
{
	return __try_get_folio_xadd(page, refs, st, 0);
}

DEFINE_SPLIT_VARIANT(xadd, try_get_folio_xadd, split_put_refs_xadd, split_put_refs_xadd,
		     split_freeze_xadd, split_unfreeze_xadd, split_prep_xadd, split_free_frozen_xadd,
		     true, true, 0, true);
