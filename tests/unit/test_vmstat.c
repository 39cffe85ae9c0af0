// SPDX-License-Identifier: GPL-2.0
/*
 * The FOLL_PIN vmstat accounting (kernel/vmstat.h, kernel/gup.h): every pin
 * and every unpin updates NR_FOLL_PIN_ACQUIRED / NR_FOLL_PIN_RELEASED exactly
 * once (by refs), FOLL_GET never; the per-CPU (per-thread) diff spills into
 * the node's and the global counters when it passes the threshold; a
 * thread's diffs are folded in at its exit; calculate_normal_threshold().
 */
#include <pthread.h>

#include "kernel/gup.h"
#include "kernel/mm.h"
#include "rbtest.h"

static struct zone zone;

/* The count the kernel would report: the node counter plus this CPU's (thread's) diff. */
static long stat_now(enum node_stat_item item)
{
	return atomic_long_read(&NODE_DATA(0)->vm_stat[item]) + rb_vmstat_this_cpu_diff(item);
}

RB_TEST(threshold_is_calculate_normal_threshold)
{
	/* 2 CPUs, 24 GiB: mem = 192 (128 MiB units), fls 8: 2 * 2 * 9 */
	CHECK_EQ(calculate_normal_threshold(2, (24UL << 30) >> PAGE_SHIFT), 36);
	CHECK_EQ(calculate_normal_threshold(1, (1UL << 27) >> PAGE_SHIFT), 2 * 1 * (1 + 1));
	CHECK_EQ(calculate_normal_threshold(256, (1UL << 40) >> PAGE_SHIFT), 125);	/* capped */
}

RB_TEST(every_pin_and_unpin_counts_once)
{
	struct folio *small, *large;
	long acq, rel;
	int old = rb_vmstat_set_threshold(125);

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	small = folio_alloc(&zone, 0);
	large = folio_alloc(&zone, 4);
	rb_vmstat_fold_this_cpu();
	acq = stat_now(NR_FOLL_PIN_ACQUIRED);
	rel = stat_now(NR_FOLL_PIN_RELEASED);

	/* slow GUP's try_grab_page(): one per pin, small and large */
	CHECK_EQ(try_grab_page(&small->page, FOLL_PIN), 0);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 1);
	CHECK_EQ(try_grab_page(folio_page(large, 3), FOLL_PIN), 0);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 2);
	/* FOLL_GET is not a pin */
	CHECK_EQ(try_grab_page(&small->page, FOLL_GET), 0);
	CHECK(try_grab_folio(folio_page(large, 1), 2, FOLL_GET) == large);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 2);
	/* gup-fast's try_grab_folio(): by refs */
	CHECK(try_grab_folio(folio_page(large, 1), 3, FOLL_PIN) == large);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 5);
	CHECK(try_grab_folio(&small->page, 1, FOLL_PIN) == small);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 6);
	CHECK_EQ(stat_now(NR_FOLL_PIN_RELEASED), rel);

	/* gup_put_folio(FOLL_PIN): by refs (batched unpin too); FOLL_GET not */
	gup_put_folio(large, 3, FOLL_PIN);
	CHECK_EQ(stat_now(NR_FOLL_PIN_RELEASED), rel + 3);
	gup_put_folio(large, 1, FOLL_PIN);
	gup_put_folio(small, 1, FOLL_PIN);
	gup_put_folio(small, 1, FOLL_PIN);
	CHECK_EQ(stat_now(NR_FOLL_PIN_RELEASED), rel + 6);
	gup_put_folio(small, 1, FOLL_GET);
	gup_put_folio(large, 2, FOLL_GET);
	CHECK_EQ(stat_now(NR_FOLL_PIN_RELEASED), rel + 6);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 6);
	CHECK_EQ(folio_ref_count(small), 1);
	CHECK_EQ(folio_ref_count(large), 1);
	CHECK_EQ(atomic_read(&large->_pincount), 0);

	/* the __ forms without accounting (bias_noacct) leave the counters alone */
	CHECK_EQ(__try_grab_page(&small->page, FOLL_PIN, false), 0);
	__gup_put_folio(small, 1, FOLL_PIN, false);
	CHECK_EQ(stat_now(NR_FOLL_PIN_ACQUIRED), acq + 6);
	CHECK_EQ(stat_now(NR_FOLL_PIN_RELEASED), rel + 6);

	folio_put(small);
	folio_put(large);
	zone_destroy(&zone);
	memmap_destroy();
	rb_vmstat_set_threshold(old);
}

RB_TEST(the_diff_spills_past_the_threshold)
{
	struct folio *f;
	long node0, glob0;
	int i, old = rb_vmstat_set_threshold(4);

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	f = folio_alloc(&zone, 0);
	rb_vmstat_fold_this_cpu();
	node0 = atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]);
	glob0 = atomic_long_read(&vm_node_stat.v[NR_FOLL_PIN_ACQUIRED]);
	for (i = 1; i <= 4; i++) {
		try_grab_page(&f->page, FOLL_PIN);
		CHECK_EQ(rb_vmstat_this_cpu_diff(NR_FOLL_PIN_ACQUIRED), i);	/* |n| <= t: stays */
		CHECK_EQ(atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]), node0);
	}
	try_grab_page(&f->page, FOLL_PIN);		/* n = 5 > 4: all of it spills */
	CHECK_EQ(rb_vmstat_this_cpu_diff(NR_FOLL_PIN_ACQUIRED), 0);
	CHECK_EQ(atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]), node0 + 5);
	CHECK_EQ(atomic_long_read(&vm_node_stat.v[NR_FOLL_PIN_ACQUIRED]), glob0 + 5);
	/* the release side spills the same way, on its own item */
	for (i = 0; i < 5; i++)
		gup_put_folio(f, 1, FOLL_PIN);
	CHECK_EQ(rb_vmstat_this_cpu_diff(NR_FOLL_PIN_RELEASED), 0);
	CHECK_EQ(rb_vmstat_this_cpu_diff(NR_FOLL_PIN_ACQUIRED), 0);
	/* a negative delta spills at -t as well (mod_node_state's abs()) */
	mod_node_page_state(NODE_DATA(0), NR_FOLL_PIN_ACQUIRED, -5);
	CHECK_EQ(rb_vmstat_this_cpu_diff(NR_FOLL_PIN_ACQUIRED), 0);
	CHECK_EQ(atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]), node0);
	CHECK_EQ(folio_ref_count(f), 1);
	folio_put(f);
	zone_destroy(&zone);
	memmap_destroy();
	rb_vmstat_set_threshold(old);
}

static struct folio *thread_folio;

static void *pinner(void *arg)
{
	(void)arg;
	for (int i = 0; i < 7; i++)		/* below any threshold >= 7: stays in the diff */
		try_grab_page(&thread_folio->page, FOLL_PIN);
	return NULL;
}

RB_TEST(a_thread_folds_its_diff_at_exit)
{
	pthread_t t[3];
	long node0;
	int old = rb_vmstat_set_threshold(100);

	memmap_init(64);
	zone_init(&zone, ZONE_NORMAL, 0, 64, 6);
	thread_folio = folio_alloc(&zone, 0);
	node0 = atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, pinner, NULL), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(atomic_long_read(&NODE_DATA(0)->vm_stat[NR_FOLL_PIN_ACQUIRED]), node0 + 21);
	CHECK_EQ(folio_ref_count(thread_folio), 1 + 21 * (int)GUP_PIN_COUNTING_BIAS);
	folio_put_refs(thread_folio, 21 * (int)GUP_PIN_COUNTING_BIAS);
	folio_put(thread_folio);
	zone_destroy(&zone);
	memmap_destroy();
	rb_vmstat_set_threshold(old);
}

RB_TEST_MAIN(RBT_CASE(threshold_is_calculate_normal_threshold) RBT_CASE(every_pin_and_unpin_counts_once)
	     RBT_CASE(the_diff_spills_past_the_threshold) RBT_CASE(a_thread_folds_its_diff_at_exit))
