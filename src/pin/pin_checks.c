// SPDX-License-Identifier: GPL-2.0
/*
 * pin: the checks every design shares (see pin.h): the ground truth of who
 * holds a pin, missed-pin detection around each writeback decision, false
 * positives, and conservation after quiescence (counts, flags, PTEs, the
 * NR_FOLL_PIN_* vmstat counters). The kernel functions are pin_model.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pin.h"

/* NR_FOLL_PIN_* as /proc/vmstat would read it after the other threads exited. */
static long pin_vmstat_read(enum node_stat_item item)
{
	return atomic_long_read(&NODE_DATA(0)->vm_stat[item]) + rb_vmstat_this_cpu_diff(item);
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

static inline uint32_t truth_folio(uint64_t w) { return (uint32_t)w; }
static inline uint32_t truth_gen(uint64_t w) { return (uint32_t)(w >> 32); }

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


void pin_check_init(struct pin_file *pf)
{
	pf->vmstat_acq0 = pin_vmstat_read(NR_FOLL_PIN_ACQUIRED);
	pf->vmstat_rel0 = pin_vmstat_read(NR_FOLL_PIN_RELEASED);
}

/* Writeback, folio locked and dirty, before page_mkclean(): the slots as they were. */
void pin_check_wb_begin(struct pin_file *pf, struct folio *folio, unsigned int nr_threads,
			struct pin_wb_check *c)
{
	unsigned int i;

	c->me = pin_folio_index(pf, folio) + 1;
	c->nr_threads = nr_threads;
	c->held = c->held_across = c->changed = 0;
	c->start = 0;
	for (i = 0; i < nr_threads; i++)
		c->before[i] = atomic_load_explicit(&pf->truth[i].word, mo_acquire);
	if (pf->epochs)
		c->start = atomic_fetch_add_explicit(&pf->clock, 1, mo_full) + 1;
}

/*
 * After the decision (and set_page_writeback, unlock): every pin held now,
 * whether it was held across the decision; false positives of a "pinned".
 */
void pin_check_wb_decided(struct pin_file *pf, struct pin_wb_check *c, bool pinned)
{
	struct pin_wb_stats *wb = &pf->wb;
	unsigned int i;
	uint64_t after;
	bool fp;

	atomic_thread_fence(mo_full);
	for (i = 0; i < c->nr_threads; i++) {
		after = atomic_load_explicit(&pf->truth[i].word, mo_acquire);
		if (truth_folio(after) == c->me) {
			c->held++;
			if (pf->epochs && atomic_load_explicit(&pf->truth[i].since, mo_relaxed) < c->start)
				c->held_across++;
		}
		if (truth_gen(after) - truth_gen(c->before[i]) > 1)
			c->changed++;
	}
	if (!pinned)
		return;
	pin_wb_inc(&wb->pinned);
	fp = !c->held;
	for (i = 0; i < c->nr_threads && fp; i++)
		if (truth_folio(c->before[i]) == c->me)
			fp = false;
	if (fp && !c->changed)
		pin_wb_inc(&wb->fp);
	else if (fp)
		pin_wb_inc(&wb->fp_undetermined);
}

/* At the end of the I/O of a "not pinned" folio: a pin held after the decision is a miss. */
void pin_check_wb_io_done(struct pin_file *pf, struct pin_wb_check *c)
{
	struct pin_wb_stats *wb = &pf->wb;
	unsigned int during = pin_truth_holders(pf, c->me, c->nr_threads);

	if (c->held || during) {
		pin_wb_inc(&wb->violations);
		if (c->held_across)
			pin_wb_inc(&wb->miss_across);
		else
			pin_wb_inc(&wb->miss_during);
		atomic_store_explicit(&wb->first_violation_folio, c->me, mo_relaxed);
	}
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
