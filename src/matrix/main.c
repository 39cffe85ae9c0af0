// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: the benchmark matrix runner (docs/matrix.md). Plans the
 * cells from refbench's own listings, runs one refbench process per cell into
 * a run directory, and merges the finished cells into RUN_DIR/refbench.json.
 * scripts/matrix is the front users run (it adds the compare and plot steps).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrix.h"

#define MATRIX_FORMAT 1

static void usage(FILE *f)
{
	fprintf(f,
"usage: refbench-matrix [options] [-- extra refbench flags]\n"
"       refbench-matrix --resume=RUN_DIR [--retry-failed] [--cell-timeout=S]\n"
"\n"
"Plans the benchmark matrix (family x variant x placement x threads x sizes, as\n"
"refbench registers them), runs one refbench process per cell into a new run\n"
"directory, and merges the cells into RUN_DIR/refbench.json (docs/matrix.md).\n"
"\n"
"  --preset=quick|full       quick (default): unbound + compact, min_time 0.02 s,\n"
"                            8 processes x 3 repetitions per cell (5 x 3 for\n"
"                            cells of >= 1 GiB); full: every\n"
"                            placement and memory placement the machine gives,\n"
"                            min_time 0.05 s, 1 process x 3 repetitions\n"
"  --families=LIST           only these families (comma list; refbench --list-families)\n"
"  --placements=LIST         only these CPU placements (none, compact, scatter, ...)\n"
"  --memory=LIST             memory placements for bound cells (local, remote, interleave)\n"
"  --benchmark_filter=REGEX  only the benchmarks Google Benchmark's filter selects\n"
"  --benchmark_min_time=S    instead of the preset's\n"
"  --benchmark_repetitions=N instead of the preset's\n"
"  --processes=K             run each cell as K refbench processes (interleaved\n"
"                            round-robin over the plan, a cell file each, merged\n"
"                            as one benchmark; instead of the preset's)\n"
"  --groups=FILE             the benchmarks named on one line of FILE run as one\n"
"                            process (per placement and process), repetitions\n"
"                            randomly interleaved: ratios between them are made\n"
"                            within a process (scripts/findings --groups)\n"
"  --perf-events=LIST        counters for every cell (refbench --perf-events)\n"
"  --dry-run                 print the cells, the skipped cells and why, the estimate\n"
"  --topology=FILE|SPEC      with --dry-run: plan for that hwloc topology\n"
"  --refbench=PATH           the refbench binary (default: $REFBENCH_BIN, else the\n"
"                            build this program belongs to)\n"
"  --out-dir=DIR             where run directories go (default results)\n"
"  --run-dir=DIR             this run's directory (must not exist)\n"
"  --run-dir-file=FILE       write the run directory's path there once it exists\n"
"  --resume=RUN_DIR          run the cells of RUN_DIR that have no result yet, merge\n"
"  --retry-failed            with --resume: run the failed cells again too\n"
"  --cell-timeout=S          a cell running longer is killed, recorded failed (300)\n"
"  --progress=auto|tty|lines progress as a redrawn line (a terminal) or a line per cell\n"
"  --command=STRING          the command the user typed, for the result's context\n"
"\n"
"On Slurm (docs/matrix.md): the same plan, run as a Slurm job array\n"
"  --scheduler=local|slurm   slurm: submit the cells with sbatch (--exclusive), follow\n"
"                            them with squeue, merge; --resume follows or resubmits\n"
"  --partition=P --constraint=FEATURES --time=LIMIT   passed to sbatch\n"
"  --cells-per-task=N        cells per array task (default 1)\n"
"  --merge-runs=OUT RUN_DIR...   merge runs (a CI matrix's jobs) by machine key into\n"
"                            OUT/refbench.<key>.json and OUT/machines.json\n"
"\n"
"Exit status: 0 every cell ran; 1 the run finished but a cell failed (or an I/O\n"
"error); 2 bad arguments or input, nothing ran; 128+N stopped by signal N (the\n"
"finished cells are kept: --resume).\n");
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", mx_prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	return MX_USAGE;
}

/* The refbench next to this program in a build tree: <build>/src/matrix -> <build>/bench. */
static char *default_refbench(void)
{
	char self[4096];
	ssize_t n;
	char *slash, *p;

	if (getenv("REFBENCH_BIN") && *getenv("REFBENCH_BIN"))
		return mx_xstrdup(getenv("REFBENCH_BIN"));
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return NULL;
	*slash = '\0';
	p = mx_xasprintf("%s/../../bench/refbench", self);
	slash = realpath(p, NULL);
	free(p);
	if (!slash || access(slash, X_OK)) {
		free(slash);
		return NULL;
	}
	return slash;
}

/* First line of `refbench FLAG`, or NULL. */
static char *refbench_line(const char *rb, const char *flag)
{
	char *argv[] = { (char *)rb, (char *)flag, NULL };
	int status;
	char *out = mx_capture(argv, &status, NULL);

	if (!out || !WIFEXITED(status) || WEXITSTATUS(status)) {
		free(out);
		return NULL;
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static json_t *fingerprint(const char *rb)
{
	char *argv[] = { (char *)rb, "--fingerprint", NULL };
	int status;
	char *out = mx_capture(argv, &status, NULL), *save = NULL;
	json_t *fp = json_object();

	if (out && WIFEXITED(status) && !WEXITSTATUS(status)) {
		for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(l, '=');

			if (!eq || eq == l)
				continue;
			*eq = '\0';
			json_object_set_new(fp, l, json_string(eq + 1));
		}
	}
	free(out);
	return fp;
}

/* "refbench 0.1.0 (commit 23b80df59747...-dirty, ...)" -> "23b80df59747" */
static char *commit_of(const char *version)
{
	const char *c = version ? strstr(version, "(commit ") : NULL;
	size_t n;

	if (!c)
		return mx_xstrdup("unknown");
	c += 8;
	n = strspn(c, "0123456789abcdef");
	return n ? mx_xasprintf("%.*s", (int)(n < 12 ? n : 12), c) : mx_xstrdup("unknown");
}

static int mkdir_p(const char *path)
{
	char *p = mx_xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return mkdir(path, 0755);
}

static void print_plan(const struct mx_plan *p, double total)
{
	size_t nhist = 0;
	char d[32];

	char heavy[64] = "";

	if (p->heavy_processes > 0 && p->heavy_processes < p->processes)
		snprintf(heavy, sizeof(heavy), " (%d for cells of >= 1 GiB)", p->heavy_processes);
	printf("# refbench-matrix plan: preset %s, min_time %s s, %d process%s%s x %d repetition%s "
	       "per cell, refbench %s%s%s\n",
	       p->preset, p->min_time, p->processes > 1 ? p->processes : 1,
	       p->processes > 1 ? "es" : "", heavy, p->repetitions, p->repetitions == 1 ? "" : "s",
	       p->refbench,
	       p->topology ? ", topology " : "", p->topology ? p->topology : "");
	printf("# cell ID LABEL NAME (estimate); skip LABEL NAME|* -- REASON\n");
	for (size_t i = 0; i < p->ncells; i++) {
		const struct mx_cell *c = &p->cells[i];

		char reps[32] = "";

		/* a cell's own repetitions (a plan written before 2026-12-06 gave heavy cells 1) */
		if (c->repetitions > 0 && c->repetitions != p->repetitions)
			snprintf(reps, sizeof(reps), " repetitions:%d", c->repetitions);
		if (c->process)
			printf("cell %s %s %s%s process:%d (~%.2f s)\n", c->id, c->label, c->name,
			       reps, c->process, c->estimate_s);
		else
			printf("cell %s %s %s%s (~%.2f s)\n", c->id, c->label, c->name, reps,
			       c->estimate_s);
		nhist += !strcmp(c->estimate_from, "history");
	}
	for (size_t i = 0; i < p->nskips; i++) {
		const struct mx_skip *s = &p->skips[i];
		char *label = *s->memory && strcmp(s->memory, "local") ?
			mx_xasprintf("%s,mem=%s", s->placement, s->memory) : mx_xstrdup(s->placement);

		printf("skip %s %s -- %s\n", label, s->name, s->reason);
		free(label);
	}
	mx_fmt_duration(d, sizeof(d), total);
	printf("# %zu cells, %zu skipped; estimated duration %s (%zu cells timed in %s, %zu by the "
	       "min_time heuristic)\n", p->ncells, p->nskips, d, nhist,
	       p->history_run ? p->history_run : "no earlier run", p->ncells - nhist);
}

static double plan_total(const struct mx_plan *p)
{
	double t = 0;

	for (size_t i = 0; i < p->ncells; i++)
		t += p->cells[i].estimate_s;
	return t;
}

enum {
	O_PRESET = 256, O_FAMILIES, O_PLACEMENTS, O_MEMORY, O_FILTER, O_MINTIME, O_REPS,
	O_PERF, O_DRY, O_TOPO, O_REFBENCH, O_OUTDIR, O_RUNDIR, O_RUNDIRFILE, O_RESUME,
	O_RETRY, O_TIMEOUT, O_PROGRESS, O_COMMAND, O_HELP, O_PROCS, O_GROUPS,
	O_SCHED, O_PARTITION, O_CONSTRAINT, O_TIME, O_PER_TASK, O_SLURM_TASK, O_SUBMISSION,
	O_MERGE_RUNS,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "preset", required_argument, NULL, O_PRESET },
		{ "families", required_argument, NULL, O_FAMILIES },
		{ "placements", required_argument, NULL, O_PLACEMENTS },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "benchmark_filter", required_argument, NULL, O_FILTER },
		{ "benchmark_min_time", required_argument, NULL, O_MINTIME },
		{ "benchmark_repetitions", required_argument, NULL, O_REPS },
		{ "processes", required_argument, NULL, O_PROCS },
		{ "groups", required_argument, NULL, O_GROUPS },
		{ "perf-events", required_argument, NULL, O_PERF },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "topology", required_argument, NULL, O_TOPO },
		{ "refbench", required_argument, NULL, O_REFBENCH },
		{ "out-dir", required_argument, NULL, O_OUTDIR },
		{ "run-dir", required_argument, NULL, O_RUNDIR },
		{ "run-dir-file", required_argument, NULL, O_RUNDIRFILE },
		{ "resume", required_argument, NULL, O_RESUME },
		{ "retry-failed", no_argument, NULL, O_RETRY },
		{ "cell-timeout", required_argument, NULL, O_TIMEOUT },
		{ "progress", required_argument, NULL, O_PROGRESS },
		{ "command", required_argument, NULL, O_COMMAND },
		{ "help", no_argument, NULL, O_HELP },
		{ "scheduler", required_argument, NULL, O_SCHED },
		{ "partition", required_argument, NULL, O_PARTITION },
		{ "constraint", required_argument, NULL, O_CONSTRAINT },
		{ "time", required_argument, NULL, O_TIME },
		{ "cells-per-task", required_argument, NULL, O_PER_TASK },
		{ "slurm-task", required_argument, NULL, O_SLURM_TASK },
		{ "submission", required_argument, NULL, O_SUBMISSION },
		{ "merge-runs", required_argument, NULL, O_MERGE_RUNS },
		{ NULL, 0, NULL, 0 },
	};
	/* static: what main() holds stays reachable when it exits early */
	static struct mx_plan plan = { .preset = "quick" };
	static struct mx_run run = { .cell_timeout = 300 };
	static char *refbench, *cmd, *dir, *version;
	static json_t *meta;
	const char *out_dir = "results", *run_dir = NULL, *run_dir_file = NULL, *resume = NULL;
	const char *progress = "auto", *user_command = NULL, *planning_opt = NULL;
	bool dry = false;
	size_t nfailed = 0;
	int c, rc;
	/* Slurm (slurm.c) */
	static struct mx_slurm slurm = { .cells_per_task = 1, .poll_s = 2 };
	const char *scheduler = NULL, *slurm_task = NULL, *merge_runs = NULL;
	int submission = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case O_PRESET: plan.preset = optarg; planning_opt = "--preset"; break;
		case O_FAMILIES: plan.families = mx_split_list(optarg); planning_opt = "--families"; break;
		case O_PLACEMENTS:
			plan.placements = mx_split_list(optarg);
			planning_opt = "--placements";
			break;
		case O_MEMORY: plan.memories = mx_split_list(optarg); planning_opt = "--memory"; break;
		case O_FILTER: plan.filter = optarg; planning_opt = "--benchmark_filter"; break;
		case O_MINTIME:
			if (!(strtod(optarg, &end) > 0) || *end || end == optarg ||
			    !isfinite(strtod(optarg, NULL)))
				return bad("--benchmark_min_time=%s: want a positive number of seconds",
					   optarg);
			plan.min_time = optarg;
			planning_opt = "--benchmark_min_time";
			break;
		case O_REPS:
		{
			long reps;

			errno = 0;
			reps = strtol(optarg, &end, 10);
			/* refbench's own bound (bench/gbench_flags.h) */
			if (reps < 1 || reps > 100000 || errno || *end || end == optarg)
				return bad("--benchmark_repetitions=%s: want an integer from 1 to 100000",
					   optarg);
			plan.repetitions = (int)reps;
		}
			planning_opt = "--benchmark_repetitions";
			break;
		case O_PROCS:
			plan.processes = (int)strtol(optarg, &end, 10);
			if (plan.processes < 1 || plan.processes > 1000 || *end || end == optarg)
				return bad("--processes=%s: want an integer from 1 to 1000", optarg);
			planning_opt = "--processes";
			break;
		case O_GROUPS: plan.groups_file = optarg; planning_opt = "--groups"; break;
		case O_PERF: run.perf_events = optarg; planning_opt = "--perf-events"; break;
		case O_DRY: dry = true; break;
		case O_TOPO: plan.topology = optarg; break;
		case O_REFBENCH: refbench = mx_xstrdup(optarg); break;
		case O_OUTDIR: out_dir = optarg; break;
		case O_RUNDIR: run_dir = optarg; break;
		case O_RUNDIRFILE: run_dir_file = optarg; break;
		case O_RESUME: resume = optarg; break;
		case O_RETRY: run.retry_failed = true; break;
		case O_TIMEOUT:
			run.cell_timeout = strtod(optarg, &end);
			if (!(run.cell_timeout > 0) || !isfinite(run.cell_timeout) || *end ||
			    end == optarg)
				return bad("--cell-timeout=%s: want a positive number of seconds", optarg);
			break;
		case O_PROGRESS:
			if (strcmp(optarg, "auto") && strcmp(optarg, "tty") && strcmp(optarg, "lines"))
				return bad("--progress=%s: want auto, tty or lines", optarg);
			progress = optarg;
			break;
		case O_COMMAND: user_command = optarg; break;
		case O_SCHED:
			if (strcmp(optarg, "local") && strcmp(optarg, "slurm"))
				return bad("--scheduler=%s: want local or slurm", optarg);
			scheduler = optarg;
			break;
		case O_PARTITION: slurm.partition = optarg; break;
		case O_CONSTRAINT: slurm.constraint = optarg; break;
		case O_TIME: slurm.time_limit = optarg; break;
		case O_PER_TASK:
			slurm.cells_per_task = (int)strtol(optarg, &end, 10);
			if (slurm.cells_per_task < 1 || *end || end == optarg)
				return bad("--cells-per-task=%s: want a positive integer", optarg);
			break;
		case O_SLURM_TASK: slurm_task = optarg; break;
		case O_SUBMISSION:
			submission = (int)strtol(optarg, &end, 10);
			if (submission < 0 || *end || end == optarg)
				return bad("--submission=%s: want a non-negative integer", optarg);
			break;
		case O_MERGE_RUNS: merge_runs = optarg; break;
		case 'h':
		case O_HELP: usage(stdout); return 0;
		default:
			return bad("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (merge_runs)
		return mx_merge_runs(merge_runs, argv + optind);
	if (slurm_task)
		return mx_slurm_task(slurm_task, submission, run.cell_timeout, run.retry_failed);
	if ((slurm.partition || slurm.constraint || slurm.time_limit || slurm.cells_per_task != 1) &&
	    !(scheduler && !strcmp(scheduler, "slurm")) && !resume)
		return bad("%s: Slurm options go with --scheduler=slurm", slurm.partition ?
			   "--partition" : slurm.constraint ? "--constraint" : slurm.time_limit ?
			   "--time" : "--cells-per-task");
	/* what is left must follow "--": refbench flags for every cell */
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		return bad("unexpected argument '%s' (refbench flags go after --)", argv[optind]);
	run.extra = argv + optind;
	for (char **e = run.extra; *e; e++) {
		static const char *const own[] = {
			"--benchmark_filter", "--benchmark_out", "--benchmark_list_tests",
			"--benchmark_min_time", "--benchmark_repetitions", "--placement", "--memory",
			"--topology", "--perf-events", "--benchmark_format",
		};

		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			if (!strncmp(*e, own[i], strlen(own[i])))
				return bad("%s: give it to refbench-matrix itself, not after --", *e);
	}
	if (run.extra[0])
		planning_opt = planning_opt ? planning_opt : "refbench flags after --";
	run.tty = !strcmp(progress, "tty") || (!strcmp(progress, "auto") && isatty(STDOUT_FILENO));
	cmd = mx_argv_string(argv);

	if (plan.topology && !dry)
		return bad("--topology=%s plans for another machine: use it with --dry-run",
			   plan.topology);
	if (resume && (dry || run_dir || planning_opt))
		return bad("%s: --resume takes the plan from the run directory", dry ? "--dry-run" :
			   run_dir ? "--run-dir" : planning_opt);
	if (run.retry_failed && !resume)
		return bad("%s goes with --resume", "--retry-failed");

	if (resume) {
		json_error_t je;
		struct stat sb;
		const char *rv;
		char *now_version;

		if (stat(resume, &sb) || !S_ISDIR(sb.st_mode))
			return bad("--resume=%s: no such directory", resume);
		dir = mx_xasprintf("%s/matrix.json", resume);
		meta = json_load_file(dir, 0, &je);
		if (!meta || json_integer_value(json_object_get(meta, "matrix_format")) != MATRIX_FORMAT) {
			fprintf(stderr, "%s: --resume=%s: not a refbench-matrix run directory (%s)\n",
				mx_prog, resume, meta ? "matrix.json is not a matrix plan" :
				access(dir, F_OK) ? "no matrix.json" : je.text);
			return MX_USAGE;
		}
		free(dir);
		if ((rc = mx_plan_from_json(&plan, meta, resume)))
			return rc;
		plan.preset = json_string_value(json_object_get(meta, "preset"));
		plan.min_time = json_string_value(json_object_get(meta, "min_time"));
		plan.repetitions = (int)json_integer_value(json_object_get(meta, "repetitions"));
		plan.processes = (int)json_integer_value(json_object_get(meta, "processes"));
		run.perf_events = json_string_value(json_object_get(meta, "perf_events"));
		if (!refbench)
			refbench = mx_xstrdup(json_string_value(json_object_get(meta, "refbench")));
		if (!plan.preset || !plan.min_time || plan.repetitions < 1 || !refbench || !*refbench) {
			fprintf(stderr, "%s: --resume=%s: matrix.json is incomplete\n", mx_prog, resume);
			return MX_USAGE;
		}
		{
			json_t *ex = json_object_get(meta, "refbench_args"), *a;
			size_t i;

			run.extra = mx_xmalloc(sizeof(char *) * (json_array_size(ex) + 1));
			json_array_foreach(ex, i, a)
				run.extra[i] = mx_xstrdup(json_string_value(a));
			run.extra[json_array_size(ex)] = NULL;
		}
		/* the same build, or the merged result would mix two */
		rv = json_string_value(json_object_get(meta, "refbench_version"));
		now_version = refbench_line(refbench, "--version");
		if (!now_version) {
			fprintf(stderr, "%s: --resume=%s: cannot run %s --version\n", mx_prog, resume,
				refbench);
			return MX_USAGE;
		}
		if (rv && strcmp(rv, now_version)) {
			fprintf(stderr, "%s: --resume=%s: the run used '%s', this refbench is '%s'; "
				"resume with the same build\n", mx_prog, resume, rv, now_version);
			return MX_USAGE;
		}
		free(now_version);
		{
			const char *ph = json_string_value(json_object_get(meta, "refbench_sha256"));
			char *nh = ph ? mx_sha256_file(refbench) : NULL;

			if (ph && nh && strcmp(ph, nh)) {
				fprintf(stderr, "%s: --resume=%s: %s is not the binary the run was "
					"planned with (SHA-256 %.16s..., the plan's %.16s...); resume "
					"with the same build\n", mx_prog, resume, refbench, nh, ph);
				free(nh);
				return MX_USAGE;
			}
			free(nh);
		}
		if (!scheduler)
			scheduler = json_string_value(json_object_get(meta, "scheduler"));
		if (scheduler && !strcmp(scheduler, "slurm")) {
			json_t *so = json_object_get(meta, "slurm");

			if (!slurm.partition)
				slurm.partition = json_string_value(json_object_get(so, "partition"));
			if (!slurm.constraint)
				slurm.constraint = json_string_value(json_object_get(so, "constraint"));
			if (!slurm.time_limit)
				slurm.time_limit = json_string_value(json_object_get(so, "time"));
			if (slurm.cells_per_task == 1 && json_integer_value(json_object_get(so, "cells_per_task")) > 1)
				slurm.cells_per_task = (int)json_integer_value(json_object_get(so, "cells_per_task"));
			if ((rc = mx_slurm_check(&slurm)))
				return rc;
		}
		json_object_set_new(meta, "resumed", json_string(cmd));
		dir = mx_xstrdup(resume);
	} else {
		char stamp[32];
		double total;
		time_t t = time(NULL);
		json_t *extra, *p;
		const char *k;
		json_t *v;

		if (!refbench && !(refbench = default_refbench()))
			return bad("%s", "no refbench binary found: give --refbench=PATH (or REFBENCH_BIN)");
		if (access(refbench, X_OK))
			return bad("--refbench=%s: not an executable file", refbench);
		if (strchr(refbench, '/')) {
			char *abs = realpath(refbench, NULL);

			if (abs) {
				free(refbench);
				refbench = abs;
			}
		}
		plan.refbench = refbench;
		plan.history_dir = out_dir;
		if ((rc = mx_make_plan(&plan)))
			return rc;
		total = plan_total(&plan);
		if (dry) {
			print_plan(&plan, total);
			return 0;
		}
		/* no sbatch, or a partition Slurm refuses: one line, exit 2, nothing created */
		if (scheduler && !strcmp(scheduler, "slurm") && (rc = mx_slurm_check(&slurm)))
			return rc;
		version = refbench_line(refbench, "--version");
		if (!version)
			return bad("%s --version failed: is it refbench?", refbench);
		{
			/* every cell's flags, checked once by refbench itself (issue 17) */
			size_t ne = 0, k = 0;
			char **av, *err = NULL, *o, *pe = NULL;
			int st;

			while (run.extra[ne])
				ne++;
			av = mx_xmalloc(sizeof(*av) * (ne + 4));
			av[k++] = refbench;
			if (run.perf_events)
				av[k++] = pe = mx_xasprintf("--perf-events=%s", run.perf_events);
			for (size_t e = 0; e < ne; e++)
				av[k++] = run.extra[e];
			av[k++] = "--version";
			av[k] = NULL;
			o = mx_capture(av, &st, &err);
			if (o && WIFEXITED(st) && WEXITSTATUS(st) == 2) {
				char *l = err ? err : "";

				l[strcspn(l, "\n")] = '\0';
				fprintf(stderr, "%s: the cells' refbench flags are refused: %s\n", mx_prog,
					*l ? l : "no message");
				return MX_USAGE;
			}
			free(o);
			free(err);
			free(pe);
			free(av);
		}
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&t));
		if (run_dir) {
			dir = mx_xstrdup(run_dir);
		} else {
			char *commit = commit_of(version);

			dir = mx_xasprintf("%s/%s-%s", out_dir, stamp, commit);
			free(commit);
		}
		if (!access(dir, F_OK)) {
			/* bad input (a name already taken), nothing ran: 2, not "a cell failed" */
			fprintf(stderr, "%s: %s already exists; not overwriting it\n", mx_prog, dir);
			return MX_USAGE;
		}
		if (mkdir_p(dir)) {
			fprintf(stderr, "%s: cannot create %s: %s\n", mx_prog, dir, strerror(errno));
			return MX_FAILED;
		}
		extra = json_array();
		for (char **e = run.extra; *e; e++)
			json_array_append_new(extra, json_string(*e));
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		meta = json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o}",
				 "matrix_format", MATRIX_FORMAT, "preset", plan.preset,
				 "min_time", plan.min_time, "repetitions", plan.repetitions,
				 "refbench", refbench, "refbench_version", version,
				 "command", cmd, "started", stamp, "run_dir", dir,
				 "refbench_args", extra);
		json_object_set_new(meta, "processes", json_integer(plan.processes > 1 ? plan.processes : 1));
		if (user_command)
			json_object_set_new(meta, "refbench_command", json_string(user_command));
		if (plan.filter)
			json_object_set_new(meta, "filter", json_string(plan.filter));
		if (run.perf_events)
			json_object_set_new(meta, "perf_events", json_string(run.perf_events));
		json_object_set_new(meta, "fingerprint", fingerprint(refbench));
		{
			char *h = mx_sha256_file(refbench);

			if (h)
				json_object_set_new(meta, "refbench_sha256", json_string(h));
			free(h);
		}
		if (scheduler && !strcmp(scheduler, "slurm")) {
			char *abs = realpath(dir, NULL);

			/* the tasks read and write the run directory: an absolute (shared) path */
			if (abs) {
				free(dir);
				dir = abs;
				json_object_set_new(meta, "run_dir", json_string(dir));
			}
			json_object_set_new(meta, "scheduler", json_string("slurm"));
			json_object_set_new(meta, "slurm", json_pack("{s:s?, s:s?, s:s?, s:i}",
				"partition", slurm.partition, "constraint", slurm.constraint,
				"time", slurm.time_limit, "cells_per_task", slurm.cells_per_task));
		}
		p = mx_plan_to_json(&plan);
		json_object_foreach(p, k, v)
			json_object_set(meta, k, v);
		json_decref(p);
		{
			char *mpath = mx_xasprintf("%s/matrix.json", dir);
			char *cpath = mx_xasprintf("%s/command.txt", dir);
			char *ctext = mx_xasprintf("%s%s# refbench-matrix: one refbench process per cell "
						   "(each cell's command is in cells/*.json)\n%s\n",
						   user_command ? user_command : "",
						   user_command ? "\n" : "", cmd);

			if (mx_write_json_atomic(mpath, meta) ||
			    mx_write_file_atomic(cpath, ctext, strlen(ctext)))
				return MX_FAILED;
			free(mpath);
			free(cpath);
			free(ctext);
		}
		{
			char d[32];

			mx_fmt_duration(d, sizeof(d), total);
			int k = plan.processes > 1 ? plan.processes : 1;
			size_t nc = 0;
			char heavy[64] = "";

			for (size_t i = 0; i < plan.ncells; i++)
				nc += plan.cells[i].process <= 1;
			if (plan.heavy_processes > 0 && plan.heavy_processes < k)
				snprintf(heavy, sizeof(heavy), " (%d for cells of >= 1 GiB)",
					 plan.heavy_processes);
			printf("refbench-matrix: preset %s, %zu cell%s (%zu skipped, see --dry-run), "
			       "%d process%s%s x %d repetition%s each (%zu refbench runs), estimated %s, "
			       "into %s\n", plan.preset, nc, nc == 1 ? "" : "s", plan.nskips, k,
			       k > 1 ? "es" : "", heavy, plan.repetitions, plan.repetitions == 1 ? "" : "s",
			       plan.ncells, d, dir);
			fflush(stdout);
		}
	}
	if (run_dir_file) {
		char *line = mx_xasprintf("%s\n", dir);

		if (mx_write_file_atomic(run_dir_file, line, strlen(line)))
			return MX_FAILED;
		free(line);
	}

	run.dir = dir;
	run.refbench = refbench;
	run.min_time = plan.min_time;
	run.repetitions = plan.repetitions;
	if (scheduler && !strcmp(scheduler, "slurm")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return bad("%s", "cannot find this program's path (/proc/self/exe) for the tasks");
		self[n] = '\0';
		slurm.dir = dir;
		slurm.matrix_bin = self;
		slurm.cell_timeout = run.cell_timeout;
		slurm.retry_failed = run.retry_failed;
		if (getenv("REFBENCH_SLURM_POLL_S"))
			slurm.poll_s = atof(getenv("REFBENCH_SLURM_POLL_S")) > 0 ?
				       atof(getenv("REFBENCH_SLURM_POLL_S")) : 2;
		rc = mx_slurm_run(&slurm, &plan, &nfailed);
		if (rc == MX_USAGE && !resume && !access(dir, F_OK)) {
			/* sbatch refused: nothing ran; the directory holds the plan only */
			static const char *const made[] = {
				"slurm/submit-0.tasks", "slurm/submit-0.sh", "slurm/lost", "slurm",
				"cells", "matrix.json", "command.txt", "",
			};

			for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
				char *f = mx_xasprintf("%s/%s", dir, made[i]);

				if (unlink(f))
					rmdir(f);
				free(f);
			}
		}
	} else {
		rc = mx_run_cells(&run, &plan, &nfailed);
	}
	if (rc)
		return rc;
	if (mx_merge(dir, meta, &plan))
		return MX_FAILED;
	{
		char *one = mx_xasprintf("%s/refbench.json", dir);

		if (!access(one, F_OK))
			printf("refbench-matrix: %zu cell%s, %zu failed; merged into %s\n",
			       plan.ncells, plan.ncells == 1 ? "" : "s", nfailed, one);
		else
			printf("refbench-matrix: %zu cell%s, %zu failed; merged into %s/machines.json "
			       "(one refbench.<key>.json per machine)\n", plan.ncells,
			       plan.ncells == 1 ? "" : "s", nfailed, dir);
		free(one);
	}
	json_decref(meta);
	free(cmd);
	free(refbench);
	free(dir);
	return nfailed ? MX_FAILED : MX_OK;
}
