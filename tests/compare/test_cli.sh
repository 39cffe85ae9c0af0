#!/usr/bin/env bash
# refbench-compare's command line and the baseline/gate scripts: exit codes
# (0 no regression, 1 regression, 2 unusable input), one-line errors on every
# bad input, --merge and --callgrind refusals, the baseline no-overwrite rule
# and the gate's exit codes. Usage: test_cli.sh REFBENCH_COMPARE SOURCE_DIR
set -u
C=$1; SRC=$2
export RB_COMPARE=$C
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0; n=0

# expect CODE DESCRIPTION CMD...: exit code CODE; for code 2, exactly one
# stderr line and no sanitizer report.
expect() {
  local want=$1 what=$2 rc=0; shift 2
  n=$((n + 1))
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL $what: exit $rc, want $want"; sed 's/^/    /' "$T/err" | head -5; fails=$((fails + 1)); return
  fi
  if grep -q -E 'Sanitizer|runtime error' "$T/err"; then
    echo "FAIL $what: sanitizer report"; head -5 "$T/err"; fails=$((fails + 1)); return
  fi
  if [ "$want" = 2 ] && [ "$(wc -l < "$T/err")" != 1 ]; then
    echo "FAIL $what: want one error line, got:"; sed 's/^/    /' "$T/err"; fails=$((fails + 1)); return
  fi
  echo "ok   $what"
}

# mkres FILE KEY MEASURE NAME VALUES...: a result file, one row per value.
mkres() {
  local f=$1 key=$2 measure=$3 name=$4 sep=""; shift 4
  {
    printf '{"context": {"machine_key": "%s", "refbench_measure": "%s", "git_commit": "t"}, "benchmarks": [' "$key" "$measure"
    for v in "$@"; do
      printf '%s{"name": "%s", "run_type": "iteration", "real_time": %s, "cpu_time": %s, "time_unit": "ns"}' "$sep" "$name" "$v" "$v"
      sep=","
    done
    printf ']}\n'
  } > "$f"
}
mkres "$T/a.json" k time x/a 100 101 99 100.5 99.5 100.2 99.8 100.1
mkres "$T/same.json" k time x/a 100.3 99.7 100.1 100 99.9 100.4 99.6 100.2
mkres "$T/slow.json" k time x/a 110 111 109 110.5 109.5 110.2 109.8 110.1
mkres "$T/other.json" k2 time x/a 100 101 99 100.5
mkres "$T/instr.json" k instructions x/a 1000
mkres "$T/instr5.json" k instructions x/a 1005

echo "-- usage"
expect 2 "no arguments" "$C"
expect 2 "one file" "$C" "$T/a.json"
expect 2 "three files" "$C" "$T/a.json" "$T/a.json" "$T/a.json"
expect 2 "unknown option" "$C" --frobnicate "$T/a.json" "$T/a.json"
expect 2 "bad --format" "$C" --format=xml "$T/a.json" "$T/a.json"
expect 2 "bad --threshold" "$C" --threshold=-3 "$T/a.json" "$T/a.json"
expect 2 "bad --alpha" "$C" --alpha=2 "$T/a.json" "$T/a.json"
expect 2 "bad --correction" "$C" --correction=bonferroni "$T/a.json" "$T/a.json"
expect 2 "bad --filter regex" "$C" --filter='(' "$T/a.json" "$T/a.json"
expect 0 "--help" "$C" --help

echo "-- bad input files"
expect 2 "missing file" "$C" "$T/nonexistent.json" "$T/a.json"
expect 2 "missing contender" "$C" "$T/a.json" "$T/nonexistent.json"
expect 2 "a directory" "$C" "$T" "$T/a.json"
for f in "$SRC"/tests/compare/corpus/bad-*.json; do
  expect 2 "$(basename "$f")" "$C" "$f" "$T/a.json"
  expect 2 "$(basename "$f") as contender" "$C" "$T/a.json" "$f"
done
expect 2 "machine keys differ" "$C" "$T/a.json" "$T/other.json"
expect 0 "machine keys differ, --ignore-machine" "$C" --ignore-machine "$T/a.json" "$T/other.json"
expect 2 "time against instructions" "$C" "$T/a.json" "$T/instr.json"

echo "-- verdicts and exit codes"
expect 0 "A/A: no regression" "$C" "$T/a.json" "$T/same.json"
expect 1 "+10%: regression" "$C" "$T/a.json" "$T/slow.json"
grep -q REGRESSION "$T/out" || { echo "FAIL the text table names the regression"; fails=$((fails + 1)); }
expect 0 "-10%: improvement, exit 0" "$C" "$T/slow.json" "$T/a.json"
expect 0 "+10% under a 20% threshold" "$C" --threshold=20 "$T/a.json" "$T/slow.json"
expect 1 "markdown" "$C" --format=markdown "$T/a.json" "$T/slow.json"
grep -q '^| Benchmark |' "$T/out" || { echo "FAIL markdown table"; fails=$((fails + 1)); }
expect 1 "json" "$C" --format=json "$T/a.json" "$T/slow.json"
if command -v jq >/dev/null; then
  [ "$(jq -r '.exit_code, .benchmarks[0].verdict' "$T/out" | paste -sd' ')" = "1 regression" ] ||
    { echo "FAIL json output: $(head -c 300 "$T/out")"; fails=$((fails + 1)); }
fi
expect 1 "-o FILE" "$C" -o "$T/report.txt" "$T/a.json" "$T/slow.json"
grep -q REGRESSION "$T/report.txt" || { echo "FAIL -o wrote the report"; fails=$((fails + 1)); }
expect 1 "instructions +0.5%: regression" "$C" "$T/instr.json" "$T/instr5.json"
expect 0 "instructions equal" "$C" "$T/instr.json" "$T/instr.json"
expect 0 "a real Google Benchmark file against itself" "$C" \
  "$SRC/tests/compare/corpus/good-time.json" "$SRC/tests/compare/corpus/good-time.json"

echo "-- --merge and --callgrind"
expect 0 "merge two runs" "$C" --merge -o "$T/m.json" "$T/a.json" "$T/same.json"
expect 0 "merged against one" "$C" "$T/m.json" "$T/a.json"
grep -q '16/8' "$T/out" || { echo "FAIL merged file has 16 rows"; fails=$((fails + 1)); }
expect 2 "merge: keys differ" "$C" --merge -o "$T/m2.json" "$T/a.json" "$T/other.json"
expect 2 "merge: measures differ" "$C" --merge -o "$T/m2.json" "$T/a.json" "$T/instr.json"
expect 2 "merge: a bad file" "$C" --merge -o "$T/m2.json" "$T/a.json" "$SRC/tests/compare/corpus/bad-nan.json"
expect 2 "merge: no -o" "$C" --merge "$T/a.json"
expect 2 "merge: conflicting --set-context" "$C" --merge -o "$T/m2.json" --set-context machine_key=zz "$T/a.json"
[ ! -e "$T/m2.json" ] || { echo "FAIL a refused merge left a file"; fails=$((fails + 1)); }
expect 2 "callgrind: no such directory" "$C" --callgrind "$T/none" -o "$T/c.json" "$T/a.json"
mkdir -p "$T/cg"
expect 2 "callgrind: no dumps" "$C" --callgrind "$T/cg" -o "$T/c.json" \
  "$SRC/tests/compare/corpus/good-instr-raw.json"
expect 2 "--set-context without --merge" "$C" --set-context a=b "$T/a.json" "$T/a.json"

echo "-- record-baseline: never overwrites silently"
export RB_BASELINES_DIR=$T/baselines RB_MACHINE_KEY=k
RB=$SRC/scripts/record-baseline
expect 0 "record" "$RB" --from "$T/a.json" --suite harness
B=$T/baselines/k/harness.json
[ -s "$B" ] || { echo "FAIL no baseline written"; fails=$((fails + 1)); }
cp "$B" "$T/b.before"
expect 1 "record again: refused" "$RB" --from "$T/slow.json" --suite harness
grep -q "not overwriting" "$T/err" || { echo "FAIL the refusal says why"; fails=$((fails + 1)); }
expect 1 "--replace of an uncommitted baseline: refused" "$RB" --from "$T/slow.json" --suite harness --replace
cmp -s "$B" "$T/b.before" || { echo "FAIL the baseline changed"; fails=$((fails + 1)); }
expect 0 "--replace --force" "$RB" --from "$T/slow.json" --suite harness --replace --force
cmp -s "$B" "$T/b.before" && { echo "FAIL --replace --force did not replace"; fails=$((fails + 1)); }
expect 2 "bad suite name" "$RB" --from "$T/a.json" --suite 'a/b'

echo "-- gate exit codes"
G=$SRC/scripts/gate
"$RB" --from "$T/a.json" --suite gatetest >/dev/null 2>&1
expect 0 "gate: no change" "$G" --mode time --suite gatetest --contender "$T/same.json"
expect 1 "gate: regression" "$G" --mode time --suite gatetest --contender "$T/slow.json"
expect 2 "gate: unusable contender" "$G" --mode time --suite gatetest --contender "$SRC/tests/compare/corpus/bad-truncated.json"
expect 0 "gate: no baseline (says so)" "$G" --mode instr --suite gatetest --contender "$T/instr.json"
grep -q "no instr baseline" "$T/err" || { echo "FAIL the gate says there is no baseline"; fails=$((fails + 1)); }
expect 2 "gate: no baseline, --require-baseline" "$G" --mode instr --suite gatetest --contender "$T/instr.json" --require-baseline
expect 1 "gate: --baseline FILE" "$G" --mode instr --baseline "$T/instr.json" --contender "$T/instr5.json"
# No instr baseline for this key: another key's, of the same CPU vendor,
# compiler and build type, is used (counts do not depend on the host); one of
# another compiler is not.
ctx='.context += {"build_type": "Release", "compiler": "GNU 12.2.0", "machine_cpu_vendor": "AuthenticAMD"}'
jq "$ctx" "$T/instr.json" > "$T/instr-c.json"
jq "$ctx" "$T/instr5.json" > "$T/instr5-c.json"
mkdir -p "$T/baselines/other-host"
jq "$ctx"' | .context.machine_key = "other-host" | .context.refbench_recorded = "2026-12-05T00:00:00Z"' \
  "$T/instr.json" > "$T/baselines/other-host/gatetest-instr.json"
expect 0 "gate: another host's instr baseline, same compiler: used" "$G" --mode instr --suite gatetest --contender "$T/instr-c.json"
grep -q "^gate: no instr baseline for this machine key (k); .*using $T/baselines/other-host/gatetest-instr.json" "$T/err" ||
  { echo "FAIL the gate does not say which baseline it used: $(cat "$T/err")"; fails=$((fails + 1)); }
expect 1 "gate: another host's instr baseline: +0.5% is a regression" "$G" --mode instr --suite gatetest --contender "$T/instr5-c.json"
jq '.context.compiler = "GNU 13.2.0"' "$T/instr5-c.json" > "$T/instr5-gcc13.json"
expect 0 "gate: another compiler: no baseline" "$G" --mode instr --suite gatetest --contender "$T/instr5-gcc13.json"
grep -q "no instr baseline for this machine (k)" "$T/err" || { echo "FAIL another compiler's baseline used"; fails=$((fails + 1)); }
rm -r "$T/baselines/other-host"

echo "$((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
