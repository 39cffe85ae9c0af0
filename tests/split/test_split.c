// SPDX-License-Identifier: GPL-2.0
/*
 * split family unit tests (single-threaded, deterministic): the refcount
 * bookkeeping of split and collapse for every variant, -EBUSY on a held
 * reference, the gup-fast grab before and after a split, and the FROZEN-bit
 * primitives, including the tail-at-0 hazard of the 2026 proposal replayed
 * step by step.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "split/gup_fast.h"
#include "split/page_ref_frozen.h"
#include "rbtest.h"

static const struct split_ops *const variants[] = { &split_ops_null, &split_ops_retry, &split_ops_xadd };

static int quiet_check(struct split_mm *sm, unsigned long pmd0, unsigned long mthp0)
{
	return split_check_quiescent(sm, pmd0, mthp0);
}

RB_TEST(split_and_collapse_keep_the_books)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		char err[160];
		struct split_mm *sm = split_mm_create(variants[v], 2, 0, err, sizeof(err));
		unsigned long pmd0, mthp0, a9 = split_slot_addr(0) + 5 * PAGE_SIZE;
		unsigned long a4 = split_slot_addr(1) + 37 * PAGE_SIZE;

		CHECK(sm != NULL);
		if (!sm)
			continue;
		split_count_large(sm, &pmd0, &mthp0);
		CHECK_EQ(pmd0, 1);
		CHECK_EQ(mthp0, 32);
		CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
		for (int round = 0; round < 3; round++) {
			CHECK_EQ(split_toggle(sm, a9), 0);	/* split the THP */
			CHECK_EQ(split_toggle(sm, a4), 0);	/* split an mTHP */
			CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
			CHECK_EQ(split_toggle(sm, a9), 0);	/* collapse */
			CHECK_EQ(split_toggle(sm, a4), 0);
			CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
		}
		CHECK_EQ(atomic_long_read(&sm->cnt.split9_ok), 3);
		CHECK_EQ(atomic_long_read(&sm->cnt.collapse4_ok), 3);
		split_mm_destroy(sm);
	}
}

RB_TEST(a_held_reference_makes_split_and_collapse_fail)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct split_ops *ops = variants[v];
		char err[160];
		struct split_mm *sm = split_mm_create(ops, 2, HPAGE_PMD_ORDER, err, sizeof(err));
		unsigned long pmd0, mthp0, addr = split_slot_addr(1) + 77 * PAGE_SIZE;
		struct split_stats st = { 0 };
		struct folio *folio;
		struct page *page;

		split_count_large(sm, &pmd0, &mthp0);
		folio = ops->grab(sm, addr, 2, &page, &st);
		CHECK_EQ(st.fast, 1);
		CHECK(folio_test_large(folio) && folio_contains_page(folio, page));
		CHECK_EQ(page_to_pfn(page), folio_pfn(folio) + 77);
		CHECK_EQ(folio_ref_count(folio), 3);		/* the PMD + our 2 */
		CHECK_EQ(split_toggle(sm, addr), -EBUSY);	/* can_split_folio() */
		CHECK_EQ(folio_ref_count(folio), 3);
		ops->put_refs(folio, 2);
		CHECK_EQ(split_toggle(sm, addr), 0);

		/* Split: the same address now gives the small folio of the page. */
		folio = ops->grab(sm, addr, 1, &page, &st);
		CHECK_EQ(st.fast, 2);
		CHECK(!folio_test_large(folio) && &folio->page == page);
		CHECK_EQ(folio_ref_count(folio), 2);
		CHECK_EQ(collapse_huge_page_addr(sm, addr), -EBUSY);	/* a small page cannot freeze */
		ops->put_refs(folio, 1);
		CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
		CHECK_EQ(collapse_huge_page_addr(sm, addr), 0);
		/* Not via split_toggle(): book it by hand for the check. */
		atomic_long_inc(&sm->cnt.collapse_ok);
		atomic_long_inc(&sm->cnt.collapse9_ok);
		CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
		CHECK_EQ(split_check_stats(ops, &st), 0);
		split_mm_destroy(sm);
	}
}

RB_TEST(the_slow_path_waits_out_a_migration_entry)
{
	char err[160];
	struct split_mm *sm = split_mm_create(&split_ops_null, 2, HPAGE_PMD_ORDER, err, sizeof(err));
	unsigned long addr = split_slot_addr(0) + 3 * PAGE_SIZE;
	pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
	pmdval_t pmd = pmdp_get(pmdp);
	struct split_stats st = { 0 };
	struct page *page;
	struct folio *folio;

	set_pmd_at(sm->mm, addr, pmdp, make_pmd_migration_entry(pmd_pfn(pmd)));
	CHECK(gup_fast_one(sm, addr, 1, &page, &st, split_ops_null.try_get_folio,
			   split_ops_null.put_refs, true, false) == NULL);
	CHECK_EQ(st.not_present, 1);
	set_pmd_at(sm->mm, addr, pmdp, pmd);
	folio = split_gup_slow(sm, addr, 1, &page, &st);
	CHECK_EQ(page_to_pfn(page), pmd_pfn(pmd) + 3);
	CHECK_EQ(folio_ref_count(folio), 2);
	split_put_refs_cas(folio, 1);
	split_mm_destroy(sm);
}

RB_TEST(frozen_bit_primitives)
{
	struct folio *f;

	memmap_init(8);
	f = (struct folio *)pfn_to_page(2);
	set_page_count(&f->page, 3);
	CHECK(folio_ref_try_add_frozen_bit(f, 2));
	CHECK_EQ(folio_ref_count(f), 5);
	CHECK(!folio_ref_freeze_frozen_bit(f, 3));		/* the expected count only */
	CHECK(folio_ref_freeze_frozen_bit(f, 5));
	CHECK(page_ref_is_frozen_bit(folio_ref_count(f)));
	CHECK(!folio_ref_try_add_frozen_bit(f, 1));		/* fails, leaves junk */
	CHECK(!folio_ref_try_add_frozen_bit(f, 8));
	CHECK_EQ(folio_ref_count(f), PAGEREF_FROZEN_BIT + 9);
	folio_ref_unfreeze_frozen_bit(f, 4);			/* the junk goes */
	CHECK_EQ(folio_ref_count(f), 4);
	CHECK(!folio_ref_sub_and_test_frozen_bit(f, 3));
	CHECK(folio_ref_sub_and_test_frozen_bit(f, 1));	/* last put: 0 -> FROZEN, ours to free */
	CHECK_EQ(folio_ref_count(f), PAGEREF_FROZEN_BIT);
	CHECK(!folio_ref_try_add_frozen_bit(f, 1));		/* a freed page stays ungrabbable */

	/* Junk past the limit is taken back by the grab that sees it. */
	set_page_count(&f->page, (int)(_PAGEREF_FROZEN_LIMIT - 1));
	CHECK(!folio_ref_try_add_frozen_bit(f, 1));
	CHECK_EQ(folio_ref_count(f), PAGEREF_FROZEN_BIT);
	memmap_destroy();
}

/*
 * The "temporary zero" of the proposal: a put that reaches 0 loses to a
 * grab that resurrects it, and the grab's own put then frees. Exactly one
 * of them frees.
 */
RB_TEST(frozen_bit_temporary_zero_frees_once)
{
	struct folio *f;
	int frees = 0;

	memmap_init(8);
	f = (struct folio *)pfn_to_page(2);
	set_page_count(&f->page, 1);
	CHECK(atomic_sub_and_test(1, &f->_refcount));		/* owner: 1 -> 0 ... */
	CHECK(folio_ref_try_add_frozen_bit(f, 1));		/* grab: 0 -> 1, succeeds */
	frees += !atomic_cmpxchg_relaxed(&f->_refcount, 0, PAGEREF_FROZEN_BIT); /* ... owner's CAS loses */
	frees += folio_ref_sub_and_test_frozen_bit(f, 1);	/* the grab's back-out put frees */
	CHECK_EQ(frees, 1);
	CHECK_EQ(folio_ref_count(f), PAGEREF_FROZEN_BIT);
	memmap_destroy();
}

/*
 * The hazard behind Linus's request (b) and David Hildenbrand's "refcount at
 * 0 permanently", replayed: a stale grab (page_folio() read while the page
 * was a small folio) adds on what is now a tail. At 0 (today's tails) the add
 * "succeeds", the back-out put drops it to 0 and wins the CAS: a tail page
 * is freed. At FROZEN (the model's xadd) the add fails and nothing is freed.
 */
RB_TEST(frozen_bit_tail_at_zero_is_freed_by_a_stale_grab)
{
	struct folio *tail;
	bool freed;

	memmap_init(8);
	tail = (struct folio *)pfn_to_page(3);
	set_compound_head(&tail->page, pfn_to_page(2));		/* a tail now */
	set_page_count(&tail->page, 0);
	CHECK(folio_ref_try_add_frozen_bit(tail, 1));		/* the stale grab succeeds */
	CHECK(page_folio(&tail->page) != tail);			/* its re-check fails ... */
	freed = folio_ref_sub_and_test_frozen_bit(tail, 1);	/* ... and its put frees a tail */
	CHECK(freed);

	set_page_count(&tail->page, PAGEREF_FROZEN_BIT);
	CHECK(!folio_ref_try_add_frozen_bit(tail, 1));		/* FROZEN tail: NULL, no put */
	CHECK(page_ref_is_frozen_bit(page_ref_count(&tail->page)));
	memmap_destroy();
}

/*
 * No false sharing between the grab loop's reads and the splitter's writes:
 * the read-mostly fields (mm, nr_map_pages, slot_order, ops, nr_held,
 * violation) on line 0 of a cache-line aligned struct, the zone and the
 * counters each from a line of their own, slot_order[] on its own line after
 * the struct. The offsets are static-asserted in split.h; this prints them
 * and checks what only a run can: the allocation's alignment.
 */
#define LINE_OF(field)	(offsetof(struct split_mm, field) / SMP_CACHE_BYTES)
#define LAST_LINE_OF(field)						\
	((offsetof(struct split_mm, field) + sizeof(((struct split_mm *)0)->field) - 1) / \
	 SMP_CACHE_BYTES)

RB_TEST(split_mm_read_mostly_fields_share_no_line_with_the_splitters_writes)
{
	char err[160];
	struct split_mm *sm = split_mm_create(&split_ops_null, 16, 0, err, sizeof(err));
	size_t hot_end = offsetof(struct split_mm, violation) + sizeof(sm->violation);

	CHECK(sm != NULL);
	if (!sm)
		return;
	printf("split_mm: mm %zu, pgd %zu, nr_map_pages %zu, slot_order %zu, ops %zu, nslots %zu, "
	       "nr_held %zu, violation %zu (read-mostly, ends at %zu); zone %zu (+%zu: lock %zu, "
	       "nr_free_pages %zu, free_area %zu); cnt %zu (split_ok %zu), zone_start %zu, "
	       "stop %zu; held %zu; sizeof %zu; slot_order[] at +%zu\n",
	       offsetof(struct split_mm, mm), offsetof(struct split_mm, pgd),
	       offsetof(struct split_mm, nr_map_pages),
	       offsetof(struct split_mm, slot_order), offsetof(struct split_mm, ops),
	       offsetof(struct split_mm, nslots), offsetof(struct split_mm, nr_held),
	       offsetof(struct split_mm, violation), hot_end,
	       offsetof(struct split_mm, zone), sizeof(struct zone),
	       offsetof(struct zone, lock), offsetof(struct zone, nr_free_pages),
	       offsetof(struct zone, free_area), offsetof(struct split_mm, cnt),
	       offsetof(struct split_mm, cnt.split_ok), offsetof(struct split_mm, zone_start),
	       offsetof(struct split_mm, stop), offsetof(struct split_mm, held),
	       sizeof(struct split_mm), (size_t)(sm->slot_order - (unsigned char *)sm));
	/* The grab loop's reads: all on line 0. */
	CHECK_EQ(LINE_OF(mm), 0);
	CHECK_EQ(LAST_LINE_OF(pgd), 0);
	CHECK_EQ(LAST_LINE_OF(nr_map_pages), 0);
	CHECK_EQ(LAST_LINE_OF(slot_order), 0);
	CHECK_EQ(LAST_LINE_OF(ops), 0);
	CHECK_EQ(LAST_LINE_OF(violation), 0);
	/* What the splitter writes: from line 1 on, the zone and the counters apart. */
	CHECK_EQ(offsetof(struct split_mm, zone) % SMP_CACHE_BYTES, 0);
	CHECK(LINE_OF(zone) >= 1);
	CHECK_EQ(offsetof(struct split_mm, cnt) % SMP_CACHE_BYTES, 0);
	CHECK(LINE_OF(cnt) > LAST_LINE_OF(zone));
	CHECK(LAST_LINE_OF(stop) < LINE_OF(held));
	CHECK_EQ(offsetof(struct split_mm, held) % SMP_CACHE_BYTES, 0);
	/* ... and at run time, the allocation is aligned and slot_order[] is past it. */
	CHECK_EQ((uintptr_t)sm % SMP_CACHE_BYTES, 0);
	CHECK_EQ((uintptr_t)sm->slot_order % SMP_CACHE_BYTES, 0);
	CHECK((size_t)(sm->slot_order - (unsigned char *)sm) >= sizeof(*sm));
	for (unsigned long i = 0; i < sm->nslots; i++)
		CHECK(sm->slot_order[i] == HPAGE_PMD_ORDER || sm->slot_order[i] == SPLIT_MTHP_ORDER);
	split_mm_destroy(sm);
}


/* ---- the grab's fixed work (issue 13 item 3; docs/split.md) ---- */

/* A try_get that grabs with the variant's own and then changes the PMD: the re-check must fail. */
static const struct split_ops *recheck_ops;
static pmd_t *recheck_pmdp;
static struct folio *try_get_then_change_pmd(struct page *page, int refs, struct split_stats *st)
{
	struct folio *folio = recheck_ops->try_get_folio(page, refs, st);

	if (folio)
		set_pmd_at(NULL, 0, recheck_pmdp, pmdp_get(recheck_pmdp) ^ _PAGE_RW);
	return folio;
}

/*
 * gup_fast_pmd_leaf() / gup_fast_pte_range() set PG_referenced after the
 * re-check: on every successful fast grab (PMD- and PTE-mapped), never on a
 * frozen folio, never when the re-check fails.
 */
RB_TEST(a_fast_grab_sets_referenced_a_failed_one_does_not)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct split_ops *ops = variants[v];
		char err[160];
		struct split_mm *sm = split_mm_create(ops, 2, HPAGE_PMD_ORDER, err, sizeof(err));
		unsigned long addr = split_slot_addr(0) + 9 * PAGE_SIZE;
		pmd_t *pmdp = mm_pmd_slot(sm->mm, addr);
		pmdval_t pmd = pmdp_get(pmdp);
		struct folio *folio = page_folio(pmd_page(pmd)), *got;
		struct split_stats st = { 0 };
		struct page *page;

		/* PMD-mapped: one successful grab, the bit is set. */
		folio_clear_referenced(folio);
		got = gup_fast_one(sm, addr, 1, &page, &st, ops->try_get_folio, ops->put_refs, true, 0);
		CHECK(got == folio);
		CHECK(folio_test_referenced(folio));
		ops->put_refs(folio, 1);

		/* A frozen folio: NULL, the bit stays clear, the count untouched. */
		folio_clear_referenced(folio);
		CHECK(ops->ref_freeze(folio, 1));
		CHECK(gup_fast_one(sm, addr, 1, &page, &st, ops->try_get_folio, ops->put_refs,
				   true, 0) == NULL);
		CHECK(!folio_test_referenced(folio));
		ops->ref_unfreeze(folio, 1);
		CHECK_EQ(folio_ref_count(folio), 1);

		/* The re-check fails: the refs go back, the bit stays clear. */
		recheck_ops = ops;
		recheck_pmdp = pmdp;
		CHECK(gup_fast_one(sm, addr, 1, &page, &st, try_get_then_change_pmd, ops->put_refs,
				   true, 0) == NULL);
		CHECK_EQ(st.recheck_fail, 1);
		CHECK(!folio_test_referenced(folio));
		CHECK_EQ(folio_ref_count(folio), 1);
		set_pmd_at(sm->mm, addr, pmdp, pmd);

		/* PTE-mapped (after a split): the small folio's bit is set. */
		CHECK_EQ(split_toggle(sm, addr), 0);
		folio = page_folio(mm_follow_page(sm->mm, addr));
		CHECK(!folio_test_large(folio));
		folio_clear_referenced(folio);
		got = gup_fast_one(sm, addr, 1, &page, &st, ops->try_get_folio, ops->put_refs, true, 0);
		CHECK(got == folio);
		CHECK(folio_test_referenced(folio));
		ops->put_refs(folio, 1);
		CHECK_EQ(st.fast, 2);
		split_mm_destroy(sm);
	}
}

/* gup_fast_pgd_range() / gup_fast_p4d_range(): the walk starts at the PGD. */
RB_TEST(the_fast_walk_reads_the_pgd)
{
	char err[160];
	struct split_mm *sm = split_mm_create(&split_ops_retry, 2, HPAGE_PMD_ORDER, err, sizeof(err));
	unsigned long addr = split_slot_addr(1) + 3 * PAGE_SIZE;
	pgd_t *pgdp = pgd_offset_pgd(sm->pgd, addr);
	pgdval_t pgd = pgdp_get(pgdp);
	struct split_stats st = { 0 };
	struct page *page;
	struct folio *folio;

	WRITE_ONCE(pgdp->pgd, 0);	/* pgd_none(): gup-fast must give up */
	CHECK(gup_fast_one(sm, addr, 1, &page, &st, split_ops_retry.try_get_folio,
			   split_ops_retry.put_refs, true, 0) == NULL);
	CHECK_EQ(st.not_present, 1);
	WRITE_ONCE(pgdp->pgd, pgd & ~_PAGE_PRESENT);	/* !p4d_present() (the folded P4D) */
	CHECK(gup_fast_one(sm, addr, 1, &page, &st, split_ops_retry.try_get_folio,
			   split_ops_retry.put_refs, true, 0) == NULL);
	CHECK_EQ(st.not_present, 2);
	WRITE_ONCE(pgdp->pgd, pgd);
	folio = gup_fast_one(sm, addr, 1, &page, &st, split_ops_retry.try_get_folio,
			     split_ops_retry.put_refs, true, 0);
	CHECK(folio != NULL && st.fast == 1);
	if (folio)
		split_put_refs_cas(folio, 1);
	split_mm_destroy(sm);
}

/*
 * try_get_folio()'s WARN_ON_ONCE(folio_ref_count(folio) < 0): null and retry
 * warn (fatal in CONFIG_DEBUG_VM: caught here through rb_vm_bug_hook) and
 * never add on a negative count, where atomic_add_unless(, , 0) alone would
 * succeed; xadd returns NULL on a count it sees frozen without its
 * fetch_add (no junk).
 */
static sigjmp_buf warn_jmp;
static int warn_seen;
static void on_warn(const char *report)
{
	(void)report;
	warn_seen++;
	siglongjmp(warn_jmp, 1);
}

RB_TEST(try_get_folio_checks_for_a_negative_count_first)
{
	struct split_stats st = { 0 };
	struct folio *f;

	memmap_init(8);
	f = (struct folio *)pfn_to_page(2);
	for (int v = 0; v < 2; v++) {
		const struct split_ops *ops = v ? &split_ops_retry : &split_ops_null;

		set_page_count(&f->page, -5);
		warn_seen = 0;
		rb_vm_bug_hook = on_warn;
		if (!sigsetjmp(warn_jmp, 1))
			CHECK(ops->try_get_folio(&f->page, 1, &st) == NULL);
		rb_vm_bug_hook = NULL;
		CHECK_EQ(warn_seen, 1);
		CHECK_EQ(folio_ref_count(f), -5);
	}
	set_page_count(&f->page, PAGEREF_FROZEN_BIT | 3);
	CHECK(split_ops_xadd.try_get_folio(&f->page, 1, &st) == NULL);
	CHECK_EQ(folio_ref_count(f), PAGEREF_FROZEN_BIT | 3);	/* no fetch_add, no junk */
	CHECK_EQ(st.null_frozen, 1);
	memmap_destroy();
}

/*
 * local_irq_save()'s pushf; pop really reads the flags (IF is set in
 * userspace), so local_irq_restore() takes its sti branch as the kernel's
 * does on every gup-fast call.
 */
RB_TEST(local_irq_save_reads_the_flags)
{
#if defined(__x86_64__)
	unsigned long flags;

	local_irq_save(flags);
	CHECK(flags & X86_EFLAGS_IF);
	local_irq_restore(flags);
#endif
}


/*
 * The benchmark's splitter step (issue 13 item 4): a split and the collapse
 * straight back, so the mapping mix after any number of steps is the one
 * before (every slot large), and each step books one split and one collapse.
 */
RB_TEST(a_split_pair_restores_the_mapping_mix)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		char err[160];
		struct split_mm *sm = split_mm_create(variants[v], 4, 0, err, sizeof(err));
		unsigned long pmd0, mthp0, pmd, mthp;
		uint64_t rng = 12345;

		split_count_large(sm, &pmd0, &mthp0);
		for (int i = 0; i < 50; i++)
			CHECK_EQ(split_pair(sm, split_random_addr(sm, &rng)), 0);
		split_count_large(sm, &pmd, &mthp);
		CHECK_EQ(pmd, pmd0);
		CHECK_EQ(mthp, mthp0);
		CHECK_EQ(atomic_long_read(&sm->cnt.split_ok), 50);
		CHECK_EQ(atomic_long_read(&sm->cnt.collapse_ok), 50);
		CHECK_EQ(quiet_check(sm, pmd0, mthp0), 0);
		split_mm_destroy(sm);
	}
}


/*
 * Issue 14 class 2, deterministically: the proposal's last put
 * (folio_ref_sub_and_test_frozen_bit() via the xadd put) reaches 0, and a
 * grab lands in the temporary zero before the 0 -> FROZEN cmpxchg
 * (split_frozen_put_window, a test-build hook). The grab must succeed and
 * keep a live folio; the owner's put must not free; the grab's own put then
 * frees it, exactly once (split_last_put() in last-put mode).
 */
static struct folio *window_grabbed;
static struct split_stats window_st;
static void grab_in_the_temporary_zero(struct folio *folio)
{
	split_frozen_put_window = NULL;	/* once */
	CHECK_EQ(folio_ref_count(folio), 0);
	window_grabbed = split_ops_xadd.try_get_folio(&folio->page, 1, &window_st);
}

RB_TEST(xadd_last_put_raced_by_a_grab_in_the_temporary_zero_frees_once)
{
	char err[160];
	struct split_mm *sm = split_mm_create(&split_ops_xadd, 2, HPAGE_PMD_ORDER, err, sizeof(err));
	unsigned long free0 = zone_free_pages(&sm->zone), freed0 = split_last_put_freed;
	struct folio *folio = folio_alloc(&sm->zone, 0);	/* a small folio, count 1: its owner's */

	CHECK(folio != NULL && folio_ref_count(folio) == 1);
	split_last_put_frees = true;
	split_frozen_put_window = grab_in_the_temporary_zero;
	split_ops_xadd.put_refs(folio, 1);			/* the owner's last put ... */
	CHECK(window_grabbed == folio);				/* ... raced by a grab that won */
	CHECK_EQ(split_last_put_freed - freed0, 0);		/* the owner lost the cmpxchg */
	CHECK_EQ(folio_ref_count(folio), 1);			/* the grab's reference, live */
	CHECK_EQ(zone_free_pages(&sm->zone), free0 - 1);
	split_ops_xadd.put_refs(folio, 1);			/* the grab's put: the free is its */
	CHECK_EQ(split_last_put_freed - freed0, 1);
	CHECK_EQ(zone_free_pages(&sm->zone), free0);
	CHECK_EQ(atomic_long_read(&split_bad_puts), 0);
	split_last_put_frees = false;
	split_frozen_put_window = NULL;
	split_mm_destroy(sm);
}

/* The same last put with no grab in the window: the owner's put frees, once. */
RB_TEST(xadd_last_put_alone_frees)
{
	char err[160];
	struct split_mm *sm = split_mm_create(&split_ops_xadd, 2, HPAGE_PMD_ORDER, err, sizeof(err));
	unsigned long free0 = zone_free_pages(&sm->zone), freed0 = split_last_put_freed;
	struct folio *folio = folio_alloc(&sm->zone, 0);

	split_last_put_frees = true;
	split_ops_xadd.put_refs(folio, 1);
	CHECK_EQ(split_last_put_freed - freed0, 1);
	CHECK_EQ(zone_free_pages(&sm->zone), free0);
	split_last_put_frees = false;
	split_mm_destroy(sm);
}

RB_TEST_MAIN(RBT_CASE(split_and_collapse_keep_the_books)
	     RBT_CASE(a_held_reference_makes_split_and_collapse_fail)
	     RBT_CASE(the_slow_path_waits_out_a_migration_entry)
	     RBT_CASE(frozen_bit_primitives)
	     RBT_CASE(frozen_bit_temporary_zero_frees_once)
	     RBT_CASE(frozen_bit_tail_at_zero_is_freed_by_a_stale_grab)
	     RBT_CASE(split_mm_read_mostly_fields_share_no_line_with_the_splitters_writes)
	     RBT_CASE(a_fast_grab_sets_referenced_a_failed_one_does_not)
	     RBT_CASE(the_fast_walk_reads_the_pgd)
	     RBT_CASE(try_get_folio_checks_for_a_negative_count_first)
	     RBT_CASE(local_irq_save_reads_the_flags)
	     RBT_CASE(a_split_pair_restores_the_mapping_mix)
	     RBT_CASE(xadd_last_put_raced_by_a_grab_in_the_temporary_zero_frees_once)
	     RBT_CASE(xadd_last_put_alone_frees))
