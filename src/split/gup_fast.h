/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench split family: the gup-fast walk of one page (mm/gup.c,
 * gup_fast_pmd_leaf() and gup_fast_pte_range()), as always_inline templates
 * that each variant instantiates with its own try_get_folio and put, so that
 * every call in the benchmark's loop is direct and inlined.
 *
 * The grab's fixed work, as the kernel of each variant's era pays it (issue
 * 13 item 3; docs/split.md, "The grab's fixed work"): lockless_pages_from_mm()
 * saves and restores IRQs around the walk (src/kernel/irqflags.h: pushf/pop
 * and the IF test are paid, cli/sti cannot run at CPL 3); the walk starts at
 * the PGD and reads the (folded) P4D (gup_fast_pgd_range(),
 * gup_fast_p4d_range(); src/kernel/pgd.h); gup_fast_pte_range() and
 * gup_fast_pmd_leaf() set PG_referenced with an atomic bit op after the
 * re-check (SetPageReferenced() in v5.15's gup_pte_range()/gup_huge_pmd(),
 * folio_set_referenced() since the folio conversion); try_get_folio() keeps
 * its WARN_ON_ONCE(folio_ref_count(folio) < 0) load (try_get_folio.h).
 *
 * Userspace differences: IRQs off in the kernel also hold off the TLB-flush
 * IPI of pmdp_collapse_flush() and page-table freeing; the model never frees
 * page tables, and collapse freezes every small page instead of relying on
 * the IPI (see split_model.c).
 */
#ifndef RB_SPLIT_GUP_FAST_H
#define RB_SPLIT_GUP_FAST_H

#include <sched.h>

#include "kernel/irqflags.h"
#include "kernel/pgd.h"
#include "split.h"

typedef struct folio *(*split_try_get_fn)(struct page *page, int refs, struct split_stats *st);
typedef void (*split_put_fn)(struct folio *folio, int refs);

/*
 * Test builds only (the broken variants, and the widened instances of the
 * real ones in tests/split/widened.c): make the race windows wide enough that
 * the stress test hits them every run (a sched_yield() lets the splitter run).
 * Every variant the benchmark runs passes a constant 0: no code at all.
 *   SPLIT_WIDEN_GRAB  yield after the lockless walk and between page_folio()
 *                     and the speculative add (and, through ops->widen, in
 *                     the splitter between can_split_folio() and the freeze);
 *   SPLIT_WIDEN_HOLD  also yield while holding a reference not yet verified:
 *                     between the add and the page_folio() re-check, and
 *                     between the grab and the PMD/PTE re-check.
 * The broken variants that break the splitter's side (freeze_nocount) use
 * GRAB only: with HOLD the grabber holds its reference long before the stress
 * test can publish it, so check E, the check meant to catch it, would see it
 * less often than check C or a VM_BUG_ON of the model.
 */
#define SPLIT_WIDEN_GRAB	1U
#define SPLIT_WIDEN_HOLD	2U
#define SPLIT_WIDEN_ALL		(SPLIT_WIDEN_GRAB | SPLIT_WIDEN_HOLD)

static __always_inline void split_widen(bool widen)
{
	if (widen)
		sched_yield();
}

/*
 * gup_fast_one(): walk PGD -> P4D -> PUD -> PMD (READ_ONCE) -> PTE
 * (READ_ONCE) with IRQs saved and disabled, grab the folio of the page, then
 * re-check the entries walked and back out with put_backout() if they
 * changed (gup_put_folio() in the kernel), else set PG_referenced. NULL:
 * gup-fast failed, take the slow path. @recheck false is the broken
 * "re-check removed" variant; @put_backout is the variant's put everywhere
 * but in the broken "leak" (tests/split/broken.c), where it alone does
 * nothing.
 */
static __always_inline struct folio *
__gup_fast_one(struct split_mm *sm, unsigned long addr, int refs, struct page **pagep,
	       struct split_stats *st, split_try_get_fn try_get, split_put_fn put_backout,
	       bool recheck, unsigned int widen)
{
	/* gup_fast_pgd_range(): pgd_offset(current->mm, addr), READ_ONCE(*pgdp). */
	pgd_t *pgdp = pgd_offset_pgd(sm->pgd, addr);
	pgdval_t pgd = pgdp_get(pgdp);
	p4d_t *p4dp;
	p4dval_t p4d;
	pudval_t pud;
	struct folio *folio;
	struct page *page;
	pmd_t *pmdp;
	pmdval_t pmd;

	if (unlikely(pgd_none(pgd) || pgd_leaf(pgd)))
		goto not_present;
	/* gup_fast_p4d_range(): p4d_offset_lockless(), READ_ONCE(*p4dp) (the PGD entry again). */
	p4dp = p4d_offset_lockless(pgdp, pgd, addr);
	p4d = p4dp_get(p4dp);
	if (unlikely(!p4d_present(p4d)))
		goto not_present;
	/* gup_fast_pud_range(): pud_offset_lockless(), READ_ONCE(*pudp). */
	pud = pudp_get(pud_offset_lockless(p4dp, p4d, addr));
	if (unlikely(!pud_present(pud) || pud_leaf(pud)))
		goto not_present;
	pmdp = pmd_offset(pud, addr);
	pmd = pmdp_get_lockless(pmdp);
	if (!pmd_present(pmd))
		goto not_present;	/* none, or a migration entry: split in progress */
	if (pmd_leaf(pmd)) {
		/* gup_fast_pmd_leaf() */
		page = nth_page(pmd_page(pmd), (addr & ~PMD_MASK) >> PAGE_SHIFT);
		split_widen(widen & SPLIT_WIDEN_GRAB);
		folio = try_get(page, refs, st);
		if (!folio)
			return NULL;
		split_widen(widen & SPLIT_WIDEN_HOLD);	/* a split or collapse before the re-check */
		if (recheck && unlikely(!pmd_same(pmd, pmdp_get(pmdp))))
			goto back_out;
	} else {
		/* gup_fast_pte_range() */
		pte_t *ptep = pte_offset_map(pmd, addr);
		pteval_t pte = ptep_get_lockless(ptep);

		if (!pte_present(pte))
			goto not_present;
		page = pte_page(pte);
		split_widen(widen & SPLIT_WIDEN_GRAB);
		folio = try_get(page, refs, st);
		if (!folio)
			return NULL;
		split_widen(widen & SPLIT_WIDEN_HOLD);
		/* Since v6.5 both the PMD and the PTE are re-checked. */
		if (recheck && unlikely(!pmd_same(pmd, pmdp_get(pmdp)) ||
					!pte_same(pte, ptep_get(ptep))))
			goto back_out;
	}
	/*
	 * gup_fast_pmd_leaf() / gup_fast_pte_range(): folio_set_referenced()
	 * (SetPageReferenced() in v5.15), an atomic lock or on the folio's flags
	 * line, once the re-check passed: every successful fast grab, never a
	 * failed one.
	 */
	folio_set_referenced(folio);
	st->fast++;
	*pagep = page;
	return folio;

back_out:
	st->recheck_fail++;
	put_backout(folio, refs);
	return NULL;
not_present:
	st->not_present++;
	return NULL;
}

/* lockless_pages_from_mm(): local_irq_save(); gup_fast_pgd_range(); local_irq_restore(). */
static __always_inline struct folio *
gup_fast_one(struct split_mm *sm, unsigned long addr, int refs, struct page **pagep,
	     struct split_stats *st, split_try_get_fn try_get, split_put_fn put_backout,
	     bool recheck, unsigned int widen)
{
	unsigned long flags;
	struct folio *folio;

	local_irq_save(flags);
	folio = __gup_fast_one(sm, addr, refs, pagep, st, try_get, put_backout, recheck, widen);
	local_irq_restore(flags);
	return folio;
}

/*
 * DEFINE_SPLIT_VARIANT(name, try_get, put, put_backout, freeze, unfreeze, prep,
 *                      free, frozen_bit, recheck, widen, retry):
 * the grab (gup-fast, slow path on failure), its batch loop, and
 * split_ops_<name>. @put: ops->put_refs, every put of a grab's or the
 * splitter's references; @put_backout: gup-fast's back-out put after a failed
 * PMD/PTE re-check only (the same function as @put, but for the broken
 * "leak"). @widen: SPLIT_WIDEN_* (0 for the benchmark). @retry: try_get
 * retries on a changed folio (else it returns NULL), for split_check_stats().
 */
#define DEFINE_SPLIT_VARIANT(_name, _try_get, _put, _put_backout, _freeze, _unfreeze,	\
			     _prep, _free, _frozen_bit, _recheck, _widen, _retry)	\
static __always_inline struct folio *							\
split_grab_inline_##_name(struct split_mm *sm, unsigned long addr, int refs,		\
			  struct page **pagep, struct split_stats *st)			\
{											\
	struct folio *folio = gup_fast_one(sm, addr, refs, pagep, st, _try_get,	\
					   _put_backout, _recheck, _widen);		\
											\
	st->grabs++;									\
	if (likely(folio))								\
		return folio;								\
	return split_gup_slow(sm, addr, refs, pagep, st);				\
}											\
static struct folio *split_grab_##_name(struct split_mm *sm, unsigned long addr,	\
					int refs, struct page **pagep,			\
					struct split_stats *st)				\
{											\
	return split_grab_inline_##_name(sm, addr, refs, pagep, st);			\
}											\
/* The timed loop: one call per batch, everything in it inlined. */			\
static void split_grab_batch_##_name(struct split_mm *sm, uint64_t n, int refs,	\
				     struct split_stats *st, uint64_t *rng)		\
{											\
	for (; n; n--) {								\
		struct page *page;							\
		struct folio *folio;							\
											\
		folio = split_grab_inline_##_name(sm, split_random_addr(sm, rng), refs,	\
						  &page, st);				\
		_put(folio, refs);							\
	}										\
}											\
const struct split_ops split_ops_##_name = {						\
	.name = #_name,									\
	.grab = split_grab_##_name,							\
	.try_get_folio = _try_get,							\
	.put_refs = _put,								\
	.ref_freeze = _freeze,								\
	.ref_unfreeze = _unfreeze,							\
	.prep_new_folio = _prep,							\
	.free_frozen = _free,								\
	.grab_batch = split_grab_batch_##_name,						\
	.frozen_bit = _frozen_bit,							\
	.widen = (_widen) != 0,							\
	.retry_on_change = _retry,							\
}

/* ---- the cmpxchg-to-0 refcount of today's kernel (null, retry) ---- */

/* folio_put_refs(); a put reaching zero is a bug in this model (split_last_put). */
static __always_inline void split_put_refs_cas(struct folio *folio, int refs)
{
	if (unlikely(folio_ref_sub_and_test(folio, refs)))
		split_last_put(folio);
}
static inline bool split_freeze_cas(struct folio *folio, int count)
{
	return folio_ref_freeze(folio, count);
}
static inline void split_unfreeze_cas(struct folio *folio, int count)
{
	folio_ref_unfreeze(folio, count);
}
static inline void split_prep_cas(struct folio *folio)
{
	(void)folio;	/* tails keep the 0 that free_pages_prepare() checked */
}
static inline void split_free_frozen_cas(struct folio *folio)
{
	free_frozen_pages(&folio->page, 0);
}

#endif
