#!/bin/sh
# refbench-matrix on a real Slurm cluster (issue 16, docs/matrix.md "On Slurm"):
# starts a single-node cluster on localhost from Debian's slurm-wlm 22.05 and
# munge (tests/slurm/cluster.sh: munged, slurmctld, slurmd, no systemd, all
# state in a temp dir), then
#   1. a partition Slurm rejects: Slurm's message passed through, exit 2,
#      nothing submitted, no run directory;
#   2. a small matrix (one cell per family, harness included; quick preset,
#      short min_time) through --scheduler=slurm, one array task cancelled
#      with scancel while its cell runs: the run exits 1 and records that
#      cell as failed with Slurm's state (CANCELLED), the others ok;
#   3. --resume submits only that cell and completes the run; no finished
#      cell file changed (sha256sum before and after);
#   4. every daemon it started is stopped, by pid (also on any exit: trap).
# The cancelled task is made deterministic by a gate: the test double
# tests/matrix/fake-refbench.sh (which runs the real refbench) holds that one
# cell until a file appears, which it never does; nothing here waits on a
# timing, every wait is bounded and generous (a loaded 2-core machine).
#
# Usage: tests/slurm/slurm_test.sh [--build DIR]   (default build/release)
# Needs root (slurmd, munged). Installs slurm-wlm and munge with apt-get when
# missing (as scripts/numa-guests installs qemu); when they cannot be had, or
# not as root, exits 77 with the reason. REFBENCH_SLURM_NO_INSTALL=1: never
# install. Exit status: 0 passed, 1 a check failed, 77 skipped.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build/release
[ "${1:-}" = "--build" ] && BUILD=${2:?--build needs a directory}
say() { echo "slurm-test: $*"; }
skip() { echo "slurm-test: SKIP: $*" >&2; exit 77; }

# ---- the packages ----
have_slurm() {
	for c in slurmctld slurmd sbatch squeue scontrol scancel sinfo munged; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
}
if ! have_slurm; then
	[ "$(id -u)" = 0 ] || skip "slurm-wlm and munge are not installed; as root run: apt-get install --no-install-recommends slurm-wlm munge"
	[ -z "${REFBENCH_SLURM_NO_INSTALL:-}" ] || skip "slurm-wlm and munge are not installed (REFBENCH_SLURM_NO_INSTALL is set)"
	say "installing slurm-wlm and munge"
	log=$(mktemp)
	export DEBIAN_FRONTEND=noninteractive
	ok=0
	for i in 1 2 3 4 5 6; do	# the dpkg lock may be busy: wait and retry (bounded)
		if apt-get install -y -qq --no-install-recommends slurm-wlm munge >>"$log" 2>&1; then ok=1; break; fi
		apt-get update -qq >>"$log" 2>&1 || true
		sleep 10
	done
	if [ "$ok" != 1 ]; then
		tail -n 5 "$log" >&2
		rm -f "$log"
		skip "apt-get install slurm-wlm munge failed (see above)"
	fi
	rm -f "$log"
	have_slurm || skip "slurm-wlm and munge installed, but their commands are not on PATH"
fi
[ "$(id -u)" = 0 ] || skip "slurmd and munged of the test cluster must run as root"

RB=$BUILD/bench/refbench
M=$BUILD/src/matrix/refbench-matrix
for b in "$RB" "$M"; do
	[ -x "$b" ] || { echo "slurm-test: no $b (build first: cmake --build --preset release)" >&2; exit 1; }
done

# ---- the cluster (stopped by pid on any exit) ----
W=$(mktemp -d /tmp/refbench-slurm.XXXXXX)	# short: munge's socket path has a length limit
C=$W/cluster
runner=""
cleanup() {
	[ -n "$runner" ] && kill "$runner" 2>/dev/null
	[ -f "$C/env" ] && . "$C/env" && scancel --name=refbench-matrix >/dev/null 2>&1
	sh "$ROOT/tests/slurm/cluster.sh" stop "$C"
	[ -n "${KEEP_SLURM_TEST:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi; }
jget() { jq -r "$2" "$1"; }	# FILE JQ-EXPR

sh "$ROOT/tests/slurm/cluster.sh" start "$C" || { echo "slurm-test: the cluster did not start" >&2; exit 1; }
. "$C/env"
pids="$(cat "$C/munged.pid") $(cat "$C/slurmctld.pid") $(cat "$C/slurmd.pid")"
say "cluster up (pids $pids), SLURM_CONF=$SLURM_CONF"
sinfo

# ---- 1. a partition Slurm rejects ----
before=$(squeue -h -t all -o %i | wc -l)
"$M" --scheduler=slurm --partition=no-such-partition --refbench="$RB" \
	--benchmark_filter='^harness/native/empty$' --run-dir="$W/bad" >"$W/bad.out" 2>"$W/bad.err"
check "rejected partition: exit 2" 2 $?
check "rejected partition: one line on stderr" 1 "$(wc -l <"$W/bad.err")"
grep -q 'Slurm refused the job, nothing submitted: .*invalid partition' "$W/bad.err" &&
	ok "rejected partition: Slurm's message passed through ($(cat "$W/bad.err"))" ||
	bad "rejected partition: stderr is '$(cat "$W/bad.err")'"
[ ! -e "$W/bad" ] && ok "rejected partition: no run directory" || bad "rejected partition: $W/bad exists"
check "rejected partition: nothing queued" "$before" "$(squeue -h -t all -o %i | wc -l)"

# ---- 2. the matrix on Slurm, one task cancelled mid-run ----
names=""
for f in harness calib devmap grab pin split; do
	case $f in
	calib) n=$("$RB" --benchmark_list_tests | grep "^calib/pingpong/package/" | head -n1) ;;
	# 2 threads: the quick preset runs it unbound and under compact (bound PUs in the allocation)
	split) n=$("$RB" --benchmark_list_tests | grep "^split/" | grep 'threads:2$' | head -n1) ;;
	*) n=$("$RB" --benchmark_list_tests | grep "^$f/" | grep -v 'threads:[02-9]' | grep -v 'threads:1[0-9]' | head -n1) ;;
	esac
	[ -n "$n" ] || { bad "no $f benchmark listed"; continue; }
	names="$names${names:+|}$n"
done
re="^($(printf '%s' "$names" | sed 's/[.+*?()[\]{}^$]/\\&/g'))\$"
# the gate: the pin cell waits for a file that never comes, until cancelled
gate_cell=$(printf '%s' "$names" | tr '|' '\n' | grep '^pin/')
cp "$ROOT/tests/matrix/fake-refbench.sh" "$W/refbench-wrapper"
chmod +x "$W/refbench-wrapper"
export MATRIX_REAL_REFBENCH="$RB"
say "matrix: $re"
MATRIX_GATE_CELL=$gate_cell MATRIX_GATE=$W/gate REFBENCH_SLURM_POLL_S=1 \
	"$M" --scheduler=slurm --refbench="$W/refbench-wrapper" --benchmark_filter="$re" \
	--processes=1 --benchmark_min_time=0.01 --benchmark_repetitions=1 --run-dir="$W/run" \
	--progress=lines >"$W/run.out" 2>"$W/run.err" &
runner=$!
# bounded wait: the gated cell's task is running (it wrote the gate's .waiting)
i=0
while [ ! -e "$W/gate.waiting" ] && kill -0 "$runner" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
if [ ! -e "$W/gate.waiting" ]; then
	cat "$W/run.out" "$W/run.err"
	bad "the gated cell never started (waited $((i / 2)) s)"
	exit 1
fi
job=$(cat "$W/run/slurm/submit-0.job")
gate_id=$(jq -r --arg n "$gate_cell" '.cells[] | select(.name == $n) | .id' "$W/run/matrix.json")
task=$(grep -n "$gate_id" "$W/run/slurm/submit-0.tasks" | head -n1 | cut -d: -f1)
task=$((task - 1))
say "cancelling array task ${job}_$task (cell $gate_id, $gate_cell) while it runs"
squeue -r -j "$job"
scancel "${job}_$task"
# bounded wait for the runner (it follows the rest of the array)
i=0
while kill -0 "$runner" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
if kill -0 "$runner" 2>/dev/null; then bad "the runner did not finish in 300 s"; kill "$runner"; fi
wait "$runner"
rc=$?
runner=""
cat "$W/run.out"
cat "$W/run.err"
check "the run with a cancelled task: exit 1" 1 "$rc"
R=$W/run/refbench.json
ncells=$(jget "$W/run/matrix.json" '.cells|length')
[ "$ncells" -ge 6 ] && ok "$ncells cells planned (one per family, some also under compact)" ||
	bad "$ncells cells planned, want one per family at least"
check "the merged result indexes every planned cell" "$ncells" "$(jget "$R" '.matrix.cells|length')"
check "the cancelled cell is failed" failed \
	"$(jget "$R" ".matrix.cells[]|select(.id==\"$gate_id\")|.status")"
reason=$(jget "$R" ".matrix.cells[]|select(.id==\"$gate_id\")|.reason")
case $reason in
*"${job}_$task"*CANCELLED*) ok "its reason is Slurm's: $reason" ;;
*) bad "its reason does not say the task was cancelled: '$reason'" ;;
esac
grep -q "FAILED .*$gate_cell.*CANCELLED" "$W/run.out" && ok "the progress reports the cancelled cell" ||
	bad "no FAILED line for $gate_cell in the progress"
check "every other cell ok" "$((ncells - 1))" "$(jget "$R" '[.matrix.cells[]|select(.status=="ok")]|length')"
grep -q 'ETA' "$W/run.out" && ok "progress with an ETA" || bad "no ETA in the progress"
[ -f "$W/run/slurm/lost/$gate_id.json" ] && ok "slurm/lost/$gate_id.json records it" || bad "no lost record"
[ ! -e "$W/run/cells/$gate_id.json" ] && ok "no cell file for it" || bad "a cell file for the cancelled cell"
ls "$W/run/cells/"*.tmp 2>/dev/null && bad "temporary files left in cells/" || ok "no partial files in cells/"
(cd "$W/run/cells" && sha256sum ./*.json) >"$W/sums.before"
key=$("$RB" --machine-key)
check "each cell records the machine key" "$key" \
	"$(jget "$W/run/cells/0000.json" '.matrix_cell.machine_key')"

# ---- 3. --resume: only the missing cell, finished cells untouched ----
REFBENCH_SLURM_POLL_S=1 "$M" --resume="$W/run" --progress=lines >"$W/resume.out" 2>"$W/resume.err"
rc=$?
cat "$W/resume.out" "$W/resume.err"
check "--resume: exit 0" 0 "$rc"
check "--resume submitted only the cancelled cell" "$gate_id" "$(cat "$W/run/slurm/submit-1.tasks")"
check "the resumed cell is ok" ok "$(jget "$R" ".matrix.cells[]|select(.id==\"$gate_id\")|.status")"
check "all cells ok" "$ncells" "$(jget "$R" '[.matrix.cells[]|select(.status=="ok")]|length')"
if (cd "$W/run/cells" && sha256sum -c --quiet "$W/sums.before"); then
	ok "no finished cell changed ($(wc -l <"$W/sums.before") sha256sums)"
else
	bad "a finished cell changed"
fi

# ---- 4. stop every daemon, by pid ----
sh "$ROOT/tests/slurm/cluster.sh" stop "$C"
left=""
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
check "every daemon stopped" "" "$left"
[ "$fail" = 0 ] && say "passed" || say "FAILED"
exit "$fail"
