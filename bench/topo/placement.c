// SPDX-License-Identifier: GPL-2.0
/*
 * refbench's placement module (docs/placements.md): --topology,
 * --placement, --memory and --list-placements; binds every benchmark thread
 * in a thread_enter hook and allocates the model's shared memory on the
 * chosen NUMA node(s).
 *
 * Exit codes: 2 for a bad flag value (unknown placement, unreadable
 * topology), 3 for a placement this machine cannot provide (nothing ran).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "refbench.h"
#include "kernel/mm.h"
#include "topo/topo.h"

static const char *opt_placement = "none";
static const char *opt_memory;		/* NULL: local (with a CPU placement) */
static bool opt_topology;

static hwloc_topology_t g_topo;
static struct rb_cpu_plan g_cpu;
static struct rb_mem_plan g_mem;

static int parse_topology(const char *value)
{
	char err[512];

	if (rb_topo_set_global(value, err, sizeof(err)) < 0) {
		fprintf(stderr, "refbench: --topology: %s\n", err);
		return 2;
	}
	opt_topology = true;
	return 0;
}
RB_FLAG(topology, "--topology", "FILE|SYNTHETIC",
	"plan on an hwloc XML file or synthetic topology (with --list-placements)",
	parse_topology, NULL);

static int parse_placement(const char *value)
{
	if (!rb_cpu_placement_valid(value)) {
		fprintf(stderr, "refbench: unknown placement '%s' (valid: %s)\n", value,
			rb_cpu_placement_list());
		return 2;
	}
	opt_placement = value;
	return 0;
}
RB_FLAG(placement, "--placement", "NAME",
	"bind thread i to the placement's i-th PU: compact, scatter, smt, l2, l3, package, "
	"cross-package, cross-numa, none (default)", parse_placement, NULL);

static int parse_memory(const char *value)
{
	if (!rb_mem_placement_valid(value)) {
		fprintf(stderr, "refbench: unknown memory placement '%s' (valid: %s)\n", value,
			rb_mem_placement_list());
		return 2;
	}
	opt_memory = value;
	return 0;
}
RB_FLAG(memory, "--memory", "local|remote|interleave",
	"NUMA node(s) of the model's shared memory, relative to thread 0 (default local; "
	"needs --placement)", parse_memory, NULL);

static int parse_planning(const char *value)
{
	(void)value;
	rb_topo_set_planning();
	return 0;
}

static int list_placements(void)
{
	hwloc_topology_t t = rb_topo_machine();

	if (!t)
		return 1;
	rb_topo_print_plan(stdout, t, rb_topo_source());
	return 0;
}
RB_FLAG(list_placements, "--list-placements", NULL,
	"print each placement's PUs and memory node(s), or why this machine cannot give it",
	parse_planning, list_placements);

/* ---- the hooks ---- */

static __thread hwloc_bitmap_t t_saved;
static __thread char t_msg[512];

static void place_enter(rb_state *st, void *ctx)
{
	int idx = rb_thread_index(st), n = rb_thread_count(st);
	char err[256];

	(void)ctx;
	if ((unsigned int)n > g_cpu.nr_pus) {
		snprintf(t_msg, sizeof(t_msg), "placement %s has %u PU%s; this run has %d threads",
			 g_cpu.name, g_cpu.nr_pus, g_cpu.nr_pus == 1 ? "" : "s", n);
		rb_skip_with_error(st, t_msg);
		return;
	}
	t_saved = hwloc_bitmap_alloc();
	if (t_saved && hwloc_get_cpubind(g_topo, t_saved, HWLOC_CPUBIND_THREAD) < 0) {
		hwloc_bitmap_free(t_saved);
		t_saved = NULL;
	}
	if (rb_topo_bind_thread(g_topo, g_cpu.pus[idx], err, sizeof(err)) < 0) {
		snprintf(t_msg, sizeof(t_msg), "placement %s: thread %d: %s", g_cpu.name, idx, err);
		rb_skip_with_error(st, t_msg);
		return;
	}
	if (idx == 0) {
		char pus[256], nodes[128];

		rb_format_pus(g_cpu.pus, (unsigned int)n, pus, sizeof(pus));
		rb_format_nodeset(g_mem.nodeset, nodes, sizeof(nodes));
		snprintf(t_msg, sizeof(t_msg), "%s PUs %s mem %s %s", g_cpu.name, pus, g_mem.name, nodes);
		rb_set_label(st, t_msg);
	}
}

static void place_exit(rb_state *st, void *ctx)
{
	(void)st;
	(void)ctx;
	if (!t_saved)
		return;
	/* Thread 0 is Google Benchmark's main thread: give it its old binding back. */
	hwloc_set_cpubind(g_topo, t_saved, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(t_saved);
	t_saved = NULL;
}

static const struct rb_hooks place_hooks = {
	.name = "placement",
	.thread_enter = place_enter,
	.thread_exit = place_exit,
};

/* ---- the model's shared memory ---- */

static void *place_alloc(size_t bytes)
{
	static atomic_flag told = ATOMIC_FLAG_INIT;
	void *p = rb_topo_alloc(g_topo, &g_mem, bytes);

	if (!p && !atomic_flag_test_and_set(&told)) {
		char nodes[128];

		rb_format_nodeset(g_mem.nodeset, nodes, sizeof(nodes));
		fprintf(stderr, "refbench: hwloc_alloc_membind(%zu bytes, %s on node %s) failed\n",
			bytes, g_mem.name, nodes);
	}
	return p;
}

static void place_free(void *p, size_t bytes)
{
	rb_topo_free(g_topo, p, bytes);
}

/* Model memory mapped again in place (devmem.c's vmemmap reuse): bind it as place_alloc() did. */
static void place_rebind(void *p, size_t bytes)
{
	static atomic_flag told = ATOMIC_FLAG_INIT;

	if (rb_topo_rebind(g_topo, &g_mem, p, bytes) && !atomic_flag_test_and_set(&told))
		fprintf(stderr, "refbench: hwloc_set_area_membind(%zu bytes, %s) failed: %s\n",
			bytes, g_mem.name, strerror(errno));
}

static int placement_init(void)
{
	char pus[4096], nodes[256];

	if (rb_topo_planning())
		return 0;
	if (opt_topology) {
		fprintf(stderr, "refbench: --topology is for planning only (with --list-placements, "
			"--machine-key or --fingerprint); benchmarks run on this machine\n");
		return 2;
	}
	rb_add_context("placement", opt_placement);
	if (!strcmp(opt_placement, "none")) {
		if (opt_memory) {
			fprintf(stderr, "refbench: --memory=%s needs a CPU placement (--placement=NAME)\n",
				opt_memory);
			return 2;
		}
		rb_add_context("placement_pus", "unbound");
		rb_add_context("placement_memory", "first-touch");
		return 0;
	}
	g_topo = rb_topo_machine();
	if (!g_topo)
		return 1;
	if (rb_plan_cpu(g_topo, opt_placement, &g_cpu) < 0) {
		fprintf(stderr, "refbench: planning placement '%s' failed\n", opt_placement);
		return 1;
	}
	if (!g_cpu.feasible) {
		fprintf(stderr, "refbench: placement '%s' is not available on this machine: %s; "
			"nothing ran\n", opt_placement, g_cpu.reason);
		return 3;
	}
	if (!opt_memory)
		opt_memory = "local";
	if (rb_plan_mem(g_topo, opt_memory, g_cpu.pus[0], &g_mem) < 0) {
		fprintf(stderr, "refbench: planning memory '%s' failed\n", opt_memory);
		return 1;
	}
	if (!g_mem.feasible) {
		fprintf(stderr, "refbench: memory placement '%s' is not available on this machine: %s; "
			"nothing ran\n", opt_memory, g_mem.reason);
		return 3;
	}
	rb_format_pus(g_cpu.pus, g_cpu.nr_pus, pus, sizeof(pus));
	rb_format_nodeset(g_mem.nodeset, nodes, sizeof(nodes));
	rb_add_context("placement_pus", pus);
	rb_add_context("placement_memory", g_mem.name);
	rb_add_context("placement_memory_nodes", nodes);
	rb_add_context("placement_binding", "hwloc_set_cpubind(THREAD|STRICT): thread i on the i-th PU "
		       "of placement_pus (OS indexes); memory by hwloc_alloc_membind(STRICT)");
	rb_model_set_allocator(place_alloc, place_free);
	rb_model_set_rebind(place_rebind);
	rb_add_hooks(&place_hooks);
	return 0;
}
RB_MODULE(placement, "placement", placement_init);
