/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: the GUP reference primitives of today's kernel
 * (mm/gup.c and include/linux/mm.h, v6.6), shared by every family that takes
 * FOLL_GET or FOLL_PIN references the merged way (commit 3faa52c03f44,
 * "mm/gup: track FOLL_PIN pages"): a pin of a small folio adds
 * GUP_PIN_COUNTING_BIAS to _refcount; a pin of a large folio adds 1 per page
 * to _refcount and to the exact _pincount.
 *
 * Every FOLL_PIN grab and put also updates the node vmstat counters
 * NR_FOLL_PIN_ACQUIRED / NR_FOLL_PIN_RELEASED (node_stat_mod_folio(), a
 * per-CPU diff with a threshold spill into the node's shared counters:
 * kernel/vmstat.h), as the kernel has since v5.7 (1970dc6f5226). The
 * __-prefixed forms take @acct: false leaves that accounting out, for the
 * pin family's bias_noacct (the mechanism alone, to compare it with the
 * 2019 designs, which had no such counters); every other caller accounts.
 *
 * Families that model an alternative to one of these (the split family's
 * try_get_folio variants, the pin family's unmerged schemes) keep their own
 * versions in their variant files.
 */
#ifndef RB_KERNEL_GUP_H
#define RB_KERNEL_GUP_H

#include "page_ref.h"
#include "vmstat.h"

/* gup flags (values of v6.6; FOLL_PIN is internal there, the value is the model's) */
#define FOLL_WRITE	0x01
#define FOLL_GET	0x04
#define FOLL_LONGTERM	0x100
#define FOLL_PIN	0x200000

#define GUP_PIN_COUNTING_BIAS	(1U << 10)

/*
 * try_get_folio(): the speculative grab of @refs; NULL on a frozen (0) folio,
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
 * try_grab_folio(): FOLL_GET takes @refs; FOLL_PIN on a large folio also adds
 * @refs to the exact _pincount, on a small one (GUP_PIN_COUNTING_BIAS - 1) *
 * @refs more on _refcount. Then smp_mb__after_atomic() before the caller
 * re-checks the page table ("This is essentially a smp_mb()"; it pairs with
 * the unmap side's full barrier).
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
	node_stat_mod_folio(folio, NR_FOLL_PIN_ACQUIRED, refs);
	return folio;
}

/*
 * try_grab_page(): a non-speculative grab of one page, for callers that hold
 * the page stable otherwise (the page-table lock in slow GUP; a live
 * dev_pagemap reference in __gup_device_huge()). One atomic on the refcount
 * (plus one on _pincount for a pinned large folio). Returns 0 or -ENOMEM.
 */
static __always_inline int __try_grab_page(struct page *page, unsigned int flags, bool acct)
{
	struct folio *folio = page_folio(page);

	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return -12;	/* -ENOMEM */
	if (flags & FOLL_GET) {
		folio_ref_inc(folio);
	} else if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			folio_ref_add(folio, 1);
			atomic_add(1, &folio->_pincount);
		} else {
			folio_ref_add(folio, GUP_PIN_COUNTING_BIAS);
		}
		if (acct)
			node_stat_mod_folio(folio, NR_FOLL_PIN_ACQUIRED, 1);
	}
	return 0;
}
static __always_inline int try_grab_page(struct page *page, unsigned int flags)
{
	return __try_grab_page(page, flags, true);
}

/*
 * gup_put_folio(): drop @refs taken by try_grab_folio()/try_grab_page(). (The
 * v6.6 kernel first tries put_devmap_managed_page_refs() for 1-based FS_DAX
 * pages: that path is the devmap family's.)
 */
static __always_inline void __gup_put_folio(struct folio *folio, int refs, unsigned int flags,
					    bool acct)
{
	if (flags & FOLL_PIN) {
		if (acct)
			node_stat_mod_folio(folio, NR_FOLL_PIN_RELEASED, refs);
		if (folio_test_large(folio))
			atomic_sub(refs, &folio->_pincount);
		else
			refs *= GUP_PIN_COUNTING_BIAS;
	}
	folio_put_refs(folio, refs);
}
static __always_inline void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	__gup_put_folio(folio, refs, flags, true);
}

/*
 * folio_maybe_dma_pinned(): exact for large folios; for small ones, 1024 or
 * more ordinary references read as a pin ("false positives are allowed").
 */
static __always_inline bool folio_maybe_dma_pinned(struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount) > 0;
	return ((unsigned int)folio_ref_count(folio)) >= GUP_PIN_COUNTING_BIAS;
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

#endif
