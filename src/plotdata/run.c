// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata run RESULT.json OUTDIR: the data behind one run's figures.
 *
 * Writes, in OUTDIR (docs/plots.md has every column):
 *   meta.gp        machine and commit, for every title
 *   context.tsv    the JSON context (the machine fingerprint), key <TAB> value
 *   cells.tsv      per cell: median/min/max ns per op over the repetitions
 *   counters.tsv   per cell and user counter: median/min/max
 *   errors.tsv     runs that were skipped with an error
 *   figures.tsv    the figures to draw: kind <TAB> basename <TAB> title
 *   scaling-*.dat/.gp, bars-*.dat/.gp, counters-*.dat/.gp, heatmap-*.dat/.gp
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"

/* An ordered set of strings: first appearance order. */
struct strset {
	int n;
	char **s;
};

static int ss_find(const struct strset *ss, const char *s)
{
	for (int i = 0; i < ss->n; i++)
		if (!strcmp(ss->s[i], s))
			return i;
	return -1;
}

static int ss_add(struct strset *ss, const char *s)
{
	int i = ss_find(ss, s);

	if (i >= 0)
		return i;
	ss->s = pd_xrealloc(ss->s, sizeof(char *) * (size_t)(ss->n + 1));
	ss->s[ss->n] = pd_xstrdup(s);
	return ss->n++;
}

static void ss_free(struct strset *ss)
{
	for (int i = 0; i < ss->n; i++)
		free(ss->s[i]);
	free(ss->s);
	memset(ss, 0, sizeof(*ss));
}

struct ctx {
	const struct pd_result *r;
	const char *out;
	FILE *figs;
	struct strset names;	/* figure basenames, to keep them unique */
	int max_counter_panels;
};

/* A unique basename "<kind>-<slug>" for a figure. */
static char *fig_base(struct ctx *x, const char *kind, const char *what)
{
	char *slug = pd_slug(what), *base = pd_xasprintf("%s-%s", kind, slug);

	free(slug);
	for (int k = 2; ss_find(&x->names, base) >= 0; k++) {
		free(base);
		slug = pd_slug(what);
		base = pd_xasprintf("%s-%s-%d", kind, slug, k);
		free(slug);
	}
	ss_add(&x->names, base);
	return base;
}

static void fig_entry(struct ctx *x, const char *kind, const char *base, const char *title)
{
	fprintf(x->figs, "%s\t%s\t", kind, base);
	pd_tsv_str(x->figs, title);
	fputc('\n', x->figs);
}

static void gp_array_str(FILE *f, const char *name, char **v, int n)
{
	fprintf(f, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s[%d] = ", name, i + 1);
		pd_gp_str(f, v[i]);
		fputc('\n', f);
	}
}

static void gp_array_int(FILE *f, const char *name, const int *v, int n)
{
	fprintf(f, "array %s[%d]\n", name, n > 0 ? n : 1);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s[%d] = %d\n", name, i + 1, v[i]);
}

/* log scale when the values span more than this factor */
#define LOG_RANGE 30.0

static void minmax_update(double *lo, double *hi, double v)
{
	if (isnan(v) || v <= 0)
		return;
	if (isnan(*lo) || v < *lo)
		*lo = v;
	if (isnan(*hi) || v > *hi)
		*hi = v;
}

static int use_log(double lo, double hi)
{
	return !isnan(lo) && lo > 0 && hi / lo > LOG_RANGE;
}

/* ---- cells.tsv, counters.tsv, errors.tsv, context.tsv ---- */

static void write_tables(struct ctx *x)
{
	const struct pd_result *r = x->r;
	FILE *f = pd_create(x->out, "cells.tsv");
	const char *k;
	json_t *v;

	fputs("# family\tvariant\tconfig\tplacement\tthreads\tn\tmedian_ns\tmin_ns\tmax_ns\t"
	      "mean_ns\tmedian_mops\trun_name\n", f);
	for (int i = 0; i < r->ncells; i++) {
		const struct pd_cell *c = &r->cells[i];
		double med = pd_cell_median(c);

		if (isnan(med))
			continue;
		pd_tsv_str(f, c->family);
		fputc('\t', f);
		pd_tsv_str(f, c->variant);
		fputc('\t', f);
		pd_tsv_str(f, c->config);
		fputc('\t', f);
		pd_tsv_str(f, c->placement);
		fprintf(f, "\t%d\t%d\t", c->threads, c->n);
		pd_num(f, med);
		fputc('\t', f);
		pd_num(f, c->n ? pd_min(c->ns, c->n) : med);
		fputc('\t', f);
		pd_num(f, c->n ? pd_max(c->ns, c->n) : med);
		fputc('\t', f);
		pd_num(f, c->n ? pd_mean(c->ns, c->n) : med);
		fputc('\t', f);
		pd_num(f, med > 0 ? 1e3 / med : NAN);
		fputc('\t', f);
		pd_tsv_str(f, c->run_name);
		fputc('\n', f);
	}
	pd_close(f, x->out, "cells.tsv");

	f = pd_create(x->out, "counters.tsv");
	fputs("# run_name\tplacement\tcounter\tn\tmedian\tmin\tmax\n", f);
	for (int i = 0; i < r->ncells; i++) {
		const struct pd_cell *c = &r->cells[i];

		for (int j = 0; j < c->ncnt; j++) {
			const struct pd_counter *pc = &c->cnt[j];

			pd_tsv_str(f, c->run_name);
			fputc('\t', f);
			pd_tsv_str(f, c->placement);
			fputc('\t', f);
			pd_tsv_str(f, pc->name);
			fprintf(f, "\t%d\t", pc->n);
			pd_num(f, pd_median(pc->v, pc->n));
			fputc('\t', f);
			pd_num(f, pd_min(pc->v, pc->n));
			fputc('\t', f);
			pd_num(f, pd_max(pc->v, pc->n));
			fputc('\n', f);
		}
	}
	pd_close(f, x->out, "counters.tsv");

	f = pd_create(x->out, "errors.tsv");
	fputs("# run_name\tplacement\terror_message\n", f);
	for (int i = 0; i < r->ncells; i++) {
		const struct pd_cell *c = &r->cells[i];

		if (!c->error || c->n || c->from_median)
			continue;
		pd_tsv_str(f, c->run_name);
		fputc('\t', f);
		pd_tsv_str(f, c->placement);
		fputc('\t', f);
		pd_tsv_str(f, c->error);
		fputc('\n', f);
	}
	pd_close(f, x->out, "errors.tsv");

	f = pd_create(x->out, "context.tsv");
	fputs("# key\tvalue\n", f);
	if (r->context) {
		json_object_foreach(r->context, k, v) {
			char *s = NULL;

			pd_tsv_str(f, k);
			fputc('\t', f);
			if (json_is_string(v))
				pd_tsv_str(f, json_string_value(v));
			else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6))))
				pd_tsv_str(f, s);
			free(s);
			fputc('\n', f);
		}
	}
	pd_close(f, x->out, "context.tsv");

	f = pd_create(x->out, "meta.gp");
	pd_gp_header(f, r->machine, r->commit);
	pd_close(f, x->out, "meta.gp");
}

static bool cell_pu(const struct pd_cell *c, const char *key, long *out);

/* A calib/pingpong cell with a PU pair: drawn in the heatmap only. */
static bool is_heat_cell(const struct pd_cell *c)
{
	long a, b;

	return !strcmp(c->family, "calib") && !strcmp(c->variant, "pingpong") &&
	       cell_pu(c, "pu_a", &a) && cell_pu(c, "pu_b", &b);
}

/* Cells of one family, in file order. */
static int family_cells(const struct pd_result *r, const char *fam, const struct pd_cell **out)
{
	int n = 0;

	for (int i = 0; i < r->ncells; i++)
		if (!strcmp(r->cells[i].family, fam) && !is_heat_cell(&r->cells[i]) &&
		    !isnan(pd_cell_median(&r->cells[i])))
			out[n++] = &r->cells[i];
	return n;
}

static const struct pd_cell *find(const struct pd_cell **cs, int n, const char *variant,
				  const char *config, const char *placement, int threads)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cs[i]->variant, variant) && !strcmp(cs[i]->config, config) &&
		    !strcmp(cs[i]->placement, placement) && cs[i]->threads == threads)
			return cs[i];
	return NULL;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* ---- scaling: per family and config with two or more thread counts ---- */

static void scaling(struct ctx *x, const char *fam, const struct pd_cell **cs, int n,
		    const struct strset *variants, const struct strset *places)
{
	struct strset configs = { 0 };

	for (int i = 0; i < n; i++)
		ss_add(&configs, cs[i]->config);
	for (int ci = 0; ci < configs.n; ci++) {
		const char *cfg = configs.s[ci];
		int thr[256], nthr = 0, nb = 0, np = 0;
		int pfirst[64], pcount[64], bcolor[1024];
		char *pname[64], *bvar[1024];
		double lo_ns = NAN, hi_ns = NAN, lo_mops = NAN, hi_mops = NAN;
		char *base, *title, *dat, *gp;
		FILE *f, *g;

		for (int i = 0; i < n; i++) {
			bool seen = false;

			if (strcmp(cs[i]->config, cfg))
				continue;
			for (int j = 0; j < nthr; j++)
				seen |= thr[j] == cs[i]->threads;
			if (!seen && nthr < 256)
				thr[nthr++] = cs[i]->threads;
		}
		if (nthr < 2)
			continue;
		qsort(thr, (size_t)nthr, sizeof(int), cmp_int);

		title = pd_xasprintf("%s: %s", fam, cfg);
		base = fig_base(x, "scaling", title);
		dat = pd_xasprintf("%s.dat", base);
		gp = pd_xasprintf("%s.gp", base);
		f = pd_create(x->out, dat);
		fprintf(f, "# %s: one block per placement and variant (see %s)\n"
			"# threads\tn\tmedian_ns\tmin_ns\tmax_ns\tmedian_mops\tmin_mops\tmax_mops\n",
			title, gp);
		for (int p = 0; p < places->n && np < 64; p++) {
			int first = nb;

			for (int v = 0; v < variants->n && nb < 1024; v++) {
				bool any = false;

				for (int t = 0; t < nthr; t++)
					any |= find(cs, n, variants->s[v], cfg, places->s[p], thr[t]) != NULL;
				if (!any)
					continue;
				fprintf(f, "%s# placement=%s variant=%s\n", nb ? "\n\n" : "",
					places->s[p], variants->s[v]);
				for (int t = 0; t < nthr; t++) {
					const struct pd_cell *c = find(cs, n, variants->s[v], cfg,
								       places->s[p], thr[t]);
					double med, mn, mx;

					if (!c)
						continue;
					med = pd_cell_median(c);
					mn = c->n ? pd_min(c->ns, c->n) : med;
					mx = c->n ? pd_max(c->ns, c->n) : med;
					fprintf(f, "%d\t%d\t", c->threads, c->n);
					pd_num(f, med);
					fputc('\t', f);
					pd_num(f, mn);
					fputc('\t', f);
					pd_num(f, mx);
					fputc('\t', f);
					pd_num(f, med > 0 ? 1e3 / med : NAN);
					fputc('\t', f);
					pd_num(f, mx > 0 ? 1e3 / mx : NAN);
					fputc('\t', f);
					pd_num(f, mn > 0 ? 1e3 / mn : NAN);
					fputc('\n', f);
					minmax_update(&lo_ns, &hi_ns, mn);
					minmax_update(&lo_ns, &hi_ns, mx);
					if (mn > 0)
						minmax_update(&lo_mops, &hi_mops, 1e3 / mn);
					if (mx > 0)
						minmax_update(&lo_mops, &hi_mops, 1e3 / mx);
				}
				bvar[nb] = variants->s[v];
				bcolor[nb] = v + 1;
				nb++;
			}
			if (nb > first) {
				pname[np] = places->s[p];
				pfirst[np] = first;
				pcount[np] = nb - first;
				np++;
			}
		}
		pd_close(f, x->out, dat);

		g = pd_create(x->out, gp);
		pd_gp_header(g, x->r->machine, x->r->commit);
		fputs("fig_title = ", g);
		pd_gp_str(g, title);
		fputs("\ndatafile = ", g);
		pd_gp_str(g, dat);
		fprintf(g, "\nnp = %d\nnb = %d\n", np, nb);
		gp_array_str(g, "pname", pname, np);
		gp_array_int(g, "pfirst", pfirst, np);
		gp_array_int(g, "pcount", pcount, np);
		gp_array_str(g, "bvar", bvar, nb);
		gp_array_int(g, "bcolor", bcolor, nb);
		fprintf(g, "tmin = %d\ntmax = %d\nlogx = %d\nlogy_ns = %d\nlogy_mops = %d\n",
			thr[0], thr[nthr - 1], thr[nthr - 1] >= 8 * thr[0],
			use_log(lo_ns, hi_ns), use_log(lo_mops, hi_mops));
		fputs("ylo_ns = ", g);
		pd_num(g, lo_ns);
		fputs("\nyhi_ns = ", g);
		pd_num(g, hi_ns);
		fputs("\nylo_mops = ", g);
		pd_num(g, lo_mops);
		fputs("\nyhi_mops = ", g);
		pd_num(g, hi_mops);
		fputc('\n', g);
		pd_close(g, x->out, gp);
		fig_entry(x, "scaling", base, title);
		free(title);
		free(base);
		free(dat);
		free(gp);
	}
	ss_free(&configs);
}

/* ---- grouped bars (time per op) and counters: clusters x variants ---- */

struct cluster {
	char *label;
	const char *config, *placement;	/* placement NULL: any (one panel per placement) */
	int threads;
};

static void write_bar_row(FILE *f, const char *label, const struct pd_cell **cs, int n,
			  const struct strset *variants, const struct cluster *cl,
			  const char *placement, const char *counter, double *lo, double *hi)
{
	pd_tsv_str(f, label);
	for (int v = 0; v < variants->n; v++) {
		const struct pd_cell *c = find(cs, n, variants->s[v], cl->config, placement,
					       cl->threads);
		double med = NAN, mn = NAN, mx = NAN;

		if (c && !counter) {
			med = pd_cell_median(c);
			mn = c->n ? pd_min(c->ns, c->n) : med;
			mx = c->n ? pd_max(c->ns, c->n) : med;
		} else if (c) {
			const struct pd_counter *pc = pd_counter_get(c, counter);

			if (pc && pc->n) {
				med = pd_median(pc->v, pc->n);
				mn = pd_min(pc->v, pc->n);
				mx = pd_max(pc->v, pc->n);
			}
		}
		fputc('\t', f);
		pd_num(f, med);
		fputc('\t', f);
		pd_num(f, mn);
		fputc('\t', f);
		pd_num(f, mx);
		minmax_update(lo, hi, mn);
		minmax_update(lo, hi, mx);
	}
	fputc('\n', f);
}

/* a bars figure at most this many scenario groups wide */
#define MAX_BAR_CLUSTERS 12

static void bars(struct ctx *x, const char *fam, const struct pd_cell **cs, int n,
		 const struct strset *variants, const struct strset *places)
{
	struct cluster *cl = pd_xmalloc(sizeof(*cl) * (size_t)n);
	int ncl = 0, nthr_distinct = 0, first_thr = 0, maxlabel = 0;
	double lo = NAN, hi = NAN;
	char *base, *title, *dat, *gp;
	FILE *f, *g;

	for (int i = 0; i < n; i++) {
		if (!i)
			first_thr = cs[i]->threads;
		else if (cs[i]->threads != first_thr)
			nthr_distinct = 1;
	}
	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int j = 0; j < ncl && !seen; j++)
			seen = !strcmp(cl[j].config, cs[i]->config) && cl[j].threads == cs[i]->threads;
		if (seen)
			continue;
		cl[ncl].config = cs[i]->config;
		cl[ncl].threads = cs[i]->threads;
		cl[ncl].placement = NULL;
		if (nthr_distinct || cs[i]->threads > 1)
			cl[ncl].label = pd_xasprintf("%s threads:%d", cs[i]->config, cs[i]->threads);
		else
			cl[ncl].label = pd_xstrdup(cs[i]->config);
		if ((int)strlen(cl[ncl].label) > maxlabel)
			maxlabel = (int)strlen(cl[ncl].label);
		ncl++;
	}

	/*
	 * More clusters than a mail-sized figure shows (rotated labels, 40
	 * groups): the findings figures (one per question) replace it.
	 */
	if (ncl > MAX_BAR_CLUSTERS) {
		for (int k = 0; k < ncl; k++)
			free(cl[k].label);
		free(cl);
		return;
	}
	title = pd_xasprintf("%s: time per operation", fam);
	base = fig_base(x, "bars", fam);
	dat = pd_xasprintf("%s.dat", base);
	gp = pd_xasprintf("%s.gp", base);
	f = pd_create(x->out, dat);
	fprintf(f, "# %s: one block per placement; per variant: median_ns min_ns max_ns\n# cluster",
		title);
	for (int v = 0; v < variants->n; v++)
		fprintf(f, "\t%s\t(min)\t(max)", variants->s[v]);
	fputc('\n', f);
	for (int p = 0; p < places->n; p++) {
		if (p)
			fputs("\n\n", f);
		fprintf(f, "# placement=%s\n", places->s[p]);
		for (int k = 0; k < ncl; k++)
			write_bar_row(f, cl[k].label, cs, n, variants, &cl[k], places->s[p], NULL,
				      &lo, &hi);
	}
	pd_close(f, x->out, dat);

	g = pd_create(x->out, gp);
	pd_gp_header(g, x->r->machine, x->r->commit);
	fputs("fig_title = ", g);
	pd_gp_str(g, title);
	fputs("\ndatafile = ", g);
	pd_gp_str(g, dat);
	fprintf(g, "\nnp = %d\nnv = %d\nncl = %d\nmaxlabel = %d\nlogy = %d\n", places->n,
		variants->n, ncl, maxlabel, use_log(lo, hi));
	fputs("ylabel = 'time per operation (ns/op)'\n", g);
	gp_array_str(g, "pname", places->s, places->n);
	gp_array_str(g, "vname", variants->s, variants->n);
	pd_close(g, x->out, gp);
	fig_entry(x, "bars", base, title);
	for (int k = 0; k < ncl; k++)
		free(cl[k].label);
	free(cl);
	free(title);
	free(base);
	free(dat);
	free(gp);
}

/* Hardware counters first, in this order; then the family's own, as found. */
static const char *const hw_counters[] = { "cycles/op", "instructions/op", "cache-misses/op",
					   "branch-misses/op" };

static bool is_pu_arg(const char *name)
{
	return !strcmp(name, "pu_a") || !strcmp(name, "pu_b");
}

static void counters(struct ctx *x, const char *fam, const struct pd_cell **cs, int n,
		     const struct strset *variants, const struct strset *places)
{
	struct strset names = { 0 }, found = { 0 }, skipped = { 0 };
	struct cluster *cl;
	int ncl = 0, maxlabel = 0, nthr_distinct = 0;
	char *base, *title, *dat, *gp;
	int *logy;
	FILE *f, *g;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < cs[i]->ncnt; j++)
			if (!is_pu_arg(cs[i]->cnt[j].name))
				ss_add(&found, cs[i]->cnt[j].name);
	if (!found.n)
		return;
	for (size_t h = 0; h < sizeof(hw_counters) / sizeof(hw_counters[0]); h++)
		if (ss_find(&found, hw_counters[h]) >= 0)
			ss_add(&names, hw_counters[h]);
	for (int i = 0; i < found.n; i++) {
		if (ss_find(&names, found.s[i]) >= 0)
			continue;
		if (names.n < x->max_counter_panels)
			ss_add(&names, found.s[i]);
		else
			ss_add(&skipped, found.s[i]);
	}

	for (int i = 1; i < n; i++)
		nthr_distinct |= cs[i]->threads != cs[0]->threads;
	cl = pd_xmalloc(sizeof(*cl) * (size_t)n);
	for (int i = 0; i < n; i++) {
		bool seen = false;

		if (!cs[i]->ncnt)
			continue;
		for (int j = 0; j < ncl && !seen; j++)
			seen = !strcmp(cl[j].config, cs[i]->config) &&
			       cl[j].threads == cs[i]->threads &&
			       !strcmp(cl[j].placement, cs[i]->placement);
		if (seen)
			continue;
		cl[ncl].config = cs[i]->config;
		cl[ncl].threads = cs[i]->threads;
		cl[ncl].placement = cs[i]->placement;
		cl[ncl].label = pd_xasprintf("%s%s%.0d%s%s", cs[i]->config,
					     nthr_distinct || cs[i]->threads > 1 ? " threads:" : "",
					     nthr_distinct || cs[i]->threads > 1 ? cs[i]->threads : 0,
					     places->n > 1 ? " " : "",
					     places->n > 1 ? cs[i]->placement : "");
		if ((int)strlen(cl[ncl].label) > maxlabel)
			maxlabel = (int)strlen(cl[ncl].label);
		ncl++;
	}

	title = pd_xasprintf("%s: counters per operation", fam);
	base = fig_base(x, "counters", fam);
	dat = pd_xasprintf("%s.dat", base);
	gp = pd_xasprintf("%s.gp", base);
	logy = pd_xmalloc(sizeof(int) * (size_t)names.n);
	f = pd_create(x->out, dat);
	fprintf(f, "# %s: one block per counter; per variant: median min max\n# cluster", title);
	for (int v = 0; v < variants->n; v++)
		fprintf(f, "\t%s\t(min)\t(max)", variants->s[v]);
	fputc('\n', f);
	for (int k = 0; k < names.n; k++) {
		double lo = NAN, hi = NAN;

		if (k)
			fputs("\n\n", f);
		fprintf(f, "# counter=%s\n", names.s[k]);
		for (int j = 0; j < ncl; j++)
			write_bar_row(f, cl[j].label, cs, n, variants, &cl[j], cl[j].placement,
				      names.s[k], &lo, &hi);
		logy[k] = use_log(lo, hi);
	}
	pd_close(f, x->out, dat);

	g = pd_create(x->out, gp);
	pd_gp_header(g, x->r->machine, x->r->commit);
	fputs("fig_title = ", g);
	pd_gp_str(g, title);
	fputs("\ndatafile = ", g);
	pd_gp_str(g, dat);
	fprintf(g, "\nnp = %d\nnv = %d\nncl = %d\nmaxlabel = %d\n", names.n, variants->n, ncl,
		maxlabel);
	gp_array_str(g, "pname", names.s, names.n);
	gp_array_int(g, "plogy", logy, names.n);
	gp_array_str(g, "vname", variants->s, variants->n);
	pd_close(g, x->out, gp);
	if (skipped.n) {
		char *t = pd_xasprintf("%s (%d more counters not drawn)", title, skipped.n);

		fig_entry(x, "counters", base, t);
		free(t);
	} else {
		fig_entry(x, "counters", base, title);
	}
	for (int j = 0; j < ncl; j++)
		free(cl[j].label);
	free(cl);
	free(logy);
	free(title);
	free(base);
	free(dat);
	free(gp);
	ss_free(&names);
	ss_free(&found);
	ss_free(&skipped);
}

/* ---- topology heatmap: calib/pingpong/matrix/<a>/<b> (or .../pu_a:I/pu_b:J) ---- */

static bool cell_pu(const struct pd_cell *c, const char *key, long *out)
{
	const char *s = pd_arg_get(c, key);
	const struct pd_counter *pc;
	char *end;

	if (s) {
		*out = strtol(s, &end, 10);
		return *s && !*end && *out >= 0;
	}
	pc = pd_counter_get(c, key);
	if (pc && pc->n) {
		*out = (long)pc->v[0];
		return *out >= 0;
	}
	/* calib/pingpong/matrix/<a>/<b>: exactly two unnamed args, a then b */
	if (c->nargs == 2 && !*c->args[0].key && !*c->args[1].key) {
		s = c->args[strcmp(key, "pu_a") ? 1 : 0].val;
		*out = strtol(s, &end, 10);
		return *s && !*end && *out >= 0;
	}
	return false;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static void heatmaps(struct ctx *x)
{
	const struct pd_result *r = x->r;
	struct strset scen = { 0 };

	for (int i = 0; i < r->ncells; i++) {
		const struct pd_cell *c = &r->cells[i];
		long a, b;

		if (!strcmp(c->family, "calib") && !strcmp(c->variant, "pingpong") &&
		    cell_pu(c, "pu_a", &a) && cell_pu(c, "pu_b", &b))
			ss_add(&scen, c->scenario);
	}
	for (int s = 0; s < scen.n; s++) {
		long *pu = pd_xmalloc(sizeof(long) * (size_t)(2 * r->ncells));
		int npu = 0, m;
		double *val, lo = NAN, hi = NAN;
		char *base, *title, *dat, *gp;
		FILE *f, *g;

		for (int i = 0; i < r->ncells; i++) {
			const struct pd_cell *c = &r->cells[i];
			long ab[2];

			if (strcmp(c->family, "calib") || strcmp(c->variant, "pingpong") ||
			    strcmp(c->scenario, scen.s[s]) || !cell_pu(c, "pu_a", &ab[0]) ||
			    !cell_pu(c, "pu_b", &ab[1]) || isnan(pd_cell_median(c)))
				continue;
			for (int k = 0; k < 2; k++) {
				bool seen = false;

				for (int j = 0; j < npu; j++)
					seen |= pu[j] == ab[k];
				if (!seen)
					pu[npu++] = ab[k];
			}
		}
		qsort(pu, (size_t)npu, sizeof(long), cmp_long);
		m = npu;
		val = pd_xmalloc(sizeof(double) * (size_t)(m * m + 1));
		for (int i = 0; i < m * m; i++)
			val[i] = NAN;
		for (int i = 0; i < r->ncells; i++) {
			const struct pd_cell *c = &r->cells[i];
			long a, b;
			int ia = -1, ib = -1;

			if (strcmp(c->family, "calib") || strcmp(c->variant, "pingpong") ||
			    strcmp(c->scenario, scen.s[s]) || !cell_pu(c, "pu_a", &a) ||
			    !cell_pu(c, "pu_b", &b) || isnan(pd_cell_median(c)))
				continue;
			for (int j = 0; j < m; j++) {
				if (pu[j] == a)
					ia = j;
				if (pu[j] == b)
					ib = j;
			}
			val[ia * m + ib] = pd_cell_median(c);
		}
		/* a pair measured one way only stands for both */
		for (int i = 0; i < m; i++)
			for (int j = 0; j < m; j++)
				if (isnan(val[i * m + j]) && !isnan(val[j * m + i]))
					val[i * m + j] = val[j * m + i];

		title = pd_xasprintf("calib/pingpong%s%s: core-to-core latency", *scen.s[s] ? "/" : "",
				     scen.s[s]);
		base = fig_base(x, "heatmap", *scen.s[s] ? scen.s[s] : "pingpong");
		dat = pd_xasprintf("%s.dat", base);
		gp = pd_xasprintf("%s.gp", base);
		f = pd_create(x->out, dat);
		fprintf(f, "# %s: pu_a\tpu_b\tmedian ns/op (NaN: not measured); "
			"x and y are PU positions 0..n-1, see the .gp for the PU numbers\n", title);
		for (int i = 0; i < m; i++) {
			for (int j = 0; j < m; j++) {
				fprintf(f, "%d\t%d\t", i, j);
				if (isnan(val[i * m + j]))
					fputs("NaN", f);
				else
					fprintf(f, "%.6g", val[i * m + j]);
				fputc('\n', f);
				minmax_update(&lo, &hi, val[i * m + j]);
			}
			fputc('\n', f);
		}
		pd_close(f, x->out, dat);

		g = pd_create(x->out, gp);
		pd_gp_header(g, r->machine, r->commit);
		fputs("fig_title = ", g);
		pd_gp_str(g, title);
		fputs("\ndatafile = ", g);
		pd_gp_str(g, dat);
		fprintf(g, "\nnpu = %d\narray pu[%d]\n", m, m > 0 ? m : 1);
		for (int i = 0; i < m; i++)
			fprintf(g, "pu[%d] = %ld\n", i + 1, pu[i]);
		fputs("zmin = ", g);
		pd_num(g, isnan(lo) ? 0 : lo);
		fputs("\nzmax = ", g);
		pd_num(g, isnan(hi) ? 1 : hi);
		fputc('\n', g);
		pd_close(g, x->out, gp);
		fig_entry(x, "heatmap", base, title);
		free(pu);
		free(val);
		free(title);
		free(base);
		free(dat);
		free(gp);
	}
	ss_free(&scen);
}

int pd_cmd_run(int argc, char **argv)
{
	enum pd_time t = PD_REAL;
	struct pd_result r;
	struct strset fams = { 0 };
	const struct pd_cell **cs;
	struct ctx x = { .max_counter_panels = 6 };
	int i;

	for (i = 0; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--time=real"))
			t = PD_REAL;
		else if (!strcmp(argv[i], "--time=cpu"))
			t = PD_CPU;
		else
			pd_die("run: unknown option '%s'", argv[i]);
	}
	if (argc - i != 2)
		pd_die("usage: refbench-plotdata run [--time=real|cpu] RESULT.json OUTDIR");
	pd_load(&r, argv[i], t);
	x.r = &r;
	x.out = argv[i + 1];
	pd_mkdir(x.out);
	write_tables(&x);
	x.figs = pd_create(x.out, "figures.tsv");
	fputs("# kind\tbasename\ttitle\n", x.figs);

	cs = pd_xmalloc(sizeof(*cs) * (size_t)r.ncells);
	for (int k = 0; k < r.ncells; k++)
		if (!is_heat_cell(&r.cells[k]))
			ss_add(&fams, r.cells[k].family);
	for (int fi = 0; fi < fams.n; fi++) {
		struct strset variants = { 0 }, places = { 0 };
		int n = family_cells(&r, fams.s[fi], cs);

		if (!n)
			continue;
		for (int k = 0; k < n; k++) {
			ss_add(&variants, cs[k]->variant);
			ss_add(&places, cs[k]->placement);
		}
		scaling(&x, fams.s[fi], cs, n, &variants, &places);
		bars(&x, fams.s[fi], cs, n, &variants, &places);
		counters(&x, fams.s[fi], cs, n, &variants, &places);
		ss_free(&variants);
		ss_free(&places);
	}
	heatmaps(&x);
	pd_close(x.figs, x.out, "figures.tsv");
	free(cs);
	ss_free(&fams);
	ss_free(&x.names);
	pd_free(&r);
	return 0;
}
