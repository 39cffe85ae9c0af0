#!/bin/sh
# --perf-events end to end (ctest perf_cli):
#  - an unknown event name exits 2 with a one-line error;
#  - an event this machine cannot count (cycles on a VM without a PMU) is
#    told once, in one line, however many runs and threads open it, is
#    recorded in the JSON context, and the run goes on: the software events
#    next to it appear per op in the results;
#  - where cycles does open, cycles/op is in the results instead.
# Usage: cli.sh REFBENCH WORK_DIR
set -u
rb=$1 work=$2
fail=0
mkdir -p "$work"
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

out=$("$rb" --perf-events=cycles,bogus-event 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	case $out in *"unknown event 'bogus-event'"*) true ;; *) false ;; esac &&
	ok "unknown event exits 2 in one line" || bad "unknown event: exit $rc: $out"
out=$("$rb" --perf-events= 2>&1); rc=$?
[ $rc -eq 2 ] && ok "empty list exits 2" || bad "empty list: exit $rc: $out"

json="$work/perf.json"
# calib/pingpong/l3 runs two threads where the machine has an l3 pair; harness/capi/empty one.
"$rb" --perf-events=cycles,task-clock,page-faults,instructions \
	--benchmark_filter='^harness/capi/empty$|^calib/pingpong/l3' --benchmark_min_time=0.01 \
	--benchmark_out="$json" --benchmark_out_format=json > "$work/perf.out" 2> "$work/perf.err"
rc=$?
[ $rc -eq 0 ] && ok "a run with unsupported events goes on" || bad "run exit $rc: $(cat "$work/perf.err")"
grep -q '"task-clock/op": [0-9]' "$json" && grep -q '"page-faults/op": [0-9]' "$json" &&
	ok "software events reported per op" || bad "software events per op (see $json)"
grep -q '"perf_events_counted": "task-clock,page-faults' "$json" &&
	ok "counted events in the context" || bad "perf_events_counted (see $json)"
for ev in cycles instructions; do
	n=$(grep -c "perf event '$ev'" "$work/perf.err")
	if [ "$n" -eq 0 ]; then
		grep -q "\"$ev/op\": [0-9]" "$json" && ok "$ev counted where a PMU exists" ||
			bad "$ev neither told nor counted"
	else
		[ "$n" -eq 1 ] && ok "$ev told once" || bad "$ev told $n times"
		grep -q "perf event '$ev' is unsupported here\|perf event '$ev' was refused" "$work/perf.err" &&
			ok "$ev: the reason is given" || bad "$ev: $(cat "$work/perf.err")"
		grep -q "\"perf_events_\(unsupported\|refused\)\": \".*$ev (E" "$json" &&
			ok "$ev recorded in the JSON context" || bad "$ev not in the context (see $json)"
		grep -q "\"$ev/op\"" "$json" && bad "$ev/op reported although not counted"
	fi
done
exit $fail
