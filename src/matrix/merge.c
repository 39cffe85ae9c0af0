// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: the merge. The cells' Google Benchmark JSON files become
 * one Google Benchmark JSON file, RUN_DIR/refbench.json, that
 * refbench-compare and scripts/plot take as it is:
 *
 *  - benchmarks: the union of the cells' rows, in plan order. A row of a
 *    bound placement gets "/placement:LABEL" appended to its run_name (and
 *    name), so no two cells share a name; unbound ("none") rows keep
 *    refbench's own names, the same as a plain refbench run's. Every row
 *    gets "placement": LABEL and "matrix_cell": ID (strings). A failed cell
 *    is one error row (error_occurred, its reason), as Google Benchmark
 *    writes a skipped run.
 *  - context: the first finished cell's (Google Benchmark's and refbench's
 *    keys, the machine fingerprint), without the per-cell placement keys,
 *    plus the fingerprint refbench printed when the run was planned and the
 *    matrix_* keys: preset, the exact command, cell counts.
 *  - matrix: the per-cell index (status, reason, wall time, rows, files)
 *    and the plan's skipped cells with their reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matrix.h"

/* The suffix that keeps a placement's rows apart: "" for none. */
char *mx_row_suffix(const char *label)
{
	if (!strcmp(label, "none"))
		return mx_xstrdup("");
	return mx_xasprintf("/placement:%s", label);
}

static const char *const per_cell_keys[] = {
	"placement", "placement_pus", "placement_memory", "placement_memory_nodes",
	"placement_binding",
};

/* Keys whose values must agree across the cells of one result. */
static const char *const same_keys[] = { "git_commit", "git_dirty", "machine_key", "build_type" };

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

int mx_merge(const char *dir, json_t *meta, const struct mx_plan *p)
{
	json_t *rows = json_array(), *index = json_array(), *seen = json_object();
	json_t *ctx = NULL, *out, *mx, *first_ctx = NULL;
	size_t n_ok = 0, n_failed = 0, n_skipped = 0, n_missing = 0, n_rows = 0;
	char *mixed = NULL, *path;
	const char *k;
	json_t *v;
	int rc = 0;

	for (size_t i = 0; i < p->ncells; i++) {
		const struct mx_cell *c = &p->cells[i];
		char *file = mx_xasprintf("%s/cells/%s.json", dir, c->id);
		char *suffix = mx_row_suffix(c->label);
		json_t *cell = json_load_file(file, 0, NULL), *m, *entry, *row;
		const char *status = "missing";
		size_t j, nrows = 0;

		m = cell ? json_object_get(cell, "matrix_cell") : NULL;
		if (json_is_string(json_object_get(m, "status")))
			status = json_string_value(json_object_get(m, "status"));
		entry = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id", c->id,
				  "name", c->name, "family", c->family, "threads", c->threads,
				  "placement", c->placement, "memory", c->memory, "label", c->label,
				  "status", status);
		if (!strcmp(status, "ok")) {
			json_t *cctx = json_object_get(cell, "context");

			n_ok++;
			if (!first_ctx) {
				first_ctx = json_deep_copy(cctx);
			} else {
				for (size_t s = 0; s < sizeof(same_keys) / sizeof(same_keys[0]); s++) {
					const char *a = json_string_value(json_object_get(first_ctx, same_keys[s]));
					const char *b = json_string_value(json_object_get(cctx, same_keys[s]));

					if (a && b && strcmp(a, b) && !mixed)
						mixed = mx_xasprintf("cell %s has %s %s, the first cell %s",
								     c->id, same_keys[s], b, a);
				}
			}
			json_array_foreach(json_object_get(cell, "benchmarks"), j, row) {
				json_t *r = json_deep_copy(row);
				const char *name = json_string_value(json_object_get(r, "name"));
				const char *rn = json_string_value(json_object_get(r, "run_name"));
				char *nrn, *nname;
				json_t *owner;

				if (!name) {
					fprintf(stderr, "%s: %s: a row without a name\n", mx_prog, file);
					json_decref(r);
					rc = MX_FAILED;
					continue;
				}
				if (!rn)
					rn = name;
				nrn = mx_xasprintf("%s%s", rn, suffix);
				if (!strncmp(name, rn, strlen(rn)))
					nname = mx_xasprintf("%s%s", nrn, name + strlen(rn));
				else
					nname = mx_xasprintf("%s%s", name, suffix);
				/* no two cells may give the same run_name */
				owner = json_object_get(seen, nrn);
				if (owner && strcmp(json_string_value(owner), c->id)) {
					fprintf(stderr, "%s: merge: cells %s and %s both have rows named '%s'\n",
						mx_prog, json_string_value(owner), c->id, nrn);
					rc = MX_FAILED;
				}
				json_object_set_new(seen, nrn, json_string(c->id));
				set_str(r, "name", nname);
				if (json_object_get(r, "run_name"))
					set_str(r, "run_name", nrn);
				set_str(r, "placement", c->label);
				set_str(r, "matrix_cell", c->id);
				json_array_append_new(rows, r);
				nrows++;
				free(nrn);
				free(nname);
			}
		} else if (!strcmp(status, "failed")) {
			const char *why = json_string_value(json_object_get(m, "reason"));
			char *nrn = mx_xasprintf("%s%s", c->name, suffix);
			char *msg = mx_xasprintf("refbench-matrix: cell %s failed: %s", c->id,
						 why ? why : "?");

			n_failed++;
			json_array_append_new(rows, json_pack(
				"{s:s, s:i, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:s, s:s, s:s}",
				"name", nrn, "family_index", 0, "per_family_instance_index", 0,
				"run_name", nrn, "run_type", "iteration", "repetitions", 1,
				"repetition_index", 0, "threads", c->threads, "iterations", 0,
				"error_occurred", 1, "error_message", msg, "placement", c->label,
				"matrix_cell", c->id));
			json_object_set_new(seen, nrn, json_string(c->id));
			nrows++;
			free(nrn);
			free(msg);
		} else if (!strcmp(status, "skipped")) {
			n_skipped++;
		} else {
			n_missing++;
		}
		n_rows += nrows;
		json_object_set_new(entry, "rows", json_integer((json_int_t)nrows));
		if (m) {
			json_t *w = json_object_get(m, "wall_s"), *reason = json_object_get(m, "reason");

			if (json_is_number(w))
				json_object_set(entry, "wall_s", w);
			if (json_is_string(reason))
				json_object_set(entry, "reason", reason);
			json_object_set_new(entry, "file", json_sprintf("cells/%s.json", c->id));
			if (json_is_string(json_object_get(m, "stderr")))
				json_object_set_new(entry, "stderr_file", json_sprintf("cells/%s.stderr", c->id));
			if (json_is_string(json_object_get(m, "warnings")))
				json_object_set(entry, "warnings", json_object_get(m, "warnings"));
			if (json_is_string(json_object_get(m, "command")))
				json_object_set(entry, "command", json_object_get(m, "command"));
		}
		json_array_append_new(index, entry);
		json_decref(cell);
		free(file);
		free(suffix);
	}

	/* the context */
	ctx = first_ctx ? first_ctx : json_object();
	for (size_t s = 0; s < sizeof(per_cell_keys) / sizeof(per_cell_keys[0]); s++)
		json_object_del(ctx, per_cell_keys[s]);
	json_object_foreach(json_object_get(meta, "fingerprint"), k, v)
		if (!json_object_get(ctx, k))
			json_object_set(ctx, k, v);
	{
		char *labels = mx_xstrdup("");
		json_t *places = json_object();

		for (size_t i = 0; i < p->ncells; i++) {
			if (json_object_get(places, p->cells[i].label))
				continue;
			json_object_set_new(places, p->cells[i].label, json_true());
			char *n = mx_xasprintf("%s%s%s", labels, *labels ? "," : "", p->cells[i].label);

			free(labels);
			labels = n;
		}
		/* each row has its own "placement"; this lists them */
		set_str(ctx, "placement", labels);
		json_decref(places);
		free(labels);
	}
	json_object_foreach(meta, k, v) {
		char *key;

		if (!json_is_string(v) && !json_is_integer(v))
			continue;
		key = !strncmp(k, "matrix_", 7) || !strcmp(k, "refbench_command") ?
			mx_xstrdup(k) : mx_xasprintf("matrix_%s", k);
		if (json_is_string(v))
			json_object_set(ctx, key, v);
		else
			json_object_set_new(ctx, key, json_sprintf("%" JSON_INTEGER_FORMAT,
								   json_integer_value(v)));
		free(key);
	}
	json_object_set_new(ctx, "matrix_cells", json_sprintf(
		"%zu planned: %zu ok, %zu failed, %zu skipped by refbench, %zu missing; "
		"%zu left out by the plan (see matrix.skipped)",
		p->ncells, n_ok, n_failed, n_skipped, n_missing, p->nskips));
	{
		char stamp[32];
		time_t t = time(NULL);

		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		set_str(ctx, "matrix_merged", stamp);
	}
	if (mixed) {
		fprintf(stderr, "%s: warning: the cells come from different builds or machines: %s\n",
			mx_prog, mixed);
		set_str(ctx, "matrix_mixed", mixed);
		free(mixed);
	}

	mx = json_object();
	json_object_foreach(meta, k, v)
		if (strcmp(k, "cells") && strcmp(k, "skipped") && strcmp(k, "fingerprint"))
			json_object_set(mx, k, v);
	json_object_set_new(mx, "counts", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"planned", (json_int_t)p->ncells, "ok", (json_int_t)n_ok,
		"failed", (json_int_t)n_failed, "skipped", (json_int_t)n_skipped,
		"missing", (json_int_t)n_missing, "left_out", (json_int_t)p->nskips,
		"rows", (json_int_t)n_rows));
	json_object_set_new(mx, "cells", index);
	json_object_set(mx, "skipped", json_object_get(meta, "skipped"));

	out = json_object();
	json_object_set_new(out, "context", ctx);
	json_object_set_new(out, "benchmarks", rows);
	json_object_set_new(out, "matrix", mx);
	path = mx_xasprintf("%s/refbench.json", dir);
	if (mx_write_json_atomic(path, out))
		rc = MX_FAILED;
	free(path);
	json_decref(out);
	json_decref(seen);
	return rc;
}
