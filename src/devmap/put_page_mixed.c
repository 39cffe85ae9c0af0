// SPDX-License-Identifier: GPL-2.0
/*
 * devmap/mixed: v6.1-v6.14 (v6.6 shown). Christoph Hellwig's 27674ef6c73f
 * ("mm: remove the extra ZONE_DEVICE struct page refcount", v5.18) took the
 * devmap hook out of put_page() for every type but FS_DAX: FS_DAX pages stay
 * 1-based, behind the same static key, now on only while an FS_DAX pgmap
 * exists (CONFIG_FS_DAX; REFERENCE.md (5)). Alistair Popple's ef233450898f
 * ("mm: free device private pages have zero refcount") and 0dc45ca1ce18
 * ("mm/memremap.c: take a pgmap reference on page allocation"), both v6.1,
 * made PRIVATE (and COHERENT) pages idle at 0 with a pgmap reference per
 * allocated page. In v5.18-v6.0 a PRIVATE page still went 1 -> 0 through the
 * plain path but free_zone_device_page() reset it to 1 after page_free (and
 * the driver handed it out with lock_page() alone): that sub-era is not
 * modelled. FS_DAX's side below holds for all of v5.18-v6.14. As in v6.6:
 *
 *   put_page(page):				// include/linux/mm.h
 *	folio = page_folio(page);
 *	if (put_devmap_managed_page(&folio->page))	// 2 -> 1 for FS_DAX
 *		return;
 *	folio_put(folio);
 *
 *   put_devmap_managed_page_refs(page, refs):
 *	if (!static_branch_unlikely(&devmap_managed_key)) return false;
 *	if (!is_zone_device_page(page)) return false;
 *	return __put_devmap_managed_page_refs(page, refs);	// out of line
 *
 *   __put_devmap_managed_page_refs(page, refs):	// mm/memremap.c
 *	if (page->pgmap->type != MEMORY_DEVICE_FS_DAX) return false;
 *	if (page_ref_sub_return(page, refs) == 1)	// "fsdax page refcounts are 1-based"
 *		wake_up_var(&page->_refcount);
 *	return true;
 *
 *   free_zone_device_page(page), for a device page that reached 0 (mm/memremap.c):
 *	if (WARN_ON_ONCE(!page->pgmap->ops || !page->pgmap->ops->page_free)) return;
 *	mem_cgroup_uncharge(page_folio(page));
 *	if (PageAnon(page)) __ClearPageAnonExclusive(page);
 *	page->mapping = NULL; page->pgmap->ops->page_free(page);
 *	if (type != PRIVATE && type != COHERENT) set_page_count(page, 1);
 *	else put_dev_pagemap(page->pgmap);
 *
 * Allocation: a PRIVATE page as in zerobased (zone_device_page_init(): pgmap
 * ref, set_page_count(1), lock_page(); unlock at the end of the migration);
 * an FS_DAX page as in onebased (a locked 1 -> 2 increment, lock and unlock).
 *
 * Userspace differences as in onebased: the static key is a relaxed load of a
 * flag; after FS_DAX's wake_up_var() the model calls its idle hook
 * (devmap_fsdax_idle(), devmap.h).
 */
#include "devmap.h"

static _Atomic bool devmap_managed_key_fsdax;	/* devmap_managed_key of v5.18-v6.14 (FS_DAX only) */
static atomic_t devmap_managed_fsdax;		/* static_branch_inc/dec count */

/* devmap_managed_enable_get() of v6.6: FS_DAX pgmaps only. */
static void managed_get_mixed(enum memory_type type)
{
	if (type == MEMORY_DEVICE_FS_DAX && atomic_inc_return(&devmap_managed_fsdax) == 1)
		atomic_store_explicit(&devmap_managed_key_fsdax, true, mo_relaxed);
}

static void managed_put_mixed(enum memory_type type)
{
	if (type == MEMORY_DEVICE_FS_DAX && atomic_dec_return(&devmap_managed_fsdax) == 0)
		atomic_store_explicit(&devmap_managed_key_fsdax, false, mo_relaxed);
}

static __noinline bool __put_devmap_managed_page_refs(struct page *page, int refs)
{
	if (page->pgmap->type != MEMORY_DEVICE_FS_DAX)
		return false;
	/*
	 * fsdax page refcounts are 1-based, rather than 0-based: if
	 * refcount is 1, then the page is free and the refcount is
	 * stable because nobody holds a reference on the page.
	 */
	if (page_ref_sub_return(page, refs) == 1) {
		wake_up_var(&page->_refcount);
		devmap_fsdax_idle(page);	/* model only: the idle hook (devmap.h) */
	}
	return true;
}

static __always_inline bool put_devmap_managed_page_mixed(struct page *page)
{
	if (!unlikely(atomic_load_explicit(&devmap_managed_key_fsdax, mo_relaxed)))
		return false;
	if (!is_zone_device_page(page))
		return false;
	return __put_devmap_managed_page_refs(page, 1);
}

/*
 * free_zone_device_page() of v6.6 (see above). The pgmap pointer is read once,
 * before page_free hands the page back (it cannot change, but the driver may
 * reallocate the page at once).
 */
static __noinline void free_zone_device_page_mixed(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	if (WARN_ON_ONCE(!pgmap->ops || !pgmap->ops->page_free))
		return;

	mem_cgroup_uncharge(page_folio(page));

	/*
	 * Note: we don't expect anonymous compound pages yet. Once supported
	 * and we could PTE-map them similar to THP, we'd have to clear
	 * PG_anon_exclusive on all tail pages.
	 */
	VM_BUG_ON_PAGE(PageAnon(page) && PageCompound(page), page);
	if (PageAnon(page))
		__ClearPageAnonExclusive(page);

	/*
	 * When a device managed page is freed, the page->mapping field
	 * may still contain a (stale) mapping value. For example, the
	 * lower bits of page->mapping may still identify the page as an
	 * anonymous page. Ultimately, this entire field is just stale
	 * and wrong, and it will cause errors if not cleared.
	 */
	page->mapping = NULL;
	pgmap->ops->page_free(page);

	if (pgmap->type != MEMORY_DEVICE_PRIVATE && pgmap->type != MEMORY_DEVICE_COHERENT)
		/*
		 * Reset the page count to 1 to prepare for handing out the page
		 * again.
		 */
		set_page_count(page, 1);
	else
		put_dev_pagemap(pgmap);
}

/*
 * folio_put() calls the out-of-line __folio_put() (mm/swap.c, v6.6) when the
 * count reaches 0, which sends a device folio to free_zone_device_page()
 * (mm/memremap.c): two calls.
 */
static __noinline void __folio_put_mixed(struct folio *folio)
{
	if (unlikely(folio_is_zone_device(folio))) {
		free_zone_device_page_mixed(&folio->page);
		return;
	}
	__folio_put(folio);
}

static __always_inline void put_page_mixed_inline(struct page *page)
{
	struct folio *folio = page_folio(page);

	RB_INJECT_OP(DEVMAP, folio);	/* injected slowdown in put_page() (kernel/inject.h) */
	if (put_devmap_managed_page_mixed(&folio->page))
		return;
	if (folio_put_testzero(folio))
		__folio_put_mixed(folio);
}

static void put_page_mixed(struct page *page)
{
	put_page_mixed_inline(page);
}

/* zone_device_page_init() (mm/memremap.c, v6.6): exported, out of line; see zerobased. */
static __noinline void zone_device_page_init_mixed(struct page *page)
{
	WARN_ON_ONCE(!percpu_ref_tryget_live(page->pgmap));
	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	set_page_count(page, 1);
	lock_page(page);
}

/* PRIVATE: zone_device_page_init() (v6.6), then the migration's unlock; FS_DAX: 1 -> 2. */
static __always_inline void devmap_alloc_mixed(struct page *page)
{
	if (page->pgmap->type == MEMORY_DEVICE_FS_DAX) {
		VM_BUG_ON_PAGE(page_ref_count(page) != 1, page);
		get_page(page);
		lock_page(page);
	} else {
		zone_device_page_init_mixed(page);
	}
	/* ... migrate_vma_pages(), then migrate_vma_finalize(): */
	unlock_page(page);
}

static void alloc_init_mixed(struct page *page)
{
	devmap_alloc_mixed(page);
}

static void get_put_loop_mixed(struct page *first, unsigned long npages, unsigned long stride, uint64_t iters)
{
	unsigned long i = 0;

	while (iters--) {
		struct page *page = first + i;

		get_page(page);
		put_page_mixed_inline(page);
		i += stride;
		if (i >= npages)
			i -= npages;
	}
}

static void alloc_put_loop_mixed(struct devmap_driver *drv, uint64_t iters)
{
	while (iters--) {
		struct page *page = devmap_driver_alloc(drv);

		if (unlikely(!page))
			return;
		devmap_alloc_mixed(page);
		put_page_mixed_inline(page);
	}
}

const struct devmap_variant devmap_mixed = {
	.name = "mixed",
	.era = "v6.1-v6.14 (FS_DAX: v5.18-v6.14)",
	.idle_count = 0,
	.idle_count_fsdax = 1,
	.put_page = put_page_mixed,
	.alloc_init = alloc_init_mixed,
	.managed_get = managed_get_mixed,
	.managed_put = managed_put_mixed,
	.get_put_loop = get_put_loop_mixed,
	.alloc_put_loop = alloc_put_loop_mixed,
};
