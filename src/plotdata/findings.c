// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata findings: the answers of a run (docs/findings.md).
 *
 *   refbench-plotdata findings --questions=FILE [--baseline=FILE] [--out=DIR]
 *                     [--figures=DATADIR] [--seed=N] [--boot=N] RESULT.json...
 *   refbench-plotdata findings --questions=FILE --cells
 *
 * FILE is the question -> cells mapping (src/findings/questions.tsv). Each
 * RESULT.json counts as one process group: a plain refbench run is one
 * process; a scripts/bench run directory's merged refbench.json is one
 * process per cell, and its numerator and denominator are read as one group;
 * run with refbench-matrix --processes=K (the quick preset), its rows carry
 * matrix_process and process k of every cell is group k: K groups.
 *
 * For each row of the mapping and each placement where both cells ran:
 *   ratio per group   median(NUM reps in the group) / median(DEN reps)
 *   headline          the median of the per-group ratios
 *   spread            min-max of the per-group ratios (two or more groups)
 *   95% interval      hierarchical bootstrap: groups resampled with
 *                     replacement, then each group's repetitions of each cell;
 *                     the headline statistic recomputed; 2.5 and 97.5
 *                     percentiles (fixed seed: the same input gives the same
 *                     table)
 *   baseline          the same headline from the baseline file, or "no
 *                     baseline" / "not in baseline"
 * Writes DIR/findings.{txt,tsv,md,json}; prints the text table; with
 * --figures, one figure per "fig" line (findings-QUESTION.{dat,gp}) and its
 * line in DATADIR/figures.tsv.
 *
 * Exit status: 0 done, 2 unusable input or arguments (one line on stderr).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gbjson.h"
#include "plotdata.h"

/* ---- the mapping file ---------------------------------------------------- */

struct qrow {
	char *question, *label, *num, *den, *metric, *kernel_src, *counters, *note;
	double kernel;		/* NAN: none published */
	int line;
};

/* A "cell" line: drawn in its question's figure and run, not a table row. */
struct qcell {
	char *question, *name;
};

struct qfig {
	char *question, *title, *x, *series, *panel, *y, *ylabel, *xlabel, *options;
	int line;
};

struct qmap {
	struct qrow *rows;
	int nrows;
	struct qfig *figs;
	int nfigs;
	struct qcell *cells;
	int ncells;
};

static char *field_or_dash(char *s)
{
	return pd_xstrdup(s && *s ? s : "-");
}

static void load_map(struct qmap *m, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;

	memset(m, 0, sizeof(*m));
	if (!f)
		pd_die("cannot open the questions file %s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		char *fld[12] = { 0 }, *p = line;
		int n = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		while (n < 12) {
			fld[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = 0;
		}
		if (!strcmp(fld[0], "row")) {
			struct qrow *r;
			char *end;

			if (n < 10)
				pd_die("%s:%d: a row needs 10 tab-separated fields, found %d", path,
				       lineno, n);
			m->rows = pd_xrealloc(m->rows, sizeof(*m->rows) * (size_t)(m->nrows + 1));
			r = &m->rows[m->nrows++];
			r->line = lineno;
			r->question = pd_xstrdup(fld[1]);
			r->label = pd_xstrdup(fld[2]);
			r->num = pd_xstrdup(fld[3]);
			r->den = pd_xstrdup(fld[4]);
			r->metric = pd_xstrdup(fld[5]);
			if (!strcmp(fld[6], "-")) {
				r->kernel = NAN;
			} else {
				r->kernel = strtod(fld[6], &end);
				if (*end || !(r->kernel > 0))
					pd_die("%s:%d: KERNEL must be a positive number or '-', not '%s'",
					       path, lineno, fld[6]);
			}
			r->kernel_src = field_or_dash(fld[7]);
			r->counters = field_or_dash(fld[8]);
			r->note = field_or_dash(fld[9]);
		} else if (!strcmp(fld[0], "cell")) {
			if (n < 3)
				pd_die("%s:%d: a cell line needs 3 tab-separated fields, found %d", path,
				       lineno, n);
			m->cells = pd_xrealloc(m->cells, sizeof(*m->cells) * (size_t)(m->ncells + 1));
			m->cells[m->ncells].question = pd_xstrdup(fld[1]);
			m->cells[m->ncells++].name = pd_xstrdup(fld[2]);
		} else if (!strcmp(fld[0], "fig")) {
			struct qfig *g;

			if (n < 10)
				pd_die("%s:%d: a fig line needs 10 tab-separated fields, found %d", path,
				       lineno, n);
			m->figs = pd_xrealloc(m->figs, sizeof(*m->figs) * (size_t)(m->nfigs + 1));
			g = &m->figs[m->nfigs++];
			g->line = lineno;
			g->question = pd_xstrdup(fld[1]);
			g->title = pd_xstrdup(fld[2]);
			g->x = pd_xstrdup(fld[3]);
			g->series = pd_xstrdup(fld[4]);
			g->panel = pd_xstrdup(fld[5]);
			g->y = pd_xstrdup(fld[6]);
			g->ylabel = pd_xstrdup(fld[7]);
			g->xlabel = pd_xstrdup(fld[8]);
			g->options = pd_xstrdup(fld[9]);
		} else {
			pd_die("%s:%d: a line starts with 'row', 'cell' or 'fig', not '%s'", path, lineno,
			       fld[0]);
		}
	}
	free(line);
	fclose(f);
	if (!m->nrows)
		pd_die("%s: no 'row' line", path);
}

static void free_map(struct qmap *m)
{
	for (int i = 0; i < m->nrows; i++) {
		struct qrow *r = &m->rows[i];

		free(r->question); free(r->label); free(r->num); free(r->den); free(r->metric);
		free(r->kernel_src); free(r->counters); free(r->note);
	}
	for (int i = 0; i < m->ncells; i++) {
		free(m->cells[i].question);
		free(m->cells[i].name);
	}
	for (int i = 0; i < m->nfigs; i++) {
		struct qfig *g = &m->figs[i];

		free(g->question); free(g->title); free(g->x); free(g->series); free(g->panel);
		free(g->y); free(g->ylabel); free(g->xlabel); free(g->options);
	}
	free(m->rows);
	free(m->cells);
	free(m->figs);
}

/* ---- the results ------------------------------------------------------- */

/* One cell (name without /placement:, placement): its repetitions. */
struct fcell {
	char *name, *placement;
	int n;
	json_t **rep;		/* borrowed from the file's root */
	int *group;
};

struct fdata {
	int ngroups;
	int nfiles;
	json_t **roots;
	char **paths;
	int ncells;
	struct fcell *cells;
	char machine[256], commit[64], key[256];
	bool matrix;		/* a file is a refbench-matrix run: one process per cell */
};

static void free_data(struct fdata *d)
{
	for (int i = 0; i < d->ncells; i++) {
		free(d->cells[i].name);
		free(d->cells[i].placement);
		free(d->cells[i].rep);
		free(d->cells[i].group);
	}
	for (int i = 0; i < d->nfiles; i++) {
		json_decref(d->roots[i]);
		free(d->paths[i]);
	}
	free(d->cells);
	free(d->roots);
	free(d->paths);
}

/* The one JSON reader every tool uses (src/compare/gbjson.c): Google
 * Benchmark's bare NaN and Infinity read as null. */
static json_t *load_json_lenient(const char *path)
{
	char err[GB_ERR_LEN];
	json_t *root = gb_load_json(path, err);

	if (!root)
		pd_die("%s", err);
	return root;
}

static char *strip_placement(const char *name, char **placement)
{
	const char *p = strstr(name, "/placement:");
	char *s;

	if (!p) {
		*placement = NULL;
		return pd_xstrdup(name);
	}
	*placement = strndup(p + 11, strcspn(p + 11, "/"));
	s = pd_xmalloc(strlen(name) + 1);
	memcpy(s, name, (size_t)(p - name));
	strcpy(s + (p - name), p + 11 + strcspn(p + 11, "/"));
	return s;
}

static struct fcell *cell_get(struct fdata *d, const char *name, const char *placement, bool add)
{
	struct fcell *c;

	for (int i = 0; i < d->ncells; i++)
		if (!strcmp(d->cells[i].name, name) && !strcmp(d->cells[i].placement, placement))
			return &d->cells[i];
	if (!add)
		return NULL;
	d->cells = pd_xrealloc(d->cells, sizeof(*d->cells) * (size_t)(d->ncells + 1));
	c = &d->cells[d->ncells++];
	memset(c, 0, sizeof(*c));
	c->name = pd_xstrdup(name);
	c->placement = pd_xstrdup(placement);
	return c;
}

static void add_rep(struct fcell *c, json_t *b, int group)
{
	c->rep = pd_xrealloc(c->rep, sizeof(*c->rep) * (size_t)(c->n + 1));
	c->group = pd_xrealloc(c->group, sizeof(*c->group) * (size_t)(c->n + 1));
	c->rep[c->n] = b;
	c->group[c->n++] = group;
}

static void load_file(struct fdata *d, const char *path)
{
	json_t *root = load_json_lenient(path), *benches, *ctx, *b;
	const char *ctx_place;
	int g = d->ngroups, f = d->nfiles, gmax = g;
	size_t i;

	if (!json_is_object(root) || !json_is_array(benches = json_object_get(root, "benchmarks")))
		pd_die("%s: not Google Benchmark JSON (no \"benchmarks\" array)", path);
	ctx = json_object_get(root, "context");
	if (ctx && !json_is_object(ctx))
		pd_die("%s: \"context\" is not an object", path);
	d->roots = pd_xrealloc(d->roots, sizeof(*d->roots) * (size_t)(f + 1));
	d->paths = pd_xrealloc(d->paths, sizeof(*d->paths) * (size_t)(f + 1));
	d->roots[f] = root;
	d->paths[f] = pd_xstrdup(path);
	d->nfiles++;
	d->ngroups++;
	if (json_object_get(root, "matrix") || pd_ctx_str(ctx, "matrix_preset"))
		d->matrix = true;
	if (g == 0) {
		const char *k = pd_ctx_str(ctx, "machine_key");

		pd_machine_commit(ctx, d->machine, sizeof(d->machine), d->commit, sizeof(d->commit));
		snprintf(d->key, sizeof(d->key), "%s", k ? k : "");
	}
	ctx_place = pd_ctx_str(ctx, "placement");
	json_array_foreach(benches, i, b) {
		const char *name = json_string_value(json_object_get(b, "run_name"));
		const char *type = json_string_value(json_object_get(b, "run_type"));
		const char *pf = json_string_value(json_object_get(b, "placement"));
		json_t *mp = json_object_get(b, "matrix_process");
		char *np = NULL, *base;
		struct fcell *c;
		int rg = g;

		if (!json_is_object(b))
			pd_die("%s: benchmark #%zu is not an object", path, i);
		if (!name)
			name = json_string_value(json_object_get(b, "name"));
		if (!name)
			pd_die("%s: benchmark #%zu has no \"name\" string", path, i);
		if (json_is_true(json_object_get(b, "error_occurred")))
			continue;
		base = strip_placement(name, &np);
		if (type && !strcmp(type, "aggregate")) {
			const char *an = json_string_value(json_object_get(b, "aggregate_name"));

			/* a run that reported aggregates only: its median is one value */
			c = cell_get(d, base, pf ? pf : np ? np : ctx_place ? ctx_place : "none", false);
			if (an && !strcmp(an, "median") && (!c || c->n == 0)) {
				bool have = false;

				for (int k = 0; c && k < c->n; k++)
					have |= c->group[k] == g;
				if (!have)
					add_rep(cell_get(d, base, pf ? pf : np ? np :
							 ctx_place ? ctx_place : "none", true), b, g);
			}
			free(base);
			free(np);
			continue;
		}
		/*
		 * refbench-matrix --processes=K: process k of every cell is one
		 * group (one round of the plan), so the bootstrap is over K processes
		 */
		if (json_is_integer(mp) && json_integer_value(mp) >= 1 &&
		    json_integer_value(mp) <= 1000) {
			rg = g + (int)json_integer_value(mp) - 1;
			if (rg > gmax)
				gmax = rg;
		}
		c = cell_get(d, base, pf ? pf : np ? np : ctx_place ? ctx_place : "none", true);
		add_rep(c, b, rg);
		free(base);
		free(np);
	}
	d->ngroups = gmax + 1;
}

/* ---- values ------------------------------------------------------------ */

static double unit_ns(const char *unit)
{
	if (!unit || !strcmp(unit, "ns"))
		return 1;
	if (!strcmp(unit, "us"))
		return 1e3;
	if (!strcmp(unit, "ms"))
		return 1e6;
	if (!strcmp(unit, "s"))
		return 1e9;
	return NAN;
}

static double jnum(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* METRIC of one repetition: real | cpu | c:NAME[*SCALE]; NAN when absent. */
static double metric_of(json_t *b, const char *metric)
{
	const char *unit = json_string_value(json_object_get(b, "time_unit"));

	if (!strcmp(metric, "real"))
		return jnum(b, "real_time") * unit_ns(unit);
	if (!strcmp(metric, "cpu"))
		return jnum(b, "cpu_time") * unit_ns(unit);
	if (!strncmp(metric, "c:", 2)) {
		const char *star = strchr(metric, '*');
		char *name = star ? strndup(metric + 2, (size_t)(star - metric - 2))
				  : pd_xstrdup(metric + 2);
		double v = jnum(b, name);

		free(name);
		return star ? v * atof(star + 1) : v;
	}
	pd_die("unknown METRIC '%s' (real, cpu or c:COUNTER[*SCALE])", metric);
}

static bool metric_ok(const char *metric)
{
	return !strcmp(metric, "real") || !strcmp(metric, "cpu") || !strncmp(metric, "c:", 2);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(double *v, int n)
{
	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The values of one cell in one group (group -1: all), finite only. */
static int cell_values(const struct fcell *c, const char *metric, int group, double *out)
{
	int n = 0;

	for (int i = 0; c && i < c->n; i++) {
		double v;

		if (group >= 0 && c->group[i] != group)
			continue;
		v = metric_of(c->rep[i], metric);
		if (isfinite(v))
			out[n++] = v;
	}
	return n;
}

/* The name's KEY:value as a number (the part "KEY:value"), NAN if none. */
static double name_arg(const char *name, const char *key, const char **sval)
{
	size_t kl = strlen(key);
	const char *p = name;

	while ((p = strstr(p, key))) {
		if ((p == name || p[-1] == '/') && p[kl] == ':') {
			char *end;
			double v = strtod(p + kl + 1, &end);

			if (sval)
				*sval = p + kl + 1;
			return (*end == '/' || !*end) && end != p + kl + 1 ? v : NAN;
		}
		p += kl;
	}
	return NAN;
}

/* The name's N-th '/' part (0: the family), malloc'd; "" if none. */
static char *name_part(const char *name, int n)
{
	const char *p = name;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '/');
		if (p)
			p++;
	}
	if (!p)
		return pd_xstrdup("");
	return strndup(p, strcspn(p, "/"));
}

/*
 * A SPEC of a cell: a '|' chain of c:COUNTER, per_s:COUNTER, arg:KEY. The
 * median over the cell's repetitions; *target set when it came from arg:.
 * NAN when no link of the chain is there.
 */
static double spec_value(const struct fcell *c, const char *spec, bool *target)
{
	char *copy = pd_xstrdup(spec), *save = NULL;
	double res = NAN;

	if (target)
		*target = false;
	for (char *s = strtok_r(copy, "|", &save); s && !isfinite(res);
	     s = strtok_r(NULL, "|", &save)) {
		double *v;
		int n = 0;

		if (!strncmp(s, "arg:", 4)) {
			res = c ? name_arg(c->name, s + 4, NULL) : NAN;
			if (isfinite(res) && target)
				*target = true;
			continue;
		}
		if (!c || (strncmp(s, "c:", 2) && strncmp(s, "per_s:", 6)))
			continue;
		v = pd_xmalloc(sizeof(double) * (size_t)(c->n + 1));
		for (int i = 0; i < c->n; i++) {
			double x;

			if (s[0] == 'c') {
				x = jnum(c->rep[i], s + 2);
			} else {
				double t = metric_of(c->rep[i], "real");

				x = jnum(c->rep[i], s + 6) / (t * 1e-9);
			}
			if (isfinite(x))
				v[n++] = x;
		}
		res = median_of(v, n);
		free(v);
	}
	free(copy);
	return res;
}

/*
 * The fewest iterations of a repetition of a cell whose iteration count
 * Google Benchmark chose (no /iterations: in the name), when below 100;
 * else 0.
 */
static int few_iterations(const struct fcell *c)
{
	double least = INFINITY;

	if (!c || strstr(c->name, "/iterations:"))
		return 0;
	for (int i = 0; i < c->n; i++) {
		double it = jnum(c->rep[i], "iterations");

		if (isfinite(it) && it < least)
			least = it;
	}
	return least < 100 ? (int)least : 0;
}

/* ---- the statistic and its bootstrap ---------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int rnd(int n)
{
	return (int)(rng() % (uint64_t)n);
}

/* Per group: the values of the numerator and (for a ratio) the denominator. */
struct groups {
	int n;
	int *nn, *nd;
	double **num, **den;	/* den NULL: a single cell's median */
};

static void groups_free(struct groups *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->num[i]);
		if (g->den)
			free(g->den[i]);
	}
	free(g->num);
	free(g->den);
	free(g->nn);
	free(g->nd);
	memset(g, 0, sizeof(*g));
}

/*
 * The groups where NUM (and DEN) have values. When no group has both but
 * both have values (the two cells come from different files), one pooled
 * group. Returns the number of groups.
 */
static int make_groups(struct groups *g, int ngroups, const struct fcell *num,
		       const struct fcell *den, const char *metric)
{
	int cap = (num ? num->n : 0) + (den ? den->n : 0) + 1;

	memset(g, 0, sizeof(*g));
	g->num = pd_xmalloc(sizeof(*g->num) * (size_t)(ngroups + 1));
	g->nn = pd_xmalloc(sizeof(int) * (size_t)(ngroups + 1));
	g->nd = pd_xmalloc(sizeof(int) * (size_t)(ngroups + 1));
	if (den)
		g->den = pd_xmalloc(sizeof(*g->den) * (size_t)(ngroups + 1));
	for (int k = 0; k <= ngroups; k++) {
		int grp = k < ngroups ? k : -1;
		double *a = pd_xmalloc(sizeof(double) * (size_t)cap);
		double *b = den ? pd_xmalloc(sizeof(double) * (size_t)cap) : NULL;
		int na = cell_values(num, metric, grp, a);
		int nb = den ? cell_values(den, metric, grp, b) : 1;

		if (grp < 0 && g->n > 0)
			na = 0;		/* pooled only when no group has both */
		if (na > 0 && nb > 0) {
			g->num[g->n] = a;
			g->nn[g->n] = na;
			if (den) {
				g->den[g->n] = b;
				g->nd[g->n] = nb;
			}
			g->n++;
		} else {
			free(a);
			free(b);
		}
	}
	return g->n;
}

/* The group statistic: median(num) / median(den), or median(num). */
static double group_stat(double *num, int nn, double *den, int nd)
{
	double m = median_of(num, nn);

	return den ? m / median_of(den, nd) : m;
}

struct est {
	double point, lo, hi, smin, smax;
	int groups, reps_min, reps_max;
};

static double resampled(const double *v, int n, double *tmp)
{
	for (int i = 0; i < n; i++)
		tmp[i] = v[rnd(n)];
	return median_of(tmp, n);
}

static void estimate(struct groups *g, int boot, struct est *e)
{
	double *per = pd_xmalloc(sizeof(double) * (size_t)g->n);
	double *bs = pd_xmalloc(sizeof(double) * (size_t)boot);
	int maxn = 1;

	e->reps_min = 1 << 30;
	e->reps_max = 0;
	for (int i = 0; i < g->n; i++) {
		int r = g->nn[i] < (g->den ? g->nd[i] : g->nn[i]) ? g->nn[i] : (g->den ? g->nd[i] : g->nn[i]);
		double *a = pd_xmalloc(sizeof(double) * (size_t)g->nn[i]);
		double *b = g->den ? pd_xmalloc(sizeof(double) * (size_t)g->nd[i]) : NULL;

		memcpy(a, g->num[i], sizeof(double) * (size_t)g->nn[i]);
		if (b)
			memcpy(b, g->den[i], sizeof(double) * (size_t)g->nd[i]);
		per[i] = group_stat(a, g->nn[i], b, g->den ? g->nd[i] : 0);
		free(a);
		free(b);
		if (r < e->reps_min)
			e->reps_min = r;
		if (r > e->reps_max)
			e->reps_max = r;
		if (g->nn[i] > maxn)
			maxn = g->nn[i];
		if (g->den && g->nd[i] > maxn)
			maxn = g->nd[i];
	}
	e->groups = g->n;
	e->smin = pd_min(per, g->n);
	e->smax = pd_max(per, g->n);
	{
		double *tmp = pd_xmalloc(sizeof(double) * (size_t)g->n);

		memcpy(tmp, per, sizeof(double) * (size_t)g->n);
		e->point = median_of(tmp, g->n);
		free(tmp);
	}
	{
		double *ta = pd_xmalloc(sizeof(double) * (size_t)maxn);
		double *tb = pd_xmalloc(sizeof(double) * (size_t)maxn);
		double *pg = pd_xmalloc(sizeof(double) * (size_t)g->n);

		for (int b = 0; b < boot; b++) {
			for (int k = 0; k < g->n; k++) {
				int i = rnd(g->n);
				double m = resampled(g->num[i], g->nn[i], ta);

				pg[k] = g->den ? m / resampled(g->den[i], g->nd[i], tb) : m;
			}
			bs[b] = median_of(pg, g->n);
		}
		qsort(bs, (size_t)boot, sizeof(*bs), cmp_dbl);
		e->lo = bs[(int)floor(0.025 * (boot - 1))];
		e->hi = bs[(int)ceil(0.975 * (boot - 1))];
		free(ta);
		free(tb);
		free(pg);
	}
	free(per);
	free(bs);
}

/* ---- the table ----------------------------------------------------------- */

struct frow {
	const struct qrow *q;
	const char *placement;
	struct est e;
	bool have;			/* both cells ran */
	const char *missing;		/* else: which side is missing */
	char base[64];			/* baseline column */
	char counters[256];
	char note[512];
	char reading[64];
};

static const char *question_title(const char *q)
{
	if (!strcmp(q, "split"))
		return "try_get_folio on a split race: NULL, retry, or fetch_add (ratio < 1: the numerator is cheaper)";
	if (!strcmp(q, "grab"))
		return "gup-fast over huge leaves: per-subpage vs grouped head refcount (ratio > 1: grouping is faster)";
	if (!strcmp(q, "pin"))
		return "pin tracking against writeback: page lock, pin flag, bias (ratio > 1: the numerator is slower)";
	if (!strcmp(q, "devmap"))
		return "ZONE_DEVICE put_page: 1-based vs 0-based (ratio > 1: 1-based is slower)";
	if (!strcmp(q, "harness"))
		return "the C API's own cost (capi/native: about 1.0 means the harness hides nothing)";
	return q;
}

static void fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "?");
	else if (fabs(v) >= 100)
		snprintf(buf, n, "%.0f", v);
	else if (fabs(v) >= 10)
		snprintf(buf, n, "%.1f", v);
	else
		snprintf(buf, n, "%.3g", v);
}

/* COUNTERS as "name num/den; ..."; *missed: a "missed..." counter above 0. */
static char *fmt_counter(const struct fcell *num, const struct fcell *den, const char *spec,
			 bool *missed)
{
	char *copy = pd_xstrdup(spec), *save = NULL, out[256] = "";

	*missed = false;
	if (!strcmp(spec, "-")) {
		free(copy);
		return pd_xstrdup("");
	}
	for (char *it = strtok_r(copy, ";", &save); it; it = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(it, '='), a[32], b[32];
		bool ta, tb;
		double va, vb;

		if (!eq)
			pd_die("COUNTERS item '%s' is not NAME=SPEC", it);
		*eq = 0;
		va = spec_value(num, eq + 1, &ta);
		vb = spec_value(den, eq + 1, &tb);
		if (!strncmp(it, "missed", 6) && ((isfinite(va) && va > 0) || (isfinite(vb) && vb > 0)))
			*missed = true;
		fmt_num(a, sizeof(a), va);
		fmt_num(b, sizeof(b), vb);
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s %s%s/%s%s", *out ? "; " : "",
			 it, isfinite(va) ? a : "n/a", ta ? " (target)" : "",
			 isfinite(vb) ? b : "n/a", tb ? " (target)" : "");
	}
	free(copy);
	return pd_xstrdup(out);
}

static const char **placements_of(const struct fdata *d, int *np)
{
	const char **p = pd_xmalloc(sizeof(*p) * (size_t)(d->ncells + 1));
	int n = 0;

	for (int i = 0; i < d->ncells; i++) {
		int k;

		for (k = 0; k < n && strcmp(p[k], d->cells[i].placement); k++)
			;
		if (k == n)
			p[n++] = d->cells[i].placement;
	}
	*np = n;
	return p;
}

/* The baseline's headline for a row and placement (point estimate only). */
static void baseline_col(struct frow *fr, const struct fdata *base, const char *base_state)
{
	const struct fcell *bn, *bd;
	struct groups g;
	struct est e;
	char v[32];

	if (!base) {
		snprintf(fr->base, sizeof(fr->base), "%s", base_state);
		return;
	}
	bn = cell_get((struct fdata *)base, fr->q->num, fr->placement, false);
	bd = cell_get((struct fdata *)base, fr->q->den, fr->placement, false);
	if (!bn || !bd || !make_groups(&g, base->ngroups, bn, bd, fr->q->metric)) {
		snprintf(fr->base, sizeof(fr->base), "not in baseline");
		return;
	}
	estimate(&g, 1, &e);
	groups_free(&g);
	fmt_num(v, sizeof(v), e.point);
	snprintf(fr->base, sizeof(fr->base), "%s", v);
}

static void tsv(FILE *f, const char *s)
{
	pd_tsv_str(f, s);
}

static void json_row(json_t *arr, const struct frow *fr)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "question", fr->q->question,
			      "label", fr->q->label, "placement", fr->placement, "numerator",
			      fr->q->num, "denominator", fr->q->den, "metric", fr->q->metric);

	if (fr->have) {
		json_object_set_new(o, "ratio", json_real(fr->e.point));
		json_object_set_new(o, "ci95", json_pack("[f, f]", fr->e.lo, fr->e.hi));
		json_object_set_new(o, "processes", json_integer(fr->e.groups));
		json_object_set_new(o, "repetitions_min", json_integer(fr->e.reps_min));
		json_object_set_new(o, "repetitions_max", json_integer(fr->e.reps_max));
		if (fr->e.groups > 1)
			json_object_set_new(o, "spread", json_pack("[f, f]", fr->e.smin, fr->e.smax));
		json_object_set_new(o, "reading", json_string(fr->reading));
	} else {
		json_object_set_new(o, "ratio", json_null());
		json_object_set_new(o, "missing", json_string(fr->missing));
	}
	json_object_set_new(o, "kernel", isfinite(fr->q->kernel) ? json_real(fr->q->kernel)
								 : json_null());
	json_object_set_new(o, "kernel_source", json_string(fr->q->kernel_src));
	json_object_set_new(o, "baseline", json_string(fr->base));
	json_object_set_new(o, "counters", json_string(fr->counters));
	json_object_set_new(o, "note", json_string(fr->note));
	json_array_append_new(arr, o);
}

/* ---- the figures -------------------------------------------------------- */

struct fpt {
	char *series, *panel, *xcat;
	double x, y, lo, hi;
	bool target;
};

static bool has_opt(const char *opts, const char *o)
{
	size_t n = strlen(o);
	const char *p = opts;

	while ((p = strstr(p, o))) {
		if ((p == opts || p[-1] == ',') && (p[n] == ',' || !p[n] || p[n] == ':'))
			return true;
		p += n;
	}
	return false;
}

static char *opt_val(const char *opts, const char *o)
{
	const char *p = strstr(opts, o);

	while (p && !(p == opts || p[-1] == ','))
		p = strstr(p + 1, o);
	if (!p)
		return NULL;
	p += strlen(o);
	return strndup(p, strcspn(p, ","));
}

/* "part:N[+part:M]" or a SPEC, as text. */
static char *label_of(const struct fcell *c, const char *spec)
{
	char *copy, *save = NULL, out[256] = "";

	if (!strcmp(spec, "-"))
		return pd_xstrdup("");
	copy = pd_xstrdup(spec);
	for (char *s = strtok_r(copy, "+", &save); s; s = strtok_r(NULL, "+", &save)) {
		char *v;

		if (!strncmp(s, "part:", 5)) {
			v = name_part(c->name, atoi(s + 5));
		} else if (!strncmp(s, "arg:", 4)) {
			const char *sv = NULL;

			name_arg(c->name, s + 4, &sv);
			v = sv ? strndup(sv, strcspn(sv, "/")) : pd_xstrdup("?");
			if (v && *v) {
				char *t = pd_xasprintf("%s %s", s + 4, v);

				free(v);
				v = t;
			}
		} else {
			v = pd_xstrdup(s);
		}
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", *out ? " " : "", v);
		free(v);
	}
	free(copy);
	return pd_xstrdup(out);
}

static int str_index(char ***list, int *n, const char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return i;
	*list = pd_xrealloc(*list, sizeof(**list) * (size_t)(*n + 1));
	(*list)[*n] = pd_xstrdup(s);
	return (*n)++;
}

static int cmp_pt(const void *a, const void *b)
{
	const struct fpt *x = a, *y = b;

	return x->x < y->x ? -1 : x->x > y->x;
}

static void draw_fig(const struct qmap *m, const struct qfig *g, const struct fdata *d,
		     const char *dir, int boot, const char *nstr)
{
	const char *cells[256];
	int nc = 0, np = 0, nser = 0, npan = 0, ncat = 0, ny = 0;
	struct fpt *pts = NULL;
	char **sers = NULL, **pans = NULL, **cats = NULL;
	char *ys[8], *ylab[8], *ycopy = pd_xstrdup(g->y), *save = NULL;
	bool cat = has_opt(g->options, "cat");
	char *excl = opt_val(g->options, "exclude:");
	char *base = pd_xasprintf("findings-%s", g->question), *fn;
	FILE *f;

	/* the Y metrics: METRIC, or METRIC=label;METRIC=label (one panel each) */
	for (char *s = strtok_r(ycopy, ";", &save); s && ny < 8; s = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(s, '=');

		if (eq)
			*eq = 0;
		if (!metric_ok(s))
			pd_die("fig line %d: unknown Y metric '%s'", g->line, s);
		ys[ny] = s;
		ylab[ny++] = eq ? eq + 1 : g->ylabel;
	}
	for (int i = 0; i < m->nrows; i++) {
		const char *two[2] = { m->rows[i].num, m->rows[i].den };

		if (strcmp(m->rows[i].question, g->question))
			continue;
		for (int k = 0; k < 2; k++) {
			int j;

			for (j = 0; j < nc && strcmp(cells[j], two[k]); j++)
				;
			if (j == nc && nc < 256 && !(excl && strstr(two[k], excl)))
				cells[nc++] = two[k];
		}
	}
	for (int i = 0; i < m->ncells; i++) {
		int j;

		if (strcmp(m->cells[i].question, g->question))
			continue;
		for (j = 0; j < nc && strcmp(cells[j], m->cells[i].name); j++)
			;
		if (j == nc && nc < 256 && !(excl && strstr(m->cells[i].name, excl)))
			cells[nc++] = m->cells[i].name;
	}
	for (int ci = 0; ci < d->ncells; ci++) {
		const struct fcell *c = &d->cells[ci];
		int j;

		for (j = 0; j < nc && strcmp(cells[j], c->name); j++)
			;
		if (j == nc)
			continue;
		for (int yi = 0; yi < ny; yi++) {
			struct groups gr;
			struct est e;
			struct fpt *p;
			char *ser, *pan;
			bool tgt = false;
			double x;
			char *xc = NULL;

			if (!make_groups(&gr, d->ngroups, c, NULL, ys[yi]))
				continue;
			estimate(&gr, boot, &e);
			groups_free(&gr);
			if (cat) {
				xc = label_of(c, g->x);
				x = str_index(&cats, &ncat, xc);
			} else {
				x = spec_value(c, g->x, &tgt);
				if (!isfinite(x))
					continue;
			}
			ser = label_of(c, g->series);
			pan = ny > 1 ? pd_xstrdup(ylab[yi]) : label_of(c, g->panel);
			if (d->ncells && strcmp(c->placement, "none")) {
				char *t = pd_xasprintf("%s%s@%s", pan, *pan ? " " : "", c->placement);

				free(pan);
				pan = t;
			}
			pts = pd_xrealloc(pts, sizeof(*pts) * (size_t)(np + 1));
			p = &pts[np++];
			p->series = ser;
			p->panel = pan;
			p->xcat = xc;
			p->x = x;
			p->y = e.point;
			p->lo = e.lo;
			p->hi = e.hi;
			p->target = tgt;
		}
	}
	if (!np) {
		free(base);
		free(ycopy);
		free(excl);
		return;
	}
	for (int i = 0; i < np; i++) {
		str_index(&sers, &nser, pts[i].series);
		str_index(&pans, &npan, pts[i].panel);
	}
	qsort(pts, (size_t)np, sizeof(*pts), cmp_pt);

	/* data: one block per (panel, series) present, in panel order */
	fn = pd_xasprintf("%s.dat", base);
	f = pd_create(dir, fn);
	fprintf(f, "# %s: x\ty\tci_low\tci_high\tseries\tpanel\n", g->title);
	{
		int blk = 0, *bp = NULL, *bs = NULL;
		FILE *gp;
		char *gpn = pd_xasprintf("%s.gp", base);
		char *refs = opt_val(g->options, "ref:");

		for (int pi = 0; pi < npan; pi++) {
			for (int si = 0; si < nser; si++) {
				int k = 0;

				for (int i = 0; i < np; i++) {
					if (strcmp(pts[i].panel, pans[pi]) || strcmp(pts[i].series, sers[si]))
						continue;
					if (!k)
						fprintf(f, "%s# block %d: %s | %s\n", blk ? "\n\n" : "",
							blk, pans[pi], sers[si]);
					fprintf(f, "%.6g\t%.6g\t%.6g\t%.6g\t", pts[i].x + (cat ? (si - (nser - 1) / 2.0) * 0.06 : 0),
						pts[i].y, pts[i].lo, pts[i].hi);
					pd_tsv_str(f, sers[si]);
					fputc('\t', f);
					pd_tsv_str(f, pans[pi]);
					fputc('\n', f);
					k++;
				}
				if (k) {
					bp = pd_xrealloc(bp, sizeof(int) * (size_t)(blk + 1));
					bs = pd_xrealloc(bs, sizeof(int) * (size_t)(blk + 1));
					bp[blk] = pi;
					bs[blk] = si;
					blk++;
				}
			}
		}
		/* the kernel's published points: one last block */
		int nref = 0;

		if (refs) {
			char *rsave = NULL;

			fprintf(f, "\n\n# block %d: the kernel's published points\n", blk);
			for (char *r = strtok_r(refs, ";", &rsave); r; r = strtok_r(NULL, ";", &rsave)) {
				char *at = strchr(r, '@'), *eq = at ? strchr(at, '=') : NULL;
				char *pat = eq ? strchr(eq, '@') : NULL;
				int pidx = 0;

				if (!at || !eq)
					pd_die("fig line %d: ref: wants NAME@X=Y[@PANEL], not '%s'", g->line, r);
				*at = *eq = 0;
				if (pat) {
					*pat = 0;
					for (int pi = 0; pi < npan; pi++)
						if (!strcmp(pans[pi], pat + 1))
							pidx = pi + 1;
					if (!pidx)
						continue;	/* that panel is not in this run */
				}
				fprintf(f, "%s\t%s\t?\t?\t", at + 1, eq + 1);
				pd_tsv_str(f, r);
				fprintf(f, "\t-\t%d\n", pidx);
				nref++;
			}
		}
		pd_close(f, dir, fn);

		gp = pd_create(dir, gpn);
		pd_gp_header(gp, d->machine, d->commit);
		fprintf(gp, "fig_title = '");
		{
			char *t = pd_xasprintf("%s (%s)", g->title, nstr);

			for (char *c = t; *c; c++)
				fputs(*c == '\'' ? "''" : (char[]){ *c, 0 }, gp);
			free(t);
		}
		fprintf(gp, "'\ndatafile = '%s'\n", fn);
		fprintf(gp, "np = %d\nnb = %d\nnref = %d\nlogx = %d\nlogy = %d\ncat = %d\n", npan, blk,
			nref, has_opt(g->options, "logx"), has_opt(g->options, "logy"), cat);
		fprintf(gp, "xlabel = ");
		pd_gp_str(gp, g->xlabel);
		fprintf(gp, "\nylabel = ");
		pd_gp_str(gp, ny > 1 ? "" : g->ylabel);
		fprintf(gp, "\narray pname[%d]\narray bpanel[%d]\narray bser[%d]\narray bname[%d]\n",
			npan, blk ? blk : 1, blk ? blk : 1, blk ? blk : 1);
		for (int pi = 0; pi < npan; pi++) {
			fprintf(gp, "pname[%d] = ", pi + 1);
			pd_gp_str(gp, pans[pi]);
			fputc('\n', gp);
		}
		for (int b = 0; b < blk; b++) {
			fprintf(gp, "bpanel[%d] = %d\nbser[%d] = %d\nbname[%d] = ", b + 1, bp[b] + 1,
				b + 1, bs[b] + 1, b + 1);
			pd_gp_str(gp, sers[bs[b]]);
			fputc('\n', gp);
		}
		{
			double xmin = INFINITY, xmax = -INFINITY;

			for (int i = 0; i < np; i++) {
				xmin = pts[i].x < xmin ? pts[i].x : xmin;
				xmax = pts[i].x > xmax ? pts[i].x : xmax;
			}
			fprintf(gp, "xmin = %.6g\nxmax = %.6g\n", xmin, xmax);
		}
		if (cat) {
			fprintf(gp, "xtl = '(");
			for (int i = 0; i < ncat; i++)
				fprintf(gp, "%s\"%s\" %d", i ? ", " : "", cats[i], i);
			fprintf(gp, ")'\nncat = %d\n", ncat);
		} else {
			fprintf(gp, "xtl = ''\nncat = 0\n");
		}
		pd_close(gp, dir, gpn);
		free(gpn);
		free(bp);
		free(bs);
		free(refs);
	}
	free(fn);
	{
		char *tsv = pd_xasprintf("%s/figures.tsv", dir);

		f = fopen(tsv, "a");
		free(tsv);
	}
	if (!f)
		pd_die("cannot append to %s/figures.tsv: %s", dir, strerror(errno));
	fprintf(f, "findings\t%s\t", base);
	pd_tsv_str(f, g->title);
	fputc('\n', f);
	fclose(f);
	for (int i = 0; i < np; i++) {
		free(pts[i].series);
		free(pts[i].panel);
		free(pts[i].xcat);
	}
	free(pts);
	for (int i = 0; i < nser; i++)
		free(sers[i]);
	for (int i = 0; i < npan; i++)
		free(pans[i]);
	for (int i = 0; i < ncat; i++)
		free(cats[i]);
	free(sers);
	free(pans);
	free(cats);
	free(base);
	free(ycopy);
	free(excl);
}

/* ---- the command -------------------------------------------------------- */

static const char fusage[] =
	"usage: refbench-plotdata findings --questions=FILE [--baseline=FILE] [--out=DIR]\n"
	"                         [--figures=DATADIR] [--boot=N] [--seed=N] RESULT.json...\n"
	"       refbench-plotdata findings --questions=FILE --cells\n";

int pd_cmd_findings(int argc, char **argv)
{
	const char *qpath = NULL, *bpath = NULL, *out = NULL, *figdir = NULL;
	int boot = 2000, nfiles = 0, np;
	unsigned long long seed = 0x5eed5eedULL;
	bool cells_only = false;
	const char **files = pd_xmalloc(sizeof(*files) * (size_t)(argc + 1));
	struct qmap m;
	struct fdata d, base;
	bool have_base = false;
	const char *base_state = "no baseline";
	const char **pl;
	struct frow *rows;
	int nrows = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (!strncmp(a, "--questions=", 12)) {
			qpath = a + 12;
		} else if (!strncmp(a, "--baseline=", 11)) {
			bpath = a + 11;
		} else if (!strncmp(a, "--out=", 6)) {
			out = a + 6;
		} else if (!strncmp(a, "--figures=", 10)) {
			figdir = a + 10;
		} else if (!strcmp(a, "--cells")) {
			cells_only = true;
		} else if (!strncmp(a, "--boot=", 7)) {
			boot = (int)strtol(a + 7, &end, 10);
			if (*end || boot < 1 || boot > 1000000)
				pd_die("--boot wants a count from 1 to 1000000, not '%s'", a + 7);
		} else if (!strncmp(a, "--seed=", 7)) {
			seed = strtoull(a + 7, &end, 10);
			if (*end || !a[7])
				pd_die("--seed wants a number, not '%s'", a + 7);
		} else if (!strcmp(a, "--help")) {
			fputs(fusage, stdout);
			free(files);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			pd_die("findings: unknown option '%s'; see --help", a);
		} else {
			files[nfiles++] = a;
		}
	}
	if (!qpath)
		pd_die("findings: --questions=FILE is required (src/findings/questions.tsv)");
	load_map(&m, qpath);
	for (int i = 0; i < m.nrows; i++)
		if (!metric_ok(m.rows[i].metric))
			pd_die("%s:%d: unknown METRIC '%s' (real, cpu or c:COUNTER[*SCALE])", qpath,
			       m.rows[i].line, m.rows[i].metric);
	if (cells_only) {
		/* every cell the rows name, once, in order */
		for (int i = 0; i < m.nrows; i++) {
			const char *two[2] = { m.rows[i].num, m.rows[i].den };

			for (int k = 0; k < 2; k++) {
				bool seen = false;

				for (int j = 0; j < i && !seen; j++)
					seen = !strcmp(m.rows[j].num, two[k]) || !strcmp(m.rows[j].den, two[k]);
				if (k == 1 && !strcmp(two[0], two[1]))
					seen = true;
				if (!seen)
					puts(two[k]);
			}
		}
		for (int i = 0; i < m.ncells; i++) {
			bool seen = false;

			for (int j = 0; j < m.nrows && !seen; j++)
				seen = !strcmp(m.rows[j].num, m.cells[i].name) ||
				       !strcmp(m.rows[j].den, m.cells[i].name);
			for (int j = 0; j < i && !seen; j++)
				seen = !strcmp(m.cells[j].name, m.cells[i].name);
			if (!seen)
				puts(m.cells[i].name);
		}
		free_map(&m);
		free(files);
		return 0;
	}
	if (!nfiles)
		pd_die("findings: no result file given");
	rng_state = seed ? seed : 1;

	memset(&d, 0, sizeof(d));
	for (int i = 0; i < nfiles; i++)
		load_file(&d, files[i]);
	memset(&base, 0, sizeof(base));
	if (bpath && *bpath) {
		struct stat st;

		if (stat(bpath, &st) == 0) {
			load_file(&base, bpath);
			have_base = true;
		}
	}
	pl = placements_of(&d, &np);
	rows = pd_xmalloc(sizeof(*rows) * (size_t)(m.nrows * (np + 1) + 1));

	for (int i = 0; i < m.nrows; i++) {
		const struct qrow *q = &m.rows[i];
		int shown = 0;

		for (int p = 0; p < np; p++) {
			const struct fcell *cn = cell_get(&d, q->num, pl[p], false);
			const struct fcell *cd = cell_get(&d, q->den, pl[p], false);
			struct frow *fr = &rows[nrows];
			struct groups g;

			if (!cn && !cd)
				continue;
			memset(fr, 0, sizeof(*fr));
			fr->q = q;
			fr->placement = pl[p];
			if (cn && cd && make_groups(&g, d.ngroups, cn, cd, q->metric)) {
				fr->have = true;
				estimate(&g, boot, &fr->e);
				groups_free(&g);
			} else {
				fr->missing = !cn ? "no numerator cell in this run"
					    : !cd ? "no denominator cell in this run"
						  : "no value of the metric";
			}
			baseline_col(fr, have_base ? &base : NULL, base_state);
			bool missed;
			char *cc = fmt_counter(cn, cd, q->counters, &missed);

			snprintf(fr->counters, sizeof(fr->counters), "%s", cc);
			free(cc);
			if (fr->have) {
				if (fr->e.lo > 1)
					snprintf(fr->reading, sizeof(fr->reading), "numerator slower");
				else if (fr->e.hi < 1)
					snprintf(fr->reading, sizeof(fr->reading), "numerator faster");
				else
					snprintf(fr->reading, sizeof(fr->reading), "no measurable difference");
			}
			if (fr->have && isfinite(q->kernel) &&
			    (fr->e.point / q->kernel > 2 || fr->e.point / q->kernel < 0.5))
				snprintf(fr->note, sizeof(fr->note), "%s",
					 strcmp(q->note, "-") ? q->note
					 : "more than 2x from the kernel's figure: see the family doc");
			{
				/* Google Benchmark chose too few iterations (min_time under load) */
				int few = few_iterations(cn);

				if (!few)
					few = few_iterations(cd);
				if (few)
					snprintf(fr->note + strlen(fr->note), sizeof(fr->note) - strlen(fr->note),
						 "%sa repetition ran %d iteration%s: too few to time; raise --benchmark_min_time",
						 *fr->note ? "; " : "", few, few == 1 ? "" : "s");
			}
			if (missed)	/* a correct variant never misses a pin */
				snprintf(fr->note + strlen(fr->note), sizeof(fr->note) - strlen(fr->note),
					 "%sMISSED PINS: a correct variant must never miss one",
					 *fr->note ? "; " : "");
			nrows++;
			shown++;
		}
		if (!shown) {
			struct frow *fr = &rows[nrows++];

			memset(fr, 0, sizeof(*fr));
			fr->q = q;
			fr->placement = "-";
			fr->missing = "not in this run";
			baseline_col(fr, NULL, have_base ? "-" : base_state);
		}
	}

	/* n, for titles */
	int gmin = 1 << 30, gmax = 0, rmin = 1 << 30, rmax = 0;

	for (int i = 0; i < nrows; i++) {
		if (!rows[i].have)
			continue;
		if (rows[i].e.groups < gmin)
			gmin = rows[i].e.groups;
		if (rows[i].e.groups > gmax)
			gmax = rows[i].e.groups;
		if (rows[i].e.reps_min < rmin)
			rmin = rows[i].e.reps_min;
		if (rows[i].e.reps_max > rmax)
			rmax = rows[i].e.reps_max;
	}
	char nstr[96];

	/* a matrix run's file holds one process per cell: a "run", not a process */
	/* a matrix run with --processes=K: K groups, each a process of every cell */
	const char *unit = d.matrix ? (gmax == 1 ? "run (a process per cell)" :
				       d.nfiles == 1 ? "processes of each cell" :
				       "runs (a process per cell)")
				    : (gmax == 1 ? "process" : "processes");

	if (gmax == 0)
		snprintf(nstr, sizeof(nstr), "n = 0");
	else if (rmin == rmax)
		snprintf(nstr, sizeof(nstr), "n = %s%d %s x %d repetitions",
			 gmin == gmax ? "" : "up to ", gmax, unit, rmin);
	else
		snprintf(nstr, sizeof(nstr), "n = %s%d %s x %d-%d repetitions",
			 gmin == gmax ? "" : "up to ", gmax, unit, rmin, rmax);

	/* the outputs */
	{
		char *txt = NULL;
		size_t tlen = 0;
		FILE *t = open_memstream(&txt, &tlen);
		FILE *ts = NULL, *md = NULL;
		json_t *jr = json_array();
		const char *lastq = "";
		char bhead[300];

		snprintf(bhead, sizeof(bhead), "baseline%s%s", d.key[0] ? " " : "", d.key);
		fprintf(t, "refbench findings: %s, commit %s, %s\n", d.machine, d.commit, nstr);
		fprintf(t, "ratio: median over processes of median(numerator)/median(denominator); "
			   "[95%% interval]: bootstrap over processes and repetitions\n");
		if (out) {
			ts = pd_create(out, "findings.tsv");
			md = pd_create(out, "findings.md");
			fprintf(ts, "# question\tratio\tplacement\tthis run\t95%% interval\tspread over processes\tn\treading\tkernel\t%s\tcounters (num/den)\tnote\n", bhead);
			fprintf(md, "# refbench findings\n\n%s, commit %s, %s. Ratio: median over "
				    "processes of median(numerator)/median(denominator); interval: 95%%, "
				    "bootstrap over processes and repetitions "
				    "([docs/findings.md](docs/findings.md)).\n",
				d.machine, d.commit, nstr);
		}
		for (int i = 0; i < nrows; i++) {
			const struct frow *fr = &rows[i];
			char v[32], lo[32], hi[32], smin[32], smax[32], kern[32], ci[80] = "",
			     spread[80] = "", n[48] = "";

			if (strcmp(lastq, fr->q->question)) {
				lastq = fr->q->question;
				fprintf(t, "\n== %s: %s\n", lastq, question_title(lastq));
				fprintf(t, "  %-62s %-8s %-7s %-17s %-15s %-9s %-8s %-16s %s\n", "ratio",
					"place", "value", "95% interval", "spread", "n", "kernel",
					"baseline", "counters (num/den) / note");
				if (md)
					fprintf(md, "\n## %s\n\n%s\n\n| ratio | placement | this run | 95%% "
						    "interval | spread over processes | n | kernel | %s | "
						    "counters (num/den) | note |\n|---|---|---|---|---|---|---|---|---|---|\n",
						lastq, question_title(lastq), bhead);
			}
			fmt_num(kern, sizeof(kern), fr->q->kernel);
			if (!isfinite(fr->q->kernel))
				strcpy(kern, "-");
			if (fr->have) {
				fmt_num(v, sizeof(v), fr->e.point);
				fmt_num(lo, sizeof(lo), fr->e.lo);
				fmt_num(hi, sizeof(hi), fr->e.hi);
				snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
				if (fr->e.groups > 1) {
					fmt_num(smin, sizeof(smin), fr->e.smin);
					fmt_num(smax, sizeof(smax), fr->e.smax);
					snprintf(spread, sizeof(spread), "%s..%s", smin, smax);
				} else {
					snprintf(spread, sizeof(spread), d.matrix ? "1 run" : "1 process");
				}
				snprintf(n, sizeof(n), "%dx%d%s", fr->e.groups, fr->e.reps_min,
					 fr->e.reps_min == fr->e.reps_max ? "" : "+");
			} else {
				snprintf(v, sizeof(v), "-");
				snprintf(ci, sizeof(ci), "%s", fr->missing);
			}
			fprintf(t, "  %-62s %-8s %-7s %-17s %-15s %-9s %-8s %-16s %s%s%s\n",
				fr->q->label, fr->placement, v, ci, spread, n, kern, fr->base,
				fr->counters, *fr->counters && *fr->note ? " / " : "", fr->note);
			if (ts) {
				tsv(ts, fr->q->question);
				fputc('\t', ts);
				tsv(ts, fr->q->label);
				fprintf(ts, "\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s%s%s\t%s\t", fr->placement, v, ci,
					spread, n, fr->reading, kern, strcmp(kern, "-") ? " (" : "",
					strcmp(kern, "-") ? fr->q->kernel_src : "",
					strcmp(kern, "-") ? ")" : "", fr->base);
				tsv(ts, fr->counters);
				fputc('\t', ts);
				tsv(ts, fr->note);
				fputc('\n', ts);
				fprintf(md, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
					fr->q->label, fr->placement, v, ci, spread, n, kern, fr->base,
					fr->counters, fr->note);
			}
			json_row(jr, fr);
		}
		fprintf(t, "\nkernel: the published figure for the same ratio (REFERENCE.md), '-': none published.\n");
		fclose(t);
		fputs(txt, stdout);
		if (out) {
			FILE *tf = pd_create(out, "findings.txt");
			json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:o}", "machine",
						 d.machine, "machine_key", d.key, "commit", d.commit,
						 "n", nstr, "inputs", json_array(), "baseline",
						 have_base ? bpath : base_state, "bootstrap", boot,
						 "rows", jr);

			for (int i = 0; i < nfiles; i++)
				json_array_append_new(json_object_get(root, "inputs"),
						      json_string(files[i]));
			fputs(txt, tf);
			pd_close(tf, out, "findings.txt");
			pd_close(ts, out, "findings.tsv");
			pd_close(md, out, "findings.md");
			{
				char *jp = pd_xasprintf("%s/findings.json", out);

				if (json_dump_file(root, jp, JSON_INDENT(1)))
					pd_die("cannot write %s", jp);
				free(jp);
			}
			json_decref(root);
		} else {
			json_decref(jr);
		}
		free(txt);
	}

	if (figdir) {
		for (int i = 0; i < m.nfigs; i++)
			draw_fig(&m, &m.figs[i], &d, figdir, boot < 400 ? boot : 400, nstr);
	}
	free(rows);
	free(pl);
	free(files);
	if (have_base)
		free_data(&base);
	free_data(&d);
	free_map(&m);
	return 0;
}
