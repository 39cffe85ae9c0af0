/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench-compare's statistics: distribution-free two-sample comparisons of
 * repetition timings (no normality assumed; timing noise is skewed).
 *
 *  - Mann-Whitney U, two-sided: exact null distribution for small samples
 *    without ties (m, n <= RB_MWU_EXACT_MAX), else the normal approximation
 *    with tie and continuity corrections.
 *  - Hodges-Lehmann shift: the median of all m*n differences b_j - a_i, with
 *    the exact distribution-free confidence interval of Moses (order
 *    statistics of the differences at the U critical value).
 *  - Holm (family-wise) and Benjamini-Hochberg (false discovery rate)
 *    adjustment of a set of p-values.
 */
#ifndef RB_COMPARE_STATS_H
#define RB_COMPARE_STATS_H

#include <stddef.h>

#define RB_MWU_EXACT_MAX 50

double rb_median(const double *x, size_t n);

/* P(U <= u) under H0 for sample sizes m, n (exact); NaN if too large. */
double rb_mwu_cdf_exact(size_t m, size_t n, double u);

struct rb_mwu {
	double u;	/* U of b: #(a_i < b_j) + #(a_i == b_j) / 2 */
	double p;	/* two-sided p-value */
	int exact;	/* 1: exact null distribution, 0: normal approximation */
};
struct rb_mwu rb_mann_whitney(const double *a, size_t m, const double *b, size_t n);

/*
 * Hodges-Lehmann shift of b against a and its (1 - alpha) Moses interval.
 * The bounds are -inf and +inf when the samples are too small for that confidence.
 * Returns 0, or -1 if memory ran out.
 */
int rb_hodges_lehmann(const double *a, size_t m, const double *b, size_t n, double alpha,
		      double *shift, double *lo, double *hi);

/* The largest c with P(U <= c) <= alpha / 2 (-1 if none): the interval's order. */
long rb_mwu_critical(size_t m, size_t n, double alpha);

enum rb_correction { RB_CORR_HOLM, RB_CORR_BH, RB_CORR_NONE };
/* Adjusts p[0..k) into adj[0..k) (may alias). NaN p-values are left as they are. */
int rb_adjust_pvalues(const double *p, double *adj, size_t k, enum rb_correction how);

/* Student's t: the two-sided p-value of @t with @df degrees of freedom, and its inverse. */
double rb_t_p_two_sided(double t, double df);
double rb_t_quantile_two_sided(double alpha, double df);

/*
 * Welch's two-sample t on per-process summaries (refbench-compare's
 * process-level comparison, docs/compare.md): shift = mean(b) - mean(a), its
 * (1 - alpha) interval with the Welch-Satterthwaite degrees of freedom, and
 * the two-sided p. A side with one value takes the other side's variance
 * (pooled_from: 0 both sides, 1 from a, 2 from b; df that side's n - 1).
 * Returns 0, or -1 when neither side has two values.
 */
struct rb_welch {
	double shift, lo, hi, se, df, t, p;
	int pooled_from;
};
int rb_welch(const double *a, size_t m, const double *b, size_t n, double alpha,
	     struct rb_welch *w);

/*
 * Yuen's trimmed-mean two-sample test (Yuen 1974; Wilcox, "Introduction to
 * Robust Estimation and Hypothesis Testing", 5.3), Welch's with each side's
 * mean replaced by its gamma-trimmed mean (g = floor(gamma * n) values cut
 * from each end) and its variance by the winsorized variance:
 * d = (n - 1) s_w^2 / (h (h - 1)), h = n - 2g, se^2 = d_a + d_b, df Welch's
 * over h - 1. One value far off on a side moves neither the estimate nor its
 * spread. gamma 0 is Welch's test exactly (rb_welch). Same outputs and
 * returns as rb_welch; -1 also for gamma outside [0, 0.5).
 */
int rb_yuen(const double *a, size_t m, const double *b, size_t n, double gamma, double alpha,
	    struct rb_welch *w);

/* The upper alpha quantile of the standard normal distribution. */
double rb_normal_quantile_upper(double alpha);

#endif
