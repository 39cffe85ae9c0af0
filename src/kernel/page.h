/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: struct page, struct folio and the memmap
 * (include/linux/mm_types.h, page-flags.h, mm.h; layout of v6.6).
 *
 * struct page is 64 bytes and cache-line aligned in one flat array, the
 * memmap (vmemmap): per-subpage work touches one line per subpage, which is
 * what the kernel pays. struct folio overlays the head page and the first tail
 * page, so _pincount / _entire_mapcount live in the first tail's line, as in
 * the kernel.
 *
 * Fields that other threads read locklessly (flags, compound_head, _mapcount,
 * _refcount, the folio's counters) are _Atomic; see compiler.h.
 */
#ifndef RB_KERNEL_PAGE_H
#define RB_KERNEL_PAGE_H

#include "bitops.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define MAX_ORDER_MODEL	18	/* PUD-sized folios (1 GiB) are the largest modelled */

typedef unsigned long pgoff_t;
struct address_space;
struct dev_pagemap;

/*
 * Page flags (enum pageflags). The zone number sits in the top bits, as
 * page_zonenum() reads it in the kernel.
 */
enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_mappedtodisk,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	/*
	 * Model-only bits:
	 * PG_buddy is a page_type (stored in _mapcount) in the kernel; a flag
	 * here, so that _mapcount stays a plain counter in the model.
	 */
	PG_buddy,
	/* Unmerged proposals of seed 004, used by the pin family: */
	PG_gup_pinned,	/* John Hubbard's draft: PageGupPinned */
	PG_pin,		/* Jerome Glisse's scheme: PagePin */
	NR_PAGEFLAGS,
};

enum zone_type { ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE, MAX_NR_ZONES };
#define ZONES_PGSHIFT	60
#define ZONES_MASK	3UL
#define PAGE_FLAGS_MASK	((1UL << NR_PAGEFLAGS) - 1)

struct page {
	_Atomic unsigned long flags;
	union {
		struct {	/* Page cache, anonymous and free (buddy) pages */
			/* struct list_head lru: .next aliases compound_head */
			_Atomic unsigned long lru_next;
			unsigned long lru_prev;
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct {	/* Tail pages of a compound page */
			_Atomic unsigned long compound_head;	/* bit 0 set */
		};
		struct {	/* ZONE_DEVICE pages */
			unsigned long _unused_pgmap_compound_head;
			struct dev_pagemap *pgmap;
			void *zone_device_data;
		};
	};
	atomic_t _mapcount;	/* -1 based */
	atomic_t _refcount;
	unsigned long memcg_data;
} __aligned(SMP_CACHE_BYTES);

struct folio {
	union {
		struct {
			_Atomic unsigned long flags;
			_Atomic unsigned long lru_next;
			unsigned long lru_prev;
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
	union {
		struct {
			_Atomic unsigned long _flags_1;	/* low byte: order */
			_Atomic unsigned long _head_1;
			unsigned long _folio_avail;
			atomic_t _entire_mapcount;	/* -1 based */
			atomic_t _nr_pages_mapped;
			atomic_t _pincount;
			_Atomic unsigned int _folio_nr_pages;
		};
		struct page __page_1;
	};
};

_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");
_Static_assert(sizeof(struct folio) == 2 * sizeof(struct page), "folio overlays two pages");
_Static_assert(offsetof(struct folio, _refcount) == offsetof(struct page, _refcount), "folio/page");
_Static_assert(offsetof(struct folio, _flags_1) == sizeof(struct page), "folio/page 1");
_Static_assert(offsetof(struct folio, _head_1) ==
	       sizeof(struct page) + offsetof(struct page, compound_head), "folio/_head_1");
_Static_assert(offsetof(struct page, compound_head) == offsetof(struct page, lru_next),
	       "compound_head aliases lru.next");

/* ---- the memmap (see memmap.c) ---- */
extern struct page *vmemmap;		/* SPARSEMEM_VMEMMAP: pfn_to_page = vmemmap + pfn */
extern unsigned long max_pfn;

static __always_inline struct page *pfn_to_page(unsigned long pfn) { return vmemmap + pfn; }
static __always_inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - vmemmap);
}
#define nth_page(page, n)	((page) + (n))
#define folio_pfn(folio)	page_to_pfn(&(folio)->page)

/* ---- compound pages ---- */
static __always_inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(((struct page *)page)->compound_head);

	if (unlikely(head & 1))
		return (struct page *)(head - 1);
	return (struct page *)page;
}

/*
 * page_folio(): one READ_ONCE of compound_head. A concurrent split can change
 * the answer at any time; callers that hold no reference must re-check.
 */
#define page_folio(p)	((struct folio *)compound_head(p))
#define folio_page(folio, n)	nth_page(&(folio)->page, n)

static __always_inline int PageTail(const struct page *page)
{
	return READ_ONCE(((struct page *)page)->compound_head) & 1;
}
static __always_inline void set_compound_head(struct page *page, struct page *head)
{
	WRITE_ONCE(page->compound_head, (unsigned long)head + 1);
}
static __always_inline void clear_compound_head(struct page *page)
{
	WRITE_ONCE(page->compound_head, 0);
}

/* ---- flag accessors (PAGEFLAG/TESTSETFLAG/... macros, hand-expanded) ---- */
#define RB_PAGEFLAG(uname, lname, bit)						\
static __always_inline bool Page##uname(const struct page *p)			\
	{ return test_bit(bit, &((struct page *)p)->flags); }			\
static __always_inline void SetPage##uname(struct page *p)			\
	{ set_bit(bit, &p->flags); }						\
static __always_inline void ClearPage##uname(struct page *p)			\
	{ clear_bit(bit, &p->flags); }						\
static __always_inline void __SetPage##uname(struct page *p)			\
	{ __set_bit(bit, &p->flags); }						\
static __always_inline void __ClearPage##uname(struct page *p)			\
	{ __clear_bit(bit, &p->flags); }					\
static __always_inline bool TestSetPage##uname(struct page *p)			\
	{ return test_and_set_bit(bit, &p->flags); }				\
static __always_inline bool TestClearPage##uname(struct page *p)		\
	{ return test_and_clear_bit(bit, &p->flags); }				\
static __always_inline bool folio_test_##lname(const struct folio *f)		\
	{ return test_bit(bit, &((struct folio *)f)->flags); }			\
static __always_inline void folio_set_##lname(struct folio *f)			\
	{ set_bit(bit, &f->flags); }						\
static __always_inline void folio_clear_##lname(struct folio *f)		\
	{ clear_bit(bit, &f->flags); }						\
static __always_inline bool folio_test_set_##lname(struct folio *f)		\
	{ return test_and_set_bit(bit, &f->flags); }				\
static __always_inline bool folio_test_clear_##lname(struct folio *f)		\
	{ return test_and_clear_bit(bit, &f->flags); }

RB_PAGEFLAG(Locked, locked, PG_locked)
RB_PAGEFLAG(Referenced, referenced, PG_referenced)
RB_PAGEFLAG(Writeback, writeback, PG_writeback)
RB_PAGEFLAG(Dirty, dirty, PG_dirty)
RB_PAGEFLAG(Uptodate, uptodate, PG_uptodate)
RB_PAGEFLAG(LRU, lru, PG_lru)
RB_PAGEFLAG(Reserved, reserved, PG_reserved)
RB_PAGEFLAG(Buddy, buddy, PG_buddy)
RB_PAGEFLAG(GupPinned, gup_pinned, PG_gup_pinned)
RB_PAGEFLAG(Pin, pin, PG_pin)
#undef RB_PAGEFLAG

/* PG_head is only ever looked at on the head; PageHead() as in the kernel. */
static __always_inline bool PageHead(const struct page *page)
{
	return test_bit(PG_head, &((struct page *)page)->flags);
}
static __always_inline void __SetPageHead(struct page *page)
{
	__set_bit(PG_head, &page->flags);
}
static __always_inline void __ClearPageHead(struct page *page)
{
	__clear_bit(PG_head, &page->flags);
}
static __always_inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}
static __always_inline bool folio_test_large(const struct folio *folio)
{
	return PageHead(&folio->page);
}

static __always_inline unsigned int folio_order(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 0;
	return READ_ONCE(((struct folio *)folio)->_flags_1) & 0xff;
}
static __always_inline long folio_nr_pages(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 1;
	return READ_ONCE(((struct folio *)folio)->_folio_nr_pages);
}
static __always_inline unsigned long compound_nr(const struct page *page)
{
	return folio_nr_pages((const struct folio *)compound_head(page));
}
static __always_inline bool folio_contains_page(const struct folio *folio, const struct page *page)
{
	const struct page *head = &folio->page;

	return page >= head && page < head + folio_nr_pages(folio);
}

/* ---- zones ---- */
static __always_inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((READ_ONCE(((struct page *)page)->flags) >> ZONES_PGSHIFT) & ZONES_MASK);
}
static __always_inline void set_page_zone(struct page *page, enum zone_type zone)
{
	unsigned long f = READ_ONCE(page->flags);

	f &= ~(ZONES_MASK << ZONES_PGSHIFT);
	f |= (unsigned long)zone << ZONES_PGSHIFT;
	WRITE_ONCE(page->flags, f);
}
static __always_inline bool is_zone_device_page(const struct page *page)
{
	return page_zonenum(page) == ZONE_DEVICE;
}
static __always_inline bool folio_is_zone_device(const struct folio *folio)
{
	return is_zone_device_page(&folio->page);
}

/* ---- mapcount (the -1 based _mapcount) ---- */
static __always_inline void page_mapcount_reset(struct page *page)
{
	atomic_set(&page->_mapcount, -1);
}
static __always_inline int page_mapcount(struct page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}
/* folio_mapcount: entire (PMD) mappings times nr_pages, plus the PTE maps of each page. */
int folio_mapcount(struct folio *folio);

/* memmap.c */
/*
 * memmap_init(): a flat memmap of @nr_pages struct pages (from rb_model_alloc),
 * every page reserved, refcount 0, _mapcount -1, in ZONE_NORMAL until a zone
 * claims it. One memmap at a time per process. Returns 0, or -ENOMEM.
 */
int memmap_init(unsigned long nr_pages);
void memmap_destroy(void);

#endif
