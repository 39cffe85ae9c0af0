// SPDX-License-Identifier: GPL-2.0
/*
 * libnumaskew.so: a deliberately broken binding, for showing that numacheck
 * catches one (docs/numa.md). Loaded into refbench with LD_PRELOAD by
 * `numacheck run --skew=MODE`; refbench and hwloc do not know, so refbench
 * still reports the placement it asked for.
 *
 * NUMASKEW=cpu    sched_setaffinity() (what hwloc_set_cpubind() calls on
 *                 Linux) binds each CPU c of the mask to CPU (c + n/2) mod n
 *                 instead, n the online CPUs: another package, another node
 *                 on the guests' shapes. A full mask stays full.
 * NUMASKEW=nocpu  sched_setaffinity() does nothing and returns 0.
 * NUMASKEW=mem    mbind() (hwloc calls it through syscall(SYS_mbind, ...))
 *                 gets each node k of its nodemask replaced by the next node
 *                 with memory: the model memory lands on the wrong node.
 * NUMASKEW=nomem  mbind() does nothing and returns 0: first-touch placement.
 *
 * Each mode says once on stderr what it did, so the evidence is in
 * refbench's stderr, which numacheck keeps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SKEW_MAX_NODES	1024

static const char *skew_mode(void)
{
	const char *m = getenv("NUMASKEW");

	return m ? m : "";
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *mask)
{
	static int (*real)(pid_t, size_t, const cpu_set_t *);
	static bool told;
	const char *mode = skew_mode();

	if (!real)
		real = (int (*)(pid_t, size_t, const cpu_set_t *))dlsym(RTLD_NEXT, "sched_setaffinity");
	if (!strcmp(mode, "nocpu")) {
		if (!told)
			fprintf(stderr, "numaskew: sched_setaffinity() is a no-op\n");
		told = true;
		return 0;
	}
	if (!strcmp(mode, "cpu")) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		long shift = n / 2 ? n / 2 : 1;
		size_t bits = size * 8;
		cpu_set_t *m = CPU_ALLOC(bits);
		int r;

		if (!m)
			return real(pid, size, mask);
		CPU_ZERO_S(size, m);
		for (long c = 0; c < (long)bits; c++)
			if (CPU_ISSET_S((size_t)c, size, mask))
				CPU_SET_S((size_t)(c < n ? (c + shift) % n : c), size, m);
		if (!told && CPU_COUNT_S(size, mask) == 1)
			for (long c = 0; c < n; c++)
				if (CPU_ISSET_S((size_t)c, size, mask)) {
					fprintf(stderr, "numaskew: binding to CPU %ld instead of CPU %ld\n",
						(c + shift) % n, c);
					told = true;
				}
		r = real(pid, size, m);
		CPU_FREE(m);
		return r;
	}
	return real(pid, size, mask);
}

/* The next node with memory after @k, cyclically (@k itself if it is the only one). */
static int next_mem_node(int k)
{
	static bool mem[SKEW_MAX_NODES], loaded;

	if (!loaded) {
		FILE *f = fopen("/sys/devices/system/node/has_memory", "r");
		char buf[512];

		loaded = true;
		if (f && fgets(buf, sizeof(buf), f)) {
			for (char *s = buf; *s && *s != '\n';) {
				char *end;
				long a = strtol(s, &end, 10), b = a;

				if (end == s)
					break;
				s = end;
				if (*s == '-') {
					b = strtol(s + 1, &end, 10);
					s = end;
				}
				for (long i = a; i <= b && i < SKEW_MAX_NODES; i++)
					if (i >= 0)
						mem[i] = true;
				if (*s == ',')
					s++;
			}
		}
		if (f)
			fclose(f);
	}
	for (int i = 1; i <= SKEW_MAX_NODES; i++)
		if (mem[(k + i) % SKEW_MAX_NODES])
			return (k + i) % SKEW_MAX_NODES;
	return k;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	static bool told;
	const char *mode = skew_mode();
	unsigned long skewed[SKEW_MAX_NODES / 64];
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");

	/* mbind(start, len, mode, nodemask, maxnode, flags) */
	if (nr == SYS_mbind && !strcmp(mode, "nomem")) {
		if (!told)
			fprintf(stderr, "numaskew: mbind() is a no-op\n");
		told = true;
		return 0;
	}
	if (nr == SYS_mbind && !strcmp(mode, "mem") && a[3]) {
		const unsigned long *mask = (const unsigned long *)a[3];
		unsigned long maxnode = (unsigned long)a[4];
		char from[128] = "", to[128] = "";
		size_t fo = 0, to_off = 0;

		if (maxnode > SKEW_MAX_NODES)
			maxnode = SKEW_MAX_NODES;
		memset(skewed, 0, sizeof(skewed));
		for (unsigned long k = 0; k + 1 < maxnode; k++)	/* the kernel reads maxnode - 1 bits */
			if (mask[k / 64] & (1UL << (k % 64))) {
				int t = next_mem_node((int)k);

				skewed[t / 64] |= 1UL << (t % 64);
				if (fo < sizeof(from))
					fo += snprintf(from + fo, sizeof(from) - fo, "%s%lu", fo ? "," : "", k);
				if (to_off < sizeof(to))
					to_off += snprintf(to + to_off, sizeof(to) - to_off, "%s%d", to_off ? "," : "", t);
			}
		if (!told)
			fprintf(stderr, "numaskew: mbind() to node(s) %s instead of %s\n", to, from);
		told = true;
		a[3] = (long)skewed;
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
