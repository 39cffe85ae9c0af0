// SPDX-License-Identifier: GPL-2.0
/*
 * refbench split family, the workload: the variants list, the modelled
 * address space's set-up (split_mm_create), the random addresses the
 * grabbers use, the splitter's step (split_toggle for the stress tests,
 * split_pair for the benchmark) and the splitter thread at its rate. The
 * kernel functions it drives are split_model.c; the checks split_checks.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gup_fast.h"
#include "page_ref_frozen.h"

const struct split_ops *const split_variants[] = {
	&split_ops_null, &split_ops_retry, &split_ops_xadd, NULL,
};

const struct split_ops *split_find_variant(const char *name)
{
	for (const struct split_ops *const *o = split_variants; *o; o++)
		if (!strcmp((*o)->name, name))
			return *o;
	return NULL;
}
unsigned long split_random_addr(struct split_mm *sm, uint64_t *rng)
{
	uint64_t r = split_rand(rng);
	unsigned long idx = r & (sm->nr_map_pages - 1);

	/* One time in four, the first page of a (possible) folio: reuse as a head. */
	if (((r >> 40) & 3) == 0)
		idx &= sm->slot_order[idx >> HPAGE_PMD_ORDER] == HPAGE_PMD_ORDER ?
		       ~(unsigned long)(HPAGE_PMD_NR - 1) : ~(unsigned long)(SPLIT_MTHP_NR - 1);
	return SPLIT_BASE + (idx << PAGE_SHIFT);
}
/* The splitter is the only thread changing page tables, so this peek is stable. */
static bool split_addr_is_large(struct split_mm *sm, unsigned long addr)
{
	pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
	pmdval_t pmd = pmdp_get(pmdp);
	pteval_t pte;

	if (pmd_leaf(pmd))
		return true;
	if (split_addr_order(sm, addr) == HPAGE_PMD_ORDER)
		return false;
	pte = ptep_get(mm_pte_table(sm->mm, pmdp) + pte_index(addr));
	return folio_test_large(page_folio(pte_page(pte)));
}

int split_toggle(struct split_mm *sm, unsigned long addr)
{
	struct split_counts *c = &sm->cnt;
	bool pmd = split_addr_order(sm, addr) == HPAGE_PMD_ORDER;
	int rc;

	if (split_addr_is_large(sm, addr)) {
		rc = split_huge_page_addr(sm, addr);
		if (!rc) {
			atomic_long_inc(&c->split_ok);
			atomic_long_inc(pmd ? &c->split9_ok : &c->split4_ok);
		} else if (rc == -EBUSY) {
			atomic_long_inc(&c->split_ebusy);
		}
	} else {
		rc = collapse_huge_page_addr(sm, addr);
		if (!rc) {
			atomic_long_inc(&c->collapse_ok);
			atomic_long_inc(pmd ? &c->collapse9_ok : &c->collapse4_ok);
		} else if (rc == -EBUSY) {
			atomic_long_inc(&c->collapse_ebusy);
		} else if (rc == -ENOMEM) {
			atomic_long_inc(&c->collapse_enomem);
		}
	}
	return rc;
}

#define SPLIT_PAIR_COLLAPSE_TRIES	1000

int split_pair(struct split_mm *sm, unsigned long addr)
{
	int rc;

	if (!split_addr_is_large(sm, addr))
		return -EAGAIN;	/* only after a collapse gave up: leave it to the next pair */
	rc = split_toggle(sm, addr);
	if (rc)
		return rc;
	/* Collapse it back; -EBUSY while a grab holds one of the small pages. */
	for (int i = 0; i < SPLIT_PAIR_COLLAPSE_TRIES; i++) {
		rc = split_toggle(sm, addr);
		if (rc != -EBUSY)
			break;
		sched_yield();
	}
	return rc;
}

/* ---- the splitter thread ---- */

static void *split_splitter_fn(void *arg)
{
	struct split_mm *sm = arg;
	uint64_t rng = sm->seed | 1;
	long period = sm->rate > 0 ? 1000000000L / sm->rate : 0;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&sm->stop, mo_relaxed)) {
		unsigned long idx = split_rand(&rng) & (sm->nr_map_pages - 1);

		if (sm->pairs)
			split_pair(sm, SPLIT_BASE + (idx << PAGE_SHIFT));
		else
			split_toggle(sm, SPLIT_BASE + (idx << PAGE_SHIFT));
		if (period) {
			struct timespec now;

			next.tv_nsec += period;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			/* More than 10 ms behind: do not burst to catch up. */
			if ((now.tv_sec - next.tv_sec) * 1000000000L + now.tv_nsec - next.tv_nsec > 10000000L)
				next = now;
			else
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	return NULL;
}

int split_splitter_start(struct split_mm *sm, long rate)
{
	int err;

	if (!rate)
		return 0;
	sm->rate = rate;
	atomic_store(&sm->stop, false);
	err = pthread_create(&sm->splitter, NULL, split_splitter_fn, sm);
	if (err)
		return -err;
	sm->splitter_running = true;
	return 0;
}

void split_splitter_stop(struct split_mm *sm)
{
	if (!sm->splitter_running)
		return;
	atomic_store(&sm->stop, true);
	pthread_join(sm->splitter, NULL);
	sm->splitter_running = false;
}
/* ---- set-up ---- */

/*
 * One cache-line aligned allocation (rb_model_alloc: page aligned, on the
 * placement's node): the struct, then slot_order[] from a line of its own, so
 * that the grabs' reads of it share no line with the splitter's writes (see
 * struct split_mm).
 */
static size_t split_mm_slot_order_offset(void)
{
	return ALIGN(sizeof(struct split_mm), (size_t)SMP_CACHE_BYTES);
}

static size_t split_mm_bytes(unsigned long nslots)
{
	return split_mm_slot_order_offset() + ALIGN((size_t)nslots, (size_t)SMP_CACHE_BYTES);
}

struct split_mm *split_mm_create(const struct split_ops *ops, unsigned long nslots, int order,
				 char *err, size_t errlen)
{
	struct split_mm *sm;
	unsigned long slot;

	if (!nslots || (nslots & (nslots - 1)) || nslots > 256) {
		snprintf(err, errlen, "split: slots must be a power of two in 1..256, not %lu", nslots);
		return NULL;
	}
	if (order != 0 && order != HPAGE_PMD_ORDER && order != SPLIT_MTHP_ORDER) {
		snprintf(err, errlen, "split: order must be %d or %d (0: both), not %d",
			 SPLIT_MTHP_ORDER, HPAGE_PMD_ORDER, order);
		return NULL;
	}
	sm = rb_model_alloc(split_mm_bytes(nslots));
	if (!sm)
		goto nomem;
	memset(sm, 0, split_mm_bytes(nslots));	/* the placements' allocator need not zero */
	sm->ops = ops;
	sm->nslots = nslots;
	sm->nr_map_pages = nslots * HPAGE_PMD_NR;
	sm->slot_order = (unsigned char *)sm + split_mm_slot_order_offset();
	/* Past pfn 0; two spare PMD-sized blocks, so collapse can allocate before it frees. */
	sm->zone_start = HPAGE_PMD_NR;
	sm->zone_pages = sm->nr_map_pages + 2 * HPAGE_PMD_NR;
	sm->seed = 0x9e3779b97f4a7c15ULL;
	if (memmap_init(sm->zone_start + sm->zone_pages))
		goto nomem_free;
	zone_init(&sm->zone, ZONE_NORMAL, sm->zone_start, sm->zone_pages, HPAGE_PMD_ORDER);
	sm->mm = mm_create(SPLIT_BASE, nslots * PMD_SIZE);
	if (!sm->mm)
		goto nomem_memmap;
	sm->pgd = rb_model_alloc(PTRS_PER_PGD * sizeof(pgd_t));
	if (!sm->pgd)
		goto nomem_mm;
	memset(sm->pgd, 0, PTRS_PER_PGD * sizeof(pgd_t));
	pgd_populate_pud(pgd_offset_pgd(sm->pgd, SPLIT_BASE), sm->mm->pud);

	for (slot = 0; slot < nslots; slot++) {
		unsigned long addr = split_slot_addr(slot);
		pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
		struct folio *folio;

		sm->slot_order[slot] = order ? order : (slot & 1) ? SPLIT_MTHP_ORDER : HPAGE_PMD_ORDER;
		if (sm->slot_order[slot] == HPAGE_PMD_ORDER) {
			folio = folio_alloc(&sm->zone, HPAGE_PMD_ORDER);
			BUG_ON(!folio);
			ops->prep_new_folio(folio);
			atomic_set(&folio->_entire_mapcount, 0);
			set_pmd_at(sm->mm, addr, pmdp, pfn_pmd(folio_pfn(folio), PAGE_SHARED));
		} else {
			pte_t *table = mm_pte_table(sm->mm, pmdp);

			for (long g = 0; g < PTRS_PER_PTE; g += SPLIT_MTHP_NR) {
				folio = folio_alloc(&sm->zone, SPLIT_MTHP_ORDER);
				BUG_ON(!folio);
				ops->prep_new_folio(folio);
				folio_ref_add(folio, SPLIT_MTHP_NR - 1);
				split_map_ptes(sm, addr + g * PAGE_SIZE, table + g, folio_pfn(folio),
					       SPLIT_MTHP_NR);
			}
			pmd_populate(sm->mm, pmdp, table);
		}
	}
	return sm;

nomem_mm:
	mm_destroy(sm->mm);
nomem_memmap:
	zone_destroy(&sm->zone);
	memmap_destroy();
nomem_free:
	rb_model_free(sm, split_mm_bytes(nslots));
nomem:
	snprintf(err, errlen, "split: out of memory for %lu slots", nslots);
	return NULL;
}

void split_mm_destroy(struct split_mm *sm)
{
	if (!sm)
		return;
	split_splitter_stop(sm);
	rb_model_free(sm->pgd, PTRS_PER_PGD * sizeof(pgd_t));
	mm_destroy(sm->mm);
	zone_destroy(&sm->zone);
	memmap_destroy();
	rb_model_free(sm, split_mm_bytes(sm->nslots));
}
