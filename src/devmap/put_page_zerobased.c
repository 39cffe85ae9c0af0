// SPDX-License-Identifier: GPL-2.0
/*
 * devmap/zerobased: every ZONE_DEVICE page is idle at refcount 0, like any
 * other page: the end state, v6.15+ (Alistair Popple's "fs/dax: fix
 * ZONE_DEVICE page reference counts" series, which also removed
 * devmap_managed_key and put_devmap_managed_page(); REFERENCE.md (5)). The
 * conversion began with Ralph Campbell's RFC, merged as Christoph Hellwig's
 * 27674ef6c73f (v5.18), and Alistair Popple's ef233450898f (v6.1), which
 * made only PRIVATE/COHERENT pages 0-based: that era is put_page_mixed.c.
 *
 *   put_page(page):  folio_put(page_folio(page)): put_page_testzero(), and
 *                    at 0 __folio_put() -> free_zone_device_folio()
 *   free_zone_device_folio() (mm/memremap.c, v6.15):
 *	if (WARN_ON_ONCE(!pgmap)) return;
 *	mem_cgroup_uncharge(folio);
 *	if (folio_test_anon(folio)) __ClearPageAnonExclusive(folio_page(folio, 0));
 *	if (type != FS_DAX && type != GENERIC) folio->mapping = NULL;
 *	switch (type):
 *	PRIVATE/COHERENT: WARN_ON_ONCE(no ops->page_free), page_free,
 *			  put_dev_pagemap();
 *	GENERIC:	  folio_set_count(folio, 1);
 *	FS_DAX:		  wake_up_var(&folio->page);	(dax_layout_busy_page() waiters)
 *	P2PDMA:		  WARN_ON_ONCE(no ops->page_free), page_free.
 *   (The posted series had one combined ops check at the top, which warned
 *   for FS_DAX pgmaps without ops (Gerald Schaefer's report); the tree has
 *   the per-case checks shown. Either is the same loads of a line the free
 *   reads anyway.) An FS_DAX folio keeps its mapping: fs/dax.c clears it
 *   when folio->share drops to zero, as the page leaves the file.
 *   allocation:      PRIVATE: zone_device_page_init(): a pgmap reference
 *                    (percpu_ref_tryget_live), set_page_count(1), lock_page();
 *                    FS_DAX: fs/dax.c's dax_associate_entry() /
 *                    vmf_insert_*() give an idle (0) folio its first
 *                    reference, modelled as one locked 0 -> 1 increment; no
 *                    page lock, no pgmap reference (none is dropped at 0).
 *
 * This is the core model's own put_page() (kernel/page_ref.h): one path, no
 * static key, no device test until the count reaches zero.
 *
 * After FS_DAX's wake_up_var() the model calls its idle hook
 * (devmap_fsdax_idle(), devmap.h), as in the other eras.
 *
 * Test-only broken build (tests/devmap): RB_BROKEN_ZEROBASED_FREE_AT_1 keeps a
 * 1-based test in the put path (frees at 1, a busy page).
 */
#include "devmap.h"

/*
 * free_zone_device_folio() of v6.15 (see above). The core model's
 * free_zone_device_page() (src/kernel/memmap.c, shared) only calls page_free,
 * so the variant has its own; the pgmap pointer is read before page_free
 * hands the page back (it cannot change, but the page may be reallocated at
 * once).
 */
static __noinline void free_zone_device_folio_zerobased(struct folio *folio)
{
	struct dev_pagemap *pgmap = folio->page.pgmap;

	if (WARN_ON_ONCE(!pgmap))
		return;

	mem_cgroup_uncharge(folio);

	/*
	 * Note: we don't expect anonymous compound pages yet. Once supported
	 * and we could PTE-map them similar to THP, we'd have to clear
	 * PG_anon_exclusive on all tail pages.
	 */
	if (folio_test_anon(folio)) {
		VM_BUG_ON_FOLIO(PageHead(&folio->page), folio);	/* folio_test_large() */
		__ClearPageAnonExclusive(folio_page(folio, 0));
	}

	/*
	 * When a device managed page is freed, the folio->mapping field
	 * may still contain a (stale) mapping value. For example, the
	 * lower bits of folio->mapping may still identify the folio as an
	 * anonymous folio. Ultimately, this entire field is just stale
	 * and wrong, and it will cause errors if not cleared.
	 *
	 * FS DAX pages clear the mapping when the folio->share count hits
	 * zero which indicating the page has been removed from the file
	 * system mapping.
	 */
	if (pgmap->type != MEMORY_DEVICE_FS_DAX && pgmap->type != MEMORY_DEVICE_GENERIC)
		folio->mapping = NULL;

	switch (pgmap->type) {
	case MEMORY_DEVICE_PRIVATE:
	case MEMORY_DEVICE_COHERENT:
		if (WARN_ON_ONCE(!pgmap->ops || !pgmap->ops->page_free))
			break;
		pgmap->ops->page_free(folio_page(folio, 0));
		put_dev_pagemap(pgmap);
		break;

	case MEMORY_DEVICE_GENERIC:
		/*
		 * Reset the refcount to 1 to prepare for handing out the page
		 * again.
		 */
		folio_set_count(folio, 1);
		break;

	case MEMORY_DEVICE_FS_DAX:
		wake_up_var(&folio->page);
		devmap_fsdax_idle(&folio->page);	/* model only: the idle hook (devmap.h) */
		break;

	case MEMORY_DEVICE_PCI_P2PDMA:
		if (WARN_ON_ONCE(!pgmap->ops || !pgmap->ops->page_free))
			break;
		pgmap->ops->page_free(folio_page(folio, 0));
		break;
	}
}

/*
 * __folio_put() (mm/swap.c, v6.15): out of line, the call folio_put() makes
 * when the count reaches 0; device folios go on to free_zone_device_folio()
 * (mm/memremap.c), a second call.
 */
static __noinline void __folio_put_zerobased(struct folio *folio)
{
	if (unlikely(folio_is_zone_device(folio))) {
		free_zone_device_folio_zerobased(folio);
		return;
	}
	__folio_put(folio);
}

static __always_inline void put_page_zerobased_inline(struct page *page)
{
	struct folio *folio = page_folio(page);

	RB_INJECT_OP(DEVMAP, folio);	/* injected slowdown in put_page() (kernel/inject.h) */
#ifdef RB_BROKEN_ZEROBASED_FREE_AT_1
	/* Broken: a leftover 1-based idle test. */
	if (folio_is_zone_device(folio) && folio_ref_dec_return(folio) == 1) {
		free_zone_device_folio_zerobased(folio);
		return;
	}
	if (folio_is_zone_device(folio)) {
		if (folio_ref_count(folio) == 0)
			free_zone_device_folio_zerobased(folio);
		return;
	}
#endif
	if (folio_put_testzero(folio))
		__folio_put_zerobased(folio);
}

static void put_page_zerobased(struct page *page)
{
	put_page_zerobased_inline(page);
}

/*
 * zone_device_page_init() (mm/memremap.c, v6.6-v6.15; the pgmap reference is
 * Alistair Popple's ef233450898f):
 *
 *	WARN_ON_ONCE(!percpu_ref_tryget_live(&page->pgmap->ref));
 *	set_page_count(page, 1);	// a plain store
 *	lock_page(page);		// a locked RMW
 *
 * The percpu_ref is a CPU-local increment in the kernel and a thread-local
 * one here (devmap.h): no locked instruction. Out of line, as the exported
 * function the driver calls.
 */
static __noinline void zone_device_page_init(struct page *page)
{
	WARN_ON_ONCE(!percpu_ref_tryget_live(page->pgmap));
	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	set_page_count(page, 1);
	lock_page(page);
}

/*
 * The driver hands out an idle page: dmirror_devmem_alloc_page() (v6.6)
 * calls zone_device_page_init(); the migration that asked for the page
 * unlocks it when it completes (migrate_vma_finalize(): unlock_page()), as on
 * the 1-based side. The copy in between is not modelled. An FS_DAX page gets
 * its first reference from the dax mapping (see the top of the file).
 */
static __always_inline void devmap_alloc_zerobased(struct page *page)
{
	if (page->pgmap->type == MEMORY_DEVICE_FS_DAX) {
		VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
		page_ref_inc(page);
		return;
	}
	zone_device_page_init(page);
	/* ... migrate_vma_pages(), then migrate_vma_finalize(): */
	unlock_page(page);
}

static void alloc_init_zerobased(struct page *page)
{
	devmap_alloc_zerobased(page);
}

/* No static key: device pages need no switch in the put path. */
static void managed_nop(enum memory_type type)
{
	(void)type;
}

static void get_put_loop_zerobased(struct page *first, unsigned long npages, unsigned long stride,
				   uint64_t iters)
{
	unsigned long i = 0;

	while (iters--) {
		struct page *page = first + i;

		get_page(page);
		put_page_zerobased_inline(page);
		i += stride;
		if (i >= npages)
			i -= npages;
	}
}

static void alloc_put_loop_zerobased(struct devmap_driver *drv, uint64_t iters)
{
	while (iters--) {
		struct page *page = devmap_driver_alloc(drv);

		if (unlikely(!page))
			return;
		devmap_alloc_zerobased(page);
		put_page_zerobased_inline(page);
	}
}

const struct devmap_variant devmap_zerobased = {
	.name = "zerobased",
	.era = "v6.15+",
	.idle_count = 0,
	.idle_count_fsdax = 0,
	.put_page = put_page_zerobased,
	.alloc_init = alloc_init_zerobased,
	.managed_get = managed_nop,
	.managed_put = managed_nop,
	.get_put_loop = get_put_loop_zerobased,
	.alloc_put_loop = alloc_put_loop_zerobased,
};
