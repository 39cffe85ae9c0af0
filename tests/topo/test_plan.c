// SPDX-License-Identifier: GPL-2.0
/*
 * Placement planning on the shared XML topologies (tests/topo/data, copied
 * from shared/topologies) and on synthetic ones. Every expected value below
 * was written by hand from lstopo's view of the file:
 *	lstopo-no-graphics --input FILE --no-io -p	(OS indexes)
 *	lstopo-no-graphics --input FILE --only numa -v	(NUMA logical/OS order)
 *	lstopo-no-graphics --input FILE --distances
 * and the rules in src/topo/topo.h (compact = logical PU order, scatter =
 * round-robin at every level, pair = first PU pair in logical order whose
 * closest shared level is the class's).
 *
 * Usage: test_topo_plan DATA_DIR
 */
#include <string.h>

#include "rbtest.h"
#include "topo/topo.h"

static const char *data_dir;

struct pair_expect {
	const char *name;
	int a, b;		/* OS indexes; -1: unavailable */
	const char *why;	/* a part of the reason, when unavailable */
};

struct expect {
	const char *spec;	/* a file in data_dir, or a synthetic description */
	bool file;
	struct rb_topo_shape shape;
	const char *compact, *scatter;
	struct pair_expect pairs[RB_PAIR_NR];
	const char *local, *remote, *interleave;	/* node lists; NULL: unavailable */
};

static const struct expect expects[] = {
	/*
	 * 4 packages (P#0-3), one NUMA node for the machine; per package one
	 * L3 (4096KB), two cores with their own L2, two PUs per core: package
	 * P#k holds PUs k,k+8 (core 0) and k+4,k+12 (core 1).
	 */
	{ "16em64t-4s2c2t.xml", true,
	  { .packages = 4, .numa_nodes = 1, .l3s = 4, .l2s = 8, .cores = 8, .pus = 16, .smt = true },
	  "0,8,4,12,1,9,5,13,2,10,6,14,3,11,7,15",
	  /* package 0 gives 0,4,8,12 (cores alternate), then packages interleave */
	  "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	  { { "smt", 0, 8, NULL }, { "l2", -1, -1, "no L2 is shared by two cores" },
	    { "l3", 0, 4, NULL }, { "package", -1, -1, "every two PUs also share an L3" },
	    { "cross-package", 0, 1, NULL }, { "cross-numa", -1, -1, "one NUMA node" } },
	  "P#0", NULL, NULL },
	/*
	 * 2 packages, each with its NUMA node (P#0, P#1), one L3 (20MB), 8
	 * cores with their own L2, 2 PUs per core: package 0 holds PUs k,k+16
	 * for k = 0..7, package 1 PUs k,k+16 for k = 8..15.
	 */
	{ "32em64t-2n8c2t-pci-noio.xml", true,
	  { .packages = 2, .numa_nodes = 2, .l3s = 2, .l2s = 16, .cores = 16, .pus = 32, .smt = true },
	  "0,16,1,17,2,18,3,19,4,20,5,21,6,22,7,23,8,24,9,25,10,26,11,27,12,28,13,29,14,30,15,31",
	  "0,8,1,9,2,10,3,11,4,12,5,13,6,14,7,15,16,24,17,25,18,26,19,27,20,28,21,29,22,30,23,31",
	  { { "smt", 0, 16, NULL }, { "l2", -1, -1, "no L2 is shared by two cores" },
	    { "l3", 0, 1, NULL }, { "package", -1, -1, "every two PUs also share an L3" },
	    { "cross-package", 0, 8, NULL }, { "cross-numa", 0, 8, NULL } },
	  "P#0", "P#1", "P#0,1" },
	/*
	 * 2 Groups of 4 packages; each package has its own NUMA node, out of
	 * order (package P#0 has node P#1, package P#1 node P#0, P#2 P#2,
	 * P#3 P#5, P#4 P#4, P#5 P#3, P#6 P#6, P#7 P#7), no L3, two single-PU
	 * cores with their own L2: package P#k holds PUs 2k, 2k+1. The NUMA
	 * latency matrix is 10 local, 20 everywhere else: remote is the first
	 * other node in logical order, NUMANode L#1 = P#0.
	 */
	{ "16amd64-4distances.xml", true,
	  { .packages = 8, .numa_nodes = 8, .l3s = 0, .l2s = 16, .cores = 16, .pus = 16, .smt = false },
	  "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	  /* group 0 gives 0,2,4,6,1,3,5,7, group 1 8,10,...: the groups interleave */
	  "0,8,2,10,4,12,6,14,1,9,3,11,5,13,7,15",
	  { { "smt", -1, -1, "no core has two PUs" }, { "l2", -1, -1, "no L2 is shared by two cores" },
	    { "l3", -1, -1, "no L3 cache" }, { "package", 0, 1, NULL },
	    { "cross-package", 0, 2, NULL }, { "cross-numa", 0, 2, NULL } },
	  "P#1", "P#0", "P#0,1,2,3,4,5,6,7" },
	/*
	 * NUMA under a Group, as on a Zen package in NPS2: 2 packages x 2
	 * Groups, each Group has a NUMA node and two L3s of two single-PU
	 * cores. PUs 0-3 are Group 0 (node P#0) of package 0, 4-7 Group 1
	 * (node P#1), 8-15 package 1 (nodes P#2, P#3). So "package" is two
	 * L3s of one Group (0,2), and cross-numa stays inside package 0 (0,4).
	 */
	{ "pack:2 group:2 numa:1 l3:2 core:2 pu:1", false,
	  { .packages = 2, .numa_nodes = 4, .l3s = 8, .l2s = 0, .cores = 16, .pus = 16, .smt = false },
	  "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
	  "0,8,4,12,2,10,6,14,1,9,5,13,3,11,7,15",
	  { { "smt", -1, -1, "no core has two PUs" }, { "l2", -1, -1, "no L2 cache" },
	    { "l3", 0, 1, NULL }, { "package", 0, 2, NULL },
	    { "cross-package", 0, 8, NULL }, { "cross-numa", 0, 4, NULL } },
	  "P#0", "P#1", "P#0,1,2,3" },
	/* One package of 2 cores that share nothing but the package. */
	{ "pack:1 core:2 pu:1", false,
	  { .packages = 1, .numa_nodes = 1, .l3s = 0, .l2s = 0, .cores = 2, .pus = 2, .smt = false },
	  "0,1", "0,1",
	  { { "smt", -1, -1, "no core has two PUs" }, { "l2", -1, -1, "no L2 cache" },
	    { "l3", -1, -1, "no L3 cache" }, { "package", 0, 1, NULL },
	    { "cross-package", -1, -1, "one package" }, { "cross-numa", -1, -1, "one NUMA node" } },
	  "P#0", NULL, NULL },
};

static hwloc_topology_t load(const struct expect *e)
{
	char path[1024], err[512];
	hwloc_topology_t t = NULL;

	if (e->file)
		snprintf(path, sizeof(path), "%s/%s", data_dir, e->spec);
	else
		snprintf(path, sizeof(path), "%s", e->spec);
	if (rb_topo_open(path, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", e->spec, err);
		return NULL;
	}
	return t;
}

static void check_cpu(hwloc_topology_t t, const char *spec, const char *name, const char *want)
{
	struct rb_cpu_plan p;
	char got[1024] = "";

	CHECK_EQ(rb_plan_cpu(t, name, &p), 0);
	CHECK(p.feasible);
	rb_format_pus(p.pus, p.nr_pus, got, sizeof(got));
	if (strcmp(got, want))
		fprintf(stderr, "%s %s:\n", spec, name);
	CHECK_STR(got, want);
	rb_cpu_plan_free(&p);
}

static void check_mem(hwloc_topology_t t, const char *spec, const char *name, unsigned int pu0,
		      const char *want)
{
	struct rb_mem_plan m;
	char got[256] = "";

	CHECK_EQ(rb_plan_mem(t, name, pu0, &m), 0);
	if (!want) {
		CHECK(!m.feasible);
		CHECK(strstr(m.reason, "one NUMA node") != NULL);
	} else {
		CHECK(m.feasible);
		rb_format_nodeset(m.nodeset, got, sizeof(got));
		if (strcmp(got, want))
			fprintf(stderr, "%s memory %s:\n", spec, name);
		CHECK_STR(got, want);
		CHECK_EQ(m.policy, !strcmp(name, "interleave") ? HWLOC_MEMBIND_INTERLEAVE
							       : HWLOC_MEMBIND_BIND);
	}
	rb_mem_plan_free(&m);
}

RB_TEST(plans_match_lstopo)
{
	for (size_t k = 0; k < sizeof(expects) / sizeof(expects[0]); k++) {
		const struct expect *e = &expects[k];
		hwloc_topology_t t = load(e);
		struct rb_topo_shape s;

		CHECK(t != NULL);
		if (!t)
			continue;
		rb_topo_shape(t, &s);
		CHECK_EQ(s.packages, e->shape.packages);
		CHECK_EQ(s.numa_nodes, e->shape.numa_nodes);
		CHECK_EQ(s.l3s, e->shape.l3s);
		CHECK_EQ(s.l2s, e->shape.l2s);
		CHECK_EQ(s.cores, e->shape.cores);
		CHECK_EQ(s.pus, e->shape.pus);
		CHECK_EQ(s.smt, e->shape.smt);
		check_cpu(t, e->spec, "compact", e->compact);
		check_cpu(t, e->spec, "scatter", e->scatter);
		for (int c = 0; c < RB_PAIR_NR; c++) {
			const struct pair_expect *pe = &e->pairs[c];
			struct rb_cpu_plan p;

			CHECK_STR(pe->name, rb_pair_class_names[c]);
			CHECK_EQ(rb_plan_cpu(t, pe->name, &p), 0);
			if (pe->a < 0) {
				if (p.feasible || !strstr(p.reason, pe->why))
					fprintf(stderr, "%s %s: feasible %d, reason '%s'\n", e->spec,
						pe->name, p.feasible, p.reason);
				CHECK(!p.feasible);
				CHECK(strstr(p.reason, pe->why) != NULL);
			} else {
				if (!p.feasible || p.pus[0] != (unsigned int)pe->a ||
				    p.pus[1] != (unsigned int)pe->b)
					fprintf(stderr, "%s %s: want %d,%d\n", e->spec, pe->name, pe->a, pe->b);
				CHECK(p.feasible);
				CHECK_EQ(p.nr_pus, 2);
				if (p.feasible) {
					CHECK_EQ(p.pus[0], pe->a);
					CHECK_EQ(p.pus[1], pe->b);
				}
			}
			rb_cpu_plan_free(&p);
		}
		check_mem(t, e->spec, "local", 0, e->local);
		check_mem(t, e->spec, "remote", 0, e->remote);
		check_mem(t, e->spec, "interleave", 0, e->interleave);
		hwloc_topology_destroy(t);
	}
}

static enum rb_pair_class classify(hwloc_topology_t t, unsigned int a, unsigned int b)
{
	return rb_pair_classify(t, hwloc_get_pu_obj_by_os_index(t, a), hwloc_get_pu_obj_by_os_index(t, b));
}

static bool cross_numa(hwloc_topology_t t, unsigned int a, unsigned int b)
{
	return rb_pair_cross_numa(hwloc_get_pu_obj_by_os_index(t, a), hwloc_get_pu_obj_by_os_index(t, b));
}

/* Pairs other than the first of each class, by hand from lstopo -p. */
RB_TEST(pair_classes_by_hand)
{
	hwloc_topology_t t;

	t = load(&expects[0]);	/* 16em64t-4s2c2t */
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(classify(t, 5, 13), RB_PAIR_SMT);		/* package 1, core 1 */
		CHECK_EQ(classify(t, 1, 13), RB_PAIR_L3);		/* package 1, cores 0 and 1 */
		CHECK_EQ(classify(t, 9, 5), RB_PAIR_L3);
		CHECK_EQ(classify(t, 7, 14), RB_PAIR_CROSS_PACKAGE);
		CHECK(!cross_numa(t, 7, 14));				/* one node for all */
		hwloc_topology_destroy(t);
	}
	t = load(&expects[1]);	/* 32em64t-2n8c2t */
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(classify(t, 15, 31), RB_PAIR_SMT);
		CHECK_EQ(classify(t, 8, 31), RB_PAIR_L3);		/* same L3, other core */
		CHECK_EQ(classify(t, 16, 24), RB_PAIR_CROSS_PACKAGE);
		CHECK(cross_numa(t, 16, 24));
		CHECK(!cross_numa(t, 7, 16));
		hwloc_topology_destroy(t);
	}
	t = load(&expects[2]);	/* 16amd64-4distances */
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(classify(t, 14, 15), RB_PAIR_PACKAGE);	/* package P#7 */
		CHECK_EQ(classify(t, 1, 15), RB_PAIR_CROSS_PACKAGE);	/* other Group */
		CHECK(cross_numa(t, 2, 3) == false);			/* package P#1, node P#0 */
		CHECK(cross_numa(t, 1, 2));
		hwloc_topology_destroy(t);
	}
	t = load(&expects[3]);	/* NUMA under a Group */
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(classify(t, 0, 3), RB_PAIR_PACKAGE);		/* two L3s, one Group */
		CHECK(!cross_numa(t, 0, 3));
		CHECK_EQ(classify(t, 3, 4), RB_PAIR_PACKAGE);		/* two Groups */
		CHECK(cross_numa(t, 3, 4));
		CHECK_EQ(classify(t, 7, 8), RB_PAIR_CROSS_PACKAGE);
		hwloc_topology_destroy(t);
	}
}

/* "remote" follows the latency matrix: on 16amd64 every remote node is 20 away, and
 * for a thread 0 on PU P#2 (package P#1, node P#0) the first other node is L#0 = P#1. */
RB_TEST(remote_follows_thread0)
{
	hwloc_topology_t t = load(&expects[2]);

	CHECK(t != NULL);
	if (!t)
		return;
	check_mem(t, "16amd64", "local", 2, "P#0");
	check_mem(t, "16amd64", "remote", 2, "P#1");
	check_mem(t, "16amd64", "local", 6, "P#5");
	check_mem(t, "16amd64", "remote", 6, "P#1");
	hwloc_topology_destroy(t);
}

RB_TEST(bad_names_and_specs)
{
	hwloc_topology_t t = NULL;
	struct rb_cpu_plan p;
	struct rb_mem_plan m;
	char err[512];

	CHECK(!rb_cpu_placement_valid("bogus"));
	CHECK(!rb_cpu_placement_valid(NULL));
	CHECK(rb_cpu_placement_valid("cross-numa"));
	CHECK(!rb_mem_placement_valid("far"));
	CHECK(strstr(rb_cpu_placement_list(), "compact, scatter, smt, l2, l3, package") != NULL);
	CHECK_EQ(rb_topo_open("/nonexistent/topology.xml", &t, err, sizeof(err)), -1);
	CHECK(strstr(err, "neither a readable XML file nor an hwloc synthetic") != NULL);
	CHECK_EQ(rb_topo_open(data_dir, &t, err, sizeof(err)), -1);	/* a directory */
	CHECK(strstr(err, "cannot read") != NULL);
	CHECK_EQ(rb_topo_open("", &t, err, sizeof(err)), -1);
	CHECK_EQ(rb_topo_open("pack:2 l3:1 core:4 pu:2", &t, err, sizeof(err)), 0);
	if (!t)
		return;
	CHECK_EQ(rb_plan_cpu(t, "bogus", &p), -1);
	CHECK_EQ(rb_plan_mem(t, "bogus", 0, &m), -1);
	CHECK_EQ(rb_plan_cpu(t, "none", &p), 0);
	CHECK(p.feasible);
	CHECK_EQ(p.nr_pus, 0);
	hwloc_topology_destroy(t);
}

/*
 * plan_pair walks the tree (O(PUs x depth)); its definition is the first
 * pair (i, j > i) in logical order that rb_pair_classify puts in the class.
 * The two agree on every class of the XML files and of synthetic trees with
 * skipped levels, groups, single children, NUMA nodes and no package.
 */
static void first_pair_by_definition(hwloc_topology_t t, int c, int *a, int *b)
{
	unsigned int n = (unsigned int)hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);

	*a = *b = -1;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++) {
			hwloc_obj_t x = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i);
			hwloc_obj_t y = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, j);

			if (c == RB_PAIR_CROSS_NUMA ? rb_pair_cross_numa(x, y)
						    : rb_pair_classify(t, x, y) == (enum rb_pair_class)c) {
				*a = (int)x->os_index;
				*b = (int)y->os_index;
				return;
			}
		}
}

RB_TEST(pair_walk_matches_every_pair)
{
	static const char *const specs[] = {
		"pack:2 l3:1 core:4 pu:2", "pu:4", "core:3 pu:1", "l3:2 pu:2", "pack:3 pu:1",
		"pack:2 group:2 l3:2 core:2 pu:2", "group:2 pack:2 core:1 pu:2",
		"pack:1 l3:2 l2:2 core:1 pu:3", "numa:2 pack:2 pu:2", "pack:2 [numa] l2:2 core:2 pu:1",
		"l2:2 pack:2 core:2 pu:1", "core:2 pack:2 pu:2", "group:3 l3:1 l2:1 core:1 pu:1",
		"pack:2(indexes=1,0) core:2 pu:2(indexes=pack:core:pu)", "pack:2 numa:2 l3:1 core:2 pu:1",
	};
	size_t nfiles = sizeof(expects) / sizeof(expects[0]);

	for (size_t k = 0; k < nfiles + sizeof(specs) / sizeof(specs[0]); k++) {
		struct expect e = { .spec = k < nfiles ? expects[k].spec : specs[k - nfiles],
				    .file = k < nfiles && expects[k].file };
		hwloc_topology_t t = load(&e);

		CHECK(t != NULL);
		if (!t)
			continue;
		for (int c = 0; c < RB_PAIR_NR; c++) {
			struct rb_cpu_plan p;
			int a, b;

			first_pair_by_definition(t, c, &a, &b);
			CHECK_EQ(rb_plan_cpu(t, rb_pair_class_names[c], &p), 0);
			if (a < 0) {
				if (p.feasible)
					fprintf(stderr, "%s %s: planned %u,%u, none by definition\n",
						e.spec, rb_pair_class_names[c], p.pus[0], p.pus[1]);
				CHECK(!p.feasible);
			} else {
				CHECK(p.feasible);
				if (p.feasible && ((int)p.pus[0] != a || (int)p.pus[1] != b))
					fprintf(stderr, "%s %s: planned %u,%u, by definition %d,%d\n",
						e.spec, rb_pair_class_names[c], p.pus[0], p.pus[1], a, b);
				CHECK(p.feasible && (int)p.pus[0] == a && (int)p.pus[1] == b);
			}
			rb_cpu_plan_free(&p);
		}
		hwloc_topology_destroy(t);
	}
}

int main(int argc, char **argv)
{
	static const struct rbt_case cases[] = {
		RBT_CASE(plans_match_lstopo) RBT_CASE(pair_classes_by_hand)
		RBT_CASE(remote_follows_thread0) RBT_CASE(bad_names_and_specs)
		RBT_CASE(pair_walk_matches_every_pair)
	};
	if (argc != 2) {
		fprintf(stderr, "usage: test_topo_plan DATA_DIR\n");
		return 2;
	}
	data_dir = argv[1];
	return rbt_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
