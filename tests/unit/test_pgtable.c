// SPDX-License-Identifier: GPL-2.0
/* The model page table: walks, entry encodings, locks. */
#include <pthread.h>
#include <sched.h>

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

/*
 * pte_offset_map_lock() against a writer that collapses the PTE table into a
 * PMD leaf under the table's lock, as the model's writers do. Each round: the
 * writer holds the lock, lets the walker start (it reads the PMD, still the
 * table, and waits for the lock), collapses, unlocks. The walker must not come
 * back with the lock of a table the PMD no longer points at: the re-check of
 * the PMD under the lock is what guarantees that, and a walker without it is
 * caught here. A walker that reads the PMD only after the collapse gets NULL
 * either way, so a round can miss but never fail wrongly; no timing is asserted.
 */
#define WALK_ROUNDS	2000
static struct mm_struct *race_mm;
static pmd_t *race_pmdp;
static pte_t *race_table;
static _Atomic int race_go, race_ready, race_finished;
static _Atomic long race_stale, race_got_table;

static void wait_for(_Atomic int *v, int round)
{
	while (atomic_load_explicit(v, memory_order_acquire) != round)
		sched_yield();
}

static void *walker(void *arg)
{
	spinlock_t *ptl;

	(void)arg;
	for (int r = 1; r <= WALK_ROUNDS; r++) {
		pte_t *ptep;

		wait_for(&race_go, r);
		atomic_store_explicit(&race_ready, r, memory_order_release);
		ptep = pte_offset_map_lock(race_mm, race_pmdp, BASE + 5 * PAGE_SIZE, &ptl);
		if (ptep) {
			/* Under the lock the PMD cannot change: it must still be our table. */
			if (pmd_leaf(pmdp_get(race_pmdp)) ||
			    pmd_page_vaddr(pmdp_get(race_pmdp)) != race_table)
				atomic_fetch_add_explicit(&race_stale, 1, memory_order_relaxed);
			else
				atomic_fetch_add_explicit(&race_got_table, 1, memory_order_relaxed);
			pte_unmap_unlock(ptep, ptl);
		}
		atomic_store_explicit(&race_finished, r, memory_order_release);
	}
	return NULL;
}

RB_TEST(pte_offset_map_lock_rechecks_the_pmd)
{
	pthread_t t;
	spinlock_t *ptl;

	memmap_init(1024);
	race_mm = mm_create(BASE, PUD_SIZE);
	CHECK(race_mm != NULL);
	race_pmdp = mm_pmd_slot(race_mm, BASE);
	race_table = mm_pte_table(race_mm, race_pmdp);
	ptl = pte_lockptr(race_mm, race_pmdp);
	pthread_create(&t, NULL, walker, NULL);
	for (int r = 1; r <= WALK_ROUNDS; r++) {
		spin_lock(ptl);
		pmd_populate(race_mm, race_pmdp, race_table);		/* split back */
		atomic_store_explicit(&race_go, r, memory_order_release);
		wait_for(&race_ready, r);
		for (int k = 0; k < 3; k++)	/* let the walker read the PMD and wait */
			sched_yield();
		set_pmd_at(race_mm, BASE, race_pmdp, pfn_pmd(512, PAGE_SHARED));	/* collapse */
		spin_unlock(ptl);
		wait_for(&race_finished, r);
	}
	pthread_join(t, NULL);
	CHECK_EQ(atomic_load(&race_stale), 0);
	mm_destroy(race_mm);
	memmap_destroy();
}

RB_TEST_MAIN(RBT_CASE(entry_encodings) RBT_CASE(create_and_walk)
	     RBT_CASE(pte_offset_map_lock_rechecks_the_pmd))
