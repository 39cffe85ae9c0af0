// SPDX-License-Identifier: GPL-2.0
/*
 * pin: the workload every design shares (see pin.h): the file (folios in the
 * page cache, mapped by a shared writable mapping), the simulated DMA / I/O
 * time, the race windows of the test builds, and the writeback thread with
 * its rate. The kernel functions are pin_model.c; the checks pin_checks.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pin.h"

/* A file's address_space, only as the value of folio->mapping. */
static struct { int unused; } pin_mapping;

void pin_spin_ns(unsigned int ns)
{
	struct timespec t0, t;

	if (!ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		cpu_relax();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < (long)ns);
}

/* Widened stress mode: writeback yields between page_mkclean() and set_page_writeback(). */
void pin_wb_window(struct pin_file *pf)
{
	if (pf->wb_widen) {
		pin_spin_ns(1000);
		sched_yield();
	}
}

void pin_widen(void)
{
	pin_spin_ns(300);
	sched_yield();
}

/*
 * Every other call only: a wait that finds writeback makes the caller back
 * off, and the paths past the back-off must run too.
 */
static _Thread_local unsigned int pin_widen_calls;

void pin_widen_until_writeback(struct folio *folio)
{
	if (++pin_widen_calls & 1) {
		pin_widen();
		return;
	}
	for (int i = 0; i < 40 && !folio_test_writeback(folio); i++) {
		pin_spin_ns(300);
		sched_yield();
	}
}

void pin_widen_until_locked(struct folio *folio)
{
	if (++pin_widen_calls & 1) {
		pin_widen();
		return;
	}
	for (int i = 0; i < 40 && !folio_test_locked(folio); i++) {
		pin_spin_ns(300);
		sched_yield();
	}
}

void pin_widen_untargeted(void)
{
	if (pin_widen_calls & 1)
		pin_widen();
}

void pin_race_window(void)
{
	/* Long enough for the writeback thread to get through a decision. */
	pin_spin_ns(2000);
	sched_yield();
}

struct pin_file *pin_file_create(const struct pin_ops *ops, unsigned int order,
				 unsigned int nr_folios, char *err, size_t errlen)
{
	struct pin_file *pf;
	unsigned long nr = 1UL << order, i, j, size;

	if (order > HPAGE_PMD_ORDER || !nr_folios || nr_folios > 65536) {
		snprintf(err, errlen, "pin: order %u / %u folios out of range", order, nr_folios);
		return NULL;
	}
	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		snprintf(err, errlen, "pin: out of memory");
		return NULL;
	}
	pf->ops = ops;
	pf->order = order;
	pf->nr_folios = nr_folios;
	pf->nr_pages = nr_folios * nr;
	pf->folios = calloc(nr_folios, sizeof(*pf->folios));
	if (!pf->folios || memmap_init(pf->nr_pages)) {
		free(pf->folios);
		free(pf);
		snprintf(err, errlen, "pin: cannot allocate the memmap");
		return NULL;
	}
	zone_init(&pf->zone, ZONE_NORMAL, 0, pf->nr_pages, order);
	size = ALIGN(pf->nr_pages << PAGE_SHIFT, PMD_SIZE);
	pf->mm = mm_create(PIN_BASE, size);
	if (!pf->mm) {
		snprintf(err, errlen, "pin: cannot allocate the page tables");
		pin_file_destroy(pf);
		return NULL;
	}
	for (i = 0; i < size; i += PMD_SIZE) {
		pmd_t *pmdp = mm_pmd_slot(pf->mm, PIN_BASE + i);

		pmd_populate(pf->mm, pmdp, mm_pte_table(pf->mm, pmdp));
	}
	for (i = 0; i < nr_folios; i++) {
		/* filemap_add_folio(): the page cache's reference is the allocation's. */
		struct folio *folio = folio_alloc(&pf->zone, order);

		BUG_ON(!folio);
		pf->folios[i] = folio;
		folio->mapping = (struct address_space *)&pin_mapping;
		folio->index = i * nr;
		folio_set_uptodate(folio);
		folio_set_lru(folio);
		folio_set_dirty(folio);
		/* A written shared mapping: writable, dirty PTEs (finish_fault, set_pte_range). */
		for (j = 0; j < nr; j++) {
			struct page *page = folio_page(folio, j);
			unsigned long addr = pin_page_addr(folio->index + j);
			pte_t *ptep = mm_pte_table(pf->mm, mm_pmd_slot(pf->mm, addr)) + pte_index(addr);

			atomic_inc(&page->_mapcount);
			set_pte_at(pf->mm, addr, ptep, pfn_pte(page_to_pfn(page), PAGE_SHARED | _PAGE_DIRTY));
		}
		folio_ref_add(folio, nr);
		if (folio_test_large(folio))
			atomic_set(&folio->_nr_pages_mapped, nr);
	}
	pin_check_init(pf);
	return pf;
}

void pin_file_destroy(struct pin_file *pf)
{
	if (!pf)
		return;
	pin_writeback_stop(pf);
	mm_destroy(pf->mm);
	zone_destroy(&pf->zone);
	memmap_destroy();
	free(pf->folios);
	free(pf);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

struct wb_arg {
	struct pin_file *pf;
	unsigned int nr_threads;
};
static struct wb_arg wb_arg;

static void *pin_writeback_main(void *arg)
{
	struct wb_arg *a = arg;
	struct pin_file *pf = a->pf;
	uint64_t t0 = now_ns(), done = 0;
	unsigned int i = 0;

	while (!atomic_load_explicit(&pf->wb_stop, mo_relaxed)) {
		if (pf->wb_rate > 0) {
			uint64_t due = (now_ns() - t0) * (uint64_t)pf->wb_rate / 1000000ULL;

			if (done >= due) {
				struct timespec ts = { 0, (long)(1000000L / pf->wb_rate) };

				nanosleep(&ts, NULL);
				continue;
			}
		}
		atomic_store_explicit(&pf->wb.visits, atomic_load_explicit(&pf->wb.visits, mo_relaxed) + 1,
				      mo_relaxed);
		pin_writeback_folio(pf, pf->folios[i], a->nr_threads);
		if (++i == pf->nr_folios)
			i = 0;
		done++;
	}
	return NULL;
}

int pin_writeback_start(struct pin_file *pf, unsigned int nr_threads)
{
	BUG_ON(pf->wb_started || nr_threads > PIN_MAX_THREADS);
	atomic_store_explicit(&pf->wb_stop, false, mo_relaxed);
	wb_arg.pf = pf;
	wb_arg.nr_threads = nr_threads;
	if (pthread_create(&pf->wb_thread, NULL, pin_writeback_main, &wb_arg))
		return -EAGAIN;
	pf->wb_started = true;
	return 0;
}

void pin_writeback_stop(struct pin_file *pf)
{
	if (!pf->wb_started)
		return;
	atomic_store_explicit(&pf->wb_stop, true, mo_relaxed);
	pthread_join(pf->wb_thread, NULL);
	pf->wb_started = false;
}

