// SPDX-License-Identifier: GPL-2.0
/*
 * refbench: main(). Google Benchmark's flags (--benchmark_*) are taken out of
 * argv by rb_initialize(); what remains must be one of refbench's own flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"

static void usage(void)
{
	printf("refbench %s: page refcounting and pinning microbenchmarks\n"
	       "\n"
	       "refbench's own flags:\n"
	       "  --version              print the version and build, then exit\n"
	       "  --list-families        list the benchmark families, then exit\n"
	       "\n"
	       "Benchmark names are <family>/<variant>/<scenario>[/args...]; select them with\n"
	       "--benchmark_filter=REGEX. Google Benchmark's flags follow.\n\n",
	       rb_version);
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

int main(int argc, char **argv)
{
	const struct rb_family *f;
	long n;
	int i;

	rb_initialize(&argc, argv, usage);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("refbench %s (commit %s%s, %s, %s)\n", rb_version, rb_git_commit,
			       strcmp(rb_git_dirty, "true") ? "" : "-dirty", rb_build_type, rb_compiler);
			return 0;
		}
		if (!strcmp(argv[i], "--list-families")) {
			for (f = __start_rb_families; f < __stop_rb_families; f++)
				printf("%-8s %s\n", f->name, f->summary);
			return 0;
		}
		fprintf(stderr, "refbench: unknown flag '%s' (see --help)\n", argv[i]);
		return 2;
	}

	for (f = __start_rb_families; f < __stop_rb_families; f++)
		f->register_benchmarks();
	add_context();
	n = rb_run_specified_benchmarks();
	rb_shutdown();
	if (n < 0)
		return 1;
	if (n == 0) {
		/* Google Benchmark has said which filter matched nothing. */
		fprintf(stderr, "refbench: no benchmark ran\n");
		return 1;
	}
	return 0;
}
