// SPDX-License-Identifier: GPL-2.0
/* grab family: building mapped address spaces (see grab.h). */
#include <errno.h>
#include <string.h>

#include "grab.h"

void grab_map_leaf(struct mm_struct *mm, unsigned long addr, unsigned long pfn,
		   unsigned int order, bool devmap)
{
	unsigned long dev = devmap ? _PAGE_DEVMAP : 0;
	pmd_t *pmdp;

	switch (order) {
	case HPAGE_PUD_ORDER:
		set_pud_at(mm, addr, pud_offset(mm, addr), pfn_pud(pfn, PAGE_SHARED | _PAGE_DIRTY | dev));
		break;
	case HPAGE_PMD_ORDER:
		set_pmd_at(mm, addr, mm_pmd_slot(mm, addr), pfn_pmd(pfn, PAGE_SHARED | _PAGE_DIRTY | dev));
		break;
	case 0:
		pmdp = mm_pmd_slot(mm, addr);
		if (pmd_none(pmdp_get(pmdp)))
			pmd_populate(mm, pmdp, mm_pte_table(mm, pmdp));
		set_pte_at(mm, addr, mm_pte_table(mm, pmdp) + pte_index(addr),
			   pfn_pte(pfn, PAGE_SHARED | _PAGE_DIRTY | dev));
		break;
	default:
		BUG_ON(1);
	}
}

static void grab_space_page_free(struct page *page)
{
	/* The grab family never puts a device page to zero: a bug. */
	(void)page;
	BUG_ON(1);
}

static const struct dev_pagemap_ops grab_space_ops = { .page_free = grab_space_page_free };

int grab_space_create(struct grab_space *gs, enum grab_mem mem, unsigned int order,
		      unsigned long nr_pages)
{
	unsigned long i, nr_leaves, leaf = 1UL << order, bytes;
	int ret = -ENOMEM;

	memset(gs, 0, sizeof(*gs));
	if ((order != 0 && order != HPAGE_PMD_ORDER && order != HPAGE_PUD_ORDER) ||
	    mem > GRAB_MEM_DEVICE_COMPOUND_NODEDUP ||
	    !nr_pages || nr_pages % leaf || nr_pages > (1UL << 30))
		return -EINVAL;
	gs->mem = mem;
	gs->order = order;
	gs->nr_pages = nr_pages;
	gs->start = GRAB_BASE;
	nr_leaves = nr_pages / leaf;
	bytes = ALIGN(nr_pages << PAGE_SHIFT, order == HPAGE_PUD_ORDER ? PUD_SIZE : PMD_SIZE);

	if (memmap_init(nr_pages))
		return -ENOMEM;
	gs->memmap_up = true;
	gs->mm = mm_create(gs->start, bytes);
	if (!gs->mm)
		goto fail;
	if (mem == GRAB_MEM_NORMAL) {
		zone_init(&gs->zone, ZONE_NORMAL, 0, nr_pages, order > 10 ? order : 10);
		gs->zone_up = true;
		for (i = 0; i < nr_leaves; i++) {
			struct folio *folio = folio_alloc(&gs->zone, order);

			if (!folio)
				goto fail;
			grab_map_leaf(gs->mm, gs->start + (i << (order + PAGE_SHIFT)), folio_pfn(folio),
				      order, false);
		}
	} else {
		gs->pgmap.type = MEMORY_DEVICE_GENERIC;
		gs->pgmap.ops = &grab_space_ops;
		gs->pgmap.vmemmap_shift = mem != GRAB_MEM_DEVICE ? order : 0;
		gs->pgmap.vmemmap_no_dedup = mem == GRAB_MEM_DEVICE_COMPOUND_NODEDUP;
		gs->pgmap.start_pfn = 0;
		gs->pgmap.nr_pages = nr_pages;
		ret = memremap_pages(&gs->pgmap, 1);
		if (ret)
			goto fail;
		gs->pgmap_up = true;
		for (i = 0; i < nr_leaves; i++)
			grab_map_leaf(gs->mm, gs->start + (i << (order + PAGE_SHIFT)), i << order, order, true);
	}
	return 0;
fail:
	grab_space_destroy(gs);
	return ret;
}

void grab_space_destroy(struct grab_space *gs)
{
	/* The folios are not freed one by one: the memmap goes as a whole. */
	if (gs->pgmap_up)
		memunmap_pages(&gs->pgmap);
	if (gs->zone_up)
		zone_destroy(&gs->zone);
	mm_destroy(gs->mm);
	if (gs->memmap_up)
		memmap_destroy();
	memset(gs, 0, sizeof(*gs));
}

void grab_release(struct page **pages, unsigned long npages, unsigned int flags)
{
	unsigned long i, j;

	if (flags & FOLL_PIN) {
		unpin_user_pages(pages, npages);
		return;
	}
	for (i = 0; i < npages; i = j) {
		struct folio *folio = page_folio(pages[i]);

		for (j = i + 1; j < npages && page_folio(pages[j]) == folio; j++)
			;
		gup_put_folio(folio, j - i, flags);
	}
}
