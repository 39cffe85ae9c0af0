/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pin: how GUP tells writeback that a file page is DMA-pinned (REFERENCE.md
 * section (4), seed 004). Three designs (and variants of the flag), one file
 * each:
 *
 *   pin_lock.c        John Hubbard's draft: lock_page; wait_on_page_writeback;
 *                     atomic_inc(_mapcount); SetPageGupPinned; unlock_page.
 *                     gup-fast may only trylock: -EBUSY, then the slow path.
 *   pin_flag.c        Jerome Glisse's scheme as posted
 *                     (<20190111165141.GB3190@redhat.com>): smp_rmb;
 *                     atomic_inc(_mapcount); smp_wmb; SetPagePin; smp_wmb;
 *                     back off if writeback started. page_mkclean:
 *                     TestClearPagePin; smp_mb; _mapcount vs real mappings.
 *                     The kernel's writeback order (page_mkclean before
 *                     set_page_writeback) needs the back-off to test
 *                     PageLocked || PageWriteback (pin_flag_impl.h).
 *   pin_flag_fullmb.c the same with smp_mb() after SetPagePin: "full
 *                     barriers on both sides", to compare. Not needed: PG_pin,
 *                     PG_locked and PG_writeback share one word.
 *   pin_flag_refcount.c Glisse's later version
 *                     (<20190116015610.GH3696@redhat.com>): BIAS on _refcount;
 *                     smp_mb; PageWriteback back-off, against
 *                     TestSetPageWriteback; smp_mb; page_is_pin(). Two words:
 *                     a store-buffering pair, both smp_mb() needed.
 *   pin_bias.c        (and pin_bias_noacct.c: without the NR_FOLL_PIN_*
 *                     vmstat accounting) the merged design (commit 3faa52c03f44, v5.7 and the
 *                     folio code of v6.6): GUP_PIN_COUNTING_BIAS on _refcount
 *                     for small folios, exact _pincount (+1 _refcount) for
 *                     large ones, smp_mb__after_atomic() before the PTE
 *                     re-check, writeback asks folio_maybe_dma_pinned().
 *
 * The setting: the model (pin_model.c: the kernel functions), the workload
 * (pin_workload.c: the file, threads, rates) and the checks (pin_checks.c): a page-cache-like file of folios (order 0 or a
 * PTE-mapped large order), each page mapped once, writable and dirty, by a
 * shared file mapping in the model page table. Pinning threads run gup-fast
 * (lockless PTE walk) and fall back to slow GUP (mmap_lock, PTE lock, and a
 * write fault through page_mkwrite when the PTE was write-protected), hold the
 * pin for a simulated DMA, then unpin_user_page_dirty_lock(). A writeback
 * thread, for each dirty folio, in write_cache_pages()'s order: folio_lock;
 * clear_page_dirty_for_io (page_mkclean: write-protect every PTE, and the
 * variant decides "pinned": skip and redirty); set_page_writeback; unlock;
 * simulated I/O; end writeback (pin_writeback_folio()). flag_refcount
 * decides right after set_page_writeback instead, as its mail says.
 *
 * Variant ops are called through a pointer: each iteration of a benchmark is a
 * whole pin + DMA + unpin (tens of ns at the least), the variants live in
 * separate translation units as the brief asks, and the call (one predictable
 * indirect branch, ~1 ns) is the same for every variant.
 */
#ifndef RB_PIN_H
#define RB_PIN_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "kernel/gup.h"
#include "kernel/inject.h"
#include "kernel/mm.h"

#define PIN_BASE		(64UL << 30)	/* the file mapping's vm_start, PUD aligned */
#define PIN_MAX_THREADS		64

/*
 * Race-window widening, compiled only into the deliberately broken variants
 * that the stress tests must catch (-DRB_PIN_BROKEN, tests/pin/CMakeLists.txt).
 */
void pin_race_window(void);
/*
 * Widened test build of the CORRECT variants (-DRB_PIN_WIDEN, tests only,
 * tests/pin/CMakeLists.txt: lock_wide, flag_wide, ...): PIN_WIDEN() yields
 * in every race window of every real variant (issue 14 class 4), so that a
 * missing back-off or re-check shows in every run: see docs/pin.md.
 */
void pin_widen(void);
/*
 * PIN_WIDEN_WB(folio): the targeted form, for a window whose bug needs a
 * whole writeback decision inside it: yield until @folio is under writeback
 * (at most ~20 us), so that the writeback thread's page_mkclean, decision
 * and set_page_writeback land in the window whenever it reaches this folio.
 * Every other call per thread only (else PIN_WIDEN()): a wait that finds
 * writeback makes the caller back off, and the path past it must run too.
 */
void pin_widen_until_writeback(struct folio *folio);
/* PIN_WIDEN_LOCKED(folio): likewise, until @folio is locked (writeback is deciding). */
void pin_widen_until_locked(struct folio *folio);
/*
 * PIN_WIDEN_UNTARGETED(): PIN_WIDEN() only on the calls where the thread's
 * last targeted wait did not wait (so a targeted window is not closed again
 * by a yield right after it).
 */
void pin_widen_untargeted(void);
#ifdef RB_PIN_WIDEN
#define PIN_WIDEN_UNTARGETED()	pin_widen_untargeted()
#define PIN_WIDEN()		pin_widen()
#define PIN_WIDEN_WB(folio)	pin_widen_until_writeback(folio)
#define PIN_WIDEN_LOCKED(folio)	pin_widen_until_locked(folio)
#else
#define PIN_WIDEN_UNTARGETED()	do { } while (0)
#define PIN_WIDEN()		do { } while (0)
#define PIN_WIDEN_WB(folio)	do { } while (0)
#define PIN_WIDEN_LOCKED(folio)	do { } while (0)
#endif
struct pin_file;
void pin_wb_window(struct pin_file *pf);
#ifdef RB_PIN_BROKEN
#define PIN_RACE_WINDOW()	pin_race_window()
#else
#define PIN_RACE_WINDOW()	do { } while (0)
#endif

/* Per pinning thread, written by that thread only. */
struct pin_stats {
	uint64_t pins, unpins;
	uint64_t fast;		/* pinned by gup-fast */
	uint64_t ebusy;		/* gup-fast returned -EBUSY (page lock / writeback) */
	uint64_t eagain;	/* gup-fast: PTE not writable, or changed under us */
	uint64_t slow;		/* pinned by slow GUP (every -EBUSY/-EAGAIN falls back) */
	uint64_t faults;	/* write faults taken by slow GUP (PTE write-protected) */
	uint64_t backoffs;	/* flag: atomic_dec and retry after writeback started */
};

struct pin_file;

struct pin_ops {
	const char *name;
	/*
	 * gup-fast for one page whose PTE @pte (read locklessly at @ptep) is
	 * present and writable. Grabs the folio, re-checks the PTE, and tracks
	 * the pin as the design does. 0: pinned; -EAGAIN: PTE changed or the
	 * grab failed; -EBUSY: the design refuses without sleeping. Either
	 * error means: fall back to slow GUP.
	 */
	int (*gup_fast)(struct folio *folio, struct page *page, pte_t *ptep, pteval_t pte,
			struct pin_stats *st);
	/*
	 * Slow GUP for one page, called under mmap_lock (read) and the PTE lock
	 * @ptl, with the PTE present and writable (follow_page_pte). Must drop
	 * @ptl (it may sleep after that, as the designs' slow paths do). Pins.
	 */
	void (*gup_slow)(struct folio *folio, struct page *page, spinlock_t *ptl,
			 struct pin_stats *st);
	/* unpin_user_page() / put_user_page(). */
	void (*unpin)(struct folio *folio, struct page *page);
	/*
	 * Writeback's answer, with the folio locked and its PTEs just
	 * write-protected (@real_maps: mappings the rmap walk found), at
	 * @decide: in page_mkclean() (PG_writeback not yet set, kernel order)
	 * or right after set_page_writeback().
	 */
	bool (*page_mkclean_pinned)(struct folio *folio, int real_maps);
	enum pin_decide { PIN_DECIDE_IN_MKCLEAN, PIN_DECIDE_AFTER_SET_WRITEBACK } decide;
	/* After quiescence (no pins, no writeback): the design's idle state holds. */
	bool (*idle_ok)(struct folio *folio);
};

/* The variants (the benchmark's table is in bench/pin/pin.c). */
extern const struct pin_ops pin_lock_ops, pin_flag_ops, pin_flag_fullmb_ops, pin_flag_refcount_ops;
extern const struct pin_ops pin_bias_ops, pin_bias_noacct_ops;

/*
 * Ground truth, independent of every design: a slot per pinning thread,
 * written only by its owner. word = gen << 32 | (folio index + 1), 0 in the
 * low half when no pin is held; gen counts the owner's stores. @since is the
 * value of pin_file.clock taken when the pin was returned (stress tests only).
 * See pin_truth_publish() in pin_checks.c for the ordering argument.
 */
struct pin_truth {
	_Atomic uint64_t word;
	_Atomic uint64_t since;
} ____cacheline_aligned_in_smp;

/* Written by the writeback thread only; read by others with relaxed loads. */
struct pin_wb_stats {
	_Atomic uint64_t visits, mkclean, pinned, fp, fp_undetermined;
	_Atomic uint64_t violations, miss_across, miss_during;
	_Atomic uint64_t first_violation_folio;
} ____cacheline_aligned_in_smp;

struct pin_file {
	const struct pin_ops *ops;
	struct zone zone;
	struct mm_struct *mm;
	unsigned int order, nr_folios;
	unsigned long nr_pages;
	struct folio **folios;
	int extra_refs;			/* plain references on folio 0 (bias false positives) */
	long vmstat_acq0, vmstat_rel0;	/* NR_FOLL_PIN_ACQUIRED/RELEASED at creation */
	/* ground truth */
	struct pin_truth truth[PIN_MAX_THREADS];
	bool epochs;			/* stress tests: take pin_file.clock per pin */
	_Atomic uint64_t clock ____cacheline_aligned_in_smp;
	/* writeback thread */
	long wb_rate;			/* folio visits per ms; < 0: back to back */
	unsigned int io_ns;		/* simulated I/O between decision and end of writeback */
	bool wb_yield;			/* sched_yield() in the I/O (stress tests) */
	bool wb_widen;			/* widened: yield between page_mkclean and set_page_writeback */
	unsigned int io_rounds;		/* the I/O is this many io_ns (+ yield) rounds; 0 means 1 */
	void (*wb_io_probe)(struct pin_file *pf, struct folio *folio);	/* tests: called in the I/O */
	bool wb_started;
	_Atomic bool wb_stop;
	pthread_t wb_thread;
	struct pin_wb_stats wb;
};

/*
 * pin_file_create(): memmap, zone, mm and @nr_folios folios of @order, each
 * in the page cache (refcount 1), mapped writable+dirty at PIN_BASE + index,
 * dirty. Returns NULL (and a message in @err) on failure. One at a time.
 */
struct pin_file *pin_file_create(const struct pin_ops *ops, unsigned int order,
				 unsigned int nr_folios, char *err, size_t errlen);
void pin_file_destroy(struct pin_file *pf);

static inline unsigned long pin_page_addr(unsigned long i) { return PIN_BASE + (i << PAGE_SHIFT); }
static inline unsigned int pin_folio_index(struct pin_file *pf, struct folio *folio)
{
	return (unsigned int)(folio->index >> pf->order);
}

/*
 * pin_user_page(): FOLL_PIN | FOLL_WRITE of the page at @addr: gup-fast, then
 * slow GUP. Returns the page; *foliop its folio.
 */
struct page *pin_user_page(struct pin_file *pf, unsigned long addr, struct folio **foliop,
			   struct pin_stats *st);
/*
 * unpin_user_pages_dirty_lock(&page, 1, true): DMA wrote the page. With
 * @tid >= 0, the ground-truth slot of thread @tid is cleared after the
 * folio_mark_dirty() step (which may wait for the folio lock behind a
 * writeback) and right before the unpin itself.
 */
void unpin_user_page_dirty_lock(struct pin_file *pf, struct folio *folio, struct page *page,
				int tid, struct pin_stats *st);

/* Ground truth: around the time a pin is held by its caller. */
void pin_truth_publish(struct pin_file *pf, int tid, unsigned int folio_idx);
void pin_truth_clear(struct pin_file *pf, int tid);

/* The checks (pin_checks.c), called by the model's writeback (pin_model.c). */
struct pin_wb_check {
	uint64_t before[PIN_MAX_THREADS], start;
	uint32_t me;
	unsigned int nr_threads, held, held_across, changed;
};
void pin_check_init(struct pin_file *pf);
void pin_check_wb_begin(struct pin_file *pf, struct folio *folio, unsigned int nr_threads,
			struct pin_wb_check *c);
void pin_check_wb_decided(struct pin_file *pf, struct pin_wb_check *c, bool pinned);
void pin_check_wb_io_done(struct pin_file *pf, struct pin_wb_check *c);
static inline void pin_wb_inc(_Atomic uint64_t *c)
{
	/* only the writeback thread writes these */
	atomic_store_explicit(c, atomic_load_explicit(c, mo_relaxed) + 1, mo_relaxed);
}

/* One writeback of @folio if dirty (the writeback thread's body). */
void pin_writeback_folio(struct pin_file *pf, struct folio *folio, unsigned int nr_threads);
/* Start/stop the writeback thread (wb_rate, io_ns set by the caller). */
int pin_writeback_start(struct pin_file *pf, unsigned int nr_threads);
void pin_writeback_stop(struct pin_file *pf);

/*
 * After quiescence: refcount = 1 + nr mapped PTEs (+ extra_refs on folio 0),
 * NR_FOLL_PIN_ACQUIRED and NR_FOLL_PIN_RELEASED moved by the same amount
 * since creation (node counters plus the caller's diff: the pinning threads
 * must have exited, which folds theirs), every _mapcount 0, _pincount 0, not locked, not under writeback, every PTE
 * present on its page, the design's idle state. Prints what differs to
 * stderr; returns the number of differences.
 */
int pin_check_conservation(struct pin_file *pf);

/*
 * The rmap comparison of the _mapcount designs: mappings counted in _mapcount
 * minus the mappings the rmap walk found; what is left are pins.
 */
static inline int pin_mapcount_excess(struct folio *folio, int real_maps)
{
	return folio_mapcount(folio) - real_maps;
}

/* Simulated DMA / I/O: spin for about @ns nanoseconds. */
void pin_spin_ns(unsigned int ns);

#endif
