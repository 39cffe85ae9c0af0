// SPDX-License-Identifier: GPL-2.0
/*
 * grab/subpage: one grab per subpage of a huge leaf.
 *
 * Device (_PAGE_DEVMAP) leaves: this is the kernel's own code.
 * __gup_device_huge() (Dan Williams, 3565fce3a659, v4.5; later renamed
 * gup_fast_devmap_leaf()) grabbed every pfn of a devmap PMD/PUD leaf
 * separately until Alistair Popple's "mm: remove pXX_devmap callers"
 * (in mm-unstable from January 2025, merged for v6.15) deleted the devmap
 * path; the per-pfn loop, as in v6.6 (v4.5-v5.6: get_page() instead of
 * try_grab_page(), 3faa52c03f44):
 *
 *	do {
 *		page = pfn_to_page(pfn);
 *		pgmap = get_dev_pagemap(pfn, pgmap);	// optional here, see lookup
 *		SetPageReferenced(page);		// atomic set_bit
 *		pages[*nr] = page;
 *		try_grab_page(page, flags);		// one atomic on the refcount
 *		(*nr)++; pfn++;
 *	} while (addr += PAGE_SIZE, addr != end);
 *	if (pmd_val(orig) != pmd_val(*pmdp)) undo_dev_pagemap(...);
 *
 * SetPageReferenced() before the grab is safe there: the live pgmap
 * reference keeps the struct page valid and a device page is never freed to
 * the buddy. (Its last form, gup_fast_devmap_leaf() with
 * try_grab_folio_fast(), grabs first, then folio_set_referenced().) try_grab_page() resolves the subpage to its folio:
 * a non-compound device page is its own folio (device-dax before v5.17,
 * whose compound device-dax is 14606001efb4: 512 refcount lines per PMD
 * leaf); a compound device page (device-dax from v5.17 to v6.14) sends all
 * 512 atomics to the head.
 *
 * Buddy leaves (THP, PUD folios): HYPOTHETICAL, no kernel ever did this.
 * gup-fast has taken one head reference per huge leaf since it exists
 * (x86 gup_huge_pmd(): get_head_page_multiple(head, refs), 2008; generic
 * gup_huge_pmd(): page_cache_add_speculative(head, refs), then
 * try_get_compound_head(head, refs), try_grab_folio(page, refs)). This
 * branch answers "what would a THP cost if gup-fast grabbed it per
 * subpage": per subpage the speculative try_grab_folio(page, 1) that
 * gup_pte_range() does per PTE (a buddy folio can be freed under gup-fast),
 * then, as gup_huge_pmd() does, the leaf re-check and one
 * folio_set_referenced() only once the references are held and the leaf is
 * known unchanged. It differs from grouped in the number of grabs only.
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
			/* Hypothetical (see above): grab first, nothing written before. */
			if (unlikely(!try_grab_folio(page, 1, w->flags)))
				goto undo;
			w->pages[w->nr] = page;
		}
		w->nr++;
		pfn++;
	} while (addr += PAGE_SIZE, addr != end);

	if (unlikely(orig != READ_ONCE(*entryp)))
		goto undo;
	if (!devmap)
		folio_set_referenced(page_folio(w->pages[nr_start]));
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
