/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: a buddy allocator over the memmap (mm/page_alloc.c),
 * so that folios are really freed and reused, and races with split, free and
 * reuse are real. One zone per zone type; free lists are LIFO per order, so a
 * freed folio comes back soon.
 *
 * Userspace differences: the buddy goes up to order 18 (MAX_ORDER_MODEL), so
 * that PUD-sized folios come from the same allocator (the kernel's MAX_ORDER
 * is 10 and 1 GiB pages come from hugetlb/CMA); there are no per-cpu lists,
 * no migrate types and no watermarks. Free pages are marked with PG_buddy
 * (a page_type in the kernel) and keep their order in page->private, and the
 * free-list link lives in lru.next, which aliases compound_head exactly as in
 * the kernel: a free page looks like a head page to a racing compound_head().
 */
#ifndef RB_KERNEL_ALLOC_H
#define RB_KERNEL_ALLOC_H

#include "spinlock.h"

struct free_area {
	struct page *free_list;		/* doubly linked via lru_next / lru_prev */
	unsigned long nr_free;
};

struct zone {
	spinlock_t lock;
	enum zone_type type;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned int max_order;
	unsigned long nr_free_pages;	/* under lock */
	struct free_area free_area[MAX_ORDER_MODEL + 1];
};

/* The zones the model has, indexed by zone type (page_zone() reads the flags). */
extern struct zone *model_zones[MAX_NR_ZONES];

/*
 * zone_init(): hand [start_pfn, start_pfn + nr_pages) of the memmap to the
 * buddy allocator as zone @type, in naturally aligned blocks up to @max_order.
 */
void zone_init(struct zone *zone, enum zone_type type, unsigned long start_pfn,
	       unsigned long nr_pages, unsigned int max_order);
void zone_destroy(struct zone *zone);
static inline struct zone *page_zone(const struct page *page)
{
	return model_zones[page_zonenum(page)];
}

/* __alloc_pages(): 2^order pages, refcount 1 on the first; compound if @comp. */
struct page *__alloc_pages(struct zone *zone, unsigned int order, bool comp);
/* folio_alloc(): a compound folio of @order (order 0: a single page). NULL if none. */
static inline struct folio *folio_alloc(struct zone *zone, unsigned int order)
{
	return (struct folio *)__alloc_pages(zone, order, order > 0);
}
/* Free 2^order pages whose refcount already reached zero (free_frozen_pages). */
void free_frozen_pages(struct page *page, unsigned int order);
/* __free_pages(): drop a reference on a non-compound or compound allocation. */
void __free_pages(struct page *page, unsigned int order);

/* prep_compound_page(): make 2^order pages at @page one compound folio. */
void prep_compound_page(struct page *page, unsigned int order);
static inline void folio_set_order(struct folio *folio, unsigned int order)
{
	unsigned long f = READ_ONCE(folio->_flags_1);

	WRITE_ONCE(folio->_flags_1, (f & ~0xffUL) | order);
	WRITE_ONCE(folio->_folio_nr_pages, 1U << order);
}

/* Number of free pages in the zone (takes the zone lock). */
unsigned long zone_free_pages(struct zone *zone);

#endif
