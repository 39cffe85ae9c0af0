// SPDX-License-Identifier: GPL-2.0
/* refbench kernel model: address spaces (see pgtable.h). */
#include <stdlib.h>

#include "mm.h"

struct mm_struct *mm_create(unsigned long start, unsigned long size)
{
	struct mm_struct *mm;
	unsigned long i;

	if (!IS_ALIGNED(start, PUD_SIZE) || !size || !IS_ALIGNED(size, PMD_SIZE) ||
	    pud_index(start) + ALIGN(size, PUD_SIZE) / PUD_SIZE > PTRS_PER_PUD)
		return NULL;
	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return NULL;
	init_rwsem(&mm->mmap_lock);
	spin_lock_init(&mm->page_table_lock);
	mm->start = start;
	mm->end = start + size;
	mm->nr_pmd = size >> PMD_SHIFT;
	mm->nr_pud = ALIGN(size, PUD_SIZE) >> PUD_SHIFT;
	mm->alloc_bytes[0] = PTRS_PER_PUD * sizeof(pud_t);
	mm->alloc_bytes[1] = mm->nr_pud * PTRS_PER_PMD * sizeof(pmd_t);
	mm->alloc_bytes[2] = mm->nr_pmd * PTRS_PER_PTE * sizeof(pte_t);
	mm->alloc_bytes[3] = mm->nr_pud * sizeof(struct ptl_slot);
	mm->alloc_bytes[4] = mm->nr_pmd * sizeof(struct ptl_slot);
	mm->pud = rb_model_alloc(mm->alloc_bytes[0]);
	mm->pmd_tables = rb_model_alloc(mm->alloc_bytes[1]);
	mm->pte_tables = rb_model_alloc(mm->alloc_bytes[2]);
	mm->pmd_ptl = rb_model_alloc(mm->alloc_bytes[3]);
	mm->pte_ptl = rb_model_alloc(mm->alloc_bytes[4]);
	if (!mm->pud || !mm->pmd_tables || !mm->pte_tables || !mm->pmd_ptl || !mm->pte_ptl) {
		mm_destroy(mm);
		return NULL;
	}
	/* Page tables must be page aligned: entries keep the table address in PTE_PFN_MASK bits. */
	BUG_ON(((uintptr_t)mm->pmd_tables | (uintptr_t)mm->pte_tables) & ~PAGE_MASK);
	for (i = 0; i < mm->nr_pud; i++) {
		spin_lock_init(&mm->pmd_ptl[i].ptl);
		WRITE_ONCE(mm->pud[pud_index(start) + i].pud,
			   (pudval_t)(uintptr_t)(mm->pmd_tables + i * PTRS_PER_PMD) | _PAGE_TABLE);
	}
	for (i = 0; i < mm->nr_pmd; i++)
		spin_lock_init(&mm->pte_ptl[i].ptl);
	return mm;
}

void mm_destroy(struct mm_struct *mm)
{
	if (!mm)
		return;
	destroy_rwsem(&mm->mmap_lock);
	rb_model_free(mm->pud, mm->alloc_bytes[0]);
	rb_model_free(mm->pmd_tables, mm->alloc_bytes[1]);
	rb_model_free(mm->pte_tables, mm->alloc_bytes[2]);
	rb_model_free(mm->pmd_ptl, mm->alloc_bytes[3]);
	rb_model_free(mm->pte_ptl, mm->alloc_bytes[4]);
	free(mm);
}

/* Out of line, as mm/filemap.c's (spinlock.h). */
__noinline void folio_unlock(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	clear_bit_unlock(PG_locked, &folio->flags);
}
