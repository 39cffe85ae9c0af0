// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: running the cells. One refbench process per cell (Google
 * Benchmark runs once per process), its Google Benchmark JSON kept as
 * cells/<id>.json, written under a temporary name and renamed when complete.
 * A cell that crashes, exits non-zero or passes --cell-timeout is recorded as
 * failed with its stderr, and the run goes on. SIGINT, SIGTERM or SIGHUP stop
 * the current cell (its partial output is removed) and end the run; every
 * finished cell stays, and --resume runs the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gbjson.h"
#include "matrix.h"

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

enum cell_status { CELL_MISSING, CELL_OK, CELL_FAILED, CELL_SKIPPED };

static const char *const status_names[] = { "missing", "ok", "failed", "skipped" };

/* The status recorded in cells/<id>.json, CELL_MISSING if none (or unreadable). */
static enum cell_status recorded_status(const char *path)
{
	json_t *root = json_load_file(path, 0, NULL);
	const char *s;
	enum cell_status st = CELL_MISSING;

	if (!root)
		return CELL_MISSING;
	s = json_string_value(json_object_get(json_object_get(root, "matrix_cell"), "status"));
	for (int i = CELL_OK; s && i <= CELL_SKIPPED; i++)
		if (!strcmp(s, status_names[i]))
			st = (enum cell_status)i;
	json_decref(root);
	return st;
}

static char *cell_path(const char *dir, const struct mx_cell *c, const char *ext)
{
	return mx_xasprintf("%s/cells/%s%s", dir, c->id, ext);
}

static void remove_temps(const char *dir, const struct mx_cell *c)
{
	static const char *const ext[] = { ".json.tmp", ".gb.tmp", ".out.tmp", ".err.tmp" };

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		char *p = cell_path(dir, c, ext[i]);

		unlink(p);
		free(p);
	}
}

static char **cell_argv(const struct mx_run *r, const struct mx_cell *c, const char *gb_out)
{
	size_t n = 0, cap = 16;
	char **argv;
	bool group = strchr(c->name, '|') != NULL;
	char *esc = NULL;

	/* a group cell (plan.c, group_cells): each member a literal, one alternation */
	for (const char *m = c->name; *m;) {
		size_t len = strcspn(m, "|");
		char *one = mx_xasprintf("%.*s", (int)len, m), *e = mx_regex_escape(one), *j;

		j = esc ? mx_xasprintf("%s|%s", esc, e) : mx_xstrdup(e);
		free(esc);
		free(e);
		free(one);
		esc = j;
		m += len;
		if (*m)
			m++;
	}

	for (size_t i = 0; r->extra && r->extra[i]; i++)
		cap++;
	argv = mx_xmalloc(sizeof(*argv) * cap);
	argv[n++] = mx_xstrdup(r->refbench);
	if (group) {
		argv[n++] = mx_xasprintf("--benchmark_filter=^(%s)$", esc);
		argv[n++] = mx_xstrdup("--benchmark_enable_random_interleaving=true");
	} else {
		argv[n++] = mx_xasprintf("--benchmark_filter=^%s$", esc);
	}
	argv[n++] = mx_xasprintf("--benchmark_min_time=%s", r->min_time);
	{
		int reps = c->repetitions > 0 ? c->repetitions : r->repetitions;

		if (reps > 1)
			argv[n++] = mx_xasprintf("--benchmark_repetitions=%d", reps);
	}
	argv[n++] = mx_xasprintf("--benchmark_out=%s", gb_out);
	argv[n++] = mx_xstrdup("--benchmark_out_format=json");
	if (strcmp(c->placement, "none")) {
		argv[n++] = mx_xasprintf("--placement=%s", c->placement);
		argv[n++] = mx_xasprintf("--memory=%s", *c->memory ? c->memory : "local");
	}
	if (r->perf_events)
		argv[n++] = mx_xasprintf("--perf-events=%s", r->perf_events);
	for (size_t i = 0; r->extra && r->extra[i]; i++)
		argv[n++] = mx_xstrdup(r->extra[i]);
	argv[n] = NULL;
	free(esc);
	return argv;
}

static void free_argv(char **argv)
{
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Sleep until the child may have changed state, a signal, or @ms passed. */
static void wait_a_little(int pidfd, int ms)
{
	if (pidfd >= 0) {
		struct pollfd pf = { .fd = pidfd, .events = POLLIN };

		poll(&pf, 1, ms);
	} else {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

/* The last @max bytes of a file, from a line start where possible. */
static char *file_tail(const char *path, size_t max)
{
	size_t len;
	char *all = mx_read_file(path, 1 << 20, &len), *t;

	if (!all)
		return mx_xstrdup("");
	if (len <= max)
		return all;
	t = all + len - max;
	if (strchr(t, '\n') && strchr(t, '\n')[1])
		t = strchr(t, '\n') + 1;
	t = mx_xstrdup(t);
	free(all);
	return t;
}

/* The lines refbench itself wrote ("refbench: ..."), joined. */
static char *refbench_lines(const char *path)
{
	char *all = mx_read_file(path, 1 << 20, NULL), *save = NULL, *out = mx_xstrdup("");

	for (char *l = all ? strtok_r(all, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *n;

		if (strncmp(l, "refbench: ", 10))
			continue;
		n = mx_xasprintf("%s%s%s", out, *out ? "\n" : "", l);
		free(out);
		out = n;
	}
	free(all);
	return out;
}

static char *first_line(const char *s)
{
	char *l;

	while (*s == '\n')
		s++;
	l = mx_xstrdup(s);
	l[strcspn(l, "\n")] = '\0';
	return l;
}

struct progress {
	const struct mx_run *r;
	size_t total, done;	/* cells with a result, this session's and earlier */
	size_t failed;
	double t0;		/* this session's start */
	double est_done;	/* estimates of the cells run this session */
	double est_left;	/* estimates of the cells not yet finished */
	int width;		/* of k in "[k/n]" */
	int cols;		/* terminal width */
	bool status_shown;
};

static double eta(const struct progress *pg, double cur_elapsed)
{
	double el = mx_now() - pg->t0 - cur_elapsed;
	double f = pg->est_done > 0 && el > 0 ? el / pg->est_done : 1.0;
	double left = f * pg->est_left - cur_elapsed;

	return left > 0 ? left : 0;
}

/* " (process K)" for a cell run as several processes, else "". */
static const char *proc_tag(const struct mx_cell *c)
{
	static __thread char buf[32];

	if (!c->process)
		return "";
	snprintf(buf, sizeof(buf), " (process %d)", c->process);
	return buf;
}

static void show_status(struct progress *pg, const struct mx_cell *c, double cur_start)
{
	char el[32], et[32], line[1024];
	double now = mx_now();

	mx_fmt_duration(el, sizeof(el), now - pg->t0);
	mx_fmt_duration(et, sizeof(et), eta(pg, now - cur_start));
	snprintf(line, sizeof(line), "[%*zu/%zu] %s elapsed, ETA %s  %s @ %s%s", pg->width,
		 pg->done + 1, pg->total, el, et, c->name, c->label, proc_tag(c));
	if (pg->cols > 4 && strlen(line) >= (size_t)pg->cols)
		line[pg->cols - 1] = '\0';
	printf("\r\033[K%s", line);
	fflush(stdout);
	pg->status_shown = true;
}

static void clear_status(struct progress *pg)
{
	if (pg->status_shown) {
		printf("\r\033[K");
		fflush(stdout);
		pg->status_shown = false;
	}
}

static void log_line(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(const char *dir, const char *fmt, ...)
{
	char *path = mx_xasprintf("%s/matrix.log", dir);
	FILE *f = fopen(path, "ae");
	char stamp[32];
	time_t t = time(NULL);
	va_list ap;

	free(path);
	if (!f)
		return;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fprintf(f, "%s ", stamp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* Run one cell; 0, or the signal that stopped the run. */
static int run_cell(const struct mx_run *r, const struct mx_cell *c, struct progress *pg,
		    enum cell_status *out_status)
{
	char *gb = cell_path(r->dir, c, ".gb.tmp"), *outp = cell_path(r->dir, c, ".out.tmp");
	char *errp = cell_path(r->dir, c, ".err.tmp"), *final = cell_path(r->dir, c, ".json");
	char **argv = cell_argv(r, c, gb);
	enum cell_status st = CELL_FAILED;
	char *reason = NULL, *errtail;
	double start = mx_now(), last_draw = start, term_at = 0, wall;
	bool timed_out = false;
	int status = 0, pidfd, sig = 0;
	size_t nonfinite = 0;
	pid_t parent = getpid(), pid;
	json_t *root = NULL, *meta;

	remove_temps(r->dir, c);
	log_line(r->dir, "start %s %s @ %s", c->id, c->name, c->label);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", mx_prog, strerror(errno));
		exit(MX_FAILED);
	}
	if (pid == 0) {
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);

		/* dies with the runner, even when it is SIGKILLed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		if (o < 0 || e < 0 || nul < 0)
			_exit(127);
		dup2(nul, STDIN_FILENO);
		dup2(o, STDOUT_FILENO);
		dup2(e, STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	pidfd = pidfd_open_compat(pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		double now = mx_now();

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			fprintf(stderr, "%s: waitpid: %s\n", mx_prog, strerror(errno));
			exit(MX_FAILED);
		}
		if (stop_sig && !sig) {
			sig = stop_sig;
			kill(pid, SIGTERM);
			if (!term_at)
				term_at = now;
		} else if (!sig && !timed_out && now - start > r->cell_timeout) {
			timed_out = true;
			kill(pid, SIGTERM);
			term_at = now;
		}
		/* 2 s to exit after SIGTERM, then SIGKILL */
		if (term_at && now - term_at > 2)
			kill(pid, SIGKILL);
		if (r->tty && !sig && now - last_draw >= 0.5) {
			show_status(pg, c, start);
			last_draw = now;
		}
		wait_a_little(pidfd, 200);
	}
	if (pidfd >= 0)
		close(pidfd);
	wall = mx_now() - start;
	/*
	 * A stop signal sent to the whole process group or job (Ctrl-C, Slurm's
	 * scancel, which signals every process of the task) may reach the cell
	 * before this runner: a cell killed by SIGINT, SIGTERM, SIGHUP or
	 * SIGKILL that we did not send is waited on for up to 3 s for our own
	 * stop signal; if it comes, the cell was interrupted, not failed.
	 */
	if (!sig && !timed_out && WIFSIGNALED(status) &&
	    (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM ||
	     WTERMSIG(status) == SIGHUP || WTERMSIG(status) == SIGKILL)) {
		for (int i = 0; i < 60 && !stop_sig; i++) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);	/* the signal wakes it */
		}
		sig = stop_sig;
	}

	if (sig) {
		/* interrupted: nothing of this cell is kept; --resume runs it again */
		remove_temps(r->dir, c);
		log_line(r->dir, "interrupted %s (signal %d)", c->id, sig);
		goto out;
	}

	errtail = file_tail(errp, 4096);
	if (timed_out) {
		reason = mx_xasprintf("timed out after %g s (--cell-timeout), killed", r->cell_timeout);
	} else if (WIFSIGNALED(status)) {
		reason = mx_xasprintf("killed by signal %d (%s)", WTERMSIG(status),
				      strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) == 3) {
		/* refbench: the machine cannot give this placement; nothing ran */
		st = CELL_SKIPPED;
		reason = first_line(errtail);
	} else if (WEXITSTATUS(status) != 0) {
		char *l = first_line(errtail);

		reason = mx_xasprintf("exit status %d%s%s", WEXITSTATUS(status), *l ? ": " : "", l);
		free(l);
	} else {
		json_error_t je;
		char *raw = mx_read_file(gb, (size_t)1 << 30, NULL);
		char *text = raw ? gb_nonfinite_to_null(raw, strlen(raw), &nonfinite, NULL) : NULL;

		root = text ? json_loads(text, 0, &je) : NULL;
		if (!root)
			reason = mx_xasprintf("exit 0 but no usable JSON: %s", text ? je.text : "no file");
		else if (!json_is_array(json_object_get(root, "benchmarks")) ||
			 !json_is_object(json_object_get(root, "context")))
			reason = mx_xstrdup("exit 0 but its JSON has no benchmarks/context");
		else
			st = CELL_OK;
		free(raw);
		free(text);
	}
	if (st != CELL_OK) {
		json_decref(root);
		root = json_pack("{s:[]}", "benchmarks");
	}
	meta = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:f}", "id", c->id, "name", c->name,
			 "placement", c->placement, "memory", c->memory, "label", c->label,
			 "threads", c->threads, "status", status_names[st], "wall_s", wall);
	if (c->process)
		json_object_set_new(meta, "process", json_integer(c->process));
	if (reason)
		json_object_set_new(meta, "reason", json_string(reason));
	/* the build and machine it ran on: the merge refuses another build's cells */
	json_object_update(meta, r->identity);
	if (WIFEXITED(status) && !timed_out)
		json_object_set_new(meta, "exit_status", json_integer(WEXITSTATUS(status)));
	if (WIFSIGNALED(status))
		json_object_set_new(meta, "signal", json_integer(WTERMSIG(status)));
	json_object_set_new(meta, "timed_out", json_boolean(timed_out));
	if (nonfinite)
		json_object_set_new(meta, "nonfinite_as_null", json_integer((json_int_t)nonfinite));
	{
		char *cmd = mx_argv_string(argv);

		json_object_set_new(meta, "command", json_string(cmd));
		free(cmd);
	}
	if (st != CELL_OK) {
		json_object_set_new(meta, "stderr", json_string(errtail));
	} else {
		/* Google Benchmark's banner is on stderr; keep refbench's own lines */
		char *w = refbench_lines(errp);

		if (*w)
			json_object_set_new(meta, "warnings", json_string(w));
		free(w);
	}
	json_object_set_new(root, "matrix_cell", meta);

	/* the stderr and stdout files first: a cell file implies they are there */
	{
		char *e = cell_path(r->dir, c, ".stderr"), *o = cell_path(r->dir, c, ".stdout");
		struct stat sb;

		if (st != CELL_OK) {
			if (!stat(errp, &sb) && sb.st_size > 0)
				rename(errp, e);
			rename(outp, o);
		}
		free(e);
		free(o);
	}
	/* a finished cell is never rewritten (unless --retry-failed asked to replace a failed one) */
	if (r->retry_failed) {
		if (mx_write_json_atomic(final, root))
			exit(MX_FAILED);
	} else {
		int w = mx_write_json_new(final, root);

		if (w < 0)
			exit(MX_FAILED);
		if (w > 0)
			log_line(r->dir, "kept %s: another process finished it first", c->id);
	}
	json_decref(root);
	remove_temps(r->dir, c);
	log_line(r->dir, "done %s %s %.3fs %s @ %s%s%s", c->id, status_names[st], wall, c->name,
		 c->label, reason ? ": " : "", reason ? reason : "");
	free(errtail);
	*out_status = st;
	if (reason) {
		/* one line in the progress too */
		for (char *q = reason; *q; q++)
			if (*q == '\n')
				*q = ' ';
	}
out:
	/* hand the reason to the caller through the status only; the line is printed there */
	if (!sig && st != CELL_OK && reason) {
		clear_status(pg);
		printf("%s %s @ %s: %s\n", st == CELL_SKIPPED ? "skipped" : "FAILED ", c->name,
		       c->label, reason);
	}
	pg->est_done += sig ? 0 : c->estimate_s;
	free(reason);
	free_argv(argv);
	free(gb);
	free(outp);
	free(errp);
	free(final);
	return sig;
}

int mx_run_cells(const struct mx_run *r0, const struct mx_plan *p, size_t *nfailed)
{
	struct mx_run run = *r0, *r = &run;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_hup;
	struct progress pg = { .r = r, .total = p->ncells };
	bool *todo = mx_xmalloc(sizeof(*todo) * (p->ncells + 1));
	char *cells = mx_xasprintf("%s/cells", r->dir);
	size_t ntodo = 0;
	int sig = 0;

	if (mkdir(cells, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create %s: %s\n", mx_prog, cells, strerror(errno));
		free(cells);
		free(todo);
		return MX_FAILED;
	}
	free(cells);
	*nfailed = 0;
	if (!r->identity)
		run.identity = mx_identity(r->refbench);
	else
		json_incref(run.identity);
	pg.total = 0;
	for (size_t i = 0; i < p->ncells; i++) {
		char *path;
		enum cell_status st;

		todo[i] = false;
		if (r->only && !r->only[i])
			continue;
		pg.total++;
		path = cell_path(r->dir, &p->cells[i], ".json");
		st = recorded_status(path);

		free(path);
		remove_temps(r->dir, &p->cells[i]);
		todo[i] = st == CELL_MISSING || (st == CELL_FAILED && r->retry_failed);
		if (todo[i]) {
			ntodo++;
			pg.est_left += p->cells[i].estimate_s;
		} else {
			pg.done++;
			if (st == CELL_FAILED)
				(*nfailed)++;
		}
	}
	pg.width = snprintf(NULL, 0, "%zu", pg.total);
	if (r->tty) {
		struct winsize ws;

		if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
			pg.cols = ws.ws_col;
	}
	if (pg.done)
		printf("%zu of %zu cells already have results; running the other %zu\n", pg.done,
		       pg.total, ntodo);

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a signal wakes the wait */
	stop_sig = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	signal(SIGPIPE, SIG_IGN);
	pg.t0 = mx_now();
	for (size_t i = 0; i < p->ncells && !sig; i++) {
		const struct mx_cell *c = &p->cells[i];
		enum cell_status st = CELL_MISSING;
		double t = mx_now();

		if (!todo[i])
			continue;
		if (stop_sig) {
			sig = stop_sig;
			break;
		}
		if (r->tty)
			show_status(&pg, c, t);
		sig = run_cell(r, c, &pg, &st);
		if (sig)
			break;
		pg.done++;
		pg.est_left -= c->estimate_s;
		if (st == CELL_FAILED) {
			(*nfailed)++;
			pg.failed++;
		}
		if (!r->tty) {
			char el[32], et[32];

			mx_fmt_duration(el, sizeof(el), mx_now() - pg.t0);
			mx_fmt_duration(et, sizeof(et), eta(&pg, 0));
			printf("[%*zu/%zu] %-7s %7.2fs  %s @ %s%s  (elapsed %s, ETA %s)\n", pg.width,
			       pg.done, pg.total, status_names[st], mx_now() - t, c->name, c->label,
			       proc_tag(c), el, et);
			fflush(stdout);
		}
	}
	clear_status(&pg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	free(todo);
	json_decref(run.identity);
	if (sig) {
		fprintf(stderr, "%s: stopped by signal %d (%s) after %zu of %zu cells; the finished "
			"cells are kept in %s/cells; run the rest with: --resume %s\n", mx_prog, sig,
			strsignal(sig), pg.done, pg.total, r->dir, r->dir);
		return 128 + sig;
	}
	return 0;
}
