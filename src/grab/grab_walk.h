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
#define GUP_RACE_WINDOW(where, addr, entryp, pmdp)			\
	do {								\
		if (gup_test_race_window)				\
			gup_test_race_window(where, addr, entryp, pmdp);\
	} while (0)
#else
#define GUP_RACE_WINDOW(where, addr, entryp, pmdp)	do { } while (0)
#endif

struct gup_walk {
	struct dev_pagemap *pgmap;	/* the pgmap get_dev_pagemap() holds (see gup_pgmap_lookup) */
	enum gup_pgmap_lookup lookup;
	unsigned int flags;
	struct page **pages;
	long nr;
};

/*
 * The dev_pagemap lookup for a device pfn. LEAF and WALK are the kernel's
 * get_dev_pagemap(pfn, pgmap) with the pgmap held so far: a range check
 * while it covers @pfn, else put it and do the full lookup. They differ in
 * how long the pgmap is held: LEAF drops it at the end of every leaf (and
 * PTE table), as __gup_device_huge() and gup_pte_range() do, so each leaf of
 * each call pays one full lookup; WALK keeps it for the whole walk (not the
 * kernel: what caching across leaves would save). XA ignores the cache, as a
 * walk whose pfns alternate between pgmaps would: an xa_load and a percpu
 * ref per pfn.
 */
static __always_inline bool gup_pgmap_lookup(struct gup_walk *w, unsigned long pfn)
{
	switch (w->lookup) {
	case GUP_PGMAP_LEAF:
	case GUP_PGMAP_WALK:
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

/*
 * The end of a leaf (or of a PTE table): "put_dev_pagemap(pgmap)" at the end
 * of __gup_device_huge() / gup_pte_range(), on success and on failure. Only
 * WALK keeps the pgmap (gup_fast_walk() puts it at the end).
 */
static __always_inline void gup_pgmap_leaf_end(struct gup_walk *w)
{
	if (w->lookup != GUP_PGMAP_WALK && w->pgmap) {
		put_dev_pagemap(w->pgmap);
		w->pgmap = NULL;
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
	int ret = 0;

	do {
		pteval_t pte = ptep_get_lockless(ptep);
		struct page *page;
		struct folio *folio;

		if (!pte_present(pte) || ((w->flags & FOLL_WRITE) && !pte_write(pte)))
			goto pte_unmap;
		if (pte_devmap(pte)) {
			if (!gup_pgmap_lookup(w, pte_pfn(pte))) {
				undo_dev_pagemap(w, nr_start);
				goto pte_unmap;
			}
		} else if (pte_special(pte)) {
			goto pte_unmap;
		}
		page = pte_page(pte);
		GUP_RACE_WINDOW(GUP_WINDOW_PTE, addr, &ptep->pte, pmdp);
		RB_INJECT_OP(GRAB, page);	/* injected slowdown before the grab atomic (kernel/inject.h) */
		folio = try_grab_folio(page, 1, w->flags);
		if (!folio)
			goto pte_unmap;
		/* The PMD re-check guards a collapse of the table, the PTE re-check a replaced entry. */
		if (unlikely(pmd != pmdp_get_lockless(pmdp)) || unlikely(pte != ptep_get(ptep))) {
			gup_put_folio(folio, 1, w->flags);
			goto pte_unmap;
		}
		folio_set_referenced(folio);
		w->pages[w->nr++] = page;
	} while (ptep++, addr += PAGE_SIZE, addr != end);
	ret = 1;
pte_unmap:
	gup_pgmap_leaf_end(w);
	return ret;
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
