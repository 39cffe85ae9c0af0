// SPDX-License-Identifier: GPL-2.0
/* refbench kernel model: node vmstat counters (see vmstat.h). */
#include <pthread.h>
#include <unistd.h>

#include "vmstat.h"

struct pglist_data rb_node_data[1];
struct vm_node_stat_line vm_node_stat;
_Thread_local struct per_cpu_nodestat rb_this_cpu_nodestat = { .stat_threshold = -1 };
int rb_vmstat_threshold = -1;

static pthread_once_t rb_vmstat_once = PTHREAD_ONCE_INIT;
static pthread_key_t rb_vmstat_key;

static int fls_ul(unsigned long x)
{
	return x ? (int)(sizeof(x) * 8) - __builtin_clzl(x) : 0;
}

/* calculate_normal_threshold() (mm/vmstat.c) */
int calculate_normal_threshold(unsigned int cpus, unsigned long managed_pages)
{
	unsigned long mem = managed_pages >> (27 - PAGE_SHIFT);
	int threshold = 2 * fls_ul(cpus) * (1 + fls_ul(mem));

	return threshold < 125 ? threshold : 125;
}

/* cpu_vm_stats_fold() for the exiting thread (a CPU going offline). */
void rb_vmstat_fold_this_cpu(void)
{
	struct per_cpu_nodestat *pcp = &rb_this_cpu_nodestat;

	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		s8 v = pcp->vm_node_stat_diff[i];

		if (v) {
			pcp->vm_node_stat_diff[i] = 0;
			node_page_state_add(v, NODE_DATA(0), (enum node_stat_item)i);
		}
	}
}

static void rb_vmstat_thread_exit(void *arg)
{
	(void)arg;
	rb_vmstat_fold_this_cpu();
}

/*
 * refresh_zone_stat_thresholds() at boot: the model's node has one zone the
 * size of this machine's memory (ZONE_NORMAL is most of it on x86-64).
 */
static void rb_vmstat_init(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES);

	if (cpus < 1)
		cpus = 1;
	if (pages < 1)
		pages = 1;
	if (rb_vmstat_threshold < 0)
		rb_vmstat_threshold = calculate_normal_threshold((unsigned int)cpus,
								 (unsigned long)pages);
	BUG_ON(pthread_key_create(&rb_vmstat_key, rb_vmstat_thread_exit));
}

s8 rb_vmstat_cpu_online(struct per_cpu_nodestat *pcp)
{
	pthread_once(&rb_vmstat_once, rb_vmstat_init);
	/* A non-NULL value makes the destructor run at thread exit. */
	pthread_setspecific(rb_vmstat_key, pcp);
	pcp->stat_threshold = (s8)rb_vmstat_threshold;
	return pcp->stat_threshold;
}

int rb_vmstat_set_threshold(int t)
{
	int old;

	pthread_once(&rb_vmstat_once, rb_vmstat_init);
	old = rb_vmstat_threshold;
	rb_vmstat_threshold = t;
	rb_this_cpu_nodestat.stat_threshold = (s8)t;
	pthread_setspecific(rb_vmstat_key, &rb_this_cpu_nodestat);
	return old;
}

/* Out of line, as mm/vmstat.c's (vmstat.h). */
__noinline void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item item, long delta)
{
	mod_node_state(pgdat, item, (int)delta, 0);
}
