// SPDX-License-Identifier: GPL-2.0
/* atomic_t and bit operations: values, return conventions, atomicity. */
#include <pthread.h>
#include <sched.h>

#include "kernel/mm.h"
#include "rbtest.h"

RB_TEST(atomic_return_conventions)
{
	atomic_t v = ATOMIC_INIT(5);

	CHECK_EQ(atomic_read(&v), 5);
	CHECK_EQ(atomic_add_return(3, &v), 8);
	CHECK_EQ(atomic_sub_return(2, &v), 6);
	CHECK_EQ(atomic_fetch_add(4, &v), 6);
	CHECK_EQ(atomic_read(&v), 10);
	CHECK_EQ(atomic_inc_return(&v), 11);
	CHECK_EQ(atomic_dec_return(&v), 10);
	atomic_set(&v, 1);
	CHECK(atomic_dec_and_test(&v));
	CHECK(!atomic_dec_and_test(&v));	/* 0 -> -1 */
	CHECK_EQ(atomic_read(&v), -1);
	CHECK(atomic_inc_and_test(&v));
	atomic_set(&v, 3);
	CHECK(!atomic_sub_and_test(2, &v));
	CHECK(atomic_sub_and_test(1, &v));
	CHECK_EQ(atomic_xchg(&v, 7), 0);
	CHECK_EQ(atomic_read(&v), 7);
	atomic_set_release(&v, 9);
	CHECK_EQ(atomic_read_acquire(&v), 9);
}

RB_TEST(atomic_cmpxchg_semantics)
{
	atomic_t v = ATOMIC_INIT(4);
	int old = 3;

	CHECK_EQ(atomic_cmpxchg(&v, 3, 10), 4);	/* mismatch: old value back, no store */
	CHECK_EQ(atomic_read(&v), 4);
	CHECK_EQ(atomic_cmpxchg(&v, 4, 10), 4);	/* match: stored */
	CHECK_EQ(atomic_read(&v), 10);
	CHECK(!atomic_try_cmpxchg(&v, &old, 1));
	CHECK_EQ(old, 10);			/* updated with the current value */
	CHECK(atomic_try_cmpxchg(&v, &old, 1));
	CHECK_EQ(atomic_read(&v), 1);
}

RB_TEST(atomic_add_unless_semantics)
{
	atomic_t v = ATOMIC_INIT(0);

	CHECK(!atomic_add_unless(&v, 5, 0));
	CHECK_EQ(atomic_read(&v), 0);
	CHECK_EQ(atomic_fetch_add_unless(&v, 5, 0), 0);
	atomic_set(&v, 2);
	CHECK(atomic_add_unless(&v, 5, 0));
	CHECK_EQ(atomic_read(&v), 7);
	CHECK_EQ(atomic_fetch_add_unless(&v, 1, 7), 7);	/* u is any value, not only 0 */
	CHECK_EQ(atomic_read(&v), 7);
	CHECK(atomic_inc_not_zero(&v));
	CHECK_EQ(atomic_read(&v), 8);
}

RB_TEST(bitops)
{
	_Atomic unsigned long w = 0;

	set_bit(3, &w);
	CHECK(test_bit(3, &w));
	CHECK(!test_bit(2, &w));
	CHECK(test_and_set_bit(3, &w));
	CHECK(!test_and_set_bit(63, &w));
	CHECK_EQ(atomic_load(&w), (1UL << 3) | (1UL << 63));
	CHECK(test_and_clear_bit(63, &w));
	CHECK(!test_and_clear_bit(63, &w));
	clear_bit(3, &w);
	CHECK_EQ(atomic_load(&w), 0);
	__set_bit(5, &w);
	CHECK_EQ(atomic_load(&w), 1UL << 5);
	__clear_bit(5, &w);
	change_bit(1, &w);
	CHECK_EQ(atomic_load(&w), 2);
	CHECK(!test_and_set_bit_lock(0, &w));
	CHECK(test_and_set_bit_lock(0, &w));
	clear_bit_unlock(0, &w);
	CHECK_EQ(atomic_load(&w), 2);
}

/* Atomicity: would fail if atomic_inc / set_bit were plain read-modify-writes. */
#define INCS 200000
static atomic_t shared_counter;
static _Atomic unsigned long shared_bits;

static void *incrementer(void *arg)
{
	unsigned int bit = (unsigned int)(uintptr_t)arg;

	for (int i = 0; i < INCS; i++) {
		atomic_inc(&shared_counter);
		change_bit(bit, &shared_bits);
	}
	return NULL;
}

RB_TEST(atomic_rmw_is_atomic_across_threads)
{
	pthread_t t[4];

	atomic_set(&shared_counter, 0);
	atomic_store(&shared_bits, 0);
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, incrementer, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(atomic_read(&shared_counter), 4 * INCS);
	/* Each bit toggled an even number of times: all clear unless an update was lost. */
	CHECK_EQ(atomic_load(&shared_bits), 0);
}

/*
 * atomic_add_unless(v, 1, 0) against a freezer (page_ref_freeze: cmpxchg
 * 1 -> 0; page_ref_unfreeze): a grab must never succeed on the frozen 0, even
 * when the count changes between the grabber's read and its cmpxchg. The
 * freezer holds the count at 0 for a while, checks that nobody raised it, and
 * unfreezes with a cmpxchg 0 -> 1 that fails if a grab got in meanwhile. Both
 * sides run a bounded number of rounds (no timing is asserted); a check of
 * c == u made only once, before the cmpxchg loop, is caught here. The first
 * violation ends the test (a count changed under a freeze cannot be repaired).
 */
#define FREEZE_ROUNDS	400000
#define FREEZE_STUCK	(50L * 1000 * 1000)	/* failed freezes in a row: count lost */
static atomic_t frozen_count;
static _Atomic int grabber_done;

static void *grabber(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&grabber_done, memory_order_relaxed)) {
		if (atomic_add_unless(&frozen_count, 1, 0)) {
			/* Hold the reference a moment, so a freezer can see it. */
			for (int k = 0; k < 8; k++)
				cpu_relax();
			atomic_dec(&frozen_count);
		}
	}
	return NULL;
}

RB_TEST(add_unless_never_passes_a_frozen_zero)
{
	pthread_t t;
	long frozen = 0, violations = 0, fails = 0;

	atomic_set(&frozen_count, 1);
	atomic_store(&grabber_done, 0);
	pthread_create(&t, NULL, grabber, NULL);
	for (int r = 0; r < FREEZE_ROUNDS && !violations; r++) {
		if (atomic_cmpxchg(&frozen_count, 1, 0) != 1) {
			if (++fails > FREEZE_STUCK)
				violations++;	/* the count never came back to 1 */
			cpu_relax();
			continue;
		}
		fails = 0;
		frozen++;
		for (int k = 0; k < 32; k++) {
			if (atomic_read(&frozen_count) != 0) {
				violations++;
				break;
			}
			cpu_relax();
		}
		if (!violations && atomic_cmpxchg(&frozen_count, 0, 1) != 0)
			violations++;
	}
	atomic_store(&grabber_done, 1);
	pthread_join(t, NULL);
	CHECK(frozen > 0);
	CHECK_EQ(violations, 0);
	if (!violations)
		CHECK_EQ(atomic_read(&frozen_count), 1);
}

RB_TEST_MAIN(RBT_CASE(atomic_return_conventions) RBT_CASE(atomic_cmpxchg_semantics)
	     RBT_CASE(atomic_add_unless_semantics) RBT_CASE(bitops)
	     RBT_CASE(atomic_rmw_is_atomic_across_threads)
	     RBT_CASE(add_unless_never_passes_a_frozen_zero))
