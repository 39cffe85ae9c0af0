// SPDX-License-Identifier: GPL-2.0
/*
 * refbench: main(). Google Benchmark's flags (--benchmark_*) are taken out of
 * argv by rb_initialize(); what remains must be one of refbench's own flags
 * (RB_FLAG, see refbench.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gbench_flags.h"
#include "refbench.h"

static int show_version(void)
{
	printf("refbench %s (commit %s%s, %s, %s)\n", rb_version, rb_git_commit,
	       strcmp(rb_git_dirty, "true") ? "" : "-dirty", rb_build_type, rb_compiler);
	return 0;
}
RB_FLAG(version, "--version", NULL, "print the version and build, then exit", NULL, show_version);

static int list_families(void)
{
	for (const struct rb_family *f = __start_rb_families; f < __stop_rb_families; f++)
		printf("%-8s %s\n", f->name, f->summary);
	return 0;
}
RB_FLAG(list_families, "--list-families", NULL, "list the benchmark families, then exit", NULL,
	list_families);

int rb_flag_parse_number(const char *flag, const char *value, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value || *end || !(v >= 0 && v <= max)) {
		fprintf(stderr, "refbench: %s=%s: want a number from 0 to %g\n", flag, value, max);
		return 2;
	}
	*out = v;
	return 0;
}

static void usage(void)
{
	printf("refbench %s: page refcounting and pinning microbenchmarks\n\nrefbench's own flags:\n",
	       rb_version);
	for (const struct rb_flag *f = __start_rb_flags; f < __stop_rb_flags; f++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%s%s", f->name, f->arg ? "=" : "", f->arg ? f->arg : "");
		printf("  %-28s %s\n", left, f->help);
	}
	printf("\nBenchmark names are <family>/<variant>/<scenario>[/args...]; select them with\n"
	       "--benchmark_filter=REGEX. Google Benchmark's flags follow.\n\n");
}

static void add_context(void)
{
	rb_add_context("refbench_version", rb_version);
	rb_add_context("git_commit", rb_git_commit);
	rb_add_context("git_dirty", rb_git_dirty);
	rb_add_context("build_type", rb_build_type);
	rb_add_context("compiler", rb_compiler);
	rb_add_context("compiler_flags", rb_compiler_flags);
	/*
	 * Debian's libbenchmark reports library_build_type "debug"; the timed
	 * loops are compiled in refbench's own translation units, not in it.
	 */
	rb_add_context("measured_loop", "compiled in refbench's own translation units (see build_type); "
		       "library_build_type describes Debian's libbenchmark.so only");
}

/*
 * One of our flags: "--name" or "--name=value". NULL if @arg is none of
 * them; *@why set (and NULL returned) when it is one of them given the wrong
 * way: "--topology" without "=FILE" (a space instead of '=' leaves the value
 * as the next argument), or "--version=x".
 */
static const struct rb_flag *find_flag(const char *arg, const char **value, char *why, size_t len)
{
	for (const struct rb_flag *f = __start_rb_flags; f < __stop_rb_flags; f++) {
		size_t n = strlen(f->name);

		if (strncmp(arg, f->name, n) || (arg[n] != '\0' && arg[n] != '='))
			continue;
		if (arg[n] == '\0' && !f->arg) {
			*value = NULL;
			return f;
		}
		if (arg[n] == '=' && f->arg) {
			*value = arg + n + 1;
			return f;
		}
		if (f->arg)
			snprintf(why, len, "%s needs =%s (%s=%s; not a space)", f->name, f->arg,
				 f->name, f->arg);
		else
			snprintf(why, len, "%s takes no value", f->name);
		return NULL;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct rb_flag *actions[16];
	size_t nactions = 0;
	long n;
	char err[512];
	int i, rc;

	/* Google Benchmark 1.7.1 answers some bad values with its usage and exit 0, or an abort. */
	if ((rc = rb_check_gbench_flags(argc, argv, err, sizeof(err))) ||
	    (rc = rb_check_filter_flags(argc, argv, err, sizeof(err)))) {
		fprintf(stderr, "refbench: %s\n", err);
		return rc;
	}
	rb_initialize(&argc, argv, usage);
	for (i = 1; i < argc; i++) {
		const char *value;
		const struct rb_flag *f;

		err[0] = '\0';
		f = find_flag(argv[i], &value, err, sizeof(err));
		if (!f && err[0]) {
			fprintf(stderr, "refbench: %s\n", err);
			return 2;
		}
		if (!f) {
			fprintf(stderr, "refbench: unknown flag '%s' (see --help)\n", argv[i]);
			return 2;
		}
		if (f->parse && (rc = f->parse(value)) != 0)
			return rc;
		if (f->action && nactions < sizeof(actions) / sizeof(actions[0]))
			actions[nactions++] = f;
	}
	for (const struct rb_module *m = __start_rb_modules; m < __stop_rb_modules; m++)
		if ((rc = m->init()) != 0)
			return rc;
	if (nactions)
		return actions[0]->action();

	for (const struct rb_family *f = __start_rb_families; f < __stop_rb_families; f++)
		f->register_benchmarks();
	add_context();
	n = rb_run_specified_benchmarks();
	rb_shutdown();
	if (n < 0)
		return 1;
	if (n == 0) {
		/*
		 * A filter that selects nothing is bad input, and Google Benchmark
		 * has said so in one line ("Failed to match any benchmarks against
		 * regex: ..."); a second one would say less.
		 */
		return 2;
	}
	return 0;
}
