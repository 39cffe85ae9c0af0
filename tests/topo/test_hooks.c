// SPDX-License-Identifier: GPL-2.0
/*
 * The placement module inside Google Benchmark (bench/topo/placement.c,
 * linked into this test with the C API): --placement=compact must bind
 * thread i of every run to the plan's i-th PU before the body runs, label
 * the run, record the plan in the JSON context, allocate the model's shared
 * memory (rb_model_alloc) on the planned node, skip a run with more threads
 * than the placement has PUs (never run it elsewhere), and give Google
 * Benchmark's main thread its binding back after each run. Bad flag values
 * must be refused with exit code 2.
 *
 * Usage: test_topo_hooks OUT.json
 */
#include <jansson.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "rbtest.h"
#include "refbench.h"
#include "kernel/mm.h"
#include "topo/topo.h"

#ifndef MPOL_F_NODE
#define MPOL_F_NODE	(1 << 0)
#define MPOL_F_ADDR	(1 << 1)
#endif

#define MAX_T	8

struct seen {
	_Atomic int calls;
	_Atomic int cpu[MAX_T];
	_Atomic int node;
	_Atomic int mode, remapped_mode;	/* memory policy of the allocation, of a remapped part */
};
static struct seen s_one = { .mode = -1, .remapped_mode = -1 }, s_all, s_many;
static const char *out_path;
static struct rb_cpu_plan plan;
static unsigned int nthreads;

static const struct rb_flag *flag(const char *name)
{
	for (const struct rb_flag *f = __start_rb_flags; f < __stop_rb_flags; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static void record_body(rb_state *st, void *ctx)
{
	struct seen *s = ctx;
	int idx = rb_thread_index(st);
	cpu_set_t set;

	s->calls++;	/* kernel/mm.h took the name atomic_fetch_add */
	/* The CPU the thread is bound to: -1 unless its affinity mask is that one CPU. */
	if (idx < MAX_T)
		atomic_store(&s->cpu[idx], sched_getaffinity(0, sizeof(set), &set) == 0 &&
			     CPU_COUNT(&set) == 1 && CPU_ISSET(sched_getcpu(), &set) ? sched_getcpu() : -1);
	for (uint64_t n = rb_start(st); n; n--)
		rb_clobber_memory();
	rb_stop(st);
}

/* Shared model memory comes from the placement's allocator: where does it land? */
static void alloc_setup(rb_state *st, void *ctx)
{
	struct seen *s = ctx;
	size_t bytes = 1u << 20;
	char *p = rb_model_alloc(bytes);
	int node = -1;

	(void)st;
	if (!p)
		return;
	p[0] = 1;
	if (syscall(SYS_get_mempolicy, &node, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR) == 0)
		atomic_store(&s->node, node);
	/*
	 * Model memory mapped again in place (devmem.c's vmemmap reuse) must
	 * get the allocation's binding back from rb_model_remapped(): a fresh
	 * mapping has the default policy, which one node cannot tell from a
	 * bind by where the page lands, but get_mempolicy's mode can.
	 */
	if (syscall(SYS_get_mempolicy, &node, NULL, 0, p, MPOL_F_ADDR) == 0)
		atomic_store(&s->mode, node);
	if (mmap(p + bytes / 2, bytes / 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) != MAP_FAILED) {
		rb_model_remapped(p + bytes / 2, bytes / 2);
		if (syscall(SYS_get_mempolicy, &node, NULL, 0, p + bytes / 2, MPOL_F_ADDR) == 0)
			atomic_store(&s->remapped_mode, node);
	}
	rb_model_free(p, bytes);
}

static json_t *find_run(json_t *benchmarks, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(benchmarks, i, b) {
		const char *n = json_string_value(json_object_get(b, "name"));

		if (n && !strncmp(n, name, strlen(name)))
			return b;
	}
	return NULL;
}

RB_TEST(bad_values_exit_2)
{
	CHECK(flag("--placement") && flag("--memory") && flag("--topology"));
	if (!flag("--placement"))
		return;
	CHECK_EQ(flag("--placement")->parse("bogus"), 2);
	CHECK_EQ(flag("--placement")->parse(""), 2);
	CHECK_EQ(flag("--memory")->parse("far"), 2);
	CHECK_EQ(flag("--topology")->parse("/nonexistent.xml"), 2);
}

RB_TEST(compact_binds_labels_and_skips)
{
	char out_flag[1200], want[512], pus[256];
	char *argv[] = { "test_topo_hooks", out_flag, "--benchmark_out_format=json",
			 "--benchmark_min_time=0.01", "--benchmark_format=console", NULL };
	int argc = 5;
	hwloc_topology_t t = rb_topo_machine();
	hwloc_bitmap_t before = hwloc_bitmap_alloc(), after = hwloc_bitmap_alloc();
	json_t *root, *ctx, *benchmarks, *run;
	json_error_t jerr;

	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_EQ(rb_plan_cpu(t, "compact", &plan), 0);
	nthreads = plan.nr_pus < MAX_T ? plan.nr_pus : MAX_T;
	CHECK_EQ(flag("--placement")->parse("compact"), 0);
	CHECK_EQ(flag("--memory")->parse("local"), 0);
	for (const struct rb_module *m = __start_rb_modules; m < __stop_rb_modules; m++)
		CHECK_EQ(m->init(), 0);

	snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s", out_path);
	rb_initialize(&argc, argv, NULL);
	rb_threads(rb_setup_teardown(rb_register("hooks/one", record_body, &s_one), alloc_setup, NULL), 1);
	rb_threads(rb_register("hooks/all", record_body, &s_all), (int)nthreads);
	rb_threads(rb_register("hooks/toomany", record_body, &s_many), (int)plan.nr_pus + 1);
	hwloc_get_cpubind(t, before, HWLOC_CPUBIND_THREAD);
	CHECK_EQ(rb_run_specified_benchmarks(), 3);
	hwloc_get_cpubind(t, after, HWLOC_CPUBIND_THREAD);
	CHECK(hwloc_bitmap_isequal(before, after));	/* the main thread got its binding back */

	CHECK(atomic_load(&s_one.calls) > 0);
	CHECK_EQ(atomic_load(&s_one.cpu[0]), plan.pus[0]);
	CHECK_EQ(atomic_load(&s_one.node), hwloc_bitmap_first(
			 hwloc_get_pu_obj_by_os_index(t, plan.pus[0])->nodeset));
	CHECK(atomic_load(&s_one.mode) != 0);	/* bound: not MPOL_DEFAULT */
	CHECK_EQ(atomic_load(&s_one.remapped_mode), atomic_load(&s_one.mode));
	CHECK(atomic_load(&s_all.calls) > 0);
	for (unsigned int i = 0; i < nthreads; i++)
		CHECK_EQ(atomic_load(&s_all.cpu[i]), plan.pus[i]);
	CHECK_EQ(atomic_load(&s_many.calls), 0);	/* never run elsewhere */

	root = json_load_file(out_path, 0, &jerr);
	CHECK(root != NULL);
	if (!root)
		return;
	ctx = json_object_get(root, "context");
	benchmarks = json_object_get(root, "benchmarks");
	CHECK_STR(json_string_value(json_object_get(ctx, "placement")), "compact");
	rb_format_pus(plan.pus, plan.nr_pus, pus, sizeof(pus));
	CHECK_STR(json_string_value(json_object_get(ctx, "placement_pus")), pus);
	CHECK_STR(json_string_value(json_object_get(ctx, "placement_memory")), "local");

	run = find_run(benchmarks, "hooks/all");
	CHECK(run != NULL);
	rb_format_pus(plan.pus, nthreads, pus, sizeof(pus));
	snprintf(want, sizeof(want), "compact PUs %s mem local P#%d", pus,
		 hwloc_bitmap_first(hwloc_get_pu_obj_by_os_index(t, plan.pus[0])->nodeset));
	if (run) {
		CHECK_STR(json_string_value(json_object_get(run, "label")), want);
		CHECK(!json_is_true(json_object_get(run, "error_occurred")));
	}
	run = find_run(benchmarks, "hooks/toomany");
	CHECK(run != NULL);
	snprintf(want, sizeof(want), "placement compact has %u PU%s; this run has %u threads",
		 plan.nr_pus, plan.nr_pus == 1 ? "" : "s", plan.nr_pus + 1);
	if (run) {
		CHECK(json_is_true(json_object_get(run, "error_occurred")));
		CHECK_STR(json_string_value(json_object_get(run, "error_message")), want);
	}
	json_decref(root);
	hwloc_bitmap_free(before);
	hwloc_bitmap_free(after);
}

int main(int argc, char **argv)
{
	static const struct rbt_case cases[] = {
		RBT_CASE(bad_values_exit_2) RBT_CASE(compact_binds_labels_and_skips)
	};
	if (argc != 2) {
		fprintf(stderr, "usage: test_topo_hooks OUT.json\n");
		return 2;
	}
	out_path = argv[1];
	return rbt_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
