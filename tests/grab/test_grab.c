// SPDX-License-Identifier: GPL-2.0
/*
 * grab family unit tests: both gup-fast variants over every leaf kind return
 * the right pages and take exactly the references the merged design says
 * (FOLL_GET: one per page; FOLL_PIN: GUP_PIN_COUNTING_BIAS on a small folio,
 * refcount + pincount on a large one); both unpins give exactly those back;
 * holes and bad arguments stop the walk cleanly.
 */
#include <errno.h>

#include "grab/grab.h"
#include "rbtest.h"

typedef long (*gup_fn)(struct mm_struct *, unsigned long, unsigned long, unsigned int,
		       struct page **, enum gup_pgmap_lookup);

static const struct { const char *name; gup_fn fn; } variants[] = {
	{ "subpage", gup_fast_subpage },
	{ "grouped", gup_fast_grouped },
};

static int *snap_ref, *snap_pin;

/* What the page table maps at @addr (a locked-free reference walk). */
static struct page *expected_page(struct mm_struct *mm, unsigned long addr)
{
	return mm_follow_page(mm, addr);
}

static void snapshot(void)
{
	unsigned long pfn;

	snap_ref = realloc(snap_ref, max_pfn * sizeof(int));
	snap_pin = realloc(snap_pin, max_pfn * sizeof(int));
	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		snap_ref[pfn] = page_ref_count(page);
		snap_pin[pfn] = PageHead(page) ? atomic_read(&((struct folio *)page)->_pincount) : 0;
	}
}

/* Every page's refcount / pincount equals the snapshot plus what @pages[0..n) with @flags add. */
static int check_counts(struct page **pages, long n, unsigned int flags)
{
	long *dref = calloc(max_pfn, sizeof(long)), *dpin = calloc(max_pfn, sizeof(long));
	unsigned long pfn;
	int bad = 0;

	for (long i = 0; i < n; i++) {
		struct folio *folio = page_folio(pages[i]);
		unsigned long h = folio_pfn(folio);

		if (flags & FOLL_GET) {
			dref[h]++;
		} else if (folio_test_large(folio)) {
			dref[h]++;
			dpin[h]++;
		} else {
			dref[h] += GUP_PIN_COUNTING_BIAS;
		}
	}
	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		int pin = PageHead(page) ? atomic_read(&((struct folio *)page)->_pincount) : 0;

		if (page_ref_count(page) != snap_ref[pfn] + dref[pfn] || pin != snap_pin[pfn] + dpin[pfn]) {
			if (bad++ < 3)
				fprintf(stderr, "pfn %lu: ref %d (want %ld) pin %d (want %ld)\n", pfn,
					page_ref_count(page), snap_ref[pfn] + dref[pfn], pin,
					snap_pin[pfn] + dpin[pfn]);
		}
	}
	free(dref);
	free(dpin);
	return bad;
}

static void one_space(enum grab_mem mem, unsigned int order, unsigned long nr_pages)
{
	struct grab_space gs;
	struct page **pages;

	CHECK_EQ(grab_space_create(&gs, mem, order, nr_pages), 0);
	pages = calloc(nr_pages, sizeof(*pages));
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		for (int pin = 0; pin < 2; pin++) {
			/* The lookup mode only matters for device memory; every mode on the small spaces. */
			int nr_modes = mem == GRAB_MEM_NORMAL ? 1 : nr_pages > 4096 ? 2 : GUP_PGMAP_NR_MODES;

			for (int lookup = 0; lookup < nr_modes; lookup++) {
				unsigned int flags = pin ? FOLL_PIN : FOLL_GET;
				unsigned long off = 3, n = nr_pages - 5;
				long got;

				snapshot();
				got = variants[v].fn(gs.mm, gs.start + off * PAGE_SIZE, n, flags, pages, lookup);
				CHECK_EQ(got, n);
				for (long i = 0; i < got; i++) {
					struct page *want = expected_page(gs.mm, gs.start + (off + i) * PAGE_SIZE);

					if (pages[i] != want) {
						CHECK(pages[i] == want);
						break;
					}
				}
				CHECK_EQ(check_counts(pages, got, flags), 0);
				CHECK_EQ(dev_pagemap_percpu_ref, 0);
				if (pin && (lookup + v) % 2 == 0)
					unpin_user_pages_per_page(pages, got);
				else
					grab_release(pages, got, flags);
				CHECK_EQ(check_counts(pages, 0, flags), 0);
			}
		}
	}
	/* Beyond the mapped range / misaligned / empty: nothing taken. */
	snapshot();
	CHECK_EQ(gup_fast_grouped(gs.mm, gs.start + 1, 4, FOLL_GET, pages, 0), 0);
	CHECK_EQ(gup_fast_subpage(gs.mm, gs.start, 0, FOLL_GET, pages, 0), 0);
	CHECK_EQ(gup_fast_subpage(gs.mm, gs.start - PAGE_SIZE, 4, FOLL_GET, pages, 0), 0);
	CHECK_EQ(check_counts(pages, 0, FOLL_GET), 0);
	free(pages);
	grab_space_destroy(&gs);
}

RB_TEST(pmd_thp) { one_space(GRAB_MEM_NORMAL, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR); }
RB_TEST(pmd_device) { one_space(GRAB_MEM_DEVICE, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR); }
RB_TEST(pmd_device_compound) { one_space(GRAB_MEM_DEVICE_COMPOUND, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR); }
RB_TEST(pte_small) { one_space(GRAB_MEM_NORMAL, 0, 1024); }
RB_TEST(pte_device) { one_space(GRAB_MEM_DEVICE, 0, 1024); }
RB_TEST(pud_folio) { one_space(GRAB_MEM_NORMAL, HPAGE_PUD_ORDER, 1UL << HPAGE_PUD_ORDER); }
RB_TEST(pud_device_compound) { one_space(GRAB_MEM_DEVICE_COMPOUND, HPAGE_PUD_ORDER, 1UL << HPAGE_PUD_ORDER); }

/* A hole stops the walk: the pages before it are returned and held, nothing after. */
RB_TEST(hole_stops_walk)
{
	struct grab_space gs;
	struct page **pages = calloc(4 * HPAGE_PMD_NR, sizeof(*pages));

	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_NORMAL, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR), 0);
	set_pmd_at(gs.mm, 0, mm_pmd_slot(gs.mm, gs.start + 2 * PMD_SIZE), 0);
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		long got;

		snapshot();
		got = variants[v].fn(gs.mm, gs.start + 100 * PAGE_SIZE, 3 * HPAGE_PMD_NR, FOLL_PIN, pages,
				     GUP_PGMAP_NONE);
		CHECK_EQ(got, 2 * HPAGE_PMD_NR - 100);
		CHECK_EQ(check_counts(pages, got, FOLL_PIN), 0);
		unpin_user_pages(pages, got);
		CHECK_EQ(check_counts(pages, 0, FOLL_PIN), 0);
	}
	/* A frozen folio: the speculative grab fails, nothing is held. */
	snapshot();
	CHECK(folio_ref_freeze(page_folio(pages[0]), 1));
	CHECK_EQ(gup_fast_grouped(gs.mm, gs.start, 8, FOLL_GET, pages, 0), 0);
	folio_ref_unfreeze(page_folio(pages[0]), 1);
	CHECK_EQ(check_counts(pages, 0, FOLL_GET), 0);
	free(pages);
	grab_space_destroy(&gs);
}

/* unpin_user_pages() groups runs of one folio, and only those. */
RB_TEST(unpin_groups_by_folio)
{
	struct grab_space gs;
	struct page *pages[6];

	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_DEVICE_COMPOUND, HPAGE_PMD_ORDER, 2 * HPAGE_PMD_NR), 0);
	/* Last two pages of folio 0, first two of folio 1 (physically adjacent), then folio 0 again. */
	CHECK_EQ(gup_fast_grouped(gs.mm, gs.start + (HPAGE_PMD_NR - 2) * PAGE_SIZE, 4, FOLL_PIN, pages, 0), 4);
	CHECK_EQ(gup_fast_grouped(gs.mm, gs.start, 2, FOLL_PIN, pages + 4, 0), 2);
	CHECK_EQ(atomic_read(&((struct folio *)pfn_to_page(0))->_pincount), 4);
	CHECK_EQ(atomic_read(&((struct folio *)pfn_to_page(HPAGE_PMD_NR))->_pincount), 2);
	unpin_user_pages(pages, 6);
	CHECK_EQ(atomic_read(&((struct folio *)pfn_to_page(0))->_pincount), 0);
	CHECK_EQ(atomic_read(&((struct folio *)pfn_to_page(HPAGE_PMD_NR))->_pincount), 0);
	CHECK_EQ(page_ref_count(pfn_to_page(0)), 1);
	CHECK_EQ(page_ref_count(pfn_to_page(HPAGE_PMD_NR)), 1);
	grab_space_destroy(&gs);
}

/*
 * get_dev_pagemap() is per leaf per call (__gup_device_huge(), gup_pte_range()
 * start with pgmap = NULL and put it at their end): a gup call over N device
 * leaves takes and drops N pgmap refs, one full lookup each; WALK (not the
 * kernel) one; XA one per pfn; NONE none.
 */
static void pgmap_gets_case(enum grab_mem mem, unsigned int order, unsigned long nr_pages,
			    unsigned long off, unsigned long n, unsigned long leaves)
{
	struct grab_space gs;
	struct page **pages = calloc(nr_pages, sizeof(*pages));

	CHECK_EQ(grab_space_create(&gs, mem, order, nr_pages), 0);
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		for (int lookup = 0; lookup < GUP_PGMAP_NR_MODES; lookup++) {
			/* Grouped looks a compound leaf up once; everything else per pfn. */
			bool per_pfn = !(variants[v].fn == gup_fast_grouped && mem == GRAB_MEM_DEVICE_COMPOUND);
			unsigned long want[] = { [GUP_PGMAP_NONE] = 0, [GUP_PGMAP_LEAF] = leaves,
						 [GUP_PGMAP_XA] = per_pfn ? n : leaves, [GUP_PGMAP_WALK] = 1 };

			for (int call = 0; call < 2; call++) {
				unsigned long before = dev_pagemap_gets;
				long got = variants[v].fn(gs.mm, gs.start + off * PAGE_SIZE, n, FOLL_GET, pages,
							  (enum gup_pgmap_lookup)lookup);

				CHECK_EQ(got, n);
				if (dev_pagemap_gets - before != want[lookup])
					fprintf(stderr, "%s lookup %d: %lu pgmap gets, want %lu\n", variants[v].name,
						lookup, dev_pagemap_gets - before, want[lookup]);
				CHECK_EQ(dev_pagemap_gets - before, want[lookup]);
				CHECK_EQ(dev_pagemap_percpu_ref, 0);
				grab_release(pages, got, FOLL_GET);
			}
		}
	}
	free(pages);
	grab_space_destroy(&gs);
}

RB_TEST(pgmap_per_leaf_per_call)
{
	/* Parts of 4 PMD leaves; 3 PTE tables of device pages. */
	pgmap_gets_case(GRAB_MEM_DEVICE_COMPOUND, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR, 3,
			4 * HPAGE_PMD_NR - 5, 4);
	pgmap_gets_case(GRAB_MEM_DEVICE, HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR, 3, 4 * HPAGE_PMD_NR - 5, 4);
	pgmap_gets_case(GRAB_MEM_DEVICE, 0, 3 * 512, 100, 3 * 512 - 200, 3);
}

/*
 * Compound device pages reuse their tail struct pages (vmemmap dedup): per
 * 2 MiB folio, memmap pages 0 and 1 are distinct, pages 2..7 alias page 1.
 * Without dedup every struct page is its own memory.
 */
RB_TEST(vmemmap_tail_reuse)
{
	for (int dedup = 0; dedup < 2; dedup++) {
		struct grab_space gs;
		struct page *head;

		CHECK_EQ(grab_space_create(&gs, dedup ? GRAB_MEM_DEVICE_COMPOUND : GRAB_MEM_DEVICE_COMPOUND_NODEDUP,
					   HPAGE_PMD_ORDER, 4 * HPAGE_PMD_NR), 0);
		CHECK_EQ(gs.pgmap.vmemmap_dedup_bytes, dedup ? 4 * 2 * PAGE_SIZE : 0);
		head = pfn_to_page(HPAGE_PMD_NR);	/* folio 1 */
		/* A write to tail 72 (memmap page 1) shows at tails 136, 200, ..., 456, not at 8. */
		head[72].memcg_data = 0x5a5a;
		for (int t = 136; t < HPAGE_PMD_NR; t += 64)
			CHECK_EQ(head[t].memcg_data, dedup ? 0x5a5aUL : 0UL);
		CHECK_EQ(head[8].memcg_data, 0UL);
		CHECK_EQ(head[-HPAGE_PMD_NR + 72].memcg_data, 0UL);	/* folio 0 has its own */
		head[72].memcg_data = 0;
		/* Every tail still resolves to its own head. */
		for (unsigned long pfn = 0; pfn < 4 * HPAGE_PMD_NR; pfn++)
			if (compound_head(pfn_to_page(pfn)) != pfn_to_page(pfn & ~(HPAGE_PMD_NR - 1UL))) {
				CHECK(compound_head(pfn_to_page(pfn)) == pfn_to_page(pfn & ~(HPAGE_PMD_NR - 1UL)));
				break;
			}
		grab_space_destroy(&gs);
	}
}

/*
 * SetPageReferenced() is PF_HEAD: the per-pfn loop sets the head's bit, it
 * never writes a (shared) tail struct page.
 */
RB_TEST(referenced_on_head)
{
	struct grab_space gs;
	struct page *pages[HPAGE_PMD_NR];

	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_DEVICE_COMPOUND, HPAGE_PMD_ORDER, 2 * HPAGE_PMD_NR), 0);
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		unsigned long tail_flags = READ_ONCE(pfn_to_page(HPAGE_PMD_NR + 100)->flags);

		ClearPageReferenced(pfn_to_page(HPAGE_PMD_NR));
		CHECK_EQ(variants[v].fn(gs.mm, gs.start + (HPAGE_PMD_NR + 64) * PAGE_SIZE, 100, FOLL_GET, pages,
					GUP_PGMAP_LEAF), 100);
		CHECK(PageReferenced(pfn_to_page(HPAGE_PMD_NR)));
		CHECK_EQ(READ_ONCE(pfn_to_page(HPAGE_PMD_NR + 100)->flags), tail_flags);
		grab_release(pages, 100, FOLL_GET);
	}
	grab_space_destroy(&gs);
}

RB_TEST(pgmap_lookup)
{
	struct grab_space gs;

	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_DEVICE, HPAGE_PMD_ORDER, 8 * HPAGE_PMD_NR), 0);
	for (unsigned long pfn = 0; pfn < 8 * HPAGE_PMD_NR; pfn += 97)
		CHECK(pgmap_xa_load(pfn) == &gs.pgmap);
	CHECK(pgmap_xa_depth(5) >= 1);
	grab_space_destroy(&gs);
	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_DEVICE, 3, 8), -EINVAL);
	CHECK_EQ(grab_space_create(&gs, GRAB_MEM_DEVICE, 9, 100), -EINVAL);
}

RB_TEST_MAIN(RBT_CASE(pmd_thp) RBT_CASE(pmd_device) RBT_CASE(pmd_device_compound) RBT_CASE(pte_small)
	     RBT_CASE(pte_device) RBT_CASE(pud_folio) RBT_CASE(pud_device_compound)
	     RBT_CASE(hole_stops_walk) RBT_CASE(unpin_groups_by_folio) RBT_CASE(pgmap_per_leaf_per_call)
	     RBT_CASE(vmemmap_tail_reuse) RBT_CASE(referenced_on_head) RBT_CASE(pgmap_lookup))
