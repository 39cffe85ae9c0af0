// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for refbench-matrix's readers of a run directory: matrix.json
 * (the plan --resume reads back, mx_plan_from_json) and the cell files
 * (cells/<id>.json, mx_merge). The input is the files one after another,
 * separated by a line "--": matrix.json, then the file of the plan's first
 * cell, second cell, ... They are written into a scratch run directory and
 * merged. Oracles: no crash, leak or undefined behaviour; a cell's rows are
 * merged at most once (a cell file counted twice would count a measurement
 * twice); the merged file is valid JSON.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "matrix.h"
#include "fuzz_main.h"

static char scratch[64];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* The scratch directory goes when the process does. */
static void rm_scratch(void)
{
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void plan_free(struct mx_plan *p, size_t ncells)
{
	for (size_t i = 0; i < ncells && p->cells; i++) {
		free(p->cells[i].id);
		free(p->cells[i].name);
		free(p->cells[i].family);
		free(p->cells[i].placement);
		free(p->cells[i].memory);
		free(p->cells[i].label);
	}
	for (size_t i = 0; p->skips && i < p->nskips; i++) {
		free(p->skips[i].name);
		free(p->skips[i].placement);
		free(p->skips[i].memory);
		free(p->skips[i].reason);
	}
	free(p->cells);
	free(p->skips);
}

/* The next part of @data (up to a line "--"), or NULL at the end. */
static const char *next_part(const char **at, const char *end, size_t *len)
{
	const char *s = *at, *sep;

	if (s > end)
		return NULL;
	sep = memmem(s, (size_t)(end - s), "\n--\n", 4);
	*len = (size_t)((sep ? sep : end) - s);
	*at = sep ? sep + 4 : end + 1;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *at = (const char *)data, *end = at + size, *part;
	struct mx_plan plan;
	json_t *meta, *merged;
	size_t len = 0, filled = 0;
	char path[256];

	if (!scratch[0]) {
		/* tmpfs where there is one: the writers fsync every file */
		snprintf(scratch, sizeof(scratch), "%s/rb-fuzz-matrix.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(scratch))
			abort();
		atexit(rm_scratch);
		snprintf(path, sizeof(path), "%s/cells", scratch);
		if (mkdir(path, 0755))
			abort();
	}
	part = next_part(&at, end, &len);
	meta = json_loadb(part, len, 0, NULL);
	if (!meta)
		return 0;
	memset(&plan, 0, sizeof(plan));
	if (mx_plan_from_json(&plan, meta, "fuzz/matrix.json")) {
		/* refused: cells[] is filled up to the bad one at most */
		plan_free(&plan, plan.ncells);
		json_decref(meta);
		return 0;
	}
	while (filled < plan.ncells && (part = next_part(&at, end, &len))) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/cells/%.16s.json", scratch, plan.cells[filled].id);
		f = fopen(path, "w");
		if (!f)
			abort();
		fwrite(part, 1, len, f);
		fclose(f);
		filled++;
	}
	mx_merge(scratch, meta, &plan);

	snprintf(path, sizeof(path), "%s/refbench.json", scratch);
	merged = json_load_file(path, 0, NULL);
	if (!merged) {
		/*
		 * Cells of several machine keys: one refbench.<key>.json per key,
		 * indexed by machines.json (docs/matrix.md). Their rows together.
		 */
		json_t *idx, *all = json_array(), *v;
		const char *key;

		snprintf(path, sizeof(path), "%s/machines.json", scratch);
		idx = json_load_file(path, 0, NULL);
		if (!idx)
			abort();	/* mx_merge writes a result whatever the cells hold */
		unlink(path);
		json_object_foreach(json_object_get(idx, "machines"), key, v) {
			const char *file = json_string_value(json_object_get(v, "file"));
			json_t *one;

			if (!file)
				abort();
			snprintf(path, sizeof(path), "%s/%s", scratch, file);
			one = json_load_file(path, 0, NULL);
			if (!one)
				abort();
			unlink(path);
			json_array_extend(all, json_object_get(one, "benchmarks"));
			json_decref(one);
		}
		json_decref(idx);
		merged = json_object();
		json_object_set_new(merged, "benchmarks", all);
	}
	for (size_t i = 0; i < plan.ncells; i++) {
		/*
		 * rows merged for cell i's id <= rows in its file, plus a failed
		 * cell's error rows: one per member of a group cell ("A|B|C",
		 * docs/matrix.md "Groups"), one for a plain cell
		 */
		const char *id = plan.cells[i].id, *n;
		json_t *row, *cell;
		size_t j, in_file = 0, out = 0, members = 1;

		for (n = plan.cells[i].name; n && *n; n++)
			members += *n == '|';
		snprintf(path, sizeof(path), "%s/cells/%.16s.json", scratch, id);
		cell = json_load_file(path, 0, NULL);
		in_file = json_array_size(json_object_get(cell, "benchmarks")) + members;
		json_decref(cell);
		json_array_foreach(json_object_get(merged, "benchmarks"), j, row) {
			const char *m = json_string_value(json_object_get(row, "matrix_cell"));

			out += m && !strcmp(m, id);
		}
		if (out > in_file)
			abort();	/* a cell file merged twice */
	}
	json_decref(merged);

	for (size_t i = 0; i < plan.ncells; i++) {
		snprintf(path, sizeof(path), "%s/cells/%.16s.json", scratch, plan.cells[i].id);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/refbench.json", scratch);
	unlink(path);
	plan_free(&plan, plan.ncells);
	json_decref(meta);
	return 0;
}
