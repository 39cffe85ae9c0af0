// SPDX-License-Identifier: GPL-2.0
/*
 * The counter layer (src/perf): event names, the errno classes and their
 * one-line messages, multiplexing scale, software events counting sane
 * values in a per-thread group, the unsupported path (cycles on a machine
 * without a PMU, as this VM) leaving the rest working, and the refused path
 * (a kernel-side event at perf_event_paranoid >= 2 after dropping root, in a
 * child process). The hardware path with a real PMU is test_perf_hw.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "rbtest.h"
#include "perf/perf.h"

RB_TEST(names_resolve)
{
	struct rb_perf_event ev;
	char err[1024];
	static const struct { const char *name; uint32_t type; uint64_t config; bool kernel; } want[] = {
		{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
		{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false },
		{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, false },
		{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, false },
		{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, false },
		/* L1D | READ << 8 | MISS << 16, LL | READ << 8 | MISS << 16 (perf_event_open(2)) */
		{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE, 0x10000, false },
		{ "LLC-load-misses", PERF_TYPE_HW_CACHE, 0x10002, false },
		{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, false },
		{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, true },
		{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, true },
		{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false },
		{ "r4d2", PERF_TYPE_RAW, 0x4d2, false },
		/* through libpfm4: its "perf" PMU is there on every machine */
		{ "perf::PERF_COUNT_HW_CPU_CYCLES", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_EQ(rb_perf_resolve(want[i].name, &ev, err, sizeof(err)), 0);
		CHECK_EQ(ev.attr.type, want[i].type);
		CHECK_EQ(ev.attr.config, want[i].config);
		CHECK_EQ(ev.kernel_side, want[i].kernel);
		CHECK_EQ(ev.attr.exclude_kernel, !want[i].kernel);	/* user space only */
		CHECK_EQ(ev.attr.exclude_hv, 1);
		CHECK(strstr(ev.counter, "/op") != NULL);
	}
	CHECK_STR(ev.counter, "perf::PERF_COUNT_HW_CPU_CYCLES/op");
}

RB_TEST(unknown_names_are_errors)
{
	struct rb_perf_config c;
	char err[1024];

	CHECK_EQ(rb_perf_parse_list("cycles,bogus-event", &c, err, sizeof(err)), -1);
	CHECK(strstr(err, "unknown event 'bogus-event'") != NULL);
	CHECK(strchr(err, '\n') == NULL);
	CHECK_EQ(rb_perf_parse_list("", &c, err, sizeof(err)), -1);
	CHECK_EQ(rb_perf_parse_list(",,", &c, err, sizeof(err)), -1);
	/* an empty item is a typo, not nothing (issue 17): refused, whatever its place */
	CHECK_EQ(rb_perf_parse_list("cycles,,instructions", &c, err, sizeof(err)), -1);
	CHECK(strstr(err, "an empty name") != NULL);
	CHECK_EQ(rb_perf_parse_list(",cycles", &c, err, sizeof(err)), -1);
	CHECK_EQ(rb_perf_parse_list("cycles,", &c, err, sizeof(err)), -1);
	CHECK_EQ(rb_perf_parse_list("cycles", &c, err, sizeof(err)), 0);
	CHECK_EQ(rb_perf_parse_list("rzz", &c, err, sizeof(err)), -1);	/* not hex, not libpfm */
	CHECK_EQ(rb_perf_parse_list("cycles,instructions,cycles", &c, err, sizeof(err)), 0);
	CHECK_EQ(c.nr, 2);	/* a repeated name counts once */
}

RB_TEST(errno_classes_and_messages)
{
	char buf[512];

	CHECK_EQ(rb_perf_errno_status(ENOENT), RB_PERF_UNSUPPORTED);
	CHECK_EQ(rb_perf_errno_status(EOPNOTSUPP), RB_PERF_UNSUPPORTED);
	CHECK_EQ(rb_perf_errno_status(ENODEV), RB_PERF_UNSUPPORTED);
	CHECK_EQ(rb_perf_errno_status(EACCES), RB_PERF_REFUSED);
	CHECK_EQ(rb_perf_errno_status(EPERM), RB_PERF_REFUSED);
	CHECK_EQ(rb_perf_errno_status(EINVAL), RB_PERF_FAILED);
	CHECK_EQ(rb_perf_errno_status(EMFILE), RB_PERF_FAILED);

	rb_perf_explain(buf, sizeof(buf), "cycles", ENOENT, 2, false);
	CHECK_STR(buf, "perf event 'cycles' is unsupported here (ENOENT: no PMU provides it; "
		       "VMs often expose none); not counted");
	rb_perf_explain(buf, sizeof(buf), "r4d2", EOPNOTSUPP, 2, false);
	CHECK(strstr(buf, "is unsupported here (EOPNOTSUPP") != NULL);
	rb_perf_explain(buf, sizeof(buf), "context-switches", EACCES, 2, true);
	CHECK_STR(buf, "perf event 'context-switches' was refused (EACCES, perf_event_paranoid=2): "
		       "it counts in the kernel, which needs perf_event_paranoid <= 1 or CAP_PERFMON; "
		       "not counted");
	rb_perf_explain(buf, sizeof(buf), "cycles", EACCES, 3, false);
	CHECK(strstr(buf, "was refused (EACCES, perf_event_paranoid=3): user-space counting needs "
			  "perf_event_paranoid <= 2") != NULL);
	rb_perf_explain(buf, sizeof(buf), "cycles", EPERM, INT32_MIN, false);
	CHECK(strstr(buf, "(EPERM, perf_event_paranoid unreadable)") != NULL);
	rb_perf_explain(buf, sizeof(buf), "x", EINVAL, 2, false);
	CHECK(strstr(buf, "could not be opened (EINVAL") != NULL);
	CHECK(strchr(buf, '\n') == NULL);
}

RB_TEST(multiplexing_scale)
{
	struct rb_perf_sample a = { 0 }, b = { 0 };
	double v = 0;

	a.valid[0] = b.valid[0] = true;
	a.value[0] = 1000, b.value[0] = 1600;
	a.enabled[0] = 100, b.enabled[0] = 500;	/* enabled 400 ns */
	a.running[0] = 50, b.running[0] = 250;		/* running 200 ns: half the time */
	CHECK(rb_perf_delta(&a, &b, 0, &v));
	CHECK(v == 1200.0);				/* 600 * 400 / 200 */
	b.running[0] = 50;				/* never scheduled */
	CHECK(!rb_perf_delta(&a, &b, 0, &v));
	b.running[0] = 250;
	b.valid[0] = false;
	CHECK(!rb_perf_delta(&a, &b, 0, &v));
}

/* The sanitizers' shadow memory faults too: up to 1 (ASan) or 4+ (TSan) shadow pages per page. */
#if defined(__SANITIZE_THREAD__)
#define SHADOW_FAULTS	8
#elif defined(__SANITIZE_ADDRESS__)
#define SHADOW_FAULTS	2
#else
#define SHADOW_FAULTS	1
#endif

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Software events in one group, on this thread: task-clock and page faults are right. */
RB_TEST(software_events_count)
{
	struct rb_perf_config c;
	struct rb_perf_set s;
	struct rb_perf_sample a, b;
	char err[1024];
	const int pages = 512;
	double t0, t1, task = 0, faults = 0, minor = 0;
	volatile unsigned long spin = 0;
	char *mem;

	CHECK_EQ(rb_perf_parse_list("task-clock,page-faults,minor-faults", &c, err, sizeof(err)), 0);
	rb_perf_probe(&c);
	for (int i = 0; i < c.nr; i++) {
		if (c.ev[i].status != RB_PERF_OK)
			fprintf(stderr, "%s\n", c.ev[i].why);
		CHECK_EQ(c.ev[i].status, RB_PERF_OK);
	}
	/* task-clock leads its own group; the two fault counters share one */
	CHECK_EQ(c.nr_groups, 2);
	CHECK_EQ(c.ev[0].group, 0);
	CHECK_EQ(c.ev[1].group, 1);
	CHECK_EQ(c.ev[2].group, 1);
	CHECK_EQ(c.ev[2].slot, 1);
	CHECK_EQ(rb_perf_set_open(&c, &s), 0);
	mem = mmap(NULL, (size_t)pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	madvise(mem, (size_t)pages * 4096, MADV_NOHUGEPAGE);	/* (m)THP would fault many pages at once */

	rb_perf_set_read(&c, &s, &a);
	t0 = thread_cpu_ns();
	for (int i = 0; i < pages; i++)
		mem[(size_t)i * 4096] = 1;		/* one fault per page */
	while (thread_cpu_ns() - t0 < 20e6)		/* 20 ms of CPU */
		spin++;
	t1 = thread_cpu_ns();
	rb_perf_set_read(&c, &s, &b);

	CHECK(rb_perf_delta(&a, &b, 0, &task));
	CHECK(rb_perf_delta(&a, &b, 1, &faults));
	CHECK(rb_perf_delta(&a, &b, 2, &minor));
	printf("     task-clock %.0f ns for %.0f ns of thread CPU time; %.0f faults (%.0f minor) "
	       "for %d pages\n", task, t1 - t0, faults, minor, pages);
	CHECK(task > 0.9 * (t1 - t0) && task < 1.1 * (t1 - t0) + 1e6);
	CHECK(faults >= pages && faults < pages * SHADOW_FAULTS + 64);
	CHECK(minor >= pages && minor <= faults);
	rb_perf_set_close(&s);
	munmap(mem, (size_t)pages * 4096);
}

/*
 * cycles where no PMU provides it (this VM) is unsupported and told in one
 * line; the software event next to it still counts. Where cycles opens,
 * the hardware path is test_perf_hw's.
 */
RB_TEST(unsupported_leaves_the_rest)
{
	struct rb_perf_config c;
	struct rb_perf_set s;
	struct rb_perf_sample a, b;
	char err[1024];
	double v = 0;

	CHECK_EQ(rb_perf_parse_list("cycles,task-clock,instructions", &c, err, sizeof(err)), 0);
	rb_perf_probe(&c);
	CHECK_EQ(c.ev[1].status, RB_PERF_OK);
	if (c.ev[0].status == RB_PERF_OK) {
		printf("     cycles opened: this machine has a PMU (test_perf_hw covers it)\n");
		return;
	}
	printf("     %s\n", c.ev[0].why);
	CHECK_EQ(c.ev[0].status, RB_PERF_UNSUPPORTED);
	CHECK(strstr(c.ev[0].why, "perf event 'cycles' is unsupported here (") != NULL);
	CHECK_EQ(c.ev[2].status, RB_PERF_UNSUPPORTED);
	CHECK_EQ(rb_perf_nr_ok(&c), 1);
	CHECK_EQ(c.nr_groups, 1);
	CHECK_EQ(c.ev[0].group, -1);
	CHECK_EQ(rb_perf_set_open(&c, &s), 0);
	CHECK(s.fd[0] < 0 && s.fd[1] >= 0);
	rb_perf_set_read(&c, &s, &a);
	for (volatile int i = 0; i < 1000000; i++)
		;
	rb_perf_set_read(&c, &s, &b);
	CHECK(!b.valid[0]);
	CHECK(rb_perf_delta(&a, &b, 1, &v) && v > 0);
	rb_perf_set_close(&s);
}

/*
 * The refused path for real: a child drops root and asks for
 * context-switches, which counts in the kernel; at perf_event_paranoid >= 2
 * an unprivileged process gets EACCES, while task-clock (user only) opens.
 */
RB_TEST(refused_when_unprivileged)
{
	int paranoid = rb_perf_paranoid();
	pid_t pid;
	int st = 0;

	if (paranoid == INT32_MIN || paranoid < 2) {
		printf("     skipped: perf_event_paranoid is %d, kernel events are allowed\n", paranoid);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct rb_perf_config c;
		char err[1024];
		int bad = 0;

		if (geteuid() == 0 && setresuid(65534, 65534, 65534) < 0)
			_exit(77);
		if (rb_perf_parse_list("context-switches,task-clock", &c, err, sizeof(err)) < 0)
			_exit(1);
		rb_perf_probe(&c);
		printf("     unprivileged: %s\n", c.ev[0].why);
		bad += c.ev[0].status != RB_PERF_REFUSED;
		bad += !strstr(c.ev[0].why, "perf_event_paranoid=") || !strstr(c.ev[0].why, "CAP_PERFMON");
		bad += c.ev[1].status != RB_PERF_OK;
		fflush(NULL);
		_exit(bad ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		printf("     skipped: could not drop root\n");
		return;
	}
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

RB_TEST_MAIN(RBT_CASE(names_resolve) RBT_CASE(unknown_names_are_errors)
	     RBT_CASE(errno_classes_and_messages) RBT_CASE(multiplexing_scale)
	     RBT_CASE(software_events_count) RBT_CASE(unsupported_leaves_the_rest)
	     RBT_CASE(refused_when_unprivileged))
