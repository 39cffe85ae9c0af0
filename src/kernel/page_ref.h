/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: page reference counts (include/linux/page_ref.h,
 * include/linux/mm.h).
 *
 * The speculative grab is folio_ref_try_add() = atomic_add_unless(_refcount,
 * refs, 0): a CAS loop that fails on a frozen (0) count. page_ref_freeze() is a
 * fully ordered cmpxchg(count -> 0); page_ref_unfreeze() a release store.
 */
#ifndef RB_KERNEL_PAGE_REF_H
#define RB_KERNEL_PAGE_REF_H

#include "page.h"

static __always_inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}
static __always_inline int folio_ref_count(const struct folio *folio)
{
	return page_ref_count(&folio->page);
}
static __always_inline int page_count(const struct page *page)
{
	return folio_ref_count((const struct folio *)compound_head(page));
}
static __always_inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}
static __always_inline void folio_set_count(struct folio *folio, int v)
{
	set_page_count(&folio->page, v);
}
static __always_inline void init_page_count(struct page *page) { set_page_count(page, 1); }
static __always_inline void set_page_refcounted(struct page *page)
{
	VM_BUG_ON_PAGE(PageTail(page), page);
	VM_BUG_ON_PAGE(page_ref_count(page), page);
	set_page_count(page, 1);
}

static __always_inline void page_ref_add(struct page *page, int nr) { atomic_add(nr, &page->_refcount); }
static __always_inline void folio_ref_add(struct folio *folio, int nr) { page_ref_add(&folio->page, nr); }
static __always_inline void page_ref_sub(struct page *page, int nr) { atomic_sub(nr, &page->_refcount); }
static __always_inline void folio_ref_sub(struct folio *folio, int nr) { page_ref_sub(&folio->page, nr); }
static __always_inline void page_ref_inc(struct page *page) { atomic_inc(&page->_refcount); }
static __always_inline void folio_ref_inc(struct folio *folio) { page_ref_inc(&folio->page); }
static __always_inline void page_ref_dec(struct page *page) { atomic_dec(&page->_refcount); }
static __always_inline void folio_ref_dec(struct folio *folio) { page_ref_dec(&folio->page); }

static __always_inline int page_ref_sub_return(struct page *page, int nr)
{
	return atomic_sub_return(nr, &page->_refcount);
}
static __always_inline int folio_ref_sub_return(struct folio *folio, int nr)
{
	return page_ref_sub_return(&folio->page, nr);
}
static __always_inline int page_ref_sub_and_test(struct page *page, int nr)
{
	return atomic_sub_and_test(nr, &page->_refcount);
}
static __always_inline int folio_ref_sub_and_test(struct folio *folio, int nr)
{
	return page_ref_sub_and_test(&folio->page, nr);
}
static __always_inline int page_ref_inc_return(struct page *page)
{
	return atomic_inc_return(&page->_refcount);
}
static __always_inline int page_ref_dec_and_test(struct page *page)
{
	return atomic_dec_and_test(&page->_refcount);
}
static __always_inline int folio_ref_dec_and_test(struct folio *folio)
{
	return page_ref_dec_and_test(&folio->page);
}
static __always_inline int page_ref_dec_return(struct page *page)
{
	return atomic_dec_return(&page->_refcount);
}
static __always_inline int folio_ref_dec_return(struct folio *folio)
{
	return page_ref_dec_return(&folio->page);
}
static __always_inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	return atomic_add_unless(&page->_refcount, nr, u);
}
static __always_inline bool folio_ref_add_unless(struct folio *folio, int nr, int u)
{
	return page_ref_add_unless(&folio->page, nr, u);
}
/*
 * folio_ref_try_add(): the speculative grab used by gup-fast
 * (folio_ref_try_add_rcu() without CONFIG_TINY_RCU). Fails on a frozen folio.
 */
static __always_inline bool folio_ref_try_add(struct folio *folio, int count)
{
	return folio_ref_add_unless(folio, count, 0);
}
static __always_inline bool folio_try_get(struct folio *folio)
{
	return folio_ref_add_unless(folio, 1, 0);
}

static __always_inline int page_ref_freeze(struct page *page, int count)
{
	return likely(atomic_cmpxchg(&page->_refcount, count, 0) == count);
}
static __always_inline int folio_ref_freeze(struct folio *folio, int count)
{
	return page_ref_freeze(&folio->page, count);
}
static __always_inline void page_ref_unfreeze(struct page *page, int count)
{
	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	VM_BUG_ON(count == 0);
	atomic_set_release(&page->_refcount, count);
}
static __always_inline void folio_ref_unfreeze(struct folio *folio, int count)
{
	page_ref_unfreeze(&folio->page, count);
}

/* ---- get/put (include/linux/mm.h, mm/swap.c) ---- */
void __folio_put(struct folio *folio);	/* alloc.c: frees to the buddy model */

static __always_inline bool put_page_testzero(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) == 0, page);
	return page_ref_dec_and_test(page);
}
static __always_inline bool folio_put_testzero(struct folio *folio)
{
	return put_page_testzero(&folio->page);
}
static __always_inline void folio_get(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
	folio_ref_inc(folio);
}
static __always_inline void get_page(struct page *page) { folio_get(page_folio(page)); }

static __always_inline void folio_put(struct folio *folio)
{
	if (folio_put_testzero(folio))
		__folio_put(folio);
}
static __always_inline void folio_put_refs(struct folio *folio, int refs)
{
	if (folio_ref_sub_and_test(folio, refs))
		__folio_put(folio);
}
/*
 * put_page() of v6.15+: no ZONE_DEVICE special case. Earlier kernels had one,
 * which the devmap family models per era: v5.18-v6.14 (v6.6 included) first
 * call put_devmap_managed_page() (devmap_managed_key, on while an FS_DAX
 * pgmap exists; FS_DAX pages are 1-based), v4.18-v5.17 test
 * page_is_devmap_managed() (the same key, PRIVATE and FS_DAX pages 1-based).
 * With the key off (no FS_DAX/PRIVATE pgmap) those are a NOP-patched static
 * branch, i.e. this.
 */
static __always_inline void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

#endif
