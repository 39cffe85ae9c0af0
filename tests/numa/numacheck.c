// SPDX-License-Identifier: GPL-2.0
/*
 * numacheck: does refbench really run where its placement says? Written for
 * the small NUMA guests of scripts/numa-guests (docs/numa.md), and runnable
 * on any Linux machine.
 *
 * Nothing here trusts refbench or hwloc's binding: the truth comes from the
 * kernel.
 *
 *   numacheck sysfs
 *       the machine as sysfs tells it (CPUs, packages, cores, caches, NUMA
 *       nodes with their CPUs, memory and SLIT distances), as JSON.
 *   numacheck plan FILE
 *       checks `refbench --list-placements` output against sysfs: every
 *       pair placement's PUs really are of its class (same core, shared L2,
 *       shared L3, same package, different packages, different NUMA nodes),
 *       every class sysfs has is offered and every class it lacks is not,
 *       compact/scatter use every PU in the documented order, local memory
 *       is thread 0's node, remote the nearest other node with memory,
 *       interleave every node with memory; and hwloc's own view of each PU's
 *       node agrees with sysfs.
 *   numacheck self
 *       the observation method itself, in this process: a thread bound with
 *       sched_setaffinity() to a CPU of each node sees it in sched_getcpu()
 *       and in /proc/self/task/<tid>/stat's processor field; pages mbind()ed
 *       to each node with memory are there according to move_pages().
 *   numacheck run --refbench=PATH --placement=P --memory=M --threads=N
 *                 --filter=REGEX [--min-time=S] [--plan=FILE]
 *                 [--skew=cpu|mem|nocpu|nomem] [--shim=PATH] [--expect=pass|reject|unavailable]
 *       runs refbench with that placement and watches it from outside: while
 *       it runs, the process is stopped (SIGSTOP) a few times and inspected:
 *       each task's affinity (/proc/PID/task/TID/status Cpus_allowed_list)
 *       and the CPU it last ran on (stat field 39, the kernel's task_cpu(),
 *       which is what sched_getcpu() returns inside the thread); every
 *       mapping with a NUMA policy (/proc/PID/numa_maps: the model memory,
 *       the only memory refbench mbind()s) and the node of each of its
 *       present pages (move_pages(PID, ..., nodes=NULL)). Then it reads
 *       refbench's JSON and checks that thread 0 (the main thread) ran on
 *       the first PU of placement_pus and the other threads on the next
 *       ones, only there, and that every model page sits on
 *       placement_memory_nodes, which must be thread 0's node for local,
 *       another one for remote, all of them (each holding pages) for
 *       interleave.
 *       --skew loads libnumaskew.so into refbench (LD_PRELOAD): its
 *       sched_setaffinity() binds to the wrong CPU (cpu) or not at all
 *       (nocpu), its mbind() to the wrong node (mem) or not at all (nomem),
 *       while refbench still reports the placement it asked for: the run
 *       must then be rejected. --expect is only recorded in the JSON, for
 *       the host side to assert on.
 *
 * Output: one JSON object per command on stdout (one line); diagnostics on
 * stderr. Exit 0 when every check passed, 1 when one failed, 3 when refbench
 * said the placement is unavailable, 2 on bad usage.
 *
 * Timing: refbench's times in an emulated guest mean nothing; numacheck
 * never reads or reports them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hwloc.h>
#include <jansson.h>

#define MAX_CPUS	256
#define MAX_NODES	64
#define MAX_TASKS	64
#define MAX_VMAS	32
#define MAX_SNAPS	64

#ifndef MPOL_BIND
#define MPOL_BIND	2
#define MPOL_INTERLEAVE	3
#endif
#define MPOL_MF_STRICT_	1

static const char *timing_note =
	"emulated or not, numacheck checks placement only: refbench's times are neither read nor reported";

/* ---- small helpers ---- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int read_int(const char *fmt, int a, int b, int dflt)
{
	char path[256], *s;
	int v = dflt;

	snprintf(path, sizeof(path), fmt, a, b);
	s = read_file(path);
	if (s && *s)
		v = atoi(s);
	free(s);
	return v;
}

/* "0-3,5" -> set[i] = true; returns the number set, -1 if malformed. */
static int parse_list(const char *s, bool *set, int max)
{
	int n = 0;

	memset(set, 0, (size_t)max * sizeof(*set));
	while (s && *s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a >= max)
			return -1;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= max)
				return -1;
			s = end;
		}
		for (long i = a; i <= b; i++) {
			if (!set[i])
				n++;
			set[i] = true;
		}
		if (*s == ',')
			s++;
		else if (*s && *s != '\n' && !isspace((unsigned char)*s))
			return -1;
		else
			break;
	}
	return n;
}

static int read_list(const char *path, bool *set, int max)
{
	char *s = read_file(path);
	int n;

	if (!s) {
		memset(set, 0, (size_t)max * sizeof(*set));
		return -1;
	}
	n = parse_list(s, set, max);
	free(s);
	return n;
}

static void format_set(const bool *set, int max, char *buf, size_t len)
{
	size_t off = 0;
	bool first = true;

	buf[0] = '\0';
	for (int i = 0; i < max && off < len; i++) {
		int j = i;

		if (!set[i])
			continue;
		while (j + 1 < max && set[j + 1])
			j++;
		if (j == i)
			off += snprintf(buf + off, len - off, "%s%d", first ? "" : ",", i);
		else
			off += snprintf(buf + off, len - off, "%s%d-%d", first ? "" : ",", i, j);
		first = false;
		i = j;
	}
}

static void format_ints(const int *v, int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%d", i ? "," : "", v[i]);
}

/* "0,8,4" (no ranges) -> v; returns the count, -1 if malformed. */
static int parse_ints(const char *s, int *v, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long x = strtol(s, &end, 10);

		if (end == s || x < 0 || n >= max)
			return -1;
		v[n++] = (int)x;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

/* ---- checks, collected into JSON ---- */

struct checks {
	json_t *arr;
	int failed;
};

/* --expect=reject: the run is broken on purpose, and a failed check is the point. */
static bool expect_reject;

static void check(struct checks *c, bool ok, const char *name, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_array_append_new(c->arr, json_pack("{s:s, s:b, s:s}", "name", name, "ok", ok,
						"detail", detail));
	if (!ok) {
		c->failed++;
		fprintf(stderr, "numacheck: FAIL%s %s: %s\n",
			expect_reject ? " (expected: binding broken on purpose)" : "", name, detail);
	}
}

static void emit(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	fflush(stdout);
}

/* ---- the machine, from sysfs ---- */

struct sysview {
	int ncpus;			/* highest online CPU + 1 */
	bool online[MAX_CPUS];
	int node_of[MAX_CPUS];		/* -1: none */
	int pkg[MAX_CPUS];
	int core[MAX_CPUS];		/* first CPU of thread_siblings_list */
	int l2[MAX_CPUS], l3[MAX_CPUS];	/* first CPU sharing the cache, -1: none */
	int nnodes;			/* highest node + 1 */
	bool node_present[MAX_NODES], node_mem[MAX_NODES], node_cpus[MAX_NODES];
	int dist[MAX_NODES][MAX_NODES];
};

static struct sysview sv;

static int cache_leader(int cpu, int level)
{
	for (int idx = 0; idx < 8; idx++) {
		char path[256], *type;
		bool set[MAX_CPUS];

		if (read_int("/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, idx, -1) != level)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, idx);
		type = read_file(path);
		if (type && !strncmp(type, "Instruction", 11)) {
			free(type);
			continue;
		}
		free(type);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
			 cpu, idx);
		if (read_list(path, set, MAX_CPUS) <= 0)
			continue;
		for (int c = 0; c < MAX_CPUS; c++)
			if (set[c])
				return c;
	}
	return -1;
}

static int load_sysfs(void)
{
	bool set[MAX_CPUS], nodes[MAX_NODES];
	char path[256];

	memset(&sv, 0, sizeof(sv));
	if (read_list("/sys/devices/system/cpu/online", sv.online, MAX_CPUS) <= 0) {
		fprintf(stderr, "numacheck: cannot read /sys/devices/system/cpu/online\n");
		return -1;
	}
	for (int c = 0; c < MAX_CPUS; c++) {
		sv.node_of[c] = -1;
		sv.core[c] = sv.l2[c] = sv.l3[c] = -1;
		if (!sv.online[c])
			continue;
		sv.ncpus = c + 1;
		sv.pkg[c] = read_int("/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c, 0, 0);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		if (read_list(path, set, MAX_CPUS) > 0)
			for (int s = 0; s < MAX_CPUS; s++)
				if (set[s]) {
					sv.core[c] = s;
					break;
				}
		if (sv.core[c] < 0)
			sv.core[c] = c;
		sv.l2[c] = cache_leader(c, 2);
		sv.l3[c] = cache_leader(c, 3);
	}
	if (read_list("/sys/devices/system/node/online", nodes, MAX_NODES) <= 0) {
		/* A kernel without CONFIG_NUMA: one node with everything. */
		sv.nnodes = 1;
		sv.node_present[0] = sv.node_mem[0] = sv.node_cpus[0] = true;
		sv.dist[0][0] = 10;
		for (int c = 0; c < sv.ncpus; c++)
			if (sv.online[c])
				sv.node_of[c] = 0;
		return 0;
	}
	read_list("/sys/devices/system/node/has_memory", sv.node_mem, MAX_NODES);
	for (int n = 0; n < MAX_NODES; n++) {
		char *d, *s;
		int m = 0;

		if (!nodes[n])
			continue;
		sv.node_present[n] = true;
		sv.nnodes = n + 1;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", n);
		if (read_list(path, set, MAX_CPUS) > 0)
			for (int c = 0; c < MAX_CPUS; c++)
				if (set[c] && sv.online[c]) {
					sv.node_of[c] = n;
					sv.node_cpus[n] = true;
				}
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", n);
		d = read_file(path);
		/* One value per online node, in node order. */
		s = d;
		for (int k = 0; s && k < MAX_NODES; k++) {
			char *end;
			long v;

			if (!nodes[k])
				continue;
			v = strtol(s, &end, 10);
			if (end == s)
				break;
			sv.dist[n][k] = (int)v;
			s = end;
			m++;
		}
		free(d);
		(void)m;
	}
	return 0;
}

static int count_distinct(const int *v, int n)
{
	int d = 0;

	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= v[j] == v[i];
		d += !seen;
	}
	return d;
}

static json_t *sysfs_json(void)
{
	json_t *o = json_object(), *nodes = json_array();
	int pk[MAX_CPUS], co[MAX_CPUS], n = 0;
	char buf[1024];
	bool smt = false;

	for (int c = 0; c < sv.ncpus; c++) {
		if (!sv.online[c])
			continue;
		pk[n] = sv.pkg[c];
		co[n] = sv.pkg[c] * MAX_CPUS + sv.core[c];
		smt |= sv.core[c] != c;
		n++;
	}
	format_set(sv.online, MAX_CPUS, buf, sizeof(buf));
	json_object_set_new(o, "cpus", json_string(buf));
	json_object_set_new(o, "packages", json_integer(count_distinct(pk, n)));
	json_object_set_new(o, "cores", json_integer(count_distinct(co, n)));
	json_object_set_new(o, "smt", json_boolean(smt));
	for (int k = 0; k < sv.nnodes; k++) {
		bool cpus[MAX_CPUS];
		json_t *d = json_array();

		if (!sv.node_present[k])
			continue;
		for (int c = 0; c < MAX_CPUS; c++)
			cpus[c] = c < sv.ncpus && sv.node_of[c] == k;
		format_set(cpus, MAX_CPUS, buf, sizeof(buf));
		for (int j = 0; j < sv.nnodes; j++)
			if (sv.node_present[j])
				json_array_append_new(d, json_integer(sv.dist[k][j]));
		json_array_append_new(nodes, json_pack("{s:i, s:s, s:b, s:o}", "node", k, "cpus", buf,
						       "memory", sv.node_mem[k], "distance", d));
	}
	json_object_set_new(o, "nodes", nodes);
	return o;
}

/* ---- pair classes, from sysfs: the closest shared level ---- */

enum { PC_SMT, PC_L2, PC_L3, PC_PACKAGE, PC_CROSS_PACKAGE, PC_CROSS_NUMA, PC_NR };
static const char *const pc_names[PC_NR] = {
	"smt", "l2", "l3", "package", "cross-package", "cross-numa",
};

/* The chain class (smt .. cross-package) of two distinct CPUs. */
static int sys_chain_class(int a, int b)
{
	if (sv.core[a] == sv.core[b] && sv.pkg[a] == sv.pkg[b])
		return PC_SMT;
	if (sv.l2[a] >= 0 && sv.l2[a] == sv.l2[b])
		return PC_L2;
	if (sv.l3[a] >= 0 && sv.l3[a] == sv.l3[b])
		return PC_L3;
	if (sv.pkg[a] == sv.pkg[b])
		return PC_PACKAGE;
	return PC_CROSS_PACKAGE;
}

static bool sys_pair_is(int cls, int a, int b)
{
	if (cls == PC_CROSS_NUMA)
		return sv.node_of[a] >= 0 && sv.node_of[b] >= 0 && sv.node_of[a] != sv.node_of[b];
	return sys_chain_class(a, b) == cls;
}

static bool sys_has_class(int cls, int *pa, int *pb)
{
	for (int a = 0; a < sv.ncpus; a++)
		for (int b = a + 1; b < sv.ncpus; b++)
			if (sv.online[a] && sv.online[b] && sys_pair_is(cls, a, b)) {
				*pa = a;
				*pb = b;
				return true;
			}
	return false;
}

/* ---- refbench --list-placements ---- */

struct plan_line {
	char kind[8], name[24];
	bool available;
	int pus[MAX_CPUS], npus;	/* cpu lines */
	int local_node;			/* cpu lines: "local node P#n" */
	bool nodes[MAX_NODES];		/* mem lines */
	int thread0_pu;			/* mem lines: "(thread 0 on PU P#n)" */
	char text[512];
};

struct plan {
	struct plan_line l[32];
	int n;
};

static struct plan_line *plan_find(struct plan *p, const char *kind, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->l[i].kind, kind) && !strcmp(p->l[i].name, name))
			return &p->l[i];
	return NULL;
}

/* "P#0,1" -> nodes */
static int parse_nodes(const char *s, bool *nodes)
{
	int v[MAX_NODES], n;
	char buf[256];
	size_t k = 0;

	memset(nodes, 0, MAX_NODES * sizeof(*nodes));
	if (strncmp(s, "P#", 2))
		return -1;
	s += 2;
	while (s[k] && (isdigit((unsigned char)s[k]) || s[k] == ',') && k < sizeof(buf) - 1) {
		buf[k] = s[k];
		k++;
	}
	buf[k] = '\0';
	n = parse_ints(buf, v, MAX_NODES);
	for (int i = 0; i < n; i++) {
		if (v[i] >= MAX_NODES)
			return -1;
		nodes[v[i]] = true;
	}
	return n;
}

static int load_plan(const char *path, struct plan *p)
{
	char *text = read_file(path), *save = NULL, *line;

	memset(p, 0, sizeof(*p));
	if (!text) {
		fprintf(stderr, "numacheck: cannot read plan '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct plan_line *l;
		char rest[512];
		const char *q;

		if (line[0] == '#' || !line[0] || p->n == (int)(sizeof(p->l) / sizeof(p->l[0])))
			continue;
		l = &p->l[p->n];
		rest[0] = '\0';
		if (sscanf(line, "%7s %23s %511[^\n]", l->kind, l->name, rest) < 2)
			continue;
		snprintf(l->text, sizeof(l->text), "%s", line);
		l->local_node = l->thread0_pu = -1;
		if (!strcmp(l->kind, "cpu")) {
			char list[1024];

			if (sscanf(rest, "PUs %1023s local node P#%d", list, &l->local_node) >= 1) {
				l->npus = parse_ints(list, l->pus, MAX_CPUS);
				l->available = l->npus > 0;
			}
		} else if (!strcmp(l->kind, "mem")) {
			if (!strncmp(rest, "node P#", 7) || !strncmp(rest, "nodes P#", 8)) {
				q = strchr(rest, ' ') + 1;
				l->available = parse_nodes(q, l->nodes) > 0;
			}
			q = strstr(rest, "thread 0 on PU P#");
			if (q)
				l->thread0_pu = atoi(q + 17);
		} else {
			continue;
		}
		p->n++;
	}
	free(text);
	return 0;
}

static bool plan_pus_ok(const struct plan_line *l, char *why, size_t len)
{
	for (int i = 0; i < l->npus; i++) {
		if (l->pus[i] >= sv.ncpus || !sv.online[l->pus[i]]) {
			snprintf(why, len, "PU %d is not an online CPU", l->pus[i]);
			return false;
		}
		for (int j = 0; j < i; j++)
			if (l->pus[j] == l->pus[i]) {
				snprintf(why, len, "PU %d listed twice", l->pus[i]);
				return false;
			}
	}
	if (l->local_node != sv.node_of[l->pus[0]]) {
		snprintf(why, len, "says local node P#%d, sysfs puts CPU %d on node %d", l->local_node,
			 l->pus[0], sv.node_of[l->pus[0]]);
		return false;
	}
	return true;
}

/* compact: each package's and each core's PUs are contiguous. scatter: the first
 * #packages PUs are in distinct packages, the first #cores in distinct cores. */
static bool plan_order_ok(const struct plan_line *l, bool scatter, char *why, size_t len)
{
	int pk[MAX_CPUS], co[MAX_CPUS], npk, nco, online = 0;

	for (int c = 0; c < sv.ncpus; c++)
		online += sv.online[c];
	if (l->npus != online) {
		snprintf(why, len, "%d PUs listed, %d CPUs online", l->npus, online);
		return false;
	}
	for (int i = 0; i < l->npus; i++) {
		pk[i] = sv.pkg[l->pus[i]];
		co[i] = sv.pkg[l->pus[i]] * MAX_CPUS + sv.core[l->pus[i]];
	}
	npk = count_distinct(pk, l->npus);
	nco = count_distinct(co, l->npus);
	if (scatter) {
		if (count_distinct(pk, npk) != npk) {
			snprintf(why, len, "the first %d PUs are not in %d different packages", npk, npk);
			return false;
		}
		if (count_distinct(co, nco) != nco) {
			snprintf(why, len, "the first %d PUs are not on %d different cores", nco, nco);
			return false;
		}
		return true;
	}
	for (int i = 1; i < l->npus; i++)
		for (int j = 0; j + 1 < i; j++) {
			if (pk[j] == pk[i] && pk[i - 1] != pk[i]) {
				snprintf(why, len, "package of PU %d is not contiguous", l->pus[i]);
				return false;
			}
			if (co[j] == co[i] && co[i - 1] != co[i]) {
				snprintf(why, len, "core of PU %d is not contiguous", l->pus[i]);
				return false;
			}
		}
	return true;
}

static void hwloc_agrees(struct checks *c)
{
	hwloc_topology_t t;
	int nodes = 0, bad = -1, hw_nodes;

	if (hwloc_topology_init(&t) < 0 || hwloc_topology_load(t) < 0) {
		check(c, false, "hwloc", "hwloc cannot load this machine's topology");
		return;
	}
	for (int cpu = 0; cpu < sv.ncpus; cpu++) {
		hwloc_obj_t pu;

		if (!sv.online[cpu])
			continue;
		pu = hwloc_get_pu_obj_by_os_index(t, (unsigned int)cpu);
		if (!pu || sv.node_of[cpu] < 0 || !hwloc_bitmap_isset(pu->nodeset, (unsigned int)sv.node_of[cpu]))
			bad = cpu;
	}
	for (int k = 0; k < sv.nnodes; k++)
		nodes += sv.node_present[k] && sv.node_mem[k];
	hw_nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
	check(c, bad < 0 && hw_nodes == nodes, "hwloc",
	      bad >= 0 ? "hwloc's nodeset of PU %d lacks its sysfs node" :
	      "hwloc sees %d NUMA node(s), sysfs %d with memory", bad >= 0 ? bad : hw_nodes, nodes);
	hwloc_topology_destroy(t);
}

static int cmd_plan(const char *path)
{
	struct checks c = { json_array(), 0 };
	struct plan p;
	json_t *out, *lines = json_array();
	char why[256];
	int nodes_mem = 0, cpu_nodes = 0;

	if (load_sysfs() < 0 || load_plan(path, &p) < 0)
		return 2;
	for (int i = 0; i < p.n; i++)
		json_array_append_new(lines, json_string(p.l[i].text));
	for (int k = 0; k < sv.nnodes; k++) {
		nodes_mem += sv.node_present[k] && sv.node_mem[k];
		cpu_nodes += sv.node_cpus[k];
	}

	for (int cls = 0; cls < PC_NR; cls++) {
		struct plan_line *l = plan_find(&p, "cpu", pc_names[cls]);
		int a = -1, b = -1;
		bool has = sys_has_class(cls, &a, &b);

		if (!l) {
			check(&c, false, pc_names[cls], "no line for it in the plan");
			continue;
		}
		if (!l->available) {
			check(&c, !has, pc_names[cls], has ? "unavailable in the plan, but CPUs %d,%d are such a pair" :
			      "unavailable, and sysfs has no such pair", a, b);
			continue;
		}
		if (l->npus != 2) {
			check(&c, false, pc_names[cls], "%d PUs, not a pair", l->npus);
			continue;
		}
		if (!plan_pus_ok(l, why, sizeof(why))) {
			check(&c, false, pc_names[cls], "%s", why);
			continue;
		}
		check(&c, sys_pair_is(cls, l->pus[0], l->pus[1]), pc_names[cls],
		      "PUs %d,%d: packages %d,%d cores %d,%d L2 %d,%d L3 %d,%d nodes %d,%d",
		      l->pus[0], l->pus[1], sv.pkg[l->pus[0]], sv.pkg[l->pus[1]], sv.core[l->pus[0]],
		      sv.core[l->pus[1]], sv.l2[l->pus[0]], sv.l2[l->pus[1]], sv.l3[l->pus[0]],
		      sv.l3[l->pus[1]], sv.node_of[l->pus[0]], sv.node_of[l->pus[1]]);
	}
	for (int s = 0; s < 2; s++) {
		const char *name = s ? "scatter" : "compact";
		struct plan_line *l = plan_find(&p, "cpu", name);

		if (!l || !l->available) {
			check(&c, false, name, "missing or unavailable");
			continue;
		}
		if (!plan_pus_ok(l, why, sizeof(why)) || !plan_order_ok(l, s, why, sizeof(why)))
			check(&c, false, name, "%s", why);
		else
			check(&c, true, name, "every online CPU once, in %s order", name);
	}

	/* Memory: relative to the plan's thread 0. */
	{
		struct plan_line *loc = plan_find(&p, "mem", "local");
		struct plan_line *rem = plan_find(&p, "mem", "remote");
		struct plan_line *il = plan_find(&p, "mem", "interleave");
		int pu0 = loc ? loc->thread0_pu : -1, home = -1;

		if (!loc || !loc->available || pu0 < 0 || pu0 >= sv.ncpus) {
			check(&c, false, "mem local", "missing, unavailable or without thread 0's PU");
		} else {
			home = sv.node_of[pu0];
			check(&c, home >= 0 && loc->nodes[home], "mem local", "node of PU %d per sysfs: %d; plan: %s",
			      pu0, home, loc->text);
			for (int k = 0; k < MAX_NODES; k++)
				if (loc->nodes[k] && k != home)
					check(&c, false, "mem local", "extra node %d", k);
		}
		if (!rem) {
			check(&c, false, "mem remote", "no line");
		} else if (!rem->available) {
			check(&c, nodes_mem < 2, "mem remote", "unavailable; sysfs has %d node(s) with memory",
			      nodes_mem);
		} else if (home >= 0) {
			int r = -1, best = INT_MAX;

			for (int k = 0; k < MAX_NODES; k++)
				if (rem->nodes[k])
					r = r < 0 ? k : -2;
			for (int k = 0; k < sv.nnodes; k++)
				if (k != home && sv.node_present[k] && sv.node_mem[k] && sv.dist[home][k] < best)
					best = sv.dist[home][k];
			check(&c, r >= 0 && r != home && sv.node_mem[r] && sv.dist[home][r] == best,
			      "mem remote", "node %d at distance %d from node %d; the nearest other node with "
			      "memory is at %d", r, r >= 0 ? sv.dist[home][r] : -1, home, best);
		}
		if (!il) {
			check(&c, false, "mem interleave", "no line");
		} else if (!il->available) {
			check(&c, nodes_mem < 2, "mem interleave", "unavailable; sysfs has %d node(s) with memory",
			      nodes_mem);
		} else {
			bool same = true;

			for (int k = 0; k < MAX_NODES; k++)
				same &= il->nodes[k] == (k < sv.nnodes && sv.node_present[k] && sv.node_mem[k]);
			check(&c, same, "mem interleave", "%s: %s every node with memory", il->text,
			      same ? "is" : "is not");
		}
	}
	hwloc_agrees(&c);

	out = json_pack("{s:s, s:o, s:o, s:i, s:o, s:s}", "what", "plan", "sysfs", sysfs_json(),
			"lines", lines, "cpu_nodes", cpu_nodes, "checks", c.arr,
			"verdict", c.failed ? "fail" : "pass");
	emit(out);
	json_decref(out);
	return c.failed ? 1 : 0;
}

/* ---- self: the observation method, in this process ---- */

static long sys_move_pages(pid_t pid, unsigned long n, void **pages, int *status)
{
	return syscall(SYS_move_pages, pid, n, pages, NULL, status, 0);
}

static int task_processor(pid_t pid, pid_t tid)
{
	char path[128], *s, *p;
	int field = 2, cpu = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	s = read_file(path);
	if (!s)
		return -1;
	p = strrchr(s, ')');	/* comm may hold spaces */
	if (p) {
		p++;
		for (char *tok = strtok(p, " "); tok; tok = strtok(NULL, " ")) {
			field++;
			if (field == 39) {
				cpu = atoi(tok);
				break;
			}
		}
	}
	free(s);
	return cpu;
}

static int cmd_self(void)
{
	struct checks c = { json_array(), 0 };
	long psz = sysconf(_SC_PAGESIZE);
	json_t *out;

	if (load_sysfs() < 0)
		return 2;
	for (int k = 0; k < sv.nnodes; k++) {
		int cpu = -1, wrong = 0, seen = -1;
		cpu_set_t set;

		for (int x = 0; x < sv.ncpus && cpu < 0; x++)
			if (sv.online[x] && sv.node_of[x] == k)
				cpu = x;
		if (cpu < 0)
			continue;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			check(&c, false, "self cpu", "sched_setaffinity(CPU %d): %s", cpu, strerror(errno));
			continue;
		}
		for (int i = 0; i < 1000; i++) {
			int now = sched_getcpu();

			if (now != cpu) {
				wrong++;
				seen = now;
			}
			if (i % 100 == 0)
				sched_yield();
		}
		{
			int proc = task_processor(getpid(), (pid_t)syscall(SYS_gettid));

			check(&c, !wrong && proc == cpu, "self cpu",
			      "bound to CPU %d (node %d): sched_getcpu() elsewhere %d/1000 times (last %d), "
			      "/proc stat processor %d", cpu, k, wrong, seen, proc);
		}
	}
	{
		cpu_set_t all;

		CPU_ZERO(&all);
		for (int x = 0; x < sv.ncpus; x++)
			if (sv.online[x])
				CPU_SET(x, &all);
		sched_setaffinity(0, sizeof(all), &all);
	}
	for (int k = -1; k < sv.nnodes; k++) {
		/* k == -1: interleave over every node with memory. */
		enum { NPAGES = 32 };
		unsigned long mask[MAX_NODES / 64 + 1] = { 0 };
		void *pages[NPAGES];
		int status[NPAGES], on[MAX_NODES] = { 0 }, nmem = 0, away = 0, used = 0;
		char *p;

		if (k >= 0 && (!sv.node_present[k] || !sv.node_mem[k]))
			continue;
		for (int j = 0; j < sv.nnodes; j++)
			if (sv.node_present[j] && sv.node_mem[j] && (k < 0 || j == k)) {
				mask[j / 64] |= 1UL << (j % 64);
				nmem++;
			}
		if (k < 0 && nmem < 2)
			continue;
		p = mmap(NULL, NPAGES * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			check(&c, false, "self memory", "mmap: %s", strerror(errno));
			continue;
		}
		if (syscall(SYS_mbind, p, NPAGES * psz, k < 0 ? MPOL_INTERLEAVE : MPOL_BIND, mask,
			    (unsigned long)MAX_NODES + 1, MPOL_MF_STRICT_) < 0) {
			check(&c, false, "self memory", "mbind(node %d): %s", k, strerror(errno));
			munmap(p, NPAGES * psz);
			continue;
		}
		for (int i = 0; i < NPAGES; i++) {
			p[i * psz] = 1;
			pages[i] = p + i * psz;
		}
		if (sys_move_pages(0, NPAGES, pages, status) < 0) {
			check(&c, false, "self memory", "move_pages: %s", strerror(errno));
			munmap(p, NPAGES * psz);
			continue;
		}
		for (int i = 0; i < NPAGES; i++) {
			if (status[i] < 0 || status[i] >= MAX_NODES) {
				away++;
				continue;
			}
			on[status[i]]++;
			if (!(mask[status[i] / 64] & (1UL << (status[i] % 64))))
				away++;
		}
		for (int j = 0; j < MAX_NODES; j++)
			used += on[j] > 0;
		if (k >= 0)
			check(&c, !away && on[k] == NPAGES, "self memory",
			      "%d pages bound to node %d: %d there, %d elsewhere", NPAGES, k, on[k], away);
		else
			check(&c, !away && used == nmem, "self memory",
			      "%d pages interleaved over %d nodes: %d nodes used, %d pages elsewhere",
			      NPAGES, nmem, used, away);
		munmap(p, NPAGES * psz);
	}
	out = json_pack("{s:s, s:o, s:s}", "what", "self", "checks", c.arr, "verdict",
			c.failed ? "fail" : "pass");
	emit(out);
	json_decref(out);
	return c.failed ? 1 : 0;
}

/* ---- run: watch refbench from outside ---- */

struct task_obs {
	pid_t tid;
	bool main;
	int cpu;		/* the single CPU it is bound to; -1 if bound to several */
	int ncpus;		/* CPUs in Cpus_allowed_list */
	int processor;		/* stat field 39 */
	char allowed[128];
};

struct vma_obs {
	unsigned long start, end;
	char policy[64];
	bool nodes[MAX_NODES];	/* the policy's nodes */
	int on[MAX_NODES];	/* present pages per node */
	int present, unknown;
};

struct snap {
	struct task_obs t[MAX_TASKS];
	int nt, nbound;
	struct vma_obs v[MAX_VMAS];
	int nv;
};

static struct snap snaps[MAX_SNAPS];
static int nsnaps;

/*
 * Bound tasks other than the main thread. The main thread alone does not
 * mean a benchmark run: hwloc's topology discovery binds the calling thread
 * to each PU in turn (seen in the guests), before any run. So numacheck
 * judges only snapshots taken while a worker (thread 1..N-1) is bound, and
 * needs runs of two threads or more.
 */
static int count_bound(pid_t pid, int online)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	int bound = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char sp[320], *s, *q;
		bool set[MAX_CPUS];

		if (e->d_name[0] == '.' || atoi(e->d_name) == pid)
			continue;
		snprintf(sp, sizeof(sp), "/proc/%d/task/%s/status", pid, e->d_name);
		s = read_file(sp);
		q = s ? strstr(s, "Cpus_allowed_list:") : NULL;
		if (q) {
			int n = parse_list(q + 18 + strspn(q + 18, " \t"), set, MAX_CPUS);

			if (n > 0 && n < online)
				bound++;
		}
		free(s);
	}
	closedir(d);
	return bound;
}

static void snap_tasks(pid_t pid, int online, struct snap *s)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) && s->nt < MAX_TASKS) {
		struct task_obs *t = &s->t[s->nt];
		char sp[320], *txt, *q;
		bool set[MAX_CPUS];

		if (e->d_name[0] == '.')
			continue;
		memset(t, 0, sizeof(*t));
		t->tid = atoi(e->d_name);
		t->main = t->tid == pid;
		snprintf(sp, sizeof(sp), "/proc/%d/task/%s/status", pid, e->d_name);
		txt = read_file(sp);
		q = txt ? strstr(txt, "Cpus_allowed_list:") : NULL;
		if (!q) {
			free(txt);
			continue;
		}
		q += 18 + strspn(q + 18, " \t");
		t->ncpus = parse_list(q, set, MAX_CPUS);
		format_set(set, MAX_CPUS, t->allowed, sizeof(t->allowed));
		free(txt);
		t->cpu = -1;
		if (t->ncpus == 1)
			for (int c = 0; c < MAX_CPUS; c++)
				if (set[c])
					t->cpu = c;
		t->processor = task_processor(pid, t->tid);
		if (t->ncpus > 0 && t->ncpus < online)
			s->nbound++;
		s->nt++;
	}
	closedir(d);
}

/* "bind:1", "interleave:0-1", "bind=static:1": the policy's nodes; false for default/local. */
static bool policy_nodes(const char *pol, bool *nodes)
{
	const char *colon = strchr(pol, ':');

	if (!colon || (strncmp(pol, "bind", 4) && strncmp(pol, "interleave", 10) &&
		       strncmp(pol, "prefer", 6)))
		return false;
	return parse_list(colon + 1, nodes, MAX_NODES) > 0;
}

static void snap_memory(pid_t pid, struct snap *s)
{
	char path[64], *nm, *maps, *save = NULL, *line;
	long psz = sysconf(_SC_PAGESIZE);

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	nm = read_file(path);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = read_file(path);
	if (!nm || !maps)
		goto out;
	for (line = strtok_r(nm, "\n", &save); line && s->nv < MAX_VMAS; line = strtok_r(NULL, "\n", &save)) {
		struct vma_obs *v = &s->v[s->nv];
		char pol[64], key[32];
		unsigned long start, end = 0, npages;
		void **pages;
		int *status;
		const char *m;

		if (sscanf(line, "%lx %63s", &start, pol) != 2)
			continue;
		memset(v, 0, sizeof(*v));
		if (!policy_nodes(pol, v->nodes))
			continue;
		/* the mapping's end, from /proc/PID/maps */
		snprintf(key, sizeof(key), "%lx-", start);
		for (m = maps; m && *m; m = strchr(m, '\n') ? strchr(m, '\n') + 1 : NULL)
			if (!strncmp(m, key, strlen(key))) {
				end = strtoul(m + strlen(key), NULL, 16);
				break;
			}
		if (end <= start)
			continue;
		v->start = start;
		v->end = end;
		snprintf(v->policy, sizeof(v->policy), "%s", pol);
		npages = (end - start) / (unsigned long)psz;
		if (npages > 65536)
			npages = 65536;
		pages = calloc(npages, sizeof(*pages));
		status = calloc(npages, sizeof(*status));
		if (pages && status) {
			for (unsigned long i = 0; i < npages; i++)
				pages[i] = (void *)(start + i * (unsigned long)psz);
			if (sys_move_pages(pid, npages, pages, status) == 0) {
				for (unsigned long i = 0; i < npages; i++) {
					if (status[i] >= 0 && status[i] < MAX_NODES) {
						v->on[status[i]]++;
						v->present++;
					} else if (status[i] != -ENOENT && status[i] != -EFAULT) {
						v->unknown++;
					}
				}
			} else {
				v->unknown = -errno;
			}
		}
		free(pages);
		free(status);
		s->nv++;
	}
out:
	free(nm);
	free(maps);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct run_opts {
	const char *refbench, *placement, *memory, *filter, *min_time, *plan, *skew, *shim, *expect;
	int threads;
	char **extra;
	int nextra;
};

static json_t *task_json(const struct task_obs *t)
{
	return json_pack("{s:i, s:b, s:s, s:i}", "tid", t->tid, "main", t->main, "allowed", t->allowed,
			 "processor", t->processor);
}

static const char *tail(const char *s, size_t n)
{
	size_t len = strlen(s);

	return len > n ? s + len - n : s;
}

static int cmd_run(struct run_opts *o)
{
	struct checks c = { json_array(), 0 };
	char outp[] = "/tmp/numacheck-out-XXXXXX", errp[] = "/tmp/numacheck-err-XXXXXX";
	int fo = mkstemp(outp), fe = mkstemp(errp), online = 0, status = 0, rc;
	int claimed_pus[MAX_CPUS], nclaimed = 0, full = 0, best_snap = -1, best_pages = -1;
	bool claimed_nodes[MAX_NODES] = { 0 }, exited = false, killed = false;
	char *argv[64], arg[6][512], buf[1024], *rb_out, *rb_err;
	json_t *out, *rb = NULL, *ctx = NULL, *obs, *labels = json_array();
	const char *ctx_pus = "", *ctx_nodes = "", *ctx_place = "", *ctx_mem = "";
	double t0, last = 0;
	pid_t pid;
	int na = 0;

	if (fo < 0 || fe < 0 || load_sysfs() < 0) {
		fprintf(stderr, "numacheck: cannot create temporary files or read sysfs\n");
		return 2;
	}
	for (int x = 0; x < sv.ncpus; x++)
		online += sv.online[x];

	argv[na++] = (char *)o->refbench;
	snprintf(arg[0], sizeof(arg[0]), "--placement=%s", o->placement);
	snprintf(arg[1], sizeof(arg[1]), "--memory=%s", o->memory);
	snprintf(arg[2], sizeof(arg[2]), "--benchmark_filter=%s", o->filter);
	snprintf(arg[3], sizeof(arg[3]), "--benchmark_min_time=%s", o->min_time);
	snprintf(arg[4], sizeof(arg[4]), "--benchmark_format=json");
	for (int i = 0; i < 5; i++)
		argv[na++] = arg[i];
	for (int i = 0; i < o->nextra && na < 62; i++)
		argv[na++] = o->extra[i];
	argv[na] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("numacheck: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		if (o->skew) {
			setenv("LD_PRELOAD", o->shim, 1);
			setenv("NUMASKEW", o->skew, 1);
		}
		execv(o->refbench, argv);
		fprintf(stderr, "numacheck: exec %s: %s\n", o->refbench, strerror(errno));
		_exit(127);
	}

	/*
	 * Watch: poll the tasks' affinity; while any is bound (a benchmark run is
	 * on), stop the process every few ms and inspect it.
	 */
	t0 = now_s();
	while (!exited) {
		int b;

		if (waitpid(pid, &status, WNOHANG) == pid && (WIFEXITED(status) || WIFSIGNALED(status))) {
			exited = true;
			break;
		}
		if (!killed && now_s() - t0 > 120) {
			kill(pid, SIGKILL);
			killed = true;
			check(&c, false, "exit", "refbench ran for more than 120 s; killed");
		}
		b = count_bound(pid, online);
		if (b > 0 && nsnaps < MAX_SNAPS && now_s() - last > 0.004) {	/* a worker is bound */
			struct snap *s = &snaps[nsnaps];
			int st;

			if (kill(pid, SIGSTOP) < 0)
				continue;
			if (waitpid(pid, &st, WUNTRACED) != pid)
				continue;
			if (WIFEXITED(st) || WIFSIGNALED(st)) {
				status = st;
				exited = true;
				break;
			}
			memset(s, 0, sizeof(*s));
			snap_tasks(pid, online, s);
			snap_memory(pid, s);
			kill(pid, SIGCONT);
			for (int j = 0; j < s->nt; j++)
				if (!s->t[j].main && s->t[j].ncpus > 0 && s->t[j].ncpus < online) {
					nsnaps++;	/* a worker is bound: a run is on */
					break;
				}
			last = now_s();
		} else {
			usleep(300);
		}
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	rb_out = read_file(outp);
	rb_err = read_file(errp);
	unlink(outp);
	unlink(errp);
	close(fo);
	close(fe);

	if (rc == 3) {
		out = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "what", "run", "placement",
				o->placement, "memory", o->memory, "benchmark", o->filter, "refbench_exit", rc,
				"refbench_stderr", rb_err ? tail(rb_err, 400) : "", "verdict", "unavailable",
				"expect", o->expect);
		emit(out);
		json_decref(out);
		free(rb_out);
		free(rb_err);
		return 3;
	}
	check(&c, rc == 0, "exit", "refbench exit status %d", rc);

	/* What refbench says it did. */
	if (rb_out) {
		json_error_t jerr;

		rb = json_loads(rb_out, 0, &jerr);
		if (!rb)
			check(&c, false, "json", "refbench's output is not JSON: %s (line %d)", jerr.text, jerr.line);
	}
	ctx = rb ? json_object_get(rb, "context") : NULL;
	if (ctx) {
		json_t *v;

		if ((v = json_object_get(ctx, "placement_pus")) && json_is_string(v))
			ctx_pus = json_string_value(v);
		if ((v = json_object_get(ctx, "placement_memory_nodes")) && json_is_string(v))
			ctx_nodes = json_string_value(v);
		if ((v = json_object_get(ctx, "placement")) && json_is_string(v))
			ctx_place = json_string_value(v);
		if ((v = json_object_get(ctx, "placement_memory")) && json_is_string(v))
			ctx_mem = json_string_value(v);
	}
	nclaimed = parse_ints(ctx_pus, claimed_pus, MAX_CPUS);
	check(&c, ctx && !strcmp(ctx_place, o->placement) && !strcmp(ctx_mem, o->memory) && nclaimed >= o->threads &&
	      parse_nodes(ctx_nodes, claimed_nodes) > 0, "context",
	      "placement '%s' PUs '%s' memory '%s' nodes '%s' (asked: %s, %s, %d threads)", ctx_place,
	      ctx_pus, ctx_mem, ctx_nodes, o->placement, o->memory, o->threads);
	if (nclaimed < o->threads)
		nclaimed = 0;
	if (o->plan && nclaimed > 0) {
		struct plan p;
		struct plan_line *lc, *lm;

		if (load_plan(o->plan, &p) == 0) {
			bool same = true;
			char pl[1024];

			lc = plan_find(&p, "cpu", o->placement);
			lm = plan_find(&p, "mem", o->memory);
			if (lc && lc->available) {
				format_ints(lc->pus, lc->npus, pl, sizeof(pl));
				same = !strcmp(pl, ctx_pus);
			} else {
				same = false;
			}
			if (lm && lm->available && lm->thread0_pu == claimed_pus[0])
				for (int k = 0; k < MAX_NODES; k++)
					same &= lm->nodes[k] == claimed_nodes[k];
			check(&c, same, "plan", "context PUs %s nodes %s vs --list-placements: %s / %s", ctx_pus,
			      ctx_nodes, lc ? lc->text : "(none)", lm ? lm->text : "(none)");
		}
	}
	{
		json_t *benches = rb ? json_object_get(rb, "benchmarks") : NULL, *b;
		size_t i;
		int nb = 0, bad = 0;
		char want[1200], pus[512];

		format_ints(claimed_pus, o->threads, pus, sizeof(pus));
		snprintf(want, sizeof(want), "%s PUs %s mem %s %s", o->placement, pus, o->memory, ctx_nodes);
		json_array_foreach(benches, i, b) {
			const char *label = json_string_value(json_object_get(b, "label"));
			json_t *err = json_object_get(b, "error_occurred");
			json_int_t th = json_integer_value(json_object_get(b, "threads"));

			nb++;
			json_array_append_new(labels, json_string(label ? label : "(none)"));
			if ((err && json_is_true(err)) || th != o->threads || !label || strcmp(label, want))
				bad++;
		}
		check(&c, nb > 0 && !bad, "label", "%d benchmark(s), %d without error with %d threads and "
		      "label '%s'", nb, nb - bad, o->threads, want);
	}

	/* Where the threads really ran. */
	{
		int wrong = 0, mainwrong = 0, moved = 0, multi = 0;
		char detail[1024] = "";

		for (int i = 0; i < nsnaps; i++) {
			struct snap *s = &snaps[i];
			int seen[MAX_CPUS] = { 0 }, nw = 0, ok_full = 1;

			for (int j = 0; j < s->nt; j++) {
				struct task_obs *t = &s->t[j];
				bool in = false;

				if (t->ncpus <= 0 || t->ncpus >= online)
					continue;	/* not bound: between runs */
				if (t->cpu < 0) {
					multi++;
					ok_full = 0;
					snprintf(detail, sizeof(detail), "task %d bound to CPUs %s, not one PU",
						 t->tid, t->allowed);
					continue;
				}
				for (int k = 0; k < o->threads && nclaimed; k++)
					in |= claimed_pus[k] == t->cpu;
				if (!in) {
					wrong++;
					ok_full = 0;
					snprintf(detail, sizeof(detail), "task %d%s bound to CPU %d, not one of the "
						 "run's PUs (the first %d of %s)", t->tid, t->main ? " (thread 0)" : "",
						 t->cpu, o->threads, ctx_pus);
				}
				if (t->main && nclaimed && t->cpu != claimed_pus[0]) {
					mainwrong++;
					ok_full = 0;
					snprintf(detail, sizeof(detail), "thread 0 bound to CPU %d, placement says %d",
						 t->cpu, claimed_pus[0]);
				}
				if (t->processor != t->cpu) {
					moved++;
					ok_full = 0;
					snprintf(detail, sizeof(detail), "task %d bound to CPU %d last ran on CPU %d",
						 t->tid, t->cpu, t->processor);
				}
				if (!t->main) {
					seen[t->cpu]++;
					nw++;
				}
			}
			/* All threads of the run bound at once: workers on PUs 1..N-1, once each. */
			if (s->nbound == o->threads && nw == o->threads - 1 && nclaimed) {
				for (int k = 1; k < o->threads; k++)
					ok_full &= seen[claimed_pus[k]] == 1;
				full += ok_full;
			}
		}
		if (!nsnaps)
			snprintf(detail, sizeof(detail), "no bound benchmark thread was ever seen");
		else if (!full && !detail[0])
			snprintf(detail, sizeof(detail), "never saw all %d threads bound at once", o->threads);
		check(&c, nsnaps > 0 && full > 0 && !wrong && !mainwrong && !moved && !multi, "threads",
		      "%d snapshot(s), %d with all %d threads bound, each on its PU and last run there%s%s",
		      nsnaps, full, o->threads, detail[0] ? "; " : "", detail);
	}

	/* Where the model memory really is. */
	{
		int total[MAX_NODES] = { 0 }, away = 0, polbad = 0, home;
		int nclaim = 0, nused = 0;
		char detail[512] = "", got[256], want[256];

		for (int i = 0; i < nsnaps; i++) {
			int pages = 0;

			for (int j = 0; j < snaps[i].nv; j++)
				pages += snaps[i].v[j].present;
			if (pages > best_pages) {
				best_pages = pages;
				best_snap = i;
			}
			for (int j = 0; j < snaps[i].nv; j++) {
				struct vma_obs *v = &snaps[i].v[j];

				for (int k = 0; k < MAX_NODES; k++) {
					if (v->nodes[k] != claimed_nodes[k]) {
						polbad++;
						snprintf(detail, sizeof(detail), "mapping %lx has policy %s", v->start,
							 v->policy);
						break;
					}
				}
				for (int k = 0; k < MAX_NODES; k++)
					if (v->on[k] && !claimed_nodes[k]) {
						away += v->on[k];
						snprintf(detail, sizeof(detail), "%d page(s) of mapping %lx (%s) on node %d",
							 v->on[k], v->start, v->policy, k);
					}
			}
		}
		if (best_snap >= 0)
			for (int j = 0; j < snaps[best_snap].nv; j++)
				for (int k = 0; k < MAX_NODES; k++)
					total[k] += snaps[best_snap].v[j].on[k];
		for (int k = 0; k < MAX_NODES; k++) {
			nclaim += claimed_nodes[k];
			nused += claimed_nodes[k] && total[k] > 0;
		}
		{
			bool used[MAX_NODES];

			for (int k = 0; k < MAX_NODES; k++)
				used[k] = total[k] > 0;
			format_set(used, MAX_NODES, got, sizeof(got));
			format_set(claimed_nodes, MAX_NODES, want, sizeof(want));
		}
		if (best_pages <= 0 && !detail[0])
			snprintf(detail, sizeof(detail), "no page of a mapping with a NUMA policy was ever seen "
				 "(mbind not done?)");
		/* interleave: with enough pages, every node holds some */
		if (!strcmp(o->memory, "interleave") && best_pages >= 2 * nclaim && nused != nclaim && !detail[0])
			snprintf(detail, sizeof(detail), "interleaved pages on nodes %s only", got);
		check(&c, best_pages > 0 && !away && !polbad &&
		      (strcmp(o->memory, "interleave") || best_pages < 2 * nclaim || nused == nclaim),
		      "memory", "claimed node(s) %s; present model pages on node(s) %s (%d pages)%s%s", want,
		      got, best_pages > 0 ? best_pages : 0, detail[0] ? "; " : "", detail);

		/* And the claim itself, against thread 0's node (sysfs). */
		home = nclaimed ? sv.node_of[claimed_pus[0]] : -1;
		if (!strcmp(o->memory, "local"))
			check(&c, home >= 0 && nclaim == 1 && claimed_nodes[home], "memory claim",
			      "local: thread 0's PU %d is on node %d, memory claimed on %s", nclaimed ?
			      claimed_pus[0] : -1, home, want);
		else if (!strcmp(o->memory, "remote"))
			check(&c, home >= 0 && nclaim == 1 && !claimed_nodes[home], "memory claim",
			      "remote: thread 0's PU %d is on node %d, memory claimed on %s", nclaimed ?
			      claimed_pus[0] : -1, home, want);
		else
			check(&c, nclaim >= 2, "memory claim", "interleave over %s", want);
	}
	/* cross-numa: the threads' nodes really differ */
	if (!strcmp(o->placement, "cross-numa") && nclaimed >= 2)
		check(&c, sv.node_of[claimed_pus[0]] != sv.node_of[claimed_pus[1]], "cross-numa",
		      "PUs %d,%d on nodes %d,%d", claimed_pus[0], claimed_pus[1], sv.node_of[claimed_pus[0]],
		      sv.node_of[claimed_pus[1]]);

	/* The observations, for the record: one full snapshot and the richest memory one. */
	obs = json_object();
	{
		json_t *tasks = json_array(), *mem = json_array();
		int pick = -1;

		for (int i = 0; i < nsnaps; i++)
			if (snaps[i].nbound == o->threads) {
				pick = i;
				break;
			}
		if (pick < 0 && nsnaps)
			pick = 0;
		if (pick >= 0)
			for (int j = 0; j < snaps[pick].nt; j++)
				if (snaps[pick].t[j].ncpus < online)
					json_array_append_new(tasks, task_json(&snaps[pick].t[j]));
		if (best_snap >= 0)
			for (int j = 0; j < snaps[best_snap].nv; j++) {
				struct vma_obs *v = &snaps[best_snap].v[j];
				json_t *on = json_object();

				for (int k = 0; k < MAX_NODES; k++)
					if (v->on[k]) {
						snprintf(buf, sizeof(buf), "%d", k);
						json_object_set_new(on, buf, json_integer(v->on[k]));
					}
				json_array_append_new(mem, json_pack("{s:s, s:i, s:i, s:o}", "policy", v->policy,
								     "pages", (int)((v->end - v->start) /
										  (unsigned long)sysconf(_SC_PAGESIZE)),
								     "present", v->present, "present_by_node", on));
			}
		json_object_set_new(obs, "snapshots", json_integer(nsnaps));
		json_object_set_new(obs, "bound_tasks", tasks);
		json_object_set_new(obs, "policy_mappings", mem);
	}

	out = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s?, s:s, s:i, s:{s:s, s:s}, s:o, s:o, s:o, s:s, s:s, s:s}",
			"what", "run", "placement", o->placement, "memory", o->memory, "benchmark", o->filter,
			"threads", o->threads, "skew", o->skew, "expect", o->expect, "refbench_exit", rc,
			"claimed", "pus", ctx_pus, "nodes", ctx_nodes, "labels", labels, "observed", obs,
			"checks", c.arr, "refbench_stderr", rb_err ? tail(rb_err, 600) : "",
			"timing", timing_note, "verdict", c.failed ? "fail" : "pass");
	emit(out);
	json_decref(out);
	json_decref(rb);
	free(rb_out);
	free(rb_err);
	return c.failed ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: numacheck sysfs\n"
		"       numacheck plan FILE          (FILE: refbench --list-placements output)\n"
		"       numacheck self\n"
		"       numacheck run --refbench=PATH --placement=P --memory=M --threads=N --filter=REGEX\n"
		"                     [--min-time=S] [--plan=FILE] [--skew=cpu|mem|nocpu|nomem] [--shim=PATH]\n"
		"                     [--expect=pass|reject|unavailable] [-- extra refbench args]\n");
	return 2;
}

static const char *optval(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

int main(int argc, char **argv)
{
	struct run_opts o = { .min_time = "0.1", .expect = "pass" };
	static char shim[PATH_MAX];
	const char *v;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "sysfs")) {
		json_t *out;

		if (load_sysfs() < 0)
			return 2;
		out = json_pack("{s:s, s:o}", "what", "sysfs", "sysfs", sysfs_json());
		emit(out);
		json_decref(out);
		return 0;
	}
	if (!strcmp(argv[1], "plan"))
		return argc == 3 ? cmd_plan(argv[2]) : usage();
	if (!strcmp(argv[1], "self"))
		return cmd_self();
	if (strcmp(argv[1], "run"))
		return usage();

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			o.extra = argv + i + 1;
			o.nextra = argc - i - 1;
			break;
		}
		if ((v = optval(a, "--refbench")))
			o.refbench = v;
		else if ((v = optval(a, "--placement")))
			o.placement = v;
		else if ((v = optval(a, "--memory")))
			o.memory = v;
		else if ((v = optval(a, "--filter")))
			o.filter = v;
		else if ((v = optval(a, "--min-time")))
			o.min_time = v;
		else if ((v = optval(a, "--threads")))
			o.threads = atoi(v);
		else if ((v = optval(a, "--plan")))
			o.plan = v;
		else if ((v = optval(a, "--skew")))
			o.skew = v;
		else if ((v = optval(a, "--shim")))
			o.shim = v;
		else if ((v = optval(a, "--expect")))
			o.expect = v;
		else {
			fprintf(stderr, "numacheck: unknown argument '%s'\n", a);
			return usage();
		}
	}
	if (!o.refbench || !o.placement || !o.memory || !o.filter || o.threads < 2 || o.threads > MAX_TASKS) {
		fprintf(stderr, "numacheck run: --refbench, --placement, --memory, --filter and --threads "
			"(2-%d: a run is recognised by its bound worker threads) are required\n", MAX_TASKS);
		return usage();
	}
	if (o.skew && strcmp(o.skew, "cpu") && strcmp(o.skew, "mem") && strcmp(o.skew, "nocpu") &&
	    strcmp(o.skew, "nomem")) {
		fprintf(stderr, "numacheck: --skew must be cpu, mem, nocpu or nomem, not '%s'\n", o.skew);
		return 2;
	}
	expect_reject = !strcmp(o.expect, "reject");
	if (strcmp(o.expect, "pass") && strcmp(o.expect, "reject") && strcmp(o.expect, "unavailable")) {
		fprintf(stderr, "numacheck: --expect must be pass, reject or unavailable, not '%s'\n", o.expect);
		return 2;
	}
	if (o.skew && !o.shim) {
		/* libnumaskew.so next to this binary */
		ssize_t n = readlink("/proc/self/exe", shim, sizeof(shim) - 32);
		char *slash;

		if (n > 0) {
			shim[n] = '\0';
			slash = strrchr(shim, '/');
			if (slash)
				strcpy(slash + 1, "libnumaskew.so");
		}
		o.shim = shim;
	}
	if (o.skew && access(o.shim, R_OK)) {
		fprintf(stderr, "numacheck: --skew needs the shim, and '%s' is not readable\n", o.shim);
		return 2;
	}
	return cmd_run(&o);
}
