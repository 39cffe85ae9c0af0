/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench-matrix: plans the benchmark matrix (family x variant x placement
 * x threads x the family's size axes, as refbench registers them), runs one
 * refbench process per cell, keeps each finished cell in the run directory,
 * and merges the cells into one Google Benchmark JSON file. See
 * docs/matrix.md.
 */
#ifndef RB_MATRIX_H
#define RB_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Exit statuses (docs/matrix.md). */
#define MX_OK		0	/* every cell ran */
#define MX_FAILED	1	/* done and merged, but some cells failed; or an I/O error */
#define MX_USAGE	2	/* bad arguments or input: nothing ran */

/* One cell: one benchmark name under one placement (and memory placement). */
struct mx_cell {
	char *id;		/* "0007": cells/<id>.json */
	/*
	 * As refbench --benchmark_list_tests prints it; a group cell
	 * (--groups): its benchmarks' names joined with '|' (no name has one),
	 * run as one process, repetitions randomly interleaved.
	 */
	char *name;
	char *family;
	int threads;
	char *placement;	/* none, compact, ... */
	char *memory;		/* "" for none, else local, remote, interleave */
	char *label;		/* none, compact, compact,mem=remote: the row suffix */
	double estimate_s;
	const char *estimate_from;	/* "heuristic" or "history" (static strings) */
	/*
	 * --processes=K: the cell's process, 1..K (0: the plan runs each cell
	 * once). The K processes of a cell are K plan entries with their own id
	 * and cell file, interleaved round-robin over the plan (every cell's
	 * process 1, then every cell's process 2, ...), merged as one benchmark
	 * whose rows keep their process ("matrix_process").
	 */
	int process;
	/* refbench --benchmark_repetitions for this cell: the plan's (kept per cell for --resume of older plans) */
	int repetitions;
};

/* A cell the plan leaves out, and why. */
struct mx_skip {
	char *name;
	char *placement;
	char *memory;
	char *reason;
};

struct mx_placement {
	char *name;
	bool available;
	int pus;		/* -1: unbound (none) */
	char *reason;		/* when unavailable */
};

struct mx_plan {
	/* inputs */
	const char *refbench;
	const char *preset;
	const char *min_time;
	int repetitions;
	int processes;		/* refbench processes per cell (0: the preset's) */
	int heavy_processes;	/* the preset's for heavy cells (plan.c), 0: processes */
	char **families;	/* NULL-terminated; NULL: all */
	char **placements;	/* NULL: the preset's */
	char **memories;	/* NULL: the preset's */
	const char *filter;	/* --benchmark_filter, or NULL */
	const char *groups_file;	/* --groups=FILE, or NULL (plan.c, group_cells) */
	const char *topology;	/* plan for another machine (dry run) */
	const char *history_dir;	/* earlier runs, for the estimate */

	/* what refbench said */
	struct mx_placement *cpu, *mem;
	size_t ncpu, nmem;

	/* the plan */
	struct mx_cell *cells;
	size_t ncells;
	struct mx_skip *skips;
	size_t nskips;
	char *history_run;	/* the earlier run the estimate came from, or NULL */

	/* working lists (kept here, so they stay reachable until exit) */
	char **known_families, **names, **run_placements, **run_memories, **valid;
};

/* plan.c */
int mx_make_plan(struct mx_plan *p);
json_t *mx_plan_to_json(const struct mx_plan *p);
int mx_plan_from_json(struct mx_plan *p, json_t *root, const char *path);
double mx_cell_estimate_heuristic(const char *name, const char *min_time, int reps);

/* run.c */
struct mx_run {
	const char *dir;
	const char *refbench;
	const char *min_time;
	int repetitions;
	const char *perf_events;	/* or NULL */
	char **extra;			/* NULL-terminated refbench flags */
	double cell_timeout;
	bool retry_failed;
	bool tty;
	const bool *only;		/* NULL: every cell of the plan; else cell i only if only[i] */
	json_t *identity;		/* recorded in every cell's matrix_cell (NULL: this process's) */
};
/* Runs every cell of @p that has no cells/<id>.json yet. 0, MX_FAILED or 128+signal. */
int mx_run_cells(const struct mx_run *r, const struct mx_plan *p, size_t *nfailed);

/* The build and machine a cell ran on: refbench_version, refbench_sha256, machine_key, host. */
json_t *mx_identity(const char *refbench);

/* merge.c: one result per machine key (docs/matrix.md, "Several machines") */
int mx_merge(const char *dir, json_t *meta, const struct mx_plan *p);
/* --merge-runs: the runs' cells merged by machine key into @out. */
int mx_merge_runs(const char *out, char **runs);
char *mx_key_file_name(const char *key);	/* "refbench.<key>.json", the key made file-safe */
char *mx_row_suffix(const char *label);

/* util.c */
void *mx_xmalloc(size_t n);
void *mx_xrealloc(void *p, size_t n);
char *mx_xstrdup(const char *s);
char *mx_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mx_shell_quote(const char *s);
char *mx_argv_string(char *const *argv);
char *mx_regex_escape(const char *s);
char **mx_split_list(const char *s);	/* "a,b" -> NULL-terminated array */
bool mx_in_list(char *const *list, const char *s);
int mx_write_json_atomic(const char *path, json_t *j);
int mx_write_file_atomic(const char *path, const char *data, size_t len);
char *mx_read_file(const char *path, size_t max, size_t *len);
int mx_write_json_new(const char *path, json_t *j);	/* 1: @path existed, kept */
char *mx_sha256_file(const char *path);
int mx_mkdir_p(const char *path);
/* Runs argv, returns its stdout (NUL-terminated); *status is waitpid's. NULL if it could not start. */
char *mx_capture(char *const *argv, int *status, char **err);
double mx_now(void);
void mx_fmt_duration(char *buf, size_t n, double s);
extern const char *mx_prog;

/* slurm.c: the matrix as a Slurm job array (docs/matrix.md, "On Slurm") */
struct mx_slurm {
	const char *dir;		/* the run directory (absolute: the tasks read it) */
	const char *matrix_bin;		/* this program (absolute: the tasks run it) */
	const char *partition, *constraint, *time_limit;	/* or NULL */
	int cells_per_task;
	double cell_timeout;
	bool retry_failed;
	double poll_s;
};
/* No sbatch/squeue/scontrol on PATH, or a partition Slurm refuses: one line, MX_USAGE. */
int mx_slurm_check(const struct mx_slurm *s);
/* Follows earlier submissions, submits the missing cells, follows them. */
int mx_slurm_run(const struct mx_slurm *s, const struct mx_plan *p, size_t *nfailed);
/* Inside an array task: runs the task's cells. */
int mx_slurm_task(const char *dir, int submission, double cell_timeout, bool retry_failed);

#endif
