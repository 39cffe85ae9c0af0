/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench split family: the 2026 "mm: improve folio refcount scalability"
 * proposal (Gladyshev Ilya / Gorbunov Ivan, "mm: implement page refcount
 * locking via dedicated bit", v1 Feb 26 2026, v2 Apr 20 2026, Acked-by Linus
 * Torvalds): a frozen (dead) refcount is marked by PAGEREF_FROZEN_BIT, the top
 * bit of _refcount, instead of by the value 0, so the speculative grab can be
 * one fetch_add (lock xadd) instead of atomic_add_unless()'s cmpxchg loop.
 *
 * Kernel-model addition (not in src/kernel because it is one variant's
 * semantics, not today's kernel): if the proposal is ever modelled by another
 * family, move this header to src/kernel/page_ref_frozen.h.
 *
 * Values of _refcount under this scheme:
 *   1 .. INT_MAX-ish             live, with owners
 *   0                            transient: the last put is about to CAS it
 *                                to PAGEREF_FROZEN_BIT (a "temporary zero": an
 *                                optimistic grab may still resurrect it)
 *   PAGEREF_FROZEN_BIT | junk    frozen / free / a tail page: every grab fails;
 *                                failed grabs leave their add in the low bits
 *                                (junk), overwritten by the next unfreeze
 * Linus's request (b) on the list (Mar 4 2026): the FROZEN bit on a freed folio
 * must never be removed before the next allocation sets the count to 1; David
 * Hildenbrand (same day): pages whose count is 0 *permanently* (tail pages)
 * would be grabbable. Hence the model keeps tails and free pages at
 * PAGEREF_FROZEN_BIT (folio_prep_tails_frozen_bit()).
 */
#ifndef RB_SPLIT_PAGE_REF_FROZEN_H
#define RB_SPLIT_PAGE_REF_FROZEN_H

#include "kernel/mm.h"

#define PAGEREF_FROZEN_BIT	((int)(1U << 31))
/* v1/v2: undo the optimistic add only when the junk on a frozen count is "scary big". */
#define _PAGEREF_FROZEN_LIMIT	((1U << 30) | (1U << 31))

/* atomic_cmpxchg_relaxed(): as atomic_cmpxchg() (atomic.h) but unordered. */
static __always_inline int atomic_cmpxchg_relaxed(atomic_t *v, int old, int new)
{
	atomic_compare_exchange_strong_explicit(&v->counter, &old, new, mo_relaxed, mo_relaxed);
	return old;
}

static __always_inline bool page_ref_is_frozen_bit(int v)
{
	return v & PAGEREF_FROZEN_BIT;
}

/*
 * page_ref_add_unless_frozen() (v2's page_ref_add_unless_zero(), renamed as
 * Linus asked): one fully ordered fetch_add; success iff the FROZEN bit was
 * clear. A failed add is not undone (the next unfreeze overwrites it) unless
 * the junk grows past _PAGEREF_FROZEN_LIMIT.
 */
static __always_inline bool folio_ref_try_add_frozen_bit(struct folio *folio, int nr)
{
	int val = atomic_add_return(nr, &folio->_refcount);
	bool ret = !(val & PAGEREF_FROZEN_BIT);

	while (unlikely((unsigned int)val >= _PAGEREF_FROZEN_LIMIT))
		val = atomic_cmpxchg_relaxed(&folio->_refcount, val, PAGEREF_FROZEN_BIT);
	return ret;
}

/*
 * page_ref_sub_and_test() under the proposal: the put that reaches 0 must win
 * the 0 -> FROZEN cmpxchg to own the free; a concurrent optimistic grab that
 * resurrected the 0 makes it lose (David Hildenbrand explained on the list why
 * this cannot be a plain atomic_or).
 */
#ifdef CONFIG_DEBUG_VM
/*
 * Test builds only: called (if set) between the sub-and-test that reached 0
 * and the 0 -> FROZEN cmpxchg, so that a unit test can put a grab in the
 * temporary zero deterministically (tests/split/test_split.c). The benchmark
 * builds have no such call.
 */
extern void (*split_frozen_put_window)(struct folio *folio);
#endif

static __always_inline bool folio_ref_sub_and_test_frozen_bit(struct folio *folio, int nr)
{
	bool ret = atomic_sub_and_test(nr, &folio->_refcount);

	if (ret) {
#ifdef CONFIG_DEBUG_VM
		if (split_frozen_put_window)
			split_frozen_put_window(folio);
#endif
		ret = !atomic_cmpxchg_relaxed(&folio->_refcount, 0, PAGEREF_FROZEN_BIT);
	}
	return ret;
}

/* page_ref_freeze(): count -> FROZEN, fully ordered on success. */
static __always_inline bool folio_ref_freeze_frozen_bit(struct folio *folio, int count)
{
	return atomic_cmpxchg(&folio->_refcount, count, PAGEREF_FROZEN_BIT) == count;
}

/* page_ref_unfreeze(): a release store that also drops the junk of failed grabs. */
static __always_inline void folio_ref_unfreeze_frozen_bit(struct folio *folio, int count)
{
	VM_BUG_ON_FOLIO(!page_ref_is_frozen_bit(folio_ref_count(folio)), folio);
	VM_BUG_ON(count <= 0);
	atomic_set_release(&folio->_refcount, count);
}

#endif
