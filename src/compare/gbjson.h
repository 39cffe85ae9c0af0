/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Google Benchmark JSON reader (jansson): `--benchmark_out_format=json`
 * of refbench or of any Google Benchmark program. Keeps the per-repetition
 * rows (run_type "iteration"; files from before run_type existed: rows without
 * "aggregate_name"), skips aggregates, pairs nothing (compare.c does), and
 * converts every time to nanoseconds. Everything it does not accept is one
 * line in @err and a non-zero return: never a crash, whatever the bytes.
 */
#ifndef RB_COMPARE_GBJSON_H
#define RB_COMPARE_GBJSON_H

#include <stddef.h>

#include <jansson.h>

enum gb_metric { GB_REAL_TIME, GB_CPU_TIME };

struct gb_bench {
	char *name;		/* run_name, or name */
	double *v;		/* one value per repetition row, ns (or instructions) */
	unsigned *run;		/* per value: its run (index into gb_file.runs) */
	long *rep;		/* per value: repetition_index, or -1 */
	int threads;		/* "threads" of the first row (1 if absent) */
	size_t n, cap;
	char *error;		/* the first error_message, or NULL */
	size_t errors;		/* rows with error_occurred */
};

struct gb_file {
	char *path;
	json_t *root;		/* the whole document, for --merge */
	const char *machine_key;	/* "unknown" if the context has none */
	int machine_key_present;
	const char *measure;	/* "time", or "instructions" (refbench --instr-count) */
	const char *git_commit, *git_dirty, *build_type, *injected;
	struct gb_bench *b;	/* in first-seen order */
	size_t nb, bcap;
	size_t *index;		/* open-addressing hash of names -> b index + 1 (0: empty) */
	size_t index_cap;
	char **runs;		/* one label per run: "" or refbench_run and matrix_cell */
	size_t nruns;
};

#define GB_ERR_LEN 512

/* 0, or -1 with a one-line reason in @err (starting with the file name). */
int gb_read_file(const char *path, enum gb_metric metric, struct gb_file *f, char err[GB_ERR_LEN]);
/* The same, from memory (@label names it in messages); used by the fuzz target. */
int gb_read_buffer(const char *buf, size_t len, const char *label, enum gb_metric metric,
		   struct gb_file *f, char err[GB_ERR_LEN]);
void gb_free(struct gb_file *f);
/* The same, from a document (a new reference is taken; gb_free drops it). */
int gb_read_json(json_t *root, const char *label, enum gb_metric metric, struct gb_file *f,
		 char err[GB_ERR_LEN]);
/*
 * The one JSON loader of every tool that reads Google Benchmark output
 * (refbench-compare, refbench-plotdata): the file as a jansson document, with
 * Google Benchmark's bare NaN/Infinity tokens read as null, duplicate keys
 * refused. NULL with one line in @err (starting with @path) otherwise.
 */
json_t *gb_load_json(const char *path, char err[GB_ERR_LEN]);
/* Frees the document's "benchmarks" rows once read (compare mode: memory). */
void gb_drop_rows(struct gb_file *f);
/* Google Benchmark's bare NaN/Infinity tokens (outside strings) as null; malloc'd. */
char *gb_nonfinite_to_null(const char *in, size_t len, size_t *count, size_t *out_len);

const struct gb_bench *gb_find(const struct gb_file *f, const char *name);
/* A context string, or NULL. */
const char *gb_context(const struct gb_file *f, const char *key);

#endif
