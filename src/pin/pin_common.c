// SPDX-License-Identifier: GPL-2.0
/*
 * pin: the setting every design shares (see pin.h): the file, GUP's page-table
 * side, the write fault, unpin, writeback with page_mkclean, and the ground
 * truth the stress tests and the false-positive counter use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pin.h"

/* A file's address_space, only as the value of folio->mapping. */
static struct { int unused; } pin_mapping;

void pin_spin_ns(unsigned int ns)
{
	struct timespec t0, t;

	if (!ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		cpu_relax();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < (long)ns);
}

/* Widened stress mode: writeback yields between page_mkclean() and set_page_writeback(). */
void pin_wb_window(struct pin_file *pf)
{
	if (pf->wb_widen) {
		pin_spin_ns(1000);
		sched_yield();
	}
}

void pin_race_window(void)
{
	/* Long enough for the writeback thread to get through a decision. */
	pin_spin_ns(2000);
	sched_yield();
}

/* NR_FOLL_PIN_* as /proc/vmstat would read it after the other threads exited. */
static long pin_vmstat_read(enum node_stat_item item)
{
	return atomic_long_read(&NODE_DATA(0)->vm_stat[item]) + rb_vmstat_this_cpu_diff(item);
}

struct pin_file *pin_file_create(const struct pin_ops *ops, unsigned int order,
				 unsigned int nr_folios, char *err, size_t errlen)
{
	struct pin_file *pf;
	unsigned long nr = 1UL << order, i, j, size;

	if (order > HPAGE_PMD_ORDER || !nr_folios || nr_folios > 65536) {
		snprintf(err, errlen, "pin: order %u / %u folios out of range", order, nr_folios);
		return NULL;
	}
	pf = calloc(1, sizeof(*pf));
	if (!pf) {
		snprintf(err, errlen, "pin: out of memory");
		return NULL;
	}
	pf->ops = ops;
	pf->order = order;
	pf->nr_folios = nr_folios;
	pf->nr_pages = nr_folios * nr;
	pf->folios = calloc(nr_folios, sizeof(*pf->folios));
	if (!pf->folios || memmap_init(pf->nr_pages)) {
		free(pf->folios);
		free(pf);
		snprintf(err, errlen, "pin: cannot allocate the memmap");
		return NULL;
	}
	zone_init(&pf->zone, ZONE_NORMAL, 0, pf->nr_pages, order);
	size = ALIGN(pf->nr_pages << PAGE_SHIFT, PMD_SIZE);
	pf->mm = mm_create(PIN_BASE, size);
	if (!pf->mm) {
		snprintf(err, errlen, "pin: cannot allocate the page tables");
		pin_file_destroy(pf);
		return NULL;
	}
	for (i = 0; i < size; i += PMD_SIZE) {
		pmd_t *pmdp = mm_pmd_slot(pf->mm, PIN_BASE + i);

		pmd_populate(pf->mm, pmdp, mm_pte_table(pf->mm, pmdp));
	}
	for (i = 0; i < nr_folios; i++) {
		/* filemap_add_folio(): the page cache's reference is the allocation's. */
		struct folio *folio = folio_alloc(&pf->zone, order);

		BUG_ON(!folio);
		pf->folios[i] = folio;
		folio->mapping = (struct address_space *)&pin_mapping;
		folio->index = i * nr;
		folio_set_uptodate(folio);
		folio_set_lru(folio);
		folio_set_dirty(folio);
		/* A written shared mapping: writable, dirty PTEs (finish_fault, set_pte_range). */
		for (j = 0; j < nr; j++) {
			struct page *page = folio_page(folio, j);
			unsigned long addr = pin_page_addr(folio->index + j);
			pte_t *ptep = mm_pte_table(pf->mm, mm_pmd_slot(pf->mm, addr)) + pte_index(addr);

			atomic_inc(&page->_mapcount);
			set_pte_at(pf->mm, addr, ptep, pfn_pte(page_to_pfn(page), PAGE_SHARED | _PAGE_DIRTY));
		}
		folio_ref_add(folio, nr);
		if (folio_test_large(folio))
			atomic_set(&folio->_nr_pages_mapped, nr);
	}
	pf->vmstat_acq0 = pin_vmstat_read(NR_FOLL_PIN_ACQUIRED);
	pf->vmstat_rel0 = pin_vmstat_read(NR_FOLL_PIN_RELEASED);
	return pf;
}

void pin_file_destroy(struct pin_file *pf)
{
	if (!pf)
		return;
	pin_writeback_stop(pf);
	mm_destroy(pf->mm);
	zone_destroy(&pf->zone);
	memmap_destroy();
	free(pf->folios);
	free(pf);
}

/*
 * The write fault on a write-protected shared file PTE: do_wp_page() ->
 * wp_page_shared(): do_page_mkwrite() (the filesystem locks the folio and
 * waits for stable writes, folio_wait_stable()), finish_mkwrite_fault()
 * re-checks the PTE under its lock and makes it writable and dirty, then
 * fault_dirty_shared_page() dirties the folio and unlocks it. The folio lock
 * is what keeps a write fault, and so a new writable PTE, out of a writeback
 * in progress.
 */
static void pin_write_fault(struct pin_file *pf, pmd_t *pmdp, unsigned long addr,
			    struct folio *folio)
{
	spinlock_t *ptl;
	pte_t *ptep;
	pteval_t pte;

	folio_lock(folio);
	folio_wait_writeback(folio);
	ptep = pte_offset_map_lock(pf->mm, pmdp, addr, &ptl);
	BUG_ON(!ptep);
	pte = ptep_get(ptep);
	if (pte_present(pte) && !pte_write(pte) && page_folio(pte_page(pte)) == folio)
		set_pte_at(pf->mm, addr, ptep, pte | _PAGE_RW | _PAGE_DIRTY);
	pte_unmap_unlock(ptep, ptl);
	folio_set_dirty(folio);
	folio_unlock(folio);
}

struct page *pin_user_page(struct pin_file *pf, unsigned long addr, struct folio **foliop,
			   struct pin_stats *st)
{
	const struct pin_ops *ops = pf->ops;
	struct mm_struct *mm = pf->mm;
	pmd_t *pmdp = pmd_offset(pudp_get(pud_offset(mm, addr)), addr);
	pmdval_t pmd = pmdp_get_lockless(pmdp);
	struct folio *folio;
	struct page *page;
	spinlock_t *ptl;
	pte_t *ptep;
	pteval_t pte;

	/* gup_fast_pte_range(), FOLL_PIN | FOLL_WRITE, one page */
	if (pmd_present(pmd) && !pmd_leaf(pmd)) {
		ptep = pte_offset_map(pmd, addr);
		pte = ptep_get_lockless(ptep);
		if (pte_present(pte) && pte_write(pte) && !pte_special(pte)) {
			int ret;

			page = pte_page(pte);
			folio = page_folio(page);
			ret = ops->gup_fast(folio, page, ptep, pte, st);
			if (likely(!ret)) {
				st->fast++;
				st->pins++;
				*foliop = folio;
				return page;
			}
			if (ret == -EBUSY)
				st->ebusy++;
			else
				st->eagain++;
		} else {
			st->eagain++;
		}
	}

	/* __gup_longterm_locked() -> __get_user_pages(): follow_page_pte(), faultin_page() */
	mmap_read_lock(mm);
	for (;;) {
		ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
		BUG_ON(!ptep);
		pte = ptep_get(ptep);
		BUG_ON(!pte_present(pte));
		page = pte_page(pte);
		folio = page_folio(page);
		if (pte_write(pte))
			break;
		pte_unmap_unlock(ptep, ptl);
		st->faults++;
		pin_write_fault(pf, pmdp, addr, folio);
	}
	ops->gup_slow(folio, page, ptl, st);	/* drops ptl */
	mmap_read_unlock(mm);
	st->slow++;
	st->pins++;
	*foliop = folio;
	return page;
}

/* unpin_user_pages_dirty_lock(): folio_mark_dirty() under the folio lock, then unpin. */
void unpin_user_page_dirty_lock(struct pin_file *pf, struct folio *folio, struct page *page,
				int tid, struct pin_stats *st)
{
	if (!folio_test_dirty(folio)) {
		folio_lock(folio);
		folio_set_dirty(folio);
		folio_unlock(folio);
	}
	if (tid >= 0)
		pin_truth_clear(pf, tid);
	pf->ops->unpin(folio, page);
	st->unpins++;
}

/*
 * Ground truth. A pinning thread calls pin_truth_publish() after
 * pin_user_page() returned and before it uses the pin, and
 * pin_truth_clear() right before the unpin's first write (inside
 * unpin_user_page_dirty_lock()). The
 * writeback thread reads every slot after its decision, behind a seq_cst
 * fence, and calls the decision a missed pin if it was "not pinned" while a
 * slot holds the folio.
 *
 * Why that report is never false: the clear is followed by a release fence
 * and then by the unpin, whose writes (_refcount, _pincount or _mapcount) are
 * all atomic RMWs. A correct design answers "not pinned" only after reading a
 * count in which this pin has been undone (every pin's undo follows its do
 * in the counter's modification order, so a count with no pin left must come
 * at or after this pin's undo), i.e. a value in the release sequence of the
 * unpin's RMW; the writeback's fence after that read then synchronizes with
 * the release fence, the clear happens before the scan, and the scan cannot
 * see the slot set. The other way a correct design can say "not pinned" is
 * that the pin was not there to see yet: then (shown per design in
 * docs/pin.md) the pinner must back off or wait, and never returns the pin
 * before the writeback ends, so it cannot have published it. A slot seen set
 * is therefore a pin held by its caller at the scan, which came after the
 * decision, within the same writeback: a missed pin. Reports can be missed
 * (a publish not yet visible), never invented.
 *
 * In the stress tests the slot also carries the clock value of the pin, to
 * tell a pin held across the whole decision (taken before the writeback's
 * clock value) from one that got in during the writeback.
 */
void pin_truth_publish(struct pin_file *pf, int tid, unsigned int folio_idx)
{
	struct pin_truth *t = &pf->truth[tid];
	uint64_t w = atomic_load_explicit(&t->word, mo_relaxed);

	if (pf->epochs)
		atomic_store_explicit(&t->since, atomic_fetch_add_explicit(&pf->clock, 1, mo_full) + 1,
				      mo_relaxed);
	atomic_store_explicit(&t->word, (((w >> 32) + 1) << 32) | (folio_idx + 1), mo_release);
}

void pin_truth_clear(struct pin_file *pf, int tid)
{
	struct pin_truth *t = &pf->truth[tid];
	uint64_t w = atomic_load_explicit(&t->word, mo_relaxed);

	atomic_store_explicit(&t->word, ((w >> 32) + 1) << 32, mo_relaxed);
	/* Orders the clear before the unpin's RMWs (see above). */
	atomic_thread_fence(mo_release);
}

/*
 * page_mkclean() -> page_vma_mkclean_one() over the file's one mapping: under
 * each PTE lock, ptep_clear_flush() (a fully ordered xchg, then the TLB
 * flush), pte_wrprotect(pte_mkclean()), set_pte_at(). Returns the number of
 * mappings the rmap walk found, for the designs that compare it with
 * _mapcount.
 */
static int page_mkclean_wrprotect(struct pin_file *pf, struct folio *folio)
{
	long i, nr = folio_nr_pages(folio);
	int real = 0;

	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);
		unsigned long addr = pin_page_addr(folio->index + i);
		pmd_t *pmdp = mm_pmd_slot(pf->mm, addr);
		spinlock_t *ptl;
		pte_t *ptep = pte_offset_map_lock(pf->mm, pmdp, addr, &ptl);
		pteval_t pte;

		BUG_ON(!ptep);
		pte = ptep_get(ptep);
		if (pte_present(pte) && pte_pfn(pte) == page_to_pfn(page)) {
			real++;
			if (pte_write(pte) || (pte & _PAGE_DIRTY)) {
				pte = ptep_clear_flush(pf->mm, addr, ptep);
				set_pte_at(pf->mm, addr, ptep, pte & ~(_PAGE_RW | _PAGE_DIRTY));
			}
		}
		pte_unmap_unlock(ptep, ptl);
	}
	/*
	 * The kernel's xchg is fully ordered (smp_mb() after it too, and on x86
	 * the flush IPI as well); a seq_cst RMW in C11 does not order the
	 * relaxed loads of the decision after it, so the model says so.
	 */
	smp_mb();
	return real;
}

static inline uint32_t truth_folio(uint64_t w) { return (uint32_t)w; }
static inline uint32_t truth_gen(uint64_t w) { return (uint32_t)(w >> 32); }

static void pin_wb_inc(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, mo_relaxed) + 1, mo_relaxed);
}

/* Ground truth: slots holding folio @me now (behind a full fence, see pin_truth_publish()). */
static unsigned int pin_truth_holders(struct pin_file *pf, uint32_t me, unsigned int nr_threads)
{
	unsigned int i, n = 0;

	atomic_thread_fence(mo_full);
	for (i = 0; i < nr_threads; i++)
		if (truth_folio(atomic_load_explicit(&pf->truth[i].word, mo_acquire)) == me)
			n++;
	return n;
}

/*
 * write_cache_pages() for one folio, in the kernel's order (mm/page-writeback.c,
 * v5.0 and v6.6 alike):
 *
 *	lock_page(page);
 *	if (!PageDirty(page)) continue_unlock;
 *	clear_page_dirty_for_io(page):		// page_mkclean() BEFORE writeback
 *		if (page_mkclean(page)) set_page_dirty(page);
 *		TestClearPageDirty(page);
 *	->writepage():
 *		set_page_writeback(page);
 *		unlock_page(page);		// the lock is NOT held across the I/O
 *	submit the I/O ... end_page_writeback(page);
 *
 * The design's decision ("pinned?") sits where the design puts it:
 * PIN_DECIDE_IN_MKCLEAN (lock, flag*, bias: page_mkclean(), folio locked, no
 * PG_writeback yet) or PIN_DECIDE_AFTER_SET_WRITEBACK (flag_refcount:
 * "TestSetPageWriteback; smp_mb; page_is_pin()", so in ->writepage, still
 * locked). "Pinned": redirty_page_for_writepage() and no I/O (a bounce-less
 * writeback skips the page); a decision after set_page_writeback ends the
 * writeback it started. The ground-truth checks ride along.
 */
void pin_writeback_folio(struct pin_file *pf, struct folio *folio, unsigned int nr_threads)
{
	struct pin_wb_stats *wb = &pf->wb;
	uint64_t before[PIN_MAX_THREADS], after, start = 0;
	uint32_t me = pin_folio_index(pf, folio) + 1;
	unsigned int i, held = 0, held_across = 0, changed = 0, during;
	bool pinned = false;
	int real;

	if (!folio_test_dirty(folio))
		return;
	folio_lock(folio);
	if (!folio_test_dirty(folio)) {
		folio_unlock(folio);
		return;
	}
	/* WB_SYNC_NONE skips a folio under writeback; this model's never is (one writeback thread). */
	BUG_ON(folio_test_writeback(folio));

	for (i = 0; i < nr_threads; i++)
		before[i] = atomic_load_explicit(&pf->truth[i].word, mo_acquire);
	if (pf->epochs)
		start = atomic_fetch_add_explicit(&pf->clock, 1, mo_full) + 1;

	/* clear_page_dirty_for_io(): page_mkclean(), then TestClearPageDirty() */
	real = page_mkclean_wrprotect(pf, folio);
	if (pf->ops->decide == PIN_DECIDE_IN_MKCLEAN)
		pinned = pf->ops->page_mkclean_pinned(folio, real);
	pin_wb_inc(&wb->mkclean);
	BUG_ON(!folio_test_clear_dirty(folio));	/* we hold the lock and saw it dirty */
	/*
	 * The kernel order's new window: page_mkclean() has decided, PG_writeback
	 * is not set yet. A pin that only checks PG_writeback gets through here.
	 */
	pin_wb_window(pf);

	if (pinned) {
		folio_set_dirty(folio);		/* redirty_page_for_writepage() */
		folio_unlock(folio);
	} else {
		/* ->writepage(): set_page_writeback() (TestSetPageWriteback, fully ordered) */
		BUG_ON(folio_test_set_writeback(folio));
		if (pf->ops->decide == PIN_DECIDE_AFTER_SET_WRITEBACK) {
			pinned = pf->ops->page_mkclean_pinned(folio, real);
			if (pinned) {
				folio_set_dirty(folio);
				BUG_ON(!folio_test_clear_writeback(folio));
			}
		}
		folio_unlock(folio);
	}

	/* Every pin held after the decision (and whether it was held across it). */
	atomic_thread_fence(mo_full);
	for (i = 0; i < nr_threads; i++) {
		after = atomic_load_explicit(&pf->truth[i].word, mo_acquire);
		if (truth_folio(after) == me) {
			held++;
			if (pf->epochs && atomic_load_explicit(&pf->truth[i].since, mo_relaxed) < start)
				held_across++;
		}
		if (truth_gen(after) - truth_gen(before[i]) > 1)
			changed++;
	}
	if (pinned) {
		bool fp = !held;

		pin_wb_inc(&wb->pinned);
		for (i = 0; i < nr_threads && fp; i++)
			if (truth_folio(before[i]) == me)
				fp = false;
		if (fp && !changed)
			pin_wb_inc(&wb->fp);
		else if (fp)
			pin_wb_inc(&wb->fp_undetermined);
		return;
	}

	/* The I/O, unlocked: DMA from the page while it is under writeback. */
	if (pf->wb_io_probe)
		pf->wb_io_probe(pf, folio);
	pin_spin_ns(pf->io_ns);
	if (pf->wb_yield)
		sched_yield();
	during = pin_truth_holders(pf, me, nr_threads);
	if (held || during) {
		pin_wb_inc(&wb->violations);
		if (held_across)
			pin_wb_inc(&wb->miss_across);
		else
			pin_wb_inc(&wb->miss_during);
		atomic_store_explicit(&wb->first_violation_folio, me, mo_relaxed);
	}
	BUG_ON(!folio_test_clear_writeback(folio));	/* end_page_writeback() */
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

struct wb_arg {
	struct pin_file *pf;
	unsigned int nr_threads;
};
static struct wb_arg wb_arg;

static void *pin_writeback_main(void *arg)
{
	struct wb_arg *a = arg;
	struct pin_file *pf = a->pf;
	uint64_t t0 = now_ns(), done = 0;
	unsigned int i = 0;

	while (!atomic_load_explicit(&pf->wb_stop, mo_relaxed)) {
		if (pf->wb_rate > 0) {
			uint64_t due = (now_ns() - t0) * (uint64_t)pf->wb_rate / 1000000ULL;

			if (done >= due) {
				struct timespec ts = { 0, (long)(1000000L / pf->wb_rate) };

				nanosleep(&ts, NULL);
				continue;
			}
		}
		atomic_store_explicit(&pf->wb.visits, atomic_load_explicit(&pf->wb.visits, mo_relaxed) + 1,
				      mo_relaxed);
		pin_writeback_folio(pf, pf->folios[i], a->nr_threads);
		if (++i == pf->nr_folios)
			i = 0;
		done++;
	}
	return NULL;
}

int pin_writeback_start(struct pin_file *pf, unsigned int nr_threads)
{
	BUG_ON(pf->wb_started || nr_threads > PIN_MAX_THREADS);
	atomic_store_explicit(&pf->wb_stop, false, mo_relaxed);
	wb_arg.pf = pf;
	wb_arg.nr_threads = nr_threads;
	if (pthread_create(&pf->wb_thread, NULL, pin_writeback_main, &wb_arg))
		return -EAGAIN;
	pf->wb_started = true;
	return 0;
}

void pin_writeback_stop(struct pin_file *pf)
{
	if (!pf->wb_started)
		return;
	atomic_store_explicit(&pf->wb_stop, true, mo_relaxed);
	pthread_join(pf->wb_thread, NULL);
	pf->wb_started = false;
}

int pin_check_conservation(struct pin_file *pf)
{
	unsigned int i;
	long j, nr = 1L << pf->order;
	int bad = 0;

#define PIN_EXPECT(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "pin: conservation: folio %u: ", i);	\
			fprintf(stderr, __VA_ARGS__);				\
			fputc('\n', stderr);					\
			bad++;							\
		}								\
	} while (0)

	for (i = 0; i < pf->nr_folios; i++) {
		struct folio *folio = pf->folios[i];
		int expect = 1 + (int)nr + (i == 0 ? pf->extra_refs : 0);

		PIN_EXPECT(folio_ref_count(folio) == expect, "_refcount %d, expected %d",
			   folio_ref_count(folio), expect);
		if (folio_test_large(folio))
			PIN_EXPECT(atomic_read(&folio->_pincount) == 0, "_pincount %d",
				   atomic_read(&folio->_pincount));
		PIN_EXPECT(!folio_test_locked(folio), "still locked");
		PIN_EXPECT(!folio_test_writeback(folio), "still under writeback");
		PIN_EXPECT(pf->ops->idle_ok(folio), "%s: pin state not idle", pf->ops->name);
		for (j = 0; j < nr; j++) {
			struct page *page = folio_page(folio, j);
			unsigned long addr = pin_page_addr(folio->index + j);
			pte_t *ptep = mm_pte_table(pf->mm, mm_pmd_slot(pf->mm, addr)) + pte_index(addr);
			pteval_t pte = ptep_get(ptep);

			PIN_EXPECT(page_mapcount(page) == 1, "page %ld: mapcount %d", j, page_mapcount(page));
			PIN_EXPECT(pte_present(pte) && pte_pfn(pte) == page_to_pfn(page),
				   "page %ld: PTE %#lx", j, pte);
		}
	}
	i = 0;
	PIN_EXPECT(pin_vmstat_read(NR_FOLL_PIN_ACQUIRED) - pf->vmstat_acq0 ==
		   pin_vmstat_read(NR_FOLL_PIN_RELEASED) - pf->vmstat_rel0,
		   "(all) NR_FOLL_PIN_ACQUIRED +%ld but NR_FOLL_PIN_RELEASED +%ld",
		   pin_vmstat_read(NR_FOLL_PIN_ACQUIRED) - pf->vmstat_acq0,
		   pin_vmstat_read(NR_FOLL_PIN_RELEASED) - pf->vmstat_rel0);
#undef PIN_EXPECT
	return bad;
}
