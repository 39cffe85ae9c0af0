#!/usr/bin/env bash
# Regenerates the stored runs the findings tests read (questions.tsv here is
# their mapping). Repetitions are v, 1.1 v and 0.95 v: the median is v.
#   run-a.json (machine key test-zen3-1s-8c, placements none and compact):
#     split null v=10, retry v=9 (order 9, rate 10000; splits 1e-4 per grab);
#     the same two under compact: null 20, retry 30;
#     grab subpage page_time 7e-9, grouped 1e-9 (get); subpage 5e-9,
#     grouped 1e-9 (pin: 5x against the kernel's 14x: more than 2x);
#     pin (cpu_time) lock 12, flag 10, bias 11 with missed 1 (a missed pin);
#     devmap (op_time) onebased 13e-9, zerobased 10e-9.
#   run-b.json (same key, none only): split null 10, retry 9.9; the rest as A.
#   baseline.json (same key, the "baseline"): split null 10, retry 10 (ratio
#     1); pin lock 15, flag 10 (1.5); no grab or devmap cells.
set -euo pipefail
cd "$(dirname "$0")"
gen() { # OUT  JQ-PROGRAM-FRAGMENT
  jq -n "
def reps(name; place; v; extra):
  [range(3)] | map(. as \$i | ([1, 1.1, 0.95][\$i]) as \$m | {
    name: (if place == \"none\" then name else name + \"/placement:\" + place end),
    run_name: (if place == \"none\" then name else name + \"/placement:\" + place end),
    run_type: \"iteration\", repetitions: 3, repetition_index: \$i, threads: 1,
    iterations: 1000, real_time: (v * \$m), cpu_time: (v * \$m), time_unit: \"ns\",
    placement: place} + (extra | with_entries(.value = (if .key == \"splits\" or .key == \"missed\" then .value else .value * \$m end)))) | .[];
{
  context: {date: \"2026-12-01T10:00:00+00:00\", host_name: \"testhost\", num_cpus: 8,
            mhz_per_cpu: 3000, git_commit: \"0123456789abcdef0123456789abcdef01234567\",
            git_dirty: \"false\", machine_key: \"test-zen3-1s-8c\"},
  benchmarks: ([ $2 ] + [{name: \"harness/native/empty_mean\", run_name: \"harness/native/empty\",
      run_type: \"aggregate\", aggregate_name: \"cv\", real_time: 0.5, cpu_time: 0.5, time_unit: \"ns\",
      odd: null}] | map(select(. != null)))
}" | sed 's/"odd": null/"odd": NaN/' >"$1"
}
S='split/%s/grab/order:9/rate:10000/refs:1/real_time/threads:1'
G='grab/%s/ppc:0/pin:%d/mem_mib:16384/shared:1/lookup:1/iterations:4/threads:1'
P='pin/%s/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1'
D='devmap/%s/get_put/private/mem_mib:16384/stride:4097/shared:1/iterations:4194304/threads:1'
common="
  reps(\"$(printf "$G" subpage/pmd_devdax 0)\"; \"none\"; 30000000; {page_time: 7e-9}),
  reps(\"$(printf "$G" grouped/pmd_devdax_compound 0)\"; \"none\"; 4000000; {page_time: 1e-9}),
  reps(\"$(printf "$G" subpage/pmd_devdax 1)\"; \"none\"; 20000000; {page_time: 5e-9}),
  reps(\"$(printf "$G" grouped/pmd_devdax_compound 1)\"; \"none\"; 4000000; {page_time: 1e-9}),
  reps(\"$(printf "$P" lock)\"; \"none\"; 12; {\"fp/decision\": 0}),
  reps(\"$(printf "$P" flag)\"; \"none\"; 10; {\"fp/decision\": 0.01}),
  reps(\"$(printf "$P" bias)\"; \"none\"; 11; {\"fp/decision\": 0.02, missed: 1}),
  reps(\"$(printf "$D" onebased)\"; \"none\"; 13; {op_time: 13e-9}),
  reps(\"$(printf "$D" zerobased)\"; \"none\"; 10; {op_time: 10e-9})"
gen run-a.json "
  reps(\"$(printf "$S" null)\"; \"none\"; 10; {splits: 1e-4}),
  reps(\"$(printf "$S" retry)\"; \"none\"; 9; {splits: 1e-4}),
  reps(\"$(printf "$S" null)\"; \"compact\"; 20; {splits: 1e-4}),
  reps(\"$(printf "$S" retry)\"; \"compact\"; 30; {splits: 1e-4}),$common"
gen run-b.json "
  reps(\"$(printf "$S" null)\"; \"none\"; 10; {splits: 1e-4}),
  reps(\"$(printf "$S" retry)\"; \"none\"; 9.9; {splits: 1e-4}),$common"
gen baseline.json "
  reps(\"$(printf "$S" null)\"; \"none\"; 10; {splits: 1e-4}),
  reps(\"$(printf "$S" retry)\"; \"none\"; 10; {splits: 1e-4}),
  reps(\"$(printf "$P" lock)\"; \"none\"; 15; {}),
  reps(\"$(printf "$P" flag)\"; \"none\"; 10; {})"
