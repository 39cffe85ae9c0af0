// SPDX-License-Identifier: GPL-2.0
/*
 * grab/grouped: one refcount grab per leaf.
 *
 * THP and PUD folios: the kernel's gup-fast as it always was for huge
 * leaves (x86 gup_huge_pmd() with get_head_page_multiple(head, refs), 2008;
 * generic gup_huge_pmd()/gup_huge_pud() with try_get_compound_head(head,
 * refs), then try_grab_folio(); gup_fast_pmd_leaf() today), v6.6 shape:
 *
 *	page = pmd_page(orig) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
 *	refs = record_subpages(page, addr, end, pages + *nr);	// N stores
 *	folio = try_grab_folio(page, refs, flags);		// one atomic
 *	if (!folio) return 0;
 *	if (pmd_val(orig) != pmd_val(*pmdp)) {			// re-check
 *		gup_put_folio(folio, refs, flags);
 *		return 0;
 *	}
 *	*nr += refs; folio_set_referenced(folio);
 *
 * Device leaves: Joao Martins' "mm/gup: grab head page refcount once for
 * group of subpages" (<20210827145819.16471-9-joao.m.martins@oracle.com>,
 * v4 08/14, shape by Jason Gunthorpe in seed 001). It was NOT merged: the
 * series that went into v5.17 (compound device-dax, 14606001efb4) had
 * dropped it, and __gup_device_huge() kept grabbing per pfn until the devmap
 * path was removed for v6.15, after which device-dax PMD leaves take the
 * gup_fast_pmd_leaf() path above.
 *
 * Here device leaves ("devmap") get one dev_pagemap lookup per leaf per call
 * (lookup GUP_PGMAP_LEAF, the kernel's; GUP_PGMAP_NONE is the v6.15 end
 * state, where a device-dax leaf is a plain folio and nothing is looked up). A
 * compound device leaf is one group; non-compound device pages
 * (vmemmap_shift 0) are one group per page, as Joao's unmerged
 * __gup_device_huge() does
 * (next = PageCompound(head) ? end : addr + PAGE_SIZE), then the leaf is
 * re-checked once.
 *
 * Test-only broken build (tests/grab): RB_BROKEN_NO_PMD_RECHECK drops the
 * re-check.
 */
#include "grab_walk.h"

static __always_inline bool gup_leaf_changed(unsigned long orig, _Atomic unsigned long *entryp)
{
#ifdef RB_BROKEN_NO_PMD_RECHECK
	(void)orig; (void)entryp;
	return false;
#else
	return unlikely(orig != READ_ONCE(*entryp));
#endif
}

/* Non-compound device pages: a group of one per page. */
static __noinline int gup_device_leaf_grouped(unsigned long orig, _Atomic unsigned long *entryp,
					      unsigned long addr, unsigned long end,
					      struct page *page, struct gup_walk *w)
{
	long nr_start = w->nr;
	int ret = 0;

	GUP_RACE_WINDOW(GUP_WINDOW_LEAF, addr, entryp, NULL);
	do {
		RB_INJECT_OP(GRAB, page);	/* injected slowdown before the grab atomic (kernel/inject.h) */
		if (!gup_pgmap_lookup(w, page_to_pfn(page)) || !try_grab_folio(page, 1, w->flags)) {
			undo_dev_pagemap(w, nr_start);
			goto out;
		}
		SetPageReferenced(page);
		w->pages[w->nr++] = page;
		page++;
	} while (addr += PAGE_SIZE, addr != end);
	if (gup_leaf_changed(orig, entryp)) {
		undo_dev_pagemap(w, nr_start);
		goto out;
	}
	ret = 1;
out:
	gup_pgmap_leaf_end(w);
	return ret;
}

static __always_inline int gup_huge_leaf_grouped(unsigned long orig, _Atomic unsigned long *entryp,
						 unsigned long leaf_mask, unsigned long addr,
						 unsigned long end, struct gup_walk *w)
{
	struct page *page = nth_page(pfn_to_page(leaf_pfn(orig)), (addr & ~leaf_mask) >> PAGE_SHIFT);
	struct folio *folio;
	int refs, ret = 0;

	if (orig & _PAGE_DEVMAP) {
		if (unlikely(!PageCompound(page)))
			return gup_device_leaf_grouped(orig, entryp, addr, end, page, w);
		/* Joao's __gup_device_huge(): pgmap = get_dev_pagemap(pfn, NULL) per leaf per call */
		if (!gup_pgmap_lookup(w, page_to_pfn(page)))
			goto out;
	}
	refs = record_subpages(page, addr, end, w->pages + w->nr);
	GUP_RACE_WINDOW(GUP_WINDOW_LEAF, addr, entryp, NULL);
	RB_INJECT_OP(GRAB, page);	/* injected slowdown before the grab atomic (kernel/inject.h) */
	folio = try_grab_folio(page, refs, w->flags);
	if (!folio)
		goto out;
	if (gup_leaf_changed(orig, entryp)) {
		gup_put_folio(folio, refs, w->flags);
		goto out;
	}
	w->nr += refs;
	folio_set_referenced(folio);
	ret = 1;
out:
	gup_pgmap_leaf_end(w);	/* put_dev_pagemap(pgmap) */
	return ret;
}

long gup_fast_grouped(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		      unsigned int gup_flags, struct page **pages, enum gup_pgmap_lookup lookup)
{
	return gup_fast_walk(mm, start, nr_pages, gup_flags, pages, lookup, gup_huge_leaf_grouped);
}
