// SPDX-License-Identifier: GPL-2.0
/*
 * Every "is it pinned?" predicate of the pin family at its boundaries
 * (issue 14, class 3):
 * - folio_maybe_dma_pinned(): small folios at _refcount 1023 / 1024 / 1025
 *   (GUP_PIN_COUNTING_BIAS); large folios at _pincount 0 / 1, whatever the
 *   refcount; a pinned page that has lost every other reference (truncated:
 *   no page-cache, no PTE reference) is still pinned, at exactly 1024 (small)
 *   or _pincount 1 (large);
 * - the designs' decisions (pin_ops.page_mkclean_pinned): lock (PG_gup_pinned
 *   and _mapcount beyond the rmap walk's mappings, excess 0 / 1), flag and
 *   flag_fullmb (TestClearPagePin gate, excess 0 / 1, the flag restored only
 *   when pinned), flag_refcount (_refcount 1023 / 1024), bias (as
 *   folio_maybe_dma_pinned).
 */
#include "kernel/gup.h"
#include "pin/pin.h"
#include "rbtest.h"

static struct zone zone;

static void setup(void)
{
	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
}
static void teardown(void)
{
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(small_folio_at_the_bias_boundary)
{
	struct folio *f;

	setup();
	f = folio_alloc(&zone, 0);			/* refcount 1 */
	folio_ref_add(f, 1022);
	CHECK_EQ(folio_ref_count(f), 1023);
	CHECK(!folio_maybe_dma_pinned(f));
	CHECK(!pin_bias_ops.page_mkclean_pinned(f, 0));
	CHECK(!pin_bias_noacct_ops.page_mkclean_pinned(f, 0));
	CHECK(!pin_flag_refcount_ops.page_mkclean_pinned(f, 0));
	folio_ref_inc(f);
	CHECK_EQ(folio_ref_count(f), 1024);
	CHECK(folio_maybe_dma_pinned(f));		/* 1024 plain references read as a pin */
	CHECK(pin_bias_ops.page_mkclean_pinned(f, 0));
	CHECK(pin_bias_noacct_ops.page_mkclean_pinned(f, 0));
	CHECK(pin_flag_refcount_ops.page_mkclean_pinned(f, 0));
	folio_ref_inc(f);
	CHECK_EQ(folio_ref_count(f), 1025);
	CHECK(folio_maybe_dma_pinned(f));
	CHECK(pin_flag_refcount_ops.page_mkclean_pinned(f, 0));
	folio_put_refs(f, 1025);
	teardown();
}

RB_TEST(large_folio_asks_the_exact_pincount)
{
	struct folio *f;

	setup();
	f = folio_alloc(&zone, 4);
	folio_ref_add(f, 2000);				/* many plain references: not a pin */
	CHECK_EQ(atomic_read(&f->_pincount), 0);
	CHECK(!folio_maybe_dma_pinned(f));
	CHECK(!pin_bias_ops.page_mkclean_pinned(f, 0));
	CHECK_EQ(try_grab_page(folio_page(f, 5), FOLL_PIN), 0);
	CHECK_EQ(atomic_read(&f->_pincount), 1);
	CHECK(folio_maybe_dma_pinned(f));
	CHECK(pin_bias_ops.page_mkclean_pinned(f, 0));
	gup_put_folio(f, 1, FOLL_PIN);
	CHECK_EQ(atomic_read(&f->_pincount), 0);
	CHECK(!folio_maybe_dma_pinned(f));
	folio_put_refs(f, 2001);
	teardown();
}

RB_TEST(a_truncated_pinned_page_is_still_pinned)
{
	struct folio *s, *l;
	unsigned long free0;

	setup();
	free0 = zone_free_pages(&zone);
	/* small: the page cache's reference, a pin, then truncate drops the cache's */
	s = folio_alloc(&zone, 0);
	CHECK_EQ(try_grab_page(&s->page, FOLL_PIN), 0);
	folio_put(s);					/* truncate: only the pin is left */
	CHECK_EQ(folio_ref_count(s), 1024);
	CHECK(folio_maybe_dma_pinned(s));
	CHECK(pin_bias_ops.page_mkclean_pinned(s, 0));
	/* large likewise: _refcount 1, _pincount 1 */
	l = folio_alloc(&zone, 4);
	CHECK(try_grab_folio(folio_page(l, 2), 1, FOLL_PIN) == l);
	folio_put(l);
	CHECK_EQ(folio_ref_count(l), 1);
	CHECK(folio_maybe_dma_pinned(l));
	/* the unpins free both */
	gup_put_folio(s, 1, FOLL_PIN);
	gup_put_folio(l, 1, FOLL_PIN);
	CHECK_EQ(zone_free_pages(&zone), free0);
	/* flag_refcount: a pin is BIAS on _refcount (grab 1 + BIAS - 1); truncated: exactly 1024 */
	s = folio_alloc(&zone, 0);
	folio_ref_add(s, GUP_PIN_COUNTING_BIAS);
	folio_put(s);
	CHECK_EQ(folio_ref_count(s), 1024);
	CHECK(pin_flag_refcount_ops.page_mkclean_pinned(s, 0));
	folio_put_refs(s, 1024);
	CHECK_EQ(zone_free_pages(&zone), free0);
	teardown();
}

/* A page mapped once (_mapcount 0); @pins more in _mapcount, as the 2019 designs count pins. */
static struct folio *mapped_page(int pins)
{
	struct folio *f = folio_alloc(&zone, 0);

	atomic_set(&f->page._mapcount, pins);
	return f;
}

RB_TEST(lock_decision_at_its_boundaries)
{
	struct folio *f;

	setup();
	f = mapped_page(0);
	folio_lock(f);
	CHECK(!pin_lock_ops.page_mkclean_pinned(f, 1));	/* no flag */
	folio_set_gup_pinned(f);
	CHECK(!pin_lock_ops.page_mkclean_pinned(f, 1));	/* flag, excess 0: not pinned ... */
	CHECK(!folio_test_gup_pinned(f));			/* ... and the stale flag is cleared */
	folio_set_gup_pinned(f);
	atomic_set(&f->page._mapcount, 1);			/* one pin beyond one mapping */
	CHECK(pin_lock_ops.page_mkclean_pinned(f, 1));
	CHECK(folio_test_gup_pinned(f));
	/* truncated: no mapping left, the pin alone */
	atomic_set(&f->page._mapcount, 0);
	CHECK(pin_lock_ops.page_mkclean_pinned(f, 0));
	folio_unlock(f);
	atomic_set(&f->page._mapcount, -1);
	folio_put(f);
	teardown();
}

static void flag_boundaries(const struct pin_ops *ops)
{
	struct folio *f;

	setup();
	f = mapped_page(1);					/* excess 1 ... */
	folio_lock(f);
	CHECK(!ops->page_mkclean_pinned(f, 1));		/* ... but no PG_pin: the flag gates */
	CHECK(!folio_test_pin(f));
	folio_set_pin(f);
	atomic_set(&f->page._mapcount, 0);			/* PG_pin, excess 0: a stale flag */
	CHECK(!ops->page_mkclean_pinned(f, 1));
	CHECK(!folio_test_pin(f));				/* cleared */
	folio_set_pin(f);
	atomic_set(&f->page._mapcount, 1);			/* PG_pin, excess 1 */
	CHECK(ops->page_mkclean_pinned(f, 1));
	CHECK(folio_test_pin(f));				/* set again: still pinned */
	atomic_set(&f->page._mapcount, 0);			/* truncated: the pin alone */
	CHECK(ops->page_mkclean_pinned(f, 0));
	CHECK(folio_test_pin(f));
	folio_clear_pin(f);
	folio_unlock(f);
	atomic_set(&f->page._mapcount, -1);
	folio_put(f);
	teardown();
}

RB_TEST(flag_decision_at_its_boundaries)
{
	flag_boundaries(&pin_flag_ops);
}

RB_TEST(flag_fullmb_decision_at_its_boundaries)
{
	flag_boundaries(&pin_flag_fullmb_ops);
}

RB_TEST_MAIN(RBT_CASE(small_folio_at_the_bias_boundary) RBT_CASE(large_folio_asks_the_exact_pincount)
	     RBT_CASE(a_truncated_pinned_page_is_still_pinned) RBT_CASE(lock_decision_at_its_boundaries)
	     RBT_CASE(flag_decision_at_its_boundaries) RBT_CASE(flag_fullmb_decision_at_its_boundaries))
