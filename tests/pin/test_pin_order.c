// SPDX-License-Identifier: GPL-2.0
/*
 * Writeback in the kernel's order (write_cache_pages(), mm/page-writeback.c):
 * lock_page -> clear_page_dirty_for_io (-> page_mkclean) -> ->writepage:
 * set_page_writeback -> unlock_page -> I/O -> end_page_writeback. A probe
 * design records the folio's state where pin_writeback_folio() asks for the
 * decision and during the I/O: these tests fail if PG_writeback is set
 * before page_mkclean, or if the page lock is held across the I/O.
 */
#include <errno.h>

#include "pin/pin.h"
#include "rbtest.h"

static int probe_calls, probe_wb, probe_locked, probe_wrprotected;
static int io_calls, io_locked, io_wb;

static int probe_gup_fast(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
			  struct pin_stats *st)
{
	(void)folio, (void)page, (void)ptep, (void)pte, (void)st;
	return -EAGAIN;
}
static void probe_gup_slow(struct folio *folio, struct page *page, spinlock_t *ptl,
			   struct pin_stats *st)
{
	(void)page, (void)st;
	folio_get(folio);
	spin_unlock(ptl);
}
static void probe_unpin(struct folio *folio, struct page *page)
{
	(void)page;
	folio_put(folio);
}
static struct pin_file *probe_pf;
static bool probe_decide(struct folio *folio, int real_maps)
{
	unsigned long addr = pin_page_addr(folio->index);
	pte_t *ptep = mm_pte_table(probe_pf->mm, mm_pmd_slot(probe_pf->mm, addr)) + pte_index(addr);

	probe_calls++;
	probe_wb += folio_test_writeback(folio);
	probe_locked += folio_test_locked(folio);
	probe_wrprotected += !pte_write(ptep_get(ptep)) && real_maps == 1;
	return false;
}
static bool probe_idle(struct folio *folio)
{
	(void)folio;
	return true;
}
static void probe_io(struct pin_file *pf, struct folio *folio)
{
	(void)pf;
	io_calls++;
	io_locked += folio_test_locked(folio);
	io_wb += folio_test_writeback(folio);
}

static void reset(void)
{
	probe_calls = probe_wb = probe_locked = probe_wrprotected = 0;
	io_calls = io_locked = io_wb = 0;
}

static const struct pin_ops probe_mkclean_ops = {
	.name = "probe_mkclean", .gup_fast = probe_gup_fast, .gup_slow = probe_gup_slow,
	.unpin = probe_unpin, .page_mkclean_pinned = probe_decide, .idle_ok = probe_idle,
	.decide = PIN_DECIDE_IN_MKCLEAN,
};
static const struct pin_ops probe_after_ops = {
	.name = "probe_after", .gup_fast = probe_gup_fast, .gup_slow = probe_gup_slow,
	.unpin = probe_unpin, .page_mkclean_pinned = probe_decide, .idle_ok = probe_idle,
	.decide = PIN_DECIDE_AFTER_SET_WRITEBACK,
};

static void writeback_all(const struct pin_ops *ops)
{
	char err[128];
	struct pin_file *pf = pin_file_create(ops, 0, 4, err, sizeof(err));

	CHECK(pf != NULL);
	probe_pf = pf;
	pf->wb_io_probe = probe_io;
	reset();
	for (unsigned int i = 0; i < pf->nr_folios; i++)
		pin_writeback_folio(pf, pf->folios[i], 0);
	CHECK_EQ(pin_check_conservation(pf), 0);
	for (unsigned int i = 0; i < pf->nr_folios; i++)
		CHECK(!folio_test_dirty(pf->folios[i]));
	pin_file_destroy(pf);
}

RB_TEST(page_mkclean_runs_before_set_page_writeback)
{
	writeback_all(&probe_mkclean_ops);
	CHECK_EQ(probe_calls, 4);
	CHECK_EQ(probe_wb, 0);		/* the decision in page_mkclean: no PG_writeback yet */
	CHECK_EQ(probe_locked, 4);	/* under the page lock */
	CHECK_EQ(probe_wrprotected, 4);	/* after the write-protect */
}

RB_TEST(decision_after_set_page_writeback_sees_it)
{
	writeback_all(&probe_after_ops);
	CHECK_EQ(probe_calls, 4);
	CHECK_EQ(probe_wb, 4);		/* flag_refcount: TestSetPageWriteback; smp_mb; page_is_pin */
	CHECK_EQ(probe_locked, 4);
}

RB_TEST(the_lock_is_not_held_across_the_io)
{
	writeback_all(&probe_mkclean_ops);
	CHECK_EQ(io_calls, 4);
	CHECK_EQ(io_locked, 0);		/* unlock_page() before the I/O */
	CHECK_EQ(io_wb, 4);		/* under writeback during it */
}

/*
 * gup-fast marks every page it pins referenced, after the re-check, in every
 * design (SetPageReferenced() in gup_pte_range() since v4.13): a fast pin
 * leaves PG_referenced set; a pin that fell back to slow GUP does not go
 * through it.
 */
RB_TEST(fast_pin_marks_the_page_referenced)
{
	const struct pin_ops *all[] = { &pin_lock_ops, &pin_flag_ops, &pin_flag_fullmb_ops,
					&pin_flag_refcount_ops, &pin_bias_ops, &pin_bias_noacct_ops };
	char err[128];

	for (size_t v = 0; v < sizeof(all) / sizeof(all[0]); v++) {
		struct pin_file *pf = pin_file_create(all[v], 0, 2, err, sizeof(err));
		struct pin_stats st = { 0 };
		struct folio *folio = NULL;
		struct page *page;

		CHECK(pf != NULL);
		if (!pf)
			continue;
		/* a first pin finds the folio; clear the flag, pin again */
		page = pin_user_page(pf, pin_page_addr(0), &folio, &st);
		CHECK(page != NULL && folio != NULL);
		if (!page || !folio) {
			pin_file_destroy(pf);
			continue;
		}
		all[v]->unpin(folio, page);
		folio_clear_referenced(folio);
		page = pin_user_page(pf, pin_page_addr(0), &folio, &st);
		CHECK(page != NULL);
		CHECK_EQ(st.fast, 2);
		CHECK(folio_test_referenced(folio));
		if (page)
			all[v]->unpin(folio, page);
		pin_file_destroy(pf);
	}
}

RB_TEST_MAIN(RBT_CASE(page_mkclean_runs_before_set_page_writeback)
	     RBT_CASE(decision_after_set_page_writeback_sees_it) RBT_CASE(the_lock_is_not_held_across_the_io)
	     RBT_CASE(fast_pin_marks_the_page_referenced))
