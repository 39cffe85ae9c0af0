// SPDX-License-Identifier: GPL-2.0
/*
 * devmap family unit tests: the two put paths on normal pages (key off and
 * on) and on device pages of both types, single-threaded: the free callback
 * fires exactly at the idle transition, normal pages go back to the buddy,
 * compound device pages are put through their head; the pgmap_array lookup.
 */
#include <errno.h>

#include "devmap/devmap.h"
#include "rbtest.h"

static int callbacks;
static struct page *last_freed;

static void count_free(struct page *page)
{
	callbacks++;
	last_freed = page;
	devmap_driver_push(page->pgmap->owner, page);
}

static const struct dev_pagemap_ops count_ops = { .page_free = count_free };

#define NORMAL	1024UL
#define DEV	256UL

static void one_variant(const struct devmap_variant *v)
{
	struct zone zone;
	struct devmap_driver priv, dax;
	struct page *page;
	int i;

	CHECK_EQ(memmap_init(NORMAL + 2 * DEV), 0);
	zone_init(&zone, ZONE_NORMAL, 0, NORMAL, 10);
	/* A device range may not overlap a buddy zone. */
	CHECK_EQ(devmap_driver_init(&priv, MEMORY_DEVICE_PRIVATE, NORMAL - 8, DEV, &count_ops,
				    v->idle_count), -EINVAL);
	CHECK_EQ(devmap_driver_init(&priv, MEMORY_DEVICE_PRIVATE, NORMAL, DEV, &count_ops, v->idle_count), 0);
	CHECK_EQ(devmap_driver_init(&dax, MEMORY_DEVICE_FS_DAX, NORMAL + DEV, DEV, &count_ops,
				    v->idle_count_fsdax), 0);
	CHECK(pgmap_xa_load(NORMAL) == &priv.pgmap);
	CHECK(pgmap_xa_load(NORMAL + DEV - 1) == &priv.pgmap);
	CHECK(pgmap_xa_load(NORMAL + DEV) == &dax.pgmap);
	CHECK(pgmap_xa_load(NORMAL - 1) == NULL);

	/* Normal pages, key off then on: the last put frees to the buddy. */
	for (int key = 0; key < 2; key++) {
		unsigned long free_before = zone_free_pages(&zone);

		if (key) {
			v->managed_get(MEMORY_DEVICE_PRIVATE);
			v->managed_get(MEMORY_DEVICE_FS_DAX);
		}
		page = &folio_alloc(&zone, 0)->page;
		get_page(page);
		v->put_page(page);
		CHECK_EQ(page_ref_count(page), 1);
		v->put_page(page);
		CHECK_EQ(zone_free_pages(&zone), free_before);
	}

	/* Device pages of both types: callback exactly at the idle transition. */
	for (int t = 0; t < 2; t++) {
		struct devmap_driver *drv = t ? &dax : &priv;
		unsigned long nr_free = drv->nr_free;
		int idle = devmap_idle_count(v, drv->pgmap.type);
		long pgmap_refs = dev_pagemap_percpu_ref;

		callbacks = 0;
		page = devmap_driver_alloc(drv);
		CHECK(page != NULL);
		CHECK_EQ(page_ref_count(page), idle);
		v->alloc_init(page);
		CHECK_EQ(page_ref_count(page), idle + 1);
		CHECK(!PageLocked(page));
		for (i = 0; i < 3; i++)
			get_page(page);
		for (i = 0; i < 3; i++)
			v->put_page(page);
		CHECK_EQ(callbacks, 0);
		v->put_page(page);
		CHECK_EQ(callbacks, 1);
		CHECK(last_freed == page);
		CHECK_EQ(page_ref_count(page), idle);
		CHECK_EQ(drv->nr_free, nr_free);
		/* A pgmap reference taken at allocation is dropped at the free, and only then. */
		CHECK_EQ(dev_pagemap_percpu_ref, pgmap_refs);
	}

	/* The benchmark loops keep a busy page busy and recycle idle ones. */
	callbacks = 0;
	page = devmap_driver_alloc(&priv);
	v->alloc_init(page);
	v->get_put_loop(page, 1, 1, 1000);
	CHECK_EQ(page_ref_count(page), devmap_idle_count(v, MEMORY_DEVICE_PRIVATE) + 1);
	CHECK_EQ(callbacks, 0);
	v->put_page(page);
	CHECK_EQ(callbacks, 1);
	v->alloc_put_loop(&dax, 500);
	CHECK_EQ(callbacks, 501);
	CHECK_EQ(dax.nr_free, DEV);

	v->managed_put(MEMORY_DEVICE_PRIVATE);
	v->managed_put(MEMORY_DEVICE_FS_DAX);
	devmap_driver_destroy(&priv);
	devmap_driver_destroy(&dax);
	CHECK(pgmap_xa_load(NORMAL) == NULL);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(onebased) { one_variant(&devmap_onebased); }
RB_TEST(mixed) { one_variant(&devmap_mixed); }
RB_TEST(zerobased) { one_variant(&devmap_zerobased); }

/*
 * Each era's static key: onebased turns it on for PRIVATE and FS_DAX pgmaps,
 * mixed (v5.18-v6.14) for FS_DAX only, zerobased (v6.15+) has none. A PRIVATE
 * page under mixed is 0-based with the key off; an FS_DAX page under mixed is
 * 1-based and needs the key.
 */
RB_TEST(era_keys)
{
	struct devmap_driver priv, dax;
	struct page *page;

	CHECK_EQ(memmap_init(2 * DEV), 0);
	CHECK_EQ(devmap_driver_init(&priv, MEMORY_DEVICE_PRIVATE, 0, DEV, &count_ops, 0), 0);
	CHECK_EQ(devmap_driver_init(&dax, MEMORY_DEVICE_FS_DAX, DEV, DEV, &count_ops, 1), 0);
	devmap_onebased.managed_get(MEMORY_DEVICE_PRIVATE);
	CHECK(atomic_load(&devmap_managed_key));
	devmap_onebased.managed_put(MEMORY_DEVICE_PRIVATE);
	CHECK(!atomic_load(&devmap_managed_key));
	devmap_onebased.managed_get(MEMORY_DEVICE_GENERIC);
	CHECK(!atomic_load(&devmap_managed_key));

	/* mixed, no FS_DAX pgmap: the PRIVATE page is freed at 0 without the key. */
	devmap_mixed.managed_get(MEMORY_DEVICE_PRIVATE);
	callbacks = 0;
	page = devmap_driver_alloc(&priv);
	devmap_mixed.alloc_init(page);
	devmap_mixed.put_page(page);
	CHECK_EQ(callbacks, 1);
	CHECK_EQ(page_ref_count(page), 0);
	CHECK_EQ(dev_pagemap_percpu_ref, 0);
	/* mixed, FS_DAX page, key off: 2 -> 1 goes unseen (no free at 1) ... */
	callbacks = 0;
	page = devmap_driver_alloc(&dax);
	devmap_mixed.alloc_init(page);
	devmap_mixed.put_page(page);
	CHECK_EQ(callbacks, 0);
	CHECK_EQ(page_ref_count(page), 1);
	/* ... with an FS_DAX pgmap the key is on and 2 -> 1 frees. */
	devmap_mixed.managed_get(MEMORY_DEVICE_FS_DAX);
	get_page(page);
	devmap_mixed.put_page(page);
	CHECK_EQ(callbacks, 1);
	CHECK_EQ(page_ref_count(page), 1);
	devmap_mixed.managed_put(MEMORY_DEVICE_FS_DAX);
	devmap_mixed.managed_put(MEMORY_DEVICE_PRIVATE);
	devmap_driver_destroy(&priv);
	devmap_driver_destroy(&dax);
	memmap_destroy();
}

/* 1-based with the key off: a device page's idle transition goes unseen. */
RB_TEST(onebased_needs_key)
{
	struct devmap_driver priv;
	struct page *page;

	CHECK_EQ(memmap_init(DEV), 0);
	CHECK_EQ(devmap_driver_init(&priv, MEMORY_DEVICE_PRIVATE, 0, DEV, &count_ops, 1), 0);
	callbacks = 0;
	page = devmap_driver_alloc(&priv);
	devmap_onebased.alloc_init(page);
	devmap_onebased.put_page(page);
	CHECK_EQ(callbacks, 0);
	CHECK_EQ(page_ref_count(page), 1);
	devmap_driver_destroy(&priv);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(onebased) RBT_CASE(mixed) RBT_CASE(zerobased) RBT_CASE(era_keys)
	     RBT_CASE(onebased_needs_key))
