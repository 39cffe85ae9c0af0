// SPDX-License-Identifier: GPL-2.0
/*
 * split/xadd: try_get_folio() with willy's retry, over the 2026 proposal "mm:
 * improve folio refcount scalability" ("mm: implement page refcount locking
 * via dedicated bit", Gladyshev Ilya / Gorbunov Ivan, v2 Apr 20 2026): the
 * speculative add is one fetch_add (lock xadd) that fails iff
 * PAGEREF_FROZEN_BIT is set, instead of atomic_add_unless()'s cmpxchg loop.
 * Freeze, unfreeze and put are the proposal's (page_ref_frozen.h), and the
 * splitter uses them: a cmpxchg-to-0 freeze would not stop this grab.
 */
#include "gup_fast.h"
#include "page_ref_frozen.h"

static __always_inline void split_put_refs_xadd(struct folio *folio, int refs)
{
	if (unlikely(folio_ref_sub_and_test_frozen_bit(folio, refs)))
		split_last_put(folio);
}

static __always_inline struct folio *try_get_folio_xadd(struct page *page, int refs,
							 struct split_stats *st)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	if (unlikely(!folio_ref_try_add_frozen_bit(folio, refs))) {
		st->null_frozen++;
		return NULL;
	}
	if (unlikely(page_folio(page) != folio)) {
		split_put_refs_xadd(folio, refs);
		st->retries++;
		goto retry;
	}
	return folio;
}

static bool split_freeze_xadd(struct folio *folio, int count)
{
	return folio_ref_freeze_frozen_bit(folio, count);
}

static void split_unfreeze_xadd(struct folio *folio, int count)
{
	folio_ref_unfreeze_frozen_bit(folio, count);
}

/*
 * Tails of a new large folio get PAGEREF_FROZEN_BIT, never 0 (David
 * Hildenbrand's "pages that have the refcount at 0 permanently", Mar 4 2026;
 * the model's prep_compound_page() leaves whatever the buddy had).
 */
static void split_prep_xadd(struct folio *folio)
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
static void split_free_frozen_xadd(struct folio *folio)
{
#ifdef CONFIG_DEBUG_VM
	set_page_count(&folio->page, 0);
#endif
	free_frozen_pages(&folio->page, 0);
}

DEFINE_SPLIT_VARIANT(xadd, try_get_folio_xadd, split_put_refs_xadd, split_freeze_xadd,
		     split_unfreeze_xadd, split_prep_xadd, split_free_frozen_xadd,
		     true, true, false);
