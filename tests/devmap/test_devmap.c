// SPDX-License-Identifier: GPL-2.0
/*
 * devmap family unit tests: the two put paths on normal pages (key off and
 * on) and on device pages of both types, single-threaded: the free callback
 * fires exactly at the idle transition, normal pages go back to the buddy,
 * compound device pages are put through their head; the pgmap_array lookup;
 * per era, what the free path does to ->mapping and the flags (free_path_*).
 */
#include <errno.h>

#include "devmap/devmap.h"
#include "rbtest.h"

static int callbacks;
static struct page *last_freed;
static struct address_space *mapping_at_free;

static void count_free(struct page *page)
{
	callbacks++;
	last_freed = page;
	/*
	 * What the free path left in ->mapping. Read before the push: the
	 * model's zone_device_data (the driver's free-list link) shares the
	 * word with ->mapping (src/kernel/page.h; the kernel has it in lru.prev).
	 */
	mapping_at_free = page->mapping;
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

/*
 * What each era's free path does to the page besides the count, per type
 * (src/devmap/put_page_*.c has the kernel code of each era):
 *   PRIVATE: ->mapping cleared in every era; PG_waiters cleared by v5.17
 *     (onebased) only; PG_anon_exclusive cleared by v6.6 and v6.15 on an anon
 *     page only (v5.17 had no such bit: left alone), and a non-anon page's
 *     PG_mappedtodisk (the same bit) is left alone by every era.
 *   FS_DAX: ->mapping and the flags kept in every era (wake_up_var() only;
 *     v6.15: fs/dax.c clears the mapping when the page leaves the file).
 *   GENERIC (v6.6 and v6.15; v5.17 never frees one): v6.6 clears ->mapping,
 *     calls page_free and resets the count to 1; v6.15 keeps ->mapping, calls
 *     nothing and resets the count to 1.
 * The pages are never charged to a memcg (memcg_data stays 0: the model's
 * pre-check returns, a charged page would warn, fatally here).
 */
#define ANON_MAPPING	((struct address_space *)(0x1000UL | PAGE_MAPPING_ANON))
#define FILE_MAPPING	((struct address_space *)0x2000UL)

/* The last put of @page (one reference held, alloc_init done) with @mapping and both flags set. */
static void last_put_with(const struct devmap_variant *v, struct page *page, struct address_space *mapping)
{
	page->mapping = mapping;
	__set_bit(PG_waiters, &page->flags);
	__set_bit(PG_anon_exclusive, &page->flags);
	CHECK_EQ(page->memcg_data, 0UL);
	callbacks = 0;
	v->put_page(page);
}

/* ->mapping is left alone: in the model it is the free-list link of a page on the driver's list. */
static void clear_test_flags(struct page *page)
{
	__clear_bit(PG_waiters, &page->flags);
	__clear_bit(PG_anon_exclusive, &page->flags);
}

static void free_path(const struct devmap_variant *v)
{
	struct devmap_driver priv, dax, gen;
	bool v517 = v == &devmap_onebased;
	struct page *page;

	CHECK_EQ(memmap_init(3 * DEV), 0);
	CHECK_EQ(devmap_driver_init(&priv, MEMORY_DEVICE_PRIVATE, 0, DEV, &count_ops, v->idle_count), 0);
	CHECK_EQ(devmap_driver_init(&dax, MEMORY_DEVICE_FS_DAX, DEV, DEV, &count_ops, v->idle_count_fsdax), 0);
	CHECK_EQ(devmap_driver_init(&gen, MEMORY_DEVICE_GENERIC, 2 * DEV, DEV, &count_ops, 1), 0);
	v->managed_get(MEMORY_DEVICE_PRIVATE);
	v->managed_get(MEMORY_DEVICE_FS_DAX);

	/* PRIVATE, anon: mapping cleared; PG_waiters (v5.17) or PG_anon_exclusive (v6.x) cleared. */
	page = devmap_driver_alloc(&priv);
	v->alloc_init(page);
	last_put_with(v, page, ANON_MAPPING);
	CHECK_EQ(callbacks, 1);
	CHECK(mapping_at_free == NULL);
	CHECK_EQ(!!test_bit(PG_waiters, &page->flags), !v517);
	CHECK_EQ(PageAnonExclusive(page), v517);
	clear_test_flags(page);

	/* PRIVATE, not anon: PG_mappedtodisk is not PG_anon_exclusive there, left alone. */
	page = devmap_driver_alloc(&priv);
	v->alloc_init(page);
	last_put_with(v, page, FILE_MAPPING);
	CHECK_EQ(callbacks, 1);
	CHECK(mapping_at_free == NULL);
	CHECK(PageAnonExclusive(page));
	clear_test_flags(page);

	/* FS_DAX: the idle notification only; mapping and flags kept. */
	page = devmap_driver_alloc(&dax);
	v->alloc_init(page);
	last_put_with(v, page, FILE_MAPPING);
	CHECK_EQ(callbacks, 1);
	CHECK_EQ(page_ref_count(page), v->idle_count_fsdax);
	CHECK(mapping_at_free == FILE_MAPPING);
	CHECK(test_bit(PG_waiters, &page->flags));
	CHECK(PageAnonExclusive(page));
	clear_test_flags(page);

	/* GENERIC, idle at 1, one put to 0 (v6.6, v6.15). */
	if (!v517) {
		bool v66 = v == &devmap_mixed;

		page = devmap_driver_alloc(&gen);
		CHECK_EQ(page_ref_count(page), 1);
		last_put_with(v, page, FILE_MAPPING);
		CHECK_EQ(page_ref_count(page), 1);
		CHECK_EQ(callbacks, v66 ? 1 : 0);
		if (v66)
			CHECK(mapping_at_free == NULL);
		else
			CHECK(page->mapping == FILE_MAPPING);
		clear_test_flags(page);
	}

	CHECK_EQ(dev_pagemap_percpu_ref, 0);
	v->managed_put(MEMORY_DEVICE_PRIVATE);
	v->managed_put(MEMORY_DEVICE_FS_DAX);
	devmap_driver_destroy(&priv);
	devmap_driver_destroy(&dax);
	devmap_driver_destroy(&gen);
	memmap_destroy();
}

RB_TEST(free_path_onebased) { free_path(&devmap_onebased); }
RB_TEST(free_path_mixed) { free_path(&devmap_mixed); }
RB_TEST(free_path_zerobased) { free_path(&devmap_zerobased); }

RB_TEST(onebased) { one_variant(&devmap_onebased); }
RB_TEST(mixed) { one_variant(&devmap_mixed); }
RB_TEST(zerobased) { one_variant(&devmap_zerobased); }

/*
 * Each era's static key: onebased turns it on for PRIVATE and FS_DAX pgmaps,
 * mixed (v6.1-v6.14; its key is v5.18's) for FS_DAX only, zerobased (v6.15+) has none. A PRIVATE
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
	     RBT_CASE(onebased_needs_key) RBT_CASE(free_path_onebased) RBT_CASE(free_path_mixed)
	     RBT_CASE(free_path_zerobased))
