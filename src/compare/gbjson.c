// SPDX-License-Identifier: GPL-2.0
/* The Google Benchmark JSON reader (see gbjson.h). */
#include "gbjson.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
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
		free(f->b[i].error);
	}
	free(f->b);
	free(f->path);
	if (f->root)
		json_decref(f->root);
	memset(f, 0, sizeof(*f));
}

const struct gb_bench *gb_find(const struct gb_file *f, const char *name)
{
	for (size_t i = 0; i < f->nb; i++)
		if (!strcmp(f->b[i].name, name))
			return &f->b[i];
	return NULL;
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

	for (size_t i = 0; i < f->nb; i++)
		if (!strcmp(f->b[i].name, name))
			return &f->b[i];
	nb = realloc(f->b, (f->nb + 1) * sizeof(*nb));
	if (!nb)
		return NULL;
	f->b = nb;
	nb = &f->b[f->nb];
	memset(nb, 0, sizeof(*nb));
	nb->name = strdup(name);
	if (!nb->name)
		return NULL;
	f->nb++;
	return nb;
}

static int push(struct gb_bench *b, double v)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		double *nv = realloc(b->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		b->v = nv;
		b->cap = cap;
	}
	b->v[b->n++] = v;
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

static int read_rows(struct gb_file *f, const char *label, enum gb_metric metric,
		     char err[GB_ERR_LEN])
{
	const char *key = metric == GB_CPU_TIME ? "cpu_time" : "real_time";
	json_t *rows = json_object_get(f->root, "benchmarks");
	size_t i, used = 0;
	json_t *row;
	char nb[64];

	if (!rows)
		return fail(err, label, "no \"benchmarks\" array: not Google Benchmark JSON output");
	if (!json_is_array(rows))
		return fail(err, label, "\"benchmarks\" is not an array: not Google Benchmark JSON output");
	json_array_foreach(rows, i, row) {
		json_t *name, *rname, *rt, *tu, *val, *eo;
		const char *n, *unit = "ns";
		struct gb_bench *b;
		double ns, v;

		if (!json_is_object(row))
			return fail(err, label, "benchmarks[%zu] is not an object", i);
		name = json_object_get(row, "name");
		rname = json_object_get(row, "run_name");
		if (!json_is_string(name))
			return fail(err, label, "benchmarks[%zu] has no \"name\" string", i);
		if (rname && !json_is_string(rname))
			return fail(err, label, "benchmarks[%zu]: \"run_name\" is not a string", i);
		n = json_string_value(rname ? rname : name);
		if (!*n)
			return fail(err, label, "benchmarks[%zu] has an empty name", i);
		rt = json_object_get(row, "run_type");
		if (rt) {
			if (!json_is_string(rt))
				return fail(err, label, "%s: \"run_type\" is not a string", shown(n, nb));
			if (!strcmp(json_string_value(rt), "aggregate"))
				continue;
			if (strcmp(json_string_value(rt), "iteration"))
				return fail(err, label, "%s: unknown run_type \"%.40s\"", shown(n, nb),
					    json_string_value(rt));
		} else if (json_object_get(row, "aggregate_name")) {
			continue;	/* Google Benchmark before 1.5: no run_type */
		}
		b = get_bench(f, n);
		if (!b)
			return fail(err, label, "out of memory");
		eo = json_object_get(row, "error_occurred");
		if (eo && !json_is_boolean(eo))
			return fail(err, label, "%s: \"error_occurred\" is not a boolean", shown(n, nb));
		if (json_is_true(eo)) {
			json_t *msg = json_object_get(row, "error_message");

			b->errors++;
			if (!b->error) {
				b->error = strdup(json_is_string(msg) ? json_string_value(msg) : "error");
				if (!b->error)
					return fail(err, label, "out of memory");
			}
			used++;
			continue;
		}
		tu = json_object_get(row, "time_unit");
		if (tu) {
			if (!json_is_string(tu))
				return fail(err, label, "%s: \"time_unit\" is not a string", shown(n, nb));
			unit = json_string_value(tu);
		}
		ns = unit_ns(unit);
		if (ns == 0)
			return fail(err, label, "%s: unknown time_unit \"%.20s\" (want ns, us, ms or s)",
				    shown(n, nb), unit);
		val = json_object_get(row, key);
		if (!val)
			return fail(err, label, "%s: a repetition row without \"%s\"", shown(n, nb), key);
		if (json_is_null(val))
			return fail(err, label, "%s: \"%s\" is null, NaN or infinite", shown(n, nb), key);
		if (!json_is_number(val))
			return fail(err, label, "%s: \"%s\" is not a number", shown(n, nb), key);
		v = json_number_value(val) * ns;
		if (!isfinite(v))
			return fail(err, label, "%s: \"%s\" is not finite", shown(n, nb), key);
		if (v <= 0)
			return fail(err, label, "%s: \"%s\" is %g, not positive", shown(n, nb), key, v);
		if (push(b, v))
			return fail(err, label, "out of memory");
		used++;
	}
	if (!used)
		return fail(err, label, "no repetition rows (run_type \"iteration\") in \"benchmarks\"");
	return 0;
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
	char *out = malloc(2 * len + 1), *o = out;
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

int gb_read_buffer(const char *buf, size_t len, const char *label, enum gb_metric metric,
		   struct gb_file *f, char err[GB_ERR_LEN])
{
	json_error_t je;
	size_t i, nonfinite, clean_len;
	char *clean;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r');
	     i++)
		;
	if (i == len) {
		fail(err, label, "empty file");
		return -1;
	}
	clean = gb_nonfinite_to_null(buf, len, &nonfinite, &clean_len);
	if (!clean) {
		fail(err, label, "out of memory");
		return -1;
	}
	f->root = json_loadb(clean, clean_len, JSON_REJECT_DUPLICATES, &je);
	free(clean);
	if (!f->root) {
		parse_error(label, &je, err);
		return -1;
	}
	if (finish(f, label, metric, err)) {
		gb_free(f);
		return -1;
	}
	return 0;
}

int gb_read_file(const char *path, enum gb_metric metric, struct gb_file *f, char err[GB_ERR_LEN])
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!fp)
		return fail(err, path, "cannot open: %s", strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return fail(err, path, "is a directory, not a JSON file");
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				return fail(err, path, "out of memory");
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return fail(err, path, "read error");
	}
	fclose(fp);
	rc = gb_read_buffer(buf ? buf : "", len, path, metric, f, err);
	free(buf);
	return rc;
}
