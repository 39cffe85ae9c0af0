// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix on Slurm (docs/matrix.md, "On Slurm"). The plan is made
 * here, as for a local run; the cells run as a Slurm job array:
 *
 *   RUN_DIR/slurm/submit-N.tasks      line i: the cell ids of array task i (a,b,...)
 *   RUN_DIR/slurm/submit-N.sh         the batch script: this program, --slurm-task
 *   RUN_DIR/slurm/submit-N.job        the job id sbatch gave
 *   RUN_DIR/slurm/submit-N.task-I.log the task's output (sbatch --output)
 *   RUN_DIR/slurm/submit-N.task-I.exit written by the task when it ends
 *   RUN_DIR/slurm/submit-N.task-I.ended written here once the task left the queue
 *   RUN_DIR/slurm/lost/ID.json        a cell whose task ended without it:
 *                                     Slurm's state and reason (a failed cell)
 *
 * Each task runs its cells with the local runner's code (run.c), so a cell
 * file is written exactly as a local run writes it (atomically, never over a
 * finished cell), with the build and machine it ran on. This process follows
 * the array with squeue (sacct needs accounting storage, which many clusters
 * and every test cluster lack) and the tasks' exit files, prints progress and
 * an ETA, and records the cells of a failed, cancelled or timed-out task as
 * failed with Slurm's reason. --resume follows a submission still in the
 * queue, then submits only the cells that have no result.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrix.h"

static volatile sig_atomic_t follow_sig;

static void on_follow_signal(int sig)
{
	follow_sig = sig;
}

int mx_mkdir_p(const char *path)
{
	char *p = mx_xstrdup(path);
	int rc;

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
	rc = mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

static char *in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;

	if (!path || !*path)
		return NULL;
	copy = mx_xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *f = mx_xasprintf("%s/%s", *d ? d : ".", name);

		if (!access(f, X_OK)) {
			free(copy);
			return f;
		}
		free(f);
	}
	free(copy);
	return NULL;
}

/* Slurm's message: its stderr's lines joined with "; ". */
static char *one_line(const char *s)
{
	const char *in = s ? s : "";
	char *o = mx_xmalloc(2 * strlen(in) + 1), *w = o;

	for (const char *r = in; *r; r++) {
		if (*r == '\n') {
			if (r[1] && w > o && w[-1] != ' ') {
				*w++ = ';';
				*w++ = ' ';
			}
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	while (w > o && (w[-1] == ' ' || w[-1] == ';'))
		*--w = '\0';
	return o;
}

/* Runs a Slurm command by name (from PATH); its stdout, *err its stderr. */
static char *slurm_cmd(char **argv, int *status, char **err)
{
	char *full = in_path(argv[0]), *out;
	char *a0 = argv[0];

	if (!full) {
		*status = 127 << 8;
		if (err)
			*err = mx_xasprintf("no %s on PATH", a0);
		return mx_xstrdup("");
	}
	argv[0] = full;
	out = mx_capture(argv, status, err);
	argv[0] = a0;
	free(full);
	if (!out) {
		*status = 127 << 8;
		if (err)
			*err = mx_xasprintf("cannot run %s", a0);
		return mx_xstrdup("");
	}
	return out;
}

static bool ok_status(int st)
{
	return WIFEXITED(st) && !WEXITSTATUS(st);
}

/* sbatch's options for the partition, constraint, time limit (NULL-padded). */
static size_t add_job_opts(char **argv, size_t n, const struct mx_slurm *s)
{
	argv[n++] = mx_xstrdup("--exclusive");
	if (s->partition)
		argv[n++] = mx_xasprintf("--partition=%s", s->partition);
	if (s->constraint)
		argv[n++] = mx_xasprintf("--constraint=%s", s->constraint);
	if (s->time_limit)
		argv[n++] = mx_xasprintf("--time=%s", s->time_limit);
	return n;
}

int mx_slurm_check(const struct mx_slurm *s)
{
	static const char *const need[] = { "sbatch", "squeue", "scontrol" };
	char *argv[12], *err = NULL, *out;
	size_t n = 0;
	int st;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *f = in_path(need[i]);

		if (!f) {
			fprintf(stderr, "%s: --scheduler=slurm: no %s on PATH (run on a Slurm login "
				"node, or install Slurm's client commands)\n", mx_prog, need[i]);
			return MX_USAGE;
		}
		free(f);
	}
	/* sbatch --test-only validates the partition, constraint and time: nothing is queued */
	argv[n++] = mx_xstrdup("sbatch");
	argv[n++] = mx_xstrdup("--test-only");
	argv[n++] = mx_xstrdup("--job-name=refbench-matrix");
	n = add_job_opts(argv, n, s);
	argv[n++] = mx_xstrdup("--wrap=true");
	argv[n] = NULL;
	out = slurm_cmd(argv, &st, &err);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(out);
	if (!ok_status(st)) {
		char *msg = one_line(err);

		fprintf(stderr, "%s: Slurm refused the job, nothing submitted: %s\n", mx_prog,
			*msg ? msg : "sbatch --test-only failed without a message");
		free(msg);
		free(err);
		return MX_USAGE;
	}
	free(err);
	return 0;
}

/* ---- the build and machine a cell runs on ---- */

static char *first_out_line(const char *rb, const char *flag)
{
	char *argv[] = { (char *)rb, (char *)flag, NULL };
	int st;
	char *out = mx_capture(argv, &st, NULL);

	if (!out || !ok_status(st)) {
		free(out);
		return NULL;
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

json_t *mx_identity(const char *refbench)
{
	json_t *id = json_object();
	char host[256] = "";
	char *v = first_out_line(refbench, "--version");
	char *k = first_out_line(refbench, "--machine-key");
	char *h = mx_sha256_file(refbench);

	if (v)
		json_object_set_new(id, "refbench_version", json_string(v));
	if (h)
		json_object_set_new(id, "refbench_sha256", json_string(h));
	if (k && *k)
		json_object_set_new(id, "machine_key", json_string(k));
	if (!gethostname(host, sizeof(host) - 1) && *host)
		json_object_set_new(id, "host", json_string(host));
	if (getenv("SLURM_ARRAY_JOB_ID") && getenv("SLURM_ARRAY_TASK_ID"))
		json_object_set_new(id, "slurm_task", json_sprintf("%s_%s",
				    getenv("SLURM_ARRAY_JOB_ID"), getenv("SLURM_ARRAY_TASK_ID")));
	free(v);
	free(k);
	free(h);
	return id;
}

/* ---- files of a submission ---- */

static char *sub_path(const char *dir, int sub, const char *what)
{
	return mx_xasprintf("%s/slurm/submit-%d%s", dir, sub, what);
}

static char *task_path(const char *dir, int sub, long task, const char *ext)
{
	return mx_xasprintf("%s/slurm/submit-%d.task-%ld%s", dir, sub, task, ext);
}

/* The tasks file: one line per array task, its cell ids. NULL-terminated lines. */
static char **read_tasks(const char *dir, int sub, size_t *ntasks)
{
	char *p = sub_path(dir, sub, ".tasks");
	char *all = mx_read_file(p, 1 << 24, NULL), *save = NULL;
	char **lines = NULL;
	size_t n = 0;

	free(p);
	if (!all)
		return NULL;
	for (char *l = strtok_r(all, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lines = mx_xrealloc(lines, sizeof(*lines) * (n + 2));
		lines[n++] = mx_xstrdup(l);
	}
	free(all);
	if (!lines)
		lines = mx_xmalloc(sizeof(*lines));
	lines[n] = NULL;
	*ntasks = n;
	return lines;
}

static ssize_t cell_index(const struct mx_plan *p, const char *id)
{
	for (size_t i = 0; i < p->ncells; i++)
		if (!strcmp(p->cells[i].id, id))
			return (ssize_t)i;
	return -1;
}

static bool cell_done(const char *dir, const struct mx_cell *c)
{
	char *f = mx_xasprintf("%s/cells/%s.json", dir, c->id);
	bool d = !access(f, F_OK);

	free(f);
	return d;
}

/* ---- inside an array task ---- */

/*
 * refbench --list-placements, in the task: NAME's PU list ("cpu NAME PUs
 * 0,1 ..."), or NULL and *why (when "cpu NAME unavailable: WHY").
 */
static char *placement_pus(const char *listing, const char *name, char **why)
{
	char *copy = mx_xstrdup(listing), *save = NULL, *res = NULL;

	*why = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l && !res && !*why; l = strtok_r(NULL, "\n", &save)) {
		char kind[8], n[64], word[16], pus[4096];
		int off = 0;

		if (sscanf(l, "%7s %63s %15s %n", kind, n, word, &off) < 3 || strcmp(kind, "cpu") ||
		    strcmp(n, name))
			continue;
		if (!strcmp(word, "PUs") && sscanf(l + off, "%4095s", pus) == 1)
			res = mx_xstrdup(pus);
		else if (!strcmp(word, "unavailable:"))
			*why = mx_xstrdup(l + off);
	}
	free(copy);
	return res;
}

static int count_pus(const char *pus)
{
	int n = 0;
	char *copy = mx_xstrdup(pus), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long a = strtol(t, NULL, 10), b = strchr(t, '-') ? strtol(strchr(t, '-') + 1, NULL, 10) : a;

		n += b >= a ? (int)(b - a + 1) : 1;
	}
	free(copy);
	return n;
}

/* The PUs of @pus ("0,1,4-5") that @set lacks, as a list, or NULL when none. */
static char *pus_outside(const char *pus, const cpu_set_t *set)
{
	char *copy = mx_xstrdup(pus), *save = NULL, *out = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long a = strtol(t, NULL, 10), b = strchr(t, '-') ? strtol(strchr(t, '-') + 1, NULL, 10) : a;

		for (long c = a; c <= b; c++) {
			if (c >= 0 && c < CPU_SETSIZE && CPU_ISSET((int)c, set))
				continue;
			char *n = mx_xasprintf("%s%s%ld", out ? out : "", out ? "," : "", c);

			free(out);
			out = n;
		}
	}
	free(copy);
	return out;
}

static char *cpuset_list(const cpu_set_t *set)
{
	char *out = mx_xstrdup("");

	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, set))
			continue;
		char *n = mx_xasprintf("%s%s%d", out, *out ? "," : "", c);

		free(out);
		out = n;
	}
	return out;
}

/* The run's plan and run parameters from RUN_DIR/matrix.json (as --resume reads them). */
static int load_run(const char *dir, struct mx_plan *p, struct mx_run *r, json_t **metap)
{
	char *path = mx_xasprintf("%s/matrix.json", dir);
	json_t *meta = json_load_file(path, 0, NULL), *ex, *a;
	size_t i;
	int rc;

	free(path);
	if (!meta) {
		fprintf(stderr, "%s: %s: no readable matrix.json\n", mx_prog, dir);
		return MX_USAGE;
	}
	if ((rc = mx_plan_from_json(p, meta, dir)))
		return rc;
	p->preset = json_string_value(json_object_get(meta, "preset"));
	p->min_time = json_string_value(json_object_get(meta, "min_time"));
	p->repetitions = (int)json_integer_value(json_object_get(meta, "repetitions"));
	r->refbench = json_string_value(json_object_get(meta, "refbench"));
	r->perf_events = json_string_value(json_object_get(meta, "perf_events"));
	if (!p->min_time || p->repetitions < 1 || !r->refbench) {
		fprintf(stderr, "%s: %s: matrix.json is incomplete\n", mx_prog, dir);
		return MX_USAGE;
	}
	r->min_time = p->min_time;
	r->repetitions = p->repetitions;
	ex = json_object_get(meta, "refbench_args");
	r->extra = mx_xmalloc(sizeof(char *) * (json_array_size(ex) + 1));
	json_array_foreach(ex, i, a)
		r->extra[i] = mx_xstrdup(json_string_value(a));
	r->extra[json_array_size(ex)] = NULL;
	*metap = meta;
	return 0;
}

int mx_slurm_task(const char *dir, int sub, double cell_timeout, bool retry_failed)
{
	/* static: what the task holds stays reachable when it returns early */
	static struct mx_plan plan;
	static struct mx_run run;
	static char **tasks, *line;
	static json_t *meta;
	static bool *only;
	const char *tid_s = getenv("SLURM_ARRAY_TASK_ID");
	char *end, *save = NULL, *listing, *exitp;
	size_t ntasks = 0, nfailed = 0;
	long tid;
	cpu_set_t allowed;
	int rc;

	if (!tid_s || (tid = strtol(tid_s, &end, 10)) < 0 || *end || end == tid_s) {
		fprintf(stderr, "%s: --slurm-task runs inside a Slurm array task "
			"(SLURM_ARRAY_TASK_ID is '%s')\n", mx_prog, tid_s ? tid_s : "");
		return MX_USAGE;
	}
	if ((rc = load_run(dir, &plan, &run, &meta)))
		return rc;
	tasks = read_tasks(dir, sub, &ntasks);
	if (!tasks || (size_t)tid >= ntasks) {
		fprintf(stderr, "%s: %s/slurm/submit-%d.tasks has no task %ld\n", mx_prog, dir, sub, tid);
		return MX_USAGE;
	}
	only = mx_xmalloc(sizeof(*only) * (plan.ncells + 1));
	memset(only, 0, sizeof(*only) * (plan.ncells + 1));
	line = mx_xstrdup(tasks[tid]);
	for (char *id = strtok_r(line, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		ssize_t i = cell_index(&plan, id);

		if (i < 0) {
			fprintf(stderr, "%s: task %ld: cell %s is not in the plan\n", mx_prog, tid, id);
			return MX_USAGE;
		}
		only[i] = true;
	}
	free(line);
	line = NULL;
	run.dir = dir;
	run.cell_timeout = cell_timeout;
	run.retry_failed = retry_failed;
	run.only = only;
	run.identity = mx_identity(run.refbench);

	/*
	 * Slurm's allocation: a placement this task cannot give is "not
	 * available" (as refbench's exit 3), recorded as a skipped cell. The
	 * task's own `refbench --list-placements` sees a cgroup cpuset
	 * (task/cgroup) through hwloc: a placement unavailable there, or with
	 * fewer PUs than the cell's threads (refbench itself would give an
	 * error row and exit 0); and the affinity mask (task/affinity, which
	 * hwloc does not apply): a placement whose PUs are not all in it.
	 */
	listing = NULL;
	if (!sched_getaffinity(0, sizeof(allowed), &allowed)) {
		char *argv[] = { (char *)run.refbench, "--list-placements", NULL };
		int st;

		listing = mx_capture(argv, &st, NULL);
		if (listing && !ok_status(st)) {
			free(listing);
			listing = NULL;
		}
	}
	for (size_t i = 0; listing && i < plan.ncells; i++) {
		const struct mx_cell *c = &plan.cells[i];
		char *pus, *outside;

		if (!only[i] || !strcmp(c->placement, "none") || cell_done(dir, c))
			continue;
		char *unavail = NULL, *why = NULL;

		pus = placement_pus(listing, c->placement, &unavail);
		outside = pus ? pus_outside(pus, &allowed) : NULL;
		if (unavail)
			why = mx_xasprintf("refbench: placement %s is not available in this Slurm "
					   "allocation: %s", c->placement, unavail);
		else if (pus && count_pus(pus) < c->threads)
			why = mx_xasprintf("refbench: placement %s is not available in this Slurm "
					   "allocation: it has %d PU%s here (PUs %s, the task's cpuset), "
					   "this cell has %d threads", c->placement, count_pus(pus),
					   count_pus(pus) == 1 ? "" : "s", pus, c->threads);
		else if (outside) {
			char *mine = cpuset_list(&allowed);

			why = mx_xasprintf("refbench: placement %s is not available in this "
					   "Slurm allocation: it needs PUs %s, the task may use "
					   "PUs %s only", c->placement, pus, mine);
			free(mine);
		}
		free(unavail);
		if (why) {
			char *f = mx_xasprintf("%s/cells/%s.json", dir, c->id);
			json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:s, s:i, s:b}",
					      "id", c->id, "name", c->name, "placement", c->placement,
					      "memory", c->memory, "label", c->label, "threads", c->threads,
					      "status", "skipped", "wall_s", 0.0, "reason", why,
					      "exit_status", 3, "timed_out", 0);

			json_object_update(m, run.identity);
			{
				char *cd = mx_xasprintf("%s/cells", dir);

				mx_mkdir_p(cd);
				free(cd);
			}
			{
				json_t *root = json_pack("{s:[], s:o}", "benchmarks", "matrix_cell", m);
				int w = mx_write_json_new(f, root);

				json_decref(root);
				if (w < 0)
					return MX_FAILED;
			}
			printf("skipped %s @ %s: %s\n", c->name, c->label, why);
			only[i] = false;
			free(f);
			free(why);
		}
		free(pus);
		free(outside);
	}
	free(listing);

	rc = mx_run_cells(&run, &plan, &nfailed);
	exitp = task_path(dir, sub, tid, ".exit");
	{
		char *text = mx_xasprintf("%d %zu\n", rc, nfailed);

		mx_write_file_atomic(exitp, text, strlen(text));
		free(text);
	}
	free(exitp);
	printf("refbench-matrix: task %ld of submission %d: %s, %zu failed cell%s\n", tid, sub,
	       rc ? "stopped" : "done", nfailed, nfailed == 1 ? "" : "s");
	return rc;
}

/* ---- following a submission ---- */

struct task {
	char **ids;		/* NULL-terminated */
	bool ended;
	bool seen;
	int absent;		/* polls in a row without it in squeue */
	char state[32], reason[256], node[128];
};

static const char *const ended_states[] = {
	"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL",
	"DEADLINE", "OUT_OF_MEMORY", "SPECIAL_EXIT", "REVOKED",
};

static bool is_ended(const char *st)
{
	for (size_t i = 0; i < sizeof(ended_states) / sizeof(ended_states[0]); i++)
		if (!strcmp(st, ended_states[i]))
			return true;
	return false;
}

/* scontrol's view of one ended task: "JobState=... Reason=... ExitCode=...", or NULL. */
static char *scontrol_task(long job, long tid)
{
	char *jt = mx_xasprintf("%ld_%ld", job, tid);
	char *argv[] = { "scontrol", "-o", "show", "job", jt, NULL };
	char *err = NULL, *out, *res = NULL;
	int st;

	out = slurm_cmd(argv, &st, &err);
	if (ok_status(st) && *out) {
		static const char *const keys[] = { "JobState=", "Reason=", "ExitCode=" };

		res = mx_xstrdup("");
		for (size_t k = 0; k < 3; k++) {
			char *f = strstr(out, keys[k]);
			char *n;

			if (!f)
				continue;
			n = mx_xasprintf("%s%s%.*s", res, *res ? " " : "", (int)strcspn(f, " \n"), f);
			free(res);
			res = n;
		}
	}
	free(err);
	free(out);
	free(jt);
	return res;
}

struct follow {
	const struct mx_slurm *s;
	const struct mx_plan *p;
	bool *reported;		/* per plan cell: its line was printed */
	size_t have;		/* cells with a result or a lost record */
	size_t *nfailed;
	double t0, est_done, est_left;
	int width;
};

static void print_cell(struct follow *f, const struct mx_cell *c, const char *status,
		       double wall, const char *reason)
{
	char el[32], et[32];
	double elapsed = mx_now() - f->t0;
	double k = f->est_done > 0 && elapsed > 0 ? elapsed / f->est_done : 1.0;

	mx_fmt_duration(el, sizeof(el), elapsed);
	mx_fmt_duration(et, sizeof(et), f->est_left > 0 ? k * f->est_left : 0);
	printf("[%*zu/%zu] %-7s %7.2fs  %s @ %s  (elapsed %s, ETA %s)%s%s\n", f->width, f->have,
	       f->p->ncells, status, wall, c->name, c->label, el, et, reason ? ": " : "",
	       reason ? reason : "");
	fflush(stdout);
}

/* Print the cells of @t that now have a result. */
static void report_results(struct follow *f, struct task *t)
{
	for (char **id = t->ids; *id; id++) {
		ssize_t i = cell_index(f->p, *id);
		const struct mx_cell *c;
		char *path;
		json_t *cell, *m;
		const char *st;

		if (i < 0 || f->reported[i])
			continue;
		c = &f->p->cells[i];
		path = mx_xasprintf("%s/cells/%s.json", f->s->dir, c->id);
		cell = json_load_file(path, 0, NULL);
		free(path);
		if (!cell)
			continue;
		m = json_object_get(cell, "matrix_cell");
		st = json_string_value(json_object_get(m, "status"));
		f->reported[i] = true;
		f->have++;
		f->est_done += c->estimate_s;
		f->est_left -= c->estimate_s;
		if (st && !strcmp(st, "failed"))
			(*f->nfailed)++;
		print_cell(f, c, st ? st : "?", json_number_value(json_object_get(m, "wall_s")),
			   st && strcmp(st, "ok") ?
			   json_string_value(json_object_get(m, "reason")) : NULL);
		json_decref(cell);
	}
}

/* @t left the queue: its cells without a result are failed cells, with Slurm's reason. */
static void task_ended(struct follow *f, int sub, long job, long tid, struct task *t)
{
	char *exitp = task_path(f->s->dir, sub, tid, ".exit");
	char *exit_text = mx_read_file(exitp, 256, NULL);
	char *sc = scontrol_task(job, tid), *why, *endp;

	report_results(f, t);
	if (sc)
		why = mx_xasprintf("Slurm array task %ld_%ld ended %s%s%s before this cell finished",
				   job, tid, sc, *t->node ? " on " : "", t->node);
	else if (*t->state)
		why = mx_xasprintf("Slurm array task %ld_%ld left the queue %s%s (reason %s) "
				   "before this cell finished%s", job, tid,
				   is_ended(t->state) ? "" : "while ", t->state,
				   *t->reason ? t->reason : "none",
				   !strcmp(t->state, "PENDING") ? ": cancelled before it ran (scancel)" : "");
	else
		why = mx_xasprintf("Slurm array task %ld_%ld is not in the queue and never "
				   "reported: cancelled, or purged from slurmctld", job, tid);
	for (char **id = t->ids; *id; id++) {
		ssize_t i = cell_index(f->p, *id);
		const struct mx_cell *c;
		char *lp;
		json_t *rec;

		if (i < 0 || f->reported[i])
			continue;
		c = &f->p->cells[i];
		lp = mx_xasprintf("%s/slurm/lost/%s.json", f->s->dir, c->id);
		rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", c->id, "name", c->name,
				"label", c->label, "status", "failed", "reason", why,
				"slurm_task", "");
		json_object_set_new(rec, "slurm_task", json_sprintf("%ld_%ld", job, tid));
		if (*t->state)
			json_object_set_new(rec, "slurm_state", json_string(t->state));
		if (sc)
			json_object_set_new(rec, "scontrol", json_string(sc));
		if (exit_text)
			json_object_set_new(rec, "task_exit", json_string(exit_text));
		mx_write_json_atomic(lp, rec);
		json_decref(rec);
		free(lp);
		f->reported[i] = true;
		f->have++;
		f->est_left -= c->estimate_s;
		(*f->nfailed)++;
		print_cell(f, c, "FAILED", 0, why);
	}
	/* the task is accounted for: --resume does not follow it again */
	endp = task_path(f->s->dir, sub, tid, ".ended");
	{
		char *text = mx_xasprintf("%s %s\n", *t->state ? t->state : "GONE", sc ? sc : "");

		mx_write_file_atomic(endp, text, strlen(text));
		free(text);
	}
	free(endp);
	free(why);
	free(sc);
	free(exit_text);
	free(exitp);
	t->ended = true;
}

/* Follow submission @sub until each of its tasks left the queue. 0, MX_FAILED or 128+sig. */
static int follow(struct follow *f, int sub)
{
	char *jp = sub_path(f->s->dir, sub, ".job");
	char *jtext = mx_read_file(jp, 64, NULL), **lines;
	long job = jtext ? strtol(jtext, NULL, 10) : 0;
	size_t ntasks = 0, left = 0;
	struct task *tasks;
	int npend = -1, nrun = -1, rc = 0;
	double last_ok = mx_now();
	char *js;

	free(jp);
	free(jtext);
	lines = read_tasks(f->s->dir, sub, &ntasks);
	if (!lines || job <= 0) {
		fprintf(stderr, "%s: %s/slurm: submission %d has no tasks or no job id\n", mx_prog,
			f->s->dir, sub);
		return MX_FAILED;
	}
	tasks = mx_xmalloc(sizeof(*tasks) * (ntasks + 1));
	memset(tasks, 0, sizeof(*tasks) * (ntasks + 1));
	for (size_t t = 0; t < ntasks; t++) {
		char *ep = task_path(f->s->dir, sub, (long)t, ".ended");

		tasks[t].ids = mx_split_list(lines[t]);
		if (!access(ep, F_OK)) {
			tasks[t].ended = true;
			report_results(f, &tasks[t]);
		} else {
			left++;
		}
		free(ep);
		free(lines[t]);
	}
	free(lines);
	if (left)
		printf("slurm: following job %ld (%zu array task%s) with squeue\n", job, ntasks,
		       ntasks == 1 ? "" : "s");
	js = mx_xasprintf("%ld", job);
	while (left) {
		char *argv[] = { "squeue", "-h", "-r", "-t", "all", "-j", js, "-o", "%K|%T|%r|%N",
				 NULL };
		char *err = NULL, *out, *save = NULL;
		int st, pend = 0, running = 0;
		bool *in_q = mx_xmalloc(ntasks + 1);

		memset(in_q, 0, ntasks + 1);
		if (follow_sig) {
			rc = 128 + follow_sig;
			free(in_q);
			break;
		}
		out = slurm_cmd(argv, &st, &err);
		if (!ok_status(st) && !(err && strstr(err, "Invalid job id"))) {
			char *msg = one_line(err);

			/* slurmctld busy or restarting: retry, bounded */
			if (mx_now() - last_ok > 300) {
				fprintf(stderr, "%s: squeue has failed for 5 minutes (%s); the job may "
					"still run: follow it again with --resume %s\n", mx_prog, msg,
					f->s->dir);
				rc = MX_FAILED;
				free(msg);
				free(out);
				free(err);
				free(in_q);
				break;
			}
			free(msg);
			free(out);
			free(err);
			free(in_q);
			sleep((unsigned)f->s->poll_s);
			continue;
		}
		last_ok = mx_now();
		for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *fld[4] = { 0 }, *q = l;
			long tid;

			for (int k = 0; k < 4; k++) {
				fld[k] = q;
				q = q ? strchr(q, '|') : NULL;
				if (q)
					*q++ = '\0';
			}
			if (!fld[1] || !fld[0])
				continue;
			tid = strtol(fld[0], NULL, 10);
			if (tid < 0 || (size_t)tid >= ntasks)
				continue;
			in_q[tid] = true;
			tasks[tid].seen = true;
			tasks[tid].absent = 0;
			snprintf(tasks[tid].state, sizeof(tasks[tid].state), "%s", fld[1]);
			snprintf(tasks[tid].reason, sizeof(tasks[tid].reason), "%s", fld[2] ? fld[2] : "");
			if (fld[3] && *fld[3])
				snprintf(tasks[tid].node, sizeof(tasks[tid].node), "%s", fld[3]);
			if (!strcmp(fld[1], "PENDING"))
				pend++;
			else if (!is_ended(fld[1]))
				running++;
		}
		free(out);
		free(err);
		for (size_t t = 0; t < ntasks; t++) {
			char *exitp;
			bool exited;

			if (tasks[t].ended)
				continue;
			report_results(f, &tasks[t]);
			exitp = task_path(f->s->dir, sub, (long)t, ".exit");
			exited = !access(exitp, F_OK);
			free(exitp);
			if (!in_q[t])
				tasks[t].absent++;
			/*
			 * Ended: Slurm says so; or the task is gone from the queue
			 * (a pending array task cancelled leaves no record) three times in
			 * a row; or it wrote its exit file and left the queue.
			 */
			if ((in_q[t] && is_ended(tasks[t].state)) || tasks[t].absent >= 3 ||
			    (exited && !in_q[t])) {
				task_ended(f, sub, job, (long)t, &tasks[t]);
				left--;
			}
		}
		free(in_q);
		if (left && (pend != npend || running != nrun)) {
			printf("slurm: job %ld: %d pending, %d running, %zu of %zu tasks ended\n", job,
			       pend, running, ntasks - left, ntasks);
			fflush(stdout);
			npend = pend;
			nrun = running;
		}
		if (left) {
			struct timespec ts = { (time_t)f->s->poll_s,
					       (long)((f->s->poll_s - (time_t)f->s->poll_s) * 1e9) };

			nanosleep(&ts, NULL);	/* a signal wakes it */
		}
	}
	if (rc > 128)
		fprintf(stderr, "%s: stopped following job %ld (signal %d); it goes on in Slurm: "
			"follow it again with --resume %s, or stop it with scancel %ld\n", mx_prog,
			job, rc - 128, f->s->dir, job);
	for (size_t t = 0; t < ntasks; t++) {
		for (char **id = tasks[t].ids; id && *id; id++)
			free(*id);
		free(tasks[t].ids);
	}
	free(tasks);
	free(js);
	return rc;
}

static int submit(const struct mx_slurm *s, const struct mx_plan *p, const bool *todo, int sub,
		  size_t *ntasks_out)
{
	char *tasks = mx_xstrdup(""), *script, *path, *jt, *out, *err = NULL, *argv[16];
	char *qbin = mx_shell_quote(s->matrix_bin), *qdir = mx_shell_quote(s->dir);
	size_t ntasks = 0, in_task = 0, n = 0;
	long job;
	int st;

	for (size_t i = 0; i < p->ncells; i++) {
		char *t;

		if (!todo[i])
			continue;
		if (in_task == (size_t)s->cells_per_task) {
			t = mx_xasprintf("%s\n", tasks);
			free(tasks);
			tasks = t;
			in_task = 0;
		}
		if (!in_task)
			ntasks++;
		t = mx_xasprintf("%s%s%s", tasks, in_task ? "," : "", p->cells[i].id);
		free(tasks);
		tasks = t;
		in_task++;
	}
	path = sub_path(s->dir, sub, ".tasks");
	out = mx_xasprintf("%s\n", tasks);
	if (mx_write_file_atomic(path, out, strlen(out)))
		return MX_FAILED;
	free(out);
	free(path);
	script = mx_xasprintf("#!/bin/sh\n"
			      "# refbench-matrix: one Slurm array task runs the cells of its line "
			      "of submit-%d.tasks\n"
			      "exec %s --slurm-task=%s --submission=%d --cell-timeout=%g%s\n",
			      sub, qbin, qdir, sub, s->cell_timeout,
			      s->retry_failed ? " --retry-failed" : "");
	path = sub_path(s->dir, sub, ".sh");
	if (mx_write_file_atomic(path, script, strlen(script)))
		return MX_FAILED;
	chmod(path, 0755);
	argv[n++] = mx_xstrdup("sbatch");
	argv[n++] = mx_xstrdup("--parsable");
	argv[n++] = mx_xstrdup("--job-name=refbench-matrix");
	argv[n++] = mx_xasprintf("--array=0-%zu", ntasks - 1);
	argv[n++] = mx_xasprintf("--output=%s/slurm/submit-%d.task-%%a.log", s->dir, sub);
	n = add_job_opts(argv, n, s);
	argv[n++] = mx_xstrdup(path);
	argv[n] = NULL;
	out = slurm_cmd(argv, &st, &err);
	job = strtol(out, NULL, 10);
	if (!ok_status(st) || job <= 0) {
		char *msg = one_line(err);

		fprintf(stderr, "%s: sbatch failed, nothing submitted: %s\n", mx_prog,
			*msg ? msg : "no message");
		free(msg);
		return MX_USAGE;
	}
	jt = mx_xasprintf("%ld\n", job);
	free(path);
	path = sub_path(s->dir, sub, ".job");
	if (mx_write_file_atomic(path, jt, strlen(jt)))
		return MX_FAILED;
	printf("slurm: submitted job %ld: %zu array task%s (%d cell%s each at most), --exclusive%s%s%s%s\n",
	       job, ntasks, ntasks == 1 ? "" : "s", s->cells_per_task,
	       s->cells_per_task == 1 ? "" : "s", s->partition ? ", partition " : "",
	       s->partition ? s->partition : "", s->constraint ? ", constraint " : "",
	       s->constraint ? s->constraint : "");
	fflush(stdout);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(jt);
	free(out);
	free(err);
	free(path);
	free(script);
	free(tasks);
	free(qbin);
	free(qdir);
	*ntasks_out = ntasks;
	return 0;
}

int mx_slurm_run(const struct mx_slurm *s, const struct mx_plan *p, size_t *nfailed)
{
	struct sigaction sa = { .sa_handler = on_follow_signal }, old_int, old_term, old_hup;
	struct follow f = { .s = s, .p = p, .nfailed = nfailed };
	bool *todo = mx_xmalloc(sizeof(*todo) * (p->ncells + 1));
	char *d = mx_xasprintf("%s/slurm/lost", s->dir);
	size_t ntodo = 0, ntasks = 0;
	int sub = 0, rc = 0;

	*nfailed = 0;
	if (mx_mkdir_p(d)) {
		fprintf(stderr, "%s: cannot create %s: %s\n", mx_prog, d, strerror(errno));
		return MX_FAILED;
	}
	free(d);
	d = mx_xasprintf("%s/cells", s->dir);
	mx_mkdir_p(d);
	free(d);
	f.reported = mx_xmalloc(sizeof(bool) * (p->ncells + 1));
	memset(f.reported, 0, sizeof(bool) * (p->ncells + 1));
	f.width = snprintf(NULL, 0, "%zu", p->ncells);
	sigemptyset(&sa.sa_mask);
	follow_sig = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	/* earlier submissions (--resume): follow what is still in the queue */
	for (size_t i = 0; i < p->ncells; i++)
		f.reported[i] = cell_done(s->dir, &p->cells[i]);
	for (;; sub++) {
		char *jp = sub_path(s->dir, sub, ".job");
		bool exists = !access(jp, F_OK);

		free(jp);
		if (!exists)
			break;
		f.t0 = mx_now();
		if ((rc = follow(&f, sub)))
			goto out;
	}
	/* what has no result: submit it */
	memset(f.reported, 0, sizeof(bool) * (p->ncells + 1));
	f.have = 0;
	*nfailed = 0;
	f.est_done = f.est_left = 0;
	for (size_t i = 0; i < p->ncells; i++) {
		char *path = mx_xasprintf("%s/cells/%s.json", s->dir, p->cells[i].id);
		json_t *cell = json_load_file(path, 0, NULL);
		const char *st = json_string_value(json_object_get(json_object_get(cell, "matrix_cell"),
								   "status"));

		todo[i] = !cell || (s->retry_failed && st && !strcmp(st, "failed"));
		if (todo[i]) {
			ntodo++;
			f.est_left += p->cells[i].estimate_s;
		} else {
			f.reported[i] = true;
			f.have++;
			if (st && !strcmp(st, "failed"))
				(*nfailed)++;
		}
		json_decref(cell);
		free(path);
	}
	if (!ntodo)
		goto out;
	if (f.have)
		printf("%zu of %zu cells already have results; submitting the other %zu\n", f.have,
		       p->ncells, ntodo);
	if ((rc = submit(s, p, todo, sub, &ntasks)))
		goto out;
	f.t0 = mx_now();
	rc = follow(&f, sub);
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	free(f.reported);
	free(todo);
	return rc;
}
