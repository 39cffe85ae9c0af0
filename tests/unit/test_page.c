// SPDX-License-Identifier: GPL-2.0
/* struct page / folio layout, compound_head encoding, flags, zones. */
#include "kernel/mm.h"
#include "rbtest.h"

static struct zone zone;

static void setup(unsigned long nr)
{
	CHECK_EQ(memmap_init(nr), 0);
	zone_init(&zone, ZONE_NORMAL, 0, nr, 10);
}

static void teardown(void)
{
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(layout)
{
	CHECK_EQ(sizeof(struct page), 64);
	CHECK_EQ(_Alignof(struct page), 64);
	/* _pincount and _entire_mapcount live in the first tail page's cache line. */
	CHECK(offsetof(struct folio, _pincount) >= 64 && offsetof(struct folio, _pincount) < 128);
	CHECK(offsetof(struct folio, _entire_mapcount) >= 64);
	CHECK_EQ(offsetof(struct folio, _refcount), offsetof(struct page, _refcount));
	setup(64);
	CHECK_EQ((uintptr_t)vmemmap % 64, 0);
	CHECK_EQ(page_to_pfn(pfn_to_page(37)), 37);
	CHECK_EQ((char *)pfn_to_page(1) - (char *)pfn_to_page(0), 64);
	teardown();
}

static void check_compound(unsigned int order)
{
	struct folio *folio = folio_alloc(&zone, order);
	unsigned long nr = 1UL << order, i;

	CHECK(folio != NULL);
	if (!folio)
		return;
	CHECK_EQ(folio_pfn(folio) % nr, 0);		/* naturally aligned */
	CHECK(folio_test_large(folio));
	CHECK(PageHead(&folio->page));
	CHECK(!PageTail(&folio->page));
	CHECK_EQ(folio_order(folio), order);
	CHECK_EQ(folio_nr_pages(folio), (long)nr);
	CHECK_EQ(folio_ref_count(folio), 1);
	CHECK_EQ(atomic_read(&folio->_pincount), 0);
	CHECK_EQ(atomic_read(&folio->_entire_mapcount), -1);
	for (i = 0; i < nr; i++) {
		struct page *p = folio_page(folio, i);

		CHECK(page_folio(p) == folio);		/* round trip through compound_head */
		CHECK(compound_head(p) == &folio->page);
		CHECK(folio_contains_page(folio, p));
		if (i) {
			CHECK(PageTail(p));
			CHECK_EQ(READ_ONCE(p->compound_head), (unsigned long)folio | 1);
			CHECK_EQ(page_ref_count(p), 0);
		}
		CHECK_EQ(page_count(p), 1);		/* page_count() reads the head */
	}
	CHECK(!folio_contains_page(folio, folio_page(folio, nr)));
	folio_put(folio);
	/* After the free, the tails are plain pages again. */
	for (i = 1; i < nr; i++)
		CHECK(!PageTail(folio_page(folio, i)));
	CHECK(!PageHead(&folio->page));
}

RB_TEST(compound_head_round_trip)
{
	setup(4096);
	check_compound(1);
	check_compound(4);
	check_compound(9);
	teardown();
}

RB_TEST(order0_folio)
{
	struct folio *folio;

	setup(16);
	folio = folio_alloc(&zone, 0);
	CHECK(folio && !folio_test_large(folio));
	CHECK_EQ(folio_order(folio), 0);
	CHECK_EQ(folio_nr_pages(folio), 1);
	CHECK(page_folio(&folio->page) == folio);
	folio_put(folio);
	teardown();
}

RB_TEST(page_flags_and_zone)
{
	struct page *p;

	setup(16);
	p = pfn_to_page(3);
	CHECK_EQ(page_zonenum(p), ZONE_NORMAL);
	set_page_zone(p, ZONE_DEVICE);
	CHECK(is_zone_device_page(p));
	SetPageDirty(p);
	CHECK(PageDirty(p));
	CHECK_EQ(page_zonenum(p), ZONE_DEVICE);	/* flag ops keep the zone bits */
	CHECK(TestClearPageDirty(p));
	CHECK(!TestClearPageDirty(p));
	CHECK(!TestSetPageWriteback(p));
	CHECK(PageWriteback(p));
	ClearPageWriteback(p);
	CHECK(!PageWriteback(p));
	set_page_zone(p, ZONE_NORMAL);
	CHECK(!is_zone_device_page(p));
	teardown();
}

RB_TEST(mapcount)
{
	struct folio *f;

	setup(64);
	f = folio_alloc(&zone, 2);
	CHECK_EQ(folio_mapcount(f), 0);
	atomic_inc(&f->_entire_mapcount);		/* a PMD-level mapping */
	CHECK_EQ(folio_mapcount(f), 1);
	atomic_inc(&folio_page(f, 3)->_mapcount);	/* a PTE mapping of page 3 */
	CHECK_EQ(folio_mapcount(f), 2);
	CHECK_EQ(page_mapcount(folio_page(f, 3)), 1);
	atomic_dec(&folio_page(f, 3)->_mapcount);
	atomic_dec(&f->_entire_mapcount);
	folio_put(f);
	teardown();
}

RB_TEST_MAIN(RBT_CASE(layout) RBT_CASE(compound_head_round_trip) RBT_CASE(order0_folio)
	     RBT_CASE(page_flags_and_zone) RBT_CASE(mapcount))
