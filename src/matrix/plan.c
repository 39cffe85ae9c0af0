// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: the plan. The cells come from refbench itself:
 *   refbench --list-families             the families (to check --families)
 *   refbench --list-placements           each placement's PUs, or why not here
 *   refbench --benchmark_list_tests      every registered benchmark: family,
 *                                        variant, scenario, size args, threads
 * and the preset picks placements, memory placements, min_time, repetitions.
 * A cell is one benchmark name under one placement; what the plan leaves
 * out is recorded with the reason (docs/matrix.md, "The plan").
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "matrix.h"

static const char *const preset_names[] = { "quick", "full", NULL };

struct preset {
	const char *name;
	const char *placements;		/* NULL: every placement refbench knows */
	const char *memories;
	const char *min_time;
	int repetitions;
	int processes;		/* refbench processes per cell */
	/* processes of a heavy cell (mem_mib >= HEAVY_MIB: its set-up dominates); 0: processes */
	int heavy_processes;
	/*
	 * NULL, or the one placement 1-thread cells run under (when it is in
	 * the run): a single thread left unbound stays on the PU it started
	 * on, and the PUs of a VM need not be alike (docs/compare.md, "The
	 * quick preset's A/A"), so unbound 1-thread cells are bimodal.
	 */
	const char *one_thread_at;
};

static const struct preset presets[] = {
	/*
	 * CI and the README's first command. scripts/bench narrows it to the
	 * findings' key cells (scripts/findings --filter, from
	 * src/findings/questions.tsv), in groups that run as one process each
	 * (--groups=`scripts/findings --groups`: a ratio's two cells measured in
	 * one process, docs/matrix.md "Groups"), each cell or group as 8
	 * refbench processes x 3 repetitions, interleaved round-robin; those with 16 GiB of
	 * modelled memory (mem_mib >= HEAVY_MIB) as 5 x 3. Processes first:
	 * the spread between processes (memory placement, frequency, cache
	 * state) is larger than within one, so refbench-compare's verdicts and
	 * the findings' intervals are made over processes (docs/compare.md).
	 * But a ratio measured within one process (a group) is left with the
	 * process's own sample noise, which the median of 3 repetitions cuts:
	 * in an A/A of the 32 cheap key ratios, 15 "no change" at 1 repetition,
	 * 21 at 3, for 26 -> 59 s (docs/compare.md, "The quick preset's A/A").
	 * A cheap cell costs about 0.1 s a process, so it gets
	 * 8: Yuen's 20%-trimmed comparison of 8 against 8 (one process trimmed
	 * off each end) is about 0.6x as wide as of 5 against 5, and as narrow
	 * as of 10 against 10 (which trims two). A 16 GiB cell costs about a
	 * second a repetition (its memmap's set-up, paid per repetition), so it
	 * gets 5 processes; 3 repetitions since the set-up was made 2-3x
	 * cheaper (THP-backed model memory, one zap before the vmemmap reuse:
	 * docs/matrix.md), for the same 3.5 minutes as 5 x 1 before.
	 * --processes=K gives every cell K.
	 */
	{
		.name = "quick", .placements = "none,compact", .memories = "local",
		.min_time = "0.02", .repetitions = 3, .processes = 8,
		.heavy_processes = 5, .one_thread_at = "compact",
	},
	/* everything this machine can give */
	{
		.name = "full", .placements = NULL, .memories = "local,remote,interleave",
		.min_time = "0.05", .repetitions = 3, .processes = 1, .heavy_processes = 0,
		.one_thread_at = NULL,
	},
};

static const struct preset *find_preset(const char *name)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

/* refbench ARGS...: its stdout, or NULL after a one-line error. */
static char *ask_refbench_why(const struct mx_plan *p, const char *what, const char *a1,
			      const char *a2, const char *a3, char **why)
{
	char *argv[] = { (char *)p->refbench, (char *)a1, (char *)a2, (char *)a3, NULL };
	char *err = NULL, *out;
	int status;

	out = mx_capture(argv, &status, &err);
	if (!out) {
		fprintf(stderr, "%s: cannot run %s for %s\n", mx_prog, p->refbench, what);
		free(err);
		return NULL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *nl;

		/* refbench's own one-line error is the first line of its stderr */
		for (nl = err; *nl == '\n'; nl++)
			;
		nl[strcspn(nl, "\n")] = '\0';
		if (why)
			*why = mx_xstrdup(*nl ? nl : "no message");
		else
			fprintf(stderr, "%s: %s %s failed: %s\n", mx_prog, p->refbench, what,
				*nl ? nl : "no message");
		free(out);
		free(err);
		return NULL;
	}
	free(err);
	return out;
}

static char *ask_refbench(const struct mx_plan *p, const char *what, const char *a1,
			  const char *a2, const char *a3)
{
	return ask_refbench_why(p, what, a1, a2, a3, NULL);
}

static char *list_join(char *const *list)
{
	char *s = mx_xstrdup("");

	for (size_t i = 0; list[i]; i++) {
		char *n = mx_xasprintf("%s%s%s", s, i ? ", " : "", list[i]);

		free(s);
		s = n;
	}
	return s;
}

/* Parse --list-placements: "cpu NAME PUs LIST ..." / "cpu NAME unavailable: WHY" / "mem ...". */
static int parse_placements(struct mx_plan *p, char *out)
{
	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kind[8], name[64], word[32];
		struct mx_placement *pl;
		int off = 0;

		if (line[0] == '#' || sscanf(line, "%7s %63s %31s %n", kind, name, word, &off) < 3)
			continue;
		if (!strcmp(kind, "cpu")) {
			p->cpu = mx_xrealloc(p->cpu, sizeof(*p->cpu) * (p->ncpu + 1));
			pl = &p->cpu[p->ncpu++];
		} else if (!strcmp(kind, "mem")) {
			p->mem = mx_xrealloc(p->mem, sizeof(*p->mem) * (p->nmem + 1));
			pl = &p->mem[p->nmem++];
		} else {
			continue;
		}
		memset(pl, 0, sizeof(*pl));
		pl->name = mx_xstrdup(name);
		pl->available = strcmp(word, "unavailable:") != 0;
		pl->pus = -1;
		if (!pl->available) {
			pl->reason = mx_xstrdup(line + off);
		} else if (!strcmp(word, "PUs")) {
			char list[4096];

			if (sscanf(line + off, "%4095s", list) == 1) {
				pl->pus = 1;
				for (char *c = list; *c; c++)
					pl->pus += *c == ',';
			}
		}
	}
	if (!p->ncpu) {
		fprintf(stderr, "%s: %s --list-placements printed no cpu placements\n", mx_prog,
			p->refbench);
		return MX_USAGE;
	}
	return 0;
}

static const struct mx_placement *find_pl(const struct mx_placement *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Names outside @valid: one line, exit 2. */
static int check_names(const char *what, char *const *given, char *const *valid)
{
	for (size_t i = 0; given && given[i]; i++) {
		if (!mx_in_list(valid, given[i])) {
			char *v = list_join(valid);

			fprintf(stderr, "%s: unknown %s '%s' (valid: %s)\n", mx_prog, what, given[i], v);
			free(v);
			return MX_USAGE;
		}
	}
	if (given && !given[0]) {
		fprintf(stderr, "%s: an empty %s list\n", mx_prog, what);
		return MX_USAGE;
	}
	return 0;
}

static int name_threads(const char *name)
{
	const char *t = strstr(name, "/threads:");

	return t ? atoi(t + 9) : 1;
}

/*
 * Seconds a cell takes, before any run of it was seen. Fitted on this 2-vCPU
 * VM (docs/matrix.md): a cell whose iterations Google Benchmark picks takes
 * about 2.2 x min_time + 15 ms per repetition (its growing runs, the model's
 * set-up each time), plus 10 ms to start the process; a fixed /iterations:
 * count (grab, devmap: up to 16 GiB of modelled memory to set up) about
 * 130 ms per repetition, whatever min_time says. Measured cells of an
 * earlier run with the same min_time and repetitions replace this (history).
 */
double mx_cell_estimate_heuristic(const char *name, const char *min_time, int reps)
{
	double mt = atof(min_time);

	if (strstr(name, "/iterations:"))
		return 0.03 + reps * 0.13;
	return 0.01 + reps * (2.2 * mt + 0.015);
}

/*
 * A heavy cell: this much modelled memory or more (the 16 GiB cells: their
 * memmap's set-up, about 1 s per repetition, is most of a quick run).
 */
#define HEAVY_MIB 1024

/* A group cell is heavy when any of its benchmarks is. */
static bool cell_is_heavy(const char *name)
{
	for (const char *m = strstr(name, "/mem_mib:"); m; m = strstr(m + 1, "/mem_mib:"))
		if (atol(m + 9) >= HEAVY_MIB)
			return true;
	return false;
}

/* The processes a cell runs as: the plan's, or the preset's for a heavy cell. */
static int cell_processes(const struct mx_plan *p, const char *name)
{
	if (p->heavy_processes <= 0 || p->heavy_processes >= p->processes)
		return p->processes;
	return cell_is_heavy(name) ? p->heavy_processes : p->processes;
}


static void free_cell(struct mx_cell *c)
{
	free(c->id);
	free(c->name);
	free(c->family);
	free(c->placement);
	free(c->memory);
	free(c->label);
}

/*
 * --groups=FILE: the benchmarks named on one line of FILE (whitespace
 * between names, '#' starts a comment) run as one refbench process per
 * placement and memory placement, their repetitions randomly interleaved
 * (run.c): a within-run ratio of two of them is then made of one process's
 * numbers, and whatever moves from process to process (the host's state:
 * docs/compare.md, "The quick preset's A/A") reaches the numerator and the
 * denominator alike. Measured: the process-to-process spread of the ratios
 * went from 4.6-37.8% to 1.6-15.4% (scripts/ratio-spread; docs/matrix.md,
 * "Groups"). A group cell's name is its members' names joined with '|', in
 * plan order; names FILE gives that the plan does not have are ignored (a
 * filter may leave them out).
 */
static int group_cells(struct mx_plan *p)
{
	FILE *f = fopen(p->groups_file, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, n = 0;
	size_t *gid;
	bool *gone;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "%s: --groups=%s: %s\n", mx_prog, p->groups_file, strerror(errno));
		return MX_USAGE;
	}
	gid = mx_xmalloc(sizeof(*gid) * (p->ncells + 1));
	gone = mx_xmalloc(sizeof(*gone) * (p->ncells + 1));
	for (size_t i = 0; i < p->ncells; i++) {
		gid[i] = 0;
		gone[i] = false;
	}
	while (!rc && getline(&line, &cap, f) >= 0) {
		char *save = NULL;

		lineno++;
		line[strcspn(line, "#")] = '\0';
		for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
			for (size_t i = 0; i < p->ncells; i++) {
				if (strcmp(p->cells[i].name, t))
					continue;
				if (gid[i] && gid[i] != lineno) {
					fprintf(stderr, "%s: --groups=%s: %s is on lines %zu and %zu\n",
						mx_prog, p->groups_file, t, gid[i], lineno);
					rc = MX_USAGE;
					break;
				}
				gid[i] = lineno;
			}
			if (rc)
				break;
		}
	}
	if (ferror(f) && !rc) {
		fprintf(stderr, "%s: --groups=%s: read error\n", mx_prog, p->groups_file);
		rc = MX_USAGE;
	}
	fclose(f);
	free(line);
	for (size_t i = 0; !rc && i < p->ncells; i++) {
		struct mx_cell *c = &p->cells[i];

		if (!gid[i] || gone[i])
			continue;
		for (size_t j = i + 1; j < p->ncells; j++) {
			struct mx_cell *o = &p->cells[j];
			char *joined;

			if (gone[j] || gid[j] != gid[i] || strcmp(o->placement, c->placement) ||
			    strcmp(o->memory, c->memory))
				continue;
			joined = mx_xasprintf("%s|%s", c->name, o->name);
			free(c->name);
			c->name = joined;
			c->estimate_s += o->estimate_s;
			if (o->threads > c->threads)
				c->threads = o->threads;
			if (strcmp(o->estimate_from, "history"))
				c->estimate_from = o->estimate_from;
			gone[j] = true;
		}
	}
	for (size_t i = 0; i < p->ncells; i++) {
		if (gone[i] || rc)
			free_cell(&p->cells[i]);
		else
			p->cells[n++] = p->cells[i];
	}
	p->ncells = rc ? 0 : n;
	free(gid);
	free(gone);
	return rc;
}

/* Group skipped cells by (placement, memory, reason). */
static void add_skip(struct mx_plan *p, const char *name, const char *placement,
		     const char *memory, const char *reason)
{
	struct mx_skip *s;

	p->skips = mx_xrealloc(p->skips, sizeof(*p->skips) * (p->nskips + 1));
	s = &p->skips[p->nskips++];
	s->name = mx_xstrdup(name);
	s->placement = mx_xstrdup(placement);
	s->memory = mx_xstrdup(memory);
	s->reason = mx_xstrdup(reason);
}

static char *cell_label(const char *placement, const char *memory)
{
	if (!*memory || !strcmp(memory, "local"))
		return mx_xstrdup(placement);
	return mx_xasprintf("%s,mem=%s", placement, memory);
}

/* The newest earlier run in @dir with the same min_time and repetitions. */
static json_t *load_history(struct mx_plan *p)
{
	struct dirent **ents = NULL;
	json_t *best = NULL;
	int n;

	if (!p->history_dir)
		return NULL;
	n = scandir(p->history_dir, &ents, NULL, alphasort);
	for (int i = n - 1; i >= 0 && !best; i--) {
		char *path = mx_xasprintf("%s/%s/refbench.json", p->history_dir, ents[i]->d_name);
		json_t *root, *m;

		if (ents[i]->d_name[0] != '.' && (root = json_load_file(path, 0, NULL))) {
			m = json_object_get(root, "matrix");
			if (json_is_object(m) &&
			    !strcmp(json_string_value(json_object_get(m, "min_time")) ? json_string_value(json_object_get(m, "min_time")) : "", p->min_time) &&
			    json_integer_value(json_object_get(m, "repetitions")) == p->repetitions) {
				best = json_incref(json_object_get(m, "cells"));
				p->history_run = mx_xasprintf("%s/%s", p->history_dir, ents[i]->d_name);
			}
			json_decref(root);
		}
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return best;
}

static double history_estimate(json_t *hist, const char *name, const char *label)
{
	size_t i;
	json_t *c;

	json_array_foreach(hist, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));
		const char *l = json_string_value(json_object_get(c, "label"));
		const char *st = json_string_value(json_object_get(c, "status"));

		if (n && l && st && !strcmp(n, name) && !strcmp(l, label) && !strcmp(st, "ok") &&
		    json_is_number(json_object_get(c, "wall_s")))
			return json_number_value(json_object_get(c, "wall_s"));
	}
	return -1;
}

int mx_make_plan(struct mx_plan *p)
{
	const struct preset *pre = find_preset(p->preset);
	char **families = NULL, **names = NULL, **placements, **memories;
	size_t nnames = 0;
	char *out, *save = NULL;
	json_t *hist;
	int rc;

	if (!pre) {
		char *v = list_join((char **)preset_names);

		fprintf(stderr, "%s: unknown preset '%s' (valid: %s)\n", mx_prog, p->preset, v);
		free(v);
		return MX_USAGE;
	}
	if (!p->min_time)
		p->min_time = pre->min_time;
	if (!p->repetitions) {
		p->repetitions = pre->repetitions;
	}
	if (!p->processes) {
		p->processes = pre->processes;
		p->heavy_processes = pre->heavy_processes;
	}

	/* families */
	if (!(out = ask_refbench(p, "--list-families", "--list-families", NULL, NULL)))
		return MX_USAGE;
	{
		size_t n = 0;

		for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			families = p->known_families = mx_xrealloc(families, sizeof(*families) * (n + 2));
			families[n] = mx_xmalloc(strlen(l) + 1);
			sscanf(l, "%s", families[n]);
			families[++n] = NULL;
		}
	}
	free(out);
	if ((rc = check_names("family", p->families, families)))
		return rc;

	/* placements */
	{
		char *topo = p->topology ? mx_xasprintf("--topology=%s", p->topology) : NULL;

		out = ask_refbench(p, "--list-placements", "--list-placements", topo, NULL);
		free(topo);
	}
	if (!out)
		return MX_USAGE;
	rc = parse_placements(p, out);
	free(out);
	if (rc)
		return rc;
	p->valid = mx_xmalloc(sizeof(*p->valid) * (p->ncpu + 1));
	for (size_t i = 0; i < p->ncpu; i++)
		p->valid[i] = p->cpu[i].name;
	p->valid[p->ncpu] = NULL;
	if ((rc = check_names("placement", p->placements, p->valid)))
		return rc;
	if (p->placements) {
		placements = p->placements;
	} else if (pre->placements) {
		placements = mx_split_list(pre->placements);
	} else {
		placements = mx_xmalloc(sizeof(*placements) * (p->ncpu + 1));
		memcpy(placements, p->valid, sizeof(*placements) * (p->ncpu + 1));
	}
	p->run_placements = placements;
	free(p->valid);
	p->valid = mx_xmalloc(sizeof(*p->valid) * (p->nmem + 1));
	for (size_t i = 0; i < p->nmem; i++)
		p->valid[i] = p->mem[i].name;
	p->valid[p->nmem] = NULL;
	if ((rc = check_names("memory placement", p->memories, p->valid)))
		return rc;
	memories = p->run_memories = p->memories ? p->memories : mx_split_list(pre->memories);

	/* benchmarks */
	if (p->filter) {
		char *f = mx_xasprintf("--benchmark_filter=%s", p->filter);

		char *why = NULL;

		out = ask_refbench_why(p, "--benchmark_list_tests", "--benchmark_list_tests", f, NULL,
				       &why);
		free(f);
		if (!out) {
			fprintf(stderr, "%s: --benchmark_filter='%s' selects no benchmark (refbench: %s)\n",
				mx_prog, p->filter, why ? why : "?");
			free(why);
			return MX_USAGE;
		}
	} else if (!(out = ask_refbench(p, "--benchmark_list_tests", "--benchmark_list_tests",
					NULL, NULL))) {
		return MX_USAGE;
	}
	save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *fam = mx_xstrdup(l);

		fam[strcspn(fam, "/")] = '\0';
		if (!*l || (p->families && !mx_in_list(p->families, fam))) {
			free(fam);
			continue;
		}
		free(fam);
		names = p->names = mx_xrealloc(names, sizeof(*names) * (nnames + 2));
		names[nnames++] = mx_xstrdup(l);
		names[nnames] = NULL;
	}
	free(out);
	if (!nnames) {
		fprintf(stderr, "%s: no benchmark of the families given matches --benchmark_filter\n",
			mx_prog);
		return MX_USAGE;
	}

	hist = load_history(p);

	/* the cells, placement by placement */
	{
		const char *calib_at = placements[0];
		const struct mx_placement *one_pl = pre->one_thread_at ?
			find_pl(p->cpu, p->ncpu, pre->one_thread_at) : NULL;
		/* only when that placement is in the run and this machine gives it */
		bool one_thread_at = one_pl && one_pl->available &&
				     mx_in_list(placements, pre->one_thread_at);
		bool has_compact = mx_in_list(placements, "compact");
		size_t idx = 0;

		for (size_t pi = 0; placements[pi]; pi++) {
			const struct mx_placement *cpu = find_pl(p->cpu, p->ncpu, placements[pi]);
			bool unbound = !strcmp(cpu->name, "none");

			if (!cpu->available) {
				char *why = mx_xasprintf("placement %s is unavailable here: %s (all %zu benchmarks)",
							 cpu->name, cpu->reason, nnames);

				add_skip(p, "*", cpu->name, "", why);
				free(why);
				continue;
			}

			for (size_t mi = 0; unbound ? mi < 1 : memories[mi] != NULL; mi++) {
				const char *mem = unbound ? "" : memories[mi];
				const struct mx_placement *mp = unbound ? NULL :
					find_pl(p->mem, p->nmem, mem);
				char *why = NULL;

				/* a memory placement the machine cannot give: one entry */
				if (mp && !mp->available)
					why = mx_xasprintf("memory placement %s is unavailable here: %s "
							   "(all %zu benchmarks)", mem, mp->reason, nnames);
				if (why) {
					add_skip(p, "*", cpu->name, mem, why);
					free(why);
					continue;
				}
				for (size_t ni = 0; ni < nnames; ni++) {
					const char *name = names[ni];
					int threads = name_threads(name);
					char *fam = mx_xstrdup(name);
					struct mx_cell *c;

					fam[strcspn(fam, "/")] = '\0';
					if (!strcmp(fam, "calib") && strcmp(cpu->name, calib_at))
						why = mx_xasprintf("calib binds its own threads to the pair it "
								   "measures: run once, under placement %s",
								   calib_at);
					else if (cpu->pus >= 0 && threads > cpu->pus)
						why = mx_xasprintf("placement %s has %d PUs; this cell has %d threads",
								   cpu->name, cpu->pus, threads);
					else if (threads == 1 && !unbound && strcmp(cpu->name, "compact") &&
						 has_compact && strcmp(fam, "calib"))
						why = mx_xasprintf("1 thread: placement %s binds it as compact does "
								   "(one bound thread)", cpu->name);
					else if (threads == 1 && one_thread_at &&
						 strcmp(cpu->name, pre->one_thread_at) && strcmp(fam, "calib"))
						why = mx_xasprintf("preset %s: 1-thread cells run bound (%s) only",
								   pre->name, pre->one_thread_at);
					if (why) {
						add_skip(p, name, cpu->name, mem, why);
						free(why);
						why = NULL;
						free(fam);
						continue;
					}
					p->cells = mx_xrealloc(p->cells, sizeof(*p->cells) * (p->ncells + 1));
					c = &p->cells[p->ncells++];
					memset(c, 0, sizeof(*c));
					c->name = mx_xstrdup(name);
					c->family = fam;
					c->threads = threads;
					c->placement = mx_xstrdup(cpu->name);
					c->memory = mx_xstrdup(mem);
					c->label = cell_label(cpu->name, mem);
					c->estimate_s = hist ? history_estimate(hist, name, c->label) : -1;
					c->estimate_from = "history";
					if (c->estimate_s < 0) {
						c->estimate_s = mx_cell_estimate_heuristic(name, p->min_time,
											   p->repetitions);
						c->estimate_from = "heuristic";
					}
					idx++;
				}
			}
		}
		if (p->groups_file) {
			int rc = group_cells(p);

			if (rc) {
				json_decref(hist);
				return rc;
			}
		}
		for (size_t i = 0; i < p->ncells; i++)
			p->cells[i].repetitions = p->repetitions;
		/*
		 * --processes=K: each cell K times, round-robin (every cell's process
		 * 1, then every cell's process 2, ...), so that drift over the run
		 * (load, frequency, a neighbour) hits every cell alike.
		 */
		if (p->processes > 1) {
			size_t n = p->ncells, total = 0;
			struct mx_cell *all = mx_xmalloc(sizeof(*all) * n * (size_t)p->processes);

			for (int k = 0; k < p->processes; k++)
				for (size_t i = 0; i < n; i++) {
					struct mx_cell *c = &all[total];

					if (k >= cell_processes(p, p->cells[i].name))
						continue;
					*c = p->cells[i];
					if (k) {
						c->name = mx_xstrdup(c->name);
						c->family = mx_xstrdup(c->family);
						c->placement = mx_xstrdup(c->placement);
						c->memory = mx_xstrdup(c->memory);
						c->label = mx_xstrdup(c->label);
					}
					c->process = k + 1;
					total++;
				}
			free(p->cells);
			p->cells = all;
			p->ncells = total;
		}
		/* ids: zero-padded plan order, so cells/ sorts as the plan */
		{
			int width = 4;

			for (size_t n = p->ncells; n >= 10000; n /= 10)
				width++;
			for (size_t i = 0; i < p->ncells; i++)
				p->cells[i].id = mx_xasprintf("%0*zu", width, i);
		}
		(void)idx;
	}
	json_decref(hist);
	if (!p->ncells) {
		fprintf(stderr, "%s: the plan has no cell this machine can run (%zu skipped; "
			"see --dry-run)\n", mx_prog, p->nskips);
		return MX_USAGE;
	}
	return 0;
}

json_t *mx_plan_to_json(const struct mx_plan *p)
{
	json_t *cells = json_array(), *skips = json_array(), *root = json_object();

	for (size_t i = 0; i < p->ncells; i++) {
		const struct mx_cell *c = &p->cells[i];

		json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:f, s:s}",
			"id", c->id, "name", c->name, "family", c->family, "threads", c->threads,
			"placement", c->placement, "memory", c->memory, "label", c->label,
			"estimate_s", c->estimate_s, "estimate_from", c->estimate_from);

		if (c->process)
			json_object_set_new(j, "process", json_integer(c->process));
		if (c->repetitions > 0)
			json_object_set_new(j, "repetitions", json_integer(c->repetitions));
		json_array_append_new(cells, j);
	}
	for (size_t i = 0; i < p->nskips; i++) {
		const struct mx_skip *s = &p->skips[i];

		json_array_append_new(skips, json_pack("{s:s, s:s, s:s, s:s}", "name", s->name,
			"placement", s->placement, "memory", s->memory, "reason", s->reason));
	}
	json_object_set_new(root, "cells", cells);
	json_object_set_new(root, "skipped", skips);
	return root;
}

static char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? mx_xstrdup(s) : NULL;
}

static char *jstr_or(json_t *o, const char *k, const char *dflt)
{
	char *s = jstr(o, k);

	return s ? s : mx_xstrdup(dflt);
}

/* The plan of a run directory's matrix.json (for --resume). */
int mx_plan_from_json(struct mx_plan *p, json_t *root, const char *path)
{
	json_t *cells = json_object_get(root, "cells"), *skips = json_object_get(root, "skipped");
	json_t *c;
	size_t i;

	if (!json_is_array(cells) || !json_is_array(skips)) {
		fprintf(stderr, "%s: %s: no cells/skipped arrays: not a matrix plan\n", mx_prog, path);
		return MX_USAGE;
	}
	p->ncells = json_array_size(cells);
	p->cells = mx_xmalloc(sizeof(*p->cells) * (p->ncells + 1));
	memset(p->cells, 0, sizeof(*p->cells) * (p->ncells + 1));
	json_array_foreach(cells, i, c) {
		struct mx_cell *x = &p->cells[i];

		memset(x, 0, sizeof(*x));
		x->id = jstr(c, "id");
		x->name = jstr(c, "name");
		x->family = jstr(c, "family");
		x->placement = jstr(c, "placement");
		x->memory = jstr(c, "memory");
		x->label = jstr(c, "label");
		x->threads = (int)json_integer_value(json_object_get(c, "threads"));
		x->estimate_s = json_number_value(json_object_get(c, "estimate_s"));
		x->estimate_from = "plan";
		x->process = (int)json_integer_value(json_object_get(c, "process"));
		if (x->process < 0)
			x->process = 0;
		/* absent (a plan of before 2026-12-05): the plan's */
		{
			json_t *r = json_object_get(c, "repetitions");

			x->repetitions = r ? (int)json_integer_value(r) : 0;
			if (r && (!json_is_integer(r) || json_integer_value(r) < 1 ||
				  json_integer_value(r) > 100000)) {
				fprintf(stderr, "%s: %s: cells[%zu].repetitions is not an integer "
					"from 1 to 100000: not a matrix plan\n", mx_prog, path, i);
				return MX_USAGE;
			}
		}
		if (!x->id || !x->name || !x->family || !x->placement || !x->memory || !x->label ||
		    x->threads < 1 || !*x->id || strlen(x->id) > 8 ||
		    strspn(x->id, "0123456789") != strlen(x->id)) {
			fprintf(stderr, "%s: %s: cells[%zu] is incomplete: not a matrix plan\n",
				mx_prog, path, i);
			return MX_USAGE;
		}
		/* two cells of one id would merge one cell file twice (found by fuzz_matrix) */
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->cells[j].id, x->id)) {
				fprintf(stderr, "%s: %s: cells[%zu] repeats the id '%s': not a matrix plan\n",
					mx_prog, path, i, x->id);
				return MX_USAGE;
			}
	}
	p->nskips = json_array_size(skips);
	p->skips = mx_xmalloc(sizeof(*p->skips) * (p->nskips + 1));
	json_array_foreach(skips, i, c) {
		struct mx_skip *s = &p->skips[i];

		s->name = jstr_or(c, "name", "?");
		s->placement = jstr_or(c, "placement", "?");
		s->memory = jstr_or(c, "memory", "");
		s->reason = jstr_or(c, "reason", "?");
	}
	return 0;
}
