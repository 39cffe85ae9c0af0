// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-compare's file tools:
 *   --merge:     several runs (processes) of one build into one result file,
 *                every repetition row kept, tagged with its run
 *                ("refbench_run"), aggregates dropped (they were per run);
 *   --callgrind: a `refbench --instr-count` run under callgrind (its JSON and
 *                its dump directory) into instructions-per-iteration rows
 *                that the compare reads like any other result.
 */
#include "tools.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int set_context(json_t *root, const char *const *kv, size_t nkv, int overwrite)
{
	json_t *ctx = json_object_get(root, "context");

	if (!ctx) {
		ctx = json_object();
		json_object_set_new(root, "context", ctx);
	}
	for (size_t i = 0; i < nkv; i++) {
		const char *eq = strchr(kv[i], '=');
		char key[128];
		json_t *old;

		if (!eq || eq == kv[i] || (size_t)(eq - kv[i]) >= sizeof(key)) {
			fprintf(stderr, "refbench-compare: --set-context '%s': want KEY=VALUE\n", kv[i]);
			return 2;
		}
		memcpy(key, kv[i], (size_t)(eq - kv[i]));
		key[eq - kv[i]] = '\0';
		old = json_object_get(ctx, key);
		if (old && !overwrite) {
			if (json_is_string(old) && !strcmp(json_string_value(old), eq + 1))
				continue;
			fprintf(stderr, "refbench-compare: --set-context %s: the input already has "
				"%s='%s'; not replacing it\n", key, key,
				json_is_string(old) ? json_string_value(old) : "(not a string)");
			return 2;
		}
		json_object_set_new(ctx, key, json_string(eq + 1));
	}
	return 0;
}

/* Writes @root to @path through a temporary file, so a failure leaves no half file. */
static int write_json(json_t *root, const char *path)
{
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	FILE *fp;
	int bad;

	if (!tmp)
		return 2;
	snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
	fp = fopen(tmp, "w");
	if (!fp) {
		fprintf(stderr, "refbench-compare: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return 2;
	}
	bad = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
	bad |= fputc('\n', fp) == EOF;
	bad |= fclose(fp) != 0;
	if (bad || rename(tmp, path)) {
		fprintf(stderr, "refbench-compare: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return 2;
	}
	free(tmp);
	return 0;
}

int rb_tool_merge(const char *out, const char *const *in, size_t nin, const char *const *kv,
		  size_t nkv, int ignore_machine)
{
	json_t *root = NULL, *rows = json_array();
	struct gb_file f0 = { 0 };
	char err[GB_ERR_LEN];
	int rc = 2;

	for (size_t i = 0; i < nin; i++) {
		struct gb_file f;
		json_t *row;
		size_t j;

		if (gb_read_file(in[i], GB_REAL_TIME, &f, err)) {
			fprintf(stderr, "refbench-compare: %s\n", err);
			goto out;
		}
		if (i == 0) {
			f0 = f;
			root = json_deep_copy(f.root);
		} else {
			int bad = strcmp(f.measure, f0.measure) ? 1 :
				  (!ignore_machine && strcmp(f.machine_key, f0.machine_key)) ? 2 : 0;

			if (bad)
				fprintf(stderr, "refbench-compare: %s: its %s '%s' differs from %s's '%s'\n",
					in[i], bad == 1 ? "measure" : "machine key",
					bad == 1 ? f.measure : f.machine_key, in[0],
					bad == 1 ? f0.measure : f0.machine_key);
			if (bad) {
				gb_free(&f);
				goto out;
			}
		}
		json_array_foreach(json_object_get(f.root, "benchmarks"), j, row) {
			json_t *rt = json_object_get(row, "run_type");
			json_t *copy, *old;

			if (json_is_string(rt) && !strcmp(json_string_value(rt), "aggregate"))
				continue;
			if (!rt && json_object_get(row, "aggregate_name"))
				continue;
			copy = json_deep_copy(row);
			old = json_object_get(copy, "refbench_run");
			if (json_is_integer(old) || json_is_string(old)) {
				/* A merged file merged again: its runs stay apart. */
				char run[96];

				if (json_is_integer(old))
					snprintf(run, sizeof(run), "%zu.%lld", i,
						 (long long)json_integer_value(old));
				else
					snprintf(run, sizeof(run), "%zu.%.60s", i, json_string_value(old));
				json_object_set_new(copy, "refbench_run", json_string(run));
			} else {
				json_object_set_new(copy, "refbench_run", json_integer((json_int_t)i));
			}
			json_array_append_new(rows, copy);
		}
		if (i)
			gb_free(&f);
	}
	if (!root) {
		fprintf(stderr, "refbench-compare: --merge: no input files\n");
		goto out;
	}
	json_object_set_new(root, "benchmarks", rows);
	rows = NULL;
	{
		/* The merged rows as the compare will read them: a run given twice is refused. */
		struct gb_file check;

		if (gb_read_json(root, "--merge", GB_REAL_TIME, &check, err)) {
			fprintf(stderr, "refbench-compare: %s (inputs: %s ...)\n", err, in[0]);
			goto out;
		}
		gb_free(&check);
	}
	if ((rc = set_context(root, kv, nkv, 0)) != 0)
		goto out;
	{
		char buf[32];

		snprintf(buf, sizeof(buf), "%zu", nin);
		json_object_set_new(json_object_get(root, "context"), "refbench_merged_runs",
				    json_string(buf));
	}
	rc = write_json(root, out);
out:
	if (rows)
		json_decref(rows);
	if (root)
		json_decref(root);
	gb_free(&f0);
	return rc;
}

/* ---- callgrind ---- */

struct cg_dump {
	unsigned long seq;
	unsigned long long n;
	unsigned long long ir;
};

/* Reads "desc: Trigger: Client Request: rb-instr seq=S n=N" and "summary:"/"totals:". */
static int read_dump(const char *path, struct cg_dump *d)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	int have_desc = 0, have_ir = 0;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long seq;
		unsigned long long n, ir;

		if (sscanf(line, "desc: Trigger: Client Request: rb-instr seq=%lu n=%llu", &seq, &n) == 2) {
			d->seq = seq;
			d->n = n;
			have_desc = 1;
		} else if (!have_ir && (sscanf(line, "summary: %llu", &ir) == 1 ||
					sscanf(line, "totals: %llu", &ir) == 1)) {
			d->ir = ir;
			have_ir = 1;
		}
	}
	fclose(fp);
	return have_desc && have_ir ? 0 : -1;
}

static const struct cg_dump *find_dump(const struct cg_dump *d, size_t nd, unsigned long seq)
{
	for (size_t i = 0; i < nd; i++)
		if (d[i].seq == seq)
			return &d[i];
	return NULL;
}

int rb_tool_callgrind(const char *out, const char *gbjson, const char *dir, const char *const *kv,
		      size_t nkv)
{
	struct cg_dump *dumps = NULL;
	size_t nd = 0, measured = 0, multi = 0, unmeasured = 0, j;
	json_t *root = NULL, *rows, *kept = NULL, *row;
	json_error_t je;
	struct dirent *de;
	int rc = 2;
	DIR *dp;

	dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "refbench-compare: --callgrind %s: %s\n", dir, strerror(errno));
		return 2;
	}
	while ((de = readdir(dp))) {
		char path[4096];
		struct cg_dump d, *nd2;

		if (strncmp(de->d_name, "cg.", 3) && strncmp(de->d_name, "callgrind.out", 13))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_dump(path, &d))
			continue;	/* the final (empty) dump at exit, or not ours */
		if (find_dump(dumps, nd, d.seq)) {
			fprintf(stderr, "refbench-compare: %s: two dumps with seq=%lu: the directory "
				"holds more than one callgrind run\n", dir, d.seq);
			goto out;
		}
		nd2 = realloc(dumps, (nd + 1) * sizeof(*nd2));
		if (!nd2)
			goto out;
		dumps = nd2;
		dumps[nd++] = d;
	}
	root = json_load_file(gbjson, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fprintf(stderr, "refbench-compare: %s: not valid JSON (line %d): %s\n", gbjson, je.line,
			je.text);
		goto out;
	}
	rows = json_object_get(root, "benchmarks");
	if (!json_is_object(root) || !json_is_array(rows)) {
		fprintf(stderr, "refbench-compare: %s: not Google Benchmark JSON output\n", gbjson);
		goto out;
	}
	kept = json_array();
	json_array_foreach(rows, j, row) {
		json_t *msg = json_object_get(row, "error_message");
		unsigned long s1, s2;
		const struct cg_dump *d1, *d2;
		double slope;
		json_t *copy;

		if (!json_is_object(row))
			continue;
		if (json_is_string(msg) &&
		    strstr(json_string_value(msg), "single-threaded benchmarks only")) {
			multi++;
			continue;
		}
		copy = json_deep_copy(row);
		json_array_append_new(kept, copy);
		if (!json_is_string(msg) ||
		    sscanf(json_string_value(msg), "refbench --instr-count: measured in dumps %lu and %lu",
			   &s1, &s2) != 2) {
			unmeasured++;
			if (!json_is_true(json_object_get(copy, "error_occurred"))) {
				/* A time measurement under valgrind means nothing: say so. */
				json_object_set_new(copy, "error_occurred", json_true());
				json_object_set_new(copy, "error_message", json_string(
					"refbench --instr-count: not measured (the body does not use "
					"rb_start()/rb_stop(), or sets its own iterations)"));
			}
			continue;
		}
		d1 = find_dump(dumps, nd, s1);
		d2 = find_dump(dumps, nd, s2);
		if (!d1 || !d2 || d2->n <= d1->n || d2->ir < d1->ir) {
			fprintf(stderr, "refbench-compare: %s: dumps %lu and %lu of row '%s' are missing "
				"or inconsistent in %s\n", gbjson, s1, s2,
				json_string_value(json_object_get(row, "name")), dir);
			goto out;
		}
		slope = (double)(d2->ir - d1->ir) / (double)(d2->n - d1->n);
		json_object_del(copy, "error_occurred");
		json_object_del(copy, "error_message");
		json_object_set_new(copy, "run_type", json_string("iteration"));
		json_object_set_new(copy, "iterations", json_integer((json_int_t)d2->n));
		json_object_set_new(copy, "real_time", json_real(slope));
		json_object_set_new(copy, "cpu_time", json_real(slope));
		json_object_set_new(copy, "time_unit", json_string("ns"));
		json_object_set_new(copy, "instructions_per_iteration", json_real(slope));
		json_object_set_new(copy, "instructions_batch_small", json_integer((json_int_t)d1->ir));
		json_object_set_new(copy, "instructions_batch_large", json_integer((json_int_t)d2->ir));
		measured++;
	}
	json_object_set(root, "benchmarks", kept);
	{
		json_t *ctx = json_object_get(root, "context");

		if (!json_is_object(ctx)) {
			ctx = json_object();
			json_object_set_new(root, "context", ctx);
		}
		json_object_set_new(ctx, "refbench_measure", json_string("instructions"));
		json_object_set_new(ctx, "refbench_measure_note", json_string(
			"real_time and cpu_time hold instructions per iteration (callgrind Ir, "
			"slope between two batch sizes), not times"));
	}
	if ((rc = set_context(root, kv, nkv, 0)) != 0)
		goto out;
	if (!measured) {
		fprintf(stderr, "refbench-compare: %s: no benchmark was measured (were the runs under "
			"valgrind --tool=callgrind with refbench --instr-count?)\n", gbjson);
		rc = 2;
		goto out;
	}
	rc = write_json(root, out);
	if (!rc)
		fprintf(stderr, "refbench-compare: %zu measured, %zu multi-threaded left out, "
			"%zu not measured -> %s\n", measured, multi, unmeasured, out);
out:
	closedir(dp);
	free(dumps);
	if (kept)
		json_decref(kept);
	if (root)
		json_decref(root);
	return rc;
}
