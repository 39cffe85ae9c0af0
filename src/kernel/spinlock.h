/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: spinlock_t, rw_semaphore and the page lock.
 *
 * Userspace differences, each one deliberate:
 * - spinlock_t is a test-and-test-and-set lock (the kernel's qspinlock is
 *   fairer; uncontended cost and ordering, acquire on lock and release on
 *   unlock, are the same). A kernel spinlock holder cannot be preempted; a
 *   thread here can, so waiters yield after a bounded spin instead of burning
 *   the rest of their time slice on a 2-vCPU machine.
 * - rw_semaphore (mmap_lock) is a pthread rwlock: it sleeps, as rwsem does.
 * - The page lock is the PG_locked bit, taken with test_and_set_bit_lock as
 *   folio_trylock() does; there are no wait queues, so lock_page() spins and
 *   yields instead of sleeping on PG_waiters.
 */
#ifndef RB_KERNEL_SPINLOCK_H
#define RB_KERNEL_SPINLOCK_H

#include <pthread.h>
#include <sched.h>

#include "page.h"

#define RB_SPIN_BEFORE_YIELD	128

typedef struct { _Atomic int locked; } spinlock_t;
#define __SPIN_LOCK_UNLOCKED	{ 0 }

static __always_inline void spin_lock_init(spinlock_t *lock)
{
	atomic_store_explicit(&lock->locked, 0, mo_relaxed);
}
static __always_inline bool spin_trylock(spinlock_t *lock)
{
	return !atomic_load_explicit(&lock->locked, mo_relaxed) &&
	       !atomic_exchange_explicit(&lock->locked, 1, mo_acquire);
}
static inline void spin_lock(spinlock_t *lock)
{
	unsigned int spins = 0;

	while (!spin_trylock(lock)) {
		if (++spins < RB_SPIN_BEFORE_YIELD)
			cpu_relax();
		else
			sched_yield();
	}
}
static __always_inline void spin_unlock(spinlock_t *lock)
{
	atomic_store_explicit(&lock->locked, 0, mo_release);
}
static __always_inline bool spin_is_locked(spinlock_t *lock)
{
	return atomic_load_explicit(&lock->locked, mo_relaxed);
}

struct rw_semaphore { pthread_rwlock_t lock; };

static inline void init_rwsem(struct rw_semaphore *sem) { pthread_rwlock_init(&sem->lock, NULL); }
static inline void destroy_rwsem(struct rw_semaphore *sem) { pthread_rwlock_destroy(&sem->lock); }
static inline void down_read(struct rw_semaphore *sem) { pthread_rwlock_rdlock(&sem->lock); }
static inline bool down_read_trylock(struct rw_semaphore *sem)
{
	return pthread_rwlock_tryrdlock(&sem->lock) == 0;
}
static inline void up_read(struct rw_semaphore *sem) { pthread_rwlock_unlock(&sem->lock); }
static inline void down_write(struct rw_semaphore *sem) { pthread_rwlock_wrlock(&sem->lock); }
static inline bool down_write_trylock(struct rw_semaphore *sem)
{
	return pthread_rwlock_trywrlock(&sem->lock) == 0;
}
static inline void up_write(struct rw_semaphore *sem) { pthread_rwlock_unlock(&sem->lock); }

/* ---- the page lock (mm/filemap.c, include/linux/pagemap.h) ---- */
static __always_inline bool folio_trylock(struct folio *folio)
{
	return likely(!test_and_set_bit_lock(PG_locked, &folio->flags));
}
static __always_inline bool trylock_page(struct page *page)
{
	return folio_trylock(page_folio(page));
}
static inline void __folio_lock(struct folio *folio)
{
	unsigned int spins = 0;

	do {
		while (folio_test_locked(folio)) {
			if (++spins < RB_SPIN_BEFORE_YIELD)
				cpu_relax();
			else
				sched_yield();
		}
	} while (!folio_trylock(folio));
}
static __always_inline void folio_lock(struct folio *folio)
{
	if (!folio_trylock(folio))
		__folio_lock(folio);
}
static __always_inline void lock_page(struct page *page) { folio_lock(page_folio(page)); }
/*
 * folio_unlock() is out of line in every era (mm/filemap.c: unlock_page()
 * before v5.16, folio_unlock() since, EXPORT_SYMBOL): the call is paid on
 * every unlock. Defined in mm.c. The kernel's body is one locked RMW of the
 * flags byte with a test of PG_waiters; the model has no wait queue (lock
 * waiters spin), so the RMW is clear_bit_unlock() alone.
 */
void folio_unlock(struct folio *folio);
static __always_inline void unlock_page(struct page *page) { folio_unlock(page_folio(page)); }

/* folio_wait_bit(): wait until @bit_nr is clear (no wait queue: spin, then yield). */
static inline void folio_wait_bit(struct folio *folio, int bit_nr)
{
	unsigned int spins = 0;

	while (test_bit(bit_nr, &folio->flags)) {
		if (++spins < RB_SPIN_BEFORE_YIELD)
			cpu_relax();
		else
			sched_yield();
	}
	/* Order the caller's later loads after the observed clear. */
	smp_rmb();
}
static inline void folio_wait_writeback(struct folio *folio)
{
	folio_wait_bit(folio, PG_writeback);
}
static inline void wait_on_page_writeback(struct page *page)
{
	folio_wait_writeback(page_folio(page));
}

#endif
