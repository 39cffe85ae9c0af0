/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench placements: where a benchmark's threads run and where the model's
 * shared memory lives, planned from an hwloc topology (docs/placements.md).
 *
 * A CPU placement maps thread i of a run to one PU (thread 0 first):
 *   compact        PUs in hwloc's logical order: the SMT siblings of a core,
 *                  then the next core under the same L2/L3, then the package.
 *   scatter        round-robin at every level of the tree: packages (and
 *                  Groups, hence NUMA nodes) first, then caches, then cores,
 *                  SMT siblings last.
 *   smt l2 l3 package cross-package
 *                  a pair (two threads) whose closest shared level is the
 *                  core, an L2, an L3, the package, or nothing (different
 *                  packages): hwloc's common ancestor of the two PUs.
 *   cross-numa     a pair on different NUMA nodes (disjoint nodesets: NUMA
 *                  nodes may sit under a Group, not only under a package).
 * A memory placement says where the shared model memory comes from:
 *   local          the NUMA node of thread 0's PU;
 *   remote         the nearest other node (NUMA latency matrix, else the
 *                  first other node in logical order);
 *   interleave     pages interleaved over all the machine's NUMA nodes.
 * A placement the topology cannot provide is planned as infeasible with a
 * one-line reason; callers never fall back to another one.
 */
#ifndef RB_TOPO_H
#define RB_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <hwloc.h>

enum rb_pair_class {
	RB_PAIR_SMT,
	RB_PAIR_L2,
	RB_PAIR_L3,
	RB_PAIR_PACKAGE,
	RB_PAIR_CROSS_PACKAGE,
	RB_PAIR_NR_CHAIN,		/* the classes above partition the pairs */
	RB_PAIR_CROSS_NUMA = RB_PAIR_NR_CHAIN,
	RB_PAIR_NR,
	RB_PAIR_NONE = -1,		/* no class (a topology without packages) */
};

/* "smt", "l2", "l3", "package", "cross-package", "cross-numa". */
extern const char *const rb_pair_class_names[RB_PAIR_NR];
/* Every CPU placement name, "none" first; NULL-terminated. */
extern const char *const rb_cpu_placement_names[];
/* "local", "remote", "interleave"; NULL-terminated. */
extern const char *const rb_mem_placement_names[];

struct rb_cpu_plan {
	char name[24];
	bool feasible;
	char reason[160];		/* why not, when !feasible */
	unsigned int nr_pus;
	unsigned int *pus;		/* OS indexes (lstopo's P#): thread i runs on pus[i] */
};

struct rb_mem_plan {
	char name[16];
	bool feasible;
	char reason[160];
	hwloc_bitmap_t nodeset;		/* NUMA nodes, OS indexes */
	hwloc_membind_policy_t policy;	/* HWLOC_MEMBIND_BIND or _INTERLEAVE */
};

/* ---- loading ---- */
/* --topology: a larger topology is refused (the pair search is quadratic in the PUs). */
#define RB_TOPO_MAX_PUS 4096
/* --topology=SYNTHETIC: an "indexes=" OS index at or above this is refused (hwloc takes seconds per 1e8). */
#define RB_TOPO_MAX_OS_INDEX 65536
/*
 * @spec NULL: this machine. Else an XML file (if @spec names a readable file)
 * or an hwloc synthetic description ("pack:2 l3:1 core:4 pu:2"). Returns 0,
 * or -1 with a one-line reason in @err.
 */
int rb_topo_open(const char *spec, hwloc_topology_t *out, char *err, size_t errlen);

/*
 * The process's topology: the one rb_topo_set_global() loaded, else this
 * machine, loaded on first use (NULL, with a message on stderr, if hwloc
 * cannot load it).
 */
int rb_topo_set_global(const char *spec, char *err, size_t errlen);
hwloc_topology_t rb_topo_machine(void);
/* "this machine", or the --topology spec. */
const char *rb_topo_source(void);
/* True when the global topology is this machine's (binding means something). */
bool rb_topo_is_this_system(void);
/*
 * Planning only: a listing flag (--list-placements, --machine-key,
 * --fingerprint) was given, so nothing will be bound or run and --topology
 * may name another machine.
 */
void rb_topo_set_planning(void);
bool rb_topo_planning(void);

/* ---- planning ---- */
bool rb_cpu_placement_valid(const char *name);
bool rb_mem_placement_valid(const char *name);
/* A comma-separated list of the valid names, for error messages. */
const char *rb_cpu_placement_list(void);
const char *rb_mem_placement_list(void);

/* Plans @name ("none" gives a feasible plan with no PUs). -1 if @name is unknown. */
int rb_plan_cpu(hwloc_topology_t t, const char *name, struct rb_cpu_plan *p);
void rb_cpu_plan_free(struct rb_cpu_plan *p);
/* Plans memory @name for a thread 0 on PU @pu0_os (OS index). -1 if @name is unknown. */
int rb_plan_mem(hwloc_topology_t t, const char *name, unsigned int pu0_os, struct rb_mem_plan *m);
void rb_mem_plan_free(struct rb_mem_plan *m);

/* The chain class (smt .. cross-package) of two distinct PUs: their closest shared level. */
enum rb_pair_class rb_pair_classify(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b);
/* True if the two PUs' local NUMA nodes are disjoint. */
bool rb_pair_cross_numa(hwloc_obj_t a, hwloc_obj_t b);

/* Topology shape, for the plan header and the fingerprint. */
struct rb_topo_shape {
	unsigned int packages, numa_nodes, l3s, l2s, cores, pus;
	bool smt;			/* some core has more than one PU */
};
void rb_topo_shape(hwloc_topology_t t, struct rb_topo_shape *s);

/* "0,8,4" (OS indexes, in the given order). */
void rb_format_pus(const unsigned int *pus, unsigned int n, char *buf, size_t len);
/* "P#0" or "P#0,1": a nodeset's OS indexes. */
void rb_format_nodeset(hwloc_const_bitmap_t set, char *buf, size_t len);

/* Prints the whole plan (--list-placements). */
void rb_topo_print_plan(FILE *f, hwloc_topology_t t, const char *source);

/* ---- binding (this machine only) ---- */
/*
 * Binds the calling thread to PU @pu_os with hwloc_set_cpubind(THREAD|STRICT).
 * Returns 0, or -1 with a one-line reason in @err.
 */
int rb_topo_bind_thread(hwloc_topology_t t, unsigned int pu_os, char *err, size_t errlen);
/* Memory bound by @m (hwloc_alloc_membind, STRICT): zeroed, page aligned; NULL on failure. */
void *rb_topo_alloc(hwloc_topology_t t, const struct rb_mem_plan *m, size_t bytes);
/* Bind memory mapped again in place as rb_topo_alloc() did (hwloc_set_area_membind, STRICT): 0 or -1. */
int rb_topo_rebind(hwloc_topology_t t, const struct rb_mem_plan *m, void *p, size_t bytes);
void rb_topo_free(hwloc_topology_t t, void *p, size_t bytes);

#endif
