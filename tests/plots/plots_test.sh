#!/usr/bin/env bash
# refbench plots tests (ctest label "plots"): each figure is drawn from a known
# result file in tests/plots/data/, is a valid PNG and SVG of non-trivial size,
# names the machine and the commit, and the data behind it matches values
# computed by hand from the formulas in data/make-*-json.sh. Bad input gives
# one line on stderr and exit status 2.
#
# Usage: plots_test.sh TEST   (TEST: figures, data, compare, history, badinput,
#                              live, browser, findings, findings_figures); run by ctest with
#   REFBENCH_PLOTDATA  the refbench-plotdata under test
#   PLOTS_IMGCHECK     the plots-imgcheck binary
#   PLOTS_WORK         a scratch directory
#   REFBENCH_BIN       the refbench binary (live test only; may be empty)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$here/data
: "${REFBENCH_PLOTDATA:?}" "${PLOTS_IMGCHECK:?}" "${PLOTS_WORK:?}"
export REFBENCH_PLOTDATA
test=${1:?usage: plots_test.sh TEST}
work=$PLOTS_WORK/$test
rm -rf "$work"
mkdir -p "$work"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# expect_row FILE BLOCK KEY V1 V2...: in FILE (in the block whose comment
# line contains BLOCK; "" for the whole file), the row whose first field is
# KEY has fields 2.. equal to V1 V2... (numbers within 1e-4 relative; "?"
# and words exactly). A value "-" skips that field.
expect_row() {
  local file=$1 block=$2 key=$3
  shift 3
  local got
  got=$(awk -F'\t' -v block="$block" -v key="$key" '
    /^#/ { if (block != "") inblock = (index($0, block) > 0); next }
    (block == "" || inblock) && $1 == key { print; exit }' "$file")
  if [ -z "$got" ]; then
    fail "$(basename "$file") [$block] has no row '$key'"
    return
  fi
  local IFS=$'\x1f'
  awk -F'\t' -v want="$*" -v where="$(basename "$file") [$block] '$key'" '
    function abs(x) { return x < 0 ? -x : x }
    { n = split(want, w, "\x1f")
      for (i = 1; i <= n; i++) {
        g = $(i + 1)
        if (w[i] == "-") continue
        if (w[i] ~ /^-?[0-9.]+(e-?[0-9]+)?$/ && g ~ /^-?[0-9.]+(e-?[0-9]+)?$/) {
          if (abs(g - w[i]) > 1e-4 * (abs(w[i]) > 1 ? abs(w[i]) : 1)) { print "FAIL: " where " field " i + 1 ": got " g ", want " w[i]; bad = 1 }
        } else if (g != w[i]) { print "FAIL: " where " field " i + 1 ": got " g ", want " w[i]; bad = 1 }
      }
      if (!bad) print "ok: " where
      exit bad }' <<<"$got" || fails=$((fails + 1))
}

# plot_run DIR: a run directory holding run.json and compare.json, drawn.
plot_run() {
  mkdir -p "$1"
  cp "$data/run.json" "$1/refbench.json"
  cp "$data/compare.json" "$1/compare.json"
  echo 'build/release/bench/refbench --benchmark_repetitions=3 --benchmark_out=refbench.json' \
    >"$1/command.txt"
  "$root/scripts/plot" "$1" >"$1.log" 2>&1 || { cat "$1.log"; fail "scripts/plot $1"; return 1; }
}

figures_expected=(scaling-split_pmd_order_9 scaling-split_pte_order_0 bars-split counters-split
                  bars-harness heatmap-pairs compare)

case "$test" in
figures)
  # Every figure of the known run: PNG and SVG, valid, non-trivial, titled.
  plot_run "$work/run" || exit 1
  img=$work/run/plots
  for f in "${figures_expected[@]}"; do
    for ext in png svg; do
      [ -f "$img/$f.$ext" ] || { fail "$f.$ext was not drawn"; continue; }
      if msg=$("$PLOTS_IMGCHECK" "$img/$f.$ext"); then ok "$f.$ext is a valid $ext"; else fail "$msg"; fi
    done
    svg=$img/$f.svg
    [ -f "$svg" ] || continue
    # the title names the machine and the commit (the A/B figure: both commits)
    grep -q 'machine: test-zen3-1s-8c' "$svg" || fail "$f.svg: the title does not name the machine"
    grep -q 'commit: 0123456789ab' "$svg" || grep -q '0123456789ab-dirty' "$svg" ||
      fail "$f.svg: the title does not name the commit"
  done
  n=$(grep -vc '^#' "$work/run/plots/data/figures.tsv")
  [ "$n" = ${#figures_expected[@]} ] || fail "figures.tsv lists $n figures, want ${#figures_expected[@]}"
  # names are printed as written: no enhanced-text subscripts for '_'
  grep -q '>fetch_add_relaxed<' "$img/bars-harness.svg" ||
    fail "bars-harness.svg: 'fetch_add_relaxed' is not printed verbatim (enhanced text?)"
  grep -q 'AMD EPYC' "$work/run/report.html" || fail "report.html lacks the machine fingerprint"
  # units on the axes
  grep -q 'threads (count)' "$img/scaling-split_pmd_order_9.svg" || fail "scaling: no x unit"
  grep -q 'Mops/s' "$img/scaling-split_pmd_order_9.svg" || fail "scaling: no y unit"
  grep -q 'ns/op' "$img/bars-split.svg" || fail "bars: no y unit"
  grep -q 'cycles/op' "$img/counters-split.svg" || fail "counters: no y unit"
  grep -q 'ns/op' "$img/heatmap-pairs.svg" || fail "heatmap: no colour-bar unit"
  grep -q '(%' "$img/compare.svg" || fail "compare: no x unit"
  grep -q 'PU a (OS index)' "$img/heatmap-pairs.svg" || fail "heatmap: no x unit"
  # the ns/op variant of the scaling figure draws too
  "$root/scripts/plot" --scaling ns --out "$work/ns" "$work/run/refbench.json" >/dev/null 2>&1 ||
    fail "scripts/plot --scaling ns"
  grep -q 'time per operation (ns/op)' "$work/ns/plots/scaling-split_pmd_order_9.svg" ||
    fail "--scaling ns: no ns/op axis"
  ;;

data)
  # The numbers behind the figures, against hand-computed values.
  # Repetitions are v, 1.1 v, 0.95 v: median v, min 0.95 v, max 1.1 v;
  # Mops/s = 1000 / ns. split/pmd/order:9: v = base * f(threads) * (1.5 on
  # scatter), base null 10, retry 25, freeze 40; f(1,2,4,8) = 1, .6, .4, .5.
  out=$work/d
  "$REFBENCH_PLOTDATA" run "$data/run.json" "$out" || { fail "refbench-plotdata run"; exit 1; }
  s=$out/scaling-split_pmd_order_9.dat
  #                         threads  n  median  min    max   Mops    minMops  maxMops
  expect_row "$s" "placement=compact variant=null" 1  3  10  9.5  11   100  90.9091 105.263
  expect_row "$s" "placement=compact variant=null" 2  3  6   5.7  6.6  166.667 151.515 175.439
  expect_row "$s" "placement=compact variant=null" 4  3  4   3.8  4.4  250  227.273 263.158
  expect_row "$s" "placement=compact variant=null" 8  3  5   4.75 5.5  200  181.818 210.526
  expect_row "$s" "placement=compact variant=retry" 4 3  10  9.5  11   100  90.9091 105.263
  # scatter freeze at 8 threads: 40 * 0.5 * 1.5 = 30
  expect_row "$s" "placement=scatter variant=freeze" 8 3 30 28.5 33   33.3333 30.303 35.0877
  # scatter null at 2 threads: 10 * 0.6 * 1.5 = 9
  expect_row "$s" "placement=scatter variant=null" 2  3  9   8.55 9.9  111.111 101.01 116.959
  # pte/order:0 is base / 2 at 1 and 2 threads, compact only
  p=$out/scaling-split_pte_order_0.dat
  expect_row "$p" "placement=compact variant=freeze" 2 3 20 19 22 50 45.4545 52.6316
  grep -q 'placement=scatter' "$p" && fail "scaling-split_pte_order_0.dat has a scatter block"
  # grouped bars: per variant median min max; pte has no scatter cells (?)
  b=$out/bars-split.dat
  expect_row "$b" "placement=compact" "pmd order:9 threads:4" 4 3.8 4.4 10 9.5 11 16 15.2 17.6
  expect_row "$b" "placement=scatter" "pmd order:9 threads:1" 15 14.25 16.5 37.5 35.625 41.25 60 57 66
  expect_row "$b" "placement=scatter" "pte order:0 threads:1" "?" "?" "?" "?" "?" "?" "?" "?" "?"
  # harness: native 2 * k, capi 2.5 * k for bodies k = 1, 2, 3
  h=$out/bars-harness.dat
  expect_row "$h" "placement=default" "fetch_add_relaxed" 4 3.8 4.4 5 4.75 5.5
  expect_row "$h" "placement=default" "cas_seq_cst" 6 5.7 6.6 7.5 7.125 8.25
  # counters: cycles/op 3 v; instructions/op 7; cache-misses/op 0.1 * threads
  c=$out/counters-split.dat
  expect_row "$c" "counter=cycles/op" "pmd order:9 threads:2 scatter" 27 25.65 29.7 67.5 64.125 74.25 108 102.6 118.8
  expect_row "$c" "counter=instructions/op" "pmd order:9 threads:8 compact" 7 6.65 7.7 7 6.65 7.7 7 6.65 7.7
  expect_row "$c" "counter=cache-misses/op" "pmd order:9 threads:4 compact" 0.4 0.38 0.44 0.4 0.38 0.44 0.4 0.38 0.44
  head -n 20 "$c" | grep -q '^# counter=cycles/op' || fail "counters: cycles/op is not the first panel"
  # heatmap: 40 within a core pair (0-1, 2-3), else 100 + 10 (a + b); the
  # pairs were measured a < b only, so (b, a) mirrors them; the diagonal is NaN
  m=$out/heatmap-pairs.dat
  for row in "0 1 40" "1 0 40" "0 2 120" "0 3 130" "3 0 130" "1 3 140" "2 3 40" "3 2 40" "2 2 NaN"; do
    set -- $row
    awk -F'\t' -v a="$1" -v b="$2" -v v="$3" '!/^#/ && $1 == a && $2 == b { found = 1; if ($3 != v) exit 1 }
      END { exit !found }' "$m" && ok "heatmap ($1,$2) = $3" || fail "heatmap ($1,$2) is not $3"
  done
  grep -q '^pu\[4\] = 3$' "$out/heatmap-pairs.gp" || fail "heatmap: PU list"
  # the calib family's own names: calib/pingpong/matrix/<a>/<b> (bench/calib/pingpong.c),
  # and its per-class rows (calib/pingpong/<class>) drawn as bars
  jq '.benchmarks |= map(if (.name | startswith("calib/")) then (.name |= sub("pairs/pu_a:(?<a>[0-9]+)/pu_b:(?<b>[0-9]+)"; "matrix/\(.a)/\(.b)")) | .run_name = .name else . end)
      | .benchmarks += [{name: "calib/pingpong/smt/real_time/threads:2", run_name: "calib/pingpong/smt/real_time/threads:2",
                         run_type: "iteration", threads: 2, real_time: 40, cpu_time: 80, time_unit: "ns"}]' \
    "$data/run.json" >"$work/calib.json"
  "$REFBENCH_PLOTDATA" run "$work/calib.json" "$work/calib" || fail "run with calib matrix names"
  awk -F'\t' '!/^#/ && $1 == 1 && $2 == 3 && $3 == 140 { a = 1 } !/^#/ && $1 == 3 && $2 == 2 && $3 == 40 { b = 1 }
    END { exit !(a && b) }' "$work/calib/heatmap-matrix.dat" && ok "heatmap from calib/pingpong/matrix/<a>/<b>" ||
    fail "heatmap from calib/pingpong/matrix/<a>/<b>"
  expect_row "$work/calib/bars-calib.dat" "placement=default" "smt threads:2" 40 40 40
  grep -c . "$work/calib/bars-calib.dat" | grep -qx 4 || fail "bars-calib.dat holds more than the smt row"
  # cells.tsv: GB's aggregates and the errored run are not repetitions
  expect_row <(awk -F'\t' '$12 == "split/null/pmd/order:9/real_time/threads:1" && $4 == "compact" { print $12 "\t" $0 }' "$out/cells.tsv") "" \
    "split/null/pmd/order:9/real_time/threads:1" split null "pmd order:9" compact 1 3 10 9.5 11 - 100
  grep -q 'order 18 needs 1 GiB' "$out/errors.tsv" || fail "errors.tsv lacks the skipped run"
  grep -q 'pud' "$out/cells.tsv" && fail "cells.tsv lists the skipped run"
  grep -q "^machine = 'test-zen3-1s-8c'$" "$out/meta.gp" || fail "meta.gp: machine is not machine_key"
  grep -q "^commit = '0123456789ab'$" "$out/meta.gp" || fail "meta.gp: commit"
  # cpu_time: the generator makes cpu_time = real_time * threads
  "$REFBENCH_PLOTDATA" run --time=cpu "$data/run.json" "$out-cpu" || fail "run --time=cpu"
  expect_row "$out-cpu/scaling-split_pmd_order_9.dat" "placement=compact variant=null" 4 3 16 15.2 17.6
  # machine fallback without a fingerprint: host, CPUs and MHz
  jq 'del(.context.machine_key, .context.machine_cpu_model) | .context.git_dirty = "true"' \
    "$data/run.json" >"$work/nokey.json"
  "$REFBENCH_PLOTDATA" run "$work/nokey.json" "$work/nokey" || fail "run without machine_key"
  grep -q "^machine = 'testhost, 8 CPUs @ 3000 MHz'$" "$work/nokey/meta.gp" || fail "machine fallback"
  grep -q "^commit = '0123456789ab-dirty'$" "$work/nokey/meta.gp" || fail "dirty commit"
  # placement from a name part, and aggregates-only results (the _median)
  jq '.benchmarks |= map(select(.name | startswith("harness/native/empty")) | .name += "/placement:smt" | .run_name = .name | del(.label))
      | .benchmarks += [{name: "harness/capi/empty_median", run_name: "harness/capi/empty", run_type: "aggregate",
                          aggregate_name: "median", threads: 1, real_time: 3, cpu_time: 3, time_unit: "us"}]' \
    "$data/run.json" >"$work/place.json"
  "$REFBENCH_PLOTDATA" run "$work/place.json" "$work/place" || fail "run with placement in the name"
  awk -F'\t' '$12 == "harness/native/empty/placement:smt" && $4 == "smt" && $3 == "empty"' "$work/place/cells.tsv" |
    grep -q . && ok "placement from the name" || fail "placement from the name"
  awk -F'\t' '$12 == "harness/capi/empty" && $5 == 1 && $6 == 0 && $7 == 3000' "$work/place/cells.tsv" |
    grep -q . && ok "aggregates-only: the _median, in ns" || fail "aggregates-only median"
  ;;

compare)
  # The A/B figure's data, in %, with the verdict codes.
  out=$work/c
  "$REFBENCH_PLOTDATA" compare "$data/compare.json" "$out" || { fail "refbench-plotdata compare"; exit 1; }
  d=$out/compare.dat
  expect_row "$d" "" 0 "split/null/pmd/order:9/real_time/threads:1" 15 11 19 1 0.0001
  expect_row "$d" "" 1 "split/retry/pmd/order:9/real_time/threads:2" -10 -13 -7 2 0.0004
  expect_row "$d" "" 2 "harness/native/fetch_add_relaxed" 0.5 -1 2 3 0.62
  expect_row "$d" "" 3 "split/freeze/pmd/order:9/real_time/threads:8" 6 -8 21 4 0.31
  expect_row "$d" "" 4 "harness/capi/empty" 0 "?" "?" 3 "?"
  # the figure: only the verdicts other than "no change", by family, largest |change| first
  cf=$out/compare-figure.dat
  got=$(awk -F'\t' '!/^#/ { printf "%s:%s ", $1, $2 }' "$cf")
  want="0:split/null/pmd/order:9/real_time/threads:1 1:split/retry/pmd/order:9/real_time/threads:2 2:split/freeze/pmd/order:9/real_time/threads:8 "
  [ "$got" = "$want" ] && ok "compare figure: the 3 cells with a verdict other than no change" ||
    fail "compare-figure.dat rows: got '$got', want '$want'"
  grep -q "^nshown = 3$" "$out/compare.gp" && grep -q "^famlabel_1 = 'split'$" "$out/compare.gp" ||
    fail "compare.gp: nshown 3 and the family heading"
  v=$out/verdicts.tsv
  expect_row "$v" "" "split/freeze/pmd/order:9/real_time/threads:8" 50 53 ns 6 -8 21 0.31 "too noisy"
  grep -q 'too noisy	needs about 40 repetitions' "$v" || fail "verdicts.tsv: too noisy note"
  grep -q "^baseline_commit = '111111111111'$" "$out/compare.gp" || fail "compare.gp: baseline commit"
  grep -q "^min_effect_pct = 2$" "$out/compare.gp" || fail "compare.gp: min effect"
  # refbench-compare's own field names (issue 7): interval_low/high, p_adjusted,
  # threshold, and baseline/contender as result-file paths whose contexts give
  # the commits (resolved next to the compare JSON)
  "$REFBENCH_PLOTDATA" compare "$data/compare-tool.json" "$work/t" || fail "compare (tool format)"
  expect_row "$work/t/compare.dat" "" 0 "split/null/pmd/order:9/real_time/threads:1" 20 18 22 1 0.0238
  expect_row "$work/t/compare.dat" "" 1 "harness/capi/empty" 0 -4 5 4 0.69
  grep -q "^baseline_commit = 'c1c1c1c1c1c1'$" "$work/t/compare.gp" || fail "tool format: baseline commit from its file"
  grep -q "^commit = 'c6c6c6c6c6c6'$" "$work/t/compare.gp" || fail "tool format: contender commit from its file"
  grep -q "^machine = 'test-zen3-1s-8c'$" "$work/t/compare.gp" || fail "tool format: machine from the files"
  grep -q "^min_effect_pct = 3$" "$work/t/compare.gp" || fail "tool format: threshold"
  # a comparison alone, through scripts/plot
  "$root/scripts/plot" --compare "$data/compare.json" --out "$work/alone" >/dev/null 2>&1 ||
    fail "scripts/plot --compare alone"
  "$PLOTS_IMGCHECK" "$work/alone/plots/compare.png" "$work/alone/plots/compare.svg" || fail "compare images"
  grep -q 'v-toonoisy' "$work/alone/report.html" || fail "report: verdict rows are not marked"
  ;;

history)
  # Six results over commits c1..c6, file names not in date order.
  out=$work/h
  "$root/scripts/plot" --history --out "$out" "$data/history" >"$work/log" 2>&1 ||
    { cat "$work/log"; fail "scripts/plot --history"; exit 1; }
  dd=$out/plots/data
  f=$dd/history-split_null_pmd_order_9_real_time_threads_1.dat
  #                      commit        date                       median min  max    n change rel%
  expect_row "$f" "" 0 c1c1c1c1c1c1 2026-11-01T12:00:00+00:00 10   9.8  10.2   3 0 "?"
  expect_row "$f" "" 2 c3c3c3c3c3c3 2026-11-03T12:00:00+00:00 9.9  9.702 10.098 3 0 -
  # c4: 12 vs median(10, 10.2, 9.9) = 10: +20%, confirmed by c5 (12.1: +21%)
  expect_row "$f" "" 3 c4c4c4c4c4c4 2026-11-04T12:00:00+00:00 12   11.76 12.24  3 1 20
  # c5: the new segment's reference is 12: +0.83%
  expect_row "$f" "" 4 c5c5c5c5c5c5 2026-11-05T12:00:00+00:00 12.1 - - 3 0 0.833333
  o=$dd/history-harness_capi_empty.dat
  # c3's 1.5 is one outlier: c4 is back at 1, so no change point anywhere
  awk -F'\t' '!/^#/ && $8 != 0' "$o" | grep -q . && fail "history: the outlier became a change point"
  expect_row "$o" "" 2 c3c3c3c3c3c3 - 1.5 - - 3 0 50
  n=$dd/history-harness_native_empty.dat
  expect_row "$n" "" 5 c6c6c6c6c6c6 - 2.5 - - 3 2 25
  [ "$(grep -vc '^#' "$dd/changes.tsv")" = 2 ] || fail "changes.tsv should list exactly 2 points"
  for b in history-split_null_pmd_order_9_real_time_threads_1 history-harness_capi_empty history-harness_native_empty; do
    "$PLOTS_IMGCHECK" "$out/plots/$b.png" "$out/plots/$b.svg" && ok "$b images" || fail "$b images"
  done
  grep -q 'commit: c1c1c1c1c1c1 .. c6c6c6c6c6c6' "$out/plots/history-harness_native_empty.svg" ||
    fail "history title: commit range"
  # --order=given keeps the argument order (b.json = c2 first)
  "$REFBENCH_PLOTDATA" history --order=given --filter='^harness/native' "$work/g" \
    "$data/history/b.json" "$data/history/f.json" || fail "history --order=given"
  expect_row "$work/g/history-harness_native_empty.dat" "" 0 c2c2c2c2c2c2
  [ ! -e "$work/g/history-harness_capi_empty.dat" ] || fail "--filter did not filter"
  ;;

badinput)
  # Each bad input: exit status 2, exactly one line on stderr, no crash.
  bad=$work/bad
  mkdir -p "$bad"
  printf '' >"$bad/empty.json"
  head -c 700 "$data/run.json" >"$bad/truncated.json"
  echo '{"context": {}, "benchmarks": [' >"$bad/open.json"
  echo '[1, 2, 3]' >"$bad/array.json"
  echo '{"foo": 1}' >"$bad/noschema.json"
  echo '{"benchmarks": []}' >"$bad/nobench.json"
  echo '{"benchmarks": [{"name": "a/b/c", "run_type": "iteration", "real_time": NaN, "time_unit": "ns"}]}' >"$bad/nan.json"
  echo '{"benchmarks": [{"name": "a/b/c", "run_type": "iteration", "real_time": 1, "time_unit": "fortnights"}]}' >"$bad/unit.json"
  echo '{"benchmarks": [{"name": "a/b/c", "run_type": "iteration", "real_time": -1, "time_unit": "ns"}]}' >"$bad/negative.json"
  echo '{"benchmarks": [{"run_type": "iteration", "real_time": 1}]}' >"$bad/noname.json"
  echo '{"benchmarks": [{"name": "a/b/c", "run_type": "iteration", "real_time": "fast"}]}' >"$bad/string.json"
  echo '{"benchmarks": [{"name": "a/b/c", "verdict": "worse", "change": 0.1}]}' >"$bad/verdict.json"
  echo '{"benchmarks": [{"name": "a/b/c", "verdict": "regression"}]}' >"$bad/nochange.json"
  echo '{"benchmarks": [{"name": "a/b/c", "verdict": "regression", "change": 0.1, "ci_low": 0.2, "ci_high": 0.1}]}' >"$bad/ci.json"
  check() { # EXPECT_WHAT CMD...
    local what=$1 rc lines
    shift
    "$@" >"$bad/out" 2>"$bad/err"
    rc=$?
    lines=$(wc -l <"$bad/err")
    if [ "$rc" = 2 ] && [ "$lines" = 1 ]; then
      ok "$what: $(cat "$bad/err")"
    else
      fail "$what: exit $rc, $lines stderr lines: $(head -c 300 "$bad/err")"
    fi
  }
  check "missing file" "$REFBENCH_PLOTDATA" run "$bad/nope.json" "$bad/o"
  for f in empty truncated open array noschema nobench nan unit negative noname string; do
    check "run $f.json" "$REFBENCH_PLOTDATA" run "$bad/$f.json" "$bad/o"
  done
  for f in verdict nochange ci truncated nobench; do
    check "compare $f.json" "$REFBENCH_PLOTDATA" compare "$bad/$f.json" "$bad/o"
  done
  check "history of one file" "$REFBENCH_PLOTDATA" history "$bad/o" "$data/run.json"
  check "history with a corrupt file" "$REFBENCH_PLOTDATA" history "$bad/o" "$data/run.json" "$bad/truncated.json"
  check "history bad regex" "$REFBENCH_PLOTDATA" history --filter='(' "$bad/o" "$data/run.json" "$data/run.json"
  check "history nothing common" "$REFBENCH_PLOTDATA" history --filter='^nothing' "$bad/o" "$data/run.json" "$data/run.json"
  check "unknown command" "$REFBENCH_PLOTDATA" draw
  check "unwritable output" "$REFBENCH_PLOTDATA" run "$data/run.json" /proc/refbench-no/such
  check "scripts/plot missing run" "$root/scripts/plot" "$bad/nope"
  check "scripts/plot corrupt JSON" "$root/scripts/plot" --out "$bad/p" "$bad/truncated.json"
  # issue 17: a refused input leaves nothing behind (no empty plots/data/)
  [ ! -e "$bad/p" ] && ok "scripts/plot left nothing after refusing its input" ||
    fail "scripts/plot refused its input but left: $(find "$bad/p" | head -3 | tr '\n' ' ')"
  mkdir -p "$bad/rundir"
  cp "$bad/truncated.json" "$bad/rundir/refbench.json"
  check "scripts/plot run dir with corrupt JSON" "$root/scripts/plot" "$bad/rundir"
  [ ! -e "$bad/rundir/plots" ] && ok "no plots/ left in the refused run directory" ||
    fail "scripts/plot left $bad/rundir/plots"
  if command -v gnuplot >/dev/null 2>&1; then
    # an earlier drawing in the same place survives a refused one
    "$root/scripts/plot" --out "$bad/keep" "$data/run.json" >/dev/null 2>&1 || fail "drawing run.json"
    before=$(cd "$bad/keep/plots" && ls -R | cksum)
    check "scripts/plot refused over an earlier drawing" "$root/scripts/plot" --out "$bad/keep" \
      --compare "$bad/verdict.json" "$data/run.json"
    [ "$(cd "$bad/keep/plots" && ls -R | cksum)" = "$before" ] &&
      ok "the earlier drawing is untouched" || fail "a refused drawing changed the earlier one"
  fi
  check "scripts/plot bad option" "$root/scripts/plot" --colour "$data/run.json"
  check "scripts/plot history of one" "$root/scripts/plot" --history --out "$bad/p" "$data/run.json"
  check "scripts/report without plots" "$root/scripts/report" "$bad"
  ;;

live)
  # End to end on this machine: the refbench binary's own JSON, drawn.
  if [ -z "${REFBENCH_BIN:-}" ] || [ ! -x "$REFBENCH_BIN" ]; then
    echo "SKIP: no refbench binary in this build (REFBENCH_BUILD_BENCH=OFF)"
    exit 77
  fi
  run=$work/run
  mkdir -p "$run"
  "$REFBENCH_BIN" --benchmark_filter='^harness/' --benchmark_min_time=0.01 --benchmark_repetitions=2 \
    --benchmark_out="$run/refbench.json" --benchmark_out_format=json >/dev/null 2>"$work/err" ||
    { cat "$work/err"; fail "refbench"; exit 1; }
  "$root/scripts/plot" "$run" >"$work/log" 2>&1 || { cat "$work/log"; fail "scripts/plot"; exit 1; }
  "$PLOTS_IMGCHECK" "$run/plots/bars-harness.png" "$run/plots/bars-harness.svg" && ok "harness bars" ||
    fail "harness bars"
  rows=$(awk -F'\t' '$1 == "harness" && $6 == 2' "$run/plots/data/cells.tsv" | wc -l)
  [ "$rows" = 6 ] && ok "6 harness cells of 2 repetitions" || fail "cells.tsv has $rows harness cells of 2 repetitions, want 6"
  commit=$(jq -r '.context.git_commit[0:12]' "$run/refbench.json")
  grep -q "commit: $commit" "$run/plots/bars-harness.svg" || fail "title lacks commit $commit"
  ;;

findings)
  # scripts/findings on two small stored runs (data/findings/, formulas in
  # make-findings-json.sh): the rows, the spread over the two processes, the
  # baseline column, the kernel column and its 2x note, a missed pin, a
  # placement of its own; then the same runs without a baseline.
  fd=$data/findings
  export REFBENCH_QUESTIONS=$fd/questions.tsv RB_BASELINES_DIR=$work/baselines
  mkdir -p "$RB_BASELINES_DIR/test-zen3-1s-8c"
  cp "$fd/baseline.json" "$RB_BASELINES_DIR/test-zen3-1s-8c/matrix-quick.json"
  "$root/scripts/findings" --out "$work/ab" "$fd/run-a.json" "$fd/run-b.json" >"$work/ab.txt" 2>&1 ||
    { cat "$work/ab.txt"; fail "scripts/findings on run-a and run-b"; exit 1; }
  t=$work/ab/findings.tsv
  for f in findings.tsv findings.md findings.json findings.txt; do
    [ -s "$work/ab/$f" ] || fail "no $f written"
  done
  grep -q '^# question.*baseline test-zen3-1s-8c' "$t" && ok "the baseline column names the machine key" ||
    fail "findings.tsv: no 'baseline test-zen3-1s-8c' column"
  # fields after the label: placement, value, interval, spread, n, reading, kernel, baseline, counters, note
  # retry/null: A 9/10, B 9.9/10: median of the two process ratios 0.945, spread 0.9-0.99; baseline 10/10
  expect_row_label() { # LABEL PLACEMENT FIELD VALUE...: fields 3.. of the row with LABEL and PLACEMENT
    local label=$1 place=$2 got
    shift 2
    got=$(awk -F'\t' -v l="$label" -v p="$place" '$2 == l && $3 == p' "$t")
    [ -n "$got" ] || { fail "findings.tsv: no row '$label' @ $place"; return; }
    local i=4 w
    for w in "$@"; do
      g=$(cut -f"$i" <<<"$got")
      [ "$w" = "-" ] || [ "$g" = "$w" ] || fail "'$label' @ $place field $i: got '$g', want '$w'"
      i=$((i + 1))
    done
    ok "row '$label' @ $place"
  }
  expect_row_label "retry/null per grab, order 9, 10000 splits/s" none 0.945 - 0.9..0.99 2x3 \
    "no measurable difference" - 1 "splits/s 10367/10000" -
  expect_row_label "retry/null per grab, order 9, 10000 splits/s" compact 1.5 - "1 process" 1x3 \
    "numerator slower" - "not in baseline"
  expect_row_label "subpage/grouped per page, device-dax 16 GiB, get" none 7 - 7..7 2x3 - \
    "9.7 (gup_test get-fast)" "not in baseline" - -
  expect_row_label "subpage/grouped per page, device-dax 16 GiB, pin" none 5 - 5..5 2x3 - \
    "14.0 (gup_test pin-fast)" - - "the test explanation of a 2x gap"
  expect_row_label "lock/flag per pin+unpin" none 1.2 - - - "numerator slower" - 1.5 \
    "missed n/a/n/a; fp/decision 0/0.01" -
  expect_row_label "bias/flag per pin+unpin" none 1.1 - - - - - - - \
    "MISSED PINS: a correct variant must never miss one"
  expect_row_label "1-based/0-based put, DEVICE_PRIVATE" none 1.3 - - - "numerator slower"
  expect_row_label "capi/native, empty body" - - "not in this run"
  # every interval holds its value
  awk -F'\t' '!/^#/ && $5 ~ /^\[/ { v = $4; gsub(/[][,]/, " ", $5); split($5, c, " ");
      if (!(c[1] <= v && v <= c[2])) { print "FAIL: interval " $5 " misses " v " in " $2; bad = 1 } }
      END { exit bad }' "$t" && ok "every interval holds its ratio" || fails=$((fails + 1))
  grep -q 'n = up to 2 processes x 3 repetitions' "$work/ab.txt" && ok "the table says n" ||
    fail "the printed table does not say n"
  # the same input gives the same table (a fixed bootstrap seed)
  "$root/scripts/findings" --quiet --out "$work/ab2" "$fd/run-a.json" "$fd/run-b.json" >/dev/null 2>&1
  cmp -s "$t" "$work/ab2/findings.tsv" && ok "the same runs give the same table" || fail "findings.tsv differs between two runs on one input"
  # no baseline for this machine key: a column saying so, not an error
  rm -rf "$RB_BASELINES_DIR"
  "$root/scripts/findings" --out "$work/nb" "$fd/run-a.json" >"$work/nb.txt" 2>&1 ||
    { cat "$work/nb.txt"; fail "scripts/findings without a baseline failed"; }
  n=$(awk -F'\t' '!/^#/ && $10 == "no baseline"' "$work/nb/findings.tsv" | wc -l)
  rows=$(grep -vc '^#' "$work/nb/findings.tsv")
  [ "$n" = "$rows" ] && ok "no baseline: all $rows rows say 'no baseline'" || fail "no baseline: $n of $rows rows say so"
  # bad input: one line, exit 2
  "$root/scripts/findings" --out "$work/bad" "$work/nonexistent.json" >"$work/bad.txt" 2>&1
  rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <"$work/bad.txt")" = 1 ] && ok "a missing result: one line, exit 2" ||
    fail "a missing result: exit $rc, $(wc -l <"$work/bad.txt") lines"
  printf 'row\tsplit\tonly three fields\n' >"$work/badq.tsv"
  "$root/scripts/findings" --questions "$work/badq.tsv" --out "$work/bad" "$fd/run-a.json" >"$work/bad.txt" 2>&1
  rc=$?
  [ "$rc" = 2 ] && grep -q 'a row needs 10 tab-separated fields' "$work/bad.txt" && ok "a bad mapping line: exit 2, said" ||
    fail "a bad mapping line: exit $rc: $(cat "$work/bad.txt")"
  # the real mapping parses, and names cells that look like refbench's
  REFBENCH_QUESTIONS=$root/src/findings/questions.tsv "$root/scripts/findings" --cells >"$work/cells.txt" 2>&1 ||
    fail "src/findings/questions.tsv does not parse: $(head -n1 "$work/cells.txt")"
  grep -qvE '^(split|grab|pin|devmap|harness)/[a-z_]+/' "$work/cells.txt" &&
    fail "src/findings/questions.tsv names a cell outside the families: $(grep -vE '^(split|grab|pin|devmap|harness)/' "$work/cells.txt" | head -n1)"
  [ "$(wc -l <"$work/cells.txt")" -ge 20 ] && ok "the real mapping names $(wc -l <"$work/cells.txt") cells" ||
    fail "the real mapping names only $(wc -l <"$work/cells.txt") cells"
  # --groups (refbench-matrix --groups, the quick preset): every key cell in
  # exactly one group, and each row's numerator and denominator in the same
  # one, so scripts/bench measures every headline ratio within a process
  REFBENCH_QUESTIONS=$root/src/findings/questions.tsv "$root/scripts/findings" --groups >"$work/groups.txt" 2>&1 ||
    fail "scripts/findings --groups: $(head -n1 "$work/groups.txt")"
  [ "$(tr ' ' '\n' <"$work/groups.txt" | sort)" = "$(sort "$work/cells.txt")" ] &&
    ok "--groups: every key cell in exactly one group" || fail "--groups: the groups do not partition the key cells"
  split=$(awk -F'\t' -v g="$work/groups.txt" '
    BEGIN { while ((getline l < g) > 0) { n++; k = split(l, w, " "); for (i = 1; i <= k; i++) grp[w[i]] = n } }
    $1 == "row" && grp[$4] != grp[$5] { print $4 " / " $5; exit }' "$root/src/findings/questions.tsv")
  [ -z "$split" ] && ok "--groups: each row's ratio within one group" || fail "--groups: a row across groups: $split"
  g9=$(grep -F 'split/null/grab/order:9/rate:0/' "$work/groups.txt")
  case $g9 in
    *split/retry/grab/order:9/rate:0/*split/xadd/grab/order:9/rate:0/*|*split/xadd/grab/order:9/rate:0/*split/retry/grab/order:9/rate:0/*)
      ok "--groups: variants of one scenario together (split null/retry/xadd at rate 0)" ;;
    *)
      fail "--groups: split's variants at order 9, rate 0 are not one group: $g9" ;;
  esac
  ;;

findings_figures)
  # One figure per question from the stored runs, through scripts/plot: valid
  # PNG and SVG, 1000 px wide, titled with machine, commit and n; the kernel's
  # points in the grab figure; the report opens with the findings table.
  fd=$data/findings
  export REFBENCH_QUESTIONS=$fd/questions.tsv RB_BASELINES_DIR=$work/none
  mkdir -p "$work/run"
  # (without Google Benchmark's bare NaN: refbench-plotdata run's reader is
  # not the findings' one; the findings test reads the NaN)
  sed 's/: NaN/: null/' "$fd/run-a.json" >"$work/run/refbench.json"
  "$root/scripts/plot" "$work/run" >"$work/plot.log" 2>&1 || { cat "$work/plot.log"; fail "scripts/plot"; exit 1; }
  for q in split grab pin devmap; do
    for ext in png svg; do
      f=$work/run/plots/findings-$q.$ext
      [ -f "$f" ] || { fail "findings-$q.$ext was not drawn"; continue; }
      if msg=$("$PLOTS_IMGCHECK" "$f"); then ok "findings-$q.$ext is a valid $ext"; else fail "$msg"; fi
    done
    svg=$work/run/plots/findings-$q.svg
    [ -f "$svg" ] || continue
    grep -q 'width="1000"' "$svg" || fail "findings-$q.svg is not 1000 px wide"
    grep -q 'machine: test-zen3-1s-8c' "$svg" || fail "findings-$q.svg: no machine in the title"
    grep -q 'commit: 0123456789ab' "$svg" || fail "findings-$q.svg: no commit in the title"
    grep -q 'n = 1 process x 3 repetitions' "$svg" || fail "findings-$q.svg: no n in the title"
  done
  grep -q 'gup_test subpage devdax' "$work/run/plots/findings-grab.svg" && ok "grab: the kernel's gup_test points" ||
    fail "grab figure: no gup_test point"
  grep -q 'compact' "$work/run/plots/findings-split.svg" && ok "split: the compact placement has its panel" ||
    fail "split figure: no compact panel"
  # the data: split null at none is 10 ns per grab, its interval around it
  awk -F'\t' '$5 == "null" && $6 == "order 9" && $2 == 10 { f = 1 } END { exit !f }' \
    "$work/run/plots/data/findings-split.dat" && ok "split data: null 10 ns at order 9" ||
    fail "findings-split.dat: no null point of 10 ns"
  first=$(grep -o '<h2 id="[a-z]*"' "$work/run/report.html" | head -n1)
  [ "$first" = '<h2 id="findings"' ] && ok "report.html: the findings section is first" ||
    fail "report.html: the first section is $first"
  grep -q '<table class="findings">' "$work/run/report.html" && ok "report.html: the findings table" ||
    fail "report.html has no findings table"
  grep -q 'no baseline' "$work/run/report.html" && ok "report.html: 'no baseline' column" ||
    fail "report.html: no 'no baseline'"
  ;;

browser)
  # The report in a real headless browser: the page loads, and every image
  # it shows or links (PNG and SVG) exists and renders (naturalWidth > 0).
  chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
  if [ -z "$chromium" ]; then
    echo "SKIP: chromium is not installed (apt-get install chromium); the report was not checked in a browser"
    exit 77
  fi
  # the known run plus the findings' stored run, so that the page has the
  # findings table and figures too
  mkdir -p "$work/run"
  export REFBENCH_QUESTIONS=$data/findings/questions.tsv RB_BASELINES_DIR=$work/none
  jq -s '.[0] + {benchmarks: (.[0].benchmarks + .[1].benchmarks)}' "$data/run.json" \
    <(sed 's/: NaN/: null/' "$data/findings/run-a.json") >"$work/run/refbench.json" ||
    { fail "jq could not merge the test runs"; exit 1; }
  cp "$data/compare.json" "$work/run/compare.json"
  echo 'build/release/bench/refbench --benchmark_repetitions=3' >"$work/run/command.txt"
  "$root/scripts/plot" "$work/run" >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "scripts/plot"; exit 1; }
  grep -q 'src="plots/findings-grab.png"' "$work/run/report.html" || fail "the report shows no findings figure"
  page=$work/run/report.html
  # every local link of the page exists, and none is absolute or remote
  links=$(grep -o -E '(src|href)="[^"]*"' "$page" | sed -E 's/^(src|href)="//; s/"$//' | sort -u)
  for l in $links; do
    case "$l" in
      http:*|https:*|//*|/*|file:*) fail "report links outside itself: $l" ;;
      *) [ -f "$work/run/$l" ] || fail "report links a missing file: $l" ;;
    esac
  done
  # A copy of the page, in the same directory so that the links are the
  # same, with every SVG it links also shown as an <img> and a check that
  # runs once everything has loaded.
  check=$work/run/.browser-check.html
  svgs=$(printf '%s\n' $links | grep '\.svg$' | sed 's|.*|<img class="rb-svg" src="&">|' | tr -d '\n')
  cat >"$work/inject.html" <<EOF
<div id="rb-svgs">$svgs</div><script>
window.addEventListener('load', function () {
  // loaded, at least 100x100, and drawn to its last row: every figure has an
  // opaque white background, so a truncated image (whose undecoded rows stay
  // transparent, while naturalWidth is already right) is caught
  var imgs = Array.prototype.slice.call(document.images), bad = [];
  imgs.forEach(function (im) {
    var what = im.getAttribute('src') + ' ' + im.naturalWidth + 'x' + im.naturalHeight;
    if (!im.complete || im.naturalWidth < 100 || im.naturalHeight < 100) {
      bad.push(what);
      return;
    }
    var c = document.createElement('canvas'), w = im.naturalWidth, h = im.naturalHeight;
    c.width = w;
    c.height = h;
    var g = c.getContext('2d');
    g.drawImage(im, 0, 0);
    try {
      var px = g.getImageData(0, h - 2, w, 2).data, opaque = 0;
      for (var k = 3; k < px.length; k += 4)
        opaque += px[k] > 0;
      if (opaque < w)
        bad.push(what + ' (not drawn to the bottom)');
    } catch (e) {
      bad.push(what + ' (' + e.name + ')');
    }
  });
  Promise.resolve().then(function () {
    var r = document.createElement('pre');
    r.id = 'rb-result';
    bad.sort();
    var h2 = document.querySelector('h2');
    r.textContent = (bad.length ? 'RB-FAIL ' + bad.join(', ') : 'RB-OK') + ' images=' + imgs.length +
      ' first=' + (h2 ? h2.id : 'none');
    document.body.appendChild(r);
  });
});
</script>
EOF
  awk -v injfile="$work/inject.html" '
    BEGIN { while ((getline l < injfile) > 0) inj = inj l "\n" }
    { i = index($0, "</body>"); if (i) $0 = substr($0, 1, i - 1) inj substr($0, i) } 1' "$page" >"$check"
  profile=$(mktemp -d "$work/profile.XXXXXX")
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
         --disable-background-networking --disable-component-update --disable-sync
         --disable-dev-shm-usage --allow-file-access-from-files --user-data-dir="$profile" --virtual-time-budget=10000)
  timeout 90 "$chromium" "${flags[@]}" --dump-dom "file://$check" >"$work/dom.html" 2>"$work/chromium.log"
  rc=$?
  result=$(sed -n 's/.*<pre id="rb-result">\([^<]*\)<.*/\1/p' "$work/dom.html" | head -n1)
  nimg=$(grep -o '<img ' "$check" | wc -l)
  case "$result" in
    "RB-OK images=$nimg first=findings") ok "chromium: page loaded, $nimg images rendered, the findings section first" ;;
    *) fail "chromium (exit $rc): ${result:-no result in the DOM}"; tail -n 5 "$work/chromium.log" ;;
  esac
  [ "$nimg" -ge $((2 * (${#figures_expected[@]} + 4))) ] || fail "the page shows $nimg images, want PNG+SVG of ${#figures_expected[@]} figures and 4 findings figures"
  # and a screenshot of the page itself is a real, non-blank picture
  timeout 90 "$chromium" "${flags[@]}" --window-size=1400,2000 --hide-scrollbars \
    --screenshot="$work/shot.png" "file://$page" >/dev/null 2>>"$work/chromium.log"
  "$PLOTS_IMGCHECK" "$work/shot.png" && ok "screenshot of the report" || fail "screenshot of the report"
  # The check can fail: with one PNG corrupted and one SVG removed, the
  # browser must report both.
  head -c 2000 "$work/run/plots/bars-split.png" >"$work/cut.png"
  cp "$work/cut.png" "$work/run/plots/bars-split.png"
  rm "$work/run/plots/heatmap-pairs.svg"
  timeout 90 "$chromium" "${flags[@]}" --dump-dom "file://$check" >"$work/dom2.html" 2>>"$work/chromium.log"
  result=$(sed -n 's/.*<pre id="rb-result">\([^<]*\)<.*/\1/p' "$work/dom2.html" | head -n1)
  case "$result" in
    RB-FAIL*bars-split.png*heatmap-pairs.svg*) ok "chromium catches a broken PNG and a missing SVG" ;;
    *) fail "chromium did not catch the broken images: ${result:-no result}" ;;
  esac
  rm -f "$check"
  ;;

*)
  echo "plots_test.sh: unknown test '$test'" >&2
  exit 2
  ;;
esac

if [ "$fails" -gt 0 ]; then
  echo "$test: $fails failure(s)"
  exit 1
fi
echo "$test: all passed"
