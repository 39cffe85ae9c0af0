// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata history [options] OUTDIR RESULT.json...: a benchmark's
 * time per op over commits, from stored result files, with change points.
 *
 * The points are the files, ordered by their context's date (ISO 8601, as
 * Google Benchmark writes it), or as given with --order=given (for files
 * already sorted, e.g. by git rev-list). Each point is the median over the
 * file's repetitions, with min and max.
 *
 * The change-point rule (docs/plots.md): the reference of point i is the
 * median of the medians of up to W (--window, 5) points before it since the
 * last change point. Point i is a change point when its median differs from
 * the reference by at least T (--threshold, 0.05 = 5%) and the next point
 * differs from the same reference by at least T in the same direction, so
 * one outlier is never a change. The newest point cannot be confirmed: when
 * it passes the threshold it is marked 2, "unconfirmed". A change point
 * starts a new segment.
 *
 * Writes history-<benchmark>.dat/.gp, changes.tsv, meta.gp, figures.tsv.
 */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"

struct point {
	const struct pd_result *r;
	const struct pd_cell *c;
};

static int cmp_date(const void *a, const void *b)
{
	const struct pd_result *x = *(const struct pd_result *const *)a;
	const struct pd_result *y = *(const struct pd_result *const *)b;
	int d = strcmp(x->date, y->date);

	/* stable: qsort is not, so fall back to the argument order */
	return d ? d : (x < y ? -1 : x > y);
}

static double parse_double(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= lo && v <= hi))
		pd_die("history: %s wants a number in [%g, %g], not '%s'", opt, lo, hi, s);
	return v;
}

/* Marks change points in m[0..n-1] (see the header comment). */
void pd_change_points(const double *m, int n, double thr, int window, int *flag, double *rel)
{
	int seg = 0;

	for (int i = 0; i < n; i++) {
		int from = i - window > seg ? i - window : seg;
		double ref, d;

		flag[i] = 0;
		rel[i] = NAN;
		if (i == 0 || i == seg)
			continue;
		ref = pd_median(m + from, i - from);
		d = m[i] / ref - 1;
		rel[i] = d;
		if (fabs(d) < thr)
			continue;
		if (i + 1 < n) {
			double d2 = m[i + 1] / ref - 1;

			if (fabs(d2) < thr || (d2 > 0) != (d > 0))
				continue;
			flag[i] = 1;
		} else {
			flag[i] = 2;
		}
		seg = i;
	}
}

int pd_cmd_history(int argc, char **argv)
{
	double thr = 0.05;
	int window = 5, max = 24, given = 0, i, nfiles, nbench = 0, drawn = 0;
	enum pd_time t = PD_REAL;
	const char *filter = NULL, *out;
	struct pd_result *res, **ord;
	regex_t re;
	char **keys = NULL, **used = NULL;
	int nused = 0;
	FILE *figs, *chg, *meta;

	for (i = 0; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *a = argv[i];

		if (!strncmp(a, "--filter=", 9))
			filter = a + 9;
		else if (!strncmp(a, "--threshold=", 12))
			thr = parse_double("--threshold", a + 12, 0.0001, 10);
		else if (!strncmp(a, "--window=", 9))
			window = (int)parse_double("--window", a + 9, 1, 1000);
		else if (!strncmp(a, "--max=", 6))
			max = (int)parse_double("--max", a + 6, 1, 10000);
		else if (!strcmp(a, "--order=given"))
			given = 1;
		else if (!strcmp(a, "--order=date"))
			given = 0;
		else if (!strcmp(a, "--time=cpu"))
			t = PD_CPU;
		else if (!strcmp(a, "--time=real"))
			t = PD_REAL;
		else
			pd_die("history: unknown option '%s'", a);
	}
	if (argc - i < 3)
		pd_die("usage: refbench-plotdata history [--filter=REGEX] [--threshold=0.05] "
		       "[--window=5] [--max=24] [--order=date|given] [--time=real|cpu] "
		       "OUTDIR RESULT.json RESULT.json...");
	out = argv[i++];
	nfiles = argc - i;
	if (filter && regcomp(&re, filter, REG_EXTENDED | REG_NOSUB))
		pd_die("history: bad --filter regular expression '%s'", filter);
	res = pd_xmalloc(sizeof(*res) * (size_t)nfiles);
	ord = pd_xmalloc(sizeof(*ord) * (size_t)nfiles);
	for (int k = 0; k < nfiles; k++) {
		pd_load(&res[k], argv[i + k], t);
		ord[k] = &res[k];
	}
	if (!given)
		qsort(ord, (size_t)nfiles, sizeof(*ord), cmp_date);

	/* benchmarks: run_name and placement, in first-appearance order */
	for (int k = 0; k < nfiles; k++) {
		for (int c = 0; c < ord[k]->ncells; c++) {
			const struct pd_cell *cell = &ord[k]->cells[c];
			char *key = pd_xasprintf("%s\t%s", cell->run_name, cell->placement);
			bool seen = false;

			for (int j = 0; j < nbench && !seen; j++)
				seen = !strcmp(keys[j], key);
			if (seen || (filter && regexec(&re, cell->run_name, 0, NULL, 0))) {
				free(key);
				continue;
			}
			keys = pd_xrealloc(keys, sizeof(*keys) * (size_t)(nbench + 1));
			keys[nbench++] = key;
		}
	}

	pd_mkdir(out);
	meta = pd_create(out, "meta.gp");
	pd_gp_header(meta, ord[nfiles - 1]->machine, ord[nfiles - 1]->commit);
	pd_close(meta, out, "meta.gp");
	figs = pd_create(out, "figures.tsv");
	fputs("# kind\tbasename\ttitle\n", figs);
	chg = pd_create(out, "changes.tsv");
	fputs("# benchmark\tplacement\tcommit\tdate\treference_ns\tmedian_ns\tchange_pct\tstatus\n",
	      chg);

	for (int b = 0; b < nbench && drawn < max; b++) {
		char *tab = strchr(keys[b], '\t'), *run_name, *place, *title, *base, *slug, *dat, *gp;
		struct point *pt = pd_xmalloc(sizeof(*pt) * (size_t)nfiles);
		double *m = pd_xmalloc(sizeof(double) * (size_t)nfiles);
		double *rel = pd_xmalloc(sizeof(double) * (size_t)nfiles);
		int *flag = pd_xmalloc(sizeof(int) * (size_t)nfiles), np = 0, nchg = 0;
		double lo = NAN, hi = NAN;
		FILE *f, *g;

		run_name = strndup(keys[b], (size_t)(tab - keys[b]));
		place = tab + 1;
		for (int k = 0; k < nfiles; k++) {
			for (int c = 0; c < ord[k]->ncells; c++) {
				const struct pd_cell *cell = &ord[k]->cells[c];

				if (!strcmp(cell->run_name, run_name) && !strcmp(cell->placement, place) &&
				    !isnan(pd_cell_median(cell))) {
					pt[np].r = ord[k];
					pt[np].c = cell;
					m[np++] = pd_cell_median(cell);
					break;
				}
			}
		}
		if (np < 2)
			goto next;
		pd_change_points(m, np, thr, window, flag, rel);

		title = strcmp(place, "default") ? pd_xasprintf("%s [%s]", run_name, place)
						 : pd_xstrdup(run_name);
		slug = pd_slug(title);
		base = pd_xasprintf("history-%s", slug);
		for (int k = 0; k < nused; k++) {
			if (!strcmp(used[k], base)) {
				free(base);
				base = pd_xasprintf("history-%s-%d", slug, b + 1);
				break;
			}
		}
		used = pd_xrealloc(used, sizeof(*used) * (size_t)(nused + 1));
		used[nused++] = pd_xstrdup(base);
		dat = pd_xasprintf("%s.dat", base);
		gp = pd_xasprintf("%s.gp", base);
		f = pd_create(out, dat);
		fprintf(f, "# %s: idx\tcommit\tdate\tmedian_ns\tmin_ns\tmax_ns\tn\tchange\t"
			"rel_to_reference_pct\n# change: 1 change point, 2 unconfirmed (newest "
			"point), 0 none; threshold %g, window %d\n", title, thr, window);
		for (int k = 0; k < np; k++) {
			const struct pd_cell *c = pt[k].c;
			double mn = c->n ? pd_min(c->ns, c->n) : m[k];
			double mx = c->n ? pd_max(c->ns, c->n) : m[k];

			fprintf(f, "%d\t", k);
			pd_tsv_str(f, pt[k].r->commit);
			fputc('\t', f);
			pd_tsv_str(f, pt[k].r->date);
			fputc('\t', f);
			pd_num(f, m[k]);
			fputc('\t', f);
			pd_num(f, mn);
			fputc('\t', f);
			pd_num(f, mx);
			fprintf(f, "\t%d\t%d\t", c->n, flag[k]);
			pd_num(f, rel[k] * 100);
			fputc('\n', f);
			if (mn > 0 && (isnan(lo) || mn < lo))
				lo = mn;
			if (isnan(hi) || mx > hi)
				hi = mx;
			if (flag[k]) {
				nchg++;
				pd_tsv_str(chg, run_name);
				fputc('\t', chg);
				pd_tsv_str(chg, place);
				fputc('\t', chg);
				pd_tsv_str(chg, pt[k].r->commit);
				fputc('\t', chg);
				pd_tsv_str(chg, pt[k].r->date);
				fputc('\t', chg);
				pd_num(chg, m[k] / (1 + rel[k]));
				fputc('\t', chg);
				pd_num(chg, m[k]);
				fputc('\t', chg);
				pd_num(chg, rel[k] * 100);
				fprintf(chg, "\t%s\n", flag[k] == 1 ? "change" : "unconfirmed");
			}
		}
		pd_close(f, out, dat);

		g = pd_create(out, gp);
		pd_gp_header(g, pt[np - 1].r->machine, pt[np - 1].r->commit);
		fputs("first_commit = ", g);
		pd_gp_str(g, pt[0].r->commit);
		fputc('\n', g);
		fputs("fig_title = ", g);
		pd_gp_str(g, title);
		fputs("\ndatafile = ", g);
		pd_gp_str(g, dat);
		fprintf(g, "\nnpoints = %d\nnchanges = %d\nthreshold_pct = %g\nlogy = %d\n", np, nchg,
			thr * 100, !isnan(lo) && hi / lo > 30);
		pd_close(g, out, gp);
		fprintf(figs, "history\t%s\t", base);
		pd_tsv_str(figs, title);
		fprintf(figs, "%s\n", nchg ? " (change points marked)" : "");
		drawn++;
		free(title);
		free(slug);
		free(base);
		free(dat);
		free(gp);
next:
		free(run_name);
		free(pt);
		free(m);
		free(rel);
		free(flag);
	}
	pd_close(figs, out, "figures.tsv");
	pd_close(chg, out, "changes.tsv");
	if (!drawn)
		pd_die("history: no benchmark%s%s appears in two or more of the %d files",
		       filter ? " matching " : "", filter ? filter : "", nfiles);
	if (drawn == max && nbench > max)
		fprintf(stderr, "%s: history: drew the first %d benchmarks; narrow with --filter "
			"or raise --max\n", pd_prog, max);
	for (int b = 0; b < nbench; b++)
		free(keys[b]);
	free(keys);
	for (int k = 0; k < nused; k++)
		free(used[k]);
	free(used);
	if (filter)
		regfree(&re);
	for (int k = 0; k < nfiles; k++)
		pd_free(&res[k]);
	free(res);
	free(ord);
	return 0;
}
