/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench grab family: how gup-fast takes its references (REFERENCE.md (3),
 * seed 002) and how unpin gives them back.
 *
 * The walk (gup_fast_range()) covers [start, start + nr_pages * PAGE_SIZE) of
 * the model page table and fills pages[], as gup_fast_pgd_range() does, over
 * PUD leaves (order 18), PMD leaves (order 9) and PTE tables of small folios.
 * The variants differ in how a leaf is grabbed, one file each:
 *
 *   gup_subpage.c  per pfn: an optional dev_pagemap lookup, SetPageReferenced,
 *                  then try_grab_page(): one atomic per subpage on the
 *                  refcount the subpage resolves to (its own line for a
 *                  non-compound device page, the head for a compound one).
 *                  This is __gup_device_huge() before 2021.
 *   gup_grouped.c  record_subpages() + one try_grab_folio(head, refs) per leaf,
 *                  then the pmd/pud re-check (Joao Martins,
 *                  <20210827145819.16471-9-joao.m.martins@oracle.com>;
 *                  gup_huge_pmd() of v5.x-v6.x).
 *
 * Both support FOLL_GET and FOLL_PIN. Pins follow the merged design (John
 * Hubbard, 3faa52c03f44, with exact large-folio pincounts): a small folio
 * gets GUP_PIN_COUNTING_BIAS on _refcount per pin; a large folio gets refs on
 * _refcount and refs on _pincount.
 *
 * The release side, one file each:
 *   unpin_per_page.c  unpin_user_page() for every entry.
 *   unpin_batched.c   unpin_user_pages(): consecutive entries of one folio
 *                     become one gup_put_folio(folio, refs).
 */
#ifndef RB_GRAB_H
#define RB_GRAB_H

#include <errno.h>

#include "devmap/devmap.h"

/* include/linux/mm_types.h / mm.h gup flags (values of v6.6) */
#define FOLL_WRITE	0x01
#define FOLL_GET	0x04
#define FOLL_LONGTERM	0x100
#define FOLL_PIN	0x200000	/* internal in v6.6; the value is the model's */
#define GUP_PIN_COUNTING_BIAS	(1U << 10)

/* How the subpage walk finds each device pfn's dev_pagemap (seed 002). */
enum gup_pgmap_lookup {
	GUP_PGMAP_NONE,		/* no lookup (what grouped does per leaf is one lookup at most) */
	GUP_PGMAP_CACHED,	/* get_dev_pagemap(pfn, pgmap): range check while the cached pgmap covers pfn */
	GUP_PGMAP_XA,		/* an uncached xa_load(&pgmap_array, pfn) + percpu ref per pfn */
};

/*
 * SetPageReferenced / folio_set_referenced (PG_referenced; the kernel model
 * has the bit but no accessor yet): an atomic set_bit, i.e. a locked RMW on
 * the page's flags line.
 */
static __always_inline void SetPageReferenced(struct page *page)
{
	set_bit(PG_referenced, &page->flags);
}
static __always_inline void folio_set_referenced(struct folio *folio)
{
	set_bit(PG_referenced, &folio->flags);
}

/* ---- mm/gup.c primitives shared by the variants (v6.6) ---- */

/*
 * try_get_folio(): the speculative grab of refs; NULL on a frozen (0) folio,
 * retry if the folio was split under us (REFERENCE.md (1)).
 */
static __always_inline struct folio *try_get_folio(struct page *page, int refs)
{
	struct folio *folio;

retry:
	folio = page_folio(page);
	if (WARN_ON_ONCE(folio_ref_count(folio) < 0))
		return NULL;
	if (unlikely(!folio_ref_try_add(folio, refs)))
		return NULL;
	if (unlikely(page_folio(page) != folio)) {
		folio_put_refs(folio, refs);
		goto retry;
	}
	return folio;
}

/*
 * try_grab_folio(): FOLL_GET takes refs; FOLL_PIN on a large folio also adds
 * refs to the exact _pincount, on a small one (GUP_PIN_COUNTING_BIAS - 1) *
 * refs more on _refcount. Then smp_mb__after_atomic() before the caller
 * re-checks the page table (pairs with the unmap side's full barrier).
 */
static __always_inline struct folio *try_grab_folio(struct page *page, int refs, unsigned int flags)
{
	struct folio *folio;

	if (WARN_ON_ONCE((flags & (FOLL_GET | FOLL_PIN)) == 0))
		return NULL;
	folio = try_get_folio(page, refs);
	if (!folio || (flags & FOLL_GET))
		return folio;
	if (folio_test_large(folio))
		atomic_add(refs, &folio->_pincount);
	else
		folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1));
	smp_mb__after_atomic();
	return folio;
}

/*
 * try_grab_page() (v5.x-v6.6): a non-speculative grab of one page, for callers
 * that hold the page stable otherwise (the page-table lock in slow GUP; the
 * live dev_pagemap reference in __gup_device_huge()). One atomic on the
 * refcount (plus one on _pincount for a pinned large folio). Returns 0 or
 * -ENOMEM.
 */
static __always_inline int try_grab_page(struct page *page, unsigned int flags)
{
	struct folio *folio = page_folio(page);

	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return -ENOMEM;
	if (flags & FOLL_GET) {
		folio_ref_inc(folio);
	} else if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			folio_ref_add(folio, 1);
			atomic_add(1, &folio->_pincount);
		} else {
			folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
		}
	}
	return 0;
}

/*
 * gup_put_folio(): drop refs taken by try_grab_folio()/try_grab_page(). The
 * kernel first tries put_devmap_managed_page_refs() (1-based FS_DAX pages);
 * the grab family's device pages are never put to idle, so folio_put_refs()
 * is the path taken either way.
 */
static __always_inline void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (flags & FOLL_PIN) {
		if (folio_test_large(folio))
			atomic_sub(refs, &folio->_pincount);
		else
			refs *= GUP_PIN_COUNTING_BIAS;
	}
	folio_put_refs(folio, refs);
}

/* record_subpages(): N pointer stores, no atomics. */
static __always_inline int record_subpages(struct page *page, unsigned long addr,
					   unsigned long end, struct page **pages)
{
	int nr;

	for (nr = 0; addr != end; nr++, addr += PAGE_SIZE)
		pages[nr] = nth_page(page, nr);
	return nr;
}

/*
 * The variants' entry points. Walk [start, start + nr_pages pages) of @mm,
 * taking FOLL_GET or FOLL_PIN references, storing the pages in @pages.
 * Returns the number of pages grabbed from @start (fewer when it met a hole,
 * a non-leaf it cannot walk, a frozen folio or a changed entry: the caller
 * falls back to slow GUP in the kernel).
 */
long gup_fast_subpage(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		      unsigned int gup_flags, struct page **pages, enum gup_pgmap_lookup lookup);
long gup_fast_grouped(struct mm_struct *mm, unsigned long start, unsigned long nr_pages,
		      unsigned int gup_flags, struct page **pages, enum gup_pgmap_lookup lookup);

/* unpin_per_page.c: unpin_user_page() on each of @pages. */
void unpin_user_page(struct page *page);
void unpin_user_pages_per_page(struct page **pages, unsigned long npages);
/* unpin_batched.c: unpin_user_pages(). */
void unpin_user_pages(struct page **pages, unsigned long npages);

/* ---- grab_setup.c: address spaces for the benchmarks and tests ---- */
#define GRAB_BASE	(64UL << 30)	/* a PUD-aligned user address */

/* Map @pfn at @addr as one leaf of @order: 18 a PUD leaf, 9 a PMD leaf, 0 a PTE. */
void grab_map_leaf(struct mm_struct *mm, unsigned long addr, unsigned long pfn,
		   unsigned int order, bool devmap);

enum grab_mem {
	GRAB_MEM_NORMAL,		/* buddy folios of the leaf order (THP, PUD-sized, small) */
	GRAB_MEM_DEVICE,		/* device-dax-like pages, non-compound: a refcount per page */
	GRAB_MEM_DEVICE_COMPOUND,	/* device pages in compound folios of the leaf order */
};

/*
 * A whole space for the benchmarks: memmap_init(), then either a buddy zone
 * with folios of @order allocated and mapped in pfn order, or a device range
 * (memremap_pages(), MEMORY_DEVICE_GENERIC, refcount 1 per page or head)
 * mapped with _PAGE_DEVMAP leaves; [GRAB_BASE, + nr_pages pages) is mapped.
 */
struct grab_space {
	struct mm_struct *mm;
	struct zone zone;
	struct dev_pagemap pgmap;
	unsigned long start, nr_pages;
	unsigned int order;
	enum grab_mem mem;
	bool zone_up, pgmap_up, memmap_up;
};
/* Returns 0, or -EINVAL (bad arguments) / -ENOMEM with everything undone. */
int grab_space_create(struct grab_space *gs, enum grab_mem mem, unsigned int order,
		      unsigned long nr_pages);
void grab_space_destroy(struct grab_space *gs);

/* Release what a gup call took: unpin_user_pages() for FOLL_PIN, grouped puts for FOLL_GET. */
void grab_release(struct page **pages, unsigned long npages, unsigned int flags);

/*
 * Test hook (only in builds with RB_GUP_TEST_HOOKS): called between reading
 * a leaf entry and grabbing it, where a concurrent unmap races, so that a
 * stress test can widen the window. NULL or a function.
 */
extern void (*gup_test_race_window)(void);

#endif
