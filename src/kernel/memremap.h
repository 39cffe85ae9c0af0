/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: ZONE_DEVICE page maps (include/linux/memremap.h).
 * The put paths for device pages (1-based and 0-based) are the devmap
 * family's; the core only routes a device folio whose count reached zero to
 * free_zone_device_page(), as v6.6 __folio_put() does.
 */
#ifndef RB_KERNEL_MEMREMAP_H
#define RB_KERNEL_MEMREMAP_H

#include "page.h"

enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap_ops {
	void (*page_free)(struct page *page);
};

struct dev_pagemap {
	enum memory_type type;
	const struct dev_pagemap_ops *ops;
	unsigned long vmemmap_shift;	/* compound device pages: order of each folio */
	unsigned long start_pfn, nr_pages;
	void *owner;
	/*
	 * pgmap->ref is a percpu_ref: this is its percpu_count_ptr word, which
	 * __ref_is_percpu() loads on every get and put (mode bits low; 0 while
	 * the ref is in percpu mode). The per-CPU counter itself is the
	 * model's thread-local dev_pagemap_percpu_ref (src/devmap/devmap.h).
	 */
	_Atomic unsigned long ref_percpu_count_ptr;
	/*
	 * Model only: no vmemmap tail-page reuse for a compound pgmap, as when
	 * the kernel cannot optimize (an altmap puts the memmap in the device,
	 * vmemmap_can_optimize() false). Default false: the kernel's default
	 * for compound device-dax since v5.17.
	 */
	bool vmemmap_no_dedup;
	size_t vmemmap_dedup_bytes;	/* model: distinct memmap bytes of a deduplicated range */
};

static __always_inline bool is_device_private_page(const struct page *page)
{
	return is_zone_device_page(page) && page->pgmap->type == MEMORY_DEVICE_PRIVATE;
}
static __always_inline bool is_fsdax_page(const struct page *page)
{
	return is_zone_device_page(page) && page->pgmap->type == MEMORY_DEVICE_FS_DAX;
}

/* free_zone_device_page(): calls pgmap->ops->page_free (mm/memremap.c). */
void free_zone_device_page(struct page *page);

#endif
