// SPDX-License-Identifier: GPL-2.0
/*
 * calib: the physical floor for contended results (docs/placements.md).
 *
 * calib/pingpong/<pair class>: two threads, bound to the pair the placement
 * planner picks for that class (smt, l2, l3, package, cross-package,
 * cross-numa), bounce one cache line: thread 0 turns 2i into 2i+1 with a
 * compare-and-swap, thread 1 turns 2i+1 into 2i+2. One iteration is a round
 * trip, two transfers of the line's ownership, the cost an atomic RMW on a
 * contended page refcount pays when it changes hands. The counter one_way_ns
 * is half the round trip. A class this machine cannot give is skipped with
 * the planner's reason. --calib-matrix adds calib/pingpong/matrix/<a>/<b>
 * for every pair of PUs (OS indexes), labelled with the pair's class.
 *
 * This family binds its own two threads, to the pair it measures, whatever
 * --placement says (the placement module still restores the threads'
 * binding when they leave the run). Spinning waits are plain loads (no
 * cpu_relax()), so an SMT pair measures the sibling's raw handoff.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "refbench.h"
#include "topo/topo.h"

static bool opt_matrix;

static int parse_matrix(const char *value)
{
	(void)value;
	opt_matrix = true;
	return 0;
}
RB_FLAG(calib_matrix, "--calib-matrix", NULL,
	"calib: also measure calib/pingpong/matrix/<a>/<b> for every pair of PUs", parse_matrix, NULL);

struct pingpong {
	_Alignas(128) _Atomic uint64_t line;	/* the bounced line, alone in its 128 bytes */
	_Alignas(128) _Atomic int abort;	/* a thread could not bind: the other stops */
	unsigned int pu[2];
	bool feasible;
	char why[256];
	char label[96];
	struct pingpong *next;
};

/* Every context, reachable until exit: Google Benchmark keeps using them. */
static struct pingpong *pp_all;

static hwloc_topology_t g_topo;

static void pingpong_setup(rb_state *st, void *ctx)
{
	struct pingpong *pp = ctx;

	(void)st;
	atomic_store(&pp->line, 0);
	atomic_store(&pp->abort, 0);
}

/* Wait until the line holds @want; false if the peer gave up. */
static inline bool pp_wait(struct pingpong *pp, uint64_t want)
{
	unsigned int spins = 0;

	while (atomic_load_explicit(&pp->line, memory_order_acquire) != want) {
		if (++spins == 1u << 20) {
			spins = 0;
			if (atomic_load_explicit(&pp->abort, memory_order_relaxed))
				return false;
		}
	}
	return true;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void pingpong_body(rb_state *st, void *ctx)
{
	struct pingpong *pp = ctx;
	int me = rb_thread_index(st);
	hwloc_bitmap_t saved = hwloc_bitmap_alloc();
	char err[256], msg[400];
	uint64_t n, i = 0;
	double t0, t1;
	bool bound = false;

	if (saved && hwloc_get_cpubind(g_topo, saved, HWLOC_CPUBIND_THREAD) < 0) {
		hwloc_bitmap_free(saved);
		saved = NULL;
	}
	if (!pp->feasible) {
		rb_skip_with_error(st, pp->why);
	} else if (rb_topo_bind_thread(g_topo, pp->pu[me], err, sizeof(err)) < 0) {
		snprintf(msg, sizeof(msg), "calib: thread %d: %s", me, err);
		rb_skip_with_error(st, msg);
		atomic_store(&pp->abort, 1);
	} else {
		bound = true;
		if (me == 0)
			rb_set_label(st, pp->label);
	}
	/* Every thread starts the batch, even a skipped one: 1.7.1's start barrier waits for all. */
	n = rb_start(st);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint64_t want = 2 * i + (uint64_t)me;

		if (!pp_wait(pp, want))
			break;
		/* Succeeds: only this thread moves the line on from @want. */
		atomic_compare_exchange_strong_explicit(&pp->line, &want, want + 1,
							memory_order_acq_rel, memory_order_relaxed);
	}
	t1 = now_ns();
	rb_stop(st);
	if (n && i == n)
		rb_counter(st, "one_way_ns", (t1 - t0) / (2.0 * (double)n), RB_AVG_THREADS);
	else if (n && !rb_error_occurred(st))
		rb_skip_with_error(st, "calib: the other thread could not bind");
	if (bound && saved)
		hwloc_set_cpubind(g_topo, saved, HWLOC_CPUBIND_THREAD);
	if (saved)
		hwloc_bitmap_free(saved);
}

static struct pingpong *pingpong_new(void)
{
	struct pingpong *pp = aligned_alloc(128, sizeof(*pp));

	if (pp) {
		memset(pp, 0, sizeof(*pp));
		pp->next = pp_all;
		pp_all = pp;
	}
	return pp;
}

static void pingpong_add(const char *name, struct pingpong *pp)
{
	rb_bench *b = rb_register(name, pingpong_body, pp);

	rb_use_real_time(rb_threads(rb_setup_teardown(b, pingpong_setup, NULL), 2));
}

static void calib_register(void)
{
	char name[96];

	g_topo = rb_topo_machine();
	if (!g_topo)
		return;
	for (int c = 0; c < RB_PAIR_NR; c++) {
		struct pingpong *pp = pingpong_new();
		struct rb_cpu_plan plan;

		if (!pp || rb_plan_cpu(g_topo, rb_pair_class_names[c], &plan) < 0)
			return;
		pp->feasible = plan.feasible;
		if (plan.feasible) {
			pp->pu[0] = plan.pus[0];
			pp->pu[1] = plan.pus[1];
			snprintf(pp->label, sizeof(pp->label), "%s PUs %u,%u", rb_pair_class_names[c],
				 pp->pu[0], pp->pu[1]);
		} else {
			snprintf(pp->why, sizeof(pp->why), "pair class %s is not available on this "
				 "machine: %s", rb_pair_class_names[c], plan.reason);
		}
		rb_cpu_plan_free(&plan);
		snprintf(name, sizeof(name), "calib/pingpong/%s", rb_pair_class_names[c]);
		pingpong_add(name, pp);
	}
	if (!opt_matrix)
		return;
	for (int i = 0; i < hwloc_get_nbobjs_by_type(g_topo, HWLOC_OBJ_PU); i++) {
		hwloc_obj_t a = hwloc_get_obj_by_type(g_topo, HWLOC_OBJ_PU, (unsigned int)i);

		for (int j = i + 1; j < hwloc_get_nbobjs_by_type(g_topo, HWLOC_OBJ_PU); j++) {
			hwloc_obj_t b = hwloc_get_obj_by_type(g_topo, HWLOC_OBJ_PU, (unsigned int)j);
			struct pingpong *pp = pingpong_new();
			enum rb_pair_class c = rb_pair_classify(g_topo, a, b);

			if (!pp)
				return;
			pp->feasible = true;
			pp->pu[0] = a->os_index;
			pp->pu[1] = b->os_index;
			snprintf(pp->label, sizeof(pp->label), "%s%s PUs %u,%u",
				 c == RB_PAIR_NONE ? "unclassified" : rb_pair_class_names[c],
				 rb_pair_cross_numa(a, b) ? " cross-numa" : "", a->os_index, b->os_index);
			snprintf(name, sizeof(name), "calib/pingpong/matrix/%u/%u", a->os_index,
				 b->os_index);
			pingpong_add(name, pp);
		}
	}
}

RB_FAMILY(calib, "calib", "core-to-core cache-line ping-pong latency per pair class (the floor)",
	  calib_register);
