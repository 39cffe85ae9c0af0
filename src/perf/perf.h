/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench counters: per-thread perf_event_open groups (docs/placements.md).
 *
 * --perf-events=LIST names events three ways:
 *   generic perf names   cycles, instructions, cache-references, cache-misses,
 *                        branches, branch-misses, L1-dcache-loads,
 *                        L1-dcache-load-misses, LLC-loads, LLC-load-misses,
 *                        dTLB-load-misses, ref-cycles;
 *   software events      task-clock, page-faults (faults), minor-faults,
 *                        major-faults, context-switches (cs), cpu-migrations
 *                        (migrations);
 *   raw PMU events       r<hex> (the PMU's raw config), or any event name
 *                        libpfm4 knows for this CPU (HITM events on Intel,
 *                        cache-fill-source events on Zen: `showevtinfo`).
 * Every event counts user space only (exclude_kernel, exclude_hv), as the
 * benchmarks' operations run there, except context-switches and
 * cpu-migrations: the kernel does those, so they count kernel side and need
 * perf_event_paranoid <= 1 (or CAP_PERFMON).
 *
 * Each event is probed once at start-up. Unsupported (ENOENT, EOPNOTSUPP,
 * ENODEV: no PMU for it, typical in VMs) and refused (EACCES, EPERM:
 * perf_event_paranoid) events are reported once and left out; the rest are
 * grouped (one group per PMU) and every benchmark thread opens its own groups
 * (pid 0, cpu -1) and reads them around its batch, scaled by
 * time_enabled/time_running when the kernel multiplexed them.
 */
#ifndef RB_PERF_H
#define RB_PERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/perf_event.h>

#define RB_PERF_MAX	32

enum rb_perf_status {
	RB_PERF_OK,
	RB_PERF_UNSUPPORTED,	/* ENOENT, EOPNOTSUPP, ENODEV */
	RB_PERF_REFUSED,	/* EACCES, EPERM */
	RB_PERF_FAILED,		/* anything else (EINVAL, EMFILE, ...) */
};

struct rb_perf_event {
	char name[64];			/* as given */
	char counter[72];		/* the user counter: "<name>/op" */
	struct perf_event_attr attr;
	bool kernel_side;		/* counts in the kernel (cs, migrations) */
	int pmu_class;			/* events of one class share a group */
	enum rb_perf_status status;
	int err;			/* errno of the failed probe */
	char why[240];			/* one line, when status != OK */
	int group, slot;		/* its group, and its place in the group's read */
};

struct rb_perf_config {
	struct rb_perf_event ev[RB_PERF_MAX];
	int nr;
	int nr_groups;
	int leader[RB_PERF_MAX];	/* per group: the event index of its leader */
	int group_size[RB_PERF_MAX];
};

/* One event name: 0, or -1 with "unknown event ..." in @err. */
int rb_perf_resolve(const char *name, struct rb_perf_event *ev, char *err, size_t errlen);
/* A comma-separated list into @c (no probing): 0, or -1 with a one-line error. */
int rb_perf_parse_list(const char *list, struct rb_perf_config *c, char *err, size_t errlen);

/* perf_event_open() of one event alone, for the calling thread; -1 with errno. */
int rb_perf_open_one(const struct perf_event_attr *attr, int group_fd);
/* The class of an open() errno. */
enum rb_perf_status rb_perf_errno_status(int err);
/* "ENOENT" for ENOENT, ...; "errno N" for others. */
const char *rb_perf_errno_name(int err);
/* /proc/sys/kernel/perf_event_paranoid, or INT32_MIN if unreadable. */
int rb_perf_paranoid(void);
/* The one line told for a failed event (no "refbench: " prefix, no newline). */
void rb_perf_explain(char *buf, size_t len, const char *name, int err, int paranoid, bool kernel_side);

/*
 * Probes every event (alone, on the calling thread), then groups the ones
 * that opened: one group per PMU class, an event that will not join its
 * group gets its own. Sets each event's status/why/group/slot.
 */
void rb_perf_probe(struct rb_perf_config *c);
/* Number of events with status OK. */
int rb_perf_nr_ok(const struct rb_perf_config *c);

/* ---- per thread ---- */
struct rb_perf_set {
	int fd[RB_PERF_MAX];		/* by event index; -1 if not open */
	int nr;
};
struct rb_perf_sample {
	uint64_t value[RB_PERF_MAX], enabled[RB_PERF_MAX], running[RB_PERF_MAX];
	bool valid[RB_PERF_MAX];
};
/* Opens the calling thread's groups; 0, or -1 with errno (all closed again). */
int rb_perf_set_open(const struct rb_perf_config *c, struct rb_perf_set *s);
/* Reads every group; events of a group that fails to read are !valid. */
void rb_perf_set_read(const struct rb_perf_config *c, const struct rb_perf_set *s,
		      struct rb_perf_sample *out);
void rb_perf_set_close(struct rb_perf_set *s);
/*
 * The scaled count of event @i between @a and @b:
 *   (value_b - value_a) * (enabled_b - enabled_a) / (running_b - running_a).
 * False if it was not counted (invalid read, or never scheduled).
 */
bool rb_perf_delta(const struct rb_perf_sample *a, const struct rb_perf_sample *b, int i, double *out);

#endif
