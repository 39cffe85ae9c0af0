// SPDX-License-Identifier: GPL-2.0
/* The model page table: walks, entry encodings, locks. */
#include "kernel/mm.h"
#include "rbtest.h"

#define BASE	(64UL << 30)	/* a PUD-aligned user address */

RB_TEST(entry_encodings)
{
	pmdval_t pmd = pfn_pmd(0x12345, PAGE_SHARED);
	pteval_t pte = pfn_pte(0x777, PAGE_READONLY | _PAGE_DEVMAP);
	pudval_t pud = pfn_pud(1UL << 18, PAGE_SHARED);

	CHECK(pmd_present(pmd) && pmd_leaf(pmd) && pmd_write(pmd));
	CHECK_EQ(pmd_pfn(pmd), 0x12345);
	CHECK(pte_present(pte) && !pte_write(pte) && pte_devmap(pte));
	CHECK_EQ(pte_pfn(pte), 0x777);
	CHECK(pud_leaf(pud));
	CHECK_EQ(pud_pfn(pud), 1UL << 18);
	pmd = make_pmd_migration_entry(0x42);
	CHECK(!pmd_present(pmd) && !pmd_leaf(pmd) && !pmd_none(pmd));
	CHECK(is_pmd_migration_entry(pmd));
	CHECK_EQ(migration_entry_pfn(pmd), 0x42);
	CHECK(!is_pmd_migration_entry(pfn_pmd(0x42, PAGE_SHARED)));
	CHECK(is_pte_migration_entry(make_pte_migration_entry(9)));
	CHECK(pmd_none(0) && pte_none(0));
}

RB_TEST(create_and_walk)
{
	struct mm_struct *mm;
	unsigned long addr = BASE + PUD_SIZE + 3 * PMD_SIZE + 17 * PAGE_SIZE;
	pud_t *pudp;
	pmd_t *pmdp;
	pte_t *ptep, *table;
	spinlock_t *ptl;

	CHECK(mm_create(BASE + PAGE_SIZE, PMD_SIZE) == NULL);	/* start not PUD aligned */
	CHECK(mm_create(BASE, PAGE_SIZE) == NULL);		/* size not a PMD multiple */
	CHECK(mm_create(BASE, 0) == NULL);
	memmap_init(1024);
	mm = mm_create(BASE, 2 * PUD_SIZE);
	CHECK(mm != NULL);
	CHECK_EQ(mm->nr_pmd, 1024);

	/* The lockless walk reaches the same PMD slot as the setup helper. */
	pudp = pud_offset(mm, addr);
	CHECK(pud_present(pudp_get(pudp)) && !pud_leaf(pudp_get(pudp)));
	pmdp = pmd_offset(pudp_get(pudp), addr);
	CHECK(pmdp == mm_pmd_slot(mm, addr));
	CHECK(pmd_none(pmdp_get_lockless(pmdp)));
	CHECK(pte_offset_map_lock(mm, pmdp, addr, &ptl) == NULL);	/* no table yet */

	set_pmd_at(mm, addr, pmdp, pfn_pmd(512, PAGE_SHARED));
	CHECK(pmd_leaf(pmdp_get_lockless(pmdp)));
	CHECK(pmd_page(pmdp_get_lockless(pmdp)) == pfn_to_page(512));
	CHECK(pte_offset_map_lock(mm, pmdp, addr, &ptl) == NULL);	/* a leaf, not a table */

	table = mm_pte_table(mm, pmdp);
	CHECK_EQ((uintptr_t)table % PAGE_SIZE, 0);
	CHECK_EQ(pmdp_huge_get_and_clear(mm, addr, pmdp), pfn_pmd(512, PAGE_SHARED));
	pmd_populate(mm, pmdp, table);
	set_pte_at(mm, addr, table + pte_index(addr), pfn_pte(99, PAGE_SHARED));
	ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
	CHECK(ptep == table + 17);
	CHECK(ptl == pte_lockptr(mm, pmdp));
	CHECK(spin_is_locked(ptl));
	CHECK_EQ(pte_pfn(ptep_get(ptep)), 99);
	CHECK_EQ(ptep_get_and_clear(mm, addr, ptep), pfn_pte(99, PAGE_SHARED));
	CHECK(pte_none(ptep_get(ptep)));
	pte_unmap_unlock(ptep, ptl);
	CHECK(!spin_is_locked(ptl));

	/* Split locks: neighbouring PTE tables have different locks; one PMD table one lock. */
	CHECK(pte_lockptr(mm, pmdp) != pte_lockptr(mm, pmdp + 1));
	CHECK(pmd_lockptr(mm, pmdp) == pmd_lockptr(mm, pmdp + 1));
	CHECK(pmd_lockptr(mm, mm->pmd_tables) != pmd_lockptr(mm, mm->pmd_tables + PTRS_PER_PMD));
	CHECK_EQ((uintptr_t)pte_lockptr(mm, pmdp) % SMP_CACHE_BYTES, 0);
	mm_destroy(mm);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(entry_encodings) RBT_CASE(create_and_walk))
