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
 * A side with RB_MIN_PROCESSES runs or more is compared over the runs'
 * medians instead (analyse_runs: Yuen's trimmed means by default, a rank
 * check, and a per-row equivalence margin for "no change").
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
	for (size_t i = 0; i < r->nrows; i++)
		free(r->rows[i].owned);
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

static double *logs_of(const double *v, size_t n, double shift)
{
	double *l = malloc((n ? n : 1) * sizeof(*l));

	if (l)
		for (size_t i = 0; i < n; i++)
			l[i] = log(v[i]) - shift;
	return l;
}

/*
 * Per run: the median of the log values @l[i] of run @run[i]; the medians
 * into @out (room for @n), their count returned.
 */
static size_t run_medians(const double *l, const unsigned *run, size_t n, double *out,
			  double *tmp)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t m = 0, j;

		for (j = 0; j < i; j++)
			if (run[j] == run[i])
				break;
		if (j < i)
			continue;	/* that run is done */
		for (j = i; j < n; j++)
			if (run[j] == run[i])
				tmp[m++] = l[j];
		out[k++] = rb_median(tmp, m);
	}
	return k;
}

/*
 * The resolution of a process-level comparison of @ka against @kb processes
 * whose medians spread as the baseline's @ma[0..ka) do: RB_MARGIN_WIDTHS x
 * the 1 - alpha half-width of Yuen's (or, for RB_PT_WELCH, Welch's) interval
 * if both sides had that spread, in log units. A side whose spread is that
 * large puts an A/A's interval inside +-resolution with probability about
 * 1 - alpha (the estimate is within one half-width of 0, and the interval one
 * half-width wide, each 1 - alpha/2 ... about 95%), and a change that large is
 * outside the interval with probability 1 - alpha/2: it is the smallest
 * margin this comparison can claim. NaN when the baseline has fewer than
 * RB_MIN_PROCESSES processes (its spread is not known from itself).
 */
static double process_resolution(const double *ma, size_t ka, size_t kb, double alpha,
				 enum rb_proc_test t)
{
	double gamma = t == RB_PT_WELCH ? 0 : RB_YUEN_TRIM;
	struct rb_welch w;

	if (ka < RB_MIN_PROCESSES || kb < 1)
		return NAN;
	/* The baseline against itself: its own spread on both sides. */
	if (rb_yuen(ma, ka, ma, ka, gamma, alpha, &w))
		return NAN;
	/* se for ka against kb: each side's d scales as 1 / h (h: the values it keeps) */
	{
		size_t ga = (size_t)floor(gamma * (double)ka + 1e-9);
		size_t gb = (size_t)floor(gamma * (double)kb + 1e-9);
		double ha = (double)(ka - 2 * ga), hb = (double)(kb - 2 * gb);
		double d = w.se * w.se / 2;	/* one side's, at ka */
		double db = kb > 1 ? d * ha * (ha - 1) / (double)(ka - 1) *
				     (double)(kb - 1) / (hb * (hb - 1)) : d * ha;
		double se = sqrt(d + db);
		double df = kb > 1 ? (d + db) * (d + db) /
				     (d * d / (ha - 1) + db * db / (hb - 1)) : ha - 1;

		return RB_MARGIN_WIDTHS * rb_t_quantile_two_sided(alpha, df) * se;
	}
}

/*
 * Process level (docs/compare.md): when a side has RB_MIN_PROCESSES runs or
 * more, the unit is the run, not the repetition. Repetitions of one process
 * share its memory placement, frequency and cache state, so they vary less
 * than processes do; pooled as independent samples they make intervals too
 * narrow (an A/A of 5 processes x 5 repetitions gave 5 false improvements in
 * 17 cells). Each run is summarised by the median of its log values, and the
 * two sides' run medians are compared with Yuen's test (default): the change
 * is the difference of their 20%-trimmed means, the interval and p Yuen's, so
 * that one process far off on a side (a neighbour, a page-cache state for a
 * whole process) moves neither the estimate nor the spread; --process-test=
 * welch (means) or hl (Hodges-Lehmann, Moses, Mann-Whitney: distribution-free,
 * but its p cannot pass Holm over many cells with 5 processes a side). A side
 * with one run takes the other side's spread. 1 on a row compared so, 0 when
 * the runs are too few (the caller compares repetitions), -1 out of memory.
 */
static int analyse_runs(struct rb_cmp_row *row, const double *la, const unsigned *ra, size_t na,
			const double *lb, const unsigned *rb, size_t nb,
			const struct rb_cmp_opts *o)
{
	size_t n = na > nb ? na : nb, ka, kb;
	double *ma = malloc((n + 1) * sizeof(double)), *mb = malloc((n + 1) * sizeof(double));
	double *tmp = malloc((n + 1) * sizeof(double));
	double alpha = o->alpha, shift, lo, hi, p;
	struct rb_welch w;
	int rc = 0;

	if (!ma || !mb || !tmp) {
		rc = -1;
		goto out;
	}
	ka = run_medians(la, ra, na, ma, tmp);
	kb = run_medians(lb, rb, nb, mb, tmp);
	if (ka < RB_MIN_PROCESSES && kb < RB_MIN_PROCESSES)
		goto out;
	row->p_rank = NAN;
	if (ka >= 2 && kb >= 2) {
		struct rb_mwu u = rb_mann_whitney(ma, ka, mb, kb);

		/* only where it can reach alpha at all: 2 / C(ka + kb, ka) < alpha */
		if (rb_mwu_cdf_exact(ka, kb, 0) * 2 < alpha || !isfinite(rb_mwu_cdf_exact(ka, kb, 0)))
			row->p_rank = u.p;
	}
	if (o->process_test == RB_PT_HL) {
		struct rb_mwu u;

		if (ka < 2 || kb < 2)
			goto out;
		if (rb_hodges_lehmann(ma, ka, mb, kb, alpha, &shift, &lo, &hi)) {
			rc = -1;
			goto out;
		}
		u = rb_mann_whitney(ma, ka, mb, kb);
		p = u.p;
	} else {
		if (rb_yuen(ma, ka, mb, kb, o->process_test == RB_PT_WELCH ? 0 : RB_YUEN_TRIM,
			    alpha, &w))
			goto out;
		shift = w.shift;
		lo = w.lo;
		hi = w.hi;
		p = w.p;
	}
	row->by_process = 1;
	row->ka = ka;
	row->kb = kb;
	row->p = p;
	row->exact_p = 0;
	row->change = expm1(shift);
	row->lo = expm1(lo);
	row->hi = expm1(hi);
	row->resolution = expm1(process_resolution(ma, ka, kb, alpha, o->process_test));
	rc = 1;
out:
	free(ma);
	free(mb);
	free(tmp);
	return rc;
}

/* The row's statistics on log values @la, @lb (the contender's already normalised). */
static int analyse_logs(struct rb_cmp_row *row, const double *la, size_t na, const double *lb,
			size_t nb, double alpha)
{
	double shift, lo, hi;
	struct rb_mwu u;

	u = rb_mann_whitney(la, na, lb, nb);
	if (rb_hodges_lehmann(la, na, lb, nb, alpha, &shift, &lo, &hi))
		return -1;
	row->p = u.p;
	row->exact_p = u.exact;
	row->change = expm1(shift);
	row->lo = expm1(lo);
	row->hi = expm1(hi);
	return 0;
}

/*
 * @hf: the host factor the contender's values are divided by, or NULL; its
 * own interval widens the row's (root sum of squares of the two half-widths).
 */
static int analyse(struct rb_cmp_row *row, const struct gb_bench *ba, const struct gb_bench *bb,
		   const struct rb_cmp_opts *o, const struct rb_host_factor *hf)
{
	double alpha = o->alpha;
	double logh = hf ? log(hf->factor) : 0;
	double *la, *lb;
	int rc;

	row->na = ba->n;
	row->nb = bb->n;
	row->med_a = rb_median(ba->v, ba->n);
	row->med_b = rb_median(bb->v, bb->n) / exp(logh);
	row->p = row->p_adj = NAN;
	row->reps_needed = -1;
	row->resolution = NAN;
	row->p_rank = NAN;
	if (all_equal(ba->v, ba->n) && all_equal(bb->v, bb->n) && row->deterministic) {
		row->change = row->lo = row->hi = row->raw_change = bb->v[0] / ba->v[0] - 1;
		return 0;
	}
	row->deterministic = 0;
	la = logs_of(ba->v, ba->n, 0);
	lb = logs_of(bb->v, bb->n, logh);
	rc = !la || !lb ? -1 : analyse_runs(row, la, ba->run, ba->n, lb, bb->run, bb->n, o);
	if (rc == 0)
		rc = analyse_logs(row, la, ba->n, lb, bb->n, alpha);
	else if (rc == 1)
		rc = 0;
	free(la);
	free(lb);
	if (hf) {
		double e = log1p(row->change), up = logh - log(hf->ci_lo), dn = log(hf->ci_hi) - logh;

		row->lo = expm1(e - hypot(e - log1p(row->lo), dn));
		row->hi = expm1(e + hypot(log1p(row->hi) - e, up));
	}
	row->raw_change = expm1(log1p(row->change) + logh);
	return rc;
}

/*
 * @t: the threshold (the minimum effect); @cap: the largest margin a
 * "no change" may claim. The row's margin is max(t, its resolution).
 */
static void decide(struct rb_cmp_row *row, double t, double cap, double alpha, double alpha_needs)
{
	double tau = log1p(t), e, lo, hi, hw, want, mu;
	size_t n;

	row->margin = t;
	row->over_cap = 0;
	row->rank_veto = 0;
	if (row->deterministic) {
		row->verdict = row->change >= t ? RB_REGRESSION :
			       row->change <= -t ? RB_IMPROVEMENT : RB_NO_CHANGE;
		return;
	}
	if (row->by_process && isfinite(row->resolution) && row->resolution > t)
		row->margin = row->resolution;
	row->over_cap = row->margin > cap && row->margin > t;
	mu = log1p(row->margin);
	e = log1p(row->change);
	lo = log1p(row->lo);
	hi = log1p(row->hi);
	/*
	 * Process level: the rank test must agree (Yuen's trimming takes a
	 * minority of processes in another mode for outliers; the ranks ask
	 * whether the contender's processes are generally slower).
	 */
	int ranks = !row->by_process || !(row->p_rank >= alpha);

	if (row->p_adj < alpha && e >= tau && lo > 0 && ranks) {
		row->verdict = RB_REGRESSION;
	} else if (row->p_adj < alpha && e <= -tau && hi < 0 && ranks) {
		row->verdict = RB_IMPROVEMENT;
	} else if (lo > -mu && hi < mu && !row->over_cap) {
		row->verdict = RB_NO_CHANGE;
	} else {
		row->verdict = RB_TOO_NOISY;
		row->rank_veto = !ranks && row->p_adj < alpha && fabs(e) >= tau &&
				 (lo > 0 || hi < 0);
		n = row->na < row->nb ? row->na : row->nb;
		if (row->by_process)
			n = row->ka < row->kb ? row->kb : row->ka;	/* a one-run side borrows */
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

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* Which benchmarks get a verdict: --filter and --cells. */
struct selection {
	regex_t re;
	int use_re;
	const char **cells;	/* sorted copy of --cells */
	size_t ncells;
};

/*
 * A --cells name is a benchmark's: it also selects that benchmark's rows
 * under a bound placement, whose names refbench-matrix ends with
 * "/placement:LABEL" (the quick preset runs its 1-thread cells so).
 */
static int selected(const struct selection *s, const char *name)
{
	const char *pl;
	char base[1024];
	const char *key = base;

	if (s->use_re && regexec(&s->re, name, 0, NULL, 0))
		return 0;
	if (!s->cells || bsearch(&name, s->cells, s->ncells, sizeof(*s->cells), cmp_str))
		return 1;
	pl = strstr(name, "/placement:");
	if (!pl || (size_t)(pl - name) >= sizeof(base) || strchr(pl + 11, '/'))
		return 0;
	memcpy(base, name, (size_t)(pl - name));
	base[pl - name] = '\0';
	return bsearch(&key, s->cells, s->ncells, sizeof(*s->cells), cmp_str) != NULL;
}

static int compile(regex_t *re, const char *what, const char *ere, char err[GB_ERR_LEN])
{
	int rc = regcomp(re, ere, REG_EXTENDED);

	if (rc) {
		char msg[128];

		regerror(rc, re, msg, sizeof(msg));
		regfree(re);
		return failf(err, "%s '%s': %s", what, ere, msg);
	}
	return 0;
}

/* @tmpl with \0..\9 replaced by the groups of @m in @name; -1 if too long. */
static int substitute(const char *tmpl, const char *name, const regmatch_t *m, char *out,
		      size_t len)
{
	size_t o = 0;

	for (const char *t = tmpl; *t; t++) {
		if (t[0] == '\\' && t[1] >= '0' && t[1] <= '9') {
			const regmatch_t *g = &m[t[1] - '0'];

			t++;
			if (g->rm_so < 0)
				continue;
			if (o + (size_t)(g->rm_eo - g->rm_so) >= len)
				return -1;
			memcpy(out + o, name + g->rm_so, (size_t)(g->rm_eo - g->rm_so));
			o += (size_t)(g->rm_eo - g->rm_so);
			continue;
		}
		if (o + 1 >= len)
			return -1;
		out[o++] = *t;
	}
	out[o] = '\0';
	return 0;
}

/* Rows without a repetition_index: numbered in their run's order (-1, -2, ...). */
static void effective_reps(const struct gb_bench *b, long *rep)
{
	for (size_t i = 0; i < b->n; i++) {
		long k = 0;

		if (b->rep[i] >= 0) {
			rep[i] = b->rep[i];
			continue;
		}
		for (size_t j = 0; j < i; j++)
			k += b->rep[j] < 0 && b->run[j] == b->run[i];
		rep[i] = -1 - k;
	}
}

/*
 * One file's within-run ratios num/den as logs: each numerator row paired
 * with the denominator row of the same run and repetition (one process, or
 * for refbench-matrix one matrix run: a process per cell, in one time
 * window), so whatever scales the whole run (the host, its clock) cancels.
 */
static double *ratio_logs(const struct gb_bench *num, const struct gb_bench *den,
			  const unsigned *run_of, size_t *n, unsigned **runs)
{
	long *rn = malloc((num->n + 1) * sizeof(*rn)), *rd = malloc((den->n + 1) * sizeof(*rd));
	double *l = malloc((num->n + 1) * sizeof(*l));

	*n = 0;
	*runs = malloc((num->n + 1) * sizeof(**runs));
	if (!rn || !rd || !l || !*runs) {
		free(rn);
		free(rd);
		free(l);
		free(*runs);
		*runs = NULL;
		return NULL;
	}
	effective_reps(num, rn);
	effective_reps(den, rd);
	for (size_t i = 0; i < num->n; i++)
		for (size_t j = 0; j < den->n; j++)
			if (run_of[num->run[i]] == run_of[den->run[j]] && rn[i] == rd[j]) {
				(*runs)[*n] = run_of[num->run[i]];
				l[(*n)++] = log(num->v[i]) - log(den->v[j]);
				break;
			}
	free(rn);
	free(rd);
	return l;
}

/* Per run of @f, the first run with the same label once its matrix cell is left out. */
static unsigned *pair_runs(const struct gb_file *f)
{
	unsigned *m = malloc((f->nruns + 1) * sizeof(*m));
	size_t *len = malloc((f->nruns + 1) * sizeof(*len));

	if (!m || !len) {
		free(m);
		free(len);
		return NULL;
	}
	for (size_t i = 0; i < f->nruns; i++) {
		const char *c = strstr(f->runs[i], "cell ");

		len[i] = c ? (size_t)(c - f->runs[i]) : strlen(f->runs[i]);
		m[i] = (unsigned)i;
		for (size_t j = 0; j < i; j++)
			if (len[j] == len[i] && !strncmp(f->runs[j], f->runs[i], len[i])) {
				m[i] = m[j];
				break;
			}
	}
	free(len);
	return m;
}

static int ratio_rows(const struct gb_file *a, const struct gb_file *b,
		      const struct rb_cmp_opts *o, const struct selection *sel,
		      struct rb_cmp_result *r, char err[GB_ERR_LEN])
{
	size_t k = 0, cap = 0, nodens = 0, unpaired = 0;
	const char *first_noden = NULL;
	unsigned *ma = pair_runs(a), *mb = pair_runs(b);
	int rc = 2;

	if (!ma || !mb) {
		failf(err, "out of memory");
		goto out;
	}
	for (size_t q = 0; q < o->nratios; q++) {
		regex_t re;
		regmatch_t m[10];

		if (compile(&re, "--ratio", o->ratios[q].num, err))
			goto out;
		for (size_t i = 0; i < a->nb; i++) {
			const struct gb_bench *na = &a->b[i], *nb, *da, *db;
			char den[1024], full[2100];
			double *la, *lb;
			unsigned *rla = NULL, *rlb = NULL;
			size_t nla, nlb;
			struct rb_cmp_row *row;
			int byp;

			if (!selected(sel, na->name) || regexec(&re, na->name, 10, m, 0))
				continue;
			if (substitute(o->ratios[q].den, na->name, m, den, sizeof(den)) ||
			    !strcmp(den, na->name))
				continue;
			nb = gb_find(b, na->name);
			da = gb_find(a, den);
			db = gb_find(b, den);
			if (!nb || !da || !db || !na->n || !nb->n || !da->n || !db->n) {
				if (!nodens++)
					first_noden = na->name;
				continue;
			}
			la = ratio_logs(na, da, ma, &nla, &rla);
			lb = ratio_logs(nb, db, mb, &nlb, &rlb);
			if (!la || !lb) {
				free(la);
				free(lb);
				free(rla);
				free(rlb);
				regfree(&re);
				failf(err, "out of memory");
				goto out;
			}
			if (!nla || !nlb) {
				unpaired++;
				free(la);
				free(lb);
				free(rla);
				free(rlb);
				continue;
			}
			if (k == cap) {
				struct rb_cmp_row *nr;

				cap = cap ? 2 * cap : 16;
				nr = realloc(r->rows, cap * sizeof(*nr));
				if (!nr) {
					free(la);
					free(lb);
					free(rla);
					free(rlb);
					regfree(&re);
					failf(err, "out of memory");
					goto out;
				}
				r->rows = nr;
			}
			row = &r->rows[k];
			memset(row, 0, sizeof(*row));
			snprintf(full, sizeof(full), "%s / %s", na->name, den);
			row->owned = strdup(full);
			row->resolution = NAN;
			row->p_rank = NAN;
			byp = row->owned ? analyse_runs(row, la, rla, nla, lb, rlb, nlb, o) : -1;
			free(rla);
			free(rlb);
			if (byp < 0 || (!byp && analyse_logs(row, la, nla, lb, nlb, o->alpha))) {
				free(row->owned);
				free(la);
				free(lb);
				regfree(&re);
				failf(err, "out of memory");
				goto out;
			}
			row->name = row->owned;
			row->na = nla;
			row->nb = nlb;
			/* The medians of the ratios, as values. */
			for (size_t j = 0; j < nla; j++)
				la[j] = exp(la[j]);
			for (size_t j = 0; j < nlb; j++)
				lb[j] = exp(lb[j]);
			row->med_a = rb_median(la, nla);
			row->med_b = rb_median(lb, nlb);
			row->raw_change = row->change;
			row->reps_needed = -1;
			row->p_adj = NAN;
			free(la);
			free(lb);
			r->nrows = ++k;
		}
		regfree(&re);
	}
	if (nodens)
		note(r, "%zu numerator(s) without their denominator or values on both sides "
		     "(first: %s)", nodens, first_noden);
	if (unpaired)
		note(r, "%zu ratio(s) without rows of the same run and repetition on both sides",
		     unpaired);
	rc = 0;
out:
	free(ma);
	free(mb);
	return rc;
}

/*
 * The host factor per thread class, from the calibration cells (whatever
 * --filter and --cells select): each cell's log values centred on its
 * baseline median, pooled, and the Hodges-Lehmann shift of the pooled
 * contender against the pooled baseline with its Moses interval, widened to
 * the cells' own ratios. It is applied only when that interval lies beyond
 * the threshold: a factor the calibration cells cannot tell from "no host
 * change" would only add their noise (and their load) to every verdict.
 */
static int host_factor(const struct gb_file *a, const struct gb_file *b,
		       const struct rb_cmp_opts *o, struct rb_cmp_result *r, char err[GB_ERR_LEN])
{
	double *pa[2] = { NULL, NULL }, *pb[2] = { NULL, NULL }, *own[2] = { NULL, NULL };
	size_t na[2] = { 0, 0 }, nbb[2] = { 0, 0 }, n[2] = { 0, 0 }, cap[2] = { 0, 0 }, capb[2] = { 0, 0 };
	regex_t re;
	int rc = 2;

	if (o->hf_mode == RB_HF_FIXED) {
		for (int g = 0; g < 2; g++)
			r->hf[g] = (struct rb_host_factor){ .factor = o->hf_value, .lo = o->hf_value,
							     .hi = o->hf_value, .ci_lo = o->hf_value,
							     .ci_hi = o->hf_value, .set = 1,
							     .applied = 1 };
		r->normalised = 1;
		return 0;
	}
	if (compile(&re, "--calibration", o->calibration ? o->calibration : RB_DEFAULT_CALIBRATION,
		    err))
		return 2;
	for (int g = 0; g < 2; g++) {
		own[g] = malloc((a->nb + 1) * sizeof(double));
		if (!own[g])
			goto oom;
	}
	for (size_t i = 0; i < a->nb; i++) {
		const struct gb_bench *ba = &a->b[i], *bb;
		double *la, *lb, shift, lo, hi, med;
		int g;

		if (regexec(&re, ba->name, 0, NULL, 0))
			continue;
		bb = gb_find(b, ba->name);
		if (!bb || ba->errors || bb->errors || !ba->n || !bb->n)
			continue;
		g = ba->threads > 1;
		la = logs_of(ba->v, ba->n, 0);
		lb = logs_of(bb->v, bb->n, 0);
		if (!la || !lb || rb_hodges_lehmann(la, ba->n, lb, bb->n, o->alpha, &shift, &lo, &hi)) {
			free(la);
			free(lb);
			goto oom;
		}
		own[g][n[g]++] = shift;
		med = rb_median(la, ba->n);
		while (na[g] + ba->n > cap[g] || nbb[g] + bb->n > capb[g]) {
			double *x;

			cap[g] = 2 * (cap[g] + ba->n);
			capb[g] = 2 * (capb[g] + bb->n);
			x = realloc(pa[g], cap[g] * sizeof(*x));
			if (x)
				pa[g] = x;
			x = x ? realloc(pb[g], capb[g] * sizeof(*x)) : NULL;
			if (!x) {
				free(la);
				free(lb);
				goto oom;
			}
			pb[g] = x;
		}
		for (size_t j = 0; j < ba->n; j++)
			pa[g][na[g]++] = la[j] - med;
		for (size_t j = 0; j < bb->n; j++)
			pb[g][nbb[g]++] = lb[j] - med;
		free(la);
		free(lb);
	}
	for (int g = 0; g < 2; g++) {
		double shift, lo, hi;

		if (!n[g])
			continue;
		if (rb_hodges_lehmann(pa[g], na[g], pb[g], nbb[g], o->alpha, &shift, &lo, &hi))
			goto oom;
		qsort(own[g], n[g], sizeof(double), cmp_dbl);
		/*
		 * What the factor says of another cell: the pooled interval, widened to
		 * the calibration cells' own ratios (their spread is how much a host
		 * effect differs from cell to cell: under load, a loop and a
		 * memory-bound cell do not slow alike).
		 */
		if (own[g][0] < lo)
			lo = own[g][0];
		if (own[g][n[g] - 1] > hi)
			hi = own[g][n[g] - 1];
		r->hf[g] = (struct rb_host_factor){
			.factor = exp(shift), .ci_lo = exp(lo), .ci_hi = exp(hi),
			.lo = exp(own[g][0]), .hi = exp(own[g][n[g] - 1]), .n = n[g], .set = 1,
			/*
			 * applied only for a host difference beyond the minimum
			 * effect that reaches the calibration cells alike: when
			 * their own ratios spread over more than 1 + 4 x threshold
			 * it is load (loops and memory-bound cells do not slow
			 * alike), and dividing every cell by it makes false
			 * verdicts (an A/A of the quick preset at load 4-5: the
			 * loops 0.72 to 0.96, factor 0.86 applied, 5 false
			 * regressions; raw, none)
			 */
			.disagree = own[g][n[g] - 1] - own[g][0] > log1p(4 * r->threshold),
		};
		r->hf[g].applied = !r->hf[g].disagree &&
				   (lo > log1p(r->threshold) || hi < -log1p(r->threshold));
	}
	/*
	 * A class without calibration cells, or with too few repetitions for any
	 * interval (one 3-repetition pingpong cell), takes the other class's factor.
	 */
	for (int g = 0; g < 2; g++) {
		int useless = !r->hf[g].set || !isfinite(log(r->hf[g].ci_lo)) ||
			      !isfinite(log(r->hf[g].ci_hi));
		const struct rb_host_factor *other = &r->hf[!g];

		if (useless && other->set && isfinite(log(other->ci_lo)) &&
		    isfinite(log(other->ci_hi)) && !other->borrowed) {
			size_t own_n = r->hf[g].n;

			r->hf[g] = *other;
			r->hf[g].borrowed = 1;
			if (own_n)
				note(r, "the %s calibration cells (%zu) are too few for an interval: "
				     "the %s factor is used", g ? "multi-threaded" : "single-threaded",
				     own_n, g ? "single-threaded" : "multi-threaded");
		}
	}
	r->calibrated = r->hf[0].set || r->hf[1].set;
	r->normalised = r->hf[0].applied || r->hf[1].applied;
	rc = 0;
	goto out;
oom:
	failf(err, "out of memory");
out:
	regfree(&re);
	for (int g = 0; g < 2; g++) {
		free(pa[g]);
		free(pb[g]);
		free(own[g]);
	}
	return rc;
}

/*
 * Without calibration cells, a host factor and a regression of every cell
 * look the same: when most cells moved the same way beyond the threshold,
 * the comparison is refused rather than reported cell by cell.
 */
static int host_differs(const struct rb_cmp_result *r, char err[GB_ERR_LEN])
{
	size_t up = 0, down = 0, n = 0;
	double *l = malloc((r->nrows + 1) * sizeof(*l)), med;

	if (!l)
		return failf(err, "out of memory");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rb_cmp_row *row = &r->rows[i];

		if (row->deterministic)
			continue;
		l[n++] = log1p(row->change);
		up += row->change >= r->threshold;
		down += row->change <= -r->threshold;
	}
	med = n ? rb_median(l, n) : 0;
	free(l);
	if (n < 8 || (4 * up < 3 * n && 4 * down < 3 * n))
		return 0;
	return failf(err, "host differs: %zu of %zu benchmarks moved the same way (median %+.1f%%) "
		     "and the files have no calibration cells (--calibration) to tell a host factor "
		     "from a regression: re-record the baseline on this host or use "
		     "scripts/compare-commits (--host-factor=none compares anyway)",
		     up > down ? up : down, n, 100 * expm1(med));
}

int rb_compare(const struct gb_file *a, const struct gb_file *b, const struct rb_cmp_opts *o,
	       struct rb_cmp_result *r, char err[GB_ERR_LEN])
{
	size_t only_a = 0, only_b = 0, errs = 0, k = 0, nc_missing = 0, same_err = 0;
	const char *first_a = NULL, *first_b = NULL, *first_nc = NULL, *first_same = NULL;
	const char *first_same_msg = NULL, *first_err = NULL, *first_err_msg = NULL;
	struct selection sel = { 0 };
	double *p;
	int rc = 2;

	memset(r, 0, sizeof(*r));
	r->a = a;
	r->b = b;
	r->opts = *o;
	for (int g = 0; g < 2; g++)
		r->hf[g].factor = r->hf[g].lo = r->hf[g].hi = 1;
	if (strcmp(a->measure, b->measure))
		return failf(err, "%s measures %s, %s measures %s: they cannot be compared", a->path,
			     a->measure, b->path, b->measure);
	r->instructions = !strcmp(a->measure, "instructions");
	r->ratio_mode = o->nratios > 0;
	r->threshold = o->threshold >= 0 ? o->threshold :
		       r->instructions ? RB_DEFAULT_THRESHOLD_INSTR : RB_DEFAULT_THRESHOLD_TIME;
	r->margin_cap = o->margin_cap > 0 ? o->margin_cap : RB_DEFAULT_MARGIN_CAP;
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
		if (compile(&sel.re, "--filter", o->filter, err))
			return 2;
		sel.use_re = 1;
	}
	if (o->cells) {
		sel.cells = malloc((o->ncells + 1) * sizeof(*sel.cells));
		if (!sel.cells) {
			failf(err, "out of memory");
			goto out;
		}
		memcpy(sel.cells, o->cells, o->ncells * sizeof(*sel.cells));
		sel.ncells = o->ncells;
		qsort(sel.cells, sel.ncells, sizeof(*sel.cells), cmp_str);
		for (size_t i = 0; i < o->ncells; i++)
			if ((!gb_find(a, o->cells[i]) || !gb_find(b, o->cells[i])) && !nc_missing++)
				first_nc = o->cells[i];
		if (nc_missing && !o->allow_missing) {
			failf(err, "%zu of the %zu --cells are not in both files (first: %s) "
			      "(--allow-missing compares the others)", nc_missing, o->ncells, first_nc);
			goto out;
		}
		if (nc_missing)
			note(r, "%zu of the %zu --cells are not in both files (first: %s)", nc_missing,
			     o->ncells, first_nc);
	}
	for (size_t i = 0; i < a->nb; i++)
		if (selected(&sel, a->b[i].name) && !gb_find(b, a->b[i].name) && !only_a++)
			first_a = a->b[i].name;
	for (size_t i = 0; i < b->nb; i++)
		if (selected(&sel, b->b[i].name) && !gb_find(a, b->b[i].name) && !only_b++)
			first_b = b->b[i].name;
	if ((only_a || only_b) && !o->allow_missing && !o->cells) {
		failf(err, "the benchmark sets differ: %zu only in %s%s%s%s, %zu only in %s%s%s%s "
		      "(--allow-missing compares the common ones)",
		      only_a, a->path, first_a ? " (first: " : "", first_a ? first_a : "",
		      first_a ? ")" : "", only_b, b->path, first_b ? " (first: " : "",
		      first_b ? first_b : "", first_b ? ")" : "");
		goto out;
	}
	if (only_a && !o->cells)
		note(r, "%zu benchmark(s) only in %s, not compared (first: %s)", only_a, a->path, first_a);
	if (only_b && !o->cells)
		note(r, "%zu benchmark(s) only in %s, not compared (first: %s)", only_b, b->path, first_b);

	if (r->ratio_mode) {
		if (ratio_rows(a, b, o, &sel, r, err))
			goto out;
		k = r->nrows;
	} else {
		if (!r->instructions && o->hf_mode != RB_HF_NONE && host_factor(a, b, o, r, err))
			goto out;
		r->rows = calloc(a->nb ? a->nb : 1, sizeof(*r->rows));
		if (!r->rows) {
			failf(err, "out of memory");
			goto out;
		}
		{
			regex_t cre;
			int use_cre = r->calibrated && o->hf_mode == RB_HF_AUTO &&
				      !compile(&cre, "--calibration", o->calibration ?
					       o->calibration : RB_DEFAULT_CALIBRATION, err);

			for (size_t i = 0; i < a->nb; i++) {
				const struct gb_bench *ba = &a->b[i], *bb = gb_find(b, ba->name);
				struct rb_cmp_row *row = &r->rows[k];
				int g = ba->threads > 1;

				if (!bb || !selected(&sel, ba->name))
					continue;
				if (ba->errors && bb->errors && ba->error && bb->error &&
				    !strcmp(ba->error, bb->error)) {
					if (!same_err++) {
						first_same = ba->name;
						first_same_msg = ba->error;
					}
					continue;
				}
				if (ba->errors || bb->errors || !ba->n || !bb->n) {
					const struct gb_bench *e = ba->errors ? ba : bb;

					if (!errs++) {
						first_err = ba->name;
						first_err_msg = e->error ? e->error :
								"(no repetitions)";
					}
					if (errs <= 20)
						note(r, "%s: skipped, %s has an error row: %s", ba->name,
						     e == ba ? a->path : b->path,
						     e->error ? e->error : "(no repetitions)");
					continue;
				}
				row->name = ba->name;
				row->deterministic = r->instructions;
				row->calibration = use_cre && !regexec(&cre, ba->name, 0, NULL, 0);
				if (analyse(row, ba, bb, o,
					    r->hf[g].applied ? &r->hf[g] : NULL)) {
					if (use_cre)
						regfree(&cre);
					failf(err, "out of memory");
					goto out;
				}
				if (r->instructions && !row->deterministic)
					note(r, "%s: instruction counts vary between repetitions; "
					     "compared statistically", row->name);
				k++;
			}
			if (use_cre)
				regfree(&cre);
		}
		r->nrows = k;
		if (errs > 20)
			note(r, "... and %zu more benchmark(s) with an error row", errs - 20);
		if (same_err) {
			r->not_comparable = same_err;
			note(r, "%zu benchmark(s) not comparable here: the same error on both sides "
			     "(first: %s: %s)", same_err, first_same, first_same_msg);
		}
		if (errs && !o->allow_missing) {
			failf(err, "%zu benchmark(s) have error rows on one side or different errors "
			      "(first: %s: %s) (--allow-missing compares the others)", errs, first_err,
			      first_err_msg);
			goto out;
		}
	}
	if (!k) {
		failf(err, "no benchmark to compare%s", o->filter || o->cells ?
		      " (check --filter and --cells)" : r->ratio_mode ? " (check --ratio)" : "");
		goto out;
	}
	if (!r->ratio_mode && !r->instructions && !r->calibrated && o->hf_mode == RB_HF_AUTO &&
	    host_differs(r, err))
		goto out;

	p = malloc(k * sizeof(*p));
	if (!p) {
		failf(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		p[i] = r->rows[i].p;
	rb_adjust_pvalues(p, p, k, o->correction);
	for (size_t i = 0; i < k; i++) {
		r->by_process += r->rows[i].by_process;
		r->rows[i].p_adj = p[i];
		/* Holm tests its smallest p at alpha / k; BH's largest at alpha. */
		decide(&r->rows[i], r->threshold, r->margin_cap, o->alpha,
		       o->correction == RB_CORR_HOLM ? o->alpha / (double)k : o->alpha);
		r->counts[r->rows[i].verdict]++;
	}
	free(p);
	/*
	 * Calibration cells that ran slower in the contender beyond the
	 * threshold, but too unevenly for one factor: a slower host and a
	 * regression look the same from here, so regressions are not reported
	 * as such (scripts/error-rates, the "host x1.2" trials on the real
	 * suite: with the times compared raw, 28 of 100 A/A runs read a false
	 * regression).
	 */
	if (r->calibrated && o->hf_mode == RB_HF_AUTO && r->counts[RB_REGRESSION])
		for (int g = 0; g < 2; g++)
			if (r->hf[g].set && r->hf[g].disagree &&
			    r->hf[g].factor >= 1 + r->threshold) {
				failf(err, "host differs: the %s calibration cells ran %.1f%% "
				      "slower but disagree (ratios %.3f to %.3f), so a host "
				      "factor cannot be told from the %zu regression(s): re-record "
				      "the baseline on this host or use scripts/compare-commits "
				      "(--host-factor=none compares anyway)",
				      g ? "multi-threaded" : "single-threaded",
				      100 * (r->hf[g].factor - 1), r->hf[g].lo, r->hf[g].hi,
				      r->counts[RB_REGRESSION]);
				goto out;
			}
	if (r->calibrated && o->hf_mode == RB_HF_AUTO)
		for (int g = 0; g < 2; g++)
			if (r->hf[g].n && !r->hf[g].borrowed &&
			    r->hf[g].hi / r->hf[g].lo > 1 + 4 * r->threshold)
				note(r, "the %s calibration cells disagree (ratios %.3f to %.3f): the "
				     "host factor is uncertain; prefer --ratio or compare-commits",
				     g ? "multi-threaded" : "single-threaded", r->hf[g].lo, r->hf[g].hi);
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
	rc = 0;
out:
	if (sel.use_re)
		regfree(&sel.re);
	free(sel.cells);
	return rc;
}

/* ---- output ---- */

enum value_unit { UNIT_NS, UNIT_INSTRUCTIONS, UNIT_RATIO };

/* What a row's baseline and contender values are: a time, a count, or a ratio of times (--ratio). */
static enum value_unit result_unit(const struct rb_cmp_result *r)
{
	return r->instructions ? UNIT_INSTRUCTIONS : r->opts.nratios ? UNIT_RATIO : UNIT_NS;
}

/*
 * Any finite value in a bounded width (at most 12 characters) with its unit:
 * fixed point from 0.001 ns to 9999.999 s, scientific outside; a ratio has
 * no unit.
 */
static void fmt_value(char *buf, size_t len, double v, enum value_unit unit)
{
	if (!isfinite(v))
		snprintf(buf, len, "?");
	else if (unit == UNIT_INSTRUCTIONS)
		snprintf(buf, len, "%.4g ins", v);
	else if (unit == UNIT_RATIO)
		snprintf(buf, len, v >= 1e-3 && v < 1e6 ? "%.4f" : "%.3e", v);
	else if (v < 1e-3)
		snprintf(buf, len, "%.2e ns", v);
	else if (v < 1e3)
		snprintf(buf, len, "%.3f ns", v);
	else if (v < 1e6)
		snprintf(buf, len, "%.3f us", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, len, "%.3f ms", v / 1e6);
	else if (v < 1e13)
		snprintf(buf, len, "%.3f s", v / 1e9);
	else
		snprintf(buf, len, "%.2e s", v / 1e9);
}

/* A relative change in percent, bounded: scientific beyond +-99999%. */
static void fmt_pct(char *buf, size_t len, double x)
{
	if (isinf(x))
		snprintf(buf, len, "%s", x > 0 ? "+inf" : "-inf");
	else if (isnan(x))
		snprintf(buf, len, "?");
	else if (fabs(x) >= 1e3)
		snprintf(buf, len, "%+.2e%%", 100 * x);
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
	if (row->verdict == RB_NO_CHANGE && !row->deterministic)
		snprintf(buf, len, "no change (+-%.1f%%)%s", 100 * row->margin,
			 row->calibration ? " (calibration)" : "");
	else if (row->verdict == RB_TOO_NOISY && row->rank_veto)
		snprintf(buf, len, "too noisy (process ranks: p %.2f)%s", row->p_rank,
			 row->calibration ? " (calibration)" : "");
	else if (row->verdict == RB_TOO_NOISY && row->over_cap)
		snprintf(buf, len, "too noisy (resolves +-%.0f%%)%s", 100 * row->margin,
			 row->calibration ? " (calibration)" : "");
	else if (row->verdict == RB_TOO_NOISY && row->reps_needed > 0)
		snprintf(buf, len, "too noisy (needs ~%ld %s)%s", row->reps_needed,
			 row->by_process ? "processes" : "reps",
			 row->calibration ? " (calibration)" : "");
	else
		snprintf(buf, len, "%s%s", rb_verdict_name(row->verdict),
			 row->calibration ? " (calibration)" : "");
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
	if (!r->instructions && r->by_process) {
		static const char *const tests[] = {
			[RB_PT_YUEN] = "Yuen's 20%-trimmed means",
			[RB_PT_WELCH] = "Welch's means",
			[RB_PT_HL] = "Hodges-Lehmann, Moses, Mann-Whitney",
		};

		fprintf(out, "%sprocess level: %zu of %zu rows have >= %d processes on a side: "
			"compared over the processes' medians (%s), not the pooled "
			"repetitions\n", pre, r->by_process, r->nrows, RB_MIN_PROCESSES,
			tests[r->opts.process_test]);
		fprintf(out, "%sno change (+-X%%): the %.0f%% interval of the change lies inside "
			"+-X%%, X = max(threshold, %.0f x the half-width the baseline's own "
			"process spread gives); X above %.0f%%: too noisy\n", pre,
			100 * (1 - r->opts.alpha), RB_MARGIN_WIDTHS, 100 * r->margin_cap);
	}
	if (r->ratio_mode) {
		fprintf(out, "%scomparison: within-run ratios NUMERATOR / DENOMINATOR (rows paired by "
			"run and repetition), baseline's ratio against the contender's: a host "
			"factor cancels\n", pre);
	} else if (r->calibrated || r->normalised) {
		for (int i = 0; i < 2; i++) {
			const struct rb_host_factor *h = &r->hf[i];
			const char *cls = i ? "multi-threaded" : "single-threaded";

			if (r->opts.hf_mode == RB_HF_FIXED)
				fprintf(out, "%shost factor (contender / baseline), %s: %.4f (given)\n",
					pre, cls, h->factor);
			else if (h->borrowed)
				fprintf(out, "%shost factor, %s: the %s one, %.4f (no usable calibration "
					"cell of its own): %s\n", pre, cls,
					i ? "single-threaded" : "multi-threaded", h->factor,
					h->applied ? "APPLIED" : "not applied");
			else
				fprintf(out, "%shost factor (contender / baseline), %s: %.4f [%.4f, %.4f] "
					"from %zu calibration cells (own ratios %.3f to %.3f): %s\n", pre,
					cls, h->factor, h->ci_lo, h->ci_hi, h->n, h->lo, h->hi,
					h->applied ? "APPLIED" : h->disagree ?
					"not applied (the calibration cells disagree by more than 4 "
					"thresholds: load, not a host; times compared raw)" :
					"not applied (its interval reaches within the threshold)");
		}
		if (r->normalised)
			fprintf(out, "%scomparison: absolute times NORMALISED by the host factor "
				"(contender divided by it; Contender column normalised; intervals "
				"include the factor's)\n", pre);
		else
			fprintf(out, "%scomparison: absolute times, not normalised (the calibration "
				"cells %s)\n", pre, r->hf[0].disagree || r->hf[1].disagree ?
				"disagree: load, not a host factor" : "show no host factor");
	} else if (!r->instructions) {
		fprintf(out, "%scomparison: absolute times, not normalised (%s)\n", pre,
			r->opts.hf_mode == RB_HF_NONE ? "--host-factor=none" :
			"no calibration cells in both files");
	}
}

static void print_summary(const struct rb_cmp_result *r, FILE *out)
{
	size_t with = r->counts[RB_REGRESSION] + r->counts[RB_IMPROVEMENT] + r->counts[RB_NO_CHANGE];

	fprintf(out, "\n%zu compared: %zu regression(s), %zu improvement(s), %zu no change, "
		"%zu too noisy\n", r->nrows, r->counts[RB_REGRESSION], r->counts[RB_IMPROVEMENT],
		r->counts[RB_NO_CHANGE], r->counts[RB_TOO_NOISY]);
	fprintf(out, "verdicts: %zu of %zu %s got one (%.0f%%)%s\n", with, r->nrows,
		r->ratio_mode ? "ratios" : "benchmarks", r->nrows ? 100.0 * (double)with /
		(double)r->nrows : 0.0, r->not_comparable ? "; more not comparable here (notes)" : "");
}

/* @name in at most @w (< 160) characters: its start, "...", its end (the end tells cells apart). */
static const char *shorten(const char *name, int w, char buf[160])
{
	size_t len = strlen(name), head;

	if ((int)len <= w)
		return name;
	head = (size_t)w / 3;
	snprintf(buf, 160, "%.*s...%s", (int)head, name, name + len - ((size_t)w - head - 3));
	return buf;
}

static void print_text(const struct rb_cmp_result *r, FILE *out)
{
	int w = 9;
	char va[32], vb[32], ch[24], lo[24], hi[24], pv[16], vd[64], ci[56], n[32], nm[160];

	for (size_t i = 0; i < r->nrows; i++)
		if ((int)strlen(r->rows[i].name) > w)
			w = (int)strlen(r->rows[i].name);
	if (w > 90)
		w = 90;
	print_header_lines(r, out, "");
	fprintf(out, "\n%-*s %12s %12s %9s %20s %8s %9s  %s\n", w, "Benchmark", "Baseline",
		"Contender", "Change", "Interval", "p(adj)", "n", "Verdict");
	for (int i = 0; i < w + 90; i++)
		fputc('-', out);
	fputc('\n', out);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct rb_cmp_row *row = &r->rows[i];

		fmt_value(va, sizeof(va), row->med_a, result_unit(r));
		fmt_value(vb, sizeof(vb), row->med_b, result_unit(r));
		fmt_pct(ch, sizeof(ch), row->change);
		fmt_pct(lo, sizeof(lo), row->lo);
		fmt_pct(hi, sizeof(hi), row->hi);
		snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
		fmt_p(pv, sizeof(pv), row);
		fmt_verdict(vd, sizeof(vd), row);
		snprintf(n, sizeof(n), "%zu/%zu", row->na, row->nb);
		fprintf(out, "%-*s %12s %12s %9s %20s %8s %9s  %s\n", w, shorten(row->name, w, nm),
			va, vb, ch, row->deterministic ? "(exact)" : ci, pv, n, vd);
	}
	print_summary(r, out);
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

		fmt_value(va, sizeof(va), row->med_a, result_unit(r));
		fmt_value(vb, sizeof(vb), row->med_b, result_unit(r));
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
	print_summary(r, out);
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
	json_object_set_new(root, "unit", json_string(result_unit(r) == UNIT_INSTRUCTIONS ? "instructions" :
							 result_unit(r) == UNIT_RATIO ? "ratio" : "ns"));
	json_object_set_new(root, "threshold", json_real(r->threshold));
	json_object_set_new(root, "margin_cap", json_real(r->margin_cap));
	if (r->by_process)
		json_object_set_new(root, "process_test", json_string(
			r->opts.process_test == RB_PT_WELCH ? "welch" :
			r->opts.process_test == RB_PT_HL ? "hodges-lehmann" : "yuen"));
	json_object_set_new(root, "alpha", json_real(r->opts.alpha));
	json_object_set_new(root, "correction", json_string(corr_name(r->opts.correction)));
	json_object_set_new(root, "interval", json_string("exact Moses interval of the "
				"Hodges-Lehmann shift of log values"));
	json_object_set_new(root, "comparison", json_string(r->ratio_mode ? "within-run ratios" :
				r->normalised ? "absolute, normalised by the host factor" :
				"absolute"));
	if (r->calibrated || r->normalised) {
		json_t *hf = json_object();

		for (int g = 0; g < 2; g++) {
			json_t *h = json_object();

			json_object_set_new(h, "factor", json_real(r->hf[g].factor));
			json_object_set_new(h, "interval_low", json_real(r->hf[g].ci_lo));
			json_object_set_new(h, "interval_high", json_real(r->hf[g].ci_hi));
			json_object_set_new(h, "applied", json_boolean(r->hf[g].applied));
			json_object_set_new(h, "calibration_cells_disagree", json_boolean(r->hf[g].disagree));
			json_object_set_new(h, "calibration_min", json_real(r->hf[g].lo));
			json_object_set_new(h, "calibration_max", json_real(r->hf[g].hi));
			json_object_set_new(h, "calibration_cells", json_integer((json_int_t)r->hf[g].n));
			json_object_set_new(h, "borrowed", json_boolean(r->hf[g].borrowed));
			json_object_set_new(hf, g ? "multi_threaded" : "single_threaded", h);
		}
		json_object_set_new(root, "host_factor", hf);
	}
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
		json_object_set_new(o, "calibration", json_boolean(row->calibration));
		json_object_set_new(o, "change_raw", num_or_null(row->raw_change));
		json_object_set_new(o, "n_baseline", json_integer((json_int_t)row->na));
		json_object_set_new(o, "n_contender", json_integer((json_int_t)row->nb));
		json_object_set_new(o, "level", json_string(row->by_process ? "processes" :
								 "repetitions"));
		if (row->by_process) {
			json_object_set_new(o, "processes_baseline", json_integer((json_int_t)row->ka));
			json_object_set_new(o, "processes_contender", json_integer((json_int_t)row->kb));
			json_object_set_new(o, "resolution", num_or_null(row->resolution));
			json_object_set_new(o, "p_rank", num_or_null(row->p_rank));
			json_object_set_new(o, "rank_veto", json_boolean(row->rank_veto));
		}
		/* what a "no change" claims: the interval inside +-margin */
		json_object_set_new(o, "margin", num_or_null(row->margin));
		json_object_set_new(o, "margin_over_cap", json_boolean(row->over_cap));
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
	json_object_set_new(sum, "with_verdict", json_integer((json_int_t)(r->counts[RB_REGRESSION] +
				r->counts[RB_IMPROVEMENT] + r->counts[RB_NO_CHANGE])));
	json_object_set_new(sum, "not_comparable", json_integer((json_int_t)r->not_comparable));
	json_object_set_new(sum, "by_process", json_integer((json_int_t)r->by_process));
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
