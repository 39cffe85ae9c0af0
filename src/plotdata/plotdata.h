/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench-plotdata: turns Google Benchmark JSON (refbench's, or any GB
 * program's), refbench-compare's JSON and sets of stored results into the
 * tab-separated data files and small gnuplot parameter files that the
 * scripts in plots/ draw. See docs/plots.md for every file it writes.
 *
 * Nothing here draws: the numbers behind every figure are written as text so
 * that tests (tests/plots/) can check them against hand-computed values.
 */
#ifndef RB_PLOTDATA_H
#define RB_PLOTDATA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One user counter of one cell: its value per repetition. */
struct pd_counter {
	char *name;
	int n;
	double *v;
};

/* One name=value argument parsed from a benchmark name ("order:9"). */
struct pd_arg {
	char *key;
	char *val;
};

/*
 * One cell: all repetitions of one run_name. family/variant/scenario come
 * from <family>/<variant>/<scenario>[/args]; config is the scenario plus the
 * args that are not Google Benchmark's own suffixes (threads:, repeats:,
 * iterations:, real_time, ...), e.g. "pmd order:9"; it names a figure.
 */
struct pd_cell {
	char *run_name;
	char *family, *variant, *scenario, *config, *placement;
	int threads;
	int n;			/* repetitions with a value */
	double *ns;		/* time per op in ns, per repetition */
	bool from_median;	/* only a _median aggregate was reported */
	double agg_median;	/* that aggregate */
	int nargs;
	struct pd_arg *args;
	int ncnt;
	struct pd_counter *cnt;
	char *error;		/* error_message of a skipped run, or NULL */
	int order;		/* first appearance in the file */
};

struct pd_result {
	const char *path;
	json_t *root;
	json_t *context;	/* may be NULL */
	int ncells;
	struct pd_cell *cells;
	char machine[256];	/* for titles: machine_key, or the host's CPU */
	char commit[64];	/* 12 hex digits, "-dirty" when git_dirty */
	char date[64];
};

enum pd_time { PD_REAL, PD_CPU };

/* gb.c */
int pd_load(struct pd_result *r, const char *path, enum pd_time t);
void pd_free(struct pd_result *r);
const char *pd_ctx_str(json_t *ctx, const char *key);
void pd_machine_commit(json_t *ctx, char *machine, size_t mlen, char *commit, size_t clen);
const char *pd_arg_get(const struct pd_cell *c, const char *key);
const struct pd_counter *pd_counter_get(const struct pd_cell *c, const char *name);

/* stats.c */
double pd_median(const double *v, int n);
double pd_min(const double *v, int n);
double pd_max(const double *v, int n);
double pd_mean(const double *v, int n);
double pd_cell_median(const struct pd_cell *c);

/* util.c */
extern const char *pd_prog;
void pd_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern void (*pd_die_hook)(void);	/* the fuzz target's; must not return */
void *pd_xmalloc(size_t n);
void *pd_xrealloc(void *p, size_t n);
char *pd_xstrdup(const char *s);
char *pd_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
FILE *pd_create(const char *dir, const char *name);
void pd_close(FILE *f, const char *dir, const char *name);
void pd_mkdir(const char *dir);
void pd_gp_str(FILE *f, const char *s);		/* a gnuplot single-quoted string */
void pd_tsv_str(FILE *f, const char *s);	/* a TSV field: no tabs or newlines */
char *pd_slug(const char *s);
void pd_unique(char **names, int n);		/* append -2, -3 to duplicates */
void pd_gp_header(FILE *f, const char *machine, const char *commit);
void pd_num(FILE *f, double v);			/* %.6g, or ? when NaN */
json_t *pd_load_json(const char *path);

/* history.c: the change-point rule, exposed for tests */
void pd_change_points(const double *m, int n, double thr, int window, int *flag, double *rel);

/* the commands */
int pd_cmd_run(int argc, char **argv);
int pd_cmd_compare(int argc, char **argv);
int pd_cmd_history(int argc, char **argv);
int pd_cmd_findings(int argc, char **argv);

#endif
