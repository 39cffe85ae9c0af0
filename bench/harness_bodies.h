/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness family's bodies, shared by the native C++ loop
 * (harness_native.cc) and the C API loop (harness.c) so that both measure the
 * same instructions. GCC builtins, since C11 <stdatomic.h> is not C++17.
 */
#ifndef RB_HARNESS_BODIES_H
#define RB_HARNESS_BODIES_H

struct harness_word { unsigned long v; } __attribute__((aligned(64)));

static inline __attribute__((always_inline)) void hb_empty(struct harness_word *w)
{
	(void)w;
	__asm__ __volatile__("" ::: "memory");
}
static inline __attribute__((always_inline)) void hb_fetch_add_relaxed(struct harness_word *w)
{
	__atomic_fetch_add(&w->v, 1, __ATOMIC_RELAXED);
}
static inline __attribute__((always_inline)) void hb_cas_seq_cst(struct harness_word *w)
{
	unsigned long old = __atomic_load_n(&w->v, __ATOMIC_RELAXED);

	__atomic_compare_exchange_n(&w->v, &old, old + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

#define HARNESS_BODIES(X)		\
	X(empty)			\
	X(fetch_add_relaxed)		\
	X(cas_seq_cst)

#endif
