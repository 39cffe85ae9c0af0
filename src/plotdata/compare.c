// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata compare COMPARE.json OUTDIR: the A/B figure's data from
 * refbench-compare's JSON (the fields are in docs/plots.md):
 *   compare.dat    idx, name, change %, CI low %, CI high %, verdict code, p
 *   compare.gp     title, machine, commits, the minimum effect
 *   verdicts.tsv   the verdict table of the report
 * and a "compare" line appended to figures.tsv.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"

static const char *const verdicts[] = { "regression", "improvement", "no change", "too noisy" };

/* "no_change", "No-Change" and "no change" are one verdict. Returns 1..4. */
static int verdict_code(const char *s)
{
	char buf[32];
	size_t i;

	for (i = 0; s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] == '_' || s[i] == '-' ? ' ' : (char)tolower((unsigned char)s[i]);
	buf[i] = 0;
	for (size_t k = 0; k < sizeof(verdicts) / sizeof(verdicts[0]); k++)
		if (!strcmp(buf, verdicts[k]))
			return (int)k + 1;
	return 0;
}

/* An optional finite number; NAN when absent or null. */
static double opt_num(const char *path, const char *name, json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);

	if (!v || json_is_null(v))
		return NAN;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		pd_die("%s: benchmark '%s': \"%s\" is not a number", path, name, key);
	return json_number_value(v);
}

/* The first of several accepted names that is present. */
static double opt_num2(const char *path, const char *name, json_t *b, const char *const *keys)
{
	for (; *keys; keys++)
		if (json_object_get(b, *keys) && !json_is_null(json_object_get(b, *keys)))
			return opt_num(path, name, b, *keys);
	return NAN;
}

/*
 * A side's machine and commit: from {"context": {...}} when the side is an
 * object; when it is the path of a result file (refbench-compare writes
 * that), from that file's context if it can be read (as given, or next to
 * the compare JSON); else the file's name stands for the commit.
 */
static void side(const char *cmp_path, json_t *root, const char *key, char *machine, size_t ml,
		 char *commit, size_t cl)
{
	json_t *s = json_object_get(root, key), *ctx = NULL, *file = NULL;
	const char *top_key = json_string_value(json_object_get(root, "machine_key"));

	if (json_is_object(s)) {
		ctx = json_object_get(s, "context");
	} else if (json_is_string(s)) {
		const char *p = json_string_value(s), *slash = strrchr(cmp_path, '/');
		char *alt = slash ? pd_xasprintf("%.*s/%s", (int)(slash - cmp_path), cmp_path, p)
				  : pd_xstrdup(p);

		file = json_load_file(p, 0, NULL);
		if (!file && p[0] != '/')
			file = json_load_file(alt, 0, NULL);
		free(alt);
		ctx = json_is_object(file) ? json_object_get(file, "context") : NULL;
	}
	pd_machine_commit(json_is_object(ctx) ? ctx : NULL, machine, ml, commit, cl);
	if (!json_is_object(ctx) && top_key && *top_key)
		snprintf(machine, ml, "%s", top_key);
	if (!json_is_object(ctx) && json_is_string(s)) {
		const char *b = strrchr(json_string_value(s), '/');

		snprintf(commit, cl, "%s", b ? b + 1 : json_string_value(s));
	}
	json_decref(file);
}

/* the figure's cells at most */
#define MAX_SHOWN 30

/* Where family @f first appears in order[0..n). */
static size_t first_family(char **fam, const size_t *order, size_t n, const char *f)
{
	for (size_t a = 0; a < n; a++)
		if (!strcmp(fam[order[a]], f))
			return a;
	return n;
}

int pd_cmd_compare(int argc, char **argv)
{
	int nfig_rows = 0;
	const char *path, *out;
	json_t *root, *benches, *b;
	char bm[256], bc[64], cm[256], cc[64];
	double min_effect, xlo = 0, xhi = 0;
	FILE *f, *g, *v, *figs;
	size_t i;
	int maxname = 0;
	const char *top_unit;
	/* issue 7's refbench-compare names first, then the names of docs/plots.md */
	static const char *const k_lo[] = { "interval_low", "ci_low", NULL };
	static const char *const k_hi[] = { "interval_high", "ci_high", NULL };
	static const char *const k_p[] = { "p_adjusted", "p_value", "p", NULL };
	static const char *const k_effect[] = { "threshold", "min_effect", NULL };

	if (argc != 2)
		pd_die("usage: refbench-plotdata compare COMPARE.json OUTDIR");
	path = argv[0];
	out = argv[1];
	root = pd_load_json(path);
	benches = json_is_object(root) ? json_object_get(root, "benchmarks") : NULL;
	if (!json_is_array(benches))
		pd_die("%s: not refbench-compare JSON (no \"benchmarks\" array)", path);
	if (!json_array_size(benches))
		pd_die("%s: no benchmarks compared", path);
	min_effect = opt_num2(path, "(top level)", root, k_effect);
	side(path, root, "baseline", bm, sizeof(bm), bc, sizeof(bc));
	side(path, root, "contender", cm, sizeof(cm), cc, sizeof(cc));
	top_unit = json_string_value(json_object_get(root, "unit"));

	/*
	 * The figure shows the cells whose verdict is not "no change" (all of
	 * them when every cell reads "no change"), at most MAX_SHOWN, those of
	 * the largest |change|; grouped by family, each family under its name.
	 */
	size_t nb = json_array_size(benches), nshown = 0;
	double *chg = pd_xmalloc(sizeof(double) * nb);
	int *codes = pd_xmalloc(sizeof(int) * nb), *ypos = pd_xmalloc(sizeof(int) * nb);
	char **fam = pd_xmalloc(sizeof(char *) * nb);
	size_t *order = pd_xmalloc(sizeof(size_t) * nb);

	pd_mkdir(out);
	f = pd_create(out, "compare.dat");
	v = pd_create(out, "verdicts.tsv");
	/* first pass: the verdicts and changes, to choose the cells shown */
	json_array_foreach(benches, i, b) {
		json_t *jn = json_object_get(b, "name"), *jv = json_object_get(b, "verdict");
		const char *nm = json_is_string(jn) ? json_string_value(jn) : "?";

		codes[i] = json_is_string(jv) ? verdict_code(json_string_value(jv)) : 0;
		chg[i] = json_is_object(b) ? opt_num(path, nm, b, "change") : NAN;
		fam[i] = strndup(nm, strcspn(nm, "/"));
		ypos[i] = -1;
	}
	{
		bool any = false;
		size_t k = 0;
		char *last = NULL;
		int y = 0;

		for (i = 0; i < nb; i++)
			any |= codes[i] != 3;
		for (i = 0; i < nb; i++)
			if ((!any || codes[i] != 3) && isfinite(chg[i]))
				order[k++] = i;
		/* the MAX_SHOWN largest |change| (selection by a simple sort) */
		for (size_t a = 0; a < k; a++)
			for (size_t c = a + 1; c < k; c++)
				if (fabs(chg[order[c]]) > fabs(chg[order[a]])) {
					size_t t = order[a];

					order[a] = order[c];
					order[c] = t;
				}
		nshown = k < MAX_SHOWN ? k : MAX_SHOWN;
		/* then by family (where it first appears), keeping the |change| order */
		{
			size_t *rank = pd_xmalloc(sizeof(size_t) * (nshown + 1));

			for (size_t a = 0; a < nshown; a++)
				rank[a] = first_family(fam, order, nshown, fam[order[a]]);
			for (size_t a = 1; a < nshown; a++)	/* stable insertion sort */
				for (size_t c = a; c > 0 && rank[c - 1] > rank[c]; c--) {
					size_t t = order[c], r = rank[c];

					order[c] = order[c - 1];
					rank[c] = rank[c - 1];
					order[c - 1] = t;
					rank[c - 1] = r;
				}
			free(rank);
		}
		for (size_t a = 0; a < nshown; a++) {
			if (!last || strcmp(last, fam[order[a]])) {
				if (last)
					y++;	/* a gap between families */
				last = fam[order[a]];
			}
			ypos[order[a]] = y++;
		}
		nfig_rows = y;
	}
	fputs("# idx\tname\tchange_pct\tci_low_pct\tci_high_pct\tverdict_code\tp_value\tfigure_y\tfamily\n"
	      "# verdict_code: 1 regression, 2 improvement, 3 no change, 4 too noisy\n"
	      "# figure_y: the row in the figure (? not shown: a \"no change\" cell, or past the largest changes)\n", f);
	fputs("# name\tbaseline_median\tcontender_median\tunit\tchange_pct\tci_low_pct\t"
	      "ci_high_pct\tp_value\tverdict\tnote\n", v);
	json_array_foreach(benches, i, b) {
		json_t *jn = json_object_get(b, "name"), *jv, *jneed;
		const char *name, *unit;
		double ch, lo, hi, p;
		int code;

		if (!json_is_object(b) || !json_is_string(jn))
			pd_die("%s: benchmark #%zu has no \"name\" string", path, i);
		name = json_string_value(jn);
		jv = json_object_get(b, "verdict");
		if (!json_is_string(jv))
			pd_die("%s: benchmark '%s' has no \"verdict\" string", path, name);
		code = verdict_code(json_string_value(jv));
		if (!code)
			pd_die("%s: benchmark '%s': unknown verdict '%s' (expected regression, "
			       "improvement, no change or too noisy)", path, name,
			       json_string_value(jv));
		ch = opt_num(path, name, b, "change");
		if (isnan(ch))
			pd_die("%s: benchmark '%s' has no numeric \"change\"", path, name);
		lo = opt_num2(path, name, b, k_lo);
		hi = opt_num2(path, name, b, k_hi);
		p = opt_num2(path, name, b, k_p);
		if (!isnan(lo) && !isnan(hi) && lo > hi)
			pd_die("%s: benchmark '%s': ci_low is above ci_high", path, name);
		if ((int)strlen(name) > maxname)
			maxname = (int)strlen(name);

		fprintf(f, "%zu\t", i);
		pd_tsv_str(f, name);
		fputc('\t', f);
		pd_num(f, ch * 100);
		fputc('\t', f);
		pd_num(f, lo * 100);
		fputc('\t', f);
		pd_num(f, hi * 100);
		fprintf(f, "\t%d\t", code);
		pd_num(f, p);
		if (ypos[i] >= 0)
			fprintf(f, "\t%d\t", ypos[i]);
		else
			fputs("\t?\t", f);
		pd_tsv_str(f, fam[i]);
		fputc('\n', f);
		for (int e = 0; e < 3; e++) {
			double x = (e == 0 ? ch : e == 1 ? lo : hi) * 100;

			if (!isnan(x)) {
				xlo = x < xlo ? x : xlo;
				xhi = x > xhi ? x : xhi;
			}
		}

		pd_tsv_str(v, name);
		fputc('\t', v);
		pd_num(v, opt_num(path, name, b, "baseline_median"));
		fputc('\t', v);
		pd_num(v, opt_num(path, name, b, "contender_median"));
		fputc('\t', v);
		unit = json_string_value(json_object_get(b, "unit"));
		pd_tsv_str(v, unit ? unit : top_unit ? top_unit : "ns");
		fputc('\t', v);
		pd_num(v, ch * 100);
		fputc('\t', v);
		pd_num(v, lo * 100);
		fputc('\t', v);
		pd_num(v, hi * 100);
		fputc('\t', v);
		pd_num(v, p);
		fprintf(v, "\t%s\t", verdicts[code - 1]);
		jneed = json_object_get(b, "repetitions_needed");
		if (code == 4 && json_is_integer(jneed))
			fprintf(v, "needs about %lld repetitions",
				(long long)json_integer_value(jneed));
		else
			fputc('-', v);
		fputc('\n', v);
	}
	pd_close(f, out, "compare.dat");
	/* the figure's rows alone, in figure order (gnuplot's ytic wants no gaps) */
	f = pd_create(out, "compare-figure.dat");
	fputs("# figure_y\tname\tchange_pct\tci_low_pct\tci_high_pct\tverdict_code\n", f);
	for (size_t a = 0; a < nshown; a++) {
		size_t k = order[a];
		json_t *bk = json_array_get(benches, k);

		fprintf(f, "%d\t", ypos[k]);
		pd_tsv_str(f, json_string_value(json_object_get(bk, "name")));
		fputc('\t', f);
		pd_num(f, chg[k] * 100);
		fputc('\t', f);
		pd_num(f, opt_num2(path, "?", bk, k_lo) * 100);
		fputc('\t', f);
		pd_num(f, opt_num2(path, "?", bk, k_hi) * 100);
		fprintf(f, "\t%d\n", codes[k]);
	}
	pd_close(f, out, "compare-figure.dat");
	pd_close(v, out, "verdicts.tsv");

	g = pd_create(out, "compare.gp");
	pd_gp_header(g, cm, cc);
	fputs("baseline_commit = ", g);
	pd_gp_str(g, bc);
	fputs("\nbaseline_machine = ", g);
	pd_gp_str(g, bm);
	fputs("\nfig_title = ", g);
	{
		char *t = pd_xasprintf("A/B: %s (baseline) vs %s", bc, cc);

		pd_gp_str(g, t);
		free(t);
	}
	fprintf(g, "\ndatafile = 'compare-figure.dat'\nnbench = %zu\nnshown = %zu\nnrows = %d\nmaxname = %d\n",
		json_array_size(benches), nshown, nfig_rows, maxname);
	/* the family headings: name and row */
	{
		int nf = 0;
		char *last = NULL;

		for (size_t a = 0; a < nshown; a++)
			if (!last || strcmp(last, fam[order[a]])) {
				last = fam[order[a]];
				fprintf(g, "famlabel_%d = ", ++nf);
				pd_gp_str(g, last);
				fprintf(g, "\nfamy_%d = %d\n", nf, ypos[order[a]]);
			}
		fprintf(g, "nfam = %d\n", nf);
	}
	fputs("min_effect_pct = ", g);
	pd_num(g, isnan(min_effect) ? 0 : min_effect * 100);
	fputs("\nxlo = ", g);
	pd_num(g, xlo);
	fputs("\nxhi = ", g);
	pd_num(g, xhi);
	fputc('\n', g);
	pd_close(g, out, "compare.gp");

	{
		char *fp = pd_xasprintf("%s/figures.tsv", out);

		figs = fopen(fp, "a");
		if (!figs)
			pd_die("cannot write %s", fp);
		free(fp);
	}
	fprintf(figs, "compare\tcompare\tA/B: %s (baseline) vs %s\n", bc, cc);
	pd_close(figs, out, "figures.tsv");
	for (i = 0; i < nb; i++)
		free(fam[i]);
	free(fam);
	free(chg);
	free(codes);
	free(ypos);
	free(order);
	json_decref(root);
	return 0;
}
