/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: the node vmstat counters the FOLL_PIN accounting
 * updates (mm/vmstat.c and include/linux/vmstat.h, v6.6; the two items came
 * with commit 1970dc6f5226 "mm/gup: /proc/vmstat: pin_user_pages (FOLL_PIN)
 * reporting", v5.7, in the same series as GUP_PIN_COUNTING_BIAS).
 *
 * The kernel (CONFIG_SMP, CONFIG_HAVE_CMPXCHG_LOCAL, i.e. x86-64):
 *
 *   node_stat_mod_folio(folio, item, nr)
 *     -> mod_node_page_state(folio_pgdat(folio), item, nr)
 *     -> mod_node_state(pgdat, item, nr, 0):
 *	o = this_cpu_read(pcp->vm_node_stat_diff[item]);	// s8, per CPU
 *	do {
 *		z = 0;
 *		t = this_cpu_read(pcp->stat_threshold);
 *		n = delta + o;
 *		if (abs(n) > t) {			// overstep_mode 0
 *			z = n;				// spill it all
 *			n = 0;
 *		}
 *	} while (!this_cpu_try_cmpxchg(*p, &o, n));	// x86: cmpxchg, NO lock prefix
 *	if (z)
 *		node_page_state_add(z, pgdat, item);	// two LOCK adds:
 *			// atomic_long_add(z, &pgdat->vm_stat[item]);
 *			// atomic_long_add(z, &vm_node_stat[item]);
 *
 * and the threshold is refresh_zone_stat_thresholds(): per node, the largest
 * calculate_normal_threshold() of its populated zones,
 *	mem = zone_managed_pages(zone) >> (27 - PAGE_SHIFT);	// in 128 MiB
 *	threshold = min(125, 2 * fls(num_online_cpus()) * (1 + fls(mem)));
 * (this machine: 2 CPUs, 24 GiB: 2 * 2 * (1 + 8) = 36).
 *
 * USERSPACE DIFFERENCE: per-CPU is per-thread here. struct per_cpu_nodestat
 * is a _Thread_local (reached through %fs as the kernel's is through %gs),
 * written only by its thread, so this_cpu_try_cmpxchg() is an unlocked
 * cmpxchg on it, as on x86 (inline asm; a plain compare-and-store elsewhere).
 * A thread's diffs are folded into the node counters when it exits, as
 * cpu_vm_stats_fold() does for a CPU going offline. The stat_threshold of a
 * new thread is -1 until its first update copies the machine's value (one
 * predictable branch on the byte the kernel loads anyway). The model has one
 * node (NODE_DATA(0)); its vm_stat[] and the global vm_node_stat[] each sit
 * on their own cache line, and NR_FOLL_PIN_ACQUIRED / NR_FOLL_PIN_RELEASED
 * are neighbours in each, as in enum node_stat_item.
 */
#ifndef RB_KERNEL_VMSTAT_H
#define RB_KERNEL_VMSTAT_H

#include <stdint.h>

#include "atomic.h"
#include "page.h"

/* The node items the model has (the kernel's enum node_stat_item has ~45). */
enum node_stat_item {
	NR_FOLL_PIN_ACQUIRED,	/* via: pin_user_page(), gup flag: FOLL_PIN */
	NR_FOLL_PIN_RELEASED,	/* pages returned via unpin_user_page() */
	NR_VM_NODE_STAT_ITEMS
};

typedef int8_t s8;

struct per_cpu_nodestat {
	s8 stat_threshold;
	s8 vm_node_stat_diff[NR_VM_NODE_STAT_ITEMS];
};

struct pglist_data {
	/* pgdat->vm_stat[]: the node's shared counters, on their own line */
	atomic_long_t vm_stat[NR_VM_NODE_STAT_ITEMS] ____cacheline_aligned_in_smp;
};

/* NODE_DATA(0), vm_node_stat[] (the global sums), the machine's threshold. */
extern struct pglist_data rb_node_data[1];
extern struct vm_node_stat_line {
	atomic_long_t v[NR_VM_NODE_STAT_ITEMS];
} ____cacheline_aligned_in_smp vm_node_stat;
extern _Thread_local struct per_cpu_nodestat rb_this_cpu_nodestat;
extern int rb_vmstat_threshold;

#define NODE_DATA(nid)	(&rb_node_data[nid])
static __always_inline struct pglist_data *folio_pgdat(struct folio *folio)
{
	(void)folio;
	return NODE_DATA(0);	/* page_to_nid(): the model has one node */
}

/* First update on a thread: copy the threshold, register the exit fold. */
s8 rb_vmstat_cpu_online(struct per_cpu_nodestat *pcp);

/*
 * this_cpu_try_cmpxchg(*p, &o, n) on x86: "cmpxchgb %n, %gs:p" with no lock
 * prefix (arch/x86/include/asm/percpu.h, percpu_try_cmpxchg_op): atomic
 * against interrupts on this CPU only. Here %fs (the thread's copy).
 */
static __always_inline bool rb_this_cpu_try_cmpxchg_s8(s8 *p, s8 *o, s8 n)
{
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__SANITIZE_THREAD__)
	bool ok;
	s8 old = *o;

	__asm__ __volatile__("cmpxchgb %3, %1"
			     : "=@ccz"(ok), "+m"(*p), "+a"(old)
			     : "q"(n)
			     : "memory");
	*o = old;
	return ok;
#else
	/* Only this thread writes *p: a plain compare-and-store is the same. */
	if (*p != *o) {
		*o = *p;
		return false;
	}
	*p = n;
	return true;
#endif
}

/* node_page_state_add() */
static __always_inline void node_page_state_add(long x, struct pglist_data *pgdat,
						enum node_stat_item item)
{
	atomic_long_add(x, &pgdat->vm_stat[item]);
	atomic_long_add(x, &vm_node_stat.v[item]);
}

/* mod_node_state(pgdat, item, delta, overstep_mode) (mm/vmstat.c, CONFIG_HAVE_CMPXCHG_LOCAL) */
static __always_inline void mod_node_state(struct pglist_data *pgdat, enum node_stat_item item,
					   int delta, int overstep_mode)
{
	struct per_cpu_nodestat *pcp = &rb_this_cpu_nodestat;	/* per-CPU: per-thread here */
	s8 *p = pcp->vm_node_stat_diff + item;
	long n, t, z;
	s8 o;

	/*
	 * READ_ONCE() of this CPU's own s8: only this thread writes it, so a
	 * volatile byte load is the same access (the model's READ_ONCE() is a
	 * C11 relaxed load, which needs an _Atomic object under clang).
	 */
	o = *(volatile s8 *)p;
	do {
		z = 0;
		t = *(volatile s8 *)&pcp->stat_threshold;
		if (unlikely(t < 0))
			t = rb_vmstat_cpu_online(pcp);	/* the model's only addition: see above */
		n = delta + (long)o;
		if (n > t || n < -t) {
			long os = overstep_mode * (t >> 1);

			/* Overflow must be added to node counters */
			z = n + os;
			n = -os;
		}
	} while (!rb_this_cpu_try_cmpxchg_s8(p, &o, (s8)n));

	if (z)
		node_page_state_add(z, pgdat, item);
}

/*
 * mod_node_page_state() is out of line and exported (mm/vmstat.c, with
 * mod_node_state() inlined into it): node_stat_mod_folio() is a call in the
 * kernel, paid here too (vmstat.c). Since 2026-12-06; before, the model
 * inlined it (docs/pin.md).
 */
void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item item, long delta);

/* node_stat_mod_folio() (include/linux/vmstat.h) */
static __always_inline void node_stat_mod_folio(struct folio *folio, enum node_stat_item item,
						int nr)
{
	mod_node_page_state(folio_pgdat(folio), item, nr);
}

/* node_page_state(): the node's counter, without the per-CPU diffs (clamped at 0 as on SMP). */
static inline unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item item)
{
	long x = atomic_long_read(&pgdat->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}
/* global_node_page_state() */
static inline unsigned long global_node_page_state(enum node_stat_item item)
{
	long x = atomic_long_read(&vm_node_stat.v[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

/* Tests: this thread's diff; fold it into the node counters (cpu_vm_stats_fold()). */
static inline int rb_vmstat_this_cpu_diff(enum node_stat_item item)
{
	return rb_this_cpu_nodestat.vm_node_stat_diff[item];
}
void rb_vmstat_fold_this_cpu(void);
/*
 * Tests: set the threshold (refresh_zone_stat_thresholds()) for threads that
 * have not updated yet and for the calling thread; returns the old value.
 */
int rb_vmstat_set_threshold(int t);
/* calculate_normal_threshold() for @cpus CPUs and a zone of @managed_pages pages. */
int calculate_normal_threshold(unsigned int cpus, unsigned long managed_pages);

#endif
