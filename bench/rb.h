/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench: a C API over Google Benchmark 1.7.1 (Debian's libbenchmark-dev).
 *
 * A benchmark body is a C function called once per thread per run. It asks
 * for its batch with rb_start(), runs its own loop of that many iterations
 * (no call into the harness per iteration, so a 2 ns operation is not hidden
 * by the harness), and ends it with rb_stop():
 *
 *	static void body(rb_state *st, void *ctx)
 *	{
 *		struct my_ctx *c = ctx;
 *		uint64_t n = rb_start(st);	// timer starts (after all threads arrive)
 *		for (uint64_t i = 0; i < n; i++)
 *			op(c);
 *		rb_stop(st);			// timer stops (after all threads finish)
 *		rb_counter(st, "retries", c->retries, RB_AVG_ITERATIONS);
 *	}
 *
 * rb_start() returns 0 when the run was skipped with an error; the loop then
 * does nothing. Between rb_start() and rb_stop(), rb_pause()/rb_resume() work
 * as PauseTiming()/ResumeTiming().
 *
 * Shared per-run state belongs in a setup hook (rb_setup_teardown): it runs on
 * thread 0 while every other thread of that run waits, and the teardown hook
 * runs on thread 0 after every thread has left the body, whenever the run
 * ran, even if the setup failed (so it must cope with a partial setup). A
 * setup hook that calls rb_skip_with_error() skips the run on every thread. Per-thread state
 * (and CPU binding) belongs in the body, keyed on rb_thread_index(): 1.7.1
 * starts new threads for every run.
 *
 * Builders return their benchmark so calls chain:
 *	rb_threads(rb_arg_names(RB_ARGS(rb_register("split/null/pmd", body, ctx), 9, 1),
 *		   ...), 2);
 */
#ifndef RB_H
#define RB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rb_state rb_state;	/* a benchmark::State */
typedef struct rb_bench rb_bench;	/* a benchmark::internal::Benchmark */
typedef void (*rb_body_fn)(rb_state *st, void *ctx);
typedef void (*rb_hook_fn)(rb_state *st, void *ctx);

enum rb_time_unit { RB_NANOSECOND, RB_MICROSECOND, RB_MILLISECOND, RB_SECOND };

/* Counter flags: the values of benchmark::Counter::Flags. */
enum rb_counter_flags {
	RB_COUNTER_DEFAULT = 0,
	RB_IS_RATE = 1 << 0,
	RB_AVG_THREADS = 1 << 1,
	RB_AVG_THREADS_RATE = RB_IS_RATE | RB_AVG_THREADS,
	RB_IS_ITERATION_INVARIANT = 1 << 2,
	RB_IS_ITERATION_INVARIANT_RATE = RB_IS_RATE | RB_IS_ITERATION_INVARIANT,
	RB_AVG_ITERATIONS = 1 << 3,
	RB_AVG_ITERATIONS_RATE = RB_IS_RATE | RB_AVG_ITERATIONS,
	RB_INVERT = 1 << 31,
};
/* For rb_counter_k(): the counter's "k" for display. */
enum rb_one_k { RB_ONE_K_1000, RB_ONE_K_1024 };

/* ---- registration ---- */
/* @name is copied; @ctx is passed to every call of @body and the hooks. */
rb_bench *rb_register(const char *name, rb_body_fn body, void *ctx);
rb_bench *rb_setup_teardown(rb_bench *b, rb_hook_fn setup, rb_hook_fn teardown);

rb_bench *rb_arg(rb_bench *b, int64_t x);
rb_bench *rb_args(rb_bench *b, const int64_t *xs, size_t n);	/* one tuple */
rb_bench *rb_arg_range(rb_bench *b, int64_t lo, int64_t hi);	/* Range(): powers of the multiplier */
rb_bench *rb_range_multiplier(rb_bench *b, int multiplier);
rb_bench *rb_dense_range(rb_bench *b, int64_t lo, int64_t hi, int step);

struct rb_list { const int64_t *v; size_t n; };
rb_bench *rb_args_product(rb_bench *b, const struct rb_list *lists, size_t n);
rb_bench *rb_arg_name(rb_bench *b, const char *name);
rb_bench *rb_arg_names(rb_bench *b, const char *const *names, size_t n);

rb_bench *rb_threads(rb_bench *b, int n);
rb_bench *rb_thread_range(rb_bench *b, int lo, int hi);	/* lo, 2lo, 4lo, ..., hi */
rb_bench *rb_dense_thread_range(rb_bench *b, int lo, int hi, int stride);
rb_bench *rb_thread_per_cpu(rb_bench *b);

rb_bench *rb_use_real_time(rb_bench *b);
rb_bench *rb_measure_process_cpu_time(rb_bench *b);
rb_bench *rb_min_time(rb_bench *b, double seconds);
rb_bench *rb_min_warmup_time(rb_bench *b, double seconds);
rb_bench *rb_iterations(rb_bench *b, uint64_t n);
rb_bench *rb_repetitions(rb_bench *b, int n);
rb_bench *rb_aggregates_only(rb_bench *b, bool v);		/* ReportAggregatesOnly */
rb_bench *rb_display_aggregates_only(rb_bench *b, bool v);
rb_bench *rb_unit(rb_bench *b, enum rb_time_unit u);

/* Compound literal helpers: RB_ARGS(b, 9, 512); RB_ARG_NAMES(b, "order", "refs");
 * RB_ARGS_PRODUCT(b, RB_LIST(4, 9), RB_LIST(1, 2, 4)). */
#define RB_NARGS_(type, ...)	(sizeof((type[]){ __VA_ARGS__ }) / sizeof(type))
#define RB_ARGS(b, ...)	rb_args((b), (const int64_t[]){ __VA_ARGS__ }, RB_NARGS_(int64_t, __VA_ARGS__))
#define RB_ARG_NAMES(b, ...) \
	rb_arg_names((b), (const char *const[]){ __VA_ARGS__ }, RB_NARGS_(const char *, __VA_ARGS__))
#define RB_LIST(...) \
	((struct rb_list){ (const int64_t[]){ __VA_ARGS__ }, RB_NARGS_(int64_t, __VA_ARGS__) })
#define RB_ARGS_PRODUCT(b, ...) \
	rb_args_product((b), (const struct rb_list[]){ __VA_ARGS__ }, RB_NARGS_(struct rb_list, __VA_ARGS__))

/* ---- inside the body ---- */
uint64_t rb_start(rb_state *st);	/* start the timed batch; its iteration count, 0 if skipped */
void rb_stop(rb_state *st);		/* end the timed batch */
int64_t rb_range(const rb_state *st, size_t i);	/* i < the number of args (unchecked, as GB) */
int rb_thread_index(const rb_state *st);
int rb_thread_count(const rb_state *st);
uint64_t rb_max_iterations(const rb_state *st);
void rb_pause(rb_state *st);
void rb_resume(rb_state *st);
void rb_skip_with_error(rb_state *st, const char *msg);
bool rb_error_occurred(const rb_state *st);
void rb_set_label(rb_state *st, const char *label);
/* A user counter, summed over threads unless @flags say otherwise. */
void rb_counter(rb_state *st, const char *name, double value, unsigned int flags);
void rb_counter_k(rb_state *st, const char *name, double value, unsigned int flags, enum rb_one_k k);
void rb_set_items_processed(rb_state *st, int64_t items);
void rb_set_bytes_processed(rb_state *st, int64_t bytes);

/* Keep the compiler from optimising a value or memory away (benchmark::DoNotOptimize/ClobberMemory). */
#define rb_do_not_optimize(x)	__asm__ __volatile__("" : : "r,m"(x) : "memory")
#define rb_clobber_memory()	__asm__ __volatile__("" : : : "memory")

/* ---- hooks for tools (placements, counters, instruction counting) ----
 * thread_enter: every thread of every run, before the setup hook and body
 *               (bind the thread here); a failure is reported with
 *               rb_skip_with_error() and skips the body on that thread.
 * batch_begin:  right after the timer started (all threads arrived).
 * batch_end:    right before the timer stops.
 * thread_exit:  after the body (and teardown, on thread 0).
 * Any hook may be NULL. Hooks run in registration order; the end hooks in
 * reverse order. */
struct rb_hooks {
	const char *name;
	void (*thread_enter)(rb_state *st, void *ctx);
	void (*batch_begin)(rb_state *st, void *ctx);
	void (*batch_end)(rb_state *st, void *ctx);
	void (*thread_exit)(rb_state *st, void *ctx);
	void *ctx;
};
void rb_add_hooks(const struct rb_hooks *hooks);	/* copied; before rb_run_specified_benchmarks */

/* ---- main ---- */
/* benchmark::Initialize(): removes Google Benchmark's flags from argv; --help prints @help, then GB's. */
void rb_initialize(int *argc, char **argv, void (*help)(void));
/*
 * Before rb_initialize(): every --benchmark_filter=REGEX of @argv must compile
 * as Google Benchmark 1.7.1 compiles it (std::regex, extended; a leading '-'
 * negates). 0, or 2 with a one-line message in @err. rb_initialize() also
 * records the --benchmark_context keys: rb_add_context() of one of them is
 * refused (one line, exit 2), or the user's value would silently replace
 * refbench's own.
 */
int rb_check_filter_flags(int argc, char *const *argv, char *err, size_t errlen);
/* Prints each argument but argv[0] as unrecognized; true if there was one. */
bool rb_report_unrecognized_arguments(int argc, char **argv);
/* Adds KEY to the run's context; exits 2 (nothing ran) if --benchmark_context gave that key. */
void rb_add_context(const char *key, const char *value);
/* RunSpecifiedBenchmarks(): once per process (a second run crashes 1.7.1); returns the
 * number of benchmarks run, or -1 if called again. */
long rb_run_specified_benchmarks(void);
void rb_shutdown(void);
/* The current --benchmark_filter. */
const char *rb_benchmark_filter(void);

#ifdef __cplusplus
}
#endif
#endif
