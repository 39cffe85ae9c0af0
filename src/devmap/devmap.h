/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench devmap family: ZONE_DEVICE pages and their put_page() paths
 * (REFERENCE.md (5), seed 003).
 *
 * devmem.c is the memremap_pages() model both this family and the grab family
 * use: it carves a pfn range of the memmap outside every buddy zone, makes it
 * ZONE_DEVICE pages of one struct dev_pagemap (optionally compound, per
 * pgmap->vmemmap_shift), and records the pgmap in pgmap_array, an xarray-like
 * radix tree that get_dev_pagemap() walks (mm/memremap.c).
 *
 * The put paths, one file per kernel era (docs/devmap.md has the table):
 *   put_page_onebased.c   v4.18-v5.17 (CONFIG_DEV_PAGEMAP_OPS, Dan Williams'
 *                         e76384884344, v4.18; v5.17 shown): PRIVATE and
 *                         FS_DAX pages idle at 1; put_page() tests the
 *                         devmap_managed_key static key (on once any
 *                         PRIVATE/FS_DAX pgmap exists), then
 *                         put_devmap_managed_page() frees at 1.
 *   put_page_mixed.c      v6.1-v6.14 (v6.6 shown): PRIVATE (and COHERENT)
 *                         pages idle at 0 through the plain path (Alistair
 *                         Popple's ef233450898f and 0dc45ca1ce18, v6.1);
 *                         FS_DAX pages still 1-based behind the same key,
 *                         on only while an FS_DAX pgmap exists (Christoph
 *                         Hellwig's 27674ef6c73f, v5.18): put_page() ->
 *                         put_devmap_managed_page() ->
 *                         __put_devmap_managed_page_refs(). v5.18-v6.0 (a
 *                         PRIVATE page dropped to 0 and reset to 1 at its
 *                         free) is not modelled.
 *   put_page_zerobased.c  v6.15+ (Alistair Popple's "fs/dax: fix
 *                         ZONE_DEVICE page reference counts" series):
 *                         every device page idle at 0, one path,
 *                         put_page_testzero() -> free_zone_device_folio(),
 *                         no key.
 *
 * Kernel-model additions made here (candidates for src/kernel): the pgmap
 * xarray and get_dev_pagemap()/put_dev_pagemap(), the percpu_ref model of
 * pgmap->ref, zone_device_data links for a driver's free list, and the
 * pieces every era's free path shares: PageAnon() and PG_anon_exclusive,
 * __ClearPageWaiters(), mem_cgroup_uncharge(), wake_up_var().
 */
#ifndef RB_DEVMAP_H
#define RB_DEVMAP_H

#include <stdint.h>

#include "kernel/inject.h"
#include "kernel/mm.h"

/* ---- devmem.c: memremap_pages() and the pgmap lookup ---- */

/*
 * memremap_pages(): make [pgmap->start_pfn, + pgmap->nr_pages) of the memmap
 * ZONE_DEVICE pages of @pgmap (memmap_init_zone_device()): zone bits,
 * PG_reserved, page->pgmap, _mapcount -1, and @init_count in the refcount of
 * every page (non-compound) or of every compound head (vmemmap_shift > 0,
 * memmap_init_compound(); tails 0). The range must lie outside every buddy
 * zone and be aligned to 1 << vmemmap_shift. Also stores @pgmap in
 * pgmap_array.
 *
 * A compound pgmap whose folios span more than two pages of memmap gets the
 * kernel's vmemmap tail-page reuse (vmemmap_populate_compound_pages(),
 * mm/sparse-vmemmap.c, Joao Martins, v5.17; Documentation/mm/vmemmap_dedup.rst):
 * per folio, memmap page 0 (head + first 63 tails) and page 1 are distinct and
 * every further memmap page maps the same physical page as page 1. Modelled
 * the same way: those virtual pages of the model memmap are remapped onto
 * one shared page each (a memfd, MAP_SHARED | MAP_FIXED), so tails alias in
 * the caches and the TLB as in the kernel (4 KiB mappings). Not done when
 * pgmap->vmemmap_no_dedup is set. Needs one mapping per aliased memmap page
 * (about 6 per 2 MiB folio: 16 GiB of order-9 folios is ~49 Ki mappings,
 * under the default vm.max_map_count of 65530).
 *
 * Returns 0, -EINVAL (bad range) or -ENOMEM (also: the mappings for the
 * tail-page reuse could not be made).
 */
int memremap_pages(struct dev_pagemap *pgmap, int init_count);
/*
 * memunmap_pages(): drop @pgmap from pgmap_array. The struct pages stay; a
 * deduplicated range gets private memmap pages back, reserved at refcount 0
 * as memmap_init() leaves them.
 */
void memunmap_pages(struct dev_pagemap *pgmap);

/*
 * pgmap_array lookup: xa_load(&pgmap_array, pfn), a walk down a 64-way radix
 * tree with multi-index entries, as lib/xarray.c.
 */
struct dev_pagemap *pgmap_xa_load(unsigned long pfn);
/* Number of radix levels pgmap_xa_load() walked for @pfn (for tests and docs). */
unsigned int pgmap_xa_depth(unsigned long pfn);

/*
 * pgmap->ref is a percpu_ref (include/linux/percpu-refcount.h, v5.x-v6.x):
 *
 *	percpu_ref_tryget_live(ref):		percpu_ref_put_many(ref, nr):
 *		rcu_read_lock();			rcu_read_lock();
 *		if (__ref_is_percpu(ref, &pcp))		if (__ref_is_percpu(ref, &pcp))
 *			this_cpu_inc(*pcp);			this_cpu_sub(*pcp, nr);
 *		else ... atomic_long_inc_not_zero	else ... atomic_long_sub_and_test
 *		rcu_read_unlock();			rcu_read_unlock();
 *
 * __ref_is_percpu() is a READ_ONCE of ref->percpu_count_ptr (a line of the
 * pgmap, read-shared); this_cpu_inc/dec is a non-locked RMW of a CPU-local
 * counter, modelled as a thread-local one (dev_pagemap_percpu_ref, also the
 * balance the tests check). rcu_read_lock()/unlock() are CONFIG_PREEMPT_RCU's
 * (Debian's PREEMPT_DYNAMIC kernels): an increment and a decrement of the
 * task's nesting count plus a load of rcu_read_unlock_special, modelled with
 * thread-local words. The "dead" state (memunmap_pages() in progress) is not
 * modelled. dev_pagemap_gets counts successful trygets (model only, for the
 * tests: one thread-local add).
 */
extern _Thread_local long dev_pagemap_percpu_ref;
extern _Thread_local unsigned long dev_pagemap_gets;
extern _Thread_local int rcu_read_lock_nesting;
extern _Thread_local int rcu_read_unlock_special;

/*
 * With CONFIG_PREEMPT_RCU, rcu_read_lock() and rcu_read_unlock() are calls of
 * the out-of-line __rcu_read_lock()/__rcu_read_unlock()
 * (kernel/rcu/tree_plugin.h, EXPORT_SYMBOL_GPL): two calls per read-side
 * section, paid here too (devmem.c).
 */
void __rcu_read_lock(void);
void __rcu_read_unlock(void);

static __always_inline void rcu_read_lock(void)
{
	__rcu_read_lock();
}
static __always_inline void rcu_read_unlock(void)
{
	__rcu_read_unlock();
}

/* __ref_is_percpu(): percpu mode while no mode bit is set in percpu_count_ptr. */
static __always_inline bool pgmap_ref_is_percpu(struct dev_pagemap *pgmap)
{
	return !(atomic_load_explicit(&pgmap->ref_percpu_count_ptr, mo_relaxed) & 3);
}

/*
 * percpu_ref_tryget_live_rcu(): for a caller inside an RCU read section
 * (include/linux/percpu-refcount.h, v5.16+); percpu_ref_tryget_live() is it
 * inside its own section, as in the kernel.
 */
static __always_inline bool percpu_ref_tryget_live_rcu(struct dev_pagemap *pgmap)
{
	if (likely(pgmap_ref_is_percpu(pgmap))) {
		dev_pagemap_percpu_ref++;	/* this_cpu_inc(*percpu_count) */
		dev_pagemap_gets++;
		return true;
	}
	return false;
}

static __always_inline bool percpu_ref_tryget_live(struct dev_pagemap *pgmap)
{
	bool ret;

	rcu_read_lock();
	ret = percpu_ref_tryget_live_rcu(pgmap);
	rcu_read_unlock();
	return ret;
}
static __always_inline void percpu_ref_put(struct dev_pagemap *pgmap)
{
	rcu_read_lock();
	if (likely(pgmap_ref_is_percpu(pgmap)))
		dev_pagemap_percpu_ref--;	/* this_cpu_dec(*percpu_count) */
	rcu_read_unlock();
}
static __always_inline void put_dev_pagemap(struct dev_pagemap *pgmap)
{
	if (pgmap)
		percpu_ref_put(pgmap);
}

static __always_inline bool pgmap_contains(const struct dev_pagemap *pgmap, unsigned long pfn)
{
	return pfn - pgmap->start_pfn < pgmap->nr_pages;
}

/*
 * get_dev_pagemap() (mm/memremap.c, v4.5-v6.14; v5.17 shown): with a cached
 * @pgmap that still covers @pfn, just return it (the caller already holds a
 * live ref); else drop it and look @pfn up in pgmap_array under
 * rcu_read_lock(), taking a ref with percpu_ref_tryget_live_rcu() (Christophe
 * JAILLET, v5.17; percpu_ref_tryget_live() and a nested RCU section before).
 * Out of line and exported in the kernel, so gup-fast's per-pfn device loop
 * (__gup_device_huge(), gup_pte_range()) makes a call per pfn even when the
 * cached pgmap answers: here too (devmem.c).
 */
struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *pgmap);

/* ---- what every era's free path shares (mm/memremap.c's callees) ---- */

/*
 * PageAnon() / folio_test_anon(): the PAGE_MAPPING_ANON bit of ->mapping (a
 * load of the line the refcount is on). PG_anon_exclusive (David
 * Hildenbrand, v5.19) is PG_mappedtodisk on an anon page; the free paths of
 * v5.19+ clear it with a non-atomic flags update.
 */
#define PAGE_MAPPING_ANON	0x1UL
#define PG_anon_exclusive	PG_mappedtodisk
static __always_inline bool PageAnon(const struct page *page)
{
	return ((unsigned long)page->mapping & PAGE_MAPPING_ANON) != 0;
}
static __always_inline bool folio_test_anon(const struct folio *folio)
{
	return PageAnon(&folio->page);
}
static __always_inline void __ClearPageAnonExclusive(struct page *page)
{
	__clear_bit(PG_anon_exclusive, &page->flags);
}
static __always_inline bool PageAnonExclusive(const struct page *page)
{
	return test_bit(PG_anon_exclusive, &((struct page *)page)->flags);
}
/* __ClearPageWaiters() (v5.x free_devmap_managed_page()): non-atomic. */
static __always_inline void __ClearPageWaiters(struct page *page)
{
	__clear_bit(PG_waiters, &page->flags);
}

/*
 * mem_cgroup_uncharge(folio) (include/linux/memcontrol.h, every era's device
 * page free):
 *
 *	if (mem_cgroup_disabled())	// a static key
 *		return;
 *	__mem_cgroup_uncharge(folio);	// out of line, mm/memcontrol.c
 *
 * and __mem_cgroup_uncharge() first does "Don't touch folio->lru of any
 * random page, pre-check": if (!folio_memcg(folio)) return; (a load of
 * memcg_data, the refcount's line). Userspace difference: the static key is
 * patched to fall through when memcg is on (Debian's kernels), so it costs
 * nothing in the kernel and is left out here. The model's device pages are
 * never charged (docs/devmap.md says what its alloc+put cycle stands for): a
 * charged folio would go on to uncharge_folio() + uncharge_batch()
 * (page_counter_uncharge() atomics up the memcg hierarchy), which is not
 * modelled; __mem_cgroup_uncharge() warns if it ever meets one.
 */
void __mem_cgroup_uncharge(struct folio *folio);
static __always_inline void mem_cgroup_uncharge(struct folio *folio)
{
	__mem_cgroup_uncharge(folio);
}

/*
 * wake_up_var(var) (kernel/sched/wait_bit.c, every era here; out of line):
 *
 *	__wake_up_bit(__var_waitqueue(var), var, -1):
 *		wq_head = bit_wait_table + hash_ptr(var, WAIT_TABLE_BITS);
 *		if (waitqueue_active(wq_head))	// head.next != &head
 *			__wake_up(wq_head, TASK_NORMAL, 1, &key);
 *
 * A multiply and a shift, then a load from bit_wait_table, 256 wait queue
 * heads shared (read-mostly) by the whole system. FS_DAX's idle notification
 * in every era: dax_layout_busy_page() waits for it. No model thread ever
 * sleeps in wait_var_event(), so the queue is empty (the model BUGs if not).
 */
void wake_up_var(void *var);

/*
 * Model only: the FS_DAX page's idle hook. In the kernel nothing runs on
 * the put path after wake_up_var() (a woken dax_layout_busy_page() waiter
 * would run later, elsewhere); the model calls pgmap->ops->page_free there
 * so that the tests see the idle transition and the benchmark's FS_DAX
 * alloc+put cycle can recycle the page through the driver list. The same
 * indirect call in all three eras, for FS_DAX only (docs/devmap.md).
 */
static __always_inline void devmap_fsdax_idle(struct page *page)
{
	page->pgmap->ops->page_free(page);
}

/* ---- a device driver's page allocator (lib/test_hmm.c's dmirror model) ---- */
/*
 * Free device pages are linked through page->zone_device_data under the
 * driver's lock; the pgmap's ops->page_free callback puts a page back.
 * pgmap.owner points back at the driver.
 */
struct devmap_driver {
	spinlock_t lock;
	struct page *free_pages;
	unsigned long nr_free;
	struct dev_pagemap pgmap;
} __aligned(SMP_CACHE_BYTES);

/* dmirror_devmem_free(): the page_free callback, pushes @page on the free list. */
void devmap_driver_page_free(struct page *page);
/* Pop a free page (the caller then runs the variant's alloc_init), or NULL. */
struct page *devmap_driver_alloc(struct devmap_driver *drv);
/* Push @page on the free list (what page_free does). */
void devmap_driver_push(struct devmap_driver *drv, struct page *page);
/*
 * devmap_driver_init(): memremap_pages() of [start_pfn, +nr_pages) as @type
 * with @ops (NULL: devmap_driver_page_free), every page put on the free list
 * with refcount @idle_count. Returns 0 or a negative errno.
 */
int devmap_driver_init(struct devmap_driver *drv, enum memory_type type, unsigned long start_pfn,
		       unsigned long nr_pages, const struct dev_pagemap_ops *ops, int idle_count);
void devmap_driver_destroy(struct devmap_driver *drv);

/* ---- the put_page() variants ---- */
/*
 * One variant of the whole device-page reference protocol. The function
 * pointers are for tests; the benchmark loops (*_loop) are instantiated in
 * the variant's file with the put path inlined, one call per batch.
 */
struct devmap_variant {
	const char *name;
	const char *era;		/* the kernel versions the variant is */
	int idle_count;			/* refcount of a free (idle) PRIVATE device page: 1 or 0 */
	int idle_count_fsdax;		/* ... of a free FS_DAX page */
	/* The whole put_page() of the variant, for any page. */
	void (*put_page)(struct page *page);
	/*
	 * The driver hands out a free page and the migration that asked for it
	 * unlocks it: 1-based get_page() (1 -> 2) + lock_page(); 0-based
	 * zone_device_page_init() (pgmap ref, 0 -> 1, lock_page()); then
	 * unlock_page(). The page is returned unlocked. (FS_DAX pages per era:
	 * see the variant files.)
	 */
	void (*alloc_init)(struct page *page);
	/*
	 * memremap_pages() / memunmap_pages() of a pgmap of @type: turns the
	 * era's static key on / off where that type needs it.
	 */
	void (*managed_get)(enum memory_type type);
	void (*managed_put)(enum memory_type type);
	/* @iters times get_page()+put_page() on pages[i % npages], busy (refcount stays above idle). */
	void (*get_put_loop)(struct page *first, unsigned long npages, unsigned long stride, uint64_t iters);
	/* @iters times: devmap_driver_alloc + alloc_init + put_page (-> page_free -> back to the driver). */
	void (*alloc_put_loop)(struct devmap_driver *drv, uint64_t iters);
};

/* The idle refcount of a page of @type under @v. */
static inline int devmap_idle_count(const struct devmap_variant *v, enum memory_type type)
{
	return type == MEMORY_DEVICE_FS_DAX ? v->idle_count_fsdax : v->idle_count;
}

extern const struct devmap_variant devmap_onebased;
extern const struct devmap_variant devmap_mixed;
extern const struct devmap_variant devmap_zerobased;

/* put_page_onebased.c */
extern _Atomic bool devmap_managed_key;	/* DEFINE_STATIC_KEY_FALSE(devmap_managed_key) */
void put_devmap_managed_page(struct page *page);
void free_devmap_managed_page(struct page *page);

#endif
