// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for refbench's own reading of its command line: Google
 * Benchmark's flags as bench/gbench_flags.c checks them, --perf-events=LIST
 * (rb_perf_parse_list), and the placement names. The input is one argument
 * per line. Oracles: every refusal is one non-empty line; an accepted
 * --benchmark_repetitions is an integer from 1 to RB_GB_MAX_REPETITIONS, an
 * accepted min_time a positive finite number, an accepted format one of the
 * three; a parsed perf list names 1 to RB_PERF_MAX events, none empty.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gbench_flags.h"
#include "perf/perf.h"
#include "topo/topo.h"
#include "fuzz_main.h"

#define MAX_ARGS 16

static void one_line(const char *err)
{
	if (!err[0] || strchr(err, '\n'))
		abort();
}

static void check_accepted(const char *arg)
{
	char *end;

	if (!strncmp(arg, "--benchmark_repetitions=", 24)) {
		long n = strtol(arg + 24, &end, 10);

		if (*end || end == arg + 24 || n < 1 || n > RB_GB_MAX_REPETITIONS)
			abort();
	} else if (!strncmp(arg, "--benchmark_min_time=", 21)) {
		double d = strtod(arg + 21, &end);

		if (*end || end == arg + 21 || !(d > 0) || !isfinite(d))
			abort();
	} else if (!strncmp(arg, "--benchmark_format=", 19)) {
		const char *v = arg + 19;

		if (strcmp(v, "console") && strcmp(v, "json") && strcmp(v, "csv"))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 1], err[512];
	int argc = 1;
	struct rb_perf_config pc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "refbench";
	for (char *s = buf; argc < MAX_ARGS;) {
		char *nl = strchr(s, '\n');

		argv[argc++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	argv[argc] = NULL;

	for (int i = 1; i < argc; i++) {
		err[0] = '\0';
		if (rb_check_gbench_flag(argv[i], err, sizeof(err)))
			one_line(err);
		else
			check_accepted(argv[i]);
		rb_cpu_placement_valid(argv[i]);
		rb_mem_placement_valid(argv[i]);
	}
	err[0] = '\0';
	if (rb_check_gbench_flags(argc, argv, err, sizeof(err)))
		one_line(err);

	/* the first line as a --perf-events list */
	err[0] = '\0';
	if (rb_perf_parse_list(argv[1], &pc, err, sizeof(err)) < 0) {
		one_line(err);
	} else {
		if (pc.nr < 1 || pc.nr > RB_PERF_MAX)
			abort();
		for (int i = 0; i < pc.nr; i++) {
			/* each event is one of the items, whole (not cut to fit name[]) */
			size_t n = strlen(pc.ev[i].name);
			const char *at = argv[1];
			bool found = false;

			if (!n)
				abort();
			for (;;) {
				size_t len = strcspn(at, ",");

				found |= len == n && !strncmp(at, pc.ev[i].name, n);
				if (!at[len])
					break;
				at += len + 1;
			}
			if (!found)
				abort();
		}
	}
	free(buf);
	return 0;
}
