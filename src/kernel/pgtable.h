/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: page tables and mm_struct (x86-64 4-level paging
 * below the PGD: one PUD table, PMD tables, PTE tables).
 *
 * Naming: as in the kernel, pte_t / pmd_t / pud_t are the entries in the
 * tables (here _Atomic words, so that lockless readers are data-race free);
 * pteval_t / pmdval_t / pudval_t are snapshots of their values, which is what
 * pmdp_get_lockless() returns and what pmd_leaf()/pmd_pfn()/... take.
 *
 * Every PMD and PTE table is preallocated (a THP's deposited page table,
 * pgtable_trans_huge_deposit(), always exists), and each has its own split
 * page-table lock (pmd_lockptr / pte_lockptr, on its own cache line as the
 * kernel's lives in the table's struct ptdesc). The PUD level uses
 * mm->page_table_lock. There is no TLB, so *_clear_flush is a plain clear;
 * gup-fast needs no IRQ disabling because tables are never freed here
 * (REFERENCE.md).
 */
#ifndef RB_KERNEL_PGTABLE_H
#define RB_KERNEL_PGTABLE_H

#include "spinlock.h"

#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PTRS_PER_PTE	512
#define PTRS_PER_PMD	512
#define PTRS_PER_PUD	512
#define HPAGE_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)	/* 9 */
#define HPAGE_PMD_NR	(1 << HPAGE_PMD_ORDER)
#define HPAGE_PUD_ORDER	(PUD_SHIFT - PAGE_SHIFT)	/* 18 */

typedef unsigned long pteval_t;
typedef unsigned long pmdval_t;
typedef unsigned long pudval_t;
typedef unsigned long pgprot_t;

typedef struct { _Atomic pteval_t pte; } pte_t;
typedef struct { _Atomic pmdval_t pmd; } pmd_t;
typedef struct { _Atomic pudval_t pud; } pud_t;

/* x86 bits */
#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)	/* leaf at PMD/PUD level */
#define _PAGE_SPECIAL	(1UL << 9)
/*
 * Non-present migration entry (a swap entry of type SWP_MIGRATION_*): modelled
 * as a software bit on a non-present entry that keeps the pfn.
 */
#define _PAGE_SWP_MIGRATION (1UL << 10)
#define _PAGE_DEVMAP	(1UL << 58)
#define PTE_PFN_MASK	0x000ffffffffff000UL

#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PAGE_SHARED	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_READONLY	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

/* ---- values ---- */
static __always_inline bool pte_none(pteval_t pte) { return pte == 0; }
static __always_inline bool pte_present(pteval_t pte) { return pte & _PAGE_PRESENT; }
static __always_inline bool pte_write(pteval_t pte) { return pte & _PAGE_RW; }
static __always_inline bool pte_special(pteval_t pte) { return pte & _PAGE_SPECIAL; }
static __always_inline bool pte_devmap(pteval_t pte) { return pte & _PAGE_DEVMAP; }
static __always_inline unsigned long pte_pfn(pteval_t pte) { return (pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static __always_inline struct page *pte_page(pteval_t pte) { return pfn_to_page(pte_pfn(pte)); }
static __always_inline pteval_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return (pfn << PAGE_SHIFT) | prot;
}
static __always_inline bool pte_same(pteval_t a, pteval_t b) { return a == b; }

static __always_inline bool pmd_none(pmdval_t pmd) { return pmd == 0; }
static __always_inline bool pmd_present(pmdval_t pmd) { return pmd & _PAGE_PRESENT; }
static __always_inline bool pmd_leaf(pmdval_t pmd) { return (pmd & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
#define pmd_trans_huge(pmd)	pmd_leaf(pmd)
static __always_inline bool pmd_write(pmdval_t pmd) { return pmd & _PAGE_RW; }
static __always_inline bool pmd_devmap(pmdval_t pmd) { return pmd & _PAGE_DEVMAP; }
static __always_inline unsigned long pmd_pfn(pmdval_t pmd) { return (pmd & PTE_PFN_MASK) >> PAGE_SHIFT; }
static __always_inline struct page *pmd_page(pmdval_t pmd) { return pfn_to_page(pmd_pfn(pmd)); }
static __always_inline pmdval_t pfn_pmd(unsigned long pfn, pgprot_t prot)
{
	return (pfn << PAGE_SHIFT) | prot | _PAGE_PSE;
}
static __always_inline bool pmd_same(pmdval_t a, pmdval_t b) { return a == b; }
/* A present, non-leaf PMD points at a PTE table. */
static __always_inline pte_t *pmd_page_vaddr(pmdval_t pmd) { return (pte_t *)(pmd & PTE_PFN_MASK); }
static __always_inline bool is_pmd_migration_entry(pmdval_t pmd)
{
	return !pmd_present(pmd) && (pmd & _PAGE_SWP_MIGRATION);
}
static __always_inline pmdval_t make_pmd_migration_entry(unsigned long pfn)
{
	return (pfn << PAGE_SHIFT) | _PAGE_SWP_MIGRATION;
}
static __always_inline bool is_pte_migration_entry(pteval_t pte)
{
	return !pte_present(pte) && (pte & _PAGE_SWP_MIGRATION);
}
static __always_inline pteval_t make_pte_migration_entry(unsigned long pfn)
{
	return (pfn << PAGE_SHIFT) | _PAGE_SWP_MIGRATION;
}
#define migration_entry_pfn(e)	(((e) & PTE_PFN_MASK) >> PAGE_SHIFT)

static __always_inline bool pud_none(pudval_t pud) { return pud == 0; }
static __always_inline bool pud_present(pudval_t pud) { return pud & _PAGE_PRESENT; }
static __always_inline bool pud_leaf(pudval_t pud) { return (pud & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static __always_inline bool pud_devmap(pudval_t pud) { return pud & _PAGE_DEVMAP; }
static __always_inline unsigned long pud_pfn(pudval_t pud) { return (pud & PTE_PFN_MASK) >> PAGE_SHIFT; }
static __always_inline struct page *pud_page(pudval_t pud) { return pfn_to_page(pud_pfn(pud)); }
static __always_inline pudval_t pfn_pud(unsigned long pfn, pgprot_t prot)
{
	return (pfn << PAGE_SHIFT) | prot | _PAGE_PSE;
}
static __always_inline pmd_t *pud_pgtable(pudval_t pud) { return (pmd_t *)(pud & PTE_PFN_MASK); }

/* ---- mm_struct ---- */
struct ptl_slot { spinlock_t ptl; } __aligned(SMP_CACHE_BYTES);

struct mm_struct {
	struct rw_semaphore mmap_lock;
	spinlock_t page_table_lock;		/* PUD level, as the kernel */
	unsigned long start, end;		/* the modelled range, PUD aligned start */
	pud_t *pud;				/* one PUD table */
	pmd_t *pmd_tables;			/* nr_pud * 512 entries, table i at i*512 */
	pte_t *pte_tables;			/* nr_pmd * 512 entries, table i at i*512 */
	struct ptl_slot *pmd_ptl;		/* one per PMD table */
	struct ptl_slot *pte_ptl;		/* one per PTE table */
	unsigned long nr_pud, nr_pmd;
	size_t alloc_bytes[5];
};

/*
 * mm_create(): an address space covering [start, start + size), start PUD
 * aligned, size a multiple of PMD_SIZE. Every PUD entry points at its PMD
 * table; every PMD entry is none. Returns NULL on allocation failure.
 */
struct mm_struct *mm_create(unsigned long start, unsigned long size);
void mm_destroy(struct mm_struct *mm);

#define mmap_read_lock(mm)	down_read(&(mm)->mmap_lock)
#define mmap_read_unlock(mm)	up_read(&(mm)->mmap_lock)
#define mmap_write_lock(mm)	down_write(&(mm)->mmap_lock)
#define mmap_write_unlock(mm)	up_write(&(mm)->mmap_lock)
#define mmap_read_trylock(mm)	down_read_trylock(&(mm)->mmap_lock)

static __always_inline unsigned long pud_index(unsigned long addr) { return (addr >> PUD_SHIFT) & (PTRS_PER_PUD - 1); }
static __always_inline unsigned long pmd_index(unsigned long addr) { return (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1); }
static __always_inline unsigned long pte_index(unsigned long addr) { return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1); }

static __always_inline pud_t *pud_offset(struct mm_struct *mm, unsigned long addr)
{
	return mm->pud + pud_index(addr);
}
static __always_inline pmd_t *pmd_offset(pudval_t pud, unsigned long addr)
{
	return pud_pgtable(pud) + pmd_index(addr);
}
static __always_inline pte_t *pte_offset_map(pmdval_t pmd, unsigned long addr)
{
	return pmd_page_vaddr(pmd) + pte_index(addr);
}
/* The slot walk that does not read entries: for setting up mappings. */
static __always_inline pmd_t *mm_pmd_slot(struct mm_struct *mm, unsigned long addr)
{
	return mm->pmd_tables + ((addr - (mm->start & PUD_MASK)) >> PMD_SHIFT);
}
static __always_inline pte_t *mm_pte_table(struct mm_struct *mm, pmd_t *pmdp)
{
	return mm->pte_tables + (size_t)(pmdp - mm->pmd_tables) * PTRS_PER_PTE;
}

static __always_inline pteval_t ptep_get(pte_t *ptep) { return READ_ONCE(ptep->pte); }
static __always_inline pteval_t ptep_get_lockless(pte_t *ptep) { return READ_ONCE(ptep->pte); }
static __always_inline pmdval_t pmdp_get_lockless(pmd_t *pmdp) { return READ_ONCE(pmdp->pmd); }
static __always_inline pmdval_t pmdp_get(pmd_t *pmdp) { return READ_ONCE(pmdp->pmd); }
static __always_inline pudval_t pudp_get(pud_t *pudp) { return READ_ONCE(pudp->pud); }

static __always_inline void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pteval_t pte)
{
	(void)mm; (void)addr;
	WRITE_ONCE(ptep->pte, pte);
}
static __always_inline void set_pmd_at(struct mm_struct *mm, unsigned long addr, pmd_t *pmdp, pmdval_t pmd)
{
	(void)mm; (void)addr;
	WRITE_ONCE(pmdp->pmd, pmd);
}
static __always_inline void set_pud_at(struct mm_struct *mm, unsigned long addr, pud_t *pudp, pudval_t pud)
{
	(void)mm; (void)addr;
	WRITE_ONCE(pudp->pud, pud);
}
static __always_inline pteval_t ptep_get_and_clear(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	(void)mm; (void)addr;
	return xchg_ulong(&ptep->pte, 0);
}
static __always_inline pmdval_t pmdp_huge_get_and_clear(struct mm_struct *mm, unsigned long addr, pmd_t *pmdp)
{
	(void)mm; (void)addr;
	return xchg_ulong(&pmdp->pmd, 0);
}
/* pmdp_huge_clear_flush(): no TLB to flush in the model. */
#define pmdp_huge_clear_flush(vma_mm, addr, pmdp) pmdp_huge_get_and_clear(vma_mm, addr, pmdp)
#define ptep_clear_flush(vma_mm, addr, ptep)	ptep_get_and_clear(vma_mm, addr, ptep)

/* pmd_populate(): point a PMD at its (preallocated) PTE table. */
static __always_inline void pmd_populate(struct mm_struct *mm, pmd_t *pmdp, pte_t *table)
{
	WRITE_ONCE(pmdp->pmd, (pmdval_t)(uintptr_t)table | _PAGE_TABLE);
	(void)mm;
}

/* Split page-table locks. */
static __always_inline spinlock_t *pmd_lockptr(struct mm_struct *mm, pmd_t *pmdp)
{
	return &mm->pmd_ptl[(size_t)(pmdp - mm->pmd_tables) / PTRS_PER_PMD].ptl;
}
static __always_inline spinlock_t *pmd_lock(struct mm_struct *mm, pmd_t *pmdp)
{
	spinlock_t *ptl = pmd_lockptr(mm, pmdp);

	spin_lock(ptl);
	return ptl;
}
static __always_inline spinlock_t *pte_lockptr(struct mm_struct *mm, pmd_t *pmdp)
{
	return &mm->pte_ptl[pmdp - mm->pmd_tables].ptl;
}
static __always_inline spinlock_t *pud_lock(struct mm_struct *mm, pud_t *pudp)
{
	(void)pudp;
	spin_lock(&mm->page_table_lock);
	return &mm->page_table_lock;
}

/*
 * pte_offset_map_lock(): map and lock the PTE table under @pmdp; NULL when the
 * PMD is not (or no longer) a table. As __pte_offset_map_lock(), it re-checks
 * the PMD under the lock.
 */
static inline pte_t *pte_offset_map_lock(struct mm_struct *mm, pmd_t *pmdp,
					 unsigned long addr, spinlock_t **ptlp)
{
	for (;;) {
		pmdval_t pmd = pmdp_get_lockless(pmdp);
		spinlock_t *ptl;

		if (!pmd_present(pmd) || pmd_leaf(pmd))
			return NULL;
		ptl = pte_lockptr(mm, pmdp);
		spin_lock(ptl);
		if (likely(pmd_same(pmd, pmdp_get(pmdp)))) {
			*ptlp = ptl;
			return pte_offset_map(pmd, addr);
		}
		spin_unlock(ptl);
	}
}
/*
 * mm_follow_page(): what @addr maps right now, by a plain walk (NULL for a
 * hole or a non-present entry). Not a kernel function: the reference that
 * tests hold gup results against. Racy by nature; call it where the mapping
 * is stable, or accept a snapshot.
 */
static inline struct page *mm_follow_page(struct mm_struct *mm, unsigned long addr)
{
	pudval_t pud = pudp_get(pud_offset(mm, addr));
	pmdval_t pmd;
	pteval_t pte;

	if (!pud_present(pud))
		return NULL;
	if (pud_leaf(pud))
		return pud_page(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
	pmd = pmdp_get(pmd_offset(pud, addr));
	if (!pmd_present(pmd))
		return NULL;
	if (pmd_leaf(pmd))
		return pmd_page(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	pte = ptep_get(pte_offset_map(pmd, addr));
	return pte_present(pte) ? pte_page(pte) : NULL;
}

#define pte_unmap_unlock(pte, ptl)	do { (void)(pte); spin_unlock(ptl); } while (0)

#endif
