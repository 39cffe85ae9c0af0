// SPDX-License-Identifier: GPL-2.0
/* refbench-compare's statistics (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

double rb_median(const double *x, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/*
 * The null distribution of U for sizes m, n: freq[u] = the number of the
 * C(m+n, m) orderings with U = u, u = 0..m*n, by the recurrence
 *	f(i, j, u) = f(i, j - 1, u - i) + f(i - 1, j, u)
 * (the largest of the i + j values is a b, above all i a's; or it is an a).
 * Rows over j are kept for i - 1 and i only. Caller frees; NULL if too large.
 */
static double *mwu_freq(size_t m, size_t n)
{
	size_t w = m * n + 1, i, j, u;
	double *prev, *cur, *out;

	if (m > RB_MWU_EXACT_MAX || n > RB_MWU_EXACT_MAX)
		return NULL;
	prev = calloc((n + 1) * w, sizeof(double));
	cur = calloc((n + 1) * w, sizeof(double));
	out = malloc(w * sizeof(double));
	if (!prev || !cur || !out) {
		free(prev);
		free(cur);
		free(out);
		return NULL;
	}
	/* i = 0: one ordering, U = 0, for every j. */
	for (j = 0; j <= n; j++)
		prev[j * w] = 1;
	for (i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * w * sizeof(double));
		cur[0] = 1;	/* j = 0: U = 0 */
		for (j = 1; j <= n; j++) {
			double *c = cur + j * w, *left = cur + (j - 1) * w, *up = prev + j * w;

			for (u = 0; u <= i * j; u++) {
				/* largest is an a: beats no b; rows beyond their support are 0 */
				double v = up[u];

				/* largest is a b: it is above all i a's */
				if (u >= i)
					v += left[u - i];
				c[u] = v;
			}
		}
		double *t = prev;

		prev = cur;
		cur = t;
	}
	memcpy(out, prev + n * w, w * sizeof(double));
	free(prev);
	free(cur);
	return out;
}

double rb_mwu_cdf_exact(size_t m, size_t n, double u)
{
	double *f = mwu_freq(m, n), below = 0, total = 0;

	if (!f)
		return NAN;
	for (size_t k = 0; k <= m * n; k++) {
		total += f[k];
		if ((double)k <= u + 1e-9)
			below += f[k];
	}
	free(f);
	return below / total;
}

struct rank_item {
	double v;
	int from_b;
};

static int cmp_rank_item(const void *x, const void *y)
{
	return cmp_double(&((const struct rank_item *)x)->v, &((const struct rank_item *)y)->v);
}

struct rb_mwu rb_mann_whitney(const double *a, size_t m, const double *b, size_t n)
{
	struct rb_mwu r = { .u = NAN, .p = NAN, .exact = 0 };
	size_t N = m + n, i, j;
	struct rank_item *it;
	double rank_sum_b = 0, tie_term = 0, mu, sigma2, z;
	int ties = 0;

	if (!m || !n)
		return r;
	it = malloc(N * sizeof(*it));
	if (!it)
		return r;
	for (i = 0; i < m; i++)
		it[i] = (struct rank_item){ a[i], 0 };
	for (j = 0; j < n; j++)
		it[m + j] = (struct rank_item){ b[j], 1 };
	qsort(it, N, sizeof(*it), cmp_rank_item);
	for (i = 0; i < N;) {
		size_t k = i;
		double rank, t;

		while (k < N && it[k].v == it[i].v)
			k++;
		rank = (double)(i + 1 + k) / 2;	/* mean of ranks i+1..k */
		t = (double)(k - i);
		if (t > 1) {
			ties = 1;
			tie_term += t * t * t - t;
		}
		for (size_t q = i; q < k; q++)
			if (it[q].from_b)
				rank_sum_b += rank;
		i = k;
	}
	free(it);
	r.u = rank_sum_b - (double)n * (double)(n + 1) / 2;
	mu = (double)m * (double)n / 2;
	if (!ties && m <= RB_MWU_EXACT_MAX && n <= RB_MWU_EXACT_MAX) {
		double lo = rb_mwu_cdf_exact(m, n, r.u);
		double hi = 1 - rb_mwu_cdf_exact(m, n, r.u - 1);	/* P(U >= u) */

		if (!isnan(lo) && !isnan(hi)) {
			r.p = fmin(1.0, 2 * fmin(lo, hi));
			r.exact = 1;
			return r;
		}
	}
	sigma2 = (double)m * (double)n / 12 *
		 ((double)(N + 1) - tie_term / ((double)N * (double)(N - 1)));
	if (sigma2 <= 0) {	/* every value tied */
		r.p = 1;
		return r;
	}
	z = (fabs(r.u - mu) - 0.5) / sqrt(sigma2);
	if (z < 0)
		z = 0;
	r.p = fmin(1.0, erfc(z / sqrt(2.0)));
	return r;
}

double rb_normal_quantile_upper(double alpha)
{
	double lo = 0, hi = 40;

	/* 0.5 * erfc(z / sqrt 2) = alpha, decreasing in z: bisect. */
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(mid / sqrt(2.0)) > alpha)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

long rb_mwu_critical(size_t m, size_t n, double alpha)
{
	double *f = mwu_freq(m, n);

	if (f) {
		double total = 0, cum = 0;
		long c = -1;

		for (size_t k = 0; k <= m * n; k++)
			total += f[k];
		for (size_t k = 0; k <= m * n; k++) {
			cum += f[k];
			if (cum / total > alpha / 2)
				break;
			c = (long)k;
		}
		free(f);
		return c;
	}
	/* P(U <= c) ~ Phi((c + 0.5 - mn/2) / sigma) <= alpha/2 */
	double mn = (double)m * (double)n;
	double sigma = sqrt(mn * (double)(m + n + 1) / 12);
	double c = floor(mn / 2 - 0.5 - rb_normal_quantile_upper(alpha / 2) * sigma);

	return c < 0 ? -1 : (long)c;
}

int rb_hodges_lehmann(const double *a, size_t m, const double *b, size_t n, double alpha,
		      double *shift, double *lo, double *hi)
{
	size_t k = m * n, q = 0;
	double *d;
	long c;

	*shift = *lo = *hi = NAN;
	if (!m || !n)
		return 0;
	d = malloc(k * sizeof(*d));
	if (!d)
		return -1;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++)
			d[q++] = b[j] - a[i];
	qsort(d, k, sizeof(*d), cmp_double);
	*shift = k % 2 ? d[k / 2] : (d[k / 2 - 1] + d[k / 2]) / 2;
	c = rb_mwu_critical(m, n, alpha);
	if (c >= 0 && (size_t)c > (k - 1) / 2)
		c = (long)((k - 1) / 2);	/* alpha near 1: the interval shrinks to the median */
	if (c < 0) {
		*lo = -INFINITY;
		*hi = INFINITY;
	} else {
		/* Moses: [D_(c+1), D_(mn-c)], 1-based order statistics. */
		*lo = d[c];
		*hi = d[k - 1 - (size_t)c];
	}
	free(d);
	return 0;
}

struct p_index {
	double p;
	size_t i;
};

static int cmp_p_index(const void *x, const void *y)
{
	return cmp_double(&((const struct p_index *)x)->p, &((const struct p_index *)y)->p);
}

int rb_adjust_pvalues(const double *p, double *adj, size_t k, enum rb_correction how)
{
	struct p_index *s;
	size_t valid = 0, i;
	double run;

	s = malloc((k ? k : 1) * sizeof(*s));
	if (!s)
		return -1;
	for (i = 0; i < k; i++)
		if (!isnan(p[i]))
			s[valid++] = (struct p_index){ p[i], i };
	if (adj != p)
		memcpy(adj, p, k * sizeof(*adj));
	qsort(s, valid, sizeof(*s), cmp_p_index);
	if (how == RB_CORR_HOLM) {
		/* step-down: max over j <= i of (k - j) p_(j), 0-based */
		run = 0;
		for (i = 0; i < valid; i++) {
			run = fmax(run, fmin(1.0, (double)(valid - i) * s[i].p));
			adj[s[i].i] = run;
		}
	} else if (how == RB_CORR_BH) {
		/* step-up: min over j >= i of k / (j + 1) p_(j) */
		run = 1;
		for (i = valid; i-- > 0;) {
			run = fmin(run, fmin(1.0, (double)valid / (double)(i + 1) * s[i].p));
			adj[s[i].i] = run;
		}
	}
	free(s);
	return 0;
}

/* The continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularised incomplete beta function I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * beta_cf(a, b, x) / a;
	return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

double rb_t_p_two_sided(double t, double df)
{
	if (!(df > 0) || isnan(t))
		return NAN;
	if (isinf(t))
		return 0;
	return ibeta(df / 2, 0.5, df / (df + t * t));
}

double rb_t_quantile_two_sided(double alpha, double df)
{
	double lo = 0, hi = 1;

	if (!(df > 0) || !(alpha > 0) || !(alpha < 1))
		return NAN;
	while (rb_t_p_two_sided(hi, df) > alpha && hi < 1e300)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (rb_t_p_two_sided(mid, df) > alpha)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/*
 * One side's trimmed mean, winsorized variance (n - 1 denominator) and the
 * count h it keeps: g = floor(gamma * n) values cut from each end.
 */
static int trim_side(const double *x, size_t n, double gamma, double *tm, double *wv, size_t *h)
{
	double *s = malloc((n ? n : 1) * sizeof(double)), wm = 0, v = 0;
	size_t g = (size_t)floor(gamma * (double)n + 1e-9);

	if (!s)
		return -1;
	memcpy(s, x, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	if (2 * g >= n)
		g = (n - 1) / 2;
	*h = n - 2 * g;
	*tm = 0;
	for (size_t i = g; i < n - g; i++)
		*tm += s[i];
	*tm /= (double)*h;
	for (size_t i = 0; i < n; i++) {
		double w = s[i < g ? g : i >= n - g ? n - g - 1 : i];

		wm += w;
		s[i] = w;
	}
	wm /= (double)n;
	for (size_t i = 0; i < n; i++)
		v += (s[i] - wm) * (s[i] - wm);
	*wv = n > 1 ? v / (double)(n - 1) : 0;
	free(s);
	return 0;
}

int rb_yuen(const double *a, size_t m, const double *b, size_t n, double gamma, double alpha,
	    struct rb_welch *w)
{
	double ta, tb, va, vb, se2, df, q;
	size_t ha, hb;

	memset(w, 0, sizeof(*w));
	if (!m || !n || m + n < 3 || (m < 2 && n < 2) || !(gamma >= 0 && gamma < 0.5))
		return -1;
	if (trim_side(a, m, gamma, &ta, &va, &ha) || trim_side(b, n, gamma, &tb, &vb, &hb))
		return -1;
	if (ha > 1 && hb > 1) {
		/* Yuen: d = (n - 1) s_w^2 / (h (h - 1)); gamma 0: Welch's s^2 / n */
		double ea = (double)(m - 1) * va / ((double)ha * (double)(ha - 1));
		double eb = (double)(n - 1) * vb / ((double)hb * (double)(hb - 1));

		se2 = ea + eb;
		df = se2 > 0 ? se2 * se2 / (ea * ea / (double)(ha - 1) + eb * eb / (double)(hb - 1)) :
		     (double)(ha + hb - 2);
		w->pooled_from = 0;
	} else {
		/* one side keeps one value: its spread is taken to be the other's */
		size_t k = ha > 1 ? m : n, h = ha > 1 ? ha : hb;
		double e = (double)(k - 1) * (ha > 1 ? va : vb) / ((double)h * (double)(h - 1));

		se2 = e * (1 + (double)h);
		df = (double)(h - 1);
		w->pooled_from = ha > 1 ? 1 : 2;
	}
	w->shift = tb - ta;
	w->se = sqrt(se2);
	w->df = df;
	if (w->se > 0) {
		w->t = w->shift / w->se;
		w->p = rb_t_p_two_sided(w->t, df);
		q = rb_t_quantile_two_sided(alpha, df);
	} else {
		/* no spread at all: an exact difference */
		w->t = w->shift == 0 ? 0 : copysign(INFINITY, w->shift);
		w->p = w->shift == 0 ? 1 : 0;
		q = 0;
	}
	w->lo = w->shift - q * w->se;
	w->hi = w->shift + q * w->se;
	return 0;
}

int rb_welch(const double *a, size_t m, const double *b, size_t n, double alpha,
	     struct rb_welch *w)
{
	return rb_yuen(a, m, b, n, 0, alpha, w);
}
