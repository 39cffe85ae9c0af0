// SPDX-License-Identifier: GPL-2.0
/*
 * refbench split family, the checks: the held-reference check the splitter
 * runs after every successful freeze (check E of the stress test), and the
 * invariants at quiescence (every mapped folio's count equals its mappings,
 * ownerless pages carry the "no owner" count, the buddy holds exactly the
 * unmapped pages, the split/collapse books add up) and of the grabbers'
 * counters. The model is split_model.c; the workload split_workload.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gup_fast.h"
#include "page_ref_frozen.h"

static void split_report(struct split_mm *sm, const char *what)
{
	atomic_long_inc(&sm->violations);
	if (sm->violation)
		sm->violation(sm, what);
}

/* Right after a successful freeze: no grabber may hold a reference on @folio. */
void split_check_held(struct split_mm *sm, struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), nr = folio_nr_pages(folio);

	for (unsigned int t = 0; t < sm->nr_held; t++) {
		unsigned long h = atomic_load_explicit(&sm->held[t], mo_full);

		if (h && h - 1 >= pfn && h - 1 < pfn + nr)
			split_report(sm, "E: a freeze succeeded over a held grab reference");
	}
}
/* ---- checks at quiescence ---- */

#define QPROBLEM(...)	do { fprintf(stderr, "split: " __VA_ARGS__); fputc('\n', stderr); problems++; } while (0)

/* The count of a page nobody owns: a tail, or a free page. */
static bool split_ownerless_count_ok(const struct split_ops *ops, int v, bool tail)
{
	if (!ops->frozen_bit)
		return v == 0;
	/* FROZEN plus the junk of failed grabs; a never-used free page may still be 0. */
	return (v & PAGEREF_FROZEN_BIT) || (!tail && v == 0);
}

static int split_check_folio(struct split_mm *sm, struct folio *folio, unsigned int order,
			     int mappings, bool pmd_mapped, unsigned char *mapped)
{
	long i, nr = 1L << order;
	int problems = 0;
	unsigned long pfn = folio_pfn(folio);

	if (PageTail(&folio->page) || (order ? !folio_test_large(folio) || folio_order(folio) != order
					     : folio_test_large(folio)))
		QPROBLEM("pfn %lu: expected a folio of order %u", pfn, order);
	if (folio_ref_count(folio) != mappings)
		QPROBLEM("pfn %lu (order %u): refcount %d, expected %d (its mappings)", pfn, order,
			 folio_ref_count(folio), mappings);
	if (order && atomic_read(&folio->_entire_mapcount) != (pmd_mapped ? 0 : -1))
		QPROBLEM("pfn %lu: entire mapcount %d", pfn, atomic_read(&folio->_entire_mapcount) + 1);
	for (i = 0; i < nr; i++) {
		struct page *p = folio_page(folio, i);

		if (p - vmemmap < (long)sm->zone_start || p - vmemmap >= (long)(sm->zone_start + sm->zone_pages)) {
			QPROBLEM("pfn %lu outside the zone", pfn + i);
			return problems;
		}
		if (mapped[pfn + i - sm->zone_start]++)
			QPROBLEM("pfn %lu mapped twice", pfn + i);
		if (page_mapcount(p) != (pmd_mapped ? 0 : 1))
			QPROBLEM("pfn %lu: mapcount %d", pfn + i, page_mapcount(p));
		if (i && compound_head(p) != &folio->page)
			QPROBLEM("pfn %lu: compound_head does not point at its head %lu", pfn + i, pfn);
		if (i && !split_ownerless_count_ok(sm->ops, page_ref_count(p), true))
			QPROBLEM("tail pfn %lu: refcount %#x", pfn + i, (unsigned int)page_ref_count(p));
	}
	return problems;
}

void split_count_large(struct split_mm *sm, unsigned long *nr_pmd, unsigned long *nr_mthp)
{
	*nr_pmd = *nr_mthp = 0;
	for (unsigned long slot = 0; slot < sm->nslots; slot++) {
		pmd_t *pmdp = mm_pmd_slot(sm->mm, split_slot_addr(slot));
		pmdval_t pmd = pmdp_get(pmdp);

		if (pmd_leaf(pmd)) {
			(*nr_pmd)++;
		} else if (pmd_present(pmd)) {
			pte_t *table = pmd_page_vaddr(pmd);

			for (long i = 0; i < PTRS_PER_PTE; i++) {
				pteval_t pte = ptep_get(table + i);

				if (pte_present(pte) && folio_test_large(page_folio(pte_page(pte))) &&
				    !PageTail(pte_page(pte)))
					(*nr_mthp)++;
			}
		}
	}
}

int split_check_quiescent(struct split_mm *sm, unsigned long nr_pmd_before, unsigned long nr_mthp_before)
{
	const struct split_ops *ops = sm->ops;
	struct split_counts *c = &sm->cnt;
	unsigned char *mapped = calloc(sm->zone_pages, 1);
	unsigned long nr_pmd, nr_mthp, nr_free;
	int problems = 0;

	if (!mapped) {
		QPROBLEM("out of memory");
		return problems;
	}
	for (unsigned long slot = 0; slot < sm->nslots; slot++) {
		unsigned long addr = split_slot_addr(slot);
		pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
		pmdval_t pmd = pmdp_get(pmdp);

		if (pmd_leaf(pmd)) {
			problems += split_check_folio(sm, page_folio(pmd_page(pmd)), HPAGE_PMD_ORDER, 1,
						      true, mapped);
			if (sm->slot_order[slot] != HPAGE_PMD_ORDER)
				QPROBLEM("slot %lu: a PMD mapping in an mTHP slot", slot);
			continue;
		}
		if (!pmd_present(pmd)) {
			QPROBLEM("slot %lu: PMD %#lx left behind (none or migration entry)", slot, pmd);
			continue;
		}
		for (long i = 0; i < PTRS_PER_PTE;) {
			pteval_t pte = ptep_get(pmd_page_vaddr(pmd) + i);
			struct folio *folio;
			unsigned int order;

			if (!pte_present(pte)) {
				QPROBLEM("slot %lu pte %ld: %#lx left behind", slot, i, pte);
				i++;
				continue;
			}
			folio = page_folio(pte_page(pte));
			order = folio_order(folio);
			if (order && (&folio->page != pte_page(pte) || order != SPLIT_MTHP_ORDER ||
				      sm->slot_order[slot] != SPLIT_MTHP_ORDER)) {
				QPROBLEM("slot %lu pte %ld: maps into a folio of order %u at an unexpected place",
					 slot, i, order);
				i++;
				continue;
			}
			for (long j = 1; j < (1L << order); j++)
				if (ptep_get(pmd_page_vaddr(pmd) + i + j) != pfn_pte(pte_pfn(pte) + j, PAGE_SHARED))
					QPROBLEM("slot %lu pte %ld: mTHP not mapped in order", slot, i + j);
			problems += split_check_folio(sm, folio, order, 1 << order, false, mapped);
			i += 1L << order;
		}
	}
	for (unsigned long i = 0; i < sm->zone_pages; i++) {
		int v = page_ref_count(pfn_to_page(sm->zone_start + i));

		if (!mapped[i] && !split_ownerless_count_ok(ops, v, false))
			QPROBLEM("unmapped pfn %lu: refcount %#x (leaked reference?)",
				 sm->zone_start + i, (unsigned int)v);
	}
	free(mapped);

	nr_free = zone_free_pages(&sm->zone);
	if (nr_free != sm->zone_pages - sm->nr_map_pages)
		QPROBLEM("the buddy holds %lu free pages, expected %lu (leak or double free)",
			 nr_free, sm->zone_pages - sm->nr_map_pages);
	split_count_large(sm, &nr_pmd, &nr_mthp);
	if (nr_pmd != nr_pmd_before + atomic_long_read(&c->collapse9_ok) - atomic_long_read(&c->split9_ok))
		QPROBLEM("%lu PMD THPs, expected %lu + %ld collapses - %ld splits", nr_pmd, nr_pmd_before,
			 atomic_long_read(&c->collapse9_ok), atomic_long_read(&c->split9_ok));
	if (nr_mthp != nr_mthp_before + atomic_long_read(&c->collapse4_ok) - atomic_long_read(&c->split4_ok))
		QPROBLEM("%lu mTHPs, expected %lu + %ld collapses - %ld splits", nr_mthp, nr_mthp_before,
			 atomic_long_read(&c->collapse4_ok), atomic_long_read(&c->split4_ok));
	if (atomic_long_read(&c->split_ok) != atomic_long_read(&c->split9_ok) + atomic_long_read(&c->split4_ok) ||
	    atomic_long_read(&c->collapse_ok) != atomic_long_read(&c->collapse9_ok) + atomic_long_read(&c->collapse4_ok))
		QPROBLEM("split/collapse totals do not add up");
	if (atomic_long_read(&split_bad_puts))
		QPROBLEM("%ld puts dropped a folio to zero (a put too many)", atomic_long_read(&split_bad_puts));
	return problems;
}

void split_stats_add(struct split_stats *sum, const struct split_stats *st)
{
	sum->grabs += st->grabs;
	sum->fast += st->fast;
	sum->slow += st->slow;
	sum->retries += st->retries;
	sum->null_changed += st->null_changed;
	sum->null_frozen += st->null_frozen;
	sum->recheck_fail += st->recheck_fail;
	sum->not_present += st->not_present;
	sum->slow_waits += st->slow_waits;
}

int split_check_stats(const struct split_ops *ops, const struct split_stats *st)
{
	int problems = 0;
	bool retry = ops->retry_on_change;

	if (st->grabs != st->fast + st->slow)
		QPROBLEM("%lu grabs != %lu fast + %lu slow", st->grabs, st->fast, st->slow);
	if (st->slow != st->null_frozen + st->null_changed + st->recheck_fail + st->not_present)
		QPROBLEM("%lu slow-path grabs != %lu frozen NULL + %lu changed NULL + %lu re-check + %lu not present",
			 st->slow, st->null_frozen, st->null_changed, st->recheck_fail, st->not_present);
	if (retry && st->null_changed)
		QPROBLEM("%s returned NULL %lu times on a changed folio: it retries", ops->name,
			 st->null_changed);
	if (!retry && st->retries)
		QPROBLEM("%s retried %lu times: it returns NULL", ops->name, st->retries);
	return problems;
}
