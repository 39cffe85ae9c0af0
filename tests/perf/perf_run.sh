#!/bin/sh
# scripts/perf-run (ctest perf_run_cli): the command it builds binds the run
# to the placement's PUs and passes the placement to refbench; a placement
# this machine cannot give exits 3; bad usage exits 2; where perf(1) is
# installed, a real `perf stat -e task-clock` run works.
# Usage: perf_run.sh SCRIPT REFBENCH
set -u
pr=$1 rb=$2
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

plan=$("$rb" --list-placements)
pus=$(printf '%s\n' "$plan" | awk '$1 == "cpu" && $2 == "compact" { print $4 }')
cmd=$("$pr" --refbench "$rb" --dry-run --filter=calib stat -- --benchmark_min_time=0.01)
case $cmd in
	"perf stat -- taskset -c ${pus%%,*}"*" $rb --placement=compact --benchmark_filter=calib --benchmark_min_time=0.01 ")
		ok "stat command: $cmd" ;;
	*) bad "stat command: $cmd" ;;
esac
cmd=$("$pr" --refbench "$rb" --dry-run --filter=x --memory=local --out=/tmp/o c2c)
case $cmd in
	"perf c2c record -o /tmp/o/perf.c2c.data -- taskset -c "*"--placement=compact --benchmark_filter=x --memory=local ")
		ok "c2c command" ;;
	*) bad "c2c command: $cmd" ;;
esac
"$pr" --refbench "$rb" --dry-run stat > /dev/null 2>&1; [ $? -eq 2 ] && ok "no --filter exits 2" || bad "no --filter"
"$pr" --refbench "$rb" --dry-run --filter=x > /dev/null 2>&1; [ $? -eq 2 ] && ok "no mode exits 2" || bad "no mode"
"$pr" --refbench "$rb" --dry-run --filter=x --placement=bogus stat > /dev/null 2>&1
[ $? -eq 2 ] && ok "unknown placement exits 2" || bad "unknown placement"
p=$(printf '%s\n' "$plan" | awk '$1 == "cpu" && $3 == "unavailable:" { print $2; exit }')
if [ -n "$p" ]; then
	out=$("$pr" --refbench "$rb" --dry-run --filter=x --placement="$p" stat 2>&1); rc=$?
	[ $rc -eq 3 ] && case $out in *"placement '$p' is not available on this machine"*) true ;; *) false ;; esac &&
		ok "unavailable placement $p exits 3" || bad "unavailable placement $p: exit $rc: $out"
fi
if command -v perf > /dev/null && command -v taskset > /dev/null; then
	out=$("$pr" --refbench "$rb" --filter='^harness/capi/empty$' --events=task-clock stat -- \
		--benchmark_min_time=0.01 2>&1)
	case $out in
		*"task-clock"*"harness/capi/empty"*|*"harness/capi/empty"*"task-clock"*) ok "a real perf stat run" ;;
		*"perf_event_paranoid"*|*"Permission"*) echo "     (perf stat refused here: skipped)" ;;
		*) bad "perf stat run: $out" ;;
	esac
else
	echo "     (perf or taskset not installed: the real run is skipped)"
fi
exit $fail
