#!/usr/bin/env bash
# The deterministic gate covers every family (issue 18): suite "ci" selects
# single-threaded cells of harness, split, pin, grab and devmap; one cell of
# each, run through scripts/instr-count under callgrind, is measured (not an
# error row), its count repeats exactly in a second run, and
# --inject-instructions=X moves every cell by exactly +X
# instructions per iteration (the gate sees it: refbench-compare exits 1).
# Exit 77 without valgrind.
#
# Usage: test_instr_families.sh REFBENCH REFBENCH-COMPARE SOURCE_DIR
set -uo pipefail
export RB_BIN=$1 RB_COMPARE=$2
SRC=$3
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed (apt-get install valgrind)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed (apt-get install jq)"; exit 77; }
# shellcheck source=../../scripts/compare-lib.sh
source "$SRC/scripts/compare-lib.sh"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# The suite's single-threaded cells, per family (no valgrind needed).
"$RB_BIN" --benchmark_filter="$(rbc_suite_filter ci)" --benchmark_list_tests >"$T/list" ||
  { echo "FAIL refbench --benchmark_list_tests"; exit 1; }
grep -v -E '/threads:([2-9]|[1-9][0-9]+)$|^harness/native/' "$T/list" >"$T/st"
picks=()
for fam in harness split pin grab devmap; do
  n=$(grep -c "^$fam/" "$T/st")
  echo "suite ci: $n single-threaded $fam cells"
  [ "$n" -gt 0 ] || { fail "suite ci has no single-threaded $fam cell"; continue; }
  # grab: a grouped one-leaf-per-call cell (cheap under callgrind, and +20
  # instructions of its ~3800 are over the 0.25% threshold); else the first.
  pick=$(grep "^$fam/" "$T/st" | grep -m1 '^grab/grouped/.*/ppc:512/' || grep -m1 "^$fam/" "$T/st")
  picks+=("$pick")
done
[ "$fails" = 0 ] || exit 1
filter="^($(printf '%s\n' "${picks[@]}" | sed 's/[][\.^$*+?(){}|]/\\&/g' | paste -sd '|'))\$"

run() { # OUT [refbench flags]
  local out=$1; shift
  "$SRC/scripts/instr-count" -o "$out" --filter "$filter" -- "$@" >"$out.log" 2>&1 ||
    { cat "$out.log"; fail "scripts/instr-count $*"; return 1; }
}
run "$T/a.json" || exit 1
run "$T/b.json" || exit 1
run "$T/x.json" --inject-instructions=20 || exit 1

for fam in harness split pin grab devmap; do
  # The rows' names: grab and devmap have no /iterations:K under --instr-count.
  row=$(jq -c --arg f "$fam/" '[.benchmarks[] | select(.name | startswith($f))]' "$T/a.json")
  [ "$(jq length <<<"$row")" = 1 ] || { fail "$fam: want one row in the instr JSON, got: $row"; continue; }
  jq -e '.[0].error_occurred | not' <<<"$row" >/dev/null || { fail "$fam: not measured: $row"; continue; }
  name=$(jq -r '.[0].name' <<<"$row")
  a=$(jq -r --arg n "$name" '.benchmarks[] | select(.name == $n) | .cpu_time' "$T/a.json")
  b=$(jq -r --arg n "$name" '.benchmarks[] | select(.name == $n) | .cpu_time' "$T/b.json")
  x=$(jq -r --arg n "$name" '.benchmarks[] | select(.name == $n) | .cpu_time' "$T/x.json")
  echo "$name: $a, again $b, with 20 injected $x instructions per iteration"
  [ "$a" = "$b" ] || fail "$fam: the count does not repeat ($a, then $b)"
  awk -v a="$a" -v x="$x" 'BEGIN { d = x - a - 20; exit !(d < 1e-6 && d > -1e-6) }' ||
    fail "$fam: --inject-instructions=20 moved $name by $(awk -v a="$a" -v x="$x" 'BEGIN { print x - a }'), not +20"
done

# The gate sees it on the grab and devmap cells: exit 1 (regression).
for fam in grab devmap; do
  name=$(jq -r --arg f "$fam/" '.benchmarks[] | select(.name | startswith($f)) | .name' "$T/a.json")
  re="^$(sed 's/[][\.^$*+?(){}|]/\\&/g' <<<"$name")\$"
  "$RB_COMPARE" --filter="$re" "$T/a.json" "$T/x.json" >"$T/cmp" 2>&1; rc=$?
  [ "$rc" = 1 ] || { cat "$T/cmp"; fail "$fam: refbench-compare exit $rc on +20 instructions per iteration, want 1"; }
  "$RB_COMPARE" --filter="$re" "$T/a.json" "$T/b.json" >"$T/cmp" 2>&1; rc=$?
  [ "$rc" = 0 ] || { cat "$T/cmp"; fail "$fam: refbench-compare exit $rc on a repeat, want 0"; }
done

[ "$fails" = 0 ] && echo "PASS every family measured, exact, injection seen" || exit 1
