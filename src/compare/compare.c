// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-compare's analysis (see compare.h, docs/compare.md).
 *
 * Per benchmark, on the logarithms of the repetition values (so a shift is a
 * ratio and the interval is relative):
 *   change	exp(Hodges-Lehmann shift) - 1, the median of all pairwise ratios;
 *   interval	the exact (Moses) 1 - alpha interval of that shift;
 *   p		two-sided Mann-Whitney U, exact for small samples without ties,
 *		then adjusted for the number of benchmarks (Holm by default);
 *   verdict	regression:  p_adj < alpha, change >= +threshold, interval > 0;
 *		improvement: p_adj < alpha, change <= -threshold, interval < 0;
 *		no change:   the interval lies within (-threshold, +threshold);
 *		too noisy:   otherwise, with the repetitions per side it would
 *			     take to decide (the interval narrows as 1/sqrt(n)).
 * Instruction counts (refbench --instr-count) have no noise: both sides hold
 * one exact value, the change is their ratio and the threshold decides alone.
 */
#include "compare.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *rb_verdict_name(enum rb_verdict v)
{
	static const char *const names[] = { "no change", "REGRESSION", "improvement", "too noisy" };

	return names[v];
}

static int failf(char err[GB_ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, GB_ERR_LEN, fmt, ap);
	va_end(ap);
	for (char *c = err; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return 2;
}

static void note(struct rb_cmp_result *r, const char *fmt, ...)
{
	char buf[512], **nn;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nn = realloc(r->notes, (r->nnotes + 1) * sizeof(*nn));
	if (!nn)
		return;
	r->notes = nn;
	r->notes[r->nnotes] = strdup(buf);
	if (r->notes[r->nnotes])
		r->nnotes++;
}

void rb_compare_free(struct rb_cmp_result *r)
{
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static int all_equal(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

/*
 * Smallest n per side for which an exact test can reach @alpha at all (and so
 * an exact 1 - alpha interval exists). Called with the per-benchmark level
 * the correction demands of the most significant row (alpha / m for Holm),
 * so that "needs ~N reps" is not a promise the correction breaks.
 */
static long min_reps(double alpha)
{
	for (size_t n = 2; n <= RB_MWU_EXACT_MAX; n++)
		if (rb_mwu_critical(n, n, alpha) >= 0)
			return (long)n;
	return -1;
}

static int analyse(struct rb_cmp_row *row, const struct gb_bench *ba, const struct gb_bench *bb,
		   double alpha)
{
	double *la, *lb, shift, lo, hi;
	struct rb_mwu u;

	row->na = ba->n;
	row->nb = bb->n;
	row->med_a = rb_median(ba->v, ba->n);
	row->med_b = rb_median(bb->v, bb->n);
	row->p = row->p_adj = NAN;
	row->reps_needed = -1;
	if (all_equal(ba->v, ba->n) && all_equal(bb->v, bb->n) && row->deterministic) {
		row->change = row->lo = row->hi = bb->v[0] / ba->v[0] - 1;
		return 0;
	}
	row->deterministic = 0;
	la = malloc(ba->n * sizeof(*la));
	lb = malloc(bb->n * sizeof(*lb));
	if (!la || !lb) {
		free(la);
		free(lb);
		return -1;
	}
	for (size_t i = 0; i < ba->n; i++)
		la[i] = log(ba->v[i]);
	for (size_t i = 0; i < bb->n; i++)
		lb[i] = log(bb->v[i]);
	u = rb_mann_whitney(la, ba->n, lb, bb->n);
	if (rb_hodges_lehmann(la, ba->n, lb, bb->n, alpha, &shift, &lo, &hi)) {
		free(la);
		free(lb);
		return -1;
	}
	free(la);
	free(lb);
	row->p = u.p;
	row->exact_p = u.exact;
	row->change = expm1(shift);
	row->lo = expm1(lo);
	row->hi = expm1(hi);
	return 0;
}

static void decide(struct rb_cmp_row *row, double t, double alpha, double alpha_needs)
{
	double tau = log1p(t), e, lo, hi, hw, want;
	size_t n;

	if (row->deterministic) {
		row->verdict = row->change >= t ? RB_REGRESSION :
			       row->change <= -t ? RB_IMPROVEMENT : RB_NO_CHANGE;
		return;
	}
	e = log1p(row->change);
	lo = log1p(row->lo);
	hi = log1p(row->hi);
	if (row->p_adj < alpha && e >= tau && lo > 0) {
		row->verdict = RB_REGRESSION;
	} else if (row->p_adj < alpha && e <= -tau && hi < 0) {
		row->verdict = RB_IMPROVEMENT;
	} else if (lo > -tau && hi < tau) {
		row->verdict = RB_NO_CHANGE;
	} else {
		row->verdict = RB_TOO_NOISY;
		n = row->na < row->nb ? row->na : row->nb;
		if (!isfinite(lo) || !isfinite(hi)) {
			row->reps_needed = min_reps(alpha_needs);
			return;
		}
		/* Half-width it needs: inside (-t, t) around the estimate, or off zero. */
		hw = (hi - lo) / 2;
		want = fabs(e) < tau ? tau - fabs(e) : fabs(e);
		if (want <= 0 || hw <= 0) {
			row->reps_needed = -1;
			return;
		}
		double need = ceil((double)n * (hw / want) * (hw / want));

		if (row->p_adj != row->p && need <= (double)n)
			need = (double)n * 2;	/* it is the correction that holds it back */
		row->reps_needed = need > 1e6 ? 1000000 : (long)need;
	}
}

int rb_compare(const struct gb_file *a, const struct gb_file *b, const struct rb_cmp_opts *o,
	       struct rb_cmp_result *r, char err[GB_ERR_LEN])
{
	size_t only_a = 0, only_b = 0, errs = 0, k = 0;
	const char *first_a = NULL, *first_b = NULL;
	regex_t re;
	double *p;
	int use_re = 0;

	memset(r, 0, sizeof(*r));
	r->a = a;
	r->b = b;
	r->opts = *o;
	if (strcmp(a->measure, b->measure))
		return failf(err, "%s measures %s, %s measures %s: they cannot be compared", a->path,
			     a->measure, b->path, b->measure);
	r->instructions = !strcmp(a->measure, "instructions");
	r->threshold = o->threshold >= 0 ? o->threshold :
		       r->instructions ? RB_DEFAULT_THRESHOLD_INSTR : RB_DEFAULT_THRESHOLD_TIME;
	if (strcmp(a->machine_key, b->machine_key)) {
		if (!o->ignore_machine)
			return failf(err, "machine keys differ: %s has '%s', %s has '%s'%s "
				     "(results from different machines do not compare; "
				     "--ignore-machine to compare anyway)", a->path, a->machine_key,
				     b->path, b->machine_key,
				     (!a->machine_key_present || !b->machine_key_present) ?
				     " ('unknown': no machine_key in the context)" : "");
		note(r, "machine keys differ ('%s' vs '%s'), compared anyway (--ignore-machine)",
		     a->machine_key, b->machine_key);
	} else if (!a->machine_key_present) {
		note(r, "neither file has a machine_key in its context: both treated as 'unknown'");
	}
	if (o->filter) {
		int rc = regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char msg[128];

			regerror(rc, &re, msg, sizeof(msg));
			return failf(err, "--filter '%s': %s", o->filter, msg);
		}
		use_re = 1;
	}
#define SELECTED(name) (!use_re || regexec(&re, (name), 0, NULL, 0) == 0)
	for (size_t i = 0; i < a->nb; i++)
		if (SELECTED(a->b[i].name) && !gb_find(b, a->b[i].name) && !only_a++)
			first_a = a->b[i].name;
	for (size_t i = 0; i < b->nb; i++)
		if (SELECTED(b->b[i].name) && !gb_find(a, b->b[i].name) && !only_b++)
			first_b = b->b[i].name;
	if ((only_a || only_b) && !o->allow_missing) {
		if (use_re)
			regfree(&re);
		return failf(err, "the benchmark sets differ: %zu only in %s%s%s%s, %zu only in %s%s%s%s "
			     "(--allow-missing compares the common ones)",
			     only_a, a->path, first_a ? " (first: " : "", first_a ? first_a : "",
			     first_a ? ")" : "", only_b, b->path, first_b ? " (first: " : "",
			     first_b ? first_b : "", first_b ? ")" : "");
	}
	if (only_a)
		note(r, "%zu benchmark(s) only in %s, not compared (first: %s)", only_a, a->path, first_a);
	if (only_b)
		note(r, "%zu benchmark(s) only in %s, not compared (first: %s)", only_b, b->path, first_b);

	r->rows = calloc(a->nb ? a->nb : 1, sizeof(*r->rows));
	if (!r->rows) {
		if (use_re)
			regfree(&re);
		return failf(err, "out of memory");
	}
	for (size_t i = 0; i < a->nb; i++) {
		const struct gb_bench *ba = &a->b[i], *bb = gb_find(b, ba->name);
		struct rb_cmp_row *row = &r->rows[k];

		if (!bb || !SELECTED(ba->name))
			continue;
		if (ba->errors || bb->errors || !ba->n || !bb->n) {
			const struct gb_bench *e = ba->errors ? ba : bb;

			note(r, "%s: skipped, %s has an error row: %s", ba->name,
			     e == ba ? a->path : b->path, e->error ? e->error : "(no repetitions)");
			errs++;
			continue;
		}
		row->name = ba->name;
		row->deterministic = r->instructions;
		if (analyse(row, ba, bb, o->alpha)) {
			if (use_re)
				regfree(&re);
			return failf(err, "out of memory");
		}
		if (r->instructions && !row->deterministic)
			note(r, "%s: instruction counts vary between repetitions; compared statistically",
			     row->name);
		k++;
	}
#undef SELECTED
	if (use_re)
		regfree(&re);
	r->nrows = k;
	if (errs && !o->allow_missing)
		return failf(err, "%zu benchmark(s) have error rows (first: %s) "
			     "(--allow-missing compares the others)", errs, r->notes[r->nnotes - 1]);
	if (!k)
		return failf(err, "no benchmark to compare%s", o->filter ? " (check --filter)" : "");

	p = malloc(k * sizeof(*p));
	if (!p)
		return failf(err, "out of memory");
	for (size_t i = 0; i < k; i++)
		p[i] = r->rows[i].p;
	rb_adjust_pvalues(p, p, k, o->correction);
	for (size_t i = 0; i < k; i++) {
		r->rows[i].p_adj = p[i];
		/* Holm tests its smallest p at alpha / k; BH's largest at alpha. */
		decide(&r->rows[i], r->threshold, o->alpha,
		       o->correction == RB_CORR_HOLM ? o->alpha / (double)k : o->alpha);
		r->counts[r->rows[i].verdict]++;
	}
	free(p);
	if (a->injected)
		note(r, "%s was run with an injected slowdown (%s)", a->path, a->injected);
	if (b->injected)
		note(r, "%s was run with an injected slowdown (%s)", b->path, b->injected);
	if (a->git_dirty && !strcmp(a->git_dirty, "true"))
		note(r, "%s was built from a dirty tree", a->path);
	if (b->git_dirty && !strcmp(b->git_dirty, "true"))
		note(r, "%s was built from a dirty tree", b->path);
	if (a->build_type && b->build_type && strcmp(a->build_type, b->build_type))
		note(r, "build types differ: %s vs %s", a->build_type, b->build_type);
	r->exit_code = r->counts[RB_REGRESSION] ? 1 :
		       (o->fail_on_noisy && r->counts[RB_TOO_NOISY]) ? 1 : 0;
	return 0;
}

/* ---- output ---- */

static void fmt_value(char *buf, size_t len, double v, int instructions)
{
	if (instructions)
		snprintf(buf, len, "%.4g ins", v);
	else if (v < 1e3)
		snprintf(buf, len, "%.3f ns", v);
	else if (v < 1e6)
		snprintf(buf, len, "%.3f us", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, len, "%.3f ms", v / 1e6);
	else
		snprintf(buf, len, "%.3f s", v / 1e9);
}

static void fmt_pct(char *buf, size_t len, double x)
{
	if (isinf(x))
		snprintf(buf, len, "%s", x > 0 ? "+inf" : "-inf");
	else
		snprintf(buf, len, "%+.2f%%", 100 * x);
}

static void fmt_p(char *buf, size_t len, const struct rb_cmp_row *row)
{
	if (row->deterministic)
		snprintf(buf, len, "exact");
	else if (row->p_adj < 1e-4)
		snprintf(buf, len, "<1e-4");
	else
		snprintf(buf, len, "%.4f", row->p_adj);
}

static void fmt_verdict(char *buf, size_t len, const struct rb_cmp_row *row)
{
	if (row->verdict == RB_TOO_NOISY && row->reps_needed > 0)
		snprintf(buf, len, "too noisy (needs ~%ld reps)", row->reps_needed);
	else
		snprintf(buf, len, "%s", rb_verdict_name(row->verdict));
}

static const char *corr_name(enum rb_correction c)
{
	return c == RB_CORR_HOLM ? "Holm" : c == RB_CORR_BH ? "Benjamini-Hochberg" : "none";
}

static void describe(const struct gb_file *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s (commit %.12s%s, %s)", f->path, f->git_commit ? f->git_commit : "?",
		 f->git_dirty && !strcmp(f->git_dirty, "true") ? "-dirty" : "",
		 f->build_type ? f->build_type : "build type ?");
}

static void print_header_lines(const struct rb_cmp_result *r, FILE *out, const char *pre)
{
	char da[600], db[600];

	describe(r->a, da, sizeof(da));
	describe(r->b, db, sizeof(db));
	fprintf(out, "%sbaseline:  %s\n", pre, da);
	fprintf(out, "%scontender: %s\n", pre, db);
	if (r->instructions)
		fprintf(out, "%smeasure: instructions per iteration (callgrind, exact); threshold "
			"+-%.2f%%; machine %s\n", pre, 100 * r->threshold, r->a->machine_key);
	else
		fprintf(out, "%smetric: %s; threshold +-%.2f%%; alpha %.3g, %s-adjusted over %zu; "
			"%.0f%% interval: exact (Moses); machine %s\n", pre,
			r->opts.metric == GB_CPU_TIME ? "cpu_time" : "real_time", 100 * r->threshold,
			r->opts.alpha, corr_name(r->opts.correction), r->nrows,
			100 * (1 - r->opts.alpha), r->a->machine_key);
}

static void print_text(const struct rb_cmp_result *r, FILE *out)
{
	int w = 9;
	char va[32], vb[32], ch[24], lo[24], hi[24], pv[16], vd[64], ci[56], n[32];

	for (size_t i = 0; i < r->nrows; i++)
		if ((int)strlen(r->rows[i].name) > w)
			w = (int)strlen(r->rows[i].name);
	if (w > 70)
		w = 70;
	print_header_lines(r, out, "");
	fprintf(out, "\n%-*s %12s %12s %9s %20s %8s %9s  %s\n", w, "Benchmark", "Baseline",
		"Contender", "Change", "Interval", "p(adj)", "n", "Verdict");
	for (int i = 0; i < w + 90; i++)
		fputc('-', out);
	fputc('\n', out);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rb_cmp_row *row = &r->rows[i];

		fmt_value(va, sizeof(va), row->med_a, r->instructions);
		fmt_value(vb, sizeof(vb), row->med_b, r->instructions);
		fmt_pct(ch, sizeof(ch), row->change);
		fmt_pct(lo, sizeof(lo), row->lo);
		fmt_pct(hi, sizeof(hi), row->hi);
		snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
		fmt_p(pv, sizeof(pv), row);
		fmt_verdict(vd, sizeof(vd), row);
		snprintf(n, sizeof(n), "%zu/%zu", row->na, row->nb);
		fprintf(out, "%-*.*s %12s %12s %9s %20s %8s %9s  %s\n", w, w, row->name, va, vb, ch,
			row->deterministic ? "(exact)" : ci, pv, n, vd);
	}
	fprintf(out, "\n%zu compared: %zu regression(s), %zu improvement(s), %zu no change, "
		"%zu too noisy\n", r->nrows, r->counts[RB_REGRESSION], r->counts[RB_IMPROVEMENT],
		r->counts[RB_NO_CHANGE], r->counts[RB_TOO_NOISY]);
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(out, "note: %s\n", r->notes[i]);
}

static void md_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '>')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void print_markdown(const struct rb_cmp_result *r, FILE *out)
{
	char va[32], vb[32], ch[24], lo[24], hi[24], pv[16], vd[64];

	fprintf(out, "### refbench-compare: %s\n\n", r->counts[RB_REGRESSION] ?
		"regression" : "no regression");
	print_header_lines(r, out, "- ");
	fprintf(out, "\n| Benchmark | Baseline | Contender | Change | Interval | p (adj) | n | Verdict |\n"
		"|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rb_cmp_row *row = &r->rows[i];

		fmt_value(va, sizeof(va), row->med_a, r->instructions);
		fmt_value(vb, sizeof(vb), row->med_b, r->instructions);
		fmt_pct(ch, sizeof(ch), row->change);
		fmt_pct(lo, sizeof(lo), row->lo);
		fmt_pct(hi, sizeof(hi), row->hi);
		fmt_p(pv, sizeof(pv), row);
		fmt_verdict(vd, sizeof(vd), row);
		fputs("| ", out);
		md_escape(out, row->name);
		if (row->deterministic)
			fprintf(out, " | %s | %s | %s | exact | %s | %zu/%zu | %s%s%s |\n", va, vb, ch, pv,
				row->na, row->nb, row->verdict == RB_REGRESSION ? "**" : "", vd,
				row->verdict == RB_REGRESSION ? "**" : "");
		else
			fprintf(out, " | %s | %s | %s | [%s, %s] | %s | %zu/%zu | %s%s%s |\n", va, vb, ch,
				lo, hi, pv, row->na, row->nb,
				row->verdict == RB_REGRESSION ? "**" : "", vd,
				row->verdict == RB_REGRESSION ? "**" : "");
	}
	fprintf(out, "\n%zu compared: %zu regression(s), %zu improvement(s), %zu no change, "
		"%zu too noisy\n", r->nrows, r->counts[RB_REGRESSION], r->counts[RB_IMPROVEMENT],
		r->counts[RB_NO_CHANGE], r->counts[RB_TOO_NOISY]);
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs("\n> note: ", out);
		md_escape(out, r->notes[i]);
		fputc('\n', out);
	}
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void print_json(const struct rb_cmp_result *r, FILE *out)
{
	json_t *root = json_object(), *rows = json_array(), *notes = json_array(), *sum;

	json_object_set_new(root, "baseline", json_string(r->a->path));
	json_object_set_new(root, "contender", json_string(r->b->path));
	json_object_set_new(root, "machine_key", json_string(r->a->machine_key));
	json_object_set_new(root, "measure", json_string(r->a->measure));
	json_object_set_new(root, "metric", json_string(r->instructions ? "instructions_per_iteration" :
				r->opts.metric == GB_CPU_TIME ? "cpu_time" : "real_time"));
	json_object_set_new(root, "unit", json_string(r->instructions ? "instructions" : "ns"));
	json_object_set_new(root, "threshold", json_real(r->threshold));
	json_object_set_new(root, "alpha", json_real(r->opts.alpha));
	json_object_set_new(root, "correction", json_string(corr_name(r->opts.correction)));
	json_object_set_new(root, "interval", json_string("exact Moses interval of the "
				"Hodges-Lehmann shift of log values"));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rb_cmp_row *row = &r->rows[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(row->name));
		json_object_set_new(o, "baseline_median", num_or_null(row->med_a));
		json_object_set_new(o, "contender_median", num_or_null(row->med_b));
		json_object_set_new(o, "change", num_or_null(row->change));
		json_object_set_new(o, "interval_low", num_or_null(row->lo));
		json_object_set_new(o, "interval_high", num_or_null(row->hi));
		json_object_set_new(o, "p", num_or_null(row->p));
		json_object_set_new(o, "p_adjusted", num_or_null(row->p_adj));
		json_object_set_new(o, "p_exact", json_boolean(row->exact_p));
		json_object_set_new(o, "deterministic", json_boolean(row->deterministic));
		json_object_set_new(o, "n_baseline", json_integer((json_int_t)row->na));
		json_object_set_new(o, "n_contender", json_integer((json_int_t)row->nb));
		json_object_set_new(o, "verdict", json_string(row->verdict == RB_REGRESSION ?
					"regression" : rb_verdict_name(row->verdict)));
		json_object_set_new(o, "repetitions_needed", row->reps_needed > 0 ?
				    json_integer(row->reps_needed) : json_null());
		json_array_append_new(rows, o);
	}
	json_object_set_new(root, "benchmarks", rows);
	for (size_t i = 0; i < r->nnotes; i++)
		json_array_append_new(notes, json_string(r->notes[i]));
	json_object_set_new(root, "notes", notes);
	sum = json_object();
	json_object_set_new(sum, "compared", json_integer((json_int_t)r->nrows));
	json_object_set_new(sum, "regressions", json_integer((json_int_t)r->counts[RB_REGRESSION]));
	json_object_set_new(sum, "improvements", json_integer((json_int_t)r->counts[RB_IMPROVEMENT]));
	json_object_set_new(sum, "no_change", json_integer((json_int_t)r->counts[RB_NO_CHANGE]));
	json_object_set_new(sum, "too_noisy", json_integer((json_int_t)r->counts[RB_TOO_NOISY]));
	json_object_set_new(root, "summary", sum);
	json_object_set_new(root, "exit_code", json_integer(r->exit_code));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

void rb_compare_print(const struct rb_cmp_result *r, FILE *out)
{
	if (r->opts.format == RB_FMT_JSON)
		print_json(r, out);
	else if (r->opts.format == RB_FMT_MARKDOWN)
		print_markdown(r, out);
	else
		print_text(r, out);
}
