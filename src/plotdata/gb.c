// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata: reading Google Benchmark JSON into cells.
 *
 * A cell is every repetition of one run_name (and placement). Its time per op
 * is real_time (or cpu_time with --time=cpu) in ns: with threads, Google
 * Benchmark divides the wall time by the iterations of all threads, so
 * real_time is the inverse of the total throughput. Aggregate rows are used
 * only when a run reported aggregates alone (its _median).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gbjson.h"
#include "plotdata.h"

/* Keys Google Benchmark writes itself; every other number is a user counter. */
static const char *const gb_keys[] = {
	"name", "family_index", "per_family_instance_index", "run_name", "run_type",
	"repetitions", "repetition_index", "threads", "iterations", "real_time",
	"cpu_time", "time_unit", "aggregate_name", "aggregate_unit", "error_occurred",
	"error_message", "label", "bytes_per_second", "items_per_second", "placement",
	"big_o", "rms", "complexity",
};

static bool is_gb_key(const char *k)
{
	for (size_t i = 0; i < sizeof(gb_keys) / sizeof(gb_keys[0]); i++)
		if (!strcmp(k, gb_keys[i]))
			return true;
	return false;
}

/* Google Benchmark's own name suffixes, which do not name a figure. */
static bool is_gb_suffix(const char *part)
{
	static const char *const bare[] = { "real_time", "manual_time", "process_time" };
	static const char *const keyed[] = { "threads:", "repeats:", "iterations:",
					     "min_time:", "min_warmup_time:" };

	for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
		if (!strcmp(part, bare[i]))
			return true;
	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++)
		if (!strncmp(part, keyed[i], strlen(keyed[i])))
			return true;
	return false;
}

const char *pd_ctx_str(json_t *ctx, const char *key)
{
	json_t *v = ctx ? json_object_get(ctx, key) : NULL;
	static char buf[64];

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/*
 * The machine, for titles: the fingerprint's machine_key; else the CPU model
 * from the fingerprint; else Google Benchmark's host name, CPU count and MHz.
 * The commit: git_commit's first 12 digits, "-dirty" when git_dirty.
 */
void pd_machine_commit(json_t *ctx, char *machine, size_t mlen, char *commit, size_t clen)
{
	static const char *const mkeys[] = { "machine_key", "machine_cpu_model", "machine_cpu",
					     "cpu_model" };
	const char *s = NULL, *d;

	for (size_t i = 0; i < sizeof(mkeys) / sizeof(mkeys[0]) && !s; i++) {
		s = pd_ctx_str(ctx, mkeys[i]);
		if (s && !*s)
			s = NULL;
	}
	if (s) {
		snprintf(machine, mlen, "%s", s);
	} else {
		char host[128];
		json_t *ncpu = ctx ? json_object_get(ctx, "num_cpus") : NULL;
		json_t *mhz = ctx ? json_object_get(ctx, "mhz_per_cpu") : NULL;

		s = pd_ctx_str(ctx, "host_name");
		snprintf(host, sizeof(host), "%s", s ? s : "unknown host");
		if (json_is_integer(ncpu) && json_is_number(mhz))
			snprintf(machine, mlen, "%s, %lld CPUs @ %.0f MHz", host,
				 (long long)json_integer_value(ncpu), json_number_value(mhz));
		else
			snprintf(machine, mlen, "%s", host);
	}
	s = pd_ctx_str(ctx, "git_commit");
	d = pd_ctx_str(ctx, "git_dirty");
	if (!s || !*s)
		s = "unknown";
	snprintf(commit, clen, "%.12s%s", s, d && !strcmp(d, "true") ? "-dirty" : "");
}

const char *pd_arg_get(const struct pd_cell *c, const char *key)
{
	for (int i = 0; i < c->nargs; i++)
		if (!strcmp(c->args[i].key, key))
			return c->args[i].val;
	return NULL;
}

const struct pd_counter *pd_counter_get(const struct pd_cell *c, const char *name)
{
	for (int i = 0; i < c->ncnt; i++)
		if (!strcmp(c->cnt[i].name, name))
			return &c->cnt[i];
	return NULL;
}

/* "placement:NAME" or "placement=NAME" at the start of a label. */
static char *label_placement(const char *label)
{
	size_t n;

	if (strncmp(label, "placement:", 10) && strncmp(label, "placement=", 10))
		return NULL;
	label += 10;
	n = strcspn(label, " ,;\t");
	return n ? strndup(label, n) : NULL;
}

static void parse_name(struct pd_cell *c, const char *run_name)
{
	char *copy = pd_xstrdup(run_name), *save = NULL, *part;
	size_t cap = strlen(run_name) + 2;
	int idx = 0;

	c->config = pd_xmalloc(cap);
	for (part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save), idx++) {
		if (idx == 0) {
			c->family = pd_xstrdup(part);
			continue;
		}
		if (is_gb_suffix(part))
			continue;
		if (!strncmp(part, "placement:", 10)) {
			free(c->placement);
			c->placement = pd_xstrdup(part + 10);
			continue;
		}
		if (!c->variant) {
			c->variant = pd_xstrdup(part);
			continue;
		}
		if (!c->scenario) {
			c->scenario = pd_xstrdup(part);
		} else {
			char *colon = strchr(part, ':');
			struct pd_arg *a;

			c->args = pd_xrealloc(c->args, sizeof(*c->args) * (size_t)(c->nargs + 1));
			a = &c->args[c->nargs++];
			a->key = colon ? strndup(part, (size_t)(colon - part)) : pd_xstrdup("");
			a->val = pd_xstrdup(colon ? colon + 1 : part);
			if (!a->key)
				pd_die("out of memory");
		}
		if (*c->config)
			strcat(c->config, " ");
		strcat(c->config, part);
	}
	free(copy);
	if (!c->family)
		c->family = pd_xstrdup("-");
	if (!c->variant)
		c->variant = pd_xstrdup("-");
	if (!c->scenario)
		c->scenario = pd_xstrdup("");
	if (!*c->config)
		strcpy(c->config, "-");
}

static double to_ns(const char *path, const char *name, double v, const char *unit)
{
	if (!unit || !strcmp(unit, "ns"))
		return v;
	if (!strcmp(unit, "us"))
		return v * 1e3;
	if (!strcmp(unit, "ms"))
		return v * 1e6;
	if (!strcmp(unit, "s"))
		return v * 1e9;
	pd_die("%s: benchmark '%s': unknown time_unit '%s'", path, name, unit);
}

static struct pd_cell *find_cell(struct pd_result *r, const char *run_name, const char *placement)
{
	for (int i = 0; i < r->ncells; i++)
		if (!strcmp(r->cells[i].run_name, run_name) &&
		    !strcmp(r->cells[i].placement, placement))
			return &r->cells[i];
	return NULL;
}

static void add_counters(const struct pd_result *r, struct pd_cell *c, json_t *b)
{
	const char *k;
	json_t *v;

	json_object_foreach(b, k, v) {
		struct pd_counter *pc = NULL;
		double x;

		if (is_gb_key(k) || !json_is_number(v))
			continue;
		x = json_number_value(v);
		if (!isfinite(x))
			pd_die("%s: benchmark '%s': counter '%s' is not a finite number",
			       r->path, c->run_name, k);
		for (int i = 0; i < c->ncnt; i++)
			if (!strcmp(c->cnt[i].name, k))
				pc = &c->cnt[i];
		if (!pc) {
			c->cnt = pd_xrealloc(c->cnt, sizeof(*c->cnt) * (size_t)(c->ncnt + 1));
			pc = &c->cnt[c->ncnt++];
			memset(pc, 0, sizeof(*pc));
			pc->name = pd_xstrdup(k);
		}
		pc->v = pd_xrealloc(pc->v, sizeof(double) * (size_t)(pc->n + 1));
		pc->v[pc->n++] = x;
	}
}

int pd_load(struct pd_result *r, const char *path, enum pd_time t)
{
	json_t *benches, *b;
	const char *ctx_place;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->path = path;
	{
		/* refbench-compare's loader: Google Benchmark's bare NaN counters read as null. */
		char err[GB_ERR_LEN];

		r->root = gb_load_json(path, err);
		if (!r->root)
			pd_die("%s", err);
	}
	if (!json_is_object(r->root))
		pd_die("%s: not Google Benchmark JSON (the top level is not an object)", path);
	benches = json_object_get(r->root, "benchmarks");
	if (!json_is_array(benches))
		pd_die("%s: not Google Benchmark JSON (no \"benchmarks\" array)", path);
	r->context = json_object_get(r->root, "context");
	if (r->context && !json_is_object(r->context))
		pd_die("%s: \"context\" is not an object", path);
	pd_machine_commit(r->context, r->machine, sizeof(r->machine), r->commit, sizeof(r->commit));
	snprintf(r->date, sizeof(r->date), "%s",
		 pd_ctx_str(r->context, "date") ? pd_ctx_str(r->context, "date") : "");
	ctx_place = pd_ctx_str(r->context, "placement");

	json_array_foreach(benches, i, b) {
		json_t *jname = json_object_get(b, "name"), *jrun, *jtype, *jt, *jthr, *jerr;
		const char *name, *run_name, *type, *unit, *label;
		char *place = NULL;
		struct pd_cell *c;
		bool agg_median = false;

		if (!json_is_object(b) || !json_is_string(jname))
			pd_die("%s: benchmark #%zu has no \"name\" string", path, i);
		name = json_string_value(jname);
		jrun = json_object_get(b, "run_name");
		run_name = json_is_string(jrun) ? json_string_value(jrun) : name;
		jtype = json_object_get(b, "run_type");
		type = json_is_string(jtype) ? json_string_value(jtype) : "iteration";
		if (!strcmp(type, "aggregate")) {
			const char *an = json_string_value(json_object_get(b, "aggregate_name"));

			if (!an || strcmp(an, "median"))
				continue;
			agg_median = true;
		} else if (strcmp(type, "iteration")) {
			pd_die("%s: benchmark '%s': unknown run_type '%s'", path, name, type);
		}

		/* placement: the row's field, a name part, the label, the context */
		if (json_is_string(json_object_get(b, "placement")))
			place = pd_xstrdup(json_string_value(json_object_get(b, "placement")));
		label = json_string_value(json_object_get(b, "label"));
		if (!place && label)
			place = label_placement(label);
		if (!place) {
			const char *p = strstr(run_name, "/placement:");

			if (p)
				place = strndup(p + 11, strcspn(p + 11, "/"));
		}
		if (!place)
			place = pd_xstrdup(ctx_place ? ctx_place : "default");
		if (!place)
			pd_die("out of memory");

		c = find_cell(r, run_name, place);
		if (!c) {
			r->cells = pd_xrealloc(r->cells, sizeof(*r->cells) * (size_t)(r->ncells + 1));
			c = &r->cells[r->ncells];
			memset(c, 0, sizeof(*c));
			c->order = r->ncells++;
			c->run_name = pd_xstrdup(run_name);
			parse_name(c, run_name);
			free(c->placement);
			c->placement = place;
			jthr = json_object_get(b, "threads");
			c->threads = json_is_integer(jthr) ? (int)json_integer_value(jthr) : 1;
			if (c->threads < 1)
				pd_die("%s: benchmark '%s': threads is %d", path, name, c->threads);
		} else {
			free(place);
		}

		jerr = json_object_get(b, "error_occurred");
		if (json_is_true(jerr)) {
			const char *m = json_string_value(json_object_get(b, "error_message"));

			if (!c->error)
				c->error = pd_xstrdup(m ? m : "error");
			continue;
		}
		jt = json_object_get(b, t == PD_CPU ? "cpu_time" : "real_time");
		if (!json_is_number(jt))
			pd_die("%s: benchmark '%s' has no numeric %s", path, name,
			       t == PD_CPU ? "cpu_time" : "real_time");
		if (!isfinite(json_number_value(jt)) || json_number_value(jt) < 0)
			pd_die("%s: benchmark '%s': %s is not a non-negative number", path, name,
			       t == PD_CPU ? "cpu_time" : "real_time");
		unit = json_string_value(json_object_get(b, "time_unit"));
		if (json_object_get(b, "time_unit") && !unit)
			pd_die("%s: benchmark '%s': time_unit is not a string", path, name);
		if (agg_median) {
			c->from_median = true;
			c->agg_median = to_ns(path, name, json_number_value(jt), unit);
			if (c->n == 0 && c->ncnt == 0)
				add_counters(r, c, b);
			continue;
		}
		c->ns = pd_xrealloc(c->ns, sizeof(double) * (size_t)(c->n + 1));
		c->ns[c->n++] = to_ns(path, name, json_number_value(jt), unit);
		add_counters(r, c, b);
	}
	if (r->ncells == 0)
		pd_die("%s: no benchmark results in the file", path);
	return 0;
}

void pd_free(struct pd_result *r)
{
	for (int i = 0; i < r->ncells; i++) {
		struct pd_cell *c = &r->cells[i];

		free(c->run_name);
		free(c->family);
		free(c->variant);
		free(c->scenario);
		free(c->config);
		free(c->placement);
		free(c->ns);
		free(c->error);
		for (int j = 0; j < c->nargs; j++) {
			free(c->args[j].key);
			free(c->args[j].val);
		}
		free(c->args);
		for (int j = 0; j < c->ncnt; j++) {
			free(c->cnt[j].name);
			free(c->cnt[j].v);
		}
		free(c->cnt);
	}
	free(r->cells);
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}
