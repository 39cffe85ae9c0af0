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
 *
 * Several machines (docs/matrix.md, "Several machines"): every cell records
 * the machine key it ran on. Cells of one key give RUN_DIR/refbench.json as
 * above; cells of several keys give one such file per key,
 * RUN_DIR/refbench.<key>.json, and RUN_DIR/machines.json indexes them (no
 * refbench.json then: a result never mixes machines). --merge-runs does the
 * same over several run directories (a CI matrix's jobs). A cell that ran
 * another refbench build than the plan's (its version or its binary's
 * SHA-256 differs) is refused: an error row saying why, never its numbers.
 * A cell whose Slurm task ended without it (slurm/lost/ID.json) is a failed
 * cell with Slurm's reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/*
 * refbench.<key>.json. A key of other characters than [A-Za-z0-9._-], or
 * longer than MX_KEY_FILE_MAX (a file name has at most 255 bytes), is
 * written with the others replaced by '_', cut, and a hash of the whole key
 * appended, so that two keys never share a file and the name can be
 * created (a corrupt cell file's key, found by fuzz_matrix).
 */
#define MX_KEY_FILE_MAX	120

char *mx_key_file_name(const char *key)
{
	size_t len = strlen(key), n = len > MX_KEY_FILE_MAX ? MX_KEY_FILE_MAX : len;
	bool changed = n < len;
	char *clean = mx_xasprintf("%.*s", (int)n, key), *f;
	uint32_t h = 2166136261u;	/* FNV-1a of the whole key */

	for (char *q = clean; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '-' || *q == '_' || *q == '.')) {
			*q = '_';
			changed = true;
		}
	for (const char *q = key; *q; q++)
		h = (h ^ (unsigned char)*q) * 16777619u;
	f = changed ? mx_xasprintf("refbench.%s-%08x.json", clean, (unsigned)h)
		    : mx_xasprintf("refbench.%s.json", clean);
	free(clean);
	return f;
}

/*
 * A cell file (or the Slurm lost record in its place), its machine key, and
 * why the merge refuses it (another build than the plan's), or NULL.
 */
static json_t *load_cell(const char *dir, const struct mx_cell *c, json_t *meta,
			 const char **key, char **refused)
{
	char *file = mx_xasprintf("%s/cells/%s.json", dir, c->id);
	json_t *cell = json_load_file(file, 0, NULL), *m;
	const char *pv = json_string_value(json_object_get(meta, "refbench_version"));
	const char *ph = json_string_value(json_object_get(meta, "refbench_sha256"));
	const char *cv, *ch;

	free(file);
	*key = NULL;
	*refused = NULL;
	if (!cell) {
		/* no result: a Slurm task that ended without it left a lost record */
		file = mx_xasprintf("%s/slurm/lost/%s.json", dir, c->id);
		m = json_load_file(file, 0, NULL);
		free(file);
		if (m)
			cell = json_pack("{s:[], s:o}", "benchmarks", "matrix_cell", m);
		return cell;
	}
	m = json_object_get(cell, "matrix_cell");
	*key = json_string_value(json_object_get(m, "machine_key"));
	if (!*key)
		*key = json_string_value(json_object_get(json_object_get(cell, "context"), "machine_key"));
	cv = json_string_value(json_object_get(m, "refbench_version"));
	ch = json_string_value(json_object_get(m, "refbench_sha256"));
	if (pv && cv && strcmp(pv, cv))
		*refused = mx_xasprintf("refused at merge: it ran '%s', the plan's build is '%s' "
					"(another commit or build)", cv, pv);
	else if (ph && ch && strcmp(ph, ch))
		*refused = mx_xasprintf("refused at merge: it ran a refbench binary with SHA-256 "
					"%.16s..., the plan's is %.16s... (rebuilt between the plan "
					"and the task?)", ch, ph);
	return cell;
}

/* One result file: the cells of machine key @want (all when NULL), into @dir/@name. */
static int merge_one(const char *dir, json_t *meta, const struct mx_plan *p, const char *want,
		     const char *outdir, const char *name, json_t **counts_out)
{
	json_t *rows = json_array(), *index = json_array(), *seen = json_object();
	json_t *ctx = NULL, *out, *mx, *first_ctx = NULL;
	size_t n_ok = 0, n_failed = 0, n_skipped = 0, n_missing = 0, n_rows = 0, n_refused = 0;
	size_t n_other = 0;
	char *mixed = NULL, *path;
	const char *k;
	json_t *v;
	int rc = 0;

	for (size_t i = 0; i < p->ncells; i++) {
		const struct mx_cell *c = &p->cells[i];
		char *file = mx_xasprintf("%s/cells/%s.json", dir, c->id);
		char *suffix = mx_row_suffix(c->label), *refused = NULL;
		const char *ckey = NULL;
		json_t *cell = load_cell(dir, c, meta, &ckey, &refused), *m, *entry, *row;
		const char *status = "missing";
		char *cellkey = mx_xasprintf("%s@%s", c->name, c->label);
		size_t j, nrows = 0;

		if (want && ckey && strcmp(want, ckey)) {
			/* this cell ran on another machine: its key's result has it */
			n_other++;
			free(cellkey);
			json_decref(cell);
			free(refused);
			free(file);
			free(suffix);
			continue;
		}
		m = cell ? json_object_get(cell, "matrix_cell") : NULL;
		if (json_is_string(json_object_get(m, "status")))
			status = json_string_value(json_object_get(m, "status"));
		if (refused) {
			fprintf(stderr, "%s: merge: cell %s (%s @ %s) %s\n", mx_prog, c->id, c->name,
				c->label, refused);
			json_object_set_new(m, "status", json_string("refused"));
			json_object_set_new(m, "reason", json_string(refused));
			status = "refused";
		}
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
				/*
				 * no two cells may give the same run_name (the processes of
				 * one cell may: they are one benchmark, told apart by
				 * matrix_cell and matrix_process)
				 */
				owner = json_object_get(seen, nrn);
				if (owner && strcmp(json_string_value(json_object_get(owner, "id")), c->id) &&
				    (!c->process || strcmp(json_string_value(json_object_get(owner, "cell")),
							   cellkey))) {
					fprintf(stderr, "%s: merge: cells %s and %s both have rows named '%s'\n",
						mx_prog, json_string_value(json_object_get(owner, "id")),
						c->id, nrn);
					rc = MX_FAILED;
				}
				json_object_set_new(seen, nrn, json_pack("{s:s, s:s}", "id", c->id,
									 "cell", cellkey));
				set_str(r, "name", nname);
				if (json_object_get(r, "run_name"))
					set_str(r, "run_name", nrn);
				set_str(r, "placement", c->label);
				set_str(r, "matrix_cell", c->id);
				if (c->process)
					json_object_set_new(r, "matrix_process", json_integer(c->process));
				json_array_append_new(rows, r);
				nrows++;
				free(nrn);
				free(nname);
			}
		} else if (!strcmp(status, "failed") || !strcmp(status, "refused")) {
			const char *why = json_string_value(json_object_get(m, "reason"));
			char *msg = mx_xasprintf("refbench-matrix: cell %s %s: %s", c->id,
						 *status == 'f' ? "failed" : "refused",
						 why ? why : "?");

			if (*status == 'f')
				n_failed++;
			else
				n_refused++;
			/* an error row per benchmark of the cell (a group cell has several) */
			for (const char *b = c->name; *b;) {
				size_t len = strcspn(b, "|");
				char *nrn = mx_xasprintf("%.*s%s", (int)len, b, suffix);

				json_array_append_new(rows, json_pack(
					"{s:s, s:i, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:s, s:s, s:s}",
					"name", nrn, "family_index", 0, "per_family_instance_index", 0,
					"run_name", nrn, "run_type", "iteration", "repetitions", 1,
					"repetition_index", 0, "threads", c->threads, "iterations", 0,
					"error_occurred", 1, "error_message", msg, "placement", c->label,
					"matrix_cell", c->id));
				if (c->process) {
					/* one error row per failed process, each its own repetition 0 */
					json_object_set_new(json_array_get(rows, json_array_size(rows) - 1),
							    "matrix_process", json_integer(c->process));
				}
				json_object_set_new(seen, nrn, json_pack("{s:s, s:s}", "id", c->id,
									 "cell", cellkey));
				nrows++;
				free(nrn);
				b += len;
				if (*b)
					b++;
			}
			free(msg);
		} else if (!strcmp(status, "skipped")) {
			n_skipped++;
		} else {
			n_missing++;
		}
		n_rows += nrows;
		json_object_set_new(entry, "rows", json_integer((json_int_t)nrows));
		if (c->process)
			json_object_set_new(entry, "process", json_integer(c->process));
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
			{
				static const char *const ids[] = { "machine_key", "host", "slurm_task",
								   "refbench_sha256" };

				for (size_t q = 0; q < sizeof(ids) / sizeof(ids[0]); q++)
					if (json_is_string(json_object_get(m, ids[q])))
						json_object_set(entry, ids[q], json_object_get(m, ids[q]));
			}
			if (json_is_string(json_object_get(m, "slurm_state")))
				json_object_set_new(entry, "lost_file",
						    json_sprintf("slurm/lost/%s.json", c->id));
		}
		json_array_append_new(index, entry);
		json_decref(cell);
		free(cellkey);
		free(refused);
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
		"%zu left out by the plan (see matrix.skipped)%s",
		p->ncells, n_ok, n_failed, n_skipped, n_missing, p->nskips,
		n_refused || n_other ? "; " : ""));
	if (n_refused || n_other) {
		char *t = mx_xasprintf("%s%zu refused (another build)%s%zu on other machines",
				       json_string_value(json_object_get(ctx, "matrix_cells")),
				       n_refused, ", ", n_other);

		json_object_set_new(ctx, "matrix_cells", json_string(t));
		free(t);
	}
	if (want)
		set_str(ctx, "machine_key", want);
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
	if (n_refused)
		json_object_set_new(json_object_get(mx, "counts"), "refused",
				    json_integer((json_int_t)n_refused));
	if (want) {
		json_object_set_new(json_object_get(mx, "counts"), "other_machines",
				    json_integer((json_int_t)n_other));
		json_object_set_new(mx, "machine_key", json_string(want));
	}
	if (counts_out)
		*counts_out = json_deep_copy(json_object_get(mx, "counts"));
	json_object_set_new(mx, "cells", index);
	json_object_set(mx, "skipped", json_object_get(meta, "skipped"));

	out = json_object();
	json_object_set_new(out, "context", ctx);
	json_object_set_new(out, "benchmarks", rows);
	json_object_set_new(out, "matrix", mx);
	path = mx_xasprintf("%s/%s", outdir, name);
	if (mx_write_json_atomic(path, out))
		rc = MX_FAILED;
	free(path);
	json_decref(out);
	json_decref(seen);
	return rc;
}

/* The machine keys of a run's cells, in plan order (a JSON array of strings). */
static json_t *run_keys(const char *dir, json_t *meta, const struct mx_plan *p)
{
	json_t *keys = json_array(), *seen = json_object();

	for (size_t i = 0; i < p->ncells; i++) {
		char *refused = NULL;
		const char *key = NULL;
		json_t *cell = load_cell(dir, &p->cells[i], meta, &key, &refused);

		if (key && !json_object_get(seen, key)) {
			json_object_set_new(seen, key, json_true());
			json_array_append_new(keys, json_string(key));
		}
		json_decref(cell);
		free(refused);
	}
	json_decref(seen);
	return keys;
}

int mx_merge(const char *dir, json_t *meta, const struct mx_plan *p)
{
	json_t *keys = run_keys(dir, meta, p), *machines, *k;
	size_t i;
	int rc = 0;

	if (json_array_size(keys) <= 1) {
		json_decref(keys);
		return merge_one(dir, meta, p, NULL, dir, "refbench.json", NULL);
	}
	/* several machines: one result per key, never one that mixes them */
	machines = json_object();
	json_array_foreach(keys, i, k) {
		const char *key = json_string_value(k);
		char *name = mx_key_file_name(key);
		json_t *counts = NULL;

		if (merge_one(dir, meta, p, key, dir, name, &counts))
			rc = MX_FAILED;
		json_object_set_new(machines, key, json_pack("{s:s, s:s, s:o*}", "file", name,
							     "run", ".", "counts", counts));
		free(name);
	}
	{
		char *old = mx_xasprintf("%s/refbench.json", dir);
		char *path = mx_xasprintf("%s/machines.json", dir);
		json_t *idx = json_pack("{s:i, s:O}", "machines_format", 1, "machines", machines);

		/* an earlier single-machine merge of this run is now wrong: it is derived, redo */
		unlink(old);
		if (mx_write_json_atomic(path, idx))
			rc = MX_FAILED;
		printf("refbench-matrix: cells from %zu machines: one result per machine key, "
		       "indexed in %s\n", json_array_size(keys), path);
		json_decref(idx);
		free(path);
		free(old);
	}
	json_decref(machines);
	json_decref(keys);
	return rc;
}

/* "refbench 0.1.0 (commit 0123abcd..., ...)" -> the commit, or the whole line. */
static char *version_commit(const char *v)
{
	const char *c = v ? strstr(v, "(commit ") : NULL;

	if (!c)
		return mx_xstrdup(v ? v : "unknown");
	c += 8;
	return mx_xasprintf("%.*s", (int)strcspn(c, ",) "), c);
}

int mx_merge_runs(const char *out, char **runs)
{
	/* static: the runs' plans and metadata stay reachable when it returns early */
	static json_t *machines, *runs_j, *metas;
	static struct mx_plan **plans;
	static char *commit0;
	json_t *idx;
	char *path;
	const char *run0 = NULL;
	size_t nplans = 0;
	int rc = 0;

	machines = json_object();
	runs_j = json_array();
	metas = json_array();

	if (!runs || !runs[0]) {
		fprintf(stderr, "%s: --merge-runs=%s: give the run directories to merge\n", mx_prog, out);
		return MX_USAGE;
	}
	if (mx_mkdir_p(out)) {
		fprintf(stderr, "%s: cannot create %s\n", mx_prog, out);
		return MX_FAILED;
	}
	for (size_t r = 0; runs[r]; r++) {
		struct mx_plan *p = mx_xmalloc(sizeof(*p));
		char *mpath = mx_xasprintf("%s/matrix.json", runs[r]), *commit;
		json_t *meta = json_load_file(mpath, 0, NULL), *keys, *k;
		size_t i;

		memset(p, 0, sizeof(*p));
		plans = mx_xrealloc(plans, sizeof(*plans) * (nplans + 1));
		plans[nplans++] = p;
		if (meta)
			json_array_append_new(metas, meta);
		free(mpath);
		if (!meta || mx_plan_from_json(p, meta, runs[r])) {
			fprintf(stderr, "%s: --merge-runs: %s is not a refbench-matrix run directory\n",
				mx_prog, runs[r]);
			return MX_USAGE;
		}
		commit = version_commit(json_string_value(json_object_get(meta, "refbench_version")));
		if (!commit0) {
			commit0 = commit;
			run0 = runs[r];
		} else if (strcmp(commit, commit0)) {
			fprintf(stderr, "%s: --merge-runs: %s ran commit %s, %s ran %s: merge runs of "
				"one commit (compare commits with refbench-compare)\n", mx_prog,
				runs[r], commit, run0, commit0);
			free(commit);
			return MX_USAGE;
		}
		keys = run_keys(runs[r], meta, p);
		if (!json_array_size(keys))
			fprintf(stderr, "%s: --merge-runs: %s has no finished cell; left out\n", mx_prog,
				runs[r]);
		json_array_foreach(keys, i, k) {
			const char *key = json_string_value(k);
			char *name = mx_key_file_name(key);
			json_t *counts = NULL, *prev = json_object_get(machines, key);

			if (prev) {
				fprintf(stderr, "%s: --merge-runs: machine key %s is in %s and in %s: "
					"one run per machine key\n", mx_prog, key,
					json_string_value(json_object_get(prev, "run")), runs[r]);
				free(name);
				json_decref(keys);
				if (commit != commit0)
					free(commit);
				return MX_USAGE;
			}
			if (merge_one(runs[r], meta, p, key, out, name, &counts))
				rc = MX_FAILED;
			json_object_set_new(machines, key, json_pack("{s:s, s:s, s:o*}", "file", name,
								     "run", runs[r], "counts", counts));
			printf("refbench-matrix: %s: machine %s -> %s/%s\n", runs[r], key, out, name);
			free(name);
		}
		json_array_append_new(runs_j, json_string(runs[r]));
		json_decref(keys);
		if (commit != commit0)
			free(commit);
	}
	idx = json_pack("{s:i, s:O, s:O}", "machines_format", 1, "machines", machines, "runs", runs_j);
	path = mx_xasprintf("%s/machines.json", out);
	if (mx_write_json_atomic(path, idx))
		rc = MX_FAILED;
	printf("refbench-matrix: %zu machine%s merged into %s (index %s)\n",
	       json_object_size(machines), json_object_size(machines) == 1 ? "" : "s", out, path);
	free(path);
	json_decref(idx);
	return rc;
}
