/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: the two levels above the PUD that gup-fast walks
 * (gup_fast_pgd_range() -> gup_fast_p4d_range() -> gup_fast_pud_range() in
 * mm/gup.c; gup_pgd_range() / gup_p4d_range() before v6.10), x86-64 with
 * 4-level paging (pgtable_l5_enabled() false, the usual case): p4d_offset()
 * folds the P4D into the PGD, so gup_fast_p4d_range()'s READ_ONCE(*p4dp)
 * reads the PGD entry a second time, and pud_offset_lockless() takes the PUD
 * table from that value.
 *
 * Additive: src/kernel/pgtable.h's mm_struct starts at its PUD table; a
 * family that walks from the PGD keeps a PGD page of its own whose entry for
 * the modelled range points at mm->pud (pgd_populate_pud()).
 */
#ifndef RB_KERNEL_PGD_H
#define RB_KERNEL_PGD_H

#include "pgtable.h"

#define PGDIR_SHIFT	39
#define PTRS_PER_PGD	512

typedef unsigned long pgdval_t;
typedef unsigned long p4dval_t;
typedef struct { _Atomic pgdval_t pgd; } pgd_t;
typedef struct { _Atomic p4dval_t p4d; } p4d_t;

static __always_inline unsigned long pgd_index(unsigned long addr)
{
	return (addr >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}
/* pgd_offset_pgd() */
static __always_inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long addr)
{
	return pgd + pgd_index(addr);
}
static __always_inline pgdval_t pgdp_get(pgd_t *pgdp) { return READ_ONCE(pgdp->pgd); }
static __always_inline bool pgd_none(pgdval_t pgd) { return pgd == 0; }
static __always_inline bool pgd_leaf(pgdval_t pgd) { (void)pgd; return false; }	/* x86: never */
/* p4d_offset_lockless() with 4-level paging: the P4D is the PGD entry. */
static __always_inline p4d_t *p4d_offset_lockless(pgd_t *pgdp, pgdval_t pgd, unsigned long addr)
{
	(void)pgd; (void)addr;
	return (p4d_t *)pgdp;
}
static __always_inline p4dval_t p4dp_get(p4d_t *p4dp) { return READ_ONCE(p4dp->p4d); }
static __always_inline bool p4d_present(p4dval_t p4d) { return p4d & _PAGE_PRESENT; }
/* pud_offset_lockless(): the PUD table the P4D value points at. */
static __always_inline pud_t *pud_offset_lockless(p4d_t *p4dp, p4dval_t p4d, unsigned long addr)
{
	(void)p4dp;
	return (pud_t *)(p4d & PTE_PFN_MASK) + pud_index(addr);
}
/* pgd_populate() of a (folded) P4D pointing at @pud; @pud page aligned. */
static __always_inline void pgd_populate_pud(pgd_t *pgdp, pud_t *pud)
{
	WRITE_ONCE(pgdp->pgd, (pgdval_t)(unsigned long)pud | _PAGE_TABLE);
}

#endif
