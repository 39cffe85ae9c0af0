#!/usr/bin/env bash
# Regenerates history/*.json: six stored results of three benchmarks over six
# commits c1..c6 (dates 2026-11-01..06). The file names are NOT in date
# order, so the tests also check that the points are sorted by date.
# Repetitions are v, 1.02 v, 0.98 v (median v). Medians per commit c1..c6:
#   split/null/pmd/order:9/real_time/threads:1   10 10.2 9.9 12 12.1 12   (a step at c4: +20%)
#   harness/capi/empty                           1 1 1.5 1 1 1            (one outlier at c3: no change)
#   harness/native/empty                         2 2 2 2 2 2.5            (newest point +25%: unconfirmed)
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p history
names=(f b d a e c)	# file name for commit c1..c6
step=(10 10.2 9.9 12 12.1 12)
outlier=(1 1 1.5 1 1 1)
last=(2 2 2 2 2 2.5)
for i in 0 1 2 3 4 5; do
  c=$((i + 1))
  jq -n --arg commit "c${c}c${c}c${c}c${c}c${c}c${c}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
        --arg date "2026-11-0${c}T12:00:00+00:00" \
        --argjson a "${step[$i]}" --argjson b "${outlier[$i]}" --argjson d "${last[$i]}" '
  def reps(name; v): [range(3)] | map(. as $i | {name: name, run_name: name, run_type: "iteration",
    repetitions: 3, repetition_index: $i, threads: 1, iterations: 1000,
    real_time: (v * [1, 1.02, 0.98][$i]), cpu_time: (v * [1, 1.02, 0.98][$i]), time_unit: "ns"}) | .[];
  {context: {date: $date, host_name: "testhost", num_cpus: 8, mhz_per_cpu: 3000,
             git_commit: $commit, git_dirty: "false", machine_key: "test-zen3-1s-8c"},
   benchmarks: [reps("split/null/pmd/order:9/real_time/threads:1"; $a),
                reps("harness/capi/empty"; $b), reps("harness/native/empty"; $d)]}' \
    > "history/${names[$i]}.json"
done
