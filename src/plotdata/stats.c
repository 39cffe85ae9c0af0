// SPDX-License-Identifier: GPL-2.0
/* refbench-plotdata: the few statistics the figures show. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median; for an even count, the mean of the two middle values. */
double pd_median(const double *v, int n)
{
	double *s, m;

	if (n <= 0)
		return NAN;
	s = pd_xmalloc(sizeof(*s) * (size_t)n);
	memcpy(s, v, sizeof(*s) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

double pd_min(const double *v, int n)
{
	double m = n > 0 ? v[0] : NAN;

	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double pd_max(const double *v, int n)
{
	double m = n > 0 ? v[0] : NAN;

	for (int i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

double pd_mean(const double *v, int n)
{
	double s = 0;

	if (n <= 0)
		return NAN;
	for (int i = 0; i < n; i++)
		s += v[i];
	return s / n;
}

/* A cell's time per op: the median of its repetitions, else GB's _median. */
double pd_cell_median(const struct pd_cell *c)
{
	if (c->n > 0)
		return pd_median(c->ns, c->n);
	if (c->from_median)
		return c->agg_median;
	return NAN;
}
