// SPDX-License-Identifier: GPL-2.0
/* refbench kernel model: the memmap, model memory, VM_BUG_ON reporting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mm.h"

struct page *vmemmap;
unsigned long max_pfn;
static size_t memmap_bytes;

static void *mmap_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void mmap_free(void *p, size_t bytes)
{
	munmap(p, bytes);
}

static void *(*model_alloc)(size_t) = mmap_alloc;
static void (*model_free)(void *, size_t) = mmap_free;

void *rb_model_alloc(size_t bytes) { return model_alloc(bytes); }
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
