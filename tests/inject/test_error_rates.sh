#!/usr/bin/env bash
# Smoke test of scripts/error-rates --quick (one cell a family, a tiny pool):
# it runs, and its tables name every family in each mode and every cell. No
# rate is asserted (a benchmark, not a test). Usage: test_error_rates.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1 build=$2
command -v jq >/dev/null || { echo "jq is not installed: skipped"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
if ! "$src/scripts/error-rates" --quick --build "$build" --seed 7 --out "$tmp/er" >"$tmp/log" 2>&1; then
  tail -n 20 "$tmp/log" >&2; echo "FAIL: scripts/error-rates --quick exited non-zero" >&2; exit 1
fi
t=$tmp/er/tables.md
[ -s "$t" ] || { echo "FAIL: no tables.md" >&2; exit 1; }
for fam in split grab pin devmap; do
  n=$(grep -c "^| $fam |" "$t")
  [ "$n" = 3 ] || bad "family $fam: $n rows, want one in each of the 3 mode tables"
done
[ "$(grep -c '^| \*\*suite\*\* |' "$t")" = 3 ] || bad "the suite rows are missing"
while read -r cell; do
  grep -qF "| $cell |" "$t" || bad "cell $cell: no row in the per-cell table"
done < "$tmp/er/cells.txt"
[ "$(wc -l < "$tmp/er/cells.txt")" = 4 ] || bad "--quick: want 4 cells, one a family"
# an existing finished run is never overwritten
"$src/scripts/error-rates" --quick --build "$build" --out "$tmp/er" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] || bad "a second run into a finished --out: exit $rc, want 2"
# an interrupted run started again keeps its pool processes and says so
# (interruption simulated by removing the finished tables)
npool=$(find "$tmp/er/pool" -name '*.json' | wc -l)
rm "$t"
if "$src/scripts/error-rates" --quick --build "$build" --seed 7 --out "$tmp/er" >"$tmp/log2" 2>&1; then
  grep -q "resumed: $npool pool processes from an earlier one" "$t" ||
    bad "a resumed run does not say it kept $npool pool processes: $(head -n 1 "$t")"
  grep -q "$npool of them kept from an earlier invocation" "$tmp/er/setup.txt" || bad "setup.txt: no reuse line"
  [ "$(find "$tmp/er/pool" -name '*.json' | wc -l)" = "$npool" ] || bad "the resumed run measured new pool processes"
else
  bad "resuming into an unfinished --out exited non-zero"
fi
"$src/scripts/error-rates" --quick --build "$build" --sizes "5 x" --out "$tmp/er2" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] || bad "--sizes '5 x': exit $rc, want 2"
[ $fail = 0 ] && echo "test_error_rates: the tables name every family and cell"
exit $fail
