// SPDX-License-Identifier: GPL-2.0
/* The Google Benchmark JSON reader (see gbjson.h). */
#include "gbjson.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

static int fail(char err[GB_ERR_LEN], const char *label, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(err, GB_ERR_LEN, "%s: ", label);

	if (k < 0 || k >= GB_ERR_LEN)
		k = 0;
	va_start(ap, fmt);
	vsnprintf(err + k, GB_ERR_LEN - (size_t)k, fmt, ap);
	va_end(ap);
	/* One line, whatever the input put into a name or message. */
	for (char *c = err; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return -1;
}

void gb_free(struct gb_file *f)
{
	for (size_t i = 0; i < f->nb; i++) {
		free(f->b[i].name);
		free(f->b[i].v);
		free(f->b[i].run);
		free(f->b[i].rep);
		free(f->b[i].error);
	}
	free(f->b);
	free(f->index);
	for (size_t i = 0; i < f->nruns; i++)
		free(f->runs[i]);
	free(f->runs);
	free(f->path);
	if (f->root)
		json_decref(f->root);
	memset(f, 0, sizeof(*f));
}

void gb_drop_rows(struct gb_file *f)
{
	if (f->root)
		json_object_del(f->root, "benchmarks");
}

/* FNV-1a over a string, then more bytes: the names' hash and the runs' fingerprints. */
static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}
#define FNV0 14695981039346656037ULL

/*
 * Names are found through an open-addressing table (linear probing, at most
 * half full), so reading and pairing are linear in the number of rows, not
 * quadratic in the number of benchmarks.
 */
static size_t *slot_of(const struct gb_file *f, const char *name)
{
	size_t mask = f->index_cap - 1, i = (size_t)fnv(FNV0, name, strlen(name)) & mask;

	while (f->index[i] && strcmp(f->b[f->index[i] - 1].name, name))
		i = (i + 1) & mask;
	return &f->index[i];
}

const struct gb_bench *gb_find(const struct gb_file *f, const char *name)
{
	size_t *s;

	if (!f->index_cap)
		return NULL;
	s = slot_of(f, name);
	return *s ? &f->b[*s - 1] : NULL;
}

static int grow_index(struct gb_file *f)
{
	size_t cap = f->index_cap ? 2 * f->index_cap : 64, *old = f->index, oldcap = f->index_cap;

	f->index = calloc(cap, sizeof(*f->index));
	if (!f->index) {
		f->index = old;
		return -1;
	}
	f->index_cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			*slot_of(f, f->b[old[i] - 1].name) = old[i];
	free(old);
	return 0;
}

const char *gb_context(const struct gb_file *f, const char *key)
{
	json_t *ctx = f->root ? json_object_get(f->root, "context") : NULL;
	json_t *v = ctx ? json_object_get(ctx, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static struct gb_bench *get_bench(struct gb_file *f, const char *name)
{
	struct gb_bench *nb;
	size_t *s, cap;

	if (2 * (f->nb + 1) > f->index_cap && grow_index(f))
		return NULL;
	s = slot_of(f, name);
	if (*s)
		return &f->b[*s - 1];
	if (f->nb == f->bcap) {
		cap = f->bcap ? 2 * f->bcap : 16;
		nb = realloc(f->b, cap * sizeof(*nb));
		if (!nb)
			return NULL;
		f->b = nb;
		f->bcap = cap;
	}
	nb = &f->b[f->nb];
	memset(nb, 0, sizeof(*nb));
	nb->name = strdup(name);
	if (!nb->name)
		return NULL;
	nb->threads = 1;
	f->nb++;
	*s = f->nb;
	return nb;
}

static int push(struct gb_bench *b, double v, unsigned run, long rep)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4;
		double *nv = realloc(b->v, cap * sizeof(*nv));
		unsigned *nr;
		long *np;

		if (!nv)
			return -1;
		b->v = nv;
		nr = realloc(b->run, cap * sizeof(*nr));
		if (!nr)
			return -1;
		b->run = nr;
		np = realloc(b->rep, cap * sizeof(*np));
		if (!np)
			return -1;
		b->rep = np;
		b->cap = cap;
	}
	b->v[b->n] = v;
	b->run[b->n] = run;
	b->rep[b->n] = rep;
	b->n++;
	return 0;
}

/* Nanoseconds per time_unit; 0 if unknown. */
static double unit_ns(const char *u)
{
	static const struct { const char *u; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(u, units[i].u))
			return units[i].ns;
	return 0;
}

/* A printable, bounded excerpt of a name for messages. */
static const char *shown(const char *s, char buf[64])
{
	size_t i;

	for (i = 0; s[i] && i < 60; i++)
		buf[i] = (s[i] >= 32 && s[i] < 127) ? s[i] : '?';
	if (s[i])
		buf[i++] = '~';
	buf[i] = '\0';
	return buf;
}


/* The runs of a file: a label per process that produced rows, found by hash. */
struct run_table {
	size_t *slot, cap;	/* run index + 1 */
	uint64_t *fp;		/* per run: fingerprint of its (name, repetition, value) rows */
	size_t *rows, alloc;
};

static long run_index(struct gb_file *f, struct run_table *t, const char *label)
{
	size_t mask, i;

	if (2 * (f->nruns + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16, *ns = calloc(cap, sizeof(*ns));

		if (!ns)
			return -1;
		for (size_t k = 0; k < t->cap; k++)
			if (t->slot[k]) {
				size_t j = (size_t)fnv(FNV0, f->runs[t->slot[k] - 1],
						       strlen(f->runs[t->slot[k] - 1])) & (cap - 1);

				while (ns[j])
					j = (j + 1) & (cap - 1);
				ns[j] = t->slot[k];
			}
		free(t->slot);
		t->slot = ns;
		t->cap = cap;
	}
	mask = t->cap - 1;
	i = (size_t)fnv(FNV0, label, strlen(label)) & mask;
	while (t->slot[i] && strcmp(f->runs[t->slot[i] - 1], label))
		i = (i + 1) & mask;
	if (t->slot[i])
		return (long)t->slot[i] - 1;
	if (f->nruns == t->alloc) {
		size_t cap = t->alloc ? 2 * t->alloc : 8;
		char **nr = realloc(f->runs, cap * sizeof(*nr));
		uint64_t *nf;
		size_t *nn;

		if (!nr)
			return -1;
		f->runs = nr;
		nf = realloc(t->fp, cap * sizeof(*nf));
		if (!nf)
			return -1;
		t->fp = nf;
		nn = realloc(t->rows, cap * sizeof(*nn));
		if (!nn)
			return -1;
		t->rows = nn;
		t->alloc = cap;
	}
	f->runs[f->nruns] = strdup(label);
	if (!f->runs[f->nruns])
		return -1;
	t->fp[f->nruns] = FNV0;
	t->rows[f->nruns] = 0;
	t->slot[i] = ++f->nruns;
	return (long)f->nruns - 1;
}

/*
 * The row's run: "refbench_run" (refbench-compare --merge numbers its input
 * files) and "matrix_cell" (refbench-matrix: one process per cell); "" for a
 * plain single run.
 */
static void run_label(json_t *row, char *buf, size_t len)
{
	json_t *r = json_object_get(row, "refbench_run"), *c = json_object_get(row, "matrix_cell");
	json_t *p = json_object_get(row, "matrix_process");
	char rs[64] = "", cs[64] = "", ps[40] = "";

	if (json_is_integer(r))
		snprintf(rs, sizeof(rs), "run %lld", (long long)json_integer_value(r));
	else if (json_is_string(r))
		snprintf(rs, sizeof(rs), "run %.50s", json_string_value(r));
	/* refbench-matrix --processes: the cell's process (ratios pair process k with k) */
	if (json_is_integer(p))
		snprintf(ps, sizeof(ps), "process %lld", (long long)json_integer_value(p));
	if (json_is_string(c))
		snprintf(cs, sizeof(cs), "cell %.50s", json_string_value(c));
	snprintf(buf, len, "%s%s%s%s%s", rs, *rs && (*ps || *cs) ? ", " : "", ps,
		 *ps && *cs ? ", " : "", cs);
}

struct key {
	unsigned run;
	long rep;
	size_t i;
};

static int cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;

	if (a->run != b->run)
		return a->run < b->run ? -1 : 1;
	if (a->rep != b->rep)
		return a->rep < b->rep ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

struct runfp {
	size_t rows;
	uint64_t fp;
	size_t i;
};

/* Runs by (row count, fingerprint). */
static int cmp_fp(const void *x, const void *y)
{
	const struct runfp *a = x, *b = y;

	if (a->rows != b->rows)
		return a->rows < b->rows ? -1 : 1;
	if (a->fp != b->fp)
		return a->fp < b->fp ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/*
 * A repetition is counted once: two rows of one benchmark with the same run
 * and repetition_index are one measurement written twice (a hand-made merge,
 * a file concatenated with itself), and two runs whose rows are identical to
 * the last bit are one run merged twice (times are never exactly repeatable;
 * instruction counts are, so that check is for times only).
 */
static int check_duplicates(struct gb_file *f, struct run_table *t, const char *label,
			    char err[GB_ERR_LEN])
{
	char nb[64];

	for (size_t i = 0; i < f->nb; i++) {
		const struct gb_bench *b = &f->b[i];
		struct key *k;
		size_t j, with_rep = 0;

		for (j = 0; j < b->n; j++)
			with_rep += b->rep[j] >= 0;
		if (with_rep < 2)
			continue;
		k = malloc(with_rep * sizeof(*k));
		if (!k)
			return fail(err, label, "out of memory");
		with_rep = 0;
		for (j = 0; j < b->n; j++)
			if (b->rep[j] >= 0)
				k[with_rep++] = (struct key){ b->run[j], b->rep[j], j };
		qsort(k, with_rep, sizeof(*k), cmp_key);
		for (j = 1; j < with_rep; j++)
			if (k[j].run == k[j - 1].run && k[j].rep == k[j - 1].rep) {
				unsigned run = k[j].run;
				long rep = k[j].rep;

				free(k);
				return fail(err, label, "%s: two rows of repetition_index %ld%s%s: a "
					    "repetition is counted once (a duplicated row?)",
					    shown(b->name, nb), rep, *f->runs[run] ? " in " : "",
					    f->runs[run]);
			}
		free(k);
	}
	if (!strcmp(f->measure, "instructions"))
		return 0;
	if (f->nruns > 1) {
		struct runfp *k = malloc(f->nruns * sizeof(*k));
		size_t j;

		if (!k)
			return fail(err, label, "out of memory");
		for (j = 0; j < f->nruns; j++)
			k[j] = (struct runfp){ t->rows[j], t->fp[j], j };
		qsort(k, f->nruns, sizeof(*k), cmp_fp);
		for (j = 1; j < f->nruns; j++) {
			size_t x = k[j - 1].i, y = k[j].i;

			if (t->rows[x] && t->rows[x] == t->rows[y] && t->fp[x] == t->fp[y]) {
				free(k);
				if (x > y) {
					size_t z = x;

					x = y;
					y = z;
				}
				return fail(err, label, "%s and %s hold identical rows (%zu): the same "
					    "run merged twice? A repetition is counted once",
					    *f->runs[x] ? f->runs[x] : "the first run", f->runs[y],
					    t->rows[y]);
			}
		}
		free(k);
	}
	return 0;
}

#define FAIL(...) do { fail(err, label, __VA_ARGS__); goto out; } while (0)
static int read_rows(struct gb_file *f, const char *label, enum gb_metric metric,
		     char err[GB_ERR_LEN])
{
	const char *key = metric == GB_CPU_TIME ? "cpu_time" : "real_time";
	json_t *rows = json_object_get(f->root, "benchmarks");
	size_t i, used = 0;
	json_t *row;
	char nb[64], rl[128];
	struct run_table t = { 0 };
	int rc = -1;

	if (!rows)
		FAIL( "no \"benchmarks\" array: not Google Benchmark JSON output");
	if (!json_is_array(rows))
		FAIL( "\"benchmarks\" is not an array: not Google Benchmark JSON output");
	json_array_foreach(rows, i, row) {
		json_t *name, *rname, *rt, *tu, *val, *eo;
		const char *n, *unit = "ns";
		struct gb_bench *b;
		double ns, v;
		json_t *rep;
		long run, ri;

		if (!json_is_object(row))
			FAIL( "benchmarks[%zu] is not an object", i);
		name = json_object_get(row, "name");
		rname = json_object_get(row, "run_name");
		if (!json_is_string(name))
			FAIL( "benchmarks[%zu] has no \"name\" string", i);
		if (rname && !json_is_string(rname))
			FAIL( "benchmarks[%zu]: \"run_name\" is not a string", i);
		n = json_string_value(rname ? rname : name);
		if (!*n)
			FAIL( "benchmarks[%zu] has an empty name", i);
		rt = json_object_get(row, "run_type");
		if (rt) {
			if (!json_is_string(rt))
				FAIL( "%s: \"run_type\" is not a string", shown(n, nb));
			if (!strcmp(json_string_value(rt), "aggregate"))
				continue;
			if (strcmp(json_string_value(rt), "iteration"))
				FAIL( "%s: unknown run_type \"%.40s\"", shown(n, nb),
					    json_string_value(rt));
		} else if (json_object_get(row, "aggregate_name")) {
			continue;	/* Google Benchmark before 1.5: no run_type */
		}
		b = get_bench(f, n);
		if (!b)
			FAIL( "out of memory");
		eo = json_object_get(row, "error_occurred");
		if (eo && !json_is_boolean(eo))
			FAIL( "%s: \"error_occurred\" is not a boolean", shown(n, nb));
		if (json_is_true(eo)) {
			json_t *msg = json_object_get(row, "error_message");

			b->errors++;
			if (!b->error) {
				b->error = strdup(json_is_string(msg) ? json_string_value(msg) : "error");
				if (!b->error)
					FAIL( "out of memory");
			}
			used++;
			continue;
		}
		tu = json_object_get(row, "time_unit");
		if (tu) {
			if (!json_is_string(tu))
				FAIL( "%s: \"time_unit\" is not a string", shown(n, nb));
			unit = json_string_value(tu);
		}
		ns = unit_ns(unit);
		if (ns == 0)
			FAIL( "%s: unknown time_unit \"%.20s\" (want ns, us, ms or s)",
				    shown(n, nb), unit);
		val = json_object_get(row, key);
		if (!val)
			FAIL( "%s: a repetition row without \"%s\"", shown(n, nb), key);
		if (json_is_null(val))
			FAIL( "%s: \"%s\" is null, NaN or infinite", shown(n, nb), key);
		if (!json_is_number(val))
			FAIL( "%s: \"%s\" is not a number", shown(n, nb), key);
		v = json_number_value(val) * ns;
		if (!isfinite(v))
			FAIL( "%s: \"%s\" is not finite", shown(n, nb), key);
		if (v <= 0)
			FAIL( "%s: \"%s\" is %g, not positive", shown(n, nb), key, v);
		run_label(row, rl, sizeof(rl));
		run = run_index(f, &t, rl);
		if (run < 0)
			goto oom;
		rep = json_object_get(row, "repetition_index");
		ri = json_is_integer(rep) && json_integer_value(rep) >= 0 ?
		     (long)json_integer_value(rep) : -1;
		if (push(b, v, (unsigned)run, ri))
			goto oom;
		if (b->n == 1) {
			json_t *th = json_object_get(row, "threads");

			b->threads = json_is_integer(th) && json_integer_value(th) > 0 &&
				     json_integer_value(th) < 1 << 20 ? (int)json_integer_value(th) : 1;
		}
		{
			uint64_t h = t.fp[run];

			h = fnv(h, n, strlen(n) + 1);
			h = fnv(h, &ri, sizeof(ri));
			t.fp[run] = fnv(h, &v, sizeof(v));
			t.rows[run]++;
		}
		used++;
	}
	if (!used) {
		fail(err, label, "no repetition rows (run_type \"iteration\") in \"benchmarks\"");
		goto out;
	}
	rc = check_duplicates(f, &t, label, err);
	goto out;
#undef FAIL
oom:
	fail(err, label, "out of memory");
out:
	free(t.slot);
	free(t.fp);
	free(t.rows);
	return rc;
}

static int finish(struct gb_file *f, const char *label, enum gb_metric metric, char err[GB_ERR_LEN])
{
	json_t *ctx;
	const char *s;

	if (!json_is_object(f->root))
		return fail(err, label, "the top level is not an object: not Google Benchmark JSON output");
	ctx = json_object_get(f->root, "context");
	if (ctx && !json_is_object(ctx))
		return fail(err, label, "\"context\" is not an object");
	s = gb_context(f, "machine_key");
	f->machine_key_present = s && *s;
	f->machine_key = f->machine_key_present ? s : "unknown";
	s = gb_context(f, "refbench_measure");
	f->measure = s ? s : "time";
	if (strcmp(f->measure, "time") && strcmp(f->measure, "instructions"))
		return fail(err, label, "unknown refbench_measure \"%.40s\" in the context", f->measure);
	f->git_commit = gb_context(f, "git_commit");
	f->git_dirty = gb_context(f, "git_dirty");
	f->build_type = gb_context(f, "build_type");
	f->injected = gb_context(f, "refbench_injected_slowdown");
	if (!f->injected)
		f->injected = gb_context(f, "refbench_injected_instructions");
	f->path = strdup(label);
	if (!f->path)
		return fail(err, label, "out of memory");
	return read_rows(f, label, metric, err);
}

/*
 * Google Benchmark 1.7.1 writes a NaN or infinite double as a bare NaN or
 * Infinity (json_reporter.cc, FormatKV), which is not JSON: e.g. the _cv
 * aggregate of a counter that is 0 in every repetition is 0/0. Outside
 * strings, those tokens become null: a counter without a value, which the
 * readers skip, while a measured time that was NaN is still refused (see
 * read_rows). *@count says how many were replaced; *@out_len (if not NULL)
 * is the result's length (it may hold NUL bytes the input had).
 */
char *gb_nonfinite_to_null(const char *in, size_t len, size_t *count, size_t *out_len)
{
	static const char *const tokens[] = { "-NaN", "NaN", "-Infinity", "Infinity", "-inf", "inf",
					      "-nan", "nan" };
	/* Each token of 3 or more bytes becomes the 4 bytes of null: at most 4/3 as long. */
	char *out = malloc(len + len / 3 + 8), *o = out;
	const char *end = in + len;
	bool str = false;

	*count = 0;
	if (!out)
		return NULL;
	while (in < end) {
		size_t t;

		if (str) {
			if (*in == '\\' && in + 1 < end) {
				*o++ = *in++;
			} else if (*in == '"') {
				str = false;
			}
			*o++ = *in++;
			continue;
		}
		if (*in == '"') {
			str = true;
			*o++ = *in++;
			continue;
		}
		if (*in != 'N' && *in != 'n' && *in != 'I' && *in != 'i' && *in != '-') {
			*o++ = *in++;
			continue;
		}
		for (t = 0; t < sizeof(tokens) / sizeof(tokens[0]); t++) {
			size_t n = strlen(tokens[t]);

			if ((size_t)(end - in) >= n && !strncmp(in, tokens[t], n))
				break;
		}
		if (t < sizeof(tokens) / sizeof(tokens[0])) {
			in += strlen(tokens[t]);
			memcpy(o, "null", 4);
			o += 4;
			(*count)++;
			continue;
		}
		*o++ = *in++;
	}
	*o = '\0';
	if (out_len)
		*out_len = (size_t)(o - out);
	return out;
}

static int parse_error(const char *label, const json_error_t *je, char err[GB_ERR_LEN])
{
	if (strstr(je->text, "premature end of input") || strstr(je->text, "unexpected newline") ||
	    json_error_code(je) == json_error_premature_end_of_input)
		return fail(err, label, "truncated JSON (line %d, column %d): %s", je->line,
			    je->column, je->text);
	if (strstr(je->text, "NaN") || strstr(je->text, "nan") || strstr(je->text, "Inf"))
		return fail(err, label, "not valid JSON (line %d, column %d): %s (NaN or Inf "
			    "is not a JSON number)", je->line, je->column, je->text);
	return fail(err, label, "not valid JSON (line %d, column %d): %s", je->line, je->column,
		    je->text);
}

/* @buf (not NUL-terminated) as a document; NULL with one line in @err. */
static json_t *load_buffer(const char *buf, size_t len, const char *label, char err[GB_ERR_LEN])
{
	json_error_t je;
	size_t i, nonfinite, clean_len;
	char *clean;
	json_t *root;

	for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r');
	     i++)
		;
	if (i == len) {
		fail(err, label, "empty file");
		return NULL;
	}
	if (!memmem(buf, len, "NaN", 3) && !memmem(buf, len, "nan", 3) &&
	    !memmem(buf, len, "Inf", 3) && !memmem(buf, len, "inf", 3)) {
		/* Nothing to replace: no copy (memory stays a small multiple of the file). */
		root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
		if (!root)
			parse_error(label, &je, err);
		return root;
	}
	clean = gb_nonfinite_to_null(buf, len, &nonfinite, &clean_len);
	if (!clean) {
		fail(err, label, "out of memory");
		return NULL;
	}
	root = json_loadb(clean, clean_len, JSON_REJECT_DUPLICATES, &je);
	free(clean);
	if (!root)
		parse_error(label, &je, err);
	return root;
}

static int read_root(struct gb_file *f, json_t *root, const char *label, enum gb_metric metric,
		     char err[GB_ERR_LEN])
{
	memset(f, 0, sizeof(*f));
	f->root = root;
	if (!root)
		return -1;
	if (finish(f, label, metric, err)) {
		gb_free(f);
		return -1;
	}
	return 0;
}

int gb_read_buffer(const char *buf, size_t len, const char *label, enum gb_metric metric,
		   struct gb_file *f, char err[GB_ERR_LEN])
{
	return read_root(f, load_buffer(buf, len, label, err), label, metric, err);
}

json_t *gb_load_json(const char *path, char err[GB_ERR_LEN])
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	json_t *root;

	if (!fp) {
		fail(err, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		fail(err, path, "is a directory, not a JSON file");
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;	/* one read, no doubling */
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				fail(err, path, "out of memory");
				return NULL;
			}
			buf = nb;
		} else if (!buf) {
			buf = malloc(cap);
			if (!buf) {
				fclose(fp);
				fail(err, path, "out of memory");
				return NULL;
			}
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		fail(err, path, "read error");
		return NULL;
	}
	fclose(fp);
	root = load_buffer(buf ? buf : "", len, path, err);
	free(buf);
	return root;
}

int gb_read_file(const char *path, enum gb_metric metric, struct gb_file *f, char err[GB_ERR_LEN])
{
	return read_root(f, gb_load_json(path, err), path, metric, err);
}

int gb_read_json(json_t *root, const char *label, enum gb_metric metric, struct gb_file *f,
		 char err[GB_ERR_LEN])
{
	return read_root(f, json_incref(root), label, metric, err);
}
