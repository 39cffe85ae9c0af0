/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: atomic_t and memory barriers, mapped to C11 as in
 * Documentation/atomic_t.txt (table in shared/REFERENCE.md):
 *
 *   atomic_read / atomic_set              relaxed load / store
 *   atomic_set_release                    release store
 *   atomic_{inc,dec,add,sub} (void)       relaxed RMW (unordered)
 *   atomic_*_return, *_and_test, xchg,
 *   successful cmpxchg / add_unless       seq_cst RMW (fully ordered)
 *   failed cmpxchg / add_unless           relaxed (unordered on failure)
 *   smp_mb                                seq_cst fence (GCC: lock or, as x86 smp_mb)
 *   smp_wmb / smp_rmb                     release / acquire fence (the closest C11 has;
 *                                         on x86 both are compiler barriers, as in the kernel)
 *   smp_mb__{before,after}_atomic         see below
 *
 * Userspace difference, smp_mb__{before,after}_atomic: on x86 the kernel makes
 * them barrier(), because every locked RMW is already a full barrier; a relaxed
 * C11 RMW compiles to the same locked instruction, so the default here is the
 * kernel's x86 code (a compiler barrier). Build with -DREFBENCH_STRICT_C11=ON
 * (RB_STRICT_C11) to make them seq_cst fences, as the C11 memory model alone
 * requires; on any other architecture they are seq_cst fences always.
 */
#ifndef RB_KERNEL_ATOMIC_H
#define RB_KERNEL_ATOMIC_H

#include "compiler.h"

typedef struct { _Atomic int counter; } atomic_t;
typedef struct { _Atomic long counter; } atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }

#define smp_mb()	atomic_thread_fence(memory_order_seq_cst)
#define smp_wmb()	atomic_thread_fence(memory_order_release)
#define smp_rmb()	atomic_thread_fence(memory_order_acquire)

#if (defined(__x86_64__) || defined(__i386__)) && !defined(RB_STRICT_C11)
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()
#else
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#endif

#define mo_relaxed	memory_order_relaxed
#define mo_acquire	memory_order_acquire
#define mo_release	memory_order_release
#define mo_full		memory_order_seq_cst

/* ---- atomic_t ---- */
static __always_inline int atomic_read(const atomic_t *v)
{
	return atomic_load_explicit((_Atomic int *)&v->counter, mo_relaxed);
}
static __always_inline int atomic_read_acquire(const atomic_t *v)
{
	return atomic_load_explicit((_Atomic int *)&v->counter, mo_acquire);
}
static __always_inline void atomic_set(atomic_t *v, int i)
{
	atomic_store_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline void atomic_set_release(atomic_t *v, int i)
{
	atomic_store_explicit(&v->counter, i, mo_release);
}
static __always_inline void atomic_add(int i, atomic_t *v)
{
	atomic_fetch_add_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline void atomic_sub(int i, atomic_t *v)
{
	atomic_fetch_sub_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline void atomic_inc(atomic_t *v) { atomic_add(1, v); }
static __always_inline void atomic_dec(atomic_t *v) { atomic_sub(1, v); }

static __always_inline int atomic_add_return(int i, atomic_t *v)
{
	return atomic_fetch_add_explicit(&v->counter, i, mo_full) + i;
}
static __always_inline int atomic_sub_return(int i, atomic_t *v)
{
	return atomic_fetch_sub_explicit(&v->counter, i, mo_full) - i;
}
static __always_inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static __always_inline int atomic_dec_return(atomic_t *v) { return atomic_sub_return(1, v); }
static __always_inline int atomic_fetch_add(int i, atomic_t *v)
{
	return atomic_fetch_add_explicit(&v->counter, i, mo_full);
}
static __always_inline int atomic_fetch_add_relaxed(int i, atomic_t *v)
{
	return atomic_fetch_add_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline int atomic_fetch_sub(int i, atomic_t *v)
{
	return atomic_fetch_sub_explicit(&v->counter, i, mo_full);
}
static __always_inline int atomic_fetch_or(int i, atomic_t *v)
{
	return atomic_fetch_or_explicit(&v->counter, i, mo_full);
}
static __always_inline int atomic_fetch_andnot(int i, atomic_t *v)
{
	return atomic_fetch_and_explicit(&v->counter, ~i, mo_full);
}
static __always_inline bool atomic_sub_and_test(int i, atomic_t *v)
{
	return atomic_sub_return(i, v) == 0;
}
static __always_inline bool atomic_dec_and_test(atomic_t *v)
{
	return atomic_dec_return(v) == 0;
}
static __always_inline bool atomic_inc_and_test(atomic_t *v)
{
	return atomic_inc_return(v) == 0;
}
static __always_inline bool atomic_add_negative(int i, atomic_t *v)
{
	return atomic_add_return(i, v) < 0;
}
static __always_inline int atomic_xchg(atomic_t *v, int new)
{
	return atomic_exchange_explicit(&v->counter, new, mo_full);
}
/* atomic_cmpxchg: returns the old value; fully ordered on success only. */
static __always_inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	atomic_compare_exchange_strong_explicit(&v->counter, &old, new, mo_full, mo_relaxed);
	return old;
}
/* atomic_try_cmpxchg: on failure *old is updated with the current value. */
static __always_inline bool atomic_try_cmpxchg(atomic_t *v, int *old, int new)
{
	return atomic_compare_exchange_strong_explicit(&v->counter, old, new, mo_full, mo_relaxed);
}
/*
 * atomic_fetch_add_unless: add @a unless the value is @u; returns the old
 * value. The generic loop of include/linux/atomic/atomic-arch-fallback.h.
 */
static __always_inline int atomic_fetch_add_unless(atomic_t *v, int a, int u)
{
	int c = atomic_read(v);

	do {
		if (unlikely(c == u))
			break;
	} while (!atomic_try_cmpxchg(v, &c, c + a));

	return c;
}
static __always_inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	return atomic_fetch_add_unless(v, a, u) != u;
}
static __always_inline bool atomic_inc_not_zero(atomic_t *v)
{
	return atomic_add_unless(v, 1, 0);
}

/* ---- atomic_long_t (the subset the models use) ---- */
static __always_inline long atomic_long_read(const atomic_long_t *v)
{
	return atomic_load_explicit((_Atomic long *)&v->counter, mo_relaxed);
}
static __always_inline void atomic_long_set(atomic_long_t *v, long i)
{
	atomic_store_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline void atomic_long_add(long i, atomic_long_t *v)
{
	atomic_fetch_add_explicit(&v->counter, i, mo_relaxed);
}
static __always_inline void atomic_long_inc(atomic_long_t *v) { atomic_long_add(1, v); }
static __always_inline long atomic_long_add_return(long i, atomic_long_t *v)
{
	return atomic_fetch_add_explicit(&v->counter, i, mo_full) + i;
}

/* ---- xchg/cmpxchg on _Atomic unsigned long words (page tables, flags) ---- */
static __always_inline unsigned long xchg_ulong(_Atomic unsigned long *p, unsigned long new)
{
	return atomic_exchange_explicit(p, new, mo_full);
}
static __always_inline unsigned long cmpxchg_ulong(_Atomic unsigned long *p, unsigned long old,
						   unsigned long new)
{
	atomic_compare_exchange_strong_explicit(p, &old, new, mo_full, mo_relaxed);
	return old;
}

#endif
