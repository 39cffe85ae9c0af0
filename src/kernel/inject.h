/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Injected slowdowns inside the model operations: the regression gate's own
 * benchmark (scripts/error-rates, docs/compare.md "Measured error rates").
 *
 * RB_INJECT_OP(SITE) marks one place in a model operation where a slowdown
 * shaped like a real regression can be added: inside try_get_folio() between
 * the read of the refcount and its update (split), before each grab atomic of
 * the gup-fast walk (grab), before each gup_put_folio() of unpin_user_page(s)
 * (unpin), in the pin family's unpin and in page_mkclean()'s pin decision
 * under the page lock (pin), at the top of put_page() (devmap).
 *
 * Without RB_INJECT (every normal build: the refbench binary, the published
 * numbers, the tests' model libraries) the macro is empty: no load, no branch,
 * no symbol (tests/inject checks the release binary and libraries with nm).
 * With it (the rb_<family>_inject libraries that only refbench-inject links,
 * and tests/inject) each site counts its hits in a thread-local counter and,
 * when its site is selected, runs rb_inject.rounds_fp / 2^32 dependent
 * decrements per hit (the fraction carried from hit to hit) that the
 * operation's next access waits for (its pointer goes through their
 * register): 1 instruction a round, exactly, so the same rounds are a
 * calibrated delay in time mode
 * (bench/inject_op.c: --inject-op-delay=NS, calibrated against
 * CLOCK_MONOTONIC at start) and an exact instruction count in callgrind's
 * deterministic mode (--inject-op-instructions=N).
 *
 * The site in an operation is one line with a comment, e.g.
 *	RB_INJECT_OP(SPLIT, folio);	// injected slowdown ... (kernel/inject.h)
 */
#ifndef RB_KERNEL_INJECT_H
#define RB_KERNEL_INJECT_H

#include <stdint.h>

#include "compiler.h"

enum rb_inject_site {
	RB_INJECT_SPLIT,	/* try_get_folio(), every variant */
	RB_INJECT_GRAB,		/* try_grab_folio()/try_grab_page() of the grab family's walk */
	RB_INJECT_UNPIN,	/* gup_put_folio() of unpin_user_page() / unpin_user_pages() */
	RB_INJECT_PIN,		/* the pin family's unpin and page_mkclean()'s pin decision */
	RB_INJECT_DEVMAP,	/* put_page(), every devmap variant */
	RB_INJECT_NR_SITES
};

/* Names as --inject-site takes them, indexed by enum rb_inject_site. */
#define RB_INJECT_SITE_NAMES	{ "split", "grab", "unpin", "pin", "devmap" }

struct rb_inject_config {
	unsigned int site_mask;		/* 1 << site for each selected site */
	uint64_t rounds_fp;		/* decrements per hit, 32.32 fixed point */
};

#ifdef RB_INJECT
extern struct rb_inject_config rb_inject;
/* Hits of each site on this thread (selected or not): the tests' per-op check. */
extern _Thread_local unsigned long rb_inject_hits[RB_INJECT_NR_SITES];
/* The fraction of a round carried to this thread's next hit. */
extern _Thread_local uint64_t rb_inject_carry;

/*
 * The delay: an lfence (nothing after it starts before everything before it
 * has completed), then @rounds dependent decrements of one register that
 * starts from @p (+ 0), then @p comes back through that register (+ 0), so
 * the operation's next access through @p waits for the last decrement: the
 * delay is serial with the operation, not hidden beside it out of order.
 * Measured (loaded 2-vCPU VM, 10% of the op, 3 processes a side): without the
 * lfence, 5.4 ns a hit in pin/lock's unpin and 1.3 ns in devmap's put_page
 * showed no slowdown at all (they ran under the latency of the locked
 * atomics before the site; a load of *@p instead of the lfence did not stop
 * that either); with it, pin/lock +7%, devmap +13%, split/xadd +15-35%. The
 * price: the lfence is paid at 0 rounds too, so side A (refbench-inject, site
 * selected, 0 ns) is slower than refbench (devmap 20 ns against 13, pin/lock
 * 62 against 54, split/xadd 32 against 24 in one loaded run): error-rates
 * measures P% of side A's time and compares A with B, never with refbench.
 *
 * x86-64: the decrements are a sled (inject.c: RB_INJECT_SLED "dec %rcx",
 * then ret) entered by an indirect call RB_INJECT_SLED - @rounds
 * instructions before its end; more than RB_INJECT_SLED rounds go through
 * the whole sled first. No data-dependent conditional branch: a constant
 * @rounds is one predicted call target, where a dec/jnz loop mispredicts its
 * exit at every hit once the count is longer than the branch history (a
 * penalty the calibration would not see). Instructions: 0 rounds run a fixed
 * few (the A side pays them too), each round exactly 1 more up to
 * RB_INJECT_SLED; above, 5 more per whole sled. The call skips the red zone.
 */
#define RB_INJECT_SLED	1024
#define RB_INJECT_STR_(x)	#x
#define RB_INJECT_STR(x)	RB_INJECT_STR_(x)
static __always_inline void *rb_inject_spin(uint64_t rounds, void *p)
{
#if defined(__x86_64__)
	__asm__ __volatile__("lfence\n\t"
			     "mov %0, %%rdx\n\t"
			     "and $0, %%rdx\n\t"
			     "add %%rdx, %%rcx\n\t"
			     "lea -128(%%rsp), %%rsp\n"
			     "1:\tcmp $" RB_INJECT_STR(RB_INJECT_SLED) ", %%rcx\n\t"
			     "jbe 2f\n\t"
			     "call rb_inject_sled\n\t"
			     "jmp 1b\n"
			     "2:\tlea rb_inject_sled_end(%%rip), %%rax\n\t"
			     "lea (%%rcx,%%rcx,2), %%rdx\n\t"
			     "sub %%rdx, %%rax\n\t"
			     "call *%%rax\n\t"
			     "lea 128(%%rsp), %%rsp\n\t"
			     "add %%rcx, %0"
			     : "+r"(p), "+c"(rounds) : : "rax", "rdx", "cc");
#else
	while (rounds)
		__asm__ __volatile__("" : "+r"(rounds) : : "cc"), rounds--;
	__asm__ __volatile__("" : "+r"(p) : "r"(rounds));
#endif
	return p;
}
static __always_inline void *rb_inject_op(enum rb_inject_site site, void *p)
{
	rb_inject_hits[site]++;
	if (unlikely(rb_inject.site_mask & (1U << site))) {
		uint64_t acc = rb_inject_carry + rb_inject.rounds_fp;

		rb_inject_carry = acc & 0xffffffffU;
		p = rb_inject_spin(acc >> 32, p);
	}
	return p;
}
/* @p: the pointer the operation's next atomic goes through (an lvalue). */
#define RB_INJECT_OP(site, p)	((p) = (__typeof__(p))rb_inject_op(RB_INJECT_##site, (void *)(p)))
#else
#define RB_INJECT_OP(site, p)	do { } while (0)
#endif

#endif
