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
