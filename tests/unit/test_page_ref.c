// SPDX-License-Identifier: GPL-2.0
/* page_ref operations: freeze/unfreeze, the speculative grab, get/put, debug checks. */
#include "kernel/mm.h"
#include "rbtest.h"

static struct zone zone;

RB_TEST(freeze_needs_the_exact_count)
{
	struct folio *f;

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	f = folio_alloc(&zone, 4);
	folio_ref_add(f, 2);				/* count 3 */
	CHECK(!folio_ref_freeze(f, 2));			/* unexpected count: fails... */
	CHECK_EQ(folio_ref_count(f), 3);		/* ...and changes nothing */
	CHECK(!folio_ref_freeze(f, 4));
	CHECK_EQ(folio_ref_count(f), 3);
	CHECK(folio_ref_freeze(f, 3));
	CHECK_EQ(folio_ref_count(f), 0);

	/* A frozen count makes every speculative grab fail. */
	CHECK(!folio_ref_try_add(f, 1));
	CHECK(!folio_ref_try_add(f, 512));
	CHECK(!folio_try_get(f));
	CHECK(!page_ref_add_unless(&f->page, 1, 0));
	CHECK_EQ(folio_ref_count(f), 0);

	folio_ref_unfreeze(f, 3);
	CHECK_EQ(folio_ref_count(f), 3);
	CHECK(folio_ref_try_add(f, 5));
	CHECK_EQ(folio_ref_count(f), 8);
	folio_put_refs(f, 7);
	CHECK_EQ(folio_ref_count(f), 1);
	folio_put(f);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(put_to_zero_frees)
{
	struct folio *f;
	unsigned long before;

	memmap_init(1024);
	zone_init(&zone, ZONE_NORMAL, 0, 1024, 10);
	before = zone_free_pages(&zone);
	f = folio_alloc(&zone, 9);
	CHECK_EQ(zone_free_pages(&zone), before - 512);
	folio_get(f);
	get_page(folio_page(f, 100));			/* a tail's get goes to the head */
	CHECK_EQ(folio_ref_count(f), 3);
	CHECK_EQ(page_ref_count(folio_page(f, 100)), 0);
	put_page(folio_page(f, 7));
	CHECK_EQ(folio_ref_count(f), 2);
	CHECK(!folio_put_testzero(f));
	CHECK_EQ(zone_free_pages(&zone), before - 512);	/* not freed while referenced */
	folio_put(f);
	CHECK_EQ(zone_free_pages(&zone), before);
	zone_destroy(&zone);
	memmap_destroy();
}

/*
 * The last references dropped in one folio_put_refs() free the folio (as
 * unpin_user_pages() drops a batch): a put that subtracts but never frees
 * leaks it. One reference short of zero must not free it.
 */
RB_TEST(put_refs_to_zero_frees)
{
	struct folio *f;
	unsigned long before;

	memmap_init(1024);
	zone_init(&zone, ZONE_NORMAL, 0, 1024, 10);
	before = zone_free_pages(&zone);
	f = folio_alloc(&zone, 4);
	folio_ref_add(f, 1023);				/* 1024: a pinned small folio's count */
	folio_put_refs(f, 1023);
	CHECK_EQ(folio_ref_count(f), 1);
	CHECK_EQ(zone_free_pages(&zone), before - 16);	/* not freed at 1 */
	folio_ref_add(f, 1023);
	folio_put_refs(f, 1024);			/* the last 1024 in one go */
	CHECK_EQ(zone_free_pages(&zone), before);
	/* __free_pages() of a non-compound block likewise frees on the last put only. */
	{
		struct page *p = __alloc_pages(&zone, 2, false);

		page_ref_inc(p);
		__free_pages(p, 2);
		CHECK_EQ(zone_free_pages(&zone), before - 4);
		__free_pages(p, 2);
		CHECK_EQ(zone_free_pages(&zone), before);
	}
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(debug_vm_checks_are_live)
{
	struct folio *f;

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	f = folio_alloc(&zone, 0);
	folio_put(f);
	/* Underflow: putting a free page must trip VM_BUG_ON, not pass silently. */
	CHECK_DIES(put_page_testzero(&f->page));
	/* Unfreezing a count that is not frozen. */
	f = folio_alloc(&zone, 0);
	CHECK_DIES(folio_ref_unfreeze(f, 1));
	/* folio_get on a free folio. */
	folio_put(f);
	CHECK_DIES(folio_get(f));
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(freeze_needs_the_exact_count) RBT_CASE(put_to_zero_frees)
	     RBT_CASE(put_refs_to_zero_frees) RBT_CASE(debug_vm_checks_are_live))
