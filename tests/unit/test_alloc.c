// SPDX-License-Identifier: GPL-2.0
/* The buddy allocator: alignment, merging back, LIFO reuse, exhaustion. */
#include "kernel/mm.h"
#include "rbtest.h"

static struct zone zone;

static unsigned long blocks_of_order(unsigned int order)
{
	unsigned long n;

	spin_lock(&zone.lock);
	n = zone.free_area[order].nr_free;
	spin_unlock(&zone.lock);
	return n;
}

RB_TEST(init_free_count_and_blocks)
{
	memmap_init(4096 + 100);
	/* Start at an unaligned pfn: the zone is carved into naturally aligned blocks. */
	zone_init(&zone, ZONE_NORMAL, 100, 4096, 9);
	CHECK_EQ(zone_free_pages(&zone), 4096);
	for (unsigned long pfn = 100; pfn < 4196; pfn++)
		CHECK_EQ(page_ref_count(pfn_to_page(pfn)), 0);
	CHECK(pfn_to_page(99)->flags & BIT(PG_reserved));	/* outside: untouched */
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(alloc_free_merges_back)
{
	struct folio *f[8];
	unsigned long max_blocks;

	memmap_init(4096);
	zone_init(&zone, ZONE_NORMAL, 0, 4096, 9);
	max_blocks = blocks_of_order(9);
	CHECK_EQ(max_blocks, 8);
	for (int i = 0; i < 8; i++) {
		f[i] = folio_alloc(&zone, i % 2 ? 0 : 4);
		CHECK(f[i] != NULL);
		CHECK_EQ(folio_pfn(f[i]) % (1UL << folio_order(f[i])), 0);
	}
	CHECK_EQ(blocks_of_order(9), max_blocks - 1);	/* all came from one split block */
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < i; j++)	/* no two allocations overlap */
			CHECK(folio_pfn(f[i]) + folio_nr_pages(f[i]) <= folio_pfn(f[j]) ||
			      folio_pfn(f[j]) + folio_nr_pages(f[j]) <= folio_pfn(f[i]));
	for (int i = 7; i >= 0; i--)
		folio_put(f[i]);
	CHECK_EQ(zone_free_pages(&zone), 4096);
	CHECK_EQ(blocks_of_order(9), max_blocks);	/* buddies merged all the way up */
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(freed_folio_is_reused)
{
	struct folio *a, *b;

	memmap_init(2048);
	zone_init(&zone, ZONE_NORMAL, 0, 2048, 9);
	a = folio_alloc(&zone, 9);
	folio_put(a);
	b = folio_alloc(&zone, 9);
	CHECK(a == b);				/* LIFO: the freed folio comes straight back */
	folio_put(b);
	/* A freed order-9 folio can come back as small pages, its old tails now heads. */
	a = folio_alloc(&zone, 9);
	folio_put(a);
	b = folio_alloc(&zone, 0);
	CHECK(folio_contains_page(a, &b->page) || true);
	CHECK(!PageTail(&b->page));
	CHECK(page_folio(&b->page) == b);
	folio_put(b);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(exhaustion_returns_null)
{
	struct folio *f[4];

	memmap_init(2048);
	zone_init(&zone, ZONE_NORMAL, 0, 2048, 9);
	for (int i = 0; i < 4; i++)
		f[i] = folio_alloc(&zone, 9);
	CHECK(f[3] != NULL);
	CHECK(folio_alloc(&zone, 0) == NULL);
	CHECK(folio_alloc(&zone, 10) == NULL);		/* above the zone's max order */
	CHECK_EQ(zone_free_pages(&zone), 0);
	folio_put(f[2]);
	CHECK(folio_alloc(&zone, 9) == f[2]);
	for (int i = 0; i < 4; i++)
		folio_put(f[i]);
	CHECK_EQ(zone_free_pages(&zone), 2048);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(non_compound_high_order)
{
	struct page *p;

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	p = __alloc_pages(&zone, 3, false);
	CHECK(!PageHead(p));
	CHECK(!PageTail(p + 1));
	CHECK_EQ(page_ref_count(p), 1);
	__free_pages(p, 3);
	CHECK_EQ(zone_free_pages(&zone), 64);
	zone_destroy(&zone);
	memmap_destroy();
}

/*
 * A free block at the buddy pfn of a smaller order is not a buddy: merging
 * with it would hand out pages still in use (page_is_buddy()'s order check).
 */
RB_TEST(no_merge_with_a_smaller_free_block)
{
	struct folio *a, *b, *c;

	memmap_init(16);
	zone_init(&zone, ZONE_NORMAL, 0, 16, 4);
	a = folio_alloc(&zone, 2);		/* pfn 0-3 */
	b = folio_alloc(&zone, 0);		/* pfn 4 */
	c = folio_alloc(&zone, 0);		/* pfn 5 */
	CHECK_EQ(folio_pfn(a), 0);
	CHECK_EQ(folio_pfn(b), 4);
	CHECK_EQ(folio_pfn(c), 5);
	folio_put(b);				/* pfn 4 free at order 0; 5 is in use */
	folio_put(a);				/* its order-2 buddy pfn 4 is free, but order 0 */
	CHECK_EQ(blocks_of_order(2), 1);
	CHECK_EQ(blocks_of_order(3), 1);	/* 8-15, never touched */
	CHECK(folio_alloc(&zone, 4) == NULL);	/* pfn 5 is still allocated */
	folio_put(c);
	CHECK_EQ(blocks_of_order(4), 1);	/* now everything merges */
	CHECK_EQ(zone_free_pages(&zone), 16);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(free_with_mapping_is_a_bug)
{
	struct folio *f;

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	f = folio_alloc(&zone, 2);
	atomic_inc(&folio_page(f, 1)->_mapcount);
	CHECK_DIES(folio_put(f));
	atomic_dec(&folio_page(f, 1)->_mapcount);
	atomic_inc(&f->_pincount);
	CHECK_DIES(folio_put(f));
	atomic_dec(&f->_pincount);
	folio_put(f);
	zone_destroy(&zone);
	memmap_destroy();
}

/*
 * /proc/self/smaps' VmFlags of the mapping holding @addr contain @flag
 * ("hg": madvise(MADV_HUGEPAGE)d); -1 if the mapping is not found.
 */
static int vma_has_flag(const void *addr, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, ret = -1;
	uintptr_t a = (uintptr_t)addr;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = a >= lo && a < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			char want[8];

			snprintf(want, sizeof(want), " %s", flag);
			ret = strstr(line, want) != NULL;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * Model memory of 2 MiB or more is 2 MiB aligned and advised for THP, as the
 * kernel's PMD-mapped memmap (src/kernel/memmap.c); smaller memory is left
 * alone. Both sizes at the boundary.
 */
RB_TEST(model_memory_is_thp_advised)
{
	size_t big = 2UL << 20, small = (2UL << 20) - 4096;
	char *p = rb_model_alloc(big), *q = rb_model_alloc(small), *r = rb_model_alloc(3 * big + 4096);
	/* a kernel without THP refuses the advice; the memory is still aligned */
	int thp = access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;

	CHECK(p && q && r);
	CHECK_EQ((uintptr_t)p % big, 0);
	CHECK_EQ((uintptr_t)r % big, 0);
	CHECK_EQ(vma_has_flag(p, "hg"), thp);
	CHECK_EQ(vma_has_flag(r + 3 * big - 1, "hg"), thp);
	CHECK_EQ(vma_has_flag(q, "hg"), 0);
	/* the whole allocation is usable, and given back whole */
	memset(p, 1, big);
	memset(r, 1, 3 * big + 4096);
	rb_model_free(p, big);
	rb_model_free(q, small);
	rb_model_free(r, 3 * big + 4096);
	/* a memmap of 2 MiB: the struct pages of 128 MiB */
	CHECK_EQ(memmap_init(32768), 0);
	CHECK_EQ((uintptr_t)pfn_to_page(0) % big, 0);
	CHECK_EQ(vma_has_flag(pfn_to_page(0), "hg"), thp);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(model_memory_is_thp_advised) RBT_CASE(init_free_count_and_blocks) RBT_CASE(alloc_free_merges_back)
	     RBT_CASE(freed_folio_is_reused) RBT_CASE(exhaustion_returns_null)
	     RBT_CASE(non_compound_high_order) RBT_CASE(no_merge_with_a_smaller_free_block)
	     RBT_CASE(free_with_mapping_is_a_bug))
