// SPDX-License-Identifier: GPL-2.0
/*
 * refbench's counter module (docs/placements.md): --perf-events=LIST.
 *
 * Each benchmark thread opens its own perf_event_open groups (pid 0, cpu -1)
 * when it enters a run, reads them right after the batch's timer started and
 * right before it stops, and reports "<event>/op" with RB_AVG_ITERATIONS.
 * Google Benchmark 1.7.1 sums a counter over the run's threads and divides
 * an kAvgIterations counter by the run's total iterations, also summed over
 * the threads (benchmark_runner.cc RunInThread/CreateRunReport), so the
 * value is events per operation of one thread, whatever the thread count.
 * The counter is added when the thread leaves the run, outside the timer.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "refbench.h"
#include "perf/perf.h"

static struct rb_perf_config g_perf;
static const char *opt_events;

static int parse_events(const char *value)
{
	char err[1024];

	if (rb_perf_parse_list(value, &g_perf, err, sizeof(err)) < 0) {
		fprintf(stderr, "refbench: %s\n", err);
		return 2;
	}
	opt_events = value;
	return 0;
}
RB_FLAG(perf_events, "--perf-events", "LIST",
	"count these perf events per thread and report <event>/op: cycles, instructions, "
	"cache-misses, branch-misses, L1-dcache-load-misses, LLC-load-misses, task-clock, "
	"page-faults, context-switches, cpu-migrations, r<hex>, libpfm4 names",
	parse_events, NULL);

struct perf_thread {
	struct rb_perf_set set;
	bool open, began, measured;
	struct rb_perf_sample begin, end;
	double sum[RB_PERF_MAX];
	bool counted[RB_PERF_MAX];
};
static __thread struct perf_thread t_perf;
static atomic_flag told_open = ATOMIC_FLAG_INIT;
static atomic_flag told_sched[RB_PERF_MAX];

static void perf_enter(rb_state *st, void *ctx)
{
	struct perf_thread *p = &t_perf;

	(void)st;
	(void)ctx;
	memset(p, 0, sizeof(*p));
	if (rb_perf_set_open(&g_perf, &p->set) < 0) {
		if (!atomic_flag_test_and_set(&told_open))
			fprintf(stderr, "refbench: perf: a benchmark thread could not open its counter "
				"groups (%s); its counters are left out\n", rb_perf_errno_name(errno));
		return;
	}
	p->open = true;
}

static void perf_batch_begin(rb_state *st, void *ctx)
{
	(void)st;
	(void)ctx;
	if (!t_perf.open)
		return;
	rb_perf_set_read(&g_perf, &t_perf.set, &t_perf.begin);
	t_perf.began = true;
}

static void perf_batch_end(rb_state *st, void *ctx)
{
	struct perf_thread *p = &t_perf;

	(void)st;
	(void)ctx;
	if (!p->began)
		return;
	rb_perf_set_read(&g_perf, &p->set, &p->end);
	p->began = false;
	for (int i = 0; i < g_perf.nr; i++) {
		double d;

		if (g_perf.ev[i].status == RB_PERF_OK && rb_perf_delta(&p->begin, &p->end, i, &d)) {
			p->sum[i] += d;
			p->counted[i] = true;
		}
	}
	p->measured = true;
}

static void perf_exit(rb_state *st, void *ctx)
{
	struct perf_thread *p = &t_perf;

	(void)ctx;
	if (p->measured && !rb_error_occurred(st)) {
		for (int i = 0; i < g_perf.nr; i++) {
			if (g_perf.ev[i].status != RB_PERF_OK)
				continue;
			if (p->counted[i])
				rb_counter(st, g_perf.ev[i].counter, p->sum[i], RB_AVG_ITERATIONS);
			else if (!atomic_flag_test_and_set(&told_sched[i]))
				fprintf(stderr, "refbench: perf event '%s' never ran on its PMU during a batch "
					"(too many events in its group?); not reported\n",
					g_perf.ev[i].name);
		}
	}
	if (p->open)
		rb_perf_set_close(&p->set);
	p->open = false;
}

static const struct rb_hooks perf_hooks = {
	.name = "perf",
	.thread_enter = perf_enter,
	.batch_begin = perf_batch_begin,
	.batch_end = perf_batch_end,
	.thread_exit = perf_exit,
};

/* "a (ENOENT), b (EACCES)" for the events of status @s. */
static void list_status(enum rb_perf_status s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < g_perf.nr && off < len; i++) {
		const struct rb_perf_event *ev = &g_perf.ev[i];

		if (ev->status != s)
			continue;
		if (s == RB_PERF_OK)
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "", ev->name);
		else
			off += snprintf(buf + off, len - off, "%s%s (%s)", off ? ", " : "", ev->name,
					rb_perf_errno_name(ev->err));
	}
}

static int perf_init(void)
{
	char buf[2048];

	if (!opt_events)
		return 0;
	rb_perf_probe(&g_perf);
	for (int i = 0; i < g_perf.nr; i++)
		if (g_perf.ev[i].status != RB_PERF_OK)
			fprintf(stderr, "refbench: %s\n", g_perf.ev[i].why);
	rb_add_context("perf_events", opt_events);
	list_status(RB_PERF_OK, buf, sizeof(buf));
	rb_add_context("perf_events_counted", buf);
	list_status(RB_PERF_UNSUPPORTED, buf, sizeof(buf));
	rb_add_context("perf_events_unsupported", buf);
	list_status(RB_PERF_REFUSED, buf, sizeof(buf));
	rb_add_context("perf_events_refused", buf);
	list_status(RB_PERF_FAILED, buf, sizeof(buf));
	rb_add_context("perf_events_failed", buf);
	rb_add_context("perf_events_scope",
		       "per benchmark thread (pid 0, cpu -1), user space only except context-switches "
		       "and cpu-migrations; read around the timed batch, scaled by "
		       "time_enabled/time_running; <event>/op = sum over threads / total iterations");
	if (rb_perf_nr_ok(&g_perf))
		rb_add_hooks(&perf_hooks);
	return 0;
}
RB_MODULE(perf, "perf", perf_init);
