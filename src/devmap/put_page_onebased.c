// SPDX-License-Identifier: GPL-2.0
/*
 * devmap/onebased: ZONE_DEVICE pages are idle at refcount 1
 * (CONFIG_DEV_PAGEMAP_OPS, Dan Williams' e76384884344 "mm: introduce
 * MEMORY_DEVICE_FS_DAX and CONFIG_DEV_PAGEMAP_OPS", v4.18, to v5.17;
 * REFERENCE.md (5)). The key is on while any PRIVATE or FS_DAX pgmap exists.
 * (v4.14-v4.17 had the same 1-based protocol for PRIVATE pages only, behind
 * device_private_key.) As in v5.17:
 *
 *   put_page(page):				// include/linux/mm.h
 *	page = compound_head(page);
 *	if (page_is_devmap_managed(page)) {	// static key && zone device && PRIVATE/FS_DAX
 *		put_devmap_managed_page(page);	// out of line, mm/swap.c
 *		return;
 *	}
 *	if (put_page_testzero(page))
 *		__put_page(page);
 *
 *   put_devmap_managed_page(page):
 *	count = page_ref_dec_return(page);
 *	if (count == 1) free_devmap_managed_page(page);	// idle: tell the driver
 *	else if (!count) __put_page(page);
 *
 *   free_devmap_managed_page(page):		// mm/memremap.c, v5.10-v5.17
 *	FS_DAX: wake_up_var(&page->_refcount), and nothing else;
 *	PRIVATE: __ClearPageWaiters(page); mem_cgroup_uncharge(page_folio(page));
 *		 page->mapping = NULL; page->pgmap->ops->page_free(page);
 *
 * Earlier in the era a PRIVATE page also got __ClearPageActive() ("in case
 * of parallel mark_page_accessed", removed by Yu Zhao in 2020), and in
 * v4.18's __put_devmap_managed_page() both types went through that sequence,
 * FS_DAX's page_free (the pmem driver's) calling wake_up_var(). The model is
 * v5.17.
 *
 * Userspace difference: devmap_managed_key is a static key in the kernel (a
 * patched NOP/JMP, so the test costs nothing while it is off); the static key
 * is a plain branch here, a relaxed load of a global flag. With it on, every
 * put_page() in the system also pays the zone test (page->flags, the line
 * put_page_testzero() touches anyway) and, for device pages, a load of
 * pgmap->type.
 *
 * After FS_DAX's wake_up_var() the model calls its idle hook
 * (devmap_fsdax_idle(), devmap.h: the tests' and the benchmark's "page became
 * idle"; the same call in every era).
 *
 * Test-only broken builds (tests/devmap): RB_BROKEN_ONEBASED_NOKEY never turns
 * the key on, RB_BROKEN_ONEBASED_RACY reads the count and decrements it in two
 * steps.
 */
#include <sched.h>

#include "devmap.h"

_Atomic bool devmap_managed_key;	/* DEFINE_STATIC_KEY_FALSE(devmap_managed_key) */
static atomic_t devmap_managed_enable;	/* static_branch_inc/dec count */

/* devmap_managed_enable_get(): memremap_pages() of a PRIVATE or FS_DAX pgmap. */
static void devmap_managed_enable_get(enum memory_type type)
{
	if (type != MEMORY_DEVICE_PRIVATE && type != MEMORY_DEVICE_FS_DAX)
		return;
#ifdef RB_BROKEN_ONEBASED_NOKEY
	(void)devmap_managed_enable;	/* broken: the key is never turned on */
#else
	if (atomic_inc_return(&devmap_managed_enable) == 1)
		atomic_store_explicit(&devmap_managed_key, true, mo_relaxed);	/* static_branch_enable */
#endif
}

static void devmap_managed_enable_put(enum memory_type type)
{
	if (type != MEMORY_DEVICE_PRIVATE && type != MEMORY_DEVICE_FS_DAX)
		return;
#ifndef RB_BROKEN_ONEBASED_NOKEY
	if (atomic_dec_return(&devmap_managed_enable) == 0)
		atomic_store_explicit(&devmap_managed_key, false, mo_relaxed);
#endif
}

static __always_inline bool static_branch_unlikely_devmap_managed_key(void)
{
	return unlikely(atomic_load_explicit(&devmap_managed_key, mo_relaxed));
}

static __always_inline bool page_is_devmap_managed(struct page *page)
{
	if (!static_branch_unlikely_devmap_managed_key())
		return false;
	if (!is_zone_device_page(page))
		return false;
	switch (page->pgmap->type) {
	case MEMORY_DEVICE_PRIVATE:
	case MEMORY_DEVICE_FS_DAX:
		return true;
	default:
		break;
	}
	return false;
}

/* __put_page() of v5.x: a device page at 0 only drops its pgmap reference. */
static __noinline void __put_page_onebased(struct page *page)
{
	if (is_zone_device_page(page)) {
		put_dev_pagemap(page->pgmap);
		return;
	}
	__folio_put((struct folio *)page);
}

/* free_devmap_managed_page() of v5.10-v5.17 (see above). */
__noinline void free_devmap_managed_page(struct page *page)
{
	/* notify page idle for dax */
	if (!is_device_private_page(page)) {
		wake_up_var(&page->_refcount);
		devmap_fsdax_idle(page);	/* model only: the idle hook (devmap.h) */
		return;
	}

	__ClearPageWaiters(page);

	mem_cgroup_uncharge(page_folio(page));

	/*
	 * When a device_private page is freed, the page->mapping field
	 * may still contain a (stale) mapping value. For example, the
	 * lower bits of page->mapping may still identify the page as
	 * an anonymous page. Ultimately, this entire field is just
	 * stale and wrong, and it will cause errors if not cleared.
	 */
	page->mapping = NULL;
	page->pgmap->ops->page_free(page);
}

__noinline void put_devmap_managed_page(struct page *page)
{
	int count;

	if (WARN_ON_ONCE(!page_is_devmap_managed(page)))
		return;
#ifdef RB_BROKEN_ONEBASED_RACY
	/* Broken: the test and the decrement are two steps. */
	count = page_ref_count(page);
	sched_yield();
	page_ref_dec(page);
	count--;
#else
	count = page_ref_dec_return(page);
#endif
	/*
	 * devmap page refcounts are 1-based, rather than 0-based: if refcount
	 * is 1, then the page is free and the refcount is stable because
	 * nobody holds a reference on the page.
	 */
	if (count == 1)
		free_devmap_managed_page(page);
	else if (!count)
		__put_page_onebased(page);
}

static __always_inline void put_page_onebased_inline(struct page *page)
{
	RB_INJECT_OP(DEVMAP, page);	/* injected slowdown in put_page() (kernel/inject.h) */
	page = compound_head(page);
	if (page_is_devmap_managed(page)) {
		put_devmap_managed_page(page);
		return;
	}
	if (put_page_testzero(page))
		__put_page_onebased(page);
}

static void put_page_onebased(struct page *page)
{
	put_page_onebased_inline(page);
}

/*
 * The driver hands out an idle page. lib/test_hmm.c (v5.7-v5.17)
 * dmirror_devmem_alloc_page() ends with
 *
 *	get_page(dpage);	// 1 -> 2: a locked increment
 *	lock_page(dpage);	// test_and_set_bit_lock: a locked RMW
 *
 * and the migration that asked for the page unlocks it when it completes
 * (migrate_vma_finalize(): unlock_page(), a locked RMW on x86). The model
 * does the three in a row; the copy in between is not modelled. No pgmap
 * reference is taken: 1-based pages hold theirs for as long as the pgmap
 * is live (memremap_pages() takes one per page, percpu_ref_get_many()).
 */
static __always_inline void devmap_alloc_onebased(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) != 1, page);
	get_page(page);
	lock_page(page);
	/* ... migrate_vma_pages(), then migrate_vma_finalize(): */
	unlock_page(page);
}

static void alloc_init_onebased(struct page *page)
{
	devmap_alloc_onebased(page);
}

static void get_put_loop_onebased(struct page *first, unsigned long npages, unsigned long stride,
				  uint64_t iters)
{
	unsigned long i = 0;

	while (iters--) {
		struct page *page = first + i;

		get_page(page);
		put_page_onebased_inline(page);
		i += stride;
		if (i >= npages)
			i -= npages;
	}
}

static void alloc_put_loop_onebased(struct devmap_driver *drv, uint64_t iters)
{
	while (iters--) {
		struct page *page = devmap_driver_alloc(drv);

		if (unlikely(!page))
			return;
		devmap_alloc_onebased(page);
		put_page_onebased_inline(page);
	}
}

const struct devmap_variant devmap_onebased = {
	.name = "onebased",
	.era = "v4.18-v5.17",
	.idle_count = 1,
	.idle_count_fsdax = 1,
	.put_page = put_page_onebased,
	.alloc_init = alloc_init_onebased,
	.managed_get = devmap_managed_enable_get,
	.managed_put = devmap_managed_enable_put,
	.get_put_loop = get_put_loop_onebased,
	.alloc_put_loop = alloc_put_loop_onebased,
};
