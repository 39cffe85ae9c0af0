#!/bin/bash
# Each tool's documented exit codes (docs/exit-codes.md), one check per code
# that a test can reach here (ctest exit_codes). The codes checked elsewhere
# are named in the doc (matrix_*, plots_*, perf_run_cli, test_compare_cli).
# Usage: exit_codes.sh ROOT BUILD_DIR WORK_DIR
set -u
root=$1 build=$2 work=$3
rb=$build/bench/refbench
fail=0 n=0
rm -rf "$work"
mkdir -p "$work"
ok() { echo "ok   $1"; n=$((n + 1)); }
bad() { echo "FAIL $1"; fail=1; }
# code DESC WANT CMD...: exit WANT; for 2 (bad input), at most one stderr line
code() {
	local desc=$1 want=$2 rc lines
	shift 2
	"$@" >"$work/out" 2>"$work/err" </dev/null
	rc=$?
	lines=$(wc -l <"$work/err")
	if [ "$rc" != "$want" ]; then
		bad "$desc: exit $rc, want $want ($(head -c 300 "$work/err"))"
	elif [ "$want" = 2 ] && [ "$lines" -gt 1 ]; then
		bad "$desc: exit $rc but $lines stderr lines: $(head -c 400 "$work/err")"
	else
		ok "$desc: exit $rc"
	fi
}

# refbench: 0 done, 2 bad input (nothing ran), 3 placement unavailable here
code "refbench --version" 0 "$rb" --version
code "refbench a run" 0 "$rb" --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.001
code "refbench a filter that selects nothing (was 1)" 2 "$rb" --benchmark_filter='^nothing$'
code "refbench --benchmark_list_tests selecting nothing (was 1)" 2 "$rb" --benchmark_list_tests --benchmark_filter='^nothing$'
code "refbench an unknown flag" 2 "$rb" --bogus
unavail=$("$rb" --list-placements | awk '$1 == "cpu" && $3 == "unavailable:" { print $2; exit }')
if [ -n "$unavail" ]; then
	code "refbench --placement=$unavail (unavailable here)" 3 "$rb" --placement="$unavail" --benchmark_filter=calib
else
	echo "     (every placement is available on this machine: exit 3 is checked by topo_cli on XML)"
fi

# refbench-matrix: an existing --run-dir is bad input (was 1, "a cell failed")
mkdir -p "$work/taken"
code "refbench-matrix --run-dir that exists (was 1)" 2 "$build/src/matrix/refbench-matrix" --refbench="$rb" \
	--benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.001 --benchmark_repetitions=1 \
	--run-dir="$work/taken"
[ -z "$(ls -A "$work/taken")" ] && ok "the existing run directory is untouched" || bad "refbench-matrix wrote into $work/taken"

# refbench-plotdata: 0 done, 2 unusable input
pd=$build/src/plotdata/refbench-plotdata
code "refbench-plotdata run" 0 "$pd" run "$root/tests/plots/data/run.json" "$work/pd"
code "refbench-plotdata a missing file" 2 "$pd" run "$work/nope.json" "$work/pd2"

# scripts/plot: 1 when a tool (gnuplot) fails; 2 bad input
if command -v gnuplot >/dev/null 2>&1; then
	mkdir -p "$work/shim"
	printf '#!/bin/sh\necho "gnuplot: broken on purpose" >&2\nexit 1\n' >"$work/shim/gnuplot"
	chmod +x "$work/shim/gnuplot"
	PATH="$work/shim:$PATH" REFBENCH_PLOTDATA=$pd code "scripts/plot when gnuplot fails" 1 \
		"$root/scripts/plot" --no-report --out "$work/plot1" "$root/tests/plots/data/run.json"
fi
REFBENCH_PLOTDATA=$pd code "scripts/plot an unknown option" 2 "$root/scripts/plot" --colour x.json

# scripts: bad usage is 2 (one line), before any build or run
code "scripts/numa-guests an unknown command (was 1)" 2 "$root/scripts/numa-guests" bogus
code "scripts/fuzz SECONDS not a number" 2 "$root/scripts/fuzz" soon
for s in compare-commits error-rates gate harness-ratio instr-count perf-run record-baseline; do
	code "scripts/$s an unknown option" 2 "$root/scripts/$s" --bogus-option
done
code "scripts/matrix an unknown option" 2 "$root/scripts/matrix" --build="$build" --bogus-option
code "scripts/report a directory without plots" 2 "$root/scripts/report" "$work/empty-dir"

[ $fail -eq 0 ] && echo "exit_codes: $n checks passed"
exit $fail
