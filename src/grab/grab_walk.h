/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gup-fast page-table walk both grab variants share
 * (gup_fast_pgd_range(), gup_pud_range(), gup_pmd_range(), gup_pte_range() of
 * mm/gup.c, v6.6). It is instantiated in each variant's file with that
 * variant's leaf handler, passed as a constant function pointer to
 * always-inline functions, so the compiler inlines it: no indirect call.
 *
 * Userspace difference: gup-fast runs with IRQs off in the kernel so that
 * page tables cannot be freed under it; the model never frees page tables
 * (REFERENCE.md, C11 mapping table).
 */
#ifndef RB_GRAB_WALK_H
#define RB_GRAB_WALK_H

#include "grab.h"

#ifdef RB_GUP_TEST_HOOKS
#define GUP_RACE_WINDOW()						\
	do {								\
		if (gup_test_race_window)				\
			gup_test_race_window();				\
	} while (0)
#else
#define GUP_RACE_WINDOW()	do { } while (0)
#endif

struct gup_walk {
	struct dev_pagemap *pgmap;	/* the cached pgmap of get_dev_pagemap() */
	enum gup_pgmap_lookup lookup;
	unsigned int flags;
	struct page **pages;
	long nr;
};

/*
 * The dev_pagemap lookup for a device pfn. CACHED is the kernel's
 * get_dev_pagemap(pfn, pgmap); XA ignores the cache, as a walk whose pfns
 * alternate between pgmaps would: an xa_load and a percpu ref per call.
 */
static __always_inline bool gup_pgmap_lookup(struct gup_walk *w, unsigned long pfn)
{
	switch (w->lookup) {
	case GUP_PGMAP_CACHED:
		w->pgmap = get_dev_pagemap(pfn, w->pgmap);
		return w->pgmap != NULL;
	case GUP_PGMAP_XA:
		put_dev_pagemap(w->pgmap);
		w->pgmap = get_dev_pagemap(pfn, NULL);
		return w->pgmap != NULL;
	case GUP_PGMAP_NONE:
	default:
		return true;
	}
}

/* undo_dev_pagemap(): put back every page grabbed since @nr_start, one by one. */
static __always_inline void undo_dev_pagemap(struct gup_walk *w, long nr_start)
{
	while (w->nr > nr_start) {
		struct page *page = w->pages[--w->nr];

		gup_put_folio(page_folio(page), 1, w->flags);
	}
}

static __always_inline unsigned long leaf_pfn(unsigned long val)
{
	return (val & PTE_PFN_MASK) >> PAGE_SHIFT;
}

/*
 * A leaf handler: grab [addr, end) of the leaf whose value was @orig, read
 * from @entryp, @leaf_mask its alignment (PMD_MASK or PUD_MASK). Returns 1,
 * or 0 with nothing of this leaf held.
 */
typedef int (*gup_leaf_fn)(unsigned long orig, _Atomic unsigned long *entryp, unsigned long leaf_mask,
			   unsigned long addr, unsigned long end, struct gup_walk *w);

/*
 * gup_pte_range(): a PTE table of small folios. The same in both variants:
 * one folio per PTE, so there is nothing to group.
 */
static __always_inline int gup_pte_range(pmdval_t pmd, pmd_t *pmdp, unsigned long addr,
					 unsigned long end, struct gup_walk *w)
{
	pte_t *ptep = pte_offset_map(pmd, addr);
	long nr_start = w->nr;

	do {
		pteval_t pte = ptep_get_lockless(ptep);
		struct page *page;
		struct folio *folio;

		if (!pte_present(pte) || ((w->flags & FOLL_WRITE) && !pte_write(pte)))
			return 0;
		if (pte_devmap(pte)) {
			if (!gup_pgmap_lookup(w, pte_pfn(pte))) {
				undo_dev_pagemap(w, nr_start);
				return 0;
			}
		} else if (pte_special(pte)) {
			return 0;
		}
		page = pte_page(pte);
		GUP_RACE_WINDOW();
		folio = try_grab_folio(page, 1, w->flags);
		if (!folio)
			return 0;
		if (unlikely(pmd != pmdp_get_lockless(pmdp)) || unlikely(pte != ptep_get(ptep))) {
			gup_put_folio(folio, 1, w->flags);
			return 0;
		}
		folio_set_referenced(folio);
		w->pages[w->nr++] = page;
	} while (ptep++, addr += PAGE_SIZE, addr != end);
	return 1;
}

static __always_inline unsigned long rb_addr_end(unsigned long addr, unsigned long end, unsigned long size)
{
	unsigned long boundary = (addr + size) & ~(size - 1);

	return boundary - 1 < end - 1 ? boundary : end;
}

static __always_inline int gup_pmd_range(pudval_t pud, unsigned long addr, unsigned long end,
					 struct gup_walk *w, gup_leaf_fn leaf)
{
	pmd_t *pmdp = pmd_offset(pud, addr);
	unsigned long next;

	do {
		pmdval_t pmd = pmdp_get_lockless(pmdp);

		next = rb_addr_end(addr, end, PMD_SIZE);
		if (!pmd_present(pmd))
			return 0;
		if (pmd_leaf(pmd)) {
			if ((w->flags & FOLL_WRITE) && !pmd_write(pmd))
				return 0;
			if (!leaf(pmd, &pmdp->pmd, PMD_MASK, addr, next, w))
				return 0;
		} else if (!gup_pte_range(pmd, pmdp, addr, next, w)) {
			return 0;
		}
	} while (pmdp++, addr = next, addr != end);
	return 1;
}

/* gup_fast_pgd_range() below the PGD: the PUD table and down. */
static __always_inline long gup_fast_walk(struct mm_struct *mm, unsigned long start,
					  unsigned long nr_pages, unsigned int flags,
					  struct page **pages, enum gup_pgmap_lookup lookup,
					  gup_leaf_fn leaf)
{
	struct gup_walk w = { .pgmap = NULL, .lookup = lookup, .flags = flags, .pages = pages, .nr = 0 };
	unsigned long addr = start, end, next;

	if (!nr_pages || (start & ~PAGE_MASK) || nr_pages > (mm->end - mm->start) >> PAGE_SHIFT)
		return 0;
	end = start + (nr_pages << PAGE_SHIFT);
	if (start < mm->start || end > mm->end)
		return 0;
	if (WARN_ON_ONCE(!(flags & (FOLL_GET | FOLL_PIN)) || (flags & FOLL_GET && flags & FOLL_PIN)))
		return 0;
	do {
		pud_t *pudp = pud_offset(mm, addr);
		pudval_t pud = pudp_get(pudp);

		next = rb_addr_end(addr, end, PUD_SIZE);
		if (!pud_present(pud))
			break;
		if (pud_leaf(pud)) {
			if (!leaf(pud, &pudp->pud, PUD_MASK, addr, next, &w))
				break;
		} else if (!gup_pmd_range(pud, addr, next, &w, leaf)) {
			break;
		}
	} while (addr = next, addr != end);
	put_dev_pagemap(w.pgmap);
	return w.nr;
}

#endif
