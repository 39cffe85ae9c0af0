// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-compare: compares two Google Benchmark result files and gives a
 * verdict per benchmark; exit 0 no regression, 1 regression, 2 unusable input.
 * See docs/compare.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "tools.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: refbench-compare [options] BASELINE.json CONTENDER.json\n"
"       refbench-compare --merge -o OUT.json [--set-context K=V]... RUN.json...\n"
"       refbench-compare --callgrind DIR -o OUT.json [--set-context K=V]... RUN.json\n"
"\n"
"Compares Google Benchmark JSON results (refbench's or any Google Benchmark\n"
"program's) benchmark by benchmark, on the repetition rows.\n"
"Exit status: 0 no regression, 1 regression, 2 unusable input.\n"
"\n"
"  --format=text|markdown|json  output (default text)\n"
"  --metric=cpu_time|real_time  which time to compare (default cpu_time: on a\n"
"                       shared machine real_time counts the time other\n"
"                       processes ran; see docs/compare.md)\n"
"  --threshold=PCT      minimum effect in percent (default %.2f for times,\n"
"                       %.2f for instruction counts)\n"
"  --alpha=A            significance level and 1-A interval (default 0.05)\n"
"  --correction=holm|bh|none  multiple-comparison correction (default holm)\n"
"  --filter=ERE         compare only the benchmarks whose names match\n"
"  --allow-missing      compare the common benchmarks when the sets differ\n"
"  --ignore-machine     compare results whose machine keys differ\n"
"  --fail-on-noisy      exit 1 on 'too noisy' as well\n"
"  -o, --output=FILE    write there instead of stdout\n"
"  --merge              merge runs of one build into one file (-o)\n"
"  --callgrind=DIR      convert a refbench --instr-count run's JSON and its\n"
"                       callgrind dumps in DIR into instructions per iteration\n"
"  --set-context=K=V    with --merge/--callgrind: add K=V to the context\n",
		100 * RB_DEFAULT_THRESHOLD_TIME, 100 * RB_DEFAULT_THRESHOLD_INSTR);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "refbench-compare: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	return 2;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !(*out >= lo && *out <= hi);
}

int main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_METRIC, O_THRESHOLD, O_ALPHA, O_CORR, O_FILTER, O_ALLOW,
	       O_IGNORE, O_NOISY, O_MERGE, O_CALLGRIND, O_SETCTX, O_HELP };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "metric", required_argument, NULL, O_METRIC },
		{ "threshold", required_argument, NULL, O_THRESHOLD },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "correction", required_argument, NULL, O_CORR },
		{ "filter", required_argument, NULL, O_FILTER },
		{ "allow-missing", no_argument, NULL, O_ALLOW },
		{ "ignore-machine", no_argument, NULL, O_IGNORE },
		{ "fail-on-noisy", no_argument, NULL, O_NOISY },
		{ "output", required_argument, NULL, 'o' },
		{ "merge", no_argument, NULL, O_MERGE },
		{ "callgrind", required_argument, NULL, O_CALLGRIND },
		{ "set-context", required_argument, NULL, O_SETCTX },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct rb_cmp_opts o = {
		.alpha = 0.05, .threshold = -1, .correction = RB_CORR_HOLM,
		.metric = GB_CPU_TIME, .format = RB_FMT_TEXT,
	};
	const char *outpath = NULL, *cgdir = NULL;
	static const char *kv[64];
	size_t nkv = 0;
	int merge = 0, c, rc;
	struct gb_file a, b;
	struct rb_cmp_result r;
	char err[GB_ERR_LEN];
	FILE *out = stdout;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (!strcmp(optarg, "text"))
				o.format = RB_FMT_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				o.format = RB_FMT_MARKDOWN;
			else if (!strcmp(optarg, "json"))
				o.format = RB_FMT_JSON;
			else
				return bad("--format=%s: want text, markdown or json", optarg);
			break;
		case O_METRIC:
			if (!strcmp(optarg, "real_time"))
				o.metric = GB_REAL_TIME;
			else if (!strcmp(optarg, "cpu_time"))
				o.metric = GB_CPU_TIME;
			else
				return bad("--metric=%s: want real_time or cpu_time", optarg);
			break;
		case O_THRESHOLD:
			if (parse_double(optarg, 0, 100, &o.threshold))
				return bad("--threshold=%s: want a percentage from 0 to 100", optarg);
			o.threshold /= 100;
			break;
		case O_ALPHA:
			if (parse_double(optarg, 1e-9, 0.5, &o.alpha))
				return bad("--alpha=%s: want a number in (0, 0.5]", optarg);
			break;
		case O_CORR:
			if (!strcmp(optarg, "holm"))
				o.correction = RB_CORR_HOLM;
			else if (!strcmp(optarg, "bh"))
				o.correction = RB_CORR_BH;
			else if (!strcmp(optarg, "none"))
				o.correction = RB_CORR_NONE;
			else
				return bad("--correction=%s: want holm, bh or none", optarg);
			break;
		case O_FILTER:
			o.filter = optarg;
			break;
		case O_ALLOW:
			o.allow_missing = 1;
			break;
		case O_IGNORE:
			o.ignore_machine = 1;
			break;
		case O_NOISY:
			o.fail_on_noisy = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		case O_MERGE:
			merge = 1;
			break;
		case O_CALLGRIND:
			cgdir = optarg;
			break;
		case O_SETCTX:
			if (nkv == sizeof(kv) / sizeof(kv[0]))
				return bad("%s", "too many --set-context");
			kv[nkv++] = optarg;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			return bad("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (merge || cgdir) {
		if (merge && cgdir)
			return bad("%s", "--merge and --callgrind do not go together");
		if (!outpath)
			return bad("%s", "--merge and --callgrind need -o OUT.json");
		if (merge) {
			if (optind >= argc)
				return bad("%s", "--merge needs at least one RUN.json");
			return rb_tool_merge(outpath, (const char *const *)argv + optind,
					     (size_t)(argc - optind), kv, nkv, o.ignore_machine);
		}
		if (argc - optind != 1)
			return bad("%s", "--callgrind needs exactly one RUN.json");
		return rb_tool_callgrind(outpath, argv[optind], cgdir, kv, nkv);
	}
	if (nkv)
		return bad("%s", "--set-context goes with --merge or --callgrind");
	if (argc - optind != 2)
		return bad("%s", "want two files: BASELINE.json CONTENDER.json");
	if (gb_read_file(argv[optind], o.metric, &a, err)) {
		fprintf(stderr, "refbench-compare: %s\n", err);
		return 2;
	}
	if (gb_read_file(argv[optind + 1], o.metric, &b, err)) {
		fprintf(stderr, "refbench-compare: %s\n", err);
		gb_free(&a);
		return 2;
	}
	rc = rb_compare(&a, &b, &o, &r, err);
	if (rc) {
		fprintf(stderr, "refbench-compare: %s\n", err);
	} else {
		if (outpath && !(out = fopen(outpath, "w"))) {
			fprintf(stderr, "refbench-compare: cannot write %s: %s\n", outpath,
				strerror(errno));
			rc = 2;
		} else {
			rb_compare_print(&r, out);
			if (out != stdout && fclose(out)) {
				fprintf(stderr, "refbench-compare: cannot write %s\n", outpath);
				rc = 2;
			} else {
				rc = r.exit_code;
			}
		}
	}
	rb_compare_free(&r);
	gb_free(&a);
	gb_free(&b);
	return rc;
}
