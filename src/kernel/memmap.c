// SPDX-License-Identifier: GPL-2.0
/* refbench kernel model: the memmap, model memory, VM_BUG_ON reporting. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mm.h"

struct page *vmemmap;
unsigned long max_pfn;
static size_t memmap_bytes;

#define MODEL_HPAGE	(2UL << 20)

/*
 * Model memory of 2 MiB or more is mapped 2 MiB aligned, so that the whole of
 * it can be backed by transparent huge pages (below).
 */
static void *mmap_alloc(size_t bytes)
{
	size_t len = bytes >= MODEL_HPAGE ? bytes + MODEL_HPAGE : bytes;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	if (p == MAP_FAILED)
		return NULL;
	if (len == bytes)
		return p;
	q = (char *)(((uintptr_t)p + MODEL_HPAGE - 1) & ~(MODEL_HPAGE - 1));
	if (q > p)
		munmap(p, q - p);
	munmap(q + bytes, (p + len) - (q + bytes));
	return q;
}

static void mmap_free(void *p, size_t bytes)
{
	munmap(p, bytes);
}

static void *(*model_alloc)(size_t) = mmap_alloc;
static void (*model_free)(void *, size_t) = mmap_free;

/*
 * The kernel's memmap of ordinary memory is PMD-mapped on x86-64
 * (vmemmap_populate_hugepages()), page tables and gup_test's pages[] live in
 * the direct map (1 GiB / 2 MiB entries). Userspace gets that with THP:
 * every 2 MiB-aligned stretch of model memory is madvise(MADV_HUGEPAGE)d
 * (Debian's THP mode is "madvise"). Besides the TLB, it makes a 16 GiB
 * cell's set-up (a 256 MiB memmap) fault 2 MiB at a time instead of 4 KiB
 * (docs/grab.md, "Model memory"). Where THP is off, or no huge page is free,
 * the memory is 4 KiB pages as before: nothing fails.
 */
static void model_memory_advise(void *p, size_t bytes)
{
	uintptr_t start = ((uintptr_t)p + MODEL_HPAGE - 1) & ~(MODEL_HPAGE - 1);
	uintptr_t end = ((uintptr_t)p + bytes) & ~(MODEL_HPAGE - 1);

	if (p && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

void *rb_model_alloc(size_t bytes)
{
	void *p = model_alloc(bytes);

	model_memory_advise(p, bytes);
	return p;
}

static void (*model_rebind)(void *, size_t);

void rb_model_set_rebind(void (*rebind)(void *, size_t)) { model_rebind = rebind; }

void rb_model_remapped(void *p, size_t bytes)
{
	model_memory_advise(p, bytes);
	if (model_rebind)
		model_rebind(p, bytes);
}
void rb_model_free(void *p, size_t bytes) { if (p) model_free(p, bytes); }

void rb_model_set_allocator(void *(*alloc)(size_t), void (*free)(void *, size_t))
{
	model_alloc = alloc ? alloc : mmap_alloc;
	model_free = free ? free : mmap_free;
}

void (*rb_vm_bug_hook)(const char *report);

void rb_bug(const char *cond, const char *file, int line, const char *func)
{
	fprintf(stderr, "refbench: kernel BUG at %s:%d in %s(): %s\n", file, line, func, cond);
	abort();
}

void rb_vm_bug(const char *cond, const char *file, int line, const char *func)
{
	char report[512];

	snprintf(report, sizeof(report), "kernel BUG at %s:%d in %s(): %s", file, line, func, cond);
	fprintf(stderr, "refbench: %s\n", report);
	if (rb_vm_bug_hook)
		rb_vm_bug_hook(report);
	abort();
}

int memmap_init(unsigned long nr_pages)
{
	size_t bytes = nr_pages * sizeof(struct page);
	unsigned long pfn;

	BUG_ON(vmemmap != NULL);
	vmemmap = rb_model_alloc(bytes);
	if (!vmemmap)
		return -ENOMEM;
	memmap_bytes = bytes;
	max_pfn = nr_pages;
	for (pfn = 0; pfn < nr_pages; pfn++) {
		struct page *page = pfn_to_page(pfn);

		atomic_store_explicit(&page->flags, BIT(PG_reserved), mo_relaxed);
		atomic_store_explicit(&page->compound_head, 0, mo_relaxed);
		page_mapcount_reset(page);
		set_page_count(page, 0);
	}
	return 0;
}

void memmap_destroy(void)
{
	rb_model_free(vmemmap, memmap_bytes);
	vmemmap = NULL;
	max_pfn = 0;
	memmap_bytes = 0;
}

int folio_mapcount(struct folio *folio)
{
	long i, nr;
	int mapcount;

	if (likely(!folio_test_large(folio)))
		return atomic_read(&folio->_mapcount) + 1;
	/* folio_total_mapcount(); the kernel skips the loop via _nr_pages_mapped. */
	mapcount = atomic_read(&folio->_entire_mapcount) + 1;
	nr = folio_nr_pages(folio);
	for (i = 0; i < nr; i++)
		mapcount += atomic_read(&folio_page(folio, i)->_mapcount) + 1;
	return mapcount;
}

void free_zone_device_page(struct page *page)
{
	BUG_ON(!page->pgmap || !page->pgmap->ops || !page->pgmap->ops->page_free);
	page->pgmap->ops->page_free(page);
}
