/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: bit operations on an unsigned long word
 * (include/asm-generic/bitops/atomic.h, lock.h, non-atomic.h).
 *
 *   set_bit / clear_bit / change_bit        relaxed RMW (unordered)
 *   test_and_set_bit / test_and_clear_bit   fully ordered RMW (seq_cst)
 *   test_and_set_bit_lock                   acquire RMW
 *   clear_bit_unlock                        release RMW
 *   test_bit                                relaxed load
 *   __set_bit / __clear_bit                 non-atomic: a relaxed load and a
 *                                           relaxed store here, since the word
 *                                           is _Atomic (same codegen on x86 as
 *                                           the kernel's plain RMW)
 * Bit numbers are within one word (BITS_PER_LONG), which is all struct page
 * flags need.
 */
#ifndef RB_KERNEL_BITOPS_H
#define RB_KERNEL_BITOPS_H

#include "atomic.h"

#define BITS_PER_LONG	64
#define BIT(nr)		(1UL << (nr))

static __always_inline bool test_bit(unsigned int nr, const _Atomic unsigned long *addr)
{
	return (atomic_load_explicit((_Atomic unsigned long *)addr, mo_relaxed) >> nr) & 1;
}
static __always_inline void set_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_fetch_or_explicit(addr, BIT(nr), mo_relaxed);
}
static __always_inline void clear_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_fetch_and_explicit(addr, ~BIT(nr), mo_relaxed);
}
static __always_inline void change_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_fetch_xor_explicit(addr, BIT(nr), mo_relaxed);
}
static __always_inline bool test_and_set_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	return (atomic_fetch_or_explicit(addr, BIT(nr), mo_full) >> nr) & 1;
}
static __always_inline bool test_and_clear_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	return (atomic_fetch_and_explicit(addr, ~BIT(nr), mo_full) >> nr) & 1;
}
static __always_inline bool test_and_set_bit_lock(unsigned int nr, _Atomic unsigned long *addr)
{
	return (atomic_fetch_or_explicit(addr, BIT(nr), mo_acquire) >> nr) & 1;
}
static __always_inline void clear_bit_unlock(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_fetch_and_explicit(addr, ~BIT(nr), mo_release);
}
static __always_inline void __set_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_store_explicit(addr, atomic_load_explicit(addr, mo_relaxed) | BIT(nr), mo_relaxed);
}
static __always_inline void __clear_bit(unsigned int nr, _Atomic unsigned long *addr)
{
	atomic_store_explicit(addr, atomic_load_explicit(addr, mo_relaxed) & ~BIT(nr), mo_relaxed);
}

#endif
