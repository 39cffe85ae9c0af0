// SPDX-License-Identifier: GPL-2.0
/*
 * The pin family's ordering pairs as litmus programs, checked exhaustively
 * under the C11/C++11 memory model by Relacy (Debian: relacy-dev; Dmitry
 * Vyukov's checker: it keeps every atomic's store history, lets a relaxed
 * load read any store coherence and happens-before allow -- store buffering
 * included -- and implements seq_cst fences and RMWs as C++11 specifies).
 * x86 cannot show a missing barrier in any of these (every RMW is a locked
 * instruction) and TSan does not model fences: this is where they are checked.
 *
 * Each litmus is the pair's accesses only, with the model's own C11 mapping
 * (src/kernel/atomic.h, bitops.h):
 *   atomic_add / folio_ref_add / set_bit         relaxed RMW
 *   atomic_read / test_bit / ptep_get            relaxed load
 *   test_and_{set,clear}_bit, xchg               seq_cst RMW
 *   smp_mb()                                     seq_cst fence
 *   smp_wmb()                                    release fence
 *   smp_mb__after_atomic()                       seq_cst fence (RB_STRICT_C11;
 *                                                barrier() in the x86 default build)
 * Each comes as the correct version (the bad outcome must be forbidden) and
 * as its mutant (one barrier dropped, or a load hoisted): the bad outcome
 * must be reachable, or the litmus proves nothing. The same programs in LKMM
 * syntax for herd7 are beside this file (*.litmus).
 *
 * Usage: relacy_litmus NAME | --all | --list. Exit 0 iff every verdict is the
 * expected one; 2 on an unknown NAME.
 */
/* relacy.hpp, not relacy_std.hpp: the latter re-declares std::atomic, which
 * today's libstdc++ already declares. */
#include <relacy/relacy.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#define RLX	rl::mo_relaxed
#define SC	rl::mo_seq_cst
#define REL	rl::mo_release
#define fence(mo)	rl::atomic_thread_fence(mo, $)

enum { PG_writeback = 1 << 0, PG_pin = 1 << 1 };
static const int BIAS = 1024;	/* GUP_PIN_COUNTING_BIAS */

/*
 * 1. pin/flag_refcount (Glisse's two-word version, pin_flag_refcount.c):
 *	pinner:	atomic_add(BIAS, &_refcount); smp_mb(); if (PageWriteback) back off;
 *	writeback: TestSetPageWriteback(); smp_mb(); pinned = _refcount >= BIAS;
 * Bad outcome: the pinner goes on (no PG_writeback seen) and writeback sees no
 * pin. Store buffering: forbidden only with a full barrier on both sides.
 * MB_PIN / MB_WB: whether each side has its smp_mb().
 */
template <bool MB_PIN, bool MB_WB>
struct flag_refcount : rl::test_suite<flag_refcount<MB_PIN, MB_WB>, 2> {
	rl::atomic<int> refcount, flags;
	rl::var<int> pin_saw_wb, wb_saw_pin;

	void before()
	{
		refcount($).store(1, RLX);	/* the pinner's own reference */
		flags($).store(0, RLX);
	}
	void thread(unsigned idx)
	{
		if (idx == 0) {
			refcount($).fetch_add(BIAS - 1, RLX);
			if (MB_PIN)
				fence(SC);
			pin_saw_wb($) = flags($).load(RLX) & PG_writeback;
		} else {
			flags($).fetch_or(PG_writeback, SC);
			if (MB_WB)
				fence(SC);
			wb_saw_pin($) = refcount($).load(RLX) >= BIAS;
		}
	}
	void after() { RL_ASSERT(pin_saw_wb($) || wb_saw_pin($)); }
};

/*
 * 2. pin/bias (the merged design, pin_bias.c, gup-fast against page_mkclean):
 *	gup-fast: folio_ref_add(BIAS - 1); smp_mb__after_atomic(); re-read the PTE;
 *	mkclean:  xchg(PTE, 0) (ptep_clear_flush); set_pte_at(wrprotected);
 *	          smp_mb(); folio_maybe_dma_pinned() (_refcount >= BIAS).
 * Bad outcome: gup-fast's re-check still sees the writable PTE and mkclean
 * sees no pin. MB: smp_mb__after_atomic() as a seq_cst fence (the
 * RB_STRICT_C11 build); without it, what the x86 default build compiles to
 * (barrier()), which C11 alone does not order.
 */
enum { PTE_WRITABLE = 1, PTE_WRPROTECTED = 2 };
template <bool MB>
struct bias : rl::test_suite<bias<MB>, 2> {
	rl::atomic<int> refcount, pte;
	rl::var<int> gup_saw_old_pte, mkclean_saw_pin;

	void before()
	{
		refcount($).store(1, RLX);	/* gup-fast's speculative reference */
		pte($).store(PTE_WRITABLE, RLX);
	}
	void thread(unsigned idx)
	{
		if (idx == 0) {
			refcount($).fetch_add(BIAS - 1, RLX);
			if (MB)
				fence(SC);
			gup_saw_old_pte($) = pte($).load(RLX) == PTE_WRITABLE;
		} else {
			pte($).exchange(0, SC);
			pte($).store(PTE_WRPROTECTED, RLX);
			fence(SC);
			mkclean_saw_pin($) = refcount($).load(RLX) >= BIAS;
		}
	}
	void after() { RL_ASSERT(!gup_saw_old_pte($) || mkclean_saw_pin($)); }
};

/*
 * 3. pin/flag (Glisse's posted scheme, pin_flag_impl.h): PG_pin and
 * PG_writeback are bits of ONE word, every write to it an atomic RMW.
 *	pinner:	atomic_inc(&_mapcount); smp_wmb(); SetPagePin(); smp_wmb();
 *		if (PageWriteback) back off;
 *	writeback: TestSetPageWriteback(); ...; pinned = TestClearPagePin();
 *		smp_mb(); still pinned = pinned && _mapcount > 0 (no real mapping here)
 * Bad outcome: the pinner goes on and writeback decides "not pinned".
 * docs/pin.md argues it is forbidden with the posted barriers (coherence on
 * the one word, then message passing); EARLY is the broken twin
 * flag_reordered: PageWriteback read before the pin's stores, which is what a
 * separate-word flag without smp_mb() allows -- the outcome becomes reachable.
 */
template <bool EARLY>
struct flag_oneword : rl::test_suite<flag_oneword<EARLY>, 2> {
	rl::atomic<int> mapcount, flags;
	rl::var<int> pin_saw_wb, wb_pinned;

	void before()
	{
		mapcount($).store(0, RLX);	/* _mapcount + 1 beyond the real mappings */
		flags($).store(0, RLX);
	}
	void thread(unsigned idx)
	{
		if (idx == 0) {
			int wb = 0;

			if (EARLY)
				wb = flags($).load(RLX) & PG_writeback;
			mapcount($).fetch_add(1, RLX);
			fence(REL);
			flags($).fetch_or(PG_pin, RLX);
			fence(REL);
			if (!EARLY)
				wb = flags($).load(RLX) & PG_writeback;
			pin_saw_wb($) = wb;
		} else {
			int pinned;

			flags($).fetch_or(PG_writeback, SC);
			pinned = flags($).fetch_and(~PG_pin, SC) & PG_pin;
			fence(SC);
			wb_pinned($) = pinned && mapcount($).load(RLX) > 0;
		}
	}
	void after() { RL_ASSERT(pin_saw_wb($) || wb_pinned($)); }
};

/* ---- driver ---- */
struct litmus {
	const char *name;
	bool forbidden;		/* expected: the bad outcome is unreachable */
	const char *what;
	bool (*run)(rl::test_params &);
};

template <class T>
static bool sim(rl::test_params &p)
{
	return rl::simulate<T>(p);
}

static const litmus all[] = {
	{ "flag_refcount", true, "pin/flag_refcount, smp_mb() on both sides", sim<flag_refcount<true, true> > },
	{ "flag_refcount_nomb_pin", false, "mutant: the pinner's smp_mb() dropped", sim<flag_refcount<false, true> > },
	{ "flag_refcount_nomb_wb", false, "mutant: writeback's smp_mb() dropped (C11: a seq_cst RMW does not order a later relaxed load)", sim<flag_refcount<true, false> > },
	{ "flag_refcount_nomb", false, "mutant: both smp_mb() dropped (flag_refcount_nomb's barriers)", sim<flag_refcount<false, false> > },
	{ "bias", true, "pin/bias, smp_mb__after_atomic() as a seq_cst fence (RB_STRICT_C11)", sim<bias<true> > },
	{ "bias_nomb", false, "mutant: smp_mb__after_atomic() dropped (= barrier(), the x86 default build)", sim<bias<false> > },
	{ "flag", true, "pin/flag as posted: one flags word, smp_wmb() pairs", sim<flag_oneword<false> > },
	{ "flag_reordered", false, "mutant: PageWriteback read before the pin's stores", sim<flag_oneword<true> > },
};

static bool run_one(const litmus &l)
{
	rl::test_params p;
	bool ok;
	bool forbidden;

	/*
	 * Relacy's own report (the failing execution, when there is one) goes to
	 * stdout: it is the witness of an "allowed". (Relacy replaces operator
	 * new/delete while it runs, so no stream of ours may allocate in it.)
	 */
	p.search_type = rl::sched_full;
	p.collect_history = true;	/* the failing execution, printed step by step */
	forbidden = l.run(p);
	ok = forbidden == l.forbidden;
	std::printf("%-4s %-24s %-10s (expected %-9s; %llu executions) %s\n", ok ? "ok" : "FAIL",
		    l.name, forbidden ? "forbidden" : "allowed", l.forbidden ? "forbidden" : "allowed",
		    (unsigned long long)p.stop_iteration, l.what);
	return ok;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;
	const size_t nall = sizeof(all) / sizeof(all[0]);

	if (argc != 2) {
		std::fprintf(stderr, "usage: relacy_litmus NAME | --all | --list\n");
		return 2;
	}
	if (!std::strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < nall; i++)
			std::printf("%s\n", all[i].name);
		return 0;
	}
	for (size_t i = 0; i < nall; i++) {
		if (std::strcmp(argv[1], "--all") && std::strcmp(argv[1], all[i].name))
			continue;
		n++;
		bad += !run_one(all[i]);
	}
	if (!n) {
		std::fprintf(stderr, "relacy_litmus: no litmus named '%s' (--list)\n", argv[1]);
		return 2;
	}
	return bad ? 1 : 0;
}
