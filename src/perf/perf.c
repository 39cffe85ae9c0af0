// SPDX-License-Identifier: GPL-2.0
/*
 * refbench counters over perf_event_open(2) (see perf.h). The names of the
 * generic and software events are perf(1)'s (tools/perf/util/parse-events.c
 * event_symbols_hw/event_symbols_sw and the hw-cache table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "perf.h"
#include "pfm_encode.h"

#define HW_CACHE(id, op, res) \
	((PERF_COUNT_HW_CACHE_##id) | (PERF_COUNT_HW_CACHE_OP_##op << 8) | \
	 (PERF_COUNT_HW_CACHE_RESULT_##res << 16))

static const struct named_event {
	const char *name;
	uint32_t type;
	uint64_t config;
	bool kernel_side;
} named_events[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, false },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, false },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, false },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, false },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, false },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, false },
	{ "L1-dcache-loads", PERF_TYPE_HW_CACHE, HW_CACHE(L1D, READ, ACCESS), false },
	{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(L1D, READ, MISS), false },
	{ "LLC-loads", PERF_TYPE_HW_CACHE, HW_CACHE(LL, READ, ACCESS), false },
	{ "LLC-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(LL, READ, MISS), false },
	{ "dTLB-load-misses", PERF_TYPE_HW_CACHE, HW_CACHE(DTLB, READ, MISS), false },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, false },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, false },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, false },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, false },
	/*
	 * The scheduler raises these from kernel context (perf_sw_event_sched()
	 * with the kernel's regs), so a user-only event never counts one.
	 */
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, true },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, true },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, true },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, true },
};

/*
 * Groups: one per PMU. task-clock (and cpu-clock) are the hrtimer-driven
 * perf_task_clock/perf_cpu_clock PMUs, not perf_swevent: in a group led by
 * task-clock the page-fault siblings were seen to count 0 (6.18), so the
 * clocks get a group of their own.
 */
enum { CLASS_SOFTWARE, CLASS_CLOCK, CLASS_CPU, CLASS_OTHER };

static void init_attr(struct perf_event_attr *a, uint32_t type, uint64_t config, bool kernel_side)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = type;
	a->config = config;
	a->exclude_kernel = !kernel_side;
	a->exclude_hv = 1;
	a->read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			 PERF_FORMAT_TOTAL_TIME_RUNNING;
}

static int pmu_class(uint32_t type, uint64_t config)
{
	switch (type) {
	case PERF_TYPE_SOFTWARE:
		if (config == PERF_COUNT_SW_TASK_CLOCK || config == PERF_COUNT_SW_CPU_CLOCK)
			return CLASS_CLOCK;
		return CLASS_SOFTWARE;
	case PERF_TYPE_HARDWARE:
	case PERF_TYPE_HW_CACHE:
	case PERF_TYPE_RAW:
		return CLASS_CPU;
	default:
		return CLASS_OTHER + (int)type;	/* a dynamic PMU: its own groups */
	}
}

int rb_perf_resolve(const char *name, struct rb_perf_event *ev, char *err, size_t errlen)
{
	uint32_t type;
	uint64_t config, config1 = 0, config2 = 0;
	bool kernel_side = false, found = false;
	char pmus[512];

	memset(ev, 0, sizeof(*ev));
	if (!*name || strlen(name) >= sizeof(ev->name)) {
		snprintf(err, errlen, "--perf-events: %s event name", *name ? "an overlong" : "an empty");
		return -1;
	}
	for (size_t i = 0; i < sizeof(named_events) / sizeof(named_events[0]); i++) {
		if (!strcmp(name, named_events[i].name)) {
			type = named_events[i].type;
			config = named_events[i].config;
			kernel_side = named_events[i].kernel_side;
			found = true;
			break;
		}
	}
	if (!found && name[0] == 'r' && name[1] && strspn(name + 1, "0123456789abcdefABCDEF") ==
						     strlen(name + 1)) {
		type = PERF_TYPE_RAW;
		config = strtoull(name + 1, NULL, 16);
		found = true;
	}
	if (!found) {
		if (rb_pfm_encode(name, &type, &config, &config1, &config2, pmus, sizeof(pmus)) < 0) {
			snprintf(err, errlen, "--perf-events: unknown event '%s': not a perf name "
				 "(cycles, instructions, cache-misses, task-clock, ...), not r<hex>, and "
				 "libpfm4 knows no such event for this machine's PMUs (%s)", name, pmus);
			return -1;
		}
	}
	snprintf(ev->name, sizeof(ev->name), "%s", name);
	snprintf(ev->counter, sizeof(ev->counter), "%s/op", name);
	init_attr(&ev->attr, type, config, kernel_side);
	ev->attr.config1 = config1;
	ev->attr.config2 = config2;
	ev->kernel_side = kernel_side;
	ev->pmu_class = pmu_class(type, config);
	ev->group = -1;
	return 0;
}

int rb_perf_parse_list(const char *list, struct rb_perf_config *c, char *err, size_t errlen)
{
	char *copy, *save = NULL, *tok;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (!list || !*list) {
		snprintf(err, errlen, "--perf-events needs a list, e.g. --perf-events=cycles,instructions");
		return -1;
	}
	if (list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,")) {
		snprintf(err, errlen, "--perf-events=%s: an empty name in the list", list);
		return -1;
	}
	copy = strdup(list);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool dup = false;

		for (int i = 0; i < c->nr; i++)
			dup |= !strcmp(c->ev[i].name, tok);
		if (dup)
			continue;
		if (c->nr == RB_PERF_MAX) {
			snprintf(err, errlen, "--perf-events: more than %d events", RB_PERF_MAX);
			rc = -1;
			break;
		}
		if (rb_perf_resolve(tok, &c->ev[c->nr], err, errlen) < 0) {
			rc = -1;
			break;
		}
		c->nr++;
	}
	free(copy);
	if (!rc && !c->nr) {
		snprintf(err, errlen, "--perf-events: no event named in '%s'", list);
		rc = -1;
	}
	return rc;
}

int rb_perf_open_one(const struct perf_event_attr *attr, int group_fd)
{
	return (int)syscall(SYS_perf_event_open, attr, 0 /* this thread */, -1 /* any CPU */,
			    group_fd, PERF_FLAG_FD_CLOEXEC);
}

enum rb_perf_status rb_perf_errno_status(int err)
{
	switch (err) {
	case 0:
		return RB_PERF_OK;
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		return RB_PERF_UNSUPPORTED;
	case EACCES:
	case EPERM:
		return RB_PERF_REFUSED;
	default:
		return RB_PERF_FAILED;
	}
}

const char *rb_perf_errno_name(int err)
{
	static __thread char buf[24];

	switch (err) {
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case E2BIG: return "E2BIG";
	case EMFILE: return "EMFILE";
	case ENOSYS: return "ENOSYS";
	default:
		snprintf(buf, sizeof(buf), "errno %d", err);
		return buf;
	}
}

int rb_perf_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v;

	if (!f)
		return INT32_MIN;
	if (fscanf(f, "%d", &v) != 1)
		v = INT32_MIN;
	fclose(f);
	return v;
}

void rb_perf_explain(char *buf, size_t len, const char *name, int err, int paranoid, bool kernel_side)
{
	char par[48];

	if (paranoid == INT32_MIN)
		snprintf(par, sizeof(par), "perf_event_paranoid unreadable");
	else
		snprintf(par, sizeof(par), "perf_event_paranoid=%d", paranoid);
	switch (rb_perf_errno_status(err)) {
	case RB_PERF_UNSUPPORTED:
		snprintf(buf, len, "perf event '%s' is unsupported here (%s: %s); not counted", name,
			 rb_perf_errno_name(err),
			 err == ENOENT ? "no PMU provides it; VMs often expose none" :
			 err == ENODEV ? "no such PMU device" :
					 "the PMU cannot count it per thread");
		break;
	case RB_PERF_REFUSED:
		if (kernel_side)
			snprintf(buf, len, "perf event '%s' was refused (%s, %s): it counts in the kernel, "
				 "which needs perf_event_paranoid <= 1 or CAP_PERFMON; not counted",
				 name, rb_perf_errno_name(err), par);
		else
			snprintf(buf, len, "perf event '%s' was refused (%s, %s): user-space counting "
				 "needs perf_event_paranoid <= 2 or CAP_PERFMON; not counted", name,
				 rb_perf_errno_name(err), par);
		break;
	default:
		snprintf(buf, len, "perf event '%s' could not be opened (%s: %s); not counted", name,
			 rb_perf_errno_name(err), strerror(err));
		break;
	}
}

void rb_perf_probe(struct rb_perf_config *c)
{
	int paranoid = rb_perf_paranoid();
	int test_fd[RB_PERF_MAX];

	c->nr_groups = 0;
	for (int i = 0; i < c->nr; i++) {
		struct rb_perf_event *ev = &c->ev[i];
		int fd = rb_perf_open_one(&ev->attr, -1);

		test_fd[i] = -1;
		ev->group = -1;
		if (fd < 0) {
			ev->err = errno;
			ev->status = rb_perf_errno_status(ev->err);
			if (ev->status == RB_PERF_OK)	/* cannot happen: a failed open has an errno */
				ev->status = RB_PERF_FAILED;
			rb_perf_explain(ev->why, sizeof(ev->why), ev->name, ev->err, paranoid,
					ev->kernel_side);
			continue;
		}
		close(fd);
		ev->status = RB_PERF_OK;
	}
	/* Group the ones that opened: join the class's group, else lead a new one. */
	for (int i = 0; i < c->nr; i++) {
		struct rb_perf_event *ev = &c->ev[i];
		int g;

		if (ev->status != RB_PERF_OK)
			continue;
		for (g = 0; g < c->nr_groups; g++) {
			int lead = c->leader[g];

			if (c->ev[lead].pmu_class != ev->pmu_class || test_fd[lead] < 0)
				continue;
			test_fd[i] = rb_perf_open_one(&ev->attr, test_fd[lead]);
			if (test_fd[i] >= 0)
				break;
		}
		if (g == c->nr_groups) {
			test_fd[i] = rb_perf_open_one(&ev->attr, -1);
			c->leader[g] = i;
			c->group_size[g] = 0;
			c->nr_groups++;
		}
		ev->group = g;
		ev->slot = c->group_size[g]++;
	}
	for (int i = 0; i < c->nr; i++)
		if (test_fd[i] >= 0)
			close(test_fd[i]);
}

int rb_perf_nr_ok(const struct rb_perf_config *c)
{
	int n = 0;

	for (int i = 0; i < c->nr; i++)
		n += c->ev[i].status == RB_PERF_OK;
	return n;
}

int rb_perf_set_open(const struct rb_perf_config *c, struct rb_perf_set *s)
{
	s->nr = c->nr;
	for (int i = 0; i < RB_PERF_MAX; i++)
		s->fd[i] = -1;
	/* Leaders first, members in slot order, as probed. */
	for (int g = 0; g < c->nr_groups; g++) {
		int lead = c->leader[g];

		for (int slot = 0; slot < c->group_size[g]; slot++) {
			for (int i = 0; i < c->nr; i++) {
				if (c->ev[i].group != g || c->ev[i].slot != slot)
					continue;
				s->fd[i] = rb_perf_open_one(&c->ev[i].attr, i == lead ? -1 : s->fd[lead]);
				if (s->fd[i] < 0) {
					int e = errno;

					rb_perf_set_close(s);
					errno = e;
					return -1;
				}
			}
		}
	}
	return 0;
}

void rb_perf_set_read(const struct rb_perf_config *c, const struct rb_perf_set *s,
		      struct rb_perf_sample *out)
{
	/* PERF_FORMAT_GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING: nr, enabled, running, values[nr]. */
	uint64_t buf[3 + RB_PERF_MAX];

	memset(out->valid, 0, sizeof(out->valid));
	for (int g = 0; g < c->nr_groups; g++) {
		int lead = c->leader[g];
		ssize_t r;

		if (s->fd[lead] < 0)
			continue;
		r = read(s->fd[lead], buf, sizeof(buf));
		if (r < (ssize_t)(3 * sizeof(uint64_t)) || buf[0] != (uint64_t)c->group_size[g])
			continue;
		for (int i = 0; i < c->nr; i++) {
			if (c->ev[i].group != g)
				continue;
			out->value[i] = buf[3 + c->ev[i].slot];
			out->enabled[i] = buf[1];
			out->running[i] = buf[2];
			out->valid[i] = true;
		}
	}
}

void rb_perf_set_close(struct rb_perf_set *s)
{
	for (int i = 0; i < RB_PERF_MAX; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
}

bool rb_perf_delta(const struct rb_perf_sample *a, const struct rb_perf_sample *b, int i, double *out)
{
	uint64_t run, ena;

	if (!a->valid[i] || !b->valid[i])
		return false;
	run = b->running[i] - a->running[i];
	ena = b->enabled[i] - a->enabled[i];
	if (!run)
		return false;
	*out = (double)(b->value[i] - a->value[i]);
	if (run < ena)	/* multiplexed: scale up to the time the group was enabled */
		*out *= (double)ena / (double)run;
	return true;
}
