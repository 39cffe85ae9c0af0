// SPDX-License-Identifier: GPL-2.0
/*
 * The pin family's injection sites (src/kernel/inject.h), in the inject
 * build (rb_pin_inject): every variant's unpin and page_mkclean() pin
 * decision reach RB_INJECT_OP(PIN) exactly once per call, and no other site.
 * (The writeback thread's decision is not on the benchmark's timed thread,
 * so the refbench-inject per-iteration counter cannot see it: this test
 * does; tests/inject/test_inject.sh checks the other sites per op.) With the
 * site selected and a delay, a call still returns the same answer.
 */
#include "kernel/gup.h"
#include "kernel/inject.h"
#include "pin/pin.h"
#include "rbtest.h"

static struct zone zone;
static const struct {
	const char *name;
	const struct pin_ops *ops;
	int refs_per_pin;	/* what the variant's unpin drops from _refcount */
	int mapcount;		/* the variant's unpin also drops _mapcount */
} variants[] = {
	{ .name = "lock", .ops = &pin_lock_ops, .refs_per_pin = 1, .mapcount = 1 },
	{ .name = "flag", .ops = &pin_flag_ops, .refs_per_pin = 1, .mapcount = 1 },
	{ .name = "flag_fullmb", .ops = &pin_flag_fullmb_ops, .refs_per_pin = 1, .mapcount = 1 },
	{ .name = "flag_refcount", .ops = &pin_flag_refcount_ops,
	  .refs_per_pin = GUP_PIN_COUNTING_BIAS, .mapcount = 0 },
	{ .name = "bias", .ops = &pin_bias_ops, .refs_per_pin = GUP_PIN_COUNTING_BIAS, .mapcount = 0 },
	{ .name = "bias_noacct", .ops = &pin_bias_noacct_ops,
	  .refs_per_pin = GUP_PIN_COUNTING_BIAS, .mapcount = 0 },
};

static unsigned long hits(enum rb_inject_site s)
{
	return rb_inject_hits[s];
}

static void one_variant(unsigned int i, bool delayed)
{
	struct folio *f = folio_alloc(&zone, 0);	/* refcount 1 */
	struct page *page = &f->page;
	unsigned long pin0 = hits(RB_INJECT_PIN), others0 = 0;
	bool pinned;

	for (int s = 0; s < RB_INJECT_NR_SITES; s++)
		if (s != RB_INJECT_PIN)
			others0 += hits(s);
	/* One pin's worth of references, as the variant's gup would leave them. */
	folio_ref_add(f, variants[i].refs_per_pin);
	if (variants[i].mapcount)
		atomic_inc(&page->_mapcount);
	variants[i].ops->unpin(f, page);
	CHECK_EQ(hits(RB_INJECT_PIN) - pin0, 1);
	CHECK_EQ(folio_ref_count(f), 1);

	CHECK(folio_trylock(f));		/* page_mkclean() runs under the page lock */
	pinned = variants[i].ops->page_mkclean_pinned(f, 0);
	folio_unlock(f);
	CHECK(!pinned);
	CHECK_EQ(hits(RB_INJECT_PIN) - pin0, 2);
	for (int s = 0; s < RB_INJECT_NR_SITES; s++)
		if (s != RB_INJECT_PIN)
			others0 -= hits(s);
	CHECK_EQ(others0, 0);
	if (rbt_failed_checks)
		fprintf(stderr, "  (variant %s, %s)\n", variants[i].name, delayed ? "delayed" : "no delay");
	folio_put(f);
}

RB_TEST(every_pin_variant_reaches_its_sites_once_per_call)
{
	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	for (unsigned int i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		one_variant(i, false);
	/* Selected, 2.5 rounds a hit: the same answers, the same counts. */
	rb_inject.site_mask = 1U << RB_INJECT_PIN;
	rb_inject.rounds_fp = 5ULL << 31;
	for (unsigned int i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		one_variant(i, true);
	rb_inject.site_mask = 0;
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(the_delay_returns_the_pointer_unchanged)
{
	uint64_t x = 0;	/* the delay loads the first word @p points to */
	void *p = &x;

	CHECK(rb_inject_spin(0, p) == p);
	CHECK(rb_inject_spin(1, p) == p);
	CHECK(rb_inject_spin(1023, p) == p);
	CHECK(rb_inject_spin(1024, p) == p);
	CHECK(rb_inject_spin(1025, p) == p);
	CHECK(rb_inject_spin(5000, p) == p);
}

RB_TEST_MAIN(RBT_CASE(every_pin_variant_reaches_its_sites_once_per_call)
	     RBT_CASE(the_delay_returns_the_pointer_unchanged))
