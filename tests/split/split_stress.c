// SPDX-License-Identifier: GPL-2.0
/*
 * split_stress: N grabbing threads (gup-fast + slow path of one variant)
 * race a splitter thread that splits and collapses as fast as it can, over
 * 8 PMD slots alternating PMD-mapped THPs (order 9) and PTE-mapped mTHPs
 * (order 4), with the buddy model reusing freed pages.
 *
 * Checked during the run, on every grab (while the reference is held):
 *   A  the folio returned contains the page returned;
 *   B  under the page-table lock, the address still maps that very page
 *      (present, or a migration entry of a split that must fail);
 *   C  the folio's count covers our refs (it is neither frozen nor short);
 *   D  after holding it a while, the page still belongs to the folio (no
 *      split while we hold a reference);
 *   E  right after every successful freeze (splitter side), no grabber
 *      holds the frozen folio (split_check_held);
 *   F  no put ever dropped a folio to zero (every free is a freeze).
 * Checked after quiescence: every mapped folio's count equals its mappings,
 * tails and free pages are ownerless, no migration entry remains, the buddy
 * holds exactly the unmapped pages, the THP/mTHP counts equal the initial
 * ones plus collapses minus splits, and the grab counters add up.
 *
 * Usage: split_stress --variant NAME [--widen] [--last-put] [--expect-violation]
 *                     [--seconds S] [--threads N] [--slots N]
 * --last-put (issue 14 class 2): the collapse drops the old small pages' last
 * references with ordinary puts, and the last put really frees (as
 * folio_put() does): the collapse's own put, or a grab's back-out put after
 * its re-check failed; under xadd that is the proposal's temporary zero and
 * its 0 -> FROZEN cmpxchg (split_model.c, split_last_put()). Check F then
 * means a large folio reached zero; the end-of-run checks catch a page freed
 * twice or never. With --widen the run must also have had a grab's put free
 * a page (the race this mode exists for).
 * The duration defaults to REFBENCH_STRESS_SECONDS, else 4 s (2 s with
 * --widen). With --expect-violation (the broken variants) the exit status is
 * 0 only if a violation was observed: one of the test's checks, or a VM_BUG_ON
 * of the CONFIG_DEBUG_VM model (an invariant the model checks itself, e.g.
 * freeing a page that still has references) from the start of the threads to
 * the end of the end-of-run checks; any other crash, a BUG_ON, or a VM_BUG_ON
 * during set-up or teardown never counts. The line reporting it says what
 * fired: "[caught-by: check A..F | end-of-run checks | VM_BUG_ON]".
 * --widen runs a real variant in widened mode (widened.c: the same code with
 * sched_yield()s in its race windows) and then also insists that the paths
 * only a split inside those windows reaches did run: NULL on a changed folio
 * (null) or a retry (retry, xadd), and a failed PMD/PTE re-check. The broken
 * variants are always widened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "split/split.h"
#include "broken.h"

static bool expect_violation;
static const char *variant_name;
static _Atomic bool stop_grabbers;

/*
 * Every violation is reported as one line
 *   split_stress V: VIOLATION [caught-by: K]: what
 * with K one of "check A" .. "check F" (the checks during the run), "end-of-run
 * checks" (after quiescence) or "VM_BUG_ON" (an invariant of the
 * CONFIG_DEBUG_VM model, through rb_vm_bug_hook), so that the broken
 * variants' table in docs/split.md can say what fired.
 */
static void report_violation(const char *caught_by, const char *what)
{
	static atomic_flag reported = ATOMIC_FLAG_INIT;

	/* One report: a second thread that trips a check at the same moment parks. */
	if (atomic_flag_test_and_set(&reported))
		for (;;)
			pause();
	fprintf(stderr, "split_stress %s: VIOLATION [caught-by: %s]: %s\n", variant_name,
		caught_by, what);
	fflush(NULL);
	/*
	 * exit_group() straight away, not _exit(): TSan's _exit() interceptor
	 * runs its exit-time checks from this (grabber or splitter) thread,
	 * sees the calling thread as finished but never joined and reports a
	 * "thread leak" with exit status 66, turning a detection into a failure
	 * (9 runs of 10 of nofoliocheck under TSan).
	 */
	syscall(SYS_exit_group, expect_violation ? 0 : 1);
	_exit(expect_violation ? 0 : 1);	/* not reached */
}

/* sm->violation: the checks A-F, whose messages start with their letter. */
static void on_violation(struct split_mm *sm, const char *what)
{
	char check[8] = "check ?";

	(void)sm;
	if (what[0] >= 'A' && what[0] <= 'F' && what[1] == ':')
		check[6] = what[0];
	report_violation(check, what);
}

/*
 * --expect-violation: a VM_BUG_ON or WARN_ON_ONCE of the model while the
 * threads run (or during the end-of-run checks) is a caught violation too.
 * Installed only once set-up is done, just before the threads start, so that
 * a failure of the set-up can never count as detection (nor can a BUG_ON:
 * rb_bug() never calls the hook).
 */
static void on_vm_bug(const char *report)
{
	report_violation("VM_BUG_ON", report);
}

struct grabber {
	struct split_mm *sm;
	unsigned int t;
	uint64_t rng;
	struct split_stats st;
	unsigned long freed;	/* last-put mode: pages this grabber's puts freed */
	pthread_t tid;
};

/* B: the pfn that @addr maps, under the page-table lock(s); 0 if none. */
static unsigned long mapped_pfn(struct split_mm *sm, unsigned long addr)
{
	struct mm_struct *mm = sm->mm;
	pmd_t *pmdp = mm_pmd_slot(mm, addr);
	unsigned long idx = (addr & ~PMD_MASK) >> PAGE_SHIFT;

	for (;;) {
		spinlock_t *ptl = pmd_lock(mm, pmdp);
		pmdval_t pmd = pmdp_get(pmdp);
		unsigned long pfn = 0;
		pte_t *ptep;

		if (pmd_leaf(pmd))
			pfn = pmd_pfn(pmd) + idx;
		else if (is_pmd_migration_entry(pmd))
			pfn = migration_entry_pfn(pmd) + idx;
		spin_unlock(ptl);
		if (pfn || !pmd_present(pmd) || pmd_leaf(pmd))
			return pfn;
		ptep = pte_offset_map_lock(mm, pmdp, addr, &ptl);
		if (!ptep)
			continue;	/* the PMD changed under us: walk again */
		pteval_t pte = ptep_get(ptep);

		if (pte_present(pte))
			pfn = pte_pfn(pte);
		else if (is_pte_migration_entry(pte))
			pfn = migration_entry_pfn(pte);
		pte_unmap_unlock(ptep, ptl);
		return pfn;
	}
}

static void *grabber_fn(void *arg)
{
	struct grabber *g = arg;
	struct split_mm *sm = g->sm;
	const struct split_ops *ops = sm->ops;
	static const int refs_choice[4] = { 1, 1, 2, 8 };
	unsigned long n = 0;

	while (!atomic_load_explicit(&stop_grabbers, mo_relaxed)) {
		uint64_t r = split_rand(&g->rng);
		unsigned long addr = split_random_addr(sm, &g->rng);
		int refs = refs_choice[r & 3];
		struct page *page;
		struct folio *folio = ops->grab(sm, addr, refs, &page, &g->st);

		if (!folio_contains_page(folio, page))
			sm->violation(sm, "A: a grab returned a folio that does not contain the page");
		atomic_store_explicit(&sm->held[g->t], folio_pfn(folio) + 1, mo_full);
		if (folio_ref_count(folio) < refs)
			sm->violation(sm, "C: a held folio's count is frozen or short of our refs");
		if (mapped_pfn(sm, addr) != page_to_pfn(page))
			sm->violation(sm, "B: a grab returned a page the address does not map");
		if ((++n & 3) == 0)
			sched_yield();	/* hold the reference across a splitter step */
		if (page_folio(page) != folio)
			sm->violation(sm, "D: the folio was split while a grab held a reference");
		if (folio_ref_count(folio) < refs)
			sm->violation(sm, "C: a held folio's count is frozen or short of our refs");
		atomic_store_explicit(&sm->held[g->t], 0, mo_full);
		ops->put_refs(folio, refs);
		if (atomic_long_read(&split_bad_puts))
			sm->violation(sm, "F: a put dropped a folio to zero (a put too many, or a "
				      "stale grab on an ownerless page)");
	}
	g->freed = split_last_put_freed;
	return NULL;
}

static const struct split_ops *find_in(const struct split_ops *const *o, const char *name)
{
	for (; *o; o++)
		if (!strcmp((*o)->name, name))
			return *o;
	return NULL;
}

/* --widen: V_wide for a real variant V; a broken variant is widened already. */
static const struct split_ops *find_any_variant(const char *name, bool widen)
{
	const struct split_ops *ops = NULL;
	char wide[64];

	if (widen && snprintf(wide, sizeof(wide), "%s_wide", name) < (int)sizeof(wide))
		ops = find_in(split_widened_variants, wide);
	if (!ops && !widen)
		ops = split_find_variant(name);
	if (!ops)
		ops = find_in(split_broken_variants, name);
	if (!ops)
		ops = find_in(split_widened_variants, name);
	return ops;
}

static long parse_long(const char *flag, const char *v, long lo, long hi)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v ? v : "", &end, 10);
	if (!v || !*v || *end || errno || x < lo || x > hi) {
		fprintf(stderr, "split_stress: %s wants an integer in %ld..%ld, not '%s'\n", flag, lo,
			hi, v ? v : "");
		exit(2);
	}
	return x;
}

int main(int argc, char **argv)
{
	const char *env = getenv("REFBENCH_STRESS_SECONDS");
	long seconds = env ? parse_long("REFBENCH_STRESS_SECONDS", env, 1, 3600) : 0;
	long threads = 3, slots = 8;
	struct grabber g[SPLIT_MAX_HELD];
	struct split_stats sum = { 0 };
	unsigned long pmd0, mthp0;
	const struct split_ops *ops;
	struct split_mm *sm;
	struct timespec ts;
	char err[160];
	bool widen = false, last_put = false;
	unsigned long grab_freed = 0;
	int problems, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--variant") && i + 1 < argc)
			variant_name = argv[++i];
		else if (!strcmp(argv[i], "--expect-violation"))
			expect_violation = true;
		else if (!strcmp(argv[i], "--widen"))
			widen = true;
		else if (!strcmp(argv[i], "--last-put"))
			last_put = true;
		else if (!strcmp(argv[i], "--seconds"))
			seconds = parse_long("--seconds", argv[++i], 1, 3600);
		else if (!strcmp(argv[i], "--threads"))
			threads = parse_long("--threads", argv[++i], 1, SPLIT_MAX_HELD);
		else if (!strcmp(argv[i], "--slots"))
			slots = parse_long("--slots", argv[++i], 2, 256);
		else {
			fprintf(stderr, "split_stress: unknown argument '%s' (usage: --variant NAME "
				"[--widen] [--last-put] [--expect-violation] [--seconds S] [--threads N] [--slots N])\n",
				argv[i]);
			return 2;
		}
	}
	if (!seconds)
		seconds = widen ? 2 : 4;	/* widened: 2 s already hit each path thousands of times */
	ops = variant_name ? find_any_variant(variant_name, widen) : NULL;
	if (!ops) {
		fprintf(stderr, "split_stress: --variant must name a variant (null, retry, xadd, "
			"their _wide forms, or a broken one), not '%s'\n", variant_name ? variant_name : "");
		return 2;
	}
	sm = split_mm_create(ops, (unsigned long)slots, 0, err, sizeof(err));
	if (!sm) {
		fprintf(stderr, "split_stress: %s\n", err);
		return 2;
	}
	sm->violation = on_violation;
	split_last_put_frees = last_put;
	sm->nr_held = (unsigned int)threads;
	split_count_large(sm, &pmd0, &mthp0);

	/* Set-up is done: from here on a VM_BUG_ON is the broken variant's doing. */
	if (expect_violation)
		rb_vm_bug_hook = on_vm_bug;
	for (i = 0; i < threads; i++) {
		g[i] = (struct grabber){ .sm = sm, .t = (unsigned int)i,
					 .rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 7) };
		if (pthread_create(&g[i].tid, NULL, grabber_fn, &g[i])) {
			fprintf(stderr, "split_stress: cannot start a grabber thread\n");
			return 2;
		}
	}
	if (split_splitter_start(sm, -1)) {
		fprintf(stderr, "split_stress: cannot start the splitter thread\n");
		return 2;
	}
	ts = (struct timespec){ .tv_sec = seconds };
	nanosleep(&ts, NULL);
	atomic_store(&stop_grabbers, true);
	for (i = 0; i < threads; i++) {
		pthread_join(g[i].tid, NULL);
		split_stats_add(&sum, &g[i].st);
		grab_freed += g[i].freed;
	}
	split_splitter_stop(sm);

	printf("split_stress %s: %lus, %ld grabbers: %lu grabs (%lu fast, %lu slow: %lu frozen NULL, "
	       "%lu changed NULL, %lu re-check, %lu not present; %lu slow waits), %lu retries; "
	       "splits %ld (ebusy %ld), collapses %ld (ebusy %ld, enomem %ld)\n",
	       ops->name, (unsigned long)seconds, threads, sum.grabs, sum.fast, sum.slow,
	       sum.null_frozen, sum.null_changed, sum.recheck_fail, sum.not_present, sum.slow_waits,
	       sum.retries, atomic_long_read(&sm->cnt.split_ok), atomic_long_read(&sm->cnt.split_ebusy),
	       atomic_long_read(&sm->cnt.collapse_ok), atomic_long_read(&sm->cnt.collapse_ebusy),
	       atomic_long_read(&sm->cnt.collapse_enomem));

	if (last_put)
		printf("split_stress %s: last put frees: %ld pages freed by the collapse's put, %lu by a "
		       "grab's back-out put\n", ops->name, atomic_long_read(&sm->cnt.collapse_put_freed),
		       grab_freed);
	problems = split_check_stats(ops, &sum) + split_check_quiescent(sm, pmd0, mthp0);
	if (problems)
		report_violation("end-of-run checks", "the checks after quiescence failed (see above)");
	rb_vm_bug_hook = NULL;	/* the teardown is not under test */
	if (!atomic_long_read(&sm->cnt.split_ok) || !atomic_long_read(&sm->cnt.collapse_ok) || !sum.grabs) {
		fprintf(stderr, "split_stress %s: the run did no split, collapse or grab: nothing tested\n",
			ops->name);
		return 1;
	}
	/*
	 * A widened real variant must really have run the paths it exists for:
	 * else the run proved nothing about them (thousands are usual; see
	 * docs/split.md for the counts).
	 */
	if (ops->widen && !expect_violation &&
	    (!(ops->retry_on_change ? sum.retries : sum.null_changed) || !sum.recheck_fail)) {
		fprintf(stderr, "split_stress %s: widened, but no %s or no failed re-check: the "
			"race windows were not hit, nothing tested\n", ops->name,
			ops->retry_on_change ? "retry" : "NULL on a changed folio");
		return 1;
	}
	if (last_put && widen && !expect_violation && !grab_freed) {
		fprintf(stderr, "split_stress %s: --last-put --widen, but no grab's put freed a page: "
			"the last-put race was not hit, nothing tested\n", ops->name);
		return 1;
	}
	split_mm_destroy(sm);
	if (expect_violation) {
		fprintf(stderr, "split_stress %s: expected a violation, none observed\n", ops->name);
		return 1;
	}
	printf("split_stress %s: ok\n", ops->name);
	return 0;
}
