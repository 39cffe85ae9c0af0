// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-compare's statistics on inputs computed by hand (the arithmetic is
 * in the comments), and the verdicts of rb_compare() on constructed files.
 */
#include <math.h>

#include "rbtest.h"
#include "compare.h"
#include "stats.h"

#define CHECK_NEAR(x, want, tol)						\
	do {									\
		double _x = (x), _w = (want);					\
		if (!(fabs(_x - _w) <= (tol))) {				\
			fprintf(stderr, "%s:%d: %s = %.12g, want %.12g\n", __FILE__,	\
				__LINE__, #x, _x, _w);				\
			rbt_failed_checks++;					\
		}								\
	} while (0)

RB_TEST(median)
{
	CHECK_NEAR(rb_median((double[]){ 3, 1, 2 }, 3), 2, 0);
	CHECK_NEAR(rb_median((double[]){ 4, 1, 3, 2 }, 4), 2.5, 0);
	CHECK(isnan(rb_median(NULL, 0)));
}

RB_TEST(mwu_exact_distribution)
{
	/*
	 * m = n = 3: the 20 orderings have U = 0..9 with counts
	 * 1 1 2 3 3 3 3 2 1 1, so P(U <= 2) = 4/20 and P(U <= 0) = 1/20.
	 */
	CHECK_NEAR(rb_mwu_cdf_exact(3, 3, 2), 4.0 / 20, 1e-12);
	CHECK_NEAR(rb_mwu_cdf_exact(3, 3, 0), 1.0 / 20, 1e-12);
	CHECK_NEAR(rb_mwu_cdf_exact(3, 3, 9), 1, 1e-12);
	/* m = n = 5: counts 1 1 2 3 5 ..., of C(10,5) = 252: P(U <= 3) = 7/252 */
	CHECK_NEAR(rb_mwu_cdf_exact(5, 5, 3), 7.0 / 252, 1e-12);
	/* m = 4, n = 3: C(7,3) = 35 */
	CHECK_NEAR(rb_mwu_cdf_exact(4, 3, 0), 1.0 / 35, 1e-12);
	CHECK(isnan(rb_mwu_cdf_exact(RB_MWU_EXACT_MAX + 1, 3, 0)));
}

RB_TEST(mwu_pvalues)
{
	struct rb_mwu u;

	/* Complete separation, 3 v 3: U = 9, p = 2 * 1/20 = 0.1 */
	u = rb_mann_whitney((double[]){ 1, 2, 3 }, 3, (double[]){ 4, 5, 6 }, 3);
	CHECK_NEAR(u.u, 9, 0);
	CHECK_NEAR(u.p, 0.1, 1e-12);
	CHECK(u.exact);
	/* the other way round: U = 0, same p */
	u = rb_mann_whitney((double[]){ 4, 5, 6 }, 3, (double[]){ 1, 2, 3 }, 3);
	CHECK_NEAR(u.u, 0, 0);
	CHECK_NEAR(u.p, 0.1, 1e-12);
	/* 4 v 3 separated: p = 2/35 */
	u = rb_mann_whitney((double[]){ 1, 2, 3, 4 }, 4, (double[]){ 5, 6, 7 }, 3);
	CHECK_NEAR(u.p, 2.0 / 35, 1e-12);
	/* 5 v 5 separated: p = 2/252 */
	u = rb_mann_whitney((double[]){ 1, 2, 3, 4, 5 }, 5, (double[]){ 6, 7, 8, 9, 10 }, 5);
	CHECK_NEAR(u.p, 2.0 / 252, 1e-12);
	/*
	 * Interleaved 3 v 3: a = 1 3 5, b = 2 4 6: U = 1 + 2 + 3 = 6;
	 * P(U >= 6) = (3+2+1+1)/20 = 7/20, p = 0.7.
	 */
	u = rb_mann_whitney((double[]){ 1, 3, 5 }, 3, (double[]){ 2, 4, 6 }, 3);
	CHECK_NEAR(u.u, 6, 0);
	CHECK_NEAR(u.p, 0.7, 1e-12);
	/*
	 * Ties: a = 1 1 2, b = 2 3 3. Mid-ranks 1.5 1.5 3.5 | 3.5 5.5 5.5,
	 * R_b = 14.5, U = 14.5 - 6 = 8.5, mu = 4.5; three pairs of ties:
	 * sigma^2 = 9/12 * (7 - 18/30) = 4.8; z = (4 - 0.5)/sqrt(4.8);
	 * p = erfc(z / sqrt 2) = 0.110148924...
	 */
	u = rb_mann_whitney((double[]){ 1, 1, 2 }, 3, (double[]){ 2, 3, 3 }, 3);
	CHECK_NEAR(u.u, 8.5, 0);
	CHECK(!u.exact);
	CHECK_NEAR(u.p, 0.11014892418594698, 1e-12);
	/* All tied: no evidence at all. */
	u = rb_mann_whitney((double[]){ 2, 2 }, 2, (double[]){ 2, 2, 2 }, 3);
	CHECK_NEAR(u.p, 1, 0);
	/* Empty side: undefined. */
	u = rb_mann_whitney(NULL, 0, (double[]){ 1 }, 1);
	CHECK(isnan(u.p));
}

RB_TEST(critical_values)
{
	/* 3 v 3 at 0.05: P(U <= 0) = 0.05 > 0.025: no interval exists. */
	CHECK_EQ(rb_mwu_critical(3, 3, 0.05), -1);
	/* 3 v 3 at 0.10: P(U <= 0) = 0.05 <= 0.05 < P(U <= 1) = 0.1 */
	CHECK_EQ(rb_mwu_critical(3, 3, 0.10), 0);
	/* 5 v 5 at 0.05: P(U <= 2) = 4/252 <= 0.025 < 7/252 (the textbook 2) */
	CHECK_EQ(rb_mwu_critical(5, 5, 0.05), 2);
	/* 8 v 8 at 0.05: the textbook table value is 13 */
	CHECK_EQ(rb_mwu_critical(8, 8, 0.05), 13);
	/*
	 * 60 v 60 (normal): floor(1800 - 0.5 - 1.959964 * sqrt(3600 * 121 / 12))
	 * = floor(1799.5 - 373.42) = 1426.
	 */
	CHECK_EQ(rb_mwu_critical(60, 60, 0.05), 1426);
	CHECK_NEAR(rb_normal_quantile_upper(0.025), 1.959963985, 1e-8);
}

RB_TEST(hodges_lehmann)
{
	double s, lo, hi;

	/*
	 * a = 1 2 3, b = 2 3 4: differences b - a are
	 * 1 2 3 / 0 1 2 / -1 0 1, sorted -1 0 0 1 1 1 2 2 3: median 1.
	 * At alpha 0.10, c = 0: [D(1), D(9)] = [-1, 3]; at 0.05 none.
	 */
	CHECK_EQ(rb_hodges_lehmann((double[]){ 1, 2, 3 }, 3, (double[]){ 2, 3, 4 }, 3, 0.10,
				   &s, &lo, &hi), 0);
	CHECK_NEAR(s, 1, 0);
	CHECK_NEAR(lo, -1, 0);
	CHECK_NEAR(hi, 3, 0);
	rb_hodges_lehmann((double[]){ 1, 2, 3 }, 3, (double[]){ 2, 3, 4 }, 3, 0.05, &s, &lo, &hi);
	CHECK(isinf(lo) && lo < 0 && isinf(hi) && hi > 0);
	/*
	 * Even count: a = 0 10, b = 1 2: differences 1 2 -9 -8, sorted
	 * -9 -8 1 2: median (-8 + 1) / 2 = -3.5.
	 */
	rb_hodges_lehmann((double[]){ 0, 10 }, 2, (double[]){ 1, 2 }, 2, 0.05, &s, &lo, &hi);
	CHECK_NEAR(s, -3.5, 0);
	/* 5 v 5, b = a + 10: all 25 differences are 10 (+-4): c = 2 -> [D3, D23] */
	rb_hodges_lehmann((double[]){ 1, 2, 3, 4, 5 }, 5, (double[]){ 11, 12, 13, 14, 15 }, 5, 0.05,
			  &s, &lo, &hi);
	/* differences 10 + (j - i), i, j = 1..5: values 6..14 with counts 1 2 3 4 5 4 3 2 1 */
	CHECK_NEAR(s, 10, 0);
	CHECK_NEAR(lo, 7, 0);	/* D3: 6, 7, 7 */
	CHECK_NEAR(hi, 13, 0);	/* D23: ..., 13, 13, 14 */
}

RB_TEST(pvalue_adjustment)
{
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];

	/*
	 * Sorted 0.005 0.01 0.03 0.04.
	 * Holm: 4*0.005 = 0.02, 3*0.01 = 0.03, 2*0.03 = 0.06, max(1*0.04, 0.06) = 0.06.
	 * BH:   0.005*4/1 = 0.02, 0.01*4/2 = 0.02, 0.03*4/3 = 0.04, 0.04*4/4 = 0.04,
	 *       then the running minimum from the top: 0.02 0.02 0.04 0.04.
	 */
	CHECK_EQ(rb_adjust_pvalues(p, adj, 4, RB_CORR_HOLM), 0);
	CHECK_NEAR(adj[0], 0.03, 1e-12);
	CHECK_NEAR(adj[1], 0.06, 1e-12);
	CHECK_NEAR(adj[2], 0.06, 1e-12);
	CHECK_NEAR(adj[3], 0.02, 1e-12);
	rb_adjust_pvalues(p, adj, 4, RB_CORR_BH);
	CHECK_NEAR(adj[0], 0.02, 1e-12);
	CHECK_NEAR(adj[1], 0.04, 1e-12);
	CHECK_NEAR(adj[2], 0.04, 1e-12);
	CHECK_NEAR(adj[3], 0.02, 1e-12);
	rb_adjust_pvalues(p, adj, 4, RB_CORR_NONE);
	CHECK_NEAR(adj[1], 0.04, 0);
	/* NaN (exact rows) are left out of the count. */
	double q[] = { 0.01, NAN, 0.02 };

	rb_adjust_pvalues(q, q, 3, RB_CORR_HOLM);
	CHECK_NEAR(q[0], 0.02, 1e-12);
	CHECK(isnan(q[1]));
	CHECK_NEAR(q[2], 0.02, 1e-12);
	/* capped at 1 */
	double r[] = { 0.6, 0.7 };

	rb_adjust_pvalues(r, r, 2, RB_CORR_HOLM);
	CHECK_NEAR(r[0], 1, 0);
}

/* ---- rb_compare() on constructed files ---- */

static char json_buf[1 << 16];

/* One benchmark per (name, values...) group, reps as separate rows. */
static const char *make_json(const char *ctx, const char *unit, const char *name1, const double *v1,
			     size_t n1, const char *name2, const double *v2, size_t n2)
{
	size_t k = 0;

	k += (size_t)snprintf(json_buf + k, sizeof(json_buf) - k, "{\"context\": {%s}, \"benchmarks\": [",
			      ctx);
	for (size_t i = 0; i < n1; i++)
		k += (size_t)snprintf(json_buf + k, sizeof(json_buf) - k,
				      "%s{\"name\": \"%s\", \"run_type\": \"iteration\", \"real_time\": %.17g,"
				      " \"cpu_time\": %.17g, \"time_unit\": \"%s\"}", k && json_buf[k - 1] == '}' ?
				      "," : "", name1, v1[i], v1[i], unit);
	for (size_t i = 0; name2 && i < n2; i++)
		k += (size_t)snprintf(json_buf + k, sizeof(json_buf) - k,
				      ",{\"name\": \"%s\", \"run_type\": \"iteration\", \"real_time\": %.17g,"
				      " \"cpu_time\": %.17g, \"time_unit\": \"%s\"}", name2, v2[i], v2[i], unit);
	/* an aggregate that must be ignored */
	k += (size_t)snprintf(json_buf + k, sizeof(json_buf) - k,
			      ",{\"name\": \"%s_mean\", \"run_name\": \"%s\", \"run_type\": \"aggregate\","
			      " \"aggregate_name\": \"mean\", \"real_time\": 1e9, \"cpu_time\": 1e9}]}",
			      name1, name1);
	return json_buf;
}

static int load(struct gb_file *f, const char *label, const char *json)
{
	char err[GB_ERR_LEN];
	int rc = gb_read_buffer(json, strlen(json), label, GB_REAL_TIME, f, err);

	if (rc)
		fprintf(stderr, "unexpected: %s\n", err);
	return rc;
}

static void noisy(double *v, size_t n, double base, double spread, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = base * (1 + spread * ((double)(seed >> 8 & 0xffff) / 65535.0 - 0.5));
	}
}

static struct rb_cmp_opts default_opts(void)
{
	return (struct rb_cmp_opts){ .alpha = 0.05, .threshold = -1, .correction = RB_CORR_HOLM,
				     .metric = GB_REAL_TIME, .format = RB_FMT_TEXT };
}

/* Compare two constructed files; returns rb_compare's code, row verdicts in @r. */
static int run_compare(const char *ja, const char *jb, struct rb_cmp_opts o, struct rb_cmp_result *r,
		       char err[GB_ERR_LEN])
{
	static struct gb_file a, b;
	char *sa = strdup(ja);
	int rc;

	gb_free(&a);
	gb_free(&b);
	if (load(&a, "A", sa) || load(&b, "B", jb)) {
		free(sa);
		return -1;
	}
	free(sa);
	rc = rb_compare(&a, &b, &o, r, err);
	if (rc == 0) {
		FILE *null = fopen("/dev/null", "w");

		for (int f = RB_FMT_TEXT; f <= RB_FMT_JSON; f++) {
			r->opts.format = f;
			rb_compare_print(r, null);
		}
		fclose(null);
	}
	return rc;
}

RB_TEST(verdicts)
{
	double a[20], b[20], c[20];
	char err[GB_ERR_LEN], *ja;
	struct rb_cmp_result r;
	struct rb_cmp_opts o = default_opts();

	noisy(a, 20, 100, 0.01, 1);
	noisy(b, 20, 110, 0.01, 2);	/* +10%, 1% spread */
	noisy(c, 20, 100, 0.01, 3);
	ja = strdup(make_json("\"machine_key\": \"m\"", "ns", "x/a", a, 20, "x/b", c, 20));
	/* x/a +10%: regression; x/b the same: no change */
	CHECK_EQ(run_compare(ja, make_json("\"machine_key\": \"m\"", "ns", "x/a", b, 20, "x/b", c, 20),
			     o, &r, err), 0);
	CHECK_EQ(r.nrows, 2);
	CHECK_EQ(r.rows[0].verdict, RB_REGRESSION);
	CHECK_NEAR(r.rows[0].change, 0.10, 0.01);
	CHECK(r.rows[0].lo > 0.08 && r.rows[0].hi < 0.12);
	CHECK_EQ(r.rows[1].verdict, RB_NO_CHANGE);
	CHECK_NEAR(r.rows[1].change, 0, 1e-12);
	CHECK_EQ(r.exit_code, 1);
	rb_compare_free(&r);
	/* the other way round: an improvement, exit 0 */
	CHECK_EQ(run_compare(make_json("\"machine_key\": \"m\"", "ns", "x/a", b, 20, "x/b", c, 20), ja,
			     o, &r, err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_IMPROVEMENT);
	CHECK_EQ(r.exit_code, 0);
	rb_compare_free(&r);
	/* a change below the threshold is no change: +10% with a 20% threshold */
	o.threshold = 0.20;
	CHECK_EQ(run_compare(ja, make_json("\"machine_key\": \"m\"", "ns", "x/a", b, 20, "x/b", c, 20),
			     o, &r, err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
	rb_compare_free(&r);
	free(ja);
}

RB_TEST(too_noisy_says_how_many)
{
	double a[5], b[5];
	char err[GB_ERR_LEN], *ja;
	struct rb_cmp_result r;

	noisy(a, 5, 100, 0.40, 7);	/* +-20% noise, 5 reps: the interval is wide */
	noisy(b, 5, 100, 0.40, 8);
	ja = strdup(make_json("", "ns", "x/a", a, 5, NULL, NULL, 0));
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", b, 5, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_TOO_NOISY);
	CHECK(r.rows[0].reps_needed > 5);
	CHECK_EQ(r.exit_code, 0);
	rb_compare_free(&r);
	free(ja);
	/* two repetitions: no 95% interval exists at all; it needs at least 4 */
	ja = strdup(make_json("", "ns", "x/a", a, 2, NULL, NULL, 0));
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", b, 2, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_TOO_NOISY);
	CHECK_EQ(r.rows[0].reps_needed, 4);
	rb_compare_free(&r);
	free(ja);
	/*
	 * Two benchmarks, Holm: the most significant must reach 0.05 / 2, which an
	 * exact test first can at 5 per side (2 / C(10,5) = 0.008; 2 / C(8,4) =
	 * 0.029 is not enough). With BH the largest p is held to 0.05: 4.
	 */
	ja = strdup(make_json("", "ns", "x/a", a, 2, "x/b", b, 2));
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", b, 2, "x/b", a, 2), default_opts(), &r,
			     err), 0);
	CHECK_EQ(r.rows[0].reps_needed, 5);
	CHECK_EQ(r.rows[1].reps_needed, 5);
	rb_compare_free(&r);
	struct rb_cmp_opts bh = default_opts();

	bh.correction = RB_CORR_BH;
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", b, 2, "x/b", a, 2), bh, &r, err), 0);
	CHECK_EQ(r.rows[0].reps_needed, 4);
	rb_compare_free(&r);
	free(ja);
}

RB_TEST(units_convert)
{
	double ns[6] = { 1000, 1010, 990, 1005, 995, 1000 }, us[6];
	char err[GB_ERR_LEN], *ja;
	struct rb_cmp_result r;

	for (int i = 0; i < 6; i++)
		us[i] = ns[i] / 1000;
	ja = strdup(make_json("", "ns", "x/a", ns, 6, NULL, NULL, 0));
	CHECK_EQ(run_compare(ja, make_json("", "us", "x/a", us, 6, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK_NEAR(r.rows[0].change, 0, 1e-12);
	CHECK_NEAR(r.rows[0].med_b, 1000, 1e-9);
	CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
	rb_compare_free(&r);
	free(ja);
}

RB_TEST(instruction_counts_are_exact)
{
	const char *ctx = "\"machine_key\": \"m\", \"refbench_measure\": \"instructions\"";
	double a[1] = { 1000 }, b5[1] = { 1005 }, b1[1] = { 1001 }, b0[1] = { 1000 };
	char err[GB_ERR_LEN], *ja;
	struct rb_cmp_result r;

	ja = strdup(make_json(ctx, "ns", "x/a", a, 1, NULL, NULL, 0));
	/* +0.5%: above the 0.25% default threshold, a regression with one row each */
	CHECK_EQ(run_compare(ja, make_json(ctx, "ns", "x/a", b5, 1, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK(r.instructions);
	CHECK(r.rows[0].deterministic);
	CHECK_EQ(r.rows[0].verdict, RB_REGRESSION);
	CHECK_EQ(r.exit_code, 1);
	rb_compare_free(&r);
	/* +0.1%: below it */
	CHECK_EQ(run_compare(ja, make_json(ctx, "ns", "x/a", b1, 1, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
	rb_compare_free(&r);
	/* equal: no change, exit 0 */
	CHECK_EQ(run_compare(ja, make_json(ctx, "ns", "x/a", b0, 1, NULL, NULL, 0), default_opts(), &r,
			     err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
	CHECK_NEAR(r.rows[0].change, 0, 0);
	CHECK_EQ(r.exit_code, 0);
	rb_compare_free(&r);
	/* instructions against times: refused */
	CHECK_EQ(run_compare(ja, make_json("\"machine_key\": \"m\"", "ns", "x/a", b0, 1, NULL, NULL, 0),
			     default_opts(), &r, err), 2);
	CHECK(strstr(err, "cannot be compared") != NULL);
	rb_compare_free(&r);
	free(ja);
}

RB_TEST(refusals)
{
	double v[4] = { 10, 11, 10.5, 10.2 };
	char err[GB_ERR_LEN], *ja;
	struct rb_cmp_result r;
	struct rb_cmp_opts o = default_opts();

	/* machine keys differ */
	ja = strdup(make_json("\"machine_key\": \"m1\"", "ns", "x/a", v, 4, NULL, NULL, 0));
	CHECK_EQ(run_compare(ja, make_json("\"machine_key\": \"m2\"", "ns", "x/a", v, 4, NULL, NULL, 0),
			     o, &r, err), 2);
	CHECK(strstr(err, "machine keys differ") && strstr(err, "--ignore-machine"));
	rb_compare_free(&r);
	/* a key against none: 'unknown', said so */
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", v, 4, NULL, NULL, 0), o, &r, err), 2);
	CHECK(strstr(err, "'unknown'") != NULL);
	rb_compare_free(&r);
	o.ignore_machine = 1;
	CHECK_EQ(run_compare(ja, make_json("\"machine_key\": \"m2\"", "ns", "x/a", v, 4, NULL, NULL, 0),
			     o, &r, err), 0);
	CHECK(r.nnotes >= 1);
	rb_compare_free(&r);
	free(ja);
	o = default_opts();
	/* benchmark sets differ */
	ja = strdup(make_json("", "ns", "x/a", v, 4, "x/b", v, 4));
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", v, 4, "x/c", v, 4), o, &r, err), 2);
	CHECK(strstr(err, "benchmark sets differ") && strstr(err, "x/b") && strstr(err, "x/c"));
	rb_compare_free(&r);
	o.allow_missing = 1;
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", v, 4, "x/c", v, 4), o, &r, err), 0);
	CHECK_EQ(r.nrows, 1);
	rb_compare_free(&r);
	/* a filter that selects the common ones makes the sets equal */
	o.allow_missing = 0;
	o.filter = "^x/a$";
	CHECK_EQ(run_compare(ja, make_json("", "ns", "x/a", v, 4, "x/c", v, 4), o, &r, err), 0);
	CHECK_EQ(r.nrows, 1);
	rb_compare_free(&r);
	/* a filter that selects nothing, and a bad one */
	o.filter = "^nothing$";
	CHECK_EQ(run_compare(ja, ja, o, &r, err), 2);
	CHECK(strstr(err, "no benchmark to compare") != NULL);
	rb_compare_free(&r);
	o.filter = "(";
	CHECK_EQ(run_compare(ja, ja, o, &r, err), 2);
	CHECK(strstr(err, "--filter") != NULL);
	rb_compare_free(&r);
	free(ja);
	/* an error row: refused unless --allow-missing */
	o = default_opts();
	ja = strdup("{\"benchmarks\": [{\"name\": \"x/a\", \"run_type\": \"iteration\", \"real_time\": 1},"
		    "{\"name\": \"x/b\", \"run_type\": \"iteration\", \"real_time\": 1}]}");
	const char *jerr = "{\"benchmarks\": [{\"name\": \"x/a\", \"run_type\": \"iteration\", "
			   "\"real_time\": 1}, {\"name\": \"x/b\", \"run_type\": \"iteration\", "
			   "\"error_occurred\": true, \"error_message\": \"boom\"}]}";
	CHECK_EQ(run_compare(ja, jerr, o, &r, err), 2);
	CHECK(strstr(err, "boom") != NULL);
	rb_compare_free(&r);
	o.allow_missing = 1;
	CHECK_EQ(run_compare(ja, jerr, o, &r, err), 0);
	CHECK_EQ(r.nrows, 1);
	rb_compare_free(&r);
	free(ja);
}

/*
 * Student's t and Welch's test, against R (the Welch p checked by numerical integration):
 *   2 * pt(-2.228139, 10) = 0.05;  qt(0.975, 10) = 2.228139;  qt(0.975, 4) = 2.776445
 *   2 * pt(-1, 1) = 0.5 (Cauchy);  2 * pt(-3, 2) = 0.09546597
 *   t.test(c(2,4,6,8,10), c(1,2,3,4,5)): t = 1.897367, df = 5.882353, p = 0.1075312,
 *   95% interval of the difference [-0.8878, 6.8878]
 */
RB_TEST(student_t_and_welch)
{
	struct rb_welch w;

	CHECK_NEAR(rb_t_p_two_sided(2.228139, 10), 0.05, 1e-6);
	CHECK_NEAR(rb_t_quantile_two_sided(0.05, 10), 2.228139, 1e-5);
	CHECK_NEAR(rb_t_quantile_two_sided(0.05, 4), 2.776445, 1e-5);
	CHECK_NEAR(rb_t_p_two_sided(1, 1), 0.5, 1e-9);
	CHECK_NEAR(rb_t_p_two_sided(3, 2), 0.09546597, 1e-7);
	CHECK_NEAR(rb_t_p_two_sided(0, 7), 1, 1e-12);
	CHECK(isnan(rb_t_p_two_sided(1, 0)));
	CHECK_EQ(rb_welch((double[]){ 1, 2, 3, 4, 5 }, 5, (double[]){ 2, 4, 6, 8, 10 }, 5, 0.05, &w), 0);
	CHECK_NEAR(w.shift, 3, 1e-12);
	CHECK_NEAR(w.t, 1.897367, 1e-6);
	CHECK_NEAR(w.df, 5.882353, 1e-6);
	CHECK_NEAR(w.p, 0.1075312, 1e-6);
	CHECK_NEAR(w.lo, -0.8878, 1e-3);
	CHECK_NEAR(w.hi, 6.8878, 1e-3);
	CHECK_EQ(w.pooled_from, 0);
	/* one value on a side: the other side's variance, df = n - 1 (var 2.5: se = sqrt(2.5 * 1.2)) */
	CHECK_EQ(rb_welch((double[]){ 1, 2, 3, 4, 5 }, 5, (double[]){ 6 }, 1, 0.05, &w), 0);
	CHECK_NEAR(w.se, sqrt(3.0), 1e-12);
	CHECK_NEAR(w.df, 4, 0);
	CHECK_EQ(w.pooled_from, 1);
	/* neither side has two values */
	CHECK_EQ(rb_welch((double[]){ 1 }, 1, (double[]){ 2 }, 1, 0.05, &w), -1);
}

/*
 * Yuen's trimmed-mean test (20%), by hand (Wilcox 5.3): a = 1 2 3 4 100 (one
 * outlying process), b = 2 3 4 5 6; g = 1, h = 3 a side. Trimmed means 3 and
 * 4; winsorized samples 2 2 3 4 4 and 3 3 4 5 5, variances 1 and 1; d = 4 * 1
 * / (3 * 2) = 2/3 a side; se = sqrt(4/3); t = 1 / 1.154701 = 0.8660254;
 * df = (4/3)^2 / ((2/3)^2 / 2 * 2) = 4; p = 2 * (1 - F4(t)) with the closed
 * form F4(t) = 1/2 + t (t^2 + 6) / (2 (t^2 + 4)^1.5) = 0.7823345: 0.4353309;
 * interval 1 -+ qt(0.975, 4) se = 1 -+ 3.205961. Welch on the same values:
 * shift -18 (the outlier's mean). gamma 0 is Welch's exactly.
 */
RB_TEST(yuen_trimmed_means)
{
	const double a[] = { 1, 2, 3, 4, 100 }, b[] = { 2, 3, 4, 5, 6 };
	struct rb_welch w, y;

	CHECK_EQ(rb_yuen(a, 5, b, 5, 0.2, 0.05, &y), 0);
	CHECK_NEAR(y.shift, 1, 1e-12);
	CHECK_NEAR(y.se, sqrt(4.0 / 3), 1e-12);
	CHECK_NEAR(y.t, 0.8660254, 1e-7);
	CHECK_NEAR(y.df, 4, 1e-12);
	CHECK_NEAR(y.p, 0.4353309, 1e-6);
	CHECK_NEAR(y.lo, 1 - 3.205961, 1e-5);
	CHECK_NEAR(y.hi, 1 + 3.205961, 1e-5);
	CHECK_EQ(rb_welch(a, 5, b, 5, 0.05, &w), 0);
	CHECK_NEAR(w.shift, -18, 1e-12);
	/* the order of the values does not matter */
	CHECK_EQ(rb_yuen((double[]){ 100, 4, 1, 3, 2 }, 5, (double[]){ 6, 2, 5, 3, 4 }, 5, 0.2, 0.05, &w), 0);
	CHECK_NEAR(w.shift, y.shift, 1e-12);
	CHECK_NEAR(w.p, y.p, 1e-12);
	/* gamma 0: Welch's test */
	CHECK_EQ(rb_yuen((double[]){ 1, 2, 3, 4, 5 }, 5, (double[]){ 2, 4, 6, 8, 10 }, 5, 0, 0.05, &y), 0);
	CHECK_NEAR(y.t, 1.897367, 1e-6);
	CHECK_NEAR(y.df, 5.882353, 1e-6);
	/* 10 a side: g = 2, h = 6; 0 1 ... 9 against itself + 5, both ends wild */
	{
		double c[10], d[10];

		for (int i = 0; i < 10; i++) {
			c[i] = i;
			d[i] = i + 5;
		}
		c[0] = -1000;
		d[9] = 1e6;
		CHECK_EQ(rb_yuen(c, 10, d, 10, 0.2, 0.05, &y), 0);
		/* trimmed means of 2..7 and 7..12: 4.5 and 9.5 */
		CHECK_NEAR(y.shift, 5, 1e-12);
		/* winsorized 2 2 2 3 4 5 6 7 7 7: variance 42.5 / 9, d = 9 * s_w^2 / 30 a side */
		CHECK_NEAR(y.se, sqrt(2 * 9 * (42.5 / 9) / 30), 1e-9);
		CHECK_NEAR(y.df, 10, 1e-9);
	}
	/* one value a side: -1; gamma out of range: -1 */
	CHECK_EQ(rb_yuen((double[]){ 1 }, 1, (double[]){ 2 }, 1, 0.2, 0.05, &y), -1);
	CHECK_EQ(rb_yuen(a, 5, b, 5, 0.5, 0.05, &y), -1);
	/* one value on a side: the other side's spread (as Welch's) */
	CHECK_EQ(rb_yuen(a, 5, (double[]){ 4 }, 1, 0.2, 0.05, &y), 0);
	CHECK_EQ(y.pooled_from, 1);
	CHECK_NEAR(y.shift, 1, 1e-12);
	CHECK_NEAR(y.df, 2, 1e-12);
}

/* One benchmark x/a as @k runs (processes) of one repetition each: base * exp(@d[i]) * @f[i]. */
static char *runs_json(size_t k, double base, const double *d, const double *f)
{
	static char buf[8192];
	size_t n = 0;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"context\": {}, \"benchmarks\": [");
	for (size_t i = 0; i < k; i++) {
		double v = base * exp(d[i]) * (f ? f[i] : 1);

		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "%s{\"name\": \"x/a\", \"run_type\": \"iteration\", "
				      "\"refbench_run\": %zu, \"repetition_index\": 0, "
				      "\"real_time\": %.17g, \"cpu_time\": %.17g, \"time_unit\": \"ns\"}",
				      i ? "," : "", i, v, v);
	}
	snprintf(buf + n, sizeof(buf) - n, "]}");
	return strdup(buf);
}

/*
 * Process level: Yuen's trimmed means are not moved by one outlying process
 * (Welch's are), "no change (+-X%)" uses the row's margin (the threshold for
 * processes that agree, the baseline's resolution when wider, too noisy over
 * the cap), and a real +10% on quiet processes is a regression.
 */
RB_TEST(process_level_margin)
{
	const double quiet[8] = { -0.002, -0.001, 0, 0.001, 0.002, 0.0005, -0.0005, 0.0015 };
	const double loud[8] = { -0.05, 0.04, -0.03, 0.05, 0.02, -0.04, 0.03, -0.02 };
	const double shuffled[8] = { 0.001, -0.002, 0.0015, 0, -0.0005, 0.002, -0.001, 0.0005 };
	const double outlier[8] = { 1, 1, 1, 1.5, 1, 1, 1, 1 };
	const double up10[8] = { 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1 };
	struct rb_cmp_opts o = default_opts();
	struct rb_cmp_result r;
	char err[GB_ERR_LEN], *a, *b;

	o.hf_mode = RB_HF_NONE;
	/* quiet processes, one of B's 1.5x: Yuen says no change at the threshold */
	a = runs_json(8, 100, quiet, NULL);
	b = runs_json(8, 100, shuffled, outlier);
	CHECK_EQ(run_compare(a, b, o, &r, err), 0);
	CHECK_EQ(r.nrows, 1);
	CHECK(r.rows[0].by_process);
	CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
	CHECK_NEAR(r.rows[0].margin, 0.03, 1e-12);
	CHECK(fabs(r.rows[0].change) < 0.003);
	rb_compare_free(&r);
	/* Welch on the same: the mean moves by about 1/8 of 50%, the interval widens */
	o.process_test = RB_PT_WELCH;
	CHECK_EQ(run_compare(a, b, o, &r, err), 0);
	CHECK(r.rows[0].change > 0.04);
	CHECK_EQ(r.rows[0].verdict, RB_TOO_NOISY);
	rb_compare_free(&r);
	o.process_test = RB_PT_YUEN;
	free(b);
	/* +10% on every quiet process: a regression */
	b = runs_json(8, 100, shuffled, up10);
	CHECK_EQ(run_compare(a, b, o, &r, err), 0);
	CHECK_EQ(r.rows[0].verdict, RB_REGRESSION);
	CHECK_NEAR(r.rows[0].change, 0.10, 0.005);
	rb_compare_free(&r);
	free(a);
	free(b);
	/*
	 * processes spread over +-5%: the margin is the baseline's resolution
	 * (2 x Yuen's half-width of 8 against 8 with that spread), over the 10%
	 * cap: too noisy although B equals A; with a 50% cap, no change (+-X%)
	 */
	a = runs_json(8, 100, loud, NULL);
	b = runs_json(8, 100, loud, NULL);
	{
		struct rb_welch w;
		double la[8];

		for (int i = 0; i < 8; i++)
			la[i] = loud[i];
		CHECK_EQ(rb_yuen(la, 8, la, 8, 0.2, 0.05, &w), 0);
		CHECK_EQ(run_compare(a, b, o, &r, err), 0);
		CHECK_NEAR(r.rows[0].resolution, expm1(2 * rb_t_quantile_two_sided(0.05, w.df) * w.se),
			   1e-9);
		CHECK(r.rows[0].margin > 0.10);
		CHECK(r.rows[0].over_cap);
		CHECK_EQ(r.rows[0].verdict, RB_TOO_NOISY);
		rb_compare_free(&r);
		o.margin_cap = 0.5;
		CHECK_EQ(run_compare(a, b, o, &r, err), 0);
		CHECK_EQ(r.rows[0].verdict, RB_NO_CHANGE);
		CHECK(!r.rows[0].over_cap);
		CHECK(r.rows[0].lo > -r.rows[0].margin && r.rows[0].hi < r.rows[0].margin);
		rb_compare_free(&r);
	}
	free(a);
	free(b);
}

RB_TEST_MAIN(RBT_CASE(median) RBT_CASE(mwu_exact_distribution) RBT_CASE(mwu_pvalues)
	     RBT_CASE(critical_values) RBT_CASE(hodges_lehmann) RBT_CASE(pvalue_adjustment)
	     RBT_CASE(verdicts) RBT_CASE(too_noisy_says_how_many) RBT_CASE(units_convert)
	     RBT_CASE(instruction_counts_are_exact) RBT_CASE(refusals)
	     RBT_CASE(student_t_and_welch) RBT_CASE(yuen_trimmed_means)
	     RBT_CASE(process_level_margin))
