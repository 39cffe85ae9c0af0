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
"  --process-test=yuen|welch|hl  with >= 3 processes a side, compare the\n"
"                       processes' medians by Yuen's 20%%-trimmed means\n"
"                       (default: one outlying process moves nothing), Welch's\n"
"                       means, or Hodges-Lehmann/Mann-Whitney\n"
"  --margin-cap=PCT     process level: a 'no change (+-X%%)' claims the interval\n"
"                       inside +-X%%, X = max(threshold, the resolution of the\n"
"                       baseline's process spread); above PCT (default %.0f)\n"
"                       the row is 'too noisy'\n"
"  --filter=ERE         compare only the benchmarks whose names match\n"
"  --cells=FILE         compare only the benchmarks named in FILE (one a line,\n"
"                       '#' comments); --cell=NAME adds one (repeatable)\n"
"  --host-factor=auto|none|F  absolute times: auto (default) estimates the\n"
"                       host factor from the calibration cells of both files\n"
"                       and gives verdicts on normalised times; without them,\n"
"                       refuses when most benchmarks moved together ('host\n"
"                       differs'); none: raw times; F: divide the contender by F\n"
"  --calibration=ERE    the calibration cells (default '%s')\n"
"  --ratio=ERE=DEN      compare within-run ratios instead: each benchmark whose\n"
"                       name matches ERE over the one named DEN (\\1..\\9: ERE's\n"
"                       groups), per run and repetition (repeatable);\n"
"                       --ratio=findings: the pairs of the four questions\n"
"                       (retry|xadd/null, grouped/subpage, batched/per-page\n"
"                       unpin, lock|bias|flag_*/flag, onebased/zerobased,\n"
"                       capi/native)\n"
"  --allow-missing      compare the common benchmarks when the sets differ\n"
"  --ignore-machine     compare results whose machine keys differ\n"
"  --fail-on-noisy      exit 1 on 'too noisy' as well\n"
"  -o, --output=FILE    write there instead of stdout\n"
"  --merge              merge runs of one build into one file (-o)\n"
"  --callgrind=DIR      convert a refbench --instr-count run's JSON and its\n"
"                       callgrind dumps in DIR into instructions per iteration\n"
"  --set-context=K=V    with --merge/--callgrind: add K=V to the context\n",
		100 * RB_DEFAULT_THRESHOLD_TIME, 100 * RB_DEFAULT_THRESHOLD_INSTR,
		100 * RB_DEFAULT_MARGIN_CAP, RB_DEFAULT_CALIBRATION);
}

/* A keyword option's values: --process-test, --correction, --host-factor. */
struct choice {
	const char *name;
	int value;
};

/* @arg's value in @c (NULL-terminated) into *@out: 0, or -1 if none. */
static int choose(const struct choice *c, const char *arg, int *out)
{
	for (; c->name; c++)
		if (!strcmp(c->name, arg)) {
			*out = c->value;
			return 0;
		}
	return -1;
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

struct names {
	char **v;
	size_t n, cap;
};

static void free_names(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int add_name(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		char **nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n] = strdup(name);
	return s->v[s->n] ? (s->n++, 0) : -1;
}

/* --cells=FILE: one name a line; blank lines and '#' comments skipped. */
static int read_cells(const char *path, struct names *s)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, before = s->n;
	ssize_t len;

	if (!fp) {
		fprintf(stderr, "refbench-compare: --cells=%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *b = line, *e = line + len;

		while (e > b && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*b || *b == '#')
			continue;
		if (add_name(s, b)) {
			free(line);
			fclose(fp);
			fprintf(stderr, "refbench-compare: out of memory\n");
			return -1;
		}
	}
	free(line);
	fclose(fp);
	if (s->n == before) {
		fprintf(stderr, "refbench-compare: --cells=%s: no benchmark name in the file\n", path);
		return -1;
	}
	return 0;
}

static struct names cells;

static void free_cells(void)
{
	free_names(&cells);
}

int main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_METRIC, O_THRESHOLD, O_ALPHA, O_CORR, O_FILTER, O_ALLOW,
	       O_IGNORE, O_NOISY, O_MERGE, O_CALLGRIND, O_SETCTX, O_HELP, O_CELLS, O_CELL, O_HF,
	       O_CALIB, O_RATIO, O_PTEST, O_MCAP };
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
		{ "cells", required_argument, NULL, O_CELLS },
		{ "cell", required_argument, NULL, O_CELL },
		{ "host-factor", required_argument, NULL, O_HF },
		{ "calibration", required_argument, NULL, O_CALIB },
		{ "ratio", required_argument, NULL, O_RATIO },
		{ "process-test", required_argument, NULL, O_PTEST },
		{ "margin-cap", required_argument, NULL, O_MCAP },
		{ NULL, 0, NULL, 0 },
	};
	struct rb_cmp_opts o = {
		.alpha = 0.05, .threshold = -1, .correction = RB_CORR_HOLM,
		.metric = GB_CPU_TIME, .format = RB_FMT_TEXT,
	};
	const char *outpath = NULL, *cgdir = NULL;
	static const char *kv[64];
	size_t nkv = 0;
	int merge = 0, c, rc, k;
	struct gb_file a, b;
	struct rb_cmp_result r;
	char err[GB_ERR_LEN];
	FILE *out = stdout;
	static struct rb_ratio ratios[64];
	size_t nratios = 0;

	atexit(free_cells);
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
		case O_PTEST: {
			static const struct choice tests[] = {
				{ "yuen", RB_PT_YUEN }, { "welch", RB_PT_WELCH }, { "hl", RB_PT_HL },
				{ NULL, 0 } };

			if (choose(tests, optarg, &k))
				return bad("--process-test=%s: want yuen, welch or hl", optarg);
			o.process_test = k;
			break;
		}
		case O_MCAP:
			if (parse_double(optarg, 0, 1000, &o.margin_cap) || o.margin_cap <= 0)
				return bad("--margin-cap=%s: want a percentage above 0, up to 1000", optarg);
			o.margin_cap /= 100;
			break;
		case O_ALPHA:
			if (parse_double(optarg, 1e-9, 0.5, &o.alpha))
				return bad("--alpha=%s: want a number in (0, 0.5]", optarg);
			break;
		case O_CORR: {
			static const struct choice corrections[] = {
				{ "holm", RB_CORR_HOLM }, { "bh", RB_CORR_BH },
				{ "none", RB_CORR_NONE }, { NULL, 0 } };

			if (choose(corrections, optarg, &k))
				return bad("--correction=%s: want holm, bh or none", optarg);
			o.correction = k;
			break;
		}
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
		case O_CELLS:
			if (read_cells(optarg, &cells)) {
				free_names(&cells);
				return 2;
			}
			break;
		case O_CELL:
			if (!*optarg || add_name(&cells, optarg)) {
				free_names(&cells);
				return bad("--cell=%s: want a benchmark name", optarg);
			}
			break;
		case O_HF: {
			static const struct choice modes[] = {
				{ "auto", RB_HF_AUTO }, { "none", RB_HF_NONE }, { NULL, 0 } };

			if (!choose(modes, optarg, &k)) {
				o.hf_mode = k;
			} else if (!parse_double(optarg, 0.01, 100, &o.hf_value)) {
				o.hf_mode = RB_HF_FIXED;
			} else {
				free_names(&cells);
				return bad("--host-factor=%s: want auto, none or a factor from 0.01 to 100",
					   optarg);
			}
			break;
		}
		case O_CALIB:
			o.calibration = optarg;
			break;
		case O_RATIO: {
			char *eq = strrchr(optarg, '=');

			if (!strcmp(optarg, "findings")) {
				/* The like-for-like pairs of the four questions (and the harness). */
				static const struct rb_ratio findings[] = {
					{ "^split/retry/(.*)$", "split/null/\\1" },
					{ "^split/xadd/(.*)$", "split/null/\\1" },
					{ "^grab/grouped/(.*)$", "grab/subpage/\\1" },
					{ "^grab/unpin_batched/(.*)$", "grab/unpin_per_page/\\1" },
					{ "^pin/(lock|bias|flag_fullmb|flag_refcount)/(.*)$", "pin/flag/\\2" },
					{ "^devmap/onebased/(.*)$", "devmap/zerobased/\\1" },
					{ "^harness/capi/(.*)$", "harness/native/\\1" },
				};

				for (size_t i = 0; i < sizeof(findings) / sizeof(findings[0]); i++) {
					if (nratios == sizeof(ratios) / sizeof(ratios[0]))
						return bad("%s", "too many --ratio");
					ratios[nratios++] = findings[i];
				}
				break;
			}

			if (!eq || eq == optarg || !eq[1]) {
				free_names(&cells);
				return bad("--ratio=%s: want NUMERATOR_ERE=DENOMINATOR (e.g. "
					   "'^split/retry/(.*)=split/null/\\1')", optarg);
			}
			if (nratios == sizeof(ratios) / sizeof(ratios[0])) {
				free_names(&cells);
				return bad("%s", "too many --ratio");
			}
			*eq = '\0';
			ratios[nratios++] = (struct rb_ratio){ .num = optarg, .den = eq + 1 };
			break;
		}
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
	if (argc - optind != 2) {
		free_names(&cells);
		return bad("%s", "want two files: BASELINE.json CONTENDER.json");
	}
	if (cells.n) {
		o.cells = (const char *const *)cells.v;
		o.ncells = cells.n;
	}
	o.ratios = ratios;
	o.nratios = nratios;
	if (gb_read_file(argv[optind], o.metric, &a, err)) {
		fprintf(stderr, "refbench-compare: %s\n", err);
		free_names(&cells);
		return 2;
	}
	gb_drop_rows(&a);	/* read: only the context is needed from here on */
	if (gb_read_file(argv[optind + 1], o.metric, &b, err)) {
		fprintf(stderr, "refbench-compare: %s\n", err);
		gb_free(&a);
		free_names(&cells);
		return 2;
	}
	gb_drop_rows(&b);
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
	free_names(&cells);
	return rc;
}
