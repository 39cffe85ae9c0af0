#!/usr/bin/env bash
# Regenerates run.json, the hand-designed result file the plots tests read.
# Every value follows a formula simple enough to compute by hand (see
# ../expected/*.tsv): repetitions are v, 1.1 v and 0.95 v, so the median is v,
# the min 0.95 v and the max 1.1 v.
#   split/<variant>/pmd/order:9, threads 1 2 4 8, placements compact, scatter:
#     v = base * f(threads) * (scatter ? 1.5 : 1); base null 10, retry 25,
#     freeze 40; f(1) 1, f(2) 0.6, f(4) 0.4, f(8) 0.5;
#     counters cycles/op 3 v, instructions/op 7, cache-misses/op 0.1 threads.
#   split/<variant>/pte/order:0, threads 1 2, compact only: v = base / 2.
#   harness/<native|capi>/<body>: v native 2, capi 2.5 per body index (1, 2, 3).
#   calib/pingpong/pairs/pu_a:I/pu_b:J (I < J, 0..3): v = 40 if I/2 == J/2, else 100 + 10 (I + J).
#   split/freeze/pud/order:18/threads:1: skipped with an error.
#   split/null/pmd/order:9 threads:1 compact also carries GB's aggregates.
set -euo pipefail
cd "$(dirname "$0")"
jq -n '
def reps(name; place; threads; v; counters):
  [range(3)] | map(. as $i | {
    name: name, run_name: name, run_type: "iteration", repetitions: 3,
    repetition_index: $i, threads: threads, iterations: 1000000,
    real_time: (v * ([1, 1.1, 0.95][$i])), cpu_time: (v * ([1, 1.1, 0.95][$i]) * threads),
    time_unit: "ns"}
    + (if place then {label: ("placement:" + place)} else {} end)
    + (counters | with_entries(.value = (.value * ([1, 1.1, 0.95][$i]))))) | .[];
def f: {"1": 1, "2": 0.6, "4": 0.4, "8": 0.5}[tostring];
{
  context: {
    date: "2026-11-20T10:00:00+00:00", host_name: "testhost", executable: "build/release/bench/refbench",
    num_cpus: 8, mhz_per_cpu: 3000, cpu_scaling_enabled: false,
    caches: [{type: "Data", level: 1, size: 32768, num_sharing: 2}],
    load_avg: [0.1, 0.2, 0.3], library_build_type: "debug", build_type: "Release",
    compiler: "GNU 12.2.0", compiler_flags: "-O3 -DNDEBUG", git_commit: "0123456789abcdef0123456789abcdef01234567",
    git_dirty: "false", refbench_version: "0.1.0", machine_key: "test-zen3-1s-8c",
    machine_cpu_model: "AMD EPYC Test_CPU 7B13 <8-Core>", kernel_release: "6.1.0-test"
  },
  benchmarks: (
    [ ("compact", "scatter") as $p | ("null", "retry", "freeze") as $var | (1, 2, 4, 8) as $t
      | ({null: 10, retry: 25, freeze: 40}[$var] * ($t | f) * (if $p == "scatter" then 1.5 else 1 end)) as $v
      | reps("split/\($var)/pmd/order:9/real_time/threads:\($t)"; $p; $t; $v;
             {"cycles/op": (3 * $v), "instructions/op": 7, "cache-misses/op": (0.1 * $t)}) ]
    + [ ("null", "retry", "freeze") as $var | (1, 2) as $t
      | reps("split/\($var)/pte/order:0/real_time/threads:\($t)"; "compact"; $t;
             ({null: 10, retry: 25, freeze: 40}[$var] / 2); {}) ]
    + [ ("native", "capi") as $k | ([["empty", 1], ["fetch_add_relaxed", 2], ["cas_seq_cst", 3]][]) as $b
      | reps("harness/\($k)/\($b[0])"; null; 1; ((if $k == "native" then 2 else 2.5 end) * $b[1]); {}) ]
    + [ range(4) as $a | range($a + 1; 4) as $b
      | reps("calib/pingpong/pairs/pu_a:\($a)/pu_b:\($b)/real_time/threads:2"; null; 2;
             (if ($a / 2 | floor) == ($b / 2 | floor) then 40 else 100 + 10 * ($a + $b) end); {}) ]
    + [ {name: "split/freeze/pud/order:18/threads:1", run_name: "split/freeze/pud/order:18/threads:1",
         run_type: "iteration", repetitions: 3, repetition_index: 0, threads: 1, iterations: 0,
         real_time: 0, cpu_time: 0, time_unit: "ns", error_occurred: true,
         error_message: "order 18 needs 1 GiB of model memory", label: "placement:compact"} ]
    + [ (["mean", 10.0167], ["median", 10], ["stddev", 0.7638], ["cv", 0.0763]) | . as [$a, $v]
      | {name: "split/null/pmd/order:9/real_time/threads:1_\($a)", run_name: "split/null/pmd/order:9/real_time/threads:1",
         run_type: "aggregate", repetitions: 3, threads: 1, aggregate_name: $a,
         aggregate_unit: (if $a == "cv" then "percentage" else "time" end), iterations: 3,
         real_time: $v, cpu_time: $v, time_unit: "ns", label: "placement:compact"} ]
  )
}' > run.json
