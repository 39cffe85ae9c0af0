// SPDX-License-Identifier: GPL-2.0
/*
 * The C API end to end: benchmarks registered from C with every builder, run
 * by Google Benchmark into its JSON, and the JSON read back and checked:
 * names and arg suffixes, thread counts, exact iteration counts seen by the
 * body's own loop, counters and their flags, labels, errors from the body,
 * from a setup hook and from a thread_enter hook, setup/teardown pairing,
 * aggregates-only, time unit, and RunSpecifiedBenchmarks running only once.
 */
#include <jansson.h>
#include <stdatomic.h>

#include "rb.h"
#include "rbtest.h"

struct ctx {
	_Atomic int ready, setups, teardowns, body_calls, bad_calls;
	_Atomic long loops;
};
static struct ctx c_loop, c_args, c_thr, c_skip, c_setup_fail, c_enter_fail, c_misc;
static _Atomic int h_enter, h_begin, h_end, h_exit;

static void loop_body(rb_state *st, void *p)
{
	struct ctx *c = p;
	uint64_t done = 0;

	for (uint64_t n = rb_start(st); n; n--) {
		done++;
		rb_clobber_memory();
	}
	rb_stop(st);
	atomic_fetch_add(&c->loops, (long)done);
	rb_counter(st, "loops", (double)done, RB_COUNTER_DEFAULT);
	rb_counter(st, "per_iter", (double)done, RB_AVG_ITERATIONS);
	rb_set_items_processed(st, (int64_t)done * 2);
}

static void args_body(rb_state *st, void *p)
{
	(void)p;
	for (uint64_t n = rb_start(st); n; n--)
		rb_clobber_memory();
	rb_stop(st);
	rb_counter(st, "order_seen", (double)rb_range(st, 0), RB_COUNTER_DEFAULT);
	rb_counter(st, "refs_seen", (double)rb_range(st, 1), RB_COUNTER_DEFAULT);
}

static void thr_setup(rb_state *st, void *p)
{
	struct ctx *c = p;

	(void)st;
	atomic_fetch_add(&c->setups, 1);
	atomic_store(&c->ready, 1);
}
static void thr_teardown(rb_state *st, void *p)
{
	struct ctx *c = p;

	(void)st;
	atomic_fetch_add(&c->teardowns, 1);
	atomic_store(&c->ready, 0);
}
static void thr_body(rb_state *st, void *p)
{
	struct ctx *c = p;

	atomic_fetch_add(&c->body_calls, 1);
	if (!atomic_load(&c->ready))		/* the body must never run before setup */
		atomic_fetch_add(&c->bad_calls, 1);
	for (uint64_t n = rb_start(st); n; n--)
		rb_clobber_memory();
	rb_stop(st);
	if (!atomic_load(&c->ready))		/* nor after teardown */
		atomic_fetch_add(&c->bad_calls, 1);
	rb_counter(st, "threads", rb_thread_count(st), RB_AVG_THREADS);
	rb_counter(st, "tindex_sum", rb_thread_index(st), RB_COUNTER_DEFAULT);
}

static void skip_body(rb_state *st, void *p)
{
	struct ctx *c = p;

	atomic_fetch_add(&c->body_calls, 1);
	rb_skip_with_error(st, "skipped by the body");
	CHECK(rb_error_occurred(st));
	CHECK_EQ(rb_start(st), 0);		/* a skipped run hands out no iterations */
	rb_stop(st);
}

static void failing_setup(rb_state *st, void *p)
{
	struct ctx *c = p;

	atomic_fetch_add(&c->setups, 1);
	rb_skip_with_error(st, "setup could not allocate");
}
static void count_body(rb_state *st, void *p)
{
	struct ctx *c = p;

	atomic_fetch_add(&c->body_calls, 1);
	for (uint64_t n = rb_start(st); n; n--)
		rb_clobber_memory();
	rb_stop(st);
}

static void misc_body(rb_state *st, void *p)
{
	(void)p;
	rb_set_label(st, "placement=none");
	for (uint64_t n = rb_start(st); n; n--) {
		rb_pause(st);
		rb_clobber_memory();
		rb_resume(st);
	}
	rb_stop(st);
}

static void hook_enter(rb_state *st, void *p)
{
	(void)p;
	atomic_fetch_add(&h_enter, 1);
	/* Fail thread 1 of the only 3-thread run, capi/enter_fail. */
	if (rb_thread_count(st) == 3 && rb_thread_index(st) == 1)
		rb_skip_with_error(st, "thread 1 could not bind");
}
static void hook_begin(rb_state *st, void *p) { (void)st; (void)p; atomic_fetch_add(&h_begin, 1); }
static void hook_end(rb_state *st, void *p) { (void)st; (void)p; atomic_fetch_add(&h_end, 1); }
static void hook_exit(rb_state *st, void *p) { (void)st; (void)p; atomic_fetch_add(&h_exit, 1); }

static json_t *results;

static json_t *find_row(const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(json_object_get(results, "benchmarks"), i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	return NULL;
}
static json_t *row(const char *name)
{
	json_t *r = find_row(name);

	if (!r)
		fprintf(stderr, "no row named %s\n", name);
	return r;
}
static double num(json_t *r, const char *key)
{
	json_t *v = r ? json_object_get(r, key) : NULL;

	if (!v || !json_is_number(v)) {
		fprintf(stderr, "missing number %s\n", key);
		return -1;
	}
	return json_number_value(v);
}
static const char *str(json_t *r, const char *key)
{
	return r ? json_string_value(json_object_get(r, key)) : NULL;
}

static const char *out_path;

RB_TEST(register_and_run)
{
	static const struct rb_hooks hooks = { "test", hook_enter, hook_begin, hook_end, hook_exit, NULL };
	char out_flag[512];
	char *argv[] = { "test_capi", out_flag, "--benchmark_out_format=json",
			 "--benchmark_format=console", "--benchmark_min_time=0.01", NULL };
	int argc = 5;

	snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s", out_path);
	rb_initialize(&argc, argv, NULL);
	CHECK_EQ(argc, 1);				/* GB took all its flags */

	rb_iterations(rb_register("capi/loop", loop_body, &c_loop), 1000);
	rb_iterations(RB_ARG_NAMES(RB_ARGS_PRODUCT(rb_register("capi/args", args_body, &c_args),
						   RB_LIST(4, 9), RB_LIST(1, 2)),
				   "order", "refs"), 10);
	rb_iterations(rb_thread_range(rb_setup_teardown(rb_register("capi/threads", thr_body, &c_thr),
							thr_setup, thr_teardown), 1, 2), 100);
	rb_register("capi/skip", skip_body, &c_skip);
	rb_threads(rb_setup_teardown(rb_register("capi/setup_fail", count_body, &c_setup_fail),
				     failing_setup, NULL), 2);
	rb_threads(rb_register("capi/enter_fail", count_body, &c_enter_fail), 3);
	rb_unit(rb_aggregates_only(rb_repetitions(rb_iterations(
		rb_register("capi/misc", misc_body, &c_misc), 50), 3), true), RB_MICROSECOND);
	rb_add_hooks(&hooks);
	rb_add_context("refbench_test_key", "value 1");

	CHECK(rb_run_specified_benchmarks() >= 7);
	CHECK_EQ(rb_run_specified_benchmarks(), -1);	/* 1.7.1 may run once per process */
	rb_shutdown();
}

RB_TEST(json_matches)
{
	json_error_t err;
	json_t *r;

	results = json_load_file(out_path, 0, &err);
	CHECK(results != NULL);
	if (!results) {
		fprintf(stderr, "%s: %s\n", out_path, err.text);
		return;
	}
	CHECK_STR(str(json_object_get(results, "context"), "refbench_test_key"), "value 1");

	/* The body's own loop ran exactly the iterations GB reports: no call per iteration lost. */
	r = row("capi/loop/iterations:1000");
	CHECK_EQ(num(r, "iterations"), 1000);
	CHECK_EQ(num(r, "loops"), 1000);
	CHECK_EQ(num(r, "per_iter"), 1);
	CHECK(num(r, "items_per_second") > 0);
	CHECK_EQ(atomic_load(&c_loop.loops), 1000);

	/* Arg products and names. */
	r = row("capi/args/order:9/refs:2/iterations:10");
	CHECK_EQ(num(r, "order_seen"), 9);
	CHECK_EQ(num(r, "refs_seen"), 2);
	r = row("capi/args/order:4/refs:1/iterations:10");
	CHECK_EQ(num(r, "order_seen"), 4);
	CHECK_EQ(num(r, "refs_seen"), 1);
	CHECK(row("capi/args/order:4/refs:2/iterations:10") != NULL);
	CHECK(row("capi/args/order:9/refs:1/iterations:10") != NULL);

	/* Threads: setup once per run before any body, teardown once after all. */
	r = row("capi/threads/iterations:100/threads:2");
	CHECK_EQ(num(r, "threads"), 2);
	CHECK_EQ(num(r, "tindex_sum"), 1);		/* thread indexes 0 + 1 */
	CHECK_EQ(num(r, "iterations"), 200);		/* 1.7.1 sums iterations over threads */
	CHECK(row("capi/threads/iterations:100/threads:1") != NULL);
	CHECK_EQ(atomic_load(&c_thr.setups), 2);
	CHECK_EQ(atomic_load(&c_thr.teardowns), 2);
	CHECK_EQ(atomic_load(&c_thr.body_calls), 3);
	CHECK_EQ(atomic_load(&c_thr.bad_calls), 0);

	/* Errors: from the body, from setup (no body runs), from a thread_enter hook. */
	r = row("capi/skip");
	CHECK(json_is_true(json_object_get(r, "error_occurred")));
	CHECK_STR(str(r, "error_message"), "skipped by the body");
	r = row("capi/setup_fail/threads:2");
	CHECK(json_is_true(json_object_get(r, "error_occurred")));
	CHECK_EQ(atomic_load(&c_setup_fail.setups), 1);
	CHECK_EQ(atomic_load(&c_setup_fail.body_calls), 0);
	r = row("capi/enter_fail/threads:3");
	CHECK(json_is_true(json_object_get(r, "error_occurred")));
	CHECK_EQ(atomic_load(&c_enter_fail.body_calls), 0);	/* neither thread ran the body */

	/* Aggregates only, time unit, label. */
	CHECK(find_row("capi/misc/iterations:50/repeats:3") == NULL);
	r = row("capi/misc/iterations:50/repeats:3_median");
	CHECK_STR(str(r, "time_unit"), "us");
	CHECK_STR(str(r, "run_type"), "aggregate");
	CHECK_STR(str(r, "label"), "placement=none");
	CHECK(row("capi/misc/iterations:50/repeats:3_mean") != NULL);
	CHECK(row("capi/misc/iterations:50/repeats:3_stddev") != NULL);

	/* Hooks: every thread of every run entered and left; batches bracketed. */
	CHECK(atomic_load(&h_enter) > 0);
	CHECK_EQ(atomic_load(&h_enter), atomic_load(&h_exit));
	CHECK_EQ(atomic_load(&h_begin), atomic_load(&h_end));
	CHECK(atomic_load(&h_begin) < atomic_load(&h_enter));	/* the skipped runs had no batch */
	json_decref(results);
}

int main(int argc, char **argv)
{
	static const struct rbt_case cases[] = { RBT_CASE(register_and_run) RBT_CASE(json_matches) };
	if (argc != 2) {
		fprintf(stderr, "usage: test_capi OUT.json\n");
		return 2;
	}
	out_path = argv[1];
	return rbt_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
