// SPDX-License-Identifier: GPL-2.0
/*
 * Google Benchmark 1.7.1's flags, checked before they are handed over.
 *
 * 1.7.1 answers several bad values badly: --benchmark_format=xml,
 * --benchmark_out_format=xml, --benchmark_time_unit=h and --benchmark_color=
 * print its usage and exit 0, running nothing; --benchmark_repetitions=-1
 * aborts (std::length_error in vector::reserve) and =0 runs nothing and
 * exits 0; --benchmark_min_time=0 or -1 reports a single iteration as a
 * result; a value that does not parse as its type is left in argv (refbench
 * then called a known flag unknown); a boolean flag takes any word it does
 * not know as true; --benchmark_context=foo is refused the same way;
 * --benchmark_perf_counters=X is ignored with a warning (Debian builds it
 * without libpfm). Each of these is one line and exit 2 here, before
 * Google Benchmark sees argv.
 *
 * Plain C, no Google Benchmark: tests/fuzz/fuzz_flags.c fuzzes it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gbench_flags.h"

enum kind { K_BOOL, K_STRING, K_SECONDS, K_SECONDS0, K_REPS, K_CHOICE, K_COLOR, K_CONTEXT,
	    K_OUT, K_PERF, K_INT };

static const struct gb_flag {
	const char *name;
	enum kind kind;
	const char *choices;	/* K_CHOICE: '|'-separated */
} gb_flags[] = {
	{ "benchmark_list_tests", K_BOOL, NULL },
	{ "benchmark_filter", K_STRING, NULL },
	{ "benchmark_min_time", K_SECONDS, NULL },
	{ "benchmark_min_warmup_time", K_SECONDS0, NULL },
	{ "benchmark_repetitions", K_REPS, NULL },
	{ "benchmark_enable_random_interleaving", K_BOOL, NULL },
	{ "benchmark_report_aggregates_only", K_BOOL, NULL },
	{ "benchmark_display_aggregates_only", K_BOOL, NULL },
	{ "benchmark_format", K_CHOICE, "console|json|csv" },
	{ "benchmark_out", K_OUT, NULL },
	{ "benchmark_out_format", K_CHOICE, "json|console|csv" },
	{ "benchmark_color", K_COLOR, NULL },
	{ "benchmark_counters_tabular", K_BOOL, NULL },
	{ "benchmark_perf_counters", K_PERF, NULL },
	{ "benchmark_context", K_CONTEXT, NULL },
	{ "benchmark_time_unit", K_CHOICE, "ns|us|ms|s" },
	{ "v", K_INT, NULL },
};

/* The words Google Benchmark's IsTruthyFlagValue() gives a meaning to. */
static bool bool_word(const char *v)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n", NULL,
	};

	for (const char *const *w = words; *w; w++)
		if (!strcasecmp(v, *w))
			return true;
	return false;
}

static bool in_choices(const char *v, const char *choices)
{
	size_t n = strlen(v);

	for (const char *c = choices; *c;) {
		size_t len = strcspn(c, "|");

		if (len == n && n && !strncmp(c, v, n))
			return true;
		c += len + (c[len] == '|');
	}
	return false;
}

/* "a|b|c" -> "a, b or c" */
static void say_choices(const char *choices, char *buf, size_t len)
{
	size_t o = 0;
	int n = 0, total = 1;

	for (const char *c = choices; *c; c++)
		total += *c == '|';
	buf[0] = '\0';
	for (const char *c = choices; *c && o < len;) {
		size_t l = strcspn(c, "|");

		n++;
		o += (size_t)snprintf(buf + o, len - o, "%s%.*s",
				      n == 1 ? "" : n == total ? " or " : ", ", (int)l, c);
		c += l + (c[l] == '|');
	}
}

static bool parse_double(const char *v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	return *v && !isspace((unsigned char)*v) && !*end && !errno && isfinite(*out);
}

static bool parse_long(const char *v, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return *v && !isspace((unsigned char)*v) && !*end && !errno;
}

/* KEY=VALUE[,KEY=VALUE...]: what Google Benchmark's ParseKeyValueFlag() takes, less empty keys. */
static bool context_ok(const char *v)
{
	if (!*v)
		return false;
	for (const char *item = v;;) {
		size_t len = strcspn(item, ",");
		const char *eq = memchr(item, '=', len);

		if (!eq || eq == item || memchr(eq + 1, '=', len - (size_t)(eq - item) - 1))
			return false;
		if (!item[len])
			return true;
		item += len + 1;
	}
}

/* The file Google Benchmark will open for writing: its directory must exist. */
static int out_ok(const char *v, char *why, size_t len)
{
	char dir[4096];
	const char *slash = strrchr(v, '/');
	struct stat sb;

	if (!*v) {
		snprintf(why, len, "needs a file name");
		return -1;
	}
	if (slash && !slash[1]) {
		snprintf(why, len, "names a directory, not a file");
		return -1;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - v) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", slash == v ? 1 : (int)(slash - v), v);
	else {
		snprintf(why, len, "the path is too long");
		return -1;
	}
	if (access(dir, W_OK | X_OK)) {
		snprintf(why, len, "cannot write in its directory (%s)", strerror(errno));
		return -1;
	}
	if (!stat(v, &sb) && S_ISDIR(sb.st_mode)) {
		snprintf(why, len, "names a directory, not a file");
		return -1;
	}
	if (!access(v, F_OK) && access(v, W_OK)) {
		snprintf(why, len, "cannot write it (%s)", strerror(errno));
		return -1;
	}
	return 0;
}

static const struct gb_flag *find(const char *arg, const char **value)
{
	if (strncmp(arg, "--", 2))
		return NULL;
	for (size_t i = 0; i < sizeof(gb_flags) / sizeof(gb_flags[0]); i++) {
		size_t n = strlen(gb_flags[i].name);

		if (strncmp(arg + 2, gb_flags[i].name, n))
			continue;
		if (arg[2 + n] == '\0') {
			*value = NULL;
			return &gb_flags[i];
		}
		if (arg[2 + n] == '=') {
			*value = arg + 2 + n + 1;
			return &gb_flags[i];
		}
	}
	return NULL;
}

int rb_check_gbench_flag(const char *arg, char *err, size_t errlen)
{
	const char *v;
	const struct gb_flag *f = find(arg, &v);
	char why[256], list[128];
	double d;
	long l;

	if (!f)
		return 0;
	if (!v && f->kind != K_BOOL) {
		static const char *const what[] = {
			[K_STRING] = "REGEX", [K_SECONDS] = "SECONDS", [K_SECONDS0] = "SECONDS",
			[K_REPS] = "N", [K_COLOR] = "auto|true|false", [K_CONTEXT] = "KEY=VALUE[,KEY=VALUE...]",
			[K_OUT] = "FILE", [K_PERF] = "LIST", [K_INT] = "N",
		};

		snprintf(err, errlen, "--%s needs =%s", f->name,
			 f->kind == K_CHOICE ? f->choices : what[f->kind]);
		return 2;
	}
	switch (f->kind) {
	case K_BOOL:
		if (v && !bool_word(v)) {
			snprintf(err, errlen, "--%s=%s: want true or false", f->name, v);
			return 2;
		}
		return 0;
	case K_STRING:
		return 0;
	case K_SECONDS:
		if (!parse_double(v, &d) || !(d > 0)) {
			snprintf(err, errlen, "--%s=%s: want a positive number of seconds", f->name, v);
			return 2;
		}
		return 0;
	case K_SECONDS0:
		if (!parse_double(v, &d) || !(d >= 0)) {
			snprintf(err, errlen, "--%s=%s: want a number of seconds, 0 or more", f->name, v);
			return 2;
		}
		return 0;
	case K_REPS:
		if (!parse_long(v, &l) || l < 1 || l > RB_GB_MAX_REPETITIONS) {
			snprintf(err, errlen, "--%s=%s: want an integer from 1 to %d", f->name, v,
				 RB_GB_MAX_REPETITIONS);
			return 2;
		}
		return 0;
	case K_INT:
		if (!parse_long(v, &l) || l < 0 || l > INT_MAX) {
			snprintf(err, errlen, "--%s=%s: want an integer, 0 or more", f->name, v);
			return 2;
		}
		return 0;
	case K_CHOICE:
		if (!in_choices(v, f->choices)) {
			say_choices(f->choices, list, sizeof(list));
			snprintf(err, errlen, "--%s=%s: want %s", f->name, v, list);
			return 2;
		}
		return 0;
	case K_COLOR:
		if (strcmp(v, "auto") && !bool_word(v)) {
			snprintf(err, errlen, "--%s=%s: want auto, true or false", f->name, v);
			return 2;
		}
		return 0;
	case K_CONTEXT:
		if (!context_ok(v)) {
			snprintf(err, errlen, "--%s=%s: needs KEY=VALUE (several: KEY=VALUE,KEY=VALUE; "
				 "no '=' or ',' inside a key or value)", f->name, v);
			return 2;
		}
		return 0;
	case K_OUT:
		if (out_ok(v, why, sizeof(why))) {
			snprintf(err, errlen, "--%s=%s: %s", f->name, v, why);
			return 2;
		}
		return 0;
	case K_PERF:
		if (*v) {
			snprintf(err, errlen, "--%s=%s: Debian's Google Benchmark is built without "
				 "libpfm and would count nothing; use --perf-events=LIST", f->name, v);
			return 2;
		}
		return 0;
	}
	return 0;
}

/* The @k-th KEY of a checked KEY=VALUE,... list: its start and length; false past the end. */
static bool context_key(const char *v, int k, const char **key, size_t *len)
{
	for (; k > 0; k--) {
		v = strchr(v, ',');
		if (!v)
			return false;
		v++;
	}
	*key = v;
	*len = strcspn(v, "=");
	return true;
}

int rb_check_gbench_flags(int argc, char *const *argv, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		int rc = rb_check_gbench_flag(argv[i], err, errlen);

		if (rc)
			return rc;
	}
	/* Google Benchmark keeps the first of two equal keys, silently. */
	for (int i = 1; i < argc; i++) {
		const char *v, *a, *b;
		size_t alen, blen;

		if (strncmp(argv[i], "--benchmark_context=", 20))
			continue;
		v = argv[i] + 20;
		for (int ka = 0; context_key(v, ka, &a, &alen); ka++)
			for (int j = i; j < argc; j++) {
				if (strncmp(argv[j], "--benchmark_context=", 20))
					continue;
				for (int kb = j == i ? ka + 1 : 0;
				     context_key(argv[j] + 20, kb, &b, &blen); kb++)
					if (alen == blen && !strncmp(a, b, alen)) {
						snprintf(err, errlen, "--benchmark_context: the key '%.*s' "
							 "is given twice", (int)alen, a);
						return 2;
					}
			}
	}
	return 0;
}
