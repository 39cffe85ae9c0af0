// SPDX-License-Identifier: GPL-2.0
/*
 * devmap/zerobased: ZONE_DEVICE pages are idle at refcount 0, like every
 * other page (Ralph Campbell's RFC, merged as Christoph Hellwig's
 * 27674ef6c73f "mm: remove the extra ZONE_DEVICE struct page refcount",
 * v5.18, and Alistair Popple's ef233450898f; REFERENCE.md (5)).
 *
 *   put_page(page):  if (put_page_testzero(page)) __put_page(page);
 *   __put_page():    a device page goes to free_zone_device_page(), which
 *                    calls pgmap->ops->page_free (core: kernel/alloc.c
 *                    __folio_put(), v6.6);
 *   allocation:      zone_device_page_init() (v6.6): a pgmap reference
 *                    (percpu_ref_tryget_live), set_page_count(1),
 *                    lock_page(); free_zone_device_page() drops the pgmap
 *                    reference after page_free (PRIVATE/COHERENT).
 *
 * This is the core model's own put_page() (kernel/page_ref.h): one path, no
 * static key, no device test until the count reaches zero.
 *
 * Model simplification: v5.18-v6.14 kept one 2 -> 1 hook for FS_DAX pages
 * (put_devmap_managed_page() behind the same static key, waking
 * dax_layout_busy_page()) and reset FS_DAX/GENERIC pages to 1 after
 * page_free; Alistair Popple's later fs/dax series made those 0-based too.
 * The model is that end state: every device type idle at 0.
 *
 * Test-only broken build (tests/devmap): RB_BROKEN_ZEROBASED_FREE_AT_1 keeps a
 * 1-based test in the put path (frees at 1, a busy page).
 */
#include "devmap.h"

/*
 * free_zone_device_page() of v6.6 for the model's device pages: the driver's
 * page_free, then the pgmap reference zone_device_page_init() took. The core
 * model's free_zone_device_page() (src/kernel/memmap.c, shared) only calls
 * page_free, so the 0-based path calls this one; the pgmap pointer is read
 * before page_free hands the page back (it cannot change, but the page may be
 * reallocated at once).
 */
static __noinline void free_zone_device_page_zerobased(struct page *page)
{
	struct dev_pagemap *pgmap = page->pgmap;

	free_zone_device_page(page);
	put_dev_pagemap(pgmap);
}

static __always_inline void put_page_zerobased_inline(struct page *page)
{
	struct folio *folio = page_folio(page);

#ifdef RB_BROKEN_ZEROBASED_FREE_AT_1
	/* Broken: a leftover 1-based idle test. */
	if (folio_is_zone_device(folio) && folio_ref_dec_return(folio) == 1) {
		free_zone_device_page_zerobased(&folio->page);
		return;
	}
	if (folio_is_zone_device(folio)) {
		if (folio_ref_count(folio) == 0)
			free_zone_device_page_zerobased(&folio->page);
		return;
	}
#endif
	if (folio_put_testzero(folio)) {
		/* __put_page(): free_zone_device_page() for device pages, else __folio_put() */
		if (folio_is_zone_device(folio))
			free_zone_device_page_zerobased(&folio->page);
		else
			__folio_put(folio);
	}
}

static void put_page_zerobased(struct page *page)
{
	put_page_zerobased_inline(page);
}

/*
 * zone_device_page_init() (mm/memremap.c, v6.6; the pgmap reference is
 * Alistair Popple's ef233450898f):
 *
 *	WARN_ON_ONCE(!percpu_ref_tryget_live(&page->pgmap->ref));
 *	set_page_count(page, 1);	// a plain store
 *	lock_page(page);		// a locked RMW
 *
 * The percpu_ref is a CPU-local increment in the kernel and a thread-local
 * one here (devmap.h): no locked instruction.
 */
static __always_inline void zone_device_page_init(struct page *page)
{
	WARN_ON_ONCE(!percpu_ref_tryget_live(page->pgmap));
	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	set_page_count(page, 1);
	lock_page(page);
}

/*
 * The driver hands out an idle page: dmirror_devmem_alloc_page() (v6.6) calls
 * zone_device_page_init(); the migration that asked for the page unlocks it
 * when it completes (migrate_vma_finalize(): unlock_page()), as on the
 * 1-based side. The copy in between is not modelled.
 */
static __always_inline void devmap_alloc_zerobased(struct page *page)
{
	zone_device_page_init(page);
	/* ... migrate_vma_pages(), then migrate_vma_finalize(): */
	unlock_page(page);
}

static void alloc_init_zerobased(struct page *page)
{
	devmap_alloc_zerobased(page);
}

/* No static key: device pages need no switch in the put path. */
static void managed_nop(void)
{
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
	.idle_count = 0,
	.put_page = put_page_zerobased,
	.alloc_init = alloc_init_zerobased,
	.managed_get = managed_nop,
	.managed_put = managed_nop,
	.get_put_loop = get_put_loop_zerobased,
	.alloc_put_loop = alloc_put_loop_zerobased,
};
