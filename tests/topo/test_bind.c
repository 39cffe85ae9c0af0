// SPDX-License-Identifier: GPL-2.0
/*
 * Binding on this machine (hwloc's binding does nothing on a loaded XML
 * topology, so this is where it is tested): for every placement the machine
 * can give, one thread per PU binds itself with rb_topo_bind_thread() and
 * must then have exactly that CPU in its affinity mask and only ever run on
 * it (sched_getcpu() sampled while it spins and yields). Memory from rb_topo_alloc() must be zeroed, page aligned and
 * really on the planned node(s) (get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) per
 * page, and hwloc_get_area_memlocation()). A bind to a PU that does not
 * exist must fail with a message. remote/interleave are checked only where
 * the machine has two NUMA nodes; this VM has one, so the test says so.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "rbtest.h"
#include "topo/topo.h"

#ifndef MPOL_F_NODE
#define MPOL_F_NODE	(1 << 0)
#define MPOL_F_ADDR	(1 << 1)
#endif

static hwloc_topology_t topo;

struct binder {
	pthread_t thread;
	unsigned int pu;
	int rc;
	char err[256];

	unsigned long samples, wrong;
	int last_wrong_cpu;
	bool affinity_wrong;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *bind_and_watch(void *arg)
{
	struct binder *b = arg;
	cpu_set_t set;
	double end;

	b->rc = rb_topo_bind_thread(topo, b->pu, b->err, sizeof(b->err));
	if (b->rc)
		return NULL;
	/* The kernel's view: exactly this CPU (a no-op bind leaves all of them). */
	if (sched_getaffinity(0, sizeof(set), &set) < 0 || CPU_COUNT(&set) != 1 ||
	    !CPU_ISSET(b->pu, &set))
		b->affinity_wrong = true;
	end = now() + 0.05;
	while (now() < end) {
		int cpu = sched_getcpu();

		b->samples++;
		if (cpu != (int)b->pu) {
			b->wrong++;
			b->last_wrong_cpu = cpu;
		}
		if ((b->samples & 255) == 0)
			sched_yield();	/* give the scheduler chances to move us */
	}
	return NULL;
}

RB_TEST(threads_run_on_their_pu)
{
	int tested = 0;

	for (const char *const *n = rb_cpu_placement_names; *n; n++) {
		struct rb_cpu_plan p;
		struct binder *b;
		unsigned int nr;

		if (!strcmp(*n, "none"))
			continue;
		CHECK_EQ(rb_plan_cpu(topo, *n, &p), 0);
		if (!p.feasible) {
			printf("     %s: unavailable here (%s)\n", *n, p.reason);
			continue;
		}
		nr = p.nr_pus < 16 ? p.nr_pus : 16;
		b = calloc(nr, sizeof(*b));
		for (unsigned int i = 0; i < nr; i++) {
			b[i].pu = p.pus[i];
			CHECK_EQ(pthread_create(&b[i].thread, NULL, bind_and_watch, &b[i]), 0);
		}
		for (unsigned int i = 0; i < nr; i++) {
			pthread_join(b[i].thread, NULL);
			if (b[i].rc)
				fprintf(stderr, "%s thread %u: %s\n", *n, i, b[i].err);
			CHECK_EQ(b[i].rc, 0);
			CHECK(b[i].samples > 100);
			if (b[i].wrong)
				fprintf(stderr, "%s thread %u bound to PU %u ran on CPU %d (%lu of %lu samples)\n",
					*n, i, b[i].pu, b[i].last_wrong_cpu, b[i].wrong, b[i].samples);
			CHECK_EQ(b[i].wrong, 0);
			CHECK(!b[i].affinity_wrong);
		}
		printf("     %s: %u threads stayed on their PUs\n", *n, nr);
		tested++;
		free(b);
		rb_cpu_plan_free(&p);
	}
	CHECK(tested >= 2);	/* compact and scatter at least */
}

RB_TEST(bind_to_missing_pu_fails)
{
	char err[256] = "";

	CHECK_EQ(rb_topo_bind_thread(topo, 999999, err, sizeof(err)), -1);
	CHECK(strstr(err, "PU P#999999 is not in the topology") != NULL);
}

/* The node of each page of [p, p + bytes), which must be in @want. */
static void check_pages_on(void *p, size_t bytes, hwloc_const_bitmap_t want, const char *what,
			   hwloc_bitmap_t seen)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long bad = 0;

	for (size_t off = 0; off < bytes; off += (size_t)page) {
		int node = -1;

		if (syscall(SYS_get_mempolicy, &node, NULL, 0, (char *)p + off,
			    MPOL_F_NODE | MPOL_F_ADDR) < 0) {
			fprintf(stderr, "get_mempolicy: %s\n", strerror(errno));
			CHECK(0);
			return;
		}
		hwloc_bitmap_set(seen, (unsigned int)node);
		if (!hwloc_bitmap_isset(want, (unsigned int)node))
			bad++;
	}
	if (bad)
		fprintf(stderr, "%s: %lu pages off the planned nodes\n", what, bad);
	CHECK_EQ(bad, 0);
}

static void check_alloc(const char *name, unsigned int pu0)
{
	struct rb_mem_plan m;
	size_t bytes = 8u << 20;
	hwloc_bitmap_t seen = hwloc_bitmap_alloc(), where = hwloc_bitmap_alloc();
	unsigned char *p;
	char want[128];

	CHECK_EQ(rb_plan_mem(topo, name, pu0, &m), 0);
	if (!m.feasible) {
		printf("     memory %s: unavailable here (%s)\n", name, m.reason);
		goto out;
	}
	p = rb_topo_alloc(topo, &m, bytes);
	CHECK(p != NULL);
	if (!p)
		goto out;
	CHECK_EQ((uintptr_t)p % (uintptr_t)sysconf(_SC_PAGESIZE), 0);
	for (size_t off = 0; off < bytes; off += 4096) {
		CHECK_EQ(p[off], 0);	/* zeroed, as the model's default allocator */
		p[off] = 1;		/* fault it in */
	}
	check_pages_on(p, bytes, m.nodeset, name, seen);
	if (!strcmp(name, "interleave"))
		CHECK(hwloc_bitmap_weight(seen) > 1);
	CHECK_EQ(hwloc_get_area_memlocation(topo, p, bytes, where, HWLOC_MEMBIND_BYNODESET), 0);
	CHECK(hwloc_bitmap_isincluded(where, m.nodeset));
	rb_format_nodeset(m.nodeset, want, sizeof(want));
	printf("     memory %s: %zu MiB on node(s) %s\n", name, bytes >> 20, want);
	rb_topo_free(topo, p, bytes);
out:
	rb_mem_plan_free(&m);
	hwloc_bitmap_free(seen);
	hwloc_bitmap_free(where);
}

RB_TEST(memory_is_on_the_planned_nodes)
{
	struct rb_cpu_plan p;

	CHECK_EQ(rb_plan_cpu(topo, "compact", &p), 0);
	CHECK(p.feasible);
	if (!p.feasible)
		return;
	check_alloc("local", p.pus[0]);
	check_alloc("remote", p.pus[0]);
	check_alloc("interleave", p.pus[0]);
	rb_cpu_plan_free(&p);
}

int main(void)
{
	static const struct rbt_case cases[] = {
		RBT_CASE(threads_run_on_their_pu) RBT_CASE(bind_to_missing_pu_fails)
		RBT_CASE(memory_is_on_the_planned_nodes)
	};
	char err[256];

	if (rb_topo_open(NULL, &topo, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (!hwloc_topology_is_thissystem(topo)) {
		fprintf(stderr, "HWLOC_XMLFILE or HWLOC_SYNTHETIC is set: binding cannot be tested\n");
		return 77;
	}
	return rbt_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
