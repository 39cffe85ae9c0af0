// SPDX-License-Identifier: GPL-2.0
/*
 * Locks: mutual exclusion under contention. The protected counters are plain
 * (non-atomic), so a broken lock loses updates and the totals come out wrong
 * (and ThreadSanitizer reports the race in the TSan build).
 */
#include <pthread.h>

#include "kernel/mm.h"
#include "rbtest.h"

#define THREADS	4
#define ROUNDS	50000

static spinlock_t lock;
/*
 * Who is inside each critical section: entering one that is occupied is a
 * violation, seen at once (lost updates of the plain counters need the two
 * holders to collide on the increment itself). The holder stays inside a
 * moment, so that waiters pile up on the lock and race for it on release.
 */
static _Atomic int inside_spin, inside_page;
static _Atomic long overlaps;

static void enter(_Atomic int *inside)
{
	if (atomic_exchange_explicit(inside, 1, memory_order_relaxed))
		atomic_fetch_add_explicit(&overlaps, 1, memory_order_relaxed);
	for (int k = 0; k < 16; k++)
		cpu_relax();
}
static void leave(_Atomic int *inside)
{
	atomic_store_explicit(inside, 0, memory_order_relaxed);
}
static struct rw_semaphore sem;
static unsigned long spin_counter, page_counter, sem_counter;
static struct zone zone;
static struct folio *folio;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		enter(&inside_spin);
		spin_counter++;
		leave(&inside_spin);
		spin_unlock(&lock);

		folio_lock(folio);
		enter(&inside_page);
		page_counter++;
		leave(&inside_page);
		folio_unlock(folio);

		if (i % 16 == 0) {
			down_write(&sem);
			sem_counter++;
			up_write(&sem);
		} else {
			down_read(&sem);
			(void)*(volatile unsigned long *)&sem_counter;
			up_read(&sem);
		}
	}
	return NULL;
}

RB_TEST(mutual_exclusion)
{
	pthread_t t[THREADS];

	memmap_init(16);
	zone_init(&zone, ZONE_NORMAL, 0, 16, 4);
	folio = folio_alloc(&zone, 2);
	spin_lock_init(&lock);
	init_rwsem(&sem);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(atomic_load(&overlaps), 0);
	CHECK_EQ(spin_counter, THREADS * ROUNDS);
	CHECK_EQ(page_counter, THREADS * ROUNDS);
	CHECK_EQ(sem_counter, THREADS * ((ROUNDS + 15) / 16));
	CHECK(!folio_test_locked(folio));
	destroy_rwsem(&sem);
	folio_put(folio);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST(trylock_semantics)
{
	memmap_init(16);
	zone_init(&zone, ZONE_NORMAL, 0, 16, 4);
	folio = folio_alloc(&zone, 2);
	CHECK(trylock_page(folio_page(folio, 3)));	/* a tail's lock is the head's */
	CHECK(folio_test_locked(folio));
	CHECK(!folio_trylock(folio));
	unlock_page(folio_page(folio, 1));
	CHECK(!folio_test_locked(folio));
	CHECK_DIES(folio_unlock(folio));		/* unlocking an unlocked folio */
	spin_lock_init(&lock);
	CHECK(spin_trylock(&lock));
	CHECK(!spin_trylock(&lock));
	spin_unlock(&lock);
	init_rwsem(&sem);
	CHECK(down_read_trylock(&sem));
	CHECK(down_read_trylock(&sem));
	CHECK(!down_write_trylock(&sem));
	up_read(&sem);
	up_read(&sem);
	CHECK(down_write_trylock(&sem));
	CHECK(!down_read_trylock(&sem));
	up_write(&sem);
	destroy_rwsem(&sem);
	/* folio_wait_writeback returns at once when writeback is clear. */
	folio_wait_writeback(folio);
	folio_put(folio);
	zone_destroy(&zone);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(mutual_exclusion) RBT_CASE(trylock_semantics))
