/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench split family: gup-fast's speculative grab of one page racing
 * split_huge_page() (which freezes the refcount) and a khugepaged-like
 * collapse, in three variants of try_get_folio():
 *
 *   null   c24d37322548 (Jann Horn): page_folio() changed after the add ->
 *          put the refs back, return NULL; gup-fast fails and the caller
 *          takes the slow path (mmap_lock read + page-table lock).
 *   retry  <20220102215729.2943705-6-willy@infradead.org> (seed 000): goto
 *          retry without a lock; a frozen folio still returns NULL.
 *   xadd   the 2026 "mm: improve folio refcount scalability" proposal:
 *          fetch_add plus PAGEREF_FROZEN_BIT instead of the add_unless CAS
 *          loop, with willy's retry (page_ref_frozen.h).
 *
 * Each variant is an ops struct holding its try_get_folio, the matching
 * freeze/unfreeze/put (cmpxchg-to-0 of src/kernel/page_ref.h for null and
 * retry, the FROZEN bit for xadd) and a batch loop instantiated for it, so the
 * timed loop makes no indirect call per grab.
 *
 * The model address space is nslots PMD slots at SPLIT_BASE. A slot of order
 * 9 holds one PMD-mapped THP or, split, 512 PTE-mapped small folios; a slot of
 * order 4 holds 32 groups of 16 PTEs, each an order-4 mTHP (PTE-mapped) or 16
 * small folios. Refcount bookkeeping is explicit, as the kernel's THP
 * refcounting: every mapping (the PMD, or each PTE) holds one reference, so
 * at quiescence a folio's count equals its number of mappings exactly.
 * Folios come from the buddy model (src/kernel/alloc.h): collapse allocates a
 * new folio and frees the old small pages, so freed pages are really reused.
 */
#ifndef RB_SPLIT_H
#define RB_SPLIT_H

#include <pthread.h>

#include "kernel/mm.h"
#include "kernel/pgd.h"

#define SPLIT_BASE		(64UL << 30)	/* PUD-aligned start of the modelled range */
#define SPLIT_MTHP_ORDER	4
#define SPLIT_MTHP_NR		(1 << SPLIT_MTHP_ORDER)
#define SPLIT_MAX_HELD		16

/* One grabber's counts (owned by its thread; summed after the run). */
struct split_stats {
	unsigned long grabs;		/* = fast + slow */
	unsigned long fast;		/* gup-fast returned the folio */
	unsigned long slow;		/* = null_frozen + null_changed + recheck_fail + not_present */
	unsigned long retries;		/* page_folio() changed after the add: goto retry (retry, xadd) */
	unsigned long null_changed;	/* page_folio() changed after the add: NULL (null) */
	unsigned long null_frozen;	/* the speculative add failed: frozen or free folio */
	unsigned long recheck_fail;	/* the PMD/PTE changed after the grab: refs put back */
	unsigned long not_present;	/* gup-fast found a migration entry (or none) */
	unsigned long slow_waits;	/* the slow path waited for a migration entry to go */
};

/* The splitter/collapser's counts (read by the benchmark while it runs). */
struct split_counts {
	atomic_long_t split_ok;
	atomic_long_t split_ebusy;	/* can_split_folio() or the freeze said: pinned */
	atomic_long_t collapse_ok;
	atomic_long_t collapse_ebusy;	/* a small page could not be frozen: restored */
	atomic_long_t collapse_enomem;	/* no free folio of the order */
	atomic_long_t split9_ok, collapse9_ok;	/* per order, for the bookkeeping check */
	atomic_long_t split4_ok, collapse4_ok;
	atomic_long_t collapse_put_freed;	/* last-put mode: old pages the collapse's own put freed */
};

struct split_mm;

struct split_ops {
	const char *name;
	/* The whole grab: gup-fast, then the slow path if it failed. *pagep: the page. */
	struct folio *(*grab)(struct split_mm *sm, unsigned long addr, int refs,
			      struct page **pagep, struct split_stats *st);
	struct folio *(*try_get_folio)(struct page *page, int refs, struct split_stats *st);
	void (*put_refs)(struct folio *folio, int refs);
	bool (*ref_freeze)(struct folio *folio, int count);
	void (*ref_unfreeze)(struct folio *folio, int count);
	/* A newly allocated large folio: give its tails the "no owner" count. */
	void (*prep_new_folio)(struct folio *folio);
	/* Free a frozen order-0 folio (collapse). */
	void (*free_frozen)(struct folio *folio);
	/* n grabs of random pages with @refs, each put at once; the benchmark's timed loop. */
	void (*grab_batch)(struct split_mm *sm, uint64_t n, int refs, struct split_stats *st,
			   uint64_t *rng);
	bool frozen_bit;	/* tails and free pages carry PAGEREF_FROZEN_BIT, not 0 */
	bool widen;		/* tests only: sched_yield() in the grab's and the split's racy windows */
	bool retry_on_change;	/* try_get_folio retries when page_folio() changed (else NULL) */
};

/*
 * Laid out by who writes what, so that the grab loop's reads do not share a
 * cache line with anything the splitter writes (false sharing):
 *   - read-mostly (written only by split_mm_create() and the test set-up,
 *     read by every grab: mm, nr_map_pages, slot_order; by the splitter:
 *     ops, nr_held), line 0;
 *   - the zone: its lock, nr_free_pages and free lists are written on every
 *     allocation and free of a split or collapse;
 *   - the splitter's counters and control (written per split/collapse),
 *     and what only set-up and the quiescence checks read;
 *   - the test instrumentation each grabber writes (held[]).
 * Each block starts a cache line (____cacheline_aligned_in_smp), and
 * split_mm_create() allocates the struct cache-line aligned (rb_model_alloc),
 * with slot_order[] on a line of its own right after it: calloc()'s 16-byte
 * alignment would defeat the offsets. The static asserts below check the
 * offsets; tests/split/test_split.c prints them and checks the alignment.
 */
struct split_mm {
	/* Read-mostly: every grab reads these. */
	struct mm_struct *mm;
	pgd_t *pgd;			/* gup-fast's walk starts here (a PGD page; its entry -> mm->pud) */
	unsigned long nr_map_pages;	/* nslots * 512, a power of two */
	unsigned char *slot_order;	/* 9 or SPLIT_MTHP_ORDER */
	const struct split_ops *ops;
	unsigned long nslots;
	/* Test instrumentation, set before the threads start (nr_held 0 in benchmarks). */
	unsigned int nr_held;
	void (*violation)(struct split_mm *sm, const char *what);

	/* Written by the splitter on every allocation and free. */
	struct zone zone ____cacheline_aligned_in_smp;

	/* Written by the splitter on every split/collapse; read by the benchmark. */
	struct split_counts cnt ____cacheline_aligned_in_smp;
	unsigned long zone_start, zone_pages;	/* set-up and the checks only */
	/* The splitter thread (split_splitter_start/stop). */
	pthread_t splitter;
	bool splitter_running;
	_Atomic bool stop;
	long rate;			/* steps per second; < 0: as fast as possible */
	/*
	 * The splitter's step: false (the stress tests): split a large folio or
	 * collapse small ones, whichever the random address holds, so both
	 * states are raced; true (the benchmark): split a large folio and
	 * collapse it straight back (split_pair()), so the mapping mix stays
	 * all-large at every rate and only the race differs between rows.
	 */
	bool pairs;
	uint64_t seed;
	atomic_long_t violations;

	/*
	 * Test instrumentation, off (nr_held == 0) in benchmarks: each grabber
	 * t publishes in held[t] the head pfn + 1 of the folio it holds a
	 * reference on; right after every successful freeze the splitter checks
	 * that no grabber holds the frozen folio.
	 */
	_Atomic unsigned long held[SPLIT_MAX_HELD] ____cacheline_aligned_in_smp;
};

#define SPLIT_MM_SAME_LINE(a, b)						\
	(offsetof(struct split_mm, a) / SMP_CACHE_BYTES ==			\
	 (offsetof(struct split_mm, b) + sizeof(((struct split_mm *)0)->b) - 1) / SMP_CACHE_BYTES)
_Static_assert(SPLIT_MM_SAME_LINE(mm, violation),
	       "split_mm: the read-mostly fields must fit one cache line");
_Static_assert(offsetof(struct split_mm, zone) % SMP_CACHE_BYTES == 0 &&
	       offsetof(struct split_mm, zone) >= SMP_CACHE_BYTES,
	       "split_mm: the zone must start a cache line of its own");
_Static_assert(offsetof(struct split_mm, cnt) % SMP_CACHE_BYTES == 0 &&
	       offsetof(struct split_mm, cnt) >= offsetof(struct split_mm, zone) + sizeof(struct zone),
	       "split_mm: the counters must start a cache line after the zone");
_Static_assert(offsetof(struct split_mm, held) % SMP_CACHE_BYTES == 0,
	       "split_mm: held[] must start a cache line");

/* The variants (src/split/try_get_folio_*.c). */
extern const struct split_ops split_ops_null, split_ops_retry, split_ops_xadd;
extern const struct split_ops *const split_variants[];	/* NULL-terminated */
const struct split_ops *split_find_variant(const char *name);

/*
 * split_mm_create(): memmap + zone + mm with @nslots (a power of two) slots,
 * each of @order (9 or 4; 0 = alternate 9 and 4), fully mapped by large
 * folios. NULL with a message in @err on bad arguments or no memory.
 */
struct split_mm *split_mm_create(const struct split_ops *ops, unsigned long nslots, int order,
				 char *err, size_t errlen);
void split_mm_destroy(struct split_mm *sm);

static inline unsigned long split_slot_addr(unsigned long slot)
{
	return SPLIT_BASE + slot * PMD_SIZE;
}

static inline unsigned int split_addr_order(struct split_mm *sm, unsigned long addr)
{
	return sm->slot_order[(addr - SPLIT_BASE) >> PMD_SHIFT];
}

/* ---- the model (split_model.c) ---- */

/* Map pages [pfn, pfn + nr) by PTEs at ptep (the PTE lock or the PMD lock held). */
void split_map_ptes(struct split_mm *sm, unsigned long addr, pte_t *ptep, unsigned long pfn, long nr);

/* split_huge_page() of the large folio at @addr (PMD THP or PTE-mapped mTHP). 0, -EBUSY, -EAGAIN. */
int split_huge_page_addr(struct split_mm *sm, unsigned long addr);
/* collapse the small folios at @addr into a new folio of the slot's order. 0, -EBUSY, -ENOMEM, -EAGAIN. */
int collapse_huge_page_addr(struct split_mm *sm, unsigned long addr);
/* The slow path: mmap_lock (read) + page-table lock, a grab that cannot fail. */
struct folio *split_gup_slow(struct split_mm *sm, unsigned long addr, int refs,
			     struct page **pagep, struct split_stats *st);

/*
 * A put dropped a folio to zero: by default a put too many (every free goes
 * through a freeze; counted in split_bad_puts); with split_last_put_frees
 * (set before any thread starts; split_stress --last-put) the collapse frees
 * the old small pages by ordinary puts and the last put frees an order-0
 * folio, counted per thread in split_last_put_freed.
 */
void split_last_put(struct folio *folio);
extern atomic_long_t split_bad_puts;
extern bool split_last_put_frees;
extern _Thread_local unsigned long split_last_put_freed;

/* ---- the workload (split_workload.c) ---- */

/* Split if large, else collapse: the unit the splitter thread repeats. */
int split_toggle(struct split_mm *sm, unsigned long addr);
/*
 * Split the large folio at @addr and collapse it straight back (retrying the
 * collapse while a grab holds a small page, so the mix is restored): the
 * benchmark's step (sm->pairs). 0 if both happened, else the split's error
 * (nothing changed) or the collapse's last error.
 */
int split_pair(struct split_mm *sm, unsigned long addr);

/* A random address in a random slot (a head page one time in four). */
unsigned long split_random_addr(struct split_mm *sm, uint64_t *rng);

/* Start the splitter pthread at @rate steps/s (< 0: flat out; 0: none); sm->pairs picks the step. 0 or -errno. */
int split_splitter_start(struct split_mm *sm, long rate);
void split_splitter_stop(struct split_mm *sm);


/* ---- the checks (split_checks.c) ---- */

/* Right after a successful freeze: no grabber may hold a reference on @folio (check E). */
void split_check_held(struct split_mm *sm, struct folio *folio);

/*
 * After quiescence (no grabber, no splitter): every mapped folio's count
 * equals its mappings, tails and free pages carry the "no owner" count, no
 * migration entry is left, the buddy holds exactly the unmapped pages, and
 * the split/collapse counts match the page tables. Returns the number of
 * problems, each printed to stderr.
 */
int split_check_quiescent(struct split_mm *sm, unsigned long nr_pmd_before, unsigned long nr_mthp_before);
/* Count PMD-mapped THPs and PTE-mapped mTHPs (at quiescence). */
void split_count_large(struct split_mm *sm, unsigned long *nr_pmd, unsigned long *nr_mthp);
/* Grabber counter consistency (per variant). Returns problems, printed. */
int split_check_stats(const struct split_ops *ops, const struct split_stats *st);
void split_stats_add(struct split_stats *sum, const struct split_stats *st);

/* xorshift64* */
static inline uint64_t split_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
