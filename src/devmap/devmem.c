// SPDX-License-Identifier: GPL-2.0
/*
 * refbench devmap family: memremap_pages() (mm/memremap.c,
 * memmap_init_zone_device() in mm/mm_init.c) and the pgmap_array lookup, over
 * the model memmap.
 *
 * pgmap_array is modelled as lib/xarray.c lays it out: 64-slot nodes
 * (XA_CHUNK_SHIFT 6), the index (here the pfn) consumed 6 bits per level from
 * the top, and a range stored with xa_store_range() as multi-index entries:
 * at the highest level where an aligned chunk lies wholly inside the range.
 * So a lookup walks one node per level until it meets the pgmap pointer; the
 * walk is what an uncached get_dev_pagemap() costs per pfn (seed 001). No RCU:
 * the tree is built and torn down while no walker runs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memfd_create() */
#endif
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devmap.h"

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)

struct xa_node {
	unsigned char shift;		/* bits of the index below this node's slots */
	void *slots[XA_CHUNK_SIZE];
};

/* Node pointers are tagged with 2 in the low bits, as xa_mk_node() does. */
static inline bool xa_is_node(const void *entry) { return ((uintptr_t)entry & 3) == 2; }
static inline struct xa_node *xa_to_node(const void *entry) { return (struct xa_node *)((uintptr_t)entry - 2); }
static inline void *xa_mk_node(const struct xa_node *node) { return (void *)((uintptr_t)node | 2); }

/* Nodes come from chunks of model memory, freed when the last pgmap goes. */
#define XA_POOL_BYTES	(256UL << 10)
struct xa_pool {
	struct xa_pool *next;
	size_t used;
};

static struct {
	void *root;
	unsigned int shift;		/* the root node's shift */
	unsigned int nr_pgmaps;
	struct xa_pool *pool;
} pgmap_array;

_Thread_local long dev_pagemap_percpu_ref;
_Thread_local unsigned long dev_pagemap_gets;
_Thread_local int rcu_read_lock_nesting;
_Thread_local int rcu_read_unlock_special;

/* get_dev_pagemap(): see devmap.h; out of line, as the kernel's exported function. */
__noinline struct dev_pagemap *get_dev_pagemap(unsigned long pfn, struct dev_pagemap *pgmap)
{
	if (pgmap) {
		if (likely(pgmap_contains(pgmap, pfn)))
			return pgmap;
		put_dev_pagemap(pgmap);
	}
	rcu_read_lock();
	pgmap = pgmap_xa_load(pfn);
	if (pgmap && !percpu_ref_tryget_live_rcu(pgmap))
		pgmap = NULL;
	rcu_read_unlock();
	return pgmap;
}

/* __rcu_read_lock()/__rcu_read_unlock() of CONFIG_PREEMPT_RCU (devmap.h): out of line. */
__noinline void __rcu_read_lock(void)
{
	rcu_read_lock_nesting++;	/* rcu_preempt_read_enter() */
	barrier();
}

__noinline void __rcu_read_unlock(void)
{
	barrier();
	if (--rcu_read_lock_nesting == 0) {	/* rcu_preempt_read_exit() */
		barrier();
		if (unlikely(READ_ONCE(rcu_read_unlock_special)))
			rcu_read_unlock_special = 0;	/* rcu_read_unlock_special(): never set in the model */
	}
}

static struct xa_node *xa_node_alloc(unsigned int shift)
{
	struct xa_pool *p = pgmap_array.pool;
	struct xa_node *node;

	if (!p || p->used + sizeof(*node) > XA_POOL_BYTES) {
		p = rb_model_alloc(XA_POOL_BYTES);
		if (!p)
			return NULL;
		p->next = pgmap_array.pool;
		p->used = ALIGN(sizeof(*p), SMP_CACHE_BYTES);
		pgmap_array.pool = p;
	}
	node = (struct xa_node *)((char *)p + p->used);
	p->used += ALIGN(sizeof(*node), SMP_CACHE_BYTES);
	memset(node, 0, sizeof(*node));
	node->shift = shift;
	return node;
}

static void xa_destroy(void)
{
	while (pgmap_array.pool) {
		struct xa_pool *p = pgmap_array.pool;

		pgmap_array.pool = p->next;
		rb_model_free(p, XA_POOL_BYTES);
	}
	pgmap_array.root = NULL;
	pgmap_array.shift = 0;
}

/* Store @entry for [first, last] below @node (covering [base, base + 64 << shift)). */
static int xa_store_range_node(struct xa_node *node, unsigned long base, unsigned long first,
			       unsigned long last, void *entry)
{
	unsigned long span = 1UL << node->shift;
	unsigned long i;

	for (i = 0; i < XA_CHUNK_SIZE; i++) {
		unsigned long lo = base + i * span, hi = lo + span - 1;
		struct xa_node *child;
		int ret;

		if (hi < first || lo > last)
			continue;
		if ((lo >= first && hi <= last) || node->shift == 0) {
			node->slots[i] = entry;		/* a multi-index entry */
			continue;
		}
		if (xa_is_node(node->slots[i])) {
			child = xa_to_node(node->slots[i]);
		} else {
			BUG_ON(node->slots[i] && entry);	/* ranges never overlap */
			child = xa_node_alloc(node->shift - XA_CHUNK_SHIFT);
			if (!child)
				return -ENOMEM;
			node->slots[i] = xa_mk_node(child);
		}
		ret = xa_store_range_node(child, lo, first, last, entry);
		if (ret)
			return ret;
	}
	return 0;
}

static int xa_store_range(unsigned long first, unsigned long last, void *entry)
{
	if (!pgmap_array.root) {
		struct xa_node *root;
		unsigned int shift = 0;

		/* One root wide enough for every pfn of the memmap. */
		while ((XA_CHUNK_SIZE << shift) < max_pfn)
			shift += XA_CHUNK_SHIFT;
		root = xa_node_alloc(shift);
		if (!root)
			return -ENOMEM;
		pgmap_array.root = xa_mk_node(root);
		pgmap_array.shift = shift;
	}
	return xa_store_range_node(xa_to_node(pgmap_array.root), 0, first, last, entry);
}

struct dev_pagemap *pgmap_xa_load(unsigned long pfn)
{
	void *entry = pgmap_array.root;

	while (xa_is_node(entry)) {
		struct xa_node *node = xa_to_node(entry);

		entry = node->slots[(pfn >> node->shift) & XA_CHUNK_MASK];
	}
	return entry;
}

unsigned int pgmap_xa_depth(unsigned long pfn)
{
	void *entry = pgmap_array.root;
	unsigned int depth = 0;

	while (xa_is_node(entry)) {
		struct xa_node *node = xa_to_node(entry);

		entry = node->slots[(pfn >> node->shift) & XA_CHUNK_MASK];
		depth++;
	}
	return depth;
}

static bool pfn_in_buddy_zone(unsigned long pfn)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = model_zones[z];

		if (zone && pfn - zone->zone_start_pfn < zone->spanned_pages)
			return true;
	}
	return false;
}

/* Memmap pages per folio of @pgmap (struct page is 64 bytes: 64 per page). */
static unsigned long pgmap_vmemmap_pages(const struct dev_pagemap *pgmap)
{
	return ((1UL << pgmap->vmemmap_shift) * sizeof(struct page)) / PAGE_SIZE;
}

static bool pgmap_dedup(const struct dev_pagemap *pgmap)
{
	return pgmap->vmemmap_shift && !pgmap->vmemmap_no_dedup && pgmap_vmemmap_pages(pgmap) > 2;
}

/*
 * vmemmap_populate_compound_pages() (mm/sparse-vmemmap.c, v5.17-v6.x), as a
 * userspace remap of the model memmap: for each folio, memmap page 0 (the
 * head, the folio's own fields in tails 1-2, tails up to 63) and page 1 get
 * their own physical page; pages 2.. reuse page 1 ("Reuse the previous page
 * for the rest of tail pages"). The kernel also reuses the tail page across
 * the sections of one folio larger than a section (PUD folios); here the
 * whole folio is one range, which is the same layout.
 */
static int vmemmap_dedup(struct dev_pagemap *pgmap)
{
	unsigned long per = pgmap_vmemmap_pages(pgmap), nr = pgmap->nr_pages >> pgmap->vmemmap_shift;
	unsigned long f, i;
	char *base = (char *)pfn_to_page(pgmap->start_pfn);
	size_t bytes = pgmap->nr_pages * sizeof(struct page);
	int fd = memfd_create("refbench-vmemmap", MFD_CLOEXEC);

	if (fd < 0)
		return -ENOMEM;
	if (ftruncate(fd, (off_t)(nr * 2 * PAGE_SIZE))) {
		close(fd);
		return -ENOMEM;
	}
	/*
	 * Set-up cost only (the walk is the same): drop memmap_init()'s pages
	 * of the whole range in one go, so that the per-folio remaps below
	 * replace nothing (each would zap and flush the TLB of the other CPUs).
	 */
	if (mmap(base, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		close(fd);
		pgmap->vmemmap_dedup_bytes = 1;	/* undo below restores the whole range */
		return -ENOMEM;
	}
	for (f = 0; f < nr; f++) {
		char *va = (char *)pfn_to_page(pgmap->start_pfn + (f << pgmap->vmemmap_shift));
		off_t off = (off_t)(2 * f * PAGE_SIZE);

		if (mmap(va, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED)
			goto fail;
		for (i = 2; i < per; i++)
			if (mmap(va + i * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
				 fd, off + (off_t)PAGE_SIZE) == MAP_FAILED)
				goto fail;
	}
	close(fd);
	pgmap->vmemmap_dedup_bytes = nr * 2 * PAGE_SIZE;
	/*
	 * The placement's memory binding (the memfd's pages come from the
	 * range's policy), then the pages themselves, in one call rather than
	 * a fault per page (memremap_pages() writes them all next).
	 */
	rb_model_remapped(base, bytes);
	madvise(base, bytes, MADV_POPULATE_WRITE);	/* Linux 5.14+; faults on write otherwise */
	return 0;
fail:
	close(fd);
	pgmap->vmemmap_dedup_bytes = 1;	/* undo below restores the whole range */
	return -ENOMEM;
}

/* Give a deduplicated range private memmap pages again, as memmap_init() leaves them. */
static void vmemmap_undedup(struct dev_pagemap *pgmap)
{
	unsigned long pfn;
	void *va = pfn_to_page(pgmap->start_pfn);

	if (!pgmap->vmemmap_dedup_bytes)
		return;
	pgmap->vmemmap_dedup_bytes = 0;
	BUG_ON(mmap(va, pgmap->nr_pages * sizeof(struct page), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
	rb_model_remapped(va, pgmap->nr_pages * sizeof(struct page));
	for (pfn = pgmap->start_pfn; pfn < pgmap->start_pfn + pgmap->nr_pages; pfn++) {
		struct page *page = pfn_to_page(pfn);

		atomic_store_explicit(&page->flags, BIT(PG_reserved), mo_relaxed);
		page_mapcount_reset(page);
	}
}

int memremap_pages(struct dev_pagemap *pgmap, int init_count)
{
	unsigned long pfn, start = pgmap->start_pfn, end = start + pgmap->nr_pages;
	unsigned long nr_compound = 1UL << pgmap->vmemmap_shift;
	int ret;

	if (!vmemmap || !pgmap->nr_pages || end > max_pfn || end < start ||
	    pgmap->vmemmap_shift > MAX_ORDER_MODEL || !IS_ALIGNED(start, nr_compound) ||
	    !IS_ALIGNED(pgmap->nr_pages, nr_compound) ||
	    pfn_in_buddy_zone(start) || pfn_in_buddy_zone(end - 1))
		return -EINVAL;
	pgmap->vmemmap_dedup_bytes = 0;
	if (pgmap_dedup(pgmap)) {
		ret = vmemmap_dedup(pgmap);
		if (ret) {
			vmemmap_undedup(pgmap);
			return ret;
		}
	}
	ret = xa_store_range(start, end - 1, pgmap);
	if (ret) {
		vmemmap_undedup(pgmap);
		return ret;
	}
	pgmap_array.nr_pgmaps++;
	atomic_store_explicit(&pgmap->ref_percpu_count_ptr, 0, mo_relaxed);	/* percpu mode */

	/* memmap_init_zone_device(): __init_zone_device_page() on every page. */
	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		WRITE_ONCE(page->flags, BIT(PG_reserved));
		set_page_zone(page, ZONE_DEVICE);
		WRITE_ONCE(page->compound_head, 0);
		page->pgmap = pgmap;
		page->zone_device_data = NULL;
		page_mapcount_reset(page);
		set_page_count(page, init_count);
	}
	/* memmap_init_compound(): heads keep the count, tails 0. */
	if (pgmap->vmemmap_shift) {
		for (pfn = start; pfn < end; pfn += nr_compound) {
			struct page *head = pfn_to_page(pfn);
			unsigned long i;

			prep_compound_page(head, pgmap->vmemmap_shift);
			for (i = 1; i < nr_compound; i++)
				set_page_count(head + i, 0);
		}
	}
	return 0;
}

void memunmap_pages(struct dev_pagemap *pgmap)
{
	vmemmap_undedup(pgmap);
	if (!pgmap_array.root)
		return;
	xa_store_range(pgmap->start_pfn, pgmap->start_pfn + pgmap->nr_pages - 1, NULL);
	if (--pgmap_array.nr_pgmaps == 0)
		xa_destroy();
}

/* ---- the free path's shared callees (devmap.h) ---- */

/* __mem_cgroup_uncharge(): only the pre-check of an uncharged folio is modelled. */
__noinline void __mem_cgroup_uncharge(struct folio *folio)
{
	/* Don't touch folio->lru of any random page, pre-check: */
	if (!folio->memcg_data)
		return;
	/* uncharge_folio() + uncharge_batch(): never reached, see devmap.h. */
	WARN_ON_ONCE(1);
	folio->memcg_data = 0;
}

/*
 * bit_wait_table (kernel/sched/wait_bit.c): WAIT_TABLE_BITS 8, each head a
 * spinlock and a list head, the table cache-line aligned. Every head starts
 * empty (its list points to itself), as wait_bit_init() leaves it.
 */
#define WAIT_TABLE_BITS	8
#define WAIT_TABLE_SIZE	(1 << WAIT_TABLE_BITS)
#define GOLDEN_RATIO_64	0x61C8864680B583EBull

struct wait_queue_head {
	spinlock_t lock;
	struct {
		_Atomic(void *) next;
		void *prev;
	} head;
};

static struct wait_queue_head bit_wait_table[WAIT_TABLE_SIZE] __aligned(SMP_CACHE_BYTES);

__attribute__((constructor)) static void wait_bit_init(void)
{
	for (int i = 0; i < WAIT_TABLE_SIZE; i++) {
		spin_lock_init(&bit_wait_table[i].lock);
		atomic_store_explicit(&bit_wait_table[i].head.next, &bit_wait_table[i].head, mo_relaxed);
		bit_wait_table[i].head.prev = &bit_wait_table[i].head;
	}
}

/* hash_ptr() -> hash_64() on 64-bit (include/linux/hash.h). */
static __always_inline unsigned int hash_ptr(const void *ptr, unsigned int bits)
{
	return (unsigned int)(((uint64_t)(uintptr_t)ptr * GOLDEN_RATIO_64) >> (64 - bits));
}

static __always_inline bool waitqueue_active(struct wait_queue_head *wq_head)
{
	return READ_ONCE(wq_head->head.next) != (void *)&wq_head->head;
}

__noinline void wake_up_var(void *var)
{
	struct wait_queue_head *wq_head = bit_wait_table + hash_ptr(var, WAIT_TABLE_BITS);

	/* __wake_up_bit(): __wake_up() if anyone waits; nobody does in the model. */
	BUG_ON(waitqueue_active(wq_head));
}

/* ---- the driver ---- */
void devmap_driver_push(struct devmap_driver *drv, struct page *page)
{
	spin_lock(&drv->lock);
	page->zone_device_data = drv->free_pages;
	drv->free_pages = page;
	drv->nr_free++;
	spin_unlock(&drv->lock);
}

void devmap_driver_page_free(struct page *page)
{
	devmap_driver_push(page->pgmap->owner, page);
}

struct page *devmap_driver_alloc(struct devmap_driver *drv)
{
	struct page *page;

	spin_lock(&drv->lock);
	page = drv->free_pages;
	if (page) {
		drv->free_pages = page->zone_device_data;
		page->zone_device_data = NULL;
		drv->nr_free--;
	}
	spin_unlock(&drv->lock);
	return page;
}

static const struct dev_pagemap_ops devmap_driver_ops = {
	.page_free = devmap_driver_page_free,
};

int devmap_driver_init(struct devmap_driver *drv, enum memory_type type, unsigned long start_pfn,
		       unsigned long nr_pages, const struct dev_pagemap_ops *ops, int idle_count)
{
	unsigned long i;
	int ret;

	memset(drv, 0, sizeof(*drv));
	spin_lock_init(&drv->lock);
	drv->pgmap.type = type;
	drv->pgmap.ops = ops ? ops : &devmap_driver_ops;
	drv->pgmap.start_pfn = start_pfn;
	drv->pgmap.nr_pages = nr_pages;
	drv->pgmap.owner = drv;
	ret = memremap_pages(&drv->pgmap, idle_count);
	if (ret)
		return ret;
	/* Highest pfn pushed first: allocation then hands out ascending pfns. */
	for (i = nr_pages; i-- > 0;)
		devmap_driver_push(drv, pfn_to_page(start_pfn + i));
	return 0;
}

void devmap_driver_destroy(struct devmap_driver *drv)
{
	if (drv->pgmap.ops)
		memunmap_pages(&drv->pgmap);
	drv->pgmap.ops = NULL;
	drv->free_pages = NULL;
	drv->nr_free = 0;
}
