/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench grab family: how gup-fast takes its references (REFERENCE.md (3),
 * seed 001) and how unpin gives them back.
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
 *                  On device leaves this is the kernel's __gup_device_huge()
 *                  (v4.5 3565fce3a659 until the devmap path was removed for
 *                  v6.15). On THP/PUD folios it is a HYPOTHETICAL: gup-fast
 *                  always took one head reference per huge leaf there.
 *   gup_grouped.c  record_subpages() + one try_grab_folio(head, refs) per leaf,
 *                  then the pmd/pud re-check: the kernel's gup_huge_pmd() /
 *                  gup_huge_pud() for THP and PUD folios (one head grab per
 *                  leaf since 2008). On device leaves it is Joao Martins'
 *                  patch <20210827145819.16471-9-joao.m.martins@oracle.com>,
 *                  which was dropped from the series (v5.17 merged compound
 *                  device-dax without it); device-dax PMDs only got one grab
 *                  per leaf when v6.15 sent them through gup_fast_pmd_leaf().
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
#include "kernel/inject.h"

/*
 * How the walk finds each device pfn's dev_pagemap (seed 001). The kernel
 * (v4.5-v6.14) is GUP_PGMAP_LEAF: __gup_device_huge() and gup_pte_range()
 * start with a local "struct dev_pagemap *pgmap = NULL", so the first
 * device pfn of every leaf (every PTE table) of every gup call does a full
 * get_dev_pagemap(): rcu_read_lock, xa_load(&pgmap_array), percpu_ref
 * tryget; the other pfns of that leaf hit the cached pgmap's range check;
 * the leaf ends with put_dev_pagemap(). The values are benchmark arguments.
 */
enum gup_pgmap_lookup {
	GUP_PGMAP_NONE = 0,	/* no lookup: v6.15+ (device-dax leaves are plain folios) */
	GUP_PGMAP_LEAF = 1,	/* the kernel: get/put per leaf per call, cached within the leaf */
	GUP_PGMAP_XA = 2,	/* an uncached xa_load + percpu ref per pfn */
	GUP_PGMAP_WALK = 3,	/* not the kernel: one pgmap cached across the whole walk */
};
#define GUP_PGMAP_NR_MODES	4

/* FOLL_*, GUP_PIN_COUNTING_BIAS, try_grab_folio() ... gup_put_folio(): src/kernel/gup.h */

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
	GRAB_MEM_DEVICE_COMPOUND,	/* device pages in compound folios of the leaf order, tail
					   struct pages reused (vmemmap dedup, the kernel since v5.17) */
	GRAB_MEM_DEVICE_COMPOUND_NODEDUP, /* the same, every struct page its own memory (altmap-like) */
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
 * an entry and grabbing what it maps, where a concurrent unmap, PTE
 * replacement or collapse races, so that a stress test can widen the window
 * (or invalidate the entry right there). @where says which entry: a huge
 * leaf (PMD or PUD, at @entryp) or a PTE (at @entryp, its table's PMD at
 * @pmdp); @addr is the address being grabbed. NULL or a function.
 */
enum gup_window { GUP_WINDOW_LEAF, GUP_WINDOW_PTE };
extern void (*gup_test_race_window)(enum gup_window where, unsigned long addr,
				    _Atomic unsigned long *entryp, pmd_t *pmdp);

#endif
