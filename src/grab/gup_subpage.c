// SPDX-License-Identifier: GPL-2.0
/*
 * grab/subpage: one grab per subpage, __gup_device_huge() before Joao
 * Martins' series (v4.5 3565fce3a659 .. v5.16; REFERENCE.md (3)):
 *
 *	do {
 *		page = pfn_to_page(pfn);
 *		pgmap = get_dev_pagemap(pfn, pgmap);	// optional here, see lookup
 *		SetPageReferenced(page);		// atomic set_bit, the page's line
 *		pages[*nr] = page;
 *		try_grab_page(page, flags);		// one atomic on the page's refcount
 *		(*nr)++; pfn++;
 *	} while (addr += PAGE_SIZE, addr != end);
 *	if (pmd_val(orig) != pmd_val(*pmdp)) undo_dev_pagemap(...);
 *
 * try_grab_page() resolves the subpage to its folio: a non-compound device
 * page is its own folio (its own refcount line, 512 lines per PMD leaf); a
 * compound page (THP, compound device page) sends all 512 atomics to the head.
 * try_grab_page() is non-speculative, which the live pgmap reference makes
 * safe for device pages; a normal (buddy) folio can be freed under gup-fast,
 * so for non-device leaves the per-subpage grab is the speculative
 * try_grab_folio(page, 1), as gup_pte_range() does for every PTE: the same
 * one atomic (a CAS loop instead of a locked add).
 */
#include "grab_walk.h"

static __always_inline int gup_huge_leaf_subpage(unsigned long orig, _Atomic unsigned long *entryp,
						 unsigned long leaf_mask, unsigned long addr,
						 unsigned long end, struct gup_walk *w)
{
	unsigned long pfn = leaf_pfn(orig) + ((addr & ~leaf_mask) >> PAGE_SHIFT);
	bool devmap = orig & _PAGE_DEVMAP;
	long nr_start = w->nr;

	GUP_RACE_WINDOW();
	do {
		struct page *page = pfn_to_page(pfn);

		if (devmap) {
			if (unlikely(!gup_pgmap_lookup(w, pfn)))
				goto undo;
			SetPageReferenced(page);
			w->pages[w->nr] = page;
			if (unlikely(try_grab_page(page, w->flags)))
				goto undo;
		} else {
			SetPageReferenced(page);
			w->pages[w->nr] = page;
			if (unlikely(!try_grab_folio(page, 1, w->flags)))
				goto undo;
		}
		w->nr++;
		pfn++;
	} while (addr += PAGE_SIZE, addr != end);

	if (unlikely(orig != READ_ONCE(*entryp)))
		goto undo;
	return 1;
undo:
	undo_dev_pagemap(w, nr_start);
	return 0;
}

long gup_fast_subpage(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		      unsigned int gup_flags, struct page **pages, enum gup_pgmap_lookup lookup)
{
	return gup_fast_walk(mm, start, nr_pages, gup_flags, pages, lookup, gup_huge_leaf_subpage);
}
