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
 *	struct dev_pagemap *pgmap = NULL;	// per leaf, per call
 *	do {
 *		page = pfn_to_page(pfn);
 *		pgmap = get_dev_pagemap(pfn, pgmap);	// first pfn: rcu, xa_load, percpu ref
 *		SetPageReferenced(page);		// atomic set_bit on compound_head(page)
 *		pages[*nr] = page;
 *		try_grab_page(page, flags);		// one atomic on the refcount
 *		(*nr)++; pfn++;
 *	} while (addr += PAGE_SIZE, addr != end);
 *	put_dev_pagemap(pgmap);			// percpu ref put
 *	if (pmd_val(orig) != pmd_val(*pmdp)) undo_dev_pagemap(...);
 *
 * (v6.2-v6.14 also test is_pci_p2pdma_page() per pfn: two loads, of the page
 * line the grab touches and of pgmap->type; not modelled, see docs/grab.md.)
 * SetPageReferenced() is a PF_HEAD flag (page-flags.h): on a compound device
 * page the bit is set on the head, so the 512 set_bits of a leaf all hit the
 * head's flags line, like the 512 refcount atomics; each subpage's own line
 * is only read (compound_head). With the vmemmap tail-page reuse of v5.17
 * (devmem.c) the tails of a 2 MiB folio are 2 distinct pages of memmap, not 8.
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
	int ret = 0;

	GUP_RACE_WINDOW(GUP_WINDOW_LEAF, addr, entryp, NULL);
	do {
		struct page *page = pfn_to_page(pfn);

		if (devmap) {
			/* pgmap = get_dev_pagemap(pfn, pgmap): a full lookup at the leaf's first pfn */
			if (unlikely(!gup_pgmap_lookup(w, pfn)))
				goto undo;
			/* PF_HEAD: the bit goes to compound_head(page), the head of a compound page */
			SetPageReferenced(compound_head(page));
			w->pages[w->nr] = page;
			RB_INJECT_OP(GRAB, page);	/* injected slowdown before the grab atomic (kernel/inject.h) */
			if (unlikely(try_grab_page(page, w->flags)))
				goto undo;
		} else {
			/* Hypothetical (see above): grab first, nothing written before. */
			RB_INJECT_OP(GRAB, page);	/* injected slowdown before the grab atomic (kernel/inject.h) */
			if (unlikely(!try_grab_folio(page, 1, w->flags)))
				goto undo;
			w->pages[w->nr] = page;
		}
		w->nr++;
		pfn++;
	} while (addr += PAGE_SIZE, addr != end);

	/* __gup_device_huge_pmd(): the leaf re-check after the loop */
	if (unlikely(orig != READ_ONCE(*entryp)))
		goto undo;
	if (!devmap)
		folio_set_referenced(page_folio(w->pages[nr_start]));
	ret = 1;
	goto out;
undo:
	undo_dev_pagemap(w, nr_start);
out:
	/* put_dev_pagemap(pgmap) at the end of __gup_device_huge() */
	gup_pgmap_leaf_end(w);
	return ret;
}

long gup_fast_subpage(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		      unsigned int gup_flags, struct page **pages, enum gup_pgmap_lookup lookup)
{
	return gup_fast_walk(mm, start, nr_pages, gup_flags, pages, lookup, gup_huge_leaf_subpage);
}
