// SPDX-License-Identifier: GPL-2.0
/* refbench kernel model: buddy allocator (see alloc.h). */
#include <string.h>

#include "mm.h"

struct zone *model_zones[MAX_NR_ZONES];

static inline struct page *list_next(struct page *page)
{
	return (struct page *)atomic_load_explicit(&page->lru_next, mo_relaxed);
}

static void add_to_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	struct free_area *area = &zone->free_area[order];
	struct page *head = area->free_list;

	/* lru.next aliases compound_head: a pointer, bit 0 clear, as in the kernel. */
	atomic_store_explicit(&page->lru_next, (unsigned long)head, mo_relaxed);
	page->lru_prev = 0;
	if (head)
		head->lru_prev = (unsigned long)page;
	area->free_list = page;
	page->private = order;
	__SetPageBuddy(page);
	area->nr_free++;
}

static void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	struct free_area *area = &zone->free_area[order];
	struct page *next = list_next(page);
	struct page *prev = (struct page *)page->lru_prev;

	if (prev)
		atomic_store_explicit(&prev->lru_next, (unsigned long)next, mo_relaxed);
	else
		area->free_list = next;
	if (next)
		next->lru_prev = (unsigned long)prev;
	atomic_store_explicit(&page->lru_next, 0, mo_relaxed);
	page->lru_prev = 0;
	__ClearPageBuddy(page);
	page->private = 0;
	area->nr_free--;
}

static inline bool page_is_buddy(struct zone *zone, unsigned long pfn, unsigned int order)
{
	struct page *buddy;

	if (pfn < zone->zone_start_pfn || pfn + (1UL << order) > zone->zone_start_pfn + zone->spanned_pages)
		return false;
	buddy = pfn_to_page(pfn);
	return PageBuddy(buddy) && buddy->private == order;
}

/* __free_one_page(): merge with free buddies, then put on the free list. Zone lock held. */
static void __free_one_page(struct zone *zone, unsigned long pfn, unsigned int order)
{
	zone->nr_free_pages += 1UL << order;
	while (order < zone->max_order) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);

		if (!page_is_buddy(zone, buddy_pfn, order))
			break;
		del_page_from_free_list(pfn_to_page(buddy_pfn), zone, order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(pfn_to_page(pfn), zone, order);
}

/*
 * free_pages_prepare(): undo prep_compound_page() and check the pages are
 * really free (no mappings, no references on tails).
 */
static void free_pages_prepare(struct page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;
	unsigned long zone_bits = READ_ONCE(page->flags) & (ZONES_MASK << ZONES_PGSHIFT);

	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	VM_BUG_ON_PAGE(PageTail(page), page);
	if (PageHead(page)) {
		struct folio *folio = (struct folio *)page;

		VM_BUG_ON_FOLIO(atomic_read(&folio->_pincount) != 0, folio);
		VM_BUG_ON_FOLIO(atomic_read(&folio->_entire_mapcount) != -1, folio);
		atomic_set(&folio->_entire_mapcount, 0);
		atomic_set(&folio->_nr_pages_mapped, 0);
		WRITE_ONCE(folio->_folio_nr_pages, 0);
		for (i = 1; i < nr; i++) {
			struct page *p = page + i;

			VM_BUG_ON_PAGE(compound_head(p) != page, p);
			VM_BUG_ON_PAGE(page_ref_count(p) != 0, p);
			clear_compound_head(p);
			WRITE_ONCE(p->flags, zone_bits);
		}
	}
	for (i = 0; i < nr; i++)
		VM_BUG_ON_PAGE(page_mapcount(page + i) != 0, page + i);
	WRITE_ONCE(page->flags, zone_bits);
}

void free_frozen_pages(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);

	free_pages_prepare(page, order);
	spin_lock(&zone->lock);
	__free_one_page(zone, page_to_pfn(page), order);
	spin_unlock(&zone->lock);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (put_page_testzero(page))
		free_frozen_pages(page, order);
}

void __folio_put(struct folio *folio)
{
	if (unlikely(folio_is_zone_device(folio))) {
		free_zone_device_page(&folio->page);
		return;
	}
	free_frozen_pages(&folio->page, folio_order(folio));
}

void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;
	struct folio *folio = (struct folio *)page;

	__SetPageHead(page);
	for (i = 1; i < nr; i++) {
		/*
		 * prep_compound_tail(); the kernel also poisons ->mapping with
		 * TAIL_MAPPING, which only debug checks read: not modelled.
		 */
		set_compound_head(page + i, page);
	}
	folio_set_order(folio, order);
	atomic_set(&folio->_entire_mapcount, -1);
	atomic_set(&folio->_nr_pages_mapped, 0);
	atomic_set(&folio->_pincount, 0);
}

struct page *__alloc_pages(struct zone *zone, unsigned int order, bool comp)
{
	unsigned int current_order;
	struct page *page = NULL;

	if (order > zone->max_order)
		return NULL;
	spin_lock(&zone->lock);
	/* __rmqueue_smallest() and expand() */
	for (current_order = order; current_order <= zone->max_order; current_order++) {
		page = zone->free_area[current_order].free_list;
		if (page)
			break;
	}
	if (!page) {
		spin_unlock(&zone->lock);
		return NULL;
	}
	del_page_from_free_list(page, zone, current_order);
	while (current_order > order) {
		current_order--;
		add_to_free_list(page + (1UL << current_order), zone, current_order);
	}
	zone->nr_free_pages -= 1UL << order;
	spin_unlock(&zone->lock);

	/* prep_new_page() */
	set_page_refcounted(page);
	if (comp && order)
		prep_compound_page(page, order);
	return page;
}

void zone_init(struct zone *zone, enum zone_type type, unsigned long start_pfn,
	       unsigned long nr_pages, unsigned int max_order)
{
	unsigned long pfn, end = start_pfn + nr_pages;

	BUG_ON(max_order > MAX_ORDER_MODEL || end > max_pfn);
	memset(zone, 0, sizeof(*zone));
	spin_lock_init(&zone->lock);
	zone->type = type;
	zone->zone_start_pfn = start_pfn;
	zone->spanned_pages = nr_pages;
	zone->max_order = max_order;
	model_zones[type] = zone;

	for (pfn = start_pfn; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		WRITE_ONCE(page->flags, 0);
		set_page_zone(page, type);
	}
	/* memblock_free_pages(): naturally aligned blocks, largest first. */
	spin_lock(&zone->lock);
	for (pfn = start_pfn; pfn < end;) {
		unsigned int order = max_order;

		while (order && (!IS_ALIGNED(pfn, 1UL << order) || pfn + (1UL << order) > end))
			order--;
		__free_one_page(zone, pfn, order);
		pfn += 1UL << order;
	}
	spin_unlock(&zone->lock);
}

void zone_destroy(struct zone *zone)
{
	if (model_zones[zone->type] == zone)
		model_zones[zone->type] = NULL;
}

unsigned long zone_free_pages(struct zone *zone)
{
	unsigned long n;

	spin_lock(&zone->lock);
	n = zone->nr_free_pages;
	spin_unlock(&zone->lock);
	return n;
}
