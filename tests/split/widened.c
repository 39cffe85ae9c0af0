// SPDX-License-Identifier: GPL-2.0
/*
 * The real variants in widened mode, compiled only into the split tests:
 * the very templates the benchmark's null, retry and xadd instantiate
 * (src/split/try_get_folio.h), with @widen SPLIT_WIDEN_ALL (gup_fast.h).
 * split_widen() then sched_yield()s
 *   - after the lockless walk, before try_get_folio() (gup_fast_one);
 *   - between page_folio() and the speculative add;
 *   - between the add and the page_folio() re-check;
 *   - between the grab and the PMD/PTE re-check (gup_fast_one);
 *   - in the splitter, between can_split_folio() and the freeze
 *     (ops->widen, split_model.c);
 * so that a split or collapse really lands in each window and the NULL,
 * retry, put-back and re-check paths run thousands of times a run, not once
 * per 10^6 grabs. split_stress --widen --variant V selects V_wide.
 * The broken retry_noput and null_noput (broken.c) prove those paths are
 * now checked.
 */
#include "split/try_get_folio.h"
#include "broken.h"

static __always_inline struct folio *try_get_folio_null_wide(struct page *page, int refs,
							      struct split_stats *st)
{
	return __try_get_folio_null(page, refs, st, SPLIT_WIDEN_ALL);
}

static __always_inline struct folio *try_get_folio_retry_wide(struct page *page, int refs,
							       struct split_stats *st)
{
	return __try_get_folio_retry(page, refs, st, SPLIT_WIDEN_ALL);
}

static __always_inline struct folio *try_get_folio_xadd_wide(struct page *page, int refs,
							      struct split_stats *st)
{
	return __try_get_folio_xadd(page, refs, st, SPLIT_WIDEN_ALL);
}

/* As try_get_folio_{null,retry,xadd}.c, but widen (the 11th argument) is SPLIT_WIDEN_ALL. */
DEFINE_SPLIT_VARIANT(null_wide, try_get_folio_null_wide, split_put_refs_cas, split_put_refs_cas,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, SPLIT_WIDEN_ALL, false);
DEFINE_SPLIT_VARIANT(retry_wide, try_get_folio_retry_wide, split_put_refs_cas, split_put_refs_cas,
		     split_freeze_cas, split_unfreeze_cas, split_prep_cas, split_free_frozen_cas,
		     false, true, SPLIT_WIDEN_ALL, true);
DEFINE_SPLIT_VARIANT(xadd_wide, try_get_folio_xadd_wide, split_put_refs_xadd, split_put_refs_xadd,
		     split_freeze_xadd, split_unfreeze_xadd, split_prep_xadd, split_free_frozen_xadd,
		     true, true, SPLIT_WIDEN_ALL, true);

const struct split_ops *const split_widened_variants[] = {
	&split_ops_null_wide, &split_ops_retry_wide, &split_ops_xadd_wide, NULL,
};
