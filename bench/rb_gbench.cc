// SPDX-License-Identifier: GPL-2.0
// refbench: the C API over Google Benchmark (see rb.h). The only C++ file of the C API.
#include "rb.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

static_assert((unsigned)RB_IS_RATE == (unsigned)benchmark::Counter::kIsRate, "counter flags");
static_assert((unsigned)RB_AVG_THREADS == (unsigned)benchmark::Counter::kAvgThreads, "counter flags");
static_assert((unsigned)RB_IS_ITERATION_INVARIANT == (unsigned)benchmark::Counter::kIsIterationInvariant, "counter flags");
static_assert((unsigned)RB_AVG_ITERATIONS == (unsigned)benchmark::Counter::kAvgIterations, "counter flags");
static_assert((unsigned)RB_INVERT == (unsigned)benchmark::Counter::kInvert, "counter flags");

// A reusable barrier for the threads of one run (1.7.1 exposes none to the body).
class RunBarrier {
 public:
  void arrive_and_wait(int n) {
    std::unique_lock<std::mutex> lk(mu_);
    const unsigned long gen = generation_;
    if (++arrived_ == n) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lk, [&] { return generation_ != gen; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
  unsigned long generation_ = 0;
};

struct Entry {
  rb_body_fn body;
  void *ctx;
  rb_hook_fn setup = nullptr;
  rb_hook_fn teardown = nullptr;
  benchmark::internal::Benchmark *bench = nullptr;
  RunBarrier barrier;
  std::atomic<bool> setup_failed{false};
  std::atomic<bool> enter_failed{false};
};

// Entries live until exit: Google Benchmark keeps pointers to the lambdas' captures.
std::deque<Entry> &entries() {
  static std::deque<Entry> e;
  return e;
}

inline benchmark::State &S(rb_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
inline const benchmark::State &S(const rb_state *st) {
  return *reinterpret_cast<const benchmark::State *>(st);
}
inline benchmark::internal::Benchmark *B(rb_bench *b) {
  return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}
inline rb_bench *R(benchmark::internal::Benchmark *b) { return reinterpret_cast<rb_bench *>(b); }
inline rb_state *C(benchmark::State &st) { return reinterpret_cast<rb_state *>(&st); }

std::vector<rb_hooks> &hooks() {
  static std::vector<rb_hooks> h;
  return h;
}

void run_hooks_enter(benchmark::State &st) {
  for (const rb_hooks &h : hooks())
    if (h.thread_enter && !st.error_occurred()) h.thread_enter(C(st), h.ctx);
}
void run_hooks_exit(benchmark::State &st) {
  for (auto it = hooks().rbegin(); it != hooks().rend(); ++it)
    if (it->thread_exit) it->thread_exit(C(st), it->ctx);
}

// One run on one thread: enter hooks, setup (thread 0), barrier, body,
// barrier, teardown (thread 0), exit hooks. The barriers are outside the
// timed batch. If any thread's enter hook or the setup failed, every thread
// skips the body, so a body that waits for its peers cannot hang.
void run_entry(Entry &e, benchmark::State &st) {
  const int threads = st.threads();
  const bool t0 = st.thread_index() == 0;

  run_hooks_enter(st);
  if (st.error_occurred()) e.enter_failed.store(true);
  if (t0 && e.setup && !st.error_occurred()) {
    e.setup(C(st), e.ctx);
    if (st.error_occurred()) e.setup_failed.store(true);
  }
  e.barrier.arrive_and_wait(threads);
  if (!e.setup_failed.load() && !e.enter_failed.load()) {
    e.body(C(st), e.ctx);
  } else if (!st.error_occurred()) {
    st.SkipWithError(e.setup_failed.load() ? "the setup hook failed on thread 0"
                                           : "another thread of this run could not start");
  }
  e.barrier.arrive_and_wait(threads);
  if (t0) {
    if (e.teardown) e.teardown(C(st), e.ctx);
    e.setup_failed.store(false);  // nobody reads them again in this run
    e.enter_failed.store(false);
  }
  run_hooks_exit(st);
}

bool g_ran = false;
std::string g_filter;

}  // namespace

extern "C" {

rb_bench *rb_register(const char *name, rb_body_fn body, void *ctx) {
  entries().emplace_back();
  Entry *e = &entries().back();
  e->body = body;
  e->ctx = ctx;
  e->bench = benchmark::RegisterBenchmark(name, [e](benchmark::State &st) { run_entry(*e, st); });
  return R(e->bench);
}

rb_bench *rb_setup_teardown(rb_bench *b, rb_hook_fn setup, rb_hook_fn teardown) {
  for (Entry &e : entries())
    if (e.bench == B(b)) {
      e.setup = setup;
      e.teardown = teardown;
    }
  return b;
}

rb_bench *rb_arg(rb_bench *b, int64_t x) { return R(B(b)->Arg(x)); }
rb_bench *rb_args(rb_bench *b, const int64_t *xs, size_t n) {
  return R(B(b)->Args(std::vector<int64_t>(xs, xs + n)));
}
rb_bench *rb_arg_range(rb_bench *b, int64_t lo, int64_t hi) { return R(B(b)->Range(lo, hi)); }
rb_bench *rb_range_multiplier(rb_bench *b, int m) { return R(B(b)->RangeMultiplier(m)); }
rb_bench *rb_dense_range(rb_bench *b, int64_t lo, int64_t hi, int step) {
  return R(B(b)->DenseRange(lo, hi, step));
}
rb_bench *rb_args_product(rb_bench *b, const struct rb_list *lists, size_t n) {
  std::vector<std::vector<int64_t>> v;
  for (size_t i = 0; i < n; i++) v.emplace_back(lists[i].v, lists[i].v + lists[i].n);
  return R(B(b)->ArgsProduct(v));
}
rb_bench *rb_arg_name(rb_bench *b, const char *name) { return R(B(b)->ArgName(name)); }
rb_bench *rb_arg_names(rb_bench *b, const char *const *names, size_t n) {
  return R(B(b)->ArgNames(std::vector<std::string>(names, names + n)));
}
rb_bench *rb_threads(rb_bench *b, int n) { return R(B(b)->Threads(n)); }
rb_bench *rb_thread_range(rb_bench *b, int lo, int hi) { return R(B(b)->ThreadRange(lo, hi)); }
rb_bench *rb_dense_thread_range(rb_bench *b, int lo, int hi, int stride) {
  return R(B(b)->DenseThreadRange(lo, hi, stride));
}
rb_bench *rb_thread_per_cpu(rb_bench *b) { return R(B(b)->ThreadPerCpu()); }
rb_bench *rb_use_real_time(rb_bench *b) { return R(B(b)->UseRealTime()); }
rb_bench *rb_measure_process_cpu_time(rb_bench *b) { return R(B(b)->MeasureProcessCPUTime()); }
rb_bench *rb_min_time(rb_bench *b, double s) { return R(B(b)->MinTime(s)); }
rb_bench *rb_min_warmup_time(rb_bench *b, double s) { return R(B(b)->MinWarmUpTime(s)); }
rb_bench *rb_iterations(rb_bench *b, uint64_t n) {
  return R(B(b)->Iterations(static_cast<benchmark::IterationCount>(n)));
}
rb_bench *rb_repetitions(rb_bench *b, int n) { return R(B(b)->Repetitions(n)); }
rb_bench *rb_aggregates_only(rb_bench *b, bool v) { return R(B(b)->ReportAggregatesOnly(v)); }
rb_bench *rb_display_aggregates_only(rb_bench *b, bool v) {
  return R(B(b)->DisplayAggregatesOnly(v));
}
rb_bench *rb_unit(rb_bench *b, enum rb_time_unit u) {
  static const benchmark::TimeUnit map[] = {benchmark::kNanosecond, benchmark::kMicrosecond,
                                            benchmark::kMillisecond, benchmark::kSecond};
  return R(B(b)->Unit(map[u]));
}

// The batch: KeepRunningBatch(max_iterations) starts the timer (after the
// threads' start barrier) and hands the whole count to the body at once; the
// second call finds nothing left and stops the timer (stop barrier). This is
// the same StartKeepRunning()/FinishKeepRunning() pair `for (auto _ : state)`
// calls, with the body's own loop in between.
// A body that skipped with an error after rb_start() still ends the batch
// once in rb_stop(); t_batch_open keeps rb_stop() from finishing twice.
static thread_local bool t_batch_open;

uint64_t rb_start(rb_state *st) {
  benchmark::State &s = S(st);
  const benchmark::IterationCount n = s.max_iterations;
  if (!s.KeepRunningBatch(n)) return 0;  // skipped: the batch is already finished
  t_batch_open = true;
  for (const rb_hooks &h : hooks())
    if (h.batch_begin) h.batch_begin(st, h.ctx);
  return static_cast<uint64_t>(n);
}
void rb_stop(rb_state *st) {
  if (!t_batch_open) return;
  t_batch_open = false;
  for (auto it = hooks().rbegin(); it != hooks().rend(); ++it)
    if (it->batch_end) it->batch_end(st, it->ctx);
  benchmark::State &s = S(st);
  while (s.KeepRunningBatch(1)) {
  }
}
int64_t rb_range(const rb_state *st, size_t i) { return S(st).range(i); }
int rb_thread_index(const rb_state *st) { return S(st).thread_index(); }
int rb_thread_count(const rb_state *st) { return S(st).threads(); }
uint64_t rb_max_iterations(const rb_state *st) {
  return static_cast<uint64_t>(S(st).max_iterations);
}
void rb_pause(rb_state *st) { S(st).PauseTiming(); }
void rb_resume(rb_state *st) { S(st).ResumeTiming(); }
void rb_skip_with_error(rb_state *st, const char *msg) { S(st).SkipWithError(msg); }
bool rb_error_occurred(const rb_state *st) { return S(st).error_occurred(); }
void rb_set_label(rb_state *st, const char *label) { S(st).SetLabel(label); }
void rb_counter(rb_state *st, const char *name, double value, unsigned int flags) {
  S(st).counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}
void rb_counter_k(rb_state *st, const char *name, double value, unsigned int flags, enum rb_one_k k) {
  S(st).counters[name] =
      benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags),
                         k == RB_ONE_K_1024 ? benchmark::Counter::kIs1024 : benchmark::Counter::kIs1000);
}
void rb_set_items_processed(rb_state *st, int64_t items) { S(st).SetItemsProcessed(items); }
void rb_set_bytes_processed(rb_state *st, int64_t bytes) { S(st).SetBytesProcessed(bytes); }

static void (*g_help)(void);
static void help_printer() {
  if (g_help) g_help();
  benchmark::PrintDefaultHelp();
}

// --benchmark_context's keys (already checked as KEY=VALUE,... by gbench_flags.c).
static std::set<std::string> &user_context_keys() {
  static std::set<std::string> k;
  return k;
}

int rb_check_filter_flags(int argc, char *const *argv, char *err, size_t errlen) {
  static const char flag[] = "--benchmark_filter=";
  for (int i = 1; i < argc; i++) {
    if (std::strncmp(argv[i], flag, sizeof(flag) - 1)) continue;
    std::string spec = argv[i] + sizeof(flag) - 1;
    // benchmark.cc FindBenchmarks(): "" and "all" select everything; "-RE" negates.
    if (spec.empty() || spec == "all") continue;
    if (spec[0] == '-') spec.erase(0, 1);
    try {
      std::regex re(spec, std::regex_constants::extended);
    } catch (const std::regex_error &e) {
      std::snprintf(err, errlen, "%s: not a regular expression (POSIX extended, as Google "
                    "Benchmark compiles it): %s", argv[i], e.what());
      return 2;
    }
  }
  return 0;
}

void rb_initialize(int *argc, char **argv, void (*help)(void)) {
  static const char flag[] = "--benchmark_context=";
  g_help = help;
  for (int i = 1; i < *argc; i++) {
    if (std::strncmp(argv[i], flag, sizeof(flag) - 1)) continue;
    std::string v = argv[i] + sizeof(flag) - 1;
    for (size_t at = 0; at <= v.size();) {
      size_t comma = v.find(',', at);
      if (comma == std::string::npos) comma = v.size();
      std::string item = v.substr(at, comma - at);
      user_context_keys().insert(item.substr(0, item.find('=')));
      at = comma + 1;
    }
  }
  benchmark::Initialize(argc, argv, help_printer);
}
bool rb_report_unrecognized_arguments(int argc, char **argv) {
  return benchmark::ReportUnrecognizedArguments(argc, argv);
}
void rb_add_hooks(const struct rb_hooks *h) { hooks().push_back(*h); }
void rb_add_context(const char *key, const char *value) {
  if (user_context_keys().count(key)) {
    // Google Benchmark would keep the user's value and warn; the result would carry it as ours.
    std::fprintf(stderr, "refbench: --benchmark_context: '%s' is a key refbench records itself; "
                 "choose another name\n", key);
    std::exit(2);
  }
  benchmark::AddCustomContext(key, value);
}
long rb_run_specified_benchmarks(void) {
  if (g_ran) {
    std::fprintf(stderr, "refbench: RunSpecifiedBenchmarks may run once per process\n");
    return -1;
  }
  g_ran = true;
  return static_cast<long>(benchmark::RunSpecifiedBenchmarks());
}
void rb_shutdown(void) { benchmark::Shutdown(); }
const char *rb_benchmark_filter(void) {
  g_filter = benchmark::GetBenchmarkFilter();
  return g_filter.c_str();
}

}  // extern "C"
