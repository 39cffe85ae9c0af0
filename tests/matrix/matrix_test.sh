#!/bin/sh
# refbench-matrix and scripts/matrix end to end (ctest label "matrix").
# Usage: matrix_test.sh plan|dryrun|merge|resume|fail|badinput|progress|front|
#                       slurmtask|slurmbad|machines|processes|groups
# Environment (set by CMakeLists.txt): REFBENCH_MATRIX, REFBENCH_BIN,
# MATRIX_JGET, MATRIX_SRC, MATRIX_TOPO, MATRIX_ROOT, MATRIX_WORK; optional
# RB_COMPARE, REFBENCH_PLOTDATA.
#
# Cells fail on purpose through fake-refbench.sh, a wrapper around the real
# refbench that crashes, hangs or fails the cells whose filter matches
# $MATRIX_CRASH / $MATRIX_HANG / $MATRIX_FAIL, sleeps in $MATRIX_SLOW (to be
# killed mid-way) and logs every cell it runs to $MATRIX_CALLS.
set -u
t=$1
M=$REFBENCH_MATRIX RB=$REFBENCH_BIN J=$MATRIX_JGET
FAKE=$MATRIX_SRC/fake-refbench.sh
W=$MATRIX_WORK/$t
rm -rf "$W"
mkdir -p "$W"
export MATRIX_REAL_REFBENCH="$RB"
unset MATRIX_LIST MATRIX_CRASH MATRIX_HANG MATRIX_FAIL MATRIX_SLOW MATRIX_NAN MATRIX_CALLS
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
check() {	# check DESC WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi
}
# The plan lines of a dry run, without comments and estimates.
plan_lines() { grep -v '^#' | sed 's/ (~[0-9.]* s)$//'; }
# Tiny runs: the harness family's C API loops, 1 ms each.
# One process per cell (the quick preset's processes are tested in "processes").
TINY="--benchmark_filter=^harness/capi/ --benchmark_min_time=0.001 --benchmark_repetitions=1 --processes=1"

case $t in
plan)
	# Hand-written plans for the shared XML topologies (tests/topo/data), on
	# a fixed benchmark list (data/plan.list: 1, 2, 4 and 32 threads, calib).
	export MATRIX_LIST=$MATRIX_SRC/data/plan.list
	"$M" --refbench="$FAKE" --preset=full --topology="$MATRIX_TOPO/16em64t-4s2c2t.xml" \
		--dry-run --out-dir="$W/none" >"$W/16em.out" 2>"$W/16em.err"
	check "full plan on 16em64t-4s2c2t: exit" 0 $?
	grep -v '^#' "$MATRIX_SRC/data/16em64t-4s2c2t-full.plan" >"$W/16em.want"
	if plan_lines <"$W/16em.out" | diff -u "$W/16em.want" - >"$W/16em.diff"; then
		ok "full plan on 16em64t-4s2c2t equals data/16em64t-4s2c2t-full.plan"
	else
		cat "$W/16em.diff"; bad "full plan on 16em64t-4s2c2t"
	fi
	"$M" --refbench="$FAKE" --placements=compact,cross-numa --memory=local,remote --processes=1 \
		--families=split,harness --topology="$MATRIX_TOPO/32em64t-2n8c2t-pci-noio.xml" \
		--dry-run --out-dir="$W/none" >"$W/32em.out" 2>"$W/32em.err"
	check "NUMA plan on 32em64t-2n8c2t: exit" 0 $?
	grep -v '^#' "$MATRIX_SRC/data/32em64t-2n8c2t-numa.plan" >"$W/32em.want"
	if plan_lines <"$W/32em.out" | diff -u "$W/32em.want" - >"$W/32em.diff"; then
		ok "NUMA plan on 32em64t-2n8c2t equals data/32em64t-2n8c2t-numa.plan"
	else
		cat "$W/32em.diff"; bad "NUMA plan on 32em64t-2n8c2t"
	fi
	# quick on the 8-node AMD topology: 1-thread cells bound (compact) only,
	# the multi-threaded ones unbound and compact
	"$M" --refbench="$FAKE" --topology="$MATRIX_TOPO/16amd64-4distances.xml" --dry-run \
		--processes=1 --out-dir="$W/none" | plan_lines >"$W/amd.out"
	check "quick plan on 16amd64: cells" \
		"none:4 compact:4" \
		"$(awk '$1 == "cell" { n[$3]++ } END { printf "none:%d compact:%d", n["none"], n["compact"] }' "$W/amd.out")"
	check "quick plan on 16amd64: 1-thread cells bound (compact) only" 2 \
		"$(grep -c '^skip none .* -- preset quick: 1-thread cells run bound (compact) only$' "$W/amd.out")"
	check "quick plan on 16amd64: 32 threads do not fit compact's 16 PUs" 1 \
		"$(grep -c '^skip compact .*threads:32 -- placement compact has 16 PUs; this cell has 32 threads$' "$W/amd.out")"
	[ ! -e "$W/none" ] && ok "a dry run creates no directory" || bad "a dry run created $W/none"
	# the quick preset: 8 processes of each cell (no cell of >= 1 GiB here),
	# round-robin over the plan
	"$M" --refbench="$FAKE" --topology="$MATRIX_TOPO/16amd64-4distances.xml" --dry-run \
		--out-dir="$W/none" | plan_lines >"$W/amd5.out"
	check "quick plan: 8 processes of each cell" "none:32 compact:32" \
		"$(awk '$1 == "cell" { n[$3]++ } END { printf "none:%d compact:%d", n["none"], n["compact"] }' "$W/amd5.out")"
	check "quick plan: round-robin (every cell's process 1 first, then 2, ...)" \
		"$(grep '^cell' "$W/amd.out" | awk '{ print $4 }' | tr '\n' ' ')" \
		"$(grep '^cell' "$W/amd5.out" | head -n 8 | awk '{ print $4 }' | tr '\n' ' ')"
	check "quick plan: process numbers" "1 1 1 1 1 1 1 1 2 8" \
		"$(grep '^cell' "$W/amd5.out" | sed -n '1,8p;9p;64p' | sed 's/.* process:\([0-9]*\)$/\1/' | tr '\n' ' ' | sed 's/ $//')"
	check "quick plan: the header says processes x repetitions" 1 \
		"$("$M" --refbench="$FAKE" --topology="$MATRIX_TOPO/16amd64-4distances.xml" --dry-run |
			grep -c '^# refbench-matrix plan: preset quick, min_time 0.02 s, 8 processes (5 for cells of >= 1 GiB) x 3 repetitions per cell,')"
	;;

processes)
	# --processes=3: each cell as 3 refbench processes, a cell file each,
	# merged as one benchmark whose rows keep their process; resume runs only
	# a missing process; refbench-compare accepts the merge (a repetition
	# counted once) and compares over the processes.
	"$M" --refbench="$RB" --benchmark_filter='^harness/capi/(empty|fetch_add_relaxed)$' \
		--benchmark_min_time=0.001 --benchmark_repetitions=2 --processes=3 --placements=none \
		--out-dir="$W/results" --run-dir-file="$W/dir" >"$W/out" 2>&1
	check "processes: exit" 0 $?
	d=$(cat "$W/dir")
	check "processes: 6 cell files (2 cells x 3 processes)" 6 "$(ls "$d"/cells/*.json | wc -l)"
	check "processes: the start line" 1 \
		"$(grep -c '^refbench-matrix: preset quick, 2 cells (.*), 3 processes x 2 repetitions each (6 refbench runs)' "$W/out")"
	check "processes: cell 0002 is process 2 of the first cell" "harness/capi/empty 2" \
		"$("$J" "$d/cells/0002.json" .matrix_cell.name .matrix_cell.process | tr '\n' ' ' | sed 's/ $//')"
	R=$d/refbench.json
	if [ -n "${RB_COMPARE:-}" ] && command -v jq >/dev/null 2>&1; then
		check "processes: rows keep their process and cell" \
			"harness/capi/empty 1 0000 harness/capi/empty 2 0002 harness/capi/empty 3 0004" \
			"$(jq -r '[.benchmarks[] | select(.run_type == "iteration" and .name == "harness/capi/empty" and .repetition_index == 0) | "\(.name) \(.matrix_process) \(.matrix_cell)"] | join(" ")' "$R")"
		check "processes: 12 repetition rows" 12 \
			"$(jq '[.benchmarks[] | select(.run_type == "iteration")] | length' "$R")"
		check "processes: context says 3" 3 "$(jq -r .context.matrix_processes "$R")"
		"$RB_COMPARE" --format=json "$R" "$R" >"$W/cmp" 2>"$W/cmperr"
		check "processes: refbench-compare accepts the merge" 0 $?
		check "processes: compared over 3 processes a side" "processes 3 3" \
			"$(jq -r '.benchmarks[0] | "\(.level) \(.processes_baseline) \(.processes_contender)"' "$W/cmp")"
	fi
	# resume-safe: a lost process is run again, alone; the others are kept
	rm "$d/cells/0003.json"
	"$M" --resume="$d" >"$W/out2" 2>&1
	check "processes: resume exit" 0 $?
	check "processes: resume runs the one missing process" \
		"5 of 6 cells already have results; running the other 1" "$(head -n1 "$W/out2")"
	check "processes: after resume, 6 cell files" 6 "$(ls "$d"/cells/*.json | wc -l)"
	;;

dryrun)
	# This machine, the real benchmark list: every feasible cell planned,
	# every placement refbench says it cannot give skipped with its reason.
	"$RB" --list-placements >"$W/placements"
	n=$("$RB" --benchmark_list_tests --benchmark_filter='^harness/' | wc -l)
	"$M" --refbench="$RB" --preset=full --benchmark_filter='^harness/' --dry-run \
		--out-dir="$W/results" >"$W/out" 2>"$W/err"
	check "dry run exit" 0 $?
	check "unbound cells = refbench's list" "$n" "$(awk '$1 == "cell" && $3 == "none"' "$W/out" | wc -l)"
	awk '$1 == "cpu" && $3 == "unavailable:" { print $2 }' "$W/placements" >"$W/unavail"
	for p in $(cat "$W/unavail"); do
		reason=$(awk -v p="$p" '$1 == "cpu" && $2 == p { sub(/.*unavailable: /, ""); print }' "$W/placements")
		if grep -qxF "skip $p * -- placement $p is unavailable here: $reason (all $n benchmarks)" "$W/out"; then
			ok "skipped: $p ($reason)"
		else
			bad "no skip line for unavailable placement $p"
		fi
	done
	for p in $(awk '$1 == "cpu" && $3 == "PUs" { print $2 }' "$W/placements"); do
		pus=$(awk -v p="$p" '$1 == "cpu" && $2 == p { print $4 }' "$W/placements" | tr ',' '\n' | wc -l)
		# a cell of this placement never has more threads than its PUs
		over=$(awk -v p="$p" -v pus="$pus" '$1 == "cell" && $3 == p {
			t = 1; if (match($4, /threads:[0-9]+/)) t = substr($4, RSTART + 8, RLENGTH - 8) + 0
			if (t > pus) print }' "$W/out")
		check "$p: no cell beyond its $pus PUs" "" "$over"
	done
	grep -q '^# [0-9]* cells, [0-9]* skipped; estimated duration [0-9hms]* ' "$W/out" &&
		ok "estimated duration printed" || bad "no estimate line"
	[ ! -e "$W/results" ] && ok "nothing written" || bad "the dry run wrote $W/results"
	;;

merge)
	# none and compact, 2 repetitions: rows of both placements, kept apart.
	"$M" --refbench="$RB" --preset=full --placements=none,compact $TINY \
		--benchmark_repetitions=2 --out-dir="$W/results" --run-dir-file="$W/dir" \
		--command="scripts/test-command --x" >"$W/out" 2>"$W/err"
	check "run exit" 0 $?
	d=$(cat "$W/dir")
	R=$d/refbench.json
	check "cells" 6 "$("$J" "$R" '.matrix.cells#')"
	check "every cell ok" "ok ok ok ok ok ok" "$("$J" "$R" '.matrix.cells[].status' | tr '\n' ' ' | sed 's/ $//')"
	# 6 cells x 2 repetitions, plus Google Benchmark's 4 aggregates each
	check "rows" 36 "$("$J" "$R" '.benchmarks#')"
	check "iteration rows" 12 "$("$J" "$R" '.benchmarks[].run_type' | grep -c '^iteration$')"
	check "run_names: none keeps refbench's names, compact gets a suffix" \
"harness/capi/cas_seq_cst
harness/capi/cas_seq_cst/placement:compact
harness/capi/empty
harness/capi/empty/placement:compact
harness/capi/fetch_add_relaxed
harness/capi/fetch_add_relaxed/placement:compact" \
		"$("$J" "$R" '.benchmarks[].run_name' | sort -u)"
	# no duplicate names: name + repetition index (aggregates have none) unique
	"$J" "$R" '.benchmarks[]' >"$W/rows"
	dups=$(sed 's/.*"name": *"\([^"]*\)".*"repetition_index": *\([0-9]*\).*/\1#\2/; t; s/.*"name": *"\([^"]*\)".*/\1/' "$W/rows" | sort | uniq -d)
	check "no duplicate (name, repetition) in the merged file" "" "$dups"
	check "aggregate name follows the suffix" 1 \
		"$("$J" "$R" '.benchmarks[].name' | grep -c '^harness/capi/empty/placement:compact_median$')"
	check "every row has its placement" "compact:18 none:18" \
		"$("$J" "$R" '.benchmarks[].placement' | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')"
	# context: the fingerprint, the exact commands, no per-cell placement keys
	check "context machine_key" "$("$RB" --machine-key)" "$("$J" "$R" .context.machine_key)"
	check "context machine_pus" "$("$RB" --fingerprint | sed -n 's/^machine_pus=//p')" "$("$J" "$R" .context.machine_pus)"
	check "context refbench_command" "scripts/test-command --x" "$("$J" "$R" .context.refbench_command)"
	case $("$J" "$R" .context.matrix_command) in
	*refbench-matrix*--placements=none,compact*--benchmark_repetitions=2*) ok "context matrix_command" ;;
	*) bad "context matrix_command: $("$J" "$R" .context.matrix_command)" ;;
	esac
	check "context placement lists the run's" "none,compact" "$("$J" "$R" .context.placement)"
	check "no per-cell placement_pus in the context" "" "$("$J" "$R" .context.placement_pus)"
	check "context matrix_preset" "full" "$("$J" "$R" .context.matrix_preset)"
	check "per-cell index: command of cell 0003" 1 \
		"$("$J" "$R" '.matrix.cells[3].command' | grep -c -- "--placement=compact --memory=local")"
	check "per-cell index: file" "cells/0005.json" "$("$J" "$R" '.matrix.cells[5].file')"
	check "skipped cells listed with reasons" "$("$J" "$d/matrix.json" '.skipped#')" \
		"$("$J" "$R" '.matrix.skipped[].reason' | wc -l)"
	check "the cell files' own rows" 6 "$("$J" "$d/cells/0003.json" '.benchmarks#')"
	# the consumers take it as it is
	if [ -n "${RB_COMPARE:-}" ]; then
		"$RB_COMPARE" --format=json -o "$W/cmp.json" "$R" "$R" >"$W/cmp.out" 2>&1
		check "refbench-compare takes the merged file (exit)" 0 $?
		check "refbench-compare: every row compared" 6 "$("$J" "$W/cmp.json" '.benchmarks#')"
	fi
	if [ -n "${REFBENCH_PLOTDATA:-}" ]; then
		"$REFBENCH_PLOTDATA" run "$R" "$W/plotdata" >"$W/pd.out" 2>&1
		check "refbench-plotdata takes the merged file (exit)" 0 $?
		check "plotdata cells per placement" "compact:3 none:3" \
			"$(awk -F'\t' '!/^#/ { print $4 }' "$W/plotdata/cells.tsv" | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')"
	fi
	# the run directory is never overwritten
	"$M" --refbench="$RB" $TINY --run-dir="$d" >"$W/again.out" 2>"$W/again.err"
	check "an existing --run-dir: exit (bad input, issue 17)" 2 $?
	check "an existing --run-dir: message" "refbench-matrix: $d already exists; not overwriting it" "$(cat "$W/again.err")"
	;;

resume)
	# 6 cells; cell 0003 sleeps; the runner is killed (SIGKILL, as a crash)
	# while it runs, then SIGTERM in a second round; --resume runs only what
	# is missing, and no finished cell is run again or lost.
	export MATRIX_SLOW=capi/empty MATRIX_SLOW_S=20 MATRIX_CALLS=$W/calls1
	"$M" --refbench="$FAKE" --benchmark_filter='^harness/' --benchmark_min_time=0.001 --benchmark_repetitions=1 \
		--processes=1 --out-dir="$W/results" --run-dir-file="$W/dir" >"$W/out1" 2>"$W/err1" &
	pid=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q 'start 0003' "$W"/results/*/matrix.log 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.3
	kill -KILL $pid
	wait $pid 2>/dev/null
	d=$(cat "$W/dir")
	check "killed run: cells before the slow one kept" "0000.json 0001.json 0002.json" \
		"$(cd "$d/cells" && ls *.json | tr '\n' ' ' | sed 's/ $//')"
	[ ! -e "$d/refbench.json" ] && ok "killed run: no merged file" || bad "a killed run left refbench.json"
	stat -c '%n %i %Y' "$d"/cells/000[012].json >"$W/stat1"
	# round 2: SIGTERM while cell 0003 (slow again) runs
	export MATRIX_CALLS=$W/calls2
	"$M" --resume="$d" >"$W/out2" 2>"$W/err2" &
	pid=$!
	i=0
	while [ $i -lt 200 ] && [ "$(grep -c 'start 0003' "$d/matrix.log")" -lt 2 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.3
	kill -TERM $pid
	wait $pid
	check "SIGTERM: exit 143" 143 $?
	grep -q "stopped by signal 15 .* after 3 of 6 cells; the finished cells are kept in $d/cells; run the rest with: --resume $d" "$W/err2" &&
		ok "SIGTERM: says how to resume" || bad "SIGTERM message: $(cat "$W/err2")"
	check "SIGTERM: no partial files of the stopped cell" "" "$(ls "$d/cells" | grep -v '^000[012]\.json$')"
	check "round 2 ran only the missing cell 0003" "^harness/capi/empty\$" "$(cat "$W/calls2")"
	# round 3: resume to the end
	unset MATRIX_SLOW
	export MATRIX_CALLS=$W/calls3
	"$M" --resume="$d" >"$W/out3" 2>"$W/err3"
	check "resume: exit" 0 $?
	grep -q '^3 of 6 cells already have results; running the other 3$' "$W/out3" &&
		ok "resume: says what it runs" || bad "resume output: $(cat "$W/out3")"
	check "resume ran only the 3 missing cells" \
		"^harness/capi/empty\$ ^harness/capi/fetch_add_relaxed\$ ^harness/capi/cas_seq_cst\$" \
		"$(tr '\n' ' ' <"$W/calls3" | sed 's/ $//')"
	stat -c '%n %i %Y' "$d"/cells/000[012].json >"$W/stat3"
	cmp -s "$W/stat1" "$W/stat3" && ok "finished cells untouched (inode, mtime)" || bad "finished cells rewritten"
	for id in 0000 0001 0002; do
		check "cell $id ran once (matrix.log)" 1 "$(grep -c "done $id " "$d/matrix.log")"
	done
	R=$d/refbench.json
	check "merged after resume: 6 ok cells" "6" "$("$J" "$R" '.matrix.cells[].status' | grep -c '^ok$')"
	check "merged after resume: 6 rows, none lost" 6 "$("$J" "$R" '.benchmarks#')"
	check "resume recorded in the context" 1 "$("$J" "$R" .context.matrix_resumed | grep -c -- '--resume=')"
	# resuming a finished run runs nothing and merges again
	export MATRIX_CALLS=$W/calls4
	"$M" --resume="$d" >"$W/out4" 2>&1
	check "resume of a finished run: exit" 0 $?
	[ ! -e "$W/calls4" ] && ok "resume of a finished run runs nothing" || bad "it ran: $(cat "$W/calls4")"
	;;

groups)
	# --groups=FILE: the benchmarks of a line run as one process per placement
	# and process, repetitions randomly interleaved; the cell's name is its
	# members joined with '|'; each member's rows keep the cell and process,
	# so refbench-compare's ratios pair within the process. A failed group
	# cell gives an error row per member. Names the plan lacks are ignored; a
	# name on two lines, or an unreadable FILE, is exit 2.
	printf '%s\n' '# capi and native of one body: one process' \
		'harness/capi/empty harness/native/empty' 'harness/capi/cas_seq_cst not/in/the/plan' >"$W/groups"
	export MATRIX_CALLS=$W/calls
	"$M" --refbench="$FAKE" --benchmark_filter='^harness/(capi|native)/(empty|cas_seq_cst)$' \
		--benchmark_min_time=0.001 --benchmark_repetitions=2 --processes=2 --placements=none \
		--groups="$W/groups" --out-dir="$W/results" --run-dir-file="$W/dir" >"$W/out" 2>&1
	check "groups: exit" 0 $?
	d=$(cat "$W/dir")
	check "groups: 3 cells x 2 processes" 6 "$(ls "$d"/cells/*.json | wc -l)"
	check "groups: the group cell's name" "harness/native/empty|harness/capi/empty" \
		"$("$J" "$d/cells/0000.json" .matrix_cell.name)"
	check "groups: one filter for both, then the lone cells" \
		'^(harness/native/empty|harness/capi/empty)$ ^harness/native/cas_seq_cst$ ^harness/capi/cas_seq_cst$' \
		"$(head -n 3 "$W/calls" | tr '\n' ' ' | sed 's/ $//')"
	grep -q -- '--benchmark_enable_random_interleaving=true' "$d/cells/0000.json" &&
		ok "groups: the group's repetitions are interleaved" ||
		bad "groups: no --benchmark_enable_random_interleaving=true in cell 0000's command"
	if grep -q -- '--benchmark_enable_random_interleaving' "$d/cells/0001.json"; then
		bad "groups: a lone cell was interleaved"
	else
		ok "groups: a lone cell is not"
	fi
	R=$d/refbench.json
	if command -v jq >/dev/null 2>&1; then
		check "groups: both members' rows in the group's cell, per process" \
			"harness/capi/empty 1 0000 harness/capi/empty 2 0003 harness/native/empty 1 0000 harness/native/empty 2 0003" \
			"$(jq -r '[.benchmarks[] | select(.run_type == "iteration" and (.name | test("empty")) and .repetition_index == 0) | "\(.name) \(.matrix_process) \(.matrix_cell)"] | sort | join(" ")' "$R")"
		if [ -n "${RB_COMPARE:-}" ]; then
			"$RB_COMPARE" --format=json --ratio='^harness/capi/(.*)$=harness/native/\1' "$R" "$R" >"$W/cmp" 2>"$W/cmperr"
			check "groups: refbench-compare pairs each repetition of the ratio within its process" "4 4" \
				"$(jq -r '[.benchmarks[] | select(.name | test("empty"))][0] | "\(.n_baseline) \(.n_contender)"' "$W/cmp")"
		fi
	fi
	# a failed group cell: an error row per member
	unset MATRIX_CALLS
	MATRIX_FAIL='native/empty|' "$M" --refbench="$FAKE" --benchmark_filter='^harness/(capi|native)/empty$' \
		--benchmark_min_time=0.001 --processes=1 --placements=none --groups="$W/groups" \
		--out-dir="$W/results2" --run-dir-file="$W/dir2" >"$W/out2" 2>&1
	check "groups: a failed group: exit" 1 $?
	check "groups: a failed group: an error row per member" \
		"harness/native/empty true harness/capi/empty true" \
		"$("$J" "$(cat "$W/dir2")/refbench.json" '.benchmarks[0].name' '.benchmarks[0].error_occurred' \
			'.benchmarks[1].name' '.benchmarks[1].error_occurred' | tr '\n' ' ' | sed 's/ $//')"
	# a 16 GiB member makes the group heavy (the preset's 5 processes, not 8)
	export MATRIX_LIST=$W/list
	printf '%s\n' harness/capi/empty 'grab/x/mem_mib:64/a' 'grab/x/mem_mib:16384/b' >"$W/list"
	printf '%s\n' 'grab/x/mem_mib:64/a grab/x/mem_mib:16384/b' >"$W/heavy"
	"$M" --refbench="$FAKE" --placements=none --groups="$W/heavy" --dry-run --out-dir="$W/none" |
		plan_lines >"$W/heavy.out"
	check "groups: a group with a 16 GiB member runs as 5 processes, a lone cell as 8" "5 8" \
		"$(grep -c 'grab/x/mem_mib:64/a|grab/x/mem_mib:16384/b' "$W/heavy.out") $(grep -c 'harness/capi/empty' "$W/heavy.out")"
	check "groups: ... and the preset's 3 repetitions a process, as the lone cell (no own repetitions)" "0 0" \
		"$(grep -c 'repetitions:' "$W/heavy.out") $(grep -c 'harness/capi/empty repetitions:' "$W/heavy.out")"
	unset MATRIX_LIST
	# the preset's repetitions reach refbench per cell, and the plan keeps them (--resume)
	"$M" --refbench="$RB" --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.001 \
		--processes=1 --placements=none --out-dir="$W/results3" \
		--run-dir-file="$W/dir3" >"$W/out3" 2>&1
	check "quick preset: a light cell runs 3 repetitions, the plan says so" "0 3 3" \
		"$? $("$J" "$(cat "$W/dir3")/matrix.json" '.cells[0].repetitions') $(grep -c '"run_type": "iteration"' "$(cat "$W/dir3")/refbench.json")"
	printf '%s\n' 'harness/capi/empty harness/native/empty' 'harness/capi/empty' >"$W/twice"
	"$M" --refbench="$RB" --benchmark_filter='^harness/' --groups="$W/twice" --dry-run >"$W/o" 2>"$W/e"
	check "groups: a name on two lines: exit" 2 $?
	check "groups: a name on two lines: told" 1 \
		"$(grep -c 'groups=.*twice: harness/capi/empty is on lines 1 and 2$' "$W/e")"
	"$M" --refbench="$RB" --benchmark_filter='^harness/' --groups="$W/missing" --dry-run >"$W/o" 2>"$W/e"
	check "groups: no such file: exit" 2 $?
	check "groups: no such file: one line" 1 "$(wc -l <"$W/e")"
	# scripts/ratio-spread (the measurement behind groups): both ways, a line each
	if command -v jq >/dev/null 2>&1; then
		REFBENCH_BIN=$RB "$MATRIX_ROOT/scripts/ratio-spread" --processes=2 --min-time=0.001 --placement=none \
			'harness/capi/empty=harness/native/empty' >"$W/rs" 2>&1
		check "ratio-spread: exit" 0 $?
		check "ratio-spread: separate and one process" "separate one" \
			"$(awk '/^harness\/capi:native\/empty / { printf "%s%s", n++ ? " " : "", $2 }' "$W/rs")"
		REFBENCH_BIN=$RB "$MATRIX_ROOT/scripts/ratio-spread" 'harness/capi/nope=harness/native/empty' >"$W/o" 2>"$W/e"
		check "ratio-spread: an unknown benchmark: exit" 2 $?
		check "ratio-spread: an unknown benchmark: told" 1 "$(grep -c 'harness/capi/nope: refbench registers no such benchmark' "$W/e")"
	fi
	;;

fail)
	# A crash (SIGSEGV), a hang (--cell-timeout) and an exit 1, among 6 cells:
	# each recorded failed with its stderr, the run goes on.
	export MATRIX_CRASH=native/fetch_add MATRIX_HANG=capi/cas MATRIX_FAIL=capi/empty MATRIX_NAN=native/empty
	"$M" --refbench="$FAKE" --benchmark_filter='^harness/' --benchmark_min_time=0.001 --benchmark_repetitions=1 \
		--placements=none --processes=1 --cell-timeout=1 --out-dir="$W/results" --run-dir-file="$W/dir" >"$W/out" 2>"$W/err"
	check "a run with failed cells: exit" 1 $?
	d=$(cat "$W/dir")
	R=$d/refbench.json
	check "statuses" "ok failed ok failed ok failed" \
		"$("$J" "$R" '.matrix.cells[].status' | tr '\n' ' ' | sed 's/ $//')"
	check "crash reason" "killed by signal 11 (Segmentation fault)" "$("$J" "$R" '.matrix.cells[1].reason')"
	check "timeout reason" "timed out after 1 s (--cell-timeout), killed" "$("$J" "$R" '.matrix.cells[5].reason')"
	check "exit reason" "exit status 1: refbench: injected failure for ^harness/capi/empty\$" \
		"$("$J" "$R" '.matrix.cells[3].reason')"
	check "crash: stderr kept" "about to crash" "$(cat "$d/cells/0001.stderr")"
	check "crash: stderr in the cell file" "about to crash" "$("$J" "$d/cells/0001.json" .matrix_cell.stderr)"
	check "cells after a failure ran" "ok" "$("$J" "$R" '.matrix.cells[4].status')"
	# Google Benchmark's bare NaN / Infinity (not JSON) become null
	check "NaN cell ok" ok "$("$J" "$R" '.matrix.cells[0].status')"
	check "NaN cell: told" 2 "$("$J" "$d/cells/0000.json" .matrix_cell.nonfinite_as_null)"
	check "NaN and -Infinity as null, strings untouched" "null null NaN stays" \
		"$("$J" "$R" '.benchmarks[0].bogus/op' '.benchmarks[0].neg/op' '.benchmarks[0].note' | tr '\n' ' ' | sed 's/ $//')"
	check "failed cells are error rows" \
		"harness/native/fetch_add_relaxed refbench-matrix: cell 0001 failed: killed by signal 11 (Segmentation fault)" \
		"$("$J" "$R" '.benchmarks[1].name' '.benchmarks[1].error_message' | tr '\n' ' ' | sed 's/ $//')"
	check "3 error rows, 3 measured" "3 3" \
		"$("$J" "$R" '.benchmarks[].error_occurred' | grep -c true) $("$J" "$R" '.benchmarks[].real_time' | grep -vc '^0$')"
	grep -q '^FAILED  harness/native/fetch_add_relaxed @ none: killed by signal 11' "$W/out" &&
		ok "the failure is told in the progress" || bad "progress: $(cat "$W/out")"
	# --resume keeps failed cells; --retry-failed runs them again
	unset MATRIX_CRASH MATRIX_HANG MATRIX_FAIL MATRIX_NAN
	"$M" --resume="$d" >"$W/out2" 2>&1
	check "resume keeps failed cells: exit" 1 $?
	"$M" --resume="$d" --retry-failed >"$W/out3" 2>&1
	check "--retry-failed: exit" 0 $?
	check "--retry-failed: all ok" "6" "$("$J" "$R" '.matrix.cells[].status' | grep -c '^ok$')"
	;;

badinput)
	expect() {	# expect DESC RC MESSAGE ARGS...: exit RC, exactly one stderr line MESSAGE
		desc=$1 want=$2 msg=$3; shift 3
		"$M" "$@" >"$W/out" 2>"$W/err"
		rc=$?
		if [ $rc -ne "$want" ]; then bad "$desc: exit $rc, want $want ($(cat "$W/err"))"; return; fi
		if [ "$(wc -l <"$W/err")" -ne 1 ]; then bad "$desc: not one line: $(cat "$W/err")"; return; fi
		case $(cat "$W/err") in *"$msg"*) ok "$desc" ;; *) bad "$desc: '$(cat "$W/err")' lacks '$msg'" ;; esac
	}
	O="--refbench=$RB --out-dir=$W/results"
	expect "unknown preset" 2 "refbench-matrix: unknown preset 'bogus' (valid: quick, full)" $O --preset=bogus
	expect "unknown family" 2 "refbench-matrix: unknown family 'nope' (valid: harness, calib, devmap, grab, pin, split" \
		$O --families=split,nope
	expect "unknown placement" 2 "unknown placement 'far' (valid: none, compact, scatter, smt, l2, l3, package, cross-package, cross-numa)" \
		$O --placements=compact,far
	expect "unknown memory placement" 2 "unknown memory placement 'near' (valid: local, remote, interleave)" $O --memory=near
	expect "a filter that selects nothing" 2 "--benchmark_filter='^nothing/' selects no benchmark" $O --benchmark_filter='^nothing/' --dry-run
	expect "bad min_time" 2 "--benchmark_min_time=x: want a positive number" $O --benchmark_min_time=x
	expect "min_time nan (issue 17)" 2 "--benchmark_min_time=nan: want a positive number" $O --benchmark_min_time=nan
	expect "repetitions past int (issue 17)" 2 "--benchmark_repetitions=4294967297: want an integer from 1 to 100000" \
		$O --benchmark_repetitions=4294967297
	expect "an empty --perf-events item, before any cell (issue 17)" 2 \
		"the cells' refbench flags are refused: refbench: --perf-events=task-clock,,page-faults: an empty name" \
		$O --perf-events=task-clock,,page-faults
	expect "a bad refbench flag after --, before any cell (issue 17)" 2 \
		"the cells' refbench flags are refused: refbench: --benchmark_context=foo: needs KEY=VALUE" \
		$O -- --benchmark_context=foo
	expect "cell timeout nan (issue 17)" 2 "--cell-timeout=nan: want a positive number" $O --cell-timeout=nan
	expect "unknown option" 2 "unknown or incomplete option '--bogus'" $O --bogus
	expect "a stray argument" 2 "unexpected argument 'split' (refbench flags go after --)" $O split
	expect "a runner flag after --" 2 "--placement=compact: give it to refbench-matrix itself" $O -- --placement=compact
	expect "--topology without --dry-run" 2 "plans for another machine: use it with --dry-run" \
		$O --topology="$MATRIX_TOPO/16em64t-4s2c2t.xml"
	expect "an unreadable topology" 2 "refbench-matrix: $RB --list-placements failed: " $O --topology=/nonexistent.xml --dry-run
	expect "no refbench" 2 "--refbench=/nonexistent: not an executable file" --refbench=/nonexistent
	mkdir -p "$W/empty" "$W/corrupt"
	echo '{"matrix_format": 1' >"$W/corrupt/matrix.json"
	expect "resume of a directory that is not a run" 2 "--resume=$W/empty: not a refbench-matrix run directory (no matrix.json)" \
		--resume="$W/empty"
	expect "resume of a corrupt run" 2 "--resume=$W/corrupt: not a refbench-matrix run directory" --resume="$W/corrupt"
	# issue 17 (fuzz_matrix): two cells of one id would merge one cell file twice
	mkdir -p "$W/dupid"
	cell='{"id": "0000", "name": "harness/capi/empty", "family": "harness", "threads": 1, "placement": "none", "memory": "", "label": "none"}'
	echo "{\"matrix_format\": 1, \"cells\": [$cell, $cell], \"skipped\": []}" >"$W/dupid/matrix.json"
	expect "resume of a plan that repeats a cell id" 2 "cells[1] repeats the id '0000': not a matrix plan" --resume="$W/dupid"
	expect "resume of nothing" 2 "--resume=$W/nonexistent: no such directory" --resume="$W/nonexistent"
	expect "resume with a new plan" 2 "--families: --resume takes the plan from the run directory" \
		--resume="$W/empty" --families=split
	expect "--retry-failed alone" 2 "--retry-failed goes with --resume" $O --retry-failed
	[ ! -e "$W/results" ] && ok "bad input wrote nothing" || bad "bad input wrote $W/results"
	;;

progress)
	# Not a terminal: one line per cell. --progress=tty: the redrawn status line.
	"$M" --refbench="$RB" $TINY --placements=none --out-dir="$W/r1" >"$W/lines" 2>&1
	check "lines: exit" 0 $?
	check "lines: one per cell" 3 "$(grep -Ec '^\[[0-9]/3\] ok +[0-9.]+s  harness/capi/[a-z_]+ @ none  \(elapsed [0-9hms]+, ETA [0-9hms]+\)$' "$W/lines")"
	"$M" --refbench="$RB" $TINY --placements=none --out-dir="$W/r2" --progress=tty >"$W/tty" 2>&1
	check "tty: exit" 0 $?
	esc=$(printf '\033')
	check "tty: status lines with k of n, elapsed, ETA, name" 3 \
		"$(tr '\r' '\n' <"$W/tty" | grep "^$esc\[K\[[1-3]/3\] [0-9hms]* elapsed, ETA [0-9hms]*  harness/capi/" | cut -c1-9 | sort -u | wc -l)"
	check "tty: no per-cell lines" 0 "$(grep -c '^\[[0-9]/3\] ok' "$W/tty")"
	;;

front)
	# scripts/matrix: run, the compare step (no baseline, then a baseline),
	# the plot step when gnuplot is here.
	B=$W/baselines
	export RB_BASELINES_DIR=$B REFBENCH_BIN="$RB"
	# without a compare tool in this build, say so (not the one of build/release)
	[ -n "${RB_COMPARE:-}" ] || export RB_COMPARE=/nonexistent/refbench-compare
	plot=--no-plot
	command -v gnuplot >/dev/null 2>&1 && [ -n "${REFBENCH_PLOTDATA:-}" ] && plot=""
	"$MATRIX_ROOT/scripts/matrix" $plot --benchmark_filter='^harness/capi/empty$' \
		--benchmark_min_time=0.001 --benchmark_repetitions=1 --out-dir="$W/results" >"$W/out1" 2>&1
	check "front: exit" 0 $?
	d=$(ls -d "$W"/results/*/ | head -n1)
	d=${d%/}
	key=$("$RB" --machine-key)
	grep -qxF "== Compare: no baseline for this machine yet: $B/$key/matrix-quick.json" "$W/out1" &&
		ok "front: no baseline yet, said clearly" || bad "front output: $(cat "$W/out1")"
	case $("$J" "$d/refbench.json" .context.refbench_command) in
	"scripts/matrix"*"--benchmark_filter="*) ok "front: the user's command in the context" ;;
	*) bad "front: refbench_command $("$J" "$d/refbench.json" .context.refbench_command)" ;;
	esac
	if [ -z "$plot" ]; then
		[ -s "$d/report.html" ] && ok "front: report.html" || bad "front: no report.html"
		grep -q 'refbench-matrix' "$d/report.html" && ok "front: the report shows the command" ||
			bad "front: the report lacks the command"
	fi
	mkdir -p "$B/$key"
	cp "$d/refbench.json" "$B/$key/matrix-quick.json"
	sleep 1	# a new run directory name
	"$MATRIX_ROOT/scripts/matrix" --no-plot --benchmark_filter='^harness/capi/empty$' \
		--benchmark_min_time=0.001 --benchmark_repetitions=1 --out-dir="$W/results" >"$W/out2" 2>&1
	check "front with a baseline: exit" 0 $?
	d2=$(ls -d "$W"/results/*/ | tail -n1)
	d2=${d2%/}
	if [ -x "$RB_COMPARE" ]; then
		grep -qF "== Compare with $B/$key/matrix-quick.json" "$W/out2" && ok "front: compared" ||
			bad "front: not compared: $(cat "$W/out2")"
		check "front: compare.json written" 1 "$("$J" "$d2/compare.json" '.benchmarks#')"
		# scripts/bench's comparison (--compare-cells): the key cells, how
		# many got a verdict, the comparison's basis; one line without a baseline
		printf '# key cells\nharness/capi/empty\n' >"$W/keycells"
		"$MATRIX_ROOT/scripts/matrix" --no-plot --compare-cells="$W/keycells" --resume "$d2" >"$W/out4" 2>&1
		check "front --compare-cells: exit" 0 $?
		check "front --compare-cells: the key cells said" 1 \
			"$(grep -c "^== Compare with $B/$key/matrix-quick.json: the key cells (1 in scripts/findings --cells" "$W/out4")"
		check "front --compare-cells: the verdict count" 1 \
			"$(grep -cE '^   verdicts: [01] of 1 key cells got one \([0-9]+%\)$' "$W/out4")"
		check "front --compare-cells: the comparison's basis" 1 "$(grep -c '^   comparison: ' "$W/out4")"
		check "front --compare-cells: over processes" 1 "$(grep -c '^   process level: 1 of 1 rows' "$W/out4")"
		[ -s "$d2/compare.txt" ] && ok "front --compare-cells: the full table in compare.txt" ||
			bad "front --compare-cells: no compare.txt"
		RB_BASELINES_DIR=$W/nobase "$MATRIX_ROOT/scripts/matrix" --no-plot --compare-cells="$W/keycells" \
			--resume "$d2" >"$W/out5" 2>&1
		check "front --compare-cells without a baseline: exit" 0 $?
		check "front --compare-cells without a baseline: one line" 1 \
			"$(grep -c '^== Compare: no baseline for machine key .* yet (.*): not compared' "$W/out5")"
		check "front --compare-cells without a baseline: nothing more about it" 0 \
			"$(grep -c '^   ' "$W/out5")"
	else
		grep -q '^== Compare: compare tool not available' "$W/out2" && ok "front: no compare tool, said" ||
			bad "front: $(cat "$W/out2")"
	fi
	# an interrupted front run: the runner's status, no compare or plot
	"$MATRIX_ROOT/scripts/matrix" --preset=bogus >"$W/out3" 2>&1
	check "front: bad input exit" 2 $?
	;;
slurmtask)
	# The entry a Slurm array task runs (--slurm-task), without Slurm: the
	# task's cells from slurm/submit-N.tasks, a placement outside the task's
	# CPU set recorded as not available, and cells of another build refused
	# at merge. (tests/slurm runs the real thing on a Slurm cluster.)
	cp "$FAKE" "$W/rb"
	chmod +x "$W/rb"
	"$M" --refbench="$W/rb" --preset=full --placements=none,compact \
		--benchmark_filter='^split/null/grab/order:9/rate:0/refs:1/real_time/threads:2$' \
		--benchmark_min_time=0.001 --benchmark_repetitions=1 --run-dir="$W/run" >"$W/out" 2>&1
	check "the run: exit" 0 $?
	d=$W/run
	check "two cells: none, compact" "none compact" "$("$J" "$d/matrix.json" '.cells[].label' | tr '\n' ' ' | sed 's/ $//')"
	check "the cell records this build's SHA-256" "$(sha256sum "$W/rb" | cut -d' ' -f1)" \
		"$("$J" "$d/cells/0000.json" .matrix_cell.refbench_sha256)"
	check "the cell records the machine key" "$("$RB" --machine-key)" "$("$J" "$d/cells/0000.json" .matrix_cell.machine_key)"
	# reuse the plan: the cells again, as one array task of submission 0
	rm -f "$d"/cells/*.json "$d/refbench.json"
	mkdir -p "$d/slurm"
	echo "0000,0001" >"$d/slurm/submit-0.tasks"
	SLURM_ARRAY_TASK_ID=7 "$M" --slurm-task="$d" >"$W/t0" 2>&1
	check "a task id beyond the tasks file: exit" 2 $?
	if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
		SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_JOB_ID=41 taskset -c 0 "$M" --slurm-task="$d" --submission=0 >"$W/t1" 2>&1
		check "a task confined to PU 0: exit" 0 $?
		check "unbound cell ok" ok "$("$J" "$d/cells/0000.json" .matrix_cell.status)"
		check "compact (PUs 0,1) not available in the task's CPU set" \
			"skipped 3 refbench: placement compact is not available in this Slurm allocation: it needs PUs 0,1, the task may use PUs 0 only" \
			"$("$J" "$d/cells/0001.json" .matrix_cell.status .matrix_cell.exit_status .matrix_cell.reason | tr '\n' ' ' | sed 's/ $//')"
		check "the cell names its Slurm task" 41_0 "$("$J" "$d/cells/0000.json" .matrix_cell.slurm_task)"
		check "the task's exit file" "0 0" "$(cat "$d/slurm/submit-0.task-0.exit")"
		# a finished cell is never rewritten: run the task again
		sum=$(sha256sum "$d"/cells/*.json)
		SLURM_ARRAY_TASK_ID=0 "$M" --slurm-task="$d" >"$W/t2" 2>&1
		check "the task again: exit" 0 $?
		check "the task again: no cell rewritten" "$sum" "$(sha256sum "$d"/cells/*.json)"
		rm -f "$d"/cells/*.json
	else
		echo "skip the CPU-set check: needs 2 PUs and taskset"
	fi
	# a cgroup cpuset (Slurm's task/cgroup): hwloc in the task sees 1 PU
	cg=/sys/fs/cgroup/cpuset
	if [ "$(nproc)" -ge 2 ] && [ -w "$cg" ] && mkdir "$cg/refbench-test-$$" 2>/dev/null; then
		echo 0 >"$cg/refbench-test-$$/cpuset.cpus"
		cat "$cg/cpuset.mems" >"$cg/refbench-test-$$/cpuset.mems"
		SLURM_ARRAY_TASK_ID=0 sh -c 'echo $$ >"$1/tasks" && exec "$2" --slurm-task="$3"' sh \
			"$cg/refbench-test-$$" "$M" "$d" >"$W/t4" 2>&1
		check "a task in a 1-PU cpuset: exit" 0 $?
		rmdir "$cg/refbench-test-$$"
		check "compact (2 threads) not available on the cpuset's 1 PU" \
			"skipped refbench: placement compact is not available in this Slurm allocation: it has 1 PU here (PUs 0, the task's cpuset), this cell has 2 threads" \
			"$("$J" "$d/cells/0001.json" .matrix_cell.status .matrix_cell.reason | tr '\n' ' ' | sed 's/ $//')"
		rm -f "$d"/cells/*.json
	else
		echo "skip the cgroup cpuset check: needs 2 PUs and a writable cgroup v1 cpuset hierarchy"
	fi
	# another build at the plan's path (same version, another binary): refused at merge
	echo "# rebuilt" >>"$W/rb"
	SLURM_ARRAY_TASK_ID=0 "$M" --slurm-task="$d" >"$W/t3" 2>&1
	check "a task of another build: exit" 0 $?
	"$M" --resume="$d" >"$W/r" 2>"$W/rerr"
	check "--resume with another binary: exit" 2 $?
	grep -q "is not the binary the run was planned with" "$W/rerr" && ok "--resume with another binary: said" ||
		bad "--resume with another binary: $(cat "$W/rerr")"
	"$M" --merge-runs="$W/merged" "$d" >"$W/m" 2>"$W/merr"
	check "merge with refused cells: exit" 0 $?
	f=$W/merged/$(ls "$W/merged" | grep '^refbench\..*\.json$' | head -n1)
	check "both cells refused" "refused refused" "$("$J" "$f" '.matrix.cells[].status' | tr '\n' ' ' | sed 's/ $//')"
	case $("$J" "$f" '.matrix.cells[0].reason') in
	"refused at merge: it ran a refbench binary with SHA-256 "*", the plan's is "*) ok "the reason names both hashes" ;;
	*) bad "refusal reason: $("$J" "$f" '.matrix.cells[0].reason')" ;;
	esac
	check "no measured row from another build" 0 "$("$J" "$f" '.benchmarks[].error_occurred' | grep -vc true)"
	check "one stderr line per refused cell" 2 "$(grep -c 'refused at merge' "$W/merr")"
	;;

slurmbad)
	expect() {	# expect DESC RC MESSAGE ARGS...: exit RC, exactly one stderr line MESSAGE
		desc=$1 want=$2 msg=$3; shift 3
		"$M" "$@" >"$W/out" 2>"$W/err"
		rc=$?
		if [ $rc -ne "$want" ]; then bad "$desc: exit $rc, want $want ($(cat "$W/err"))"; return; fi
		if [ "$(wc -l <"$W/err")" -ne 1 ]; then bad "$desc: not one line: $(cat "$W/err")"; return; fi
		case $(cat "$W/err") in *"$msg"*) ok "$desc" ;; *) bad "$desc: '$(cat "$W/err")' lacks '$msg'" ;; esac
	}
	O="--refbench=$RB --out-dir=$W/results --benchmark_filter=^harness/capi/empty$"
	mkdir -p "$W/emptybin"
	PATH=$W/emptybin "$M" $O --scheduler=slurm >"$W/out" 2>"$W/err"
	check "no sbatch on PATH: exit" 2 $?
	check "no sbatch on PATH: one line" \
		"refbench-matrix: --scheduler=slurm: no sbatch on PATH (run on a Slurm login node, or install Slurm's client commands)" \
		"$(cat "$W/err")"
	expect "an unknown scheduler" 2 "--scheduler=pbs: want local or slurm" $O --scheduler=pbs
	expect "--partition without slurm" 2 "--partition: Slurm options go with --scheduler=slurm" $O --partition=debug
	expect "a bad --cells-per-task" 2 "--cells-per-task=0: want a positive integer" $O --scheduler=slurm --cells-per-task=0
	expect "--slurm-task outside Slurm" 2 "--slurm-task runs inside a Slurm array task" --slurm-task="$W"
	expect "--merge-runs of nothing" 2 "give the run directories to merge" --merge-runs="$W/m"
	[ ! -e "$W/results" ] && ok "bad input wrote nothing" || bad "bad input wrote $W/results"
	;;

machines)
	# Two stored runs of different machine keys (data/runs; run-b is
	# synthetic, see data/runs/README): one result per key, side by side.
	A=$MATRIX_SRC/data/runs/run-a B=$MATRIX_SRC/data/runs/run-b
	ka=$("$J" "$A/cells/0000.json" .matrix_cell.machine_key)
	kb=$("$J" "$B/cells/0000.json" .matrix_cell.machine_key)
	"$M" --merge-runs="$W/m" "$A" "$B" >"$W/out" 2>"$W/err"
	check "merge two runs: exit" 0 $?
	check "one result per machine key" "machines.json refbench.$ka.json refbench.$kb.json" \
		"$(ls "$W/m" | sort | tr '\n' ' ' | sed 's/ $//')"
	check "the index names both" "refbench.$ka.json refbench.$kb.json" \
		"$("$J" "$W/m/machines.json" ".machines.$ka.file" ".machines.$kb.file" | tr '\n' ' ' | sed 's/ $//')"
	check "each result has its machine key" "$ka $kb" \
		"$("$J" "$W/m/refbench.$ka.json" .context.machine_key) $("$J" "$W/m/refbench.$kb.json" .context.machine_key)"
	check "each result has its 4 cells" "4 4" \
		"$("$J" "$W/m/refbench.$ka.json" .matrix.counts.ok) $("$J" "$W/m/refbench.$kb.json" .matrix.counts.ok)"
	ta=$("$J" "$W/m/refbench.$ka.json" '.benchmarks[0].real_time')
	tb=$("$J" "$W/m/refbench.$kb.json" '.benchmarks[0].real_time')
	check "machine b's row is its own (x1.5 of a's, as stored)" 1.500 "$(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.3f", b / a }')"
	"$M" --merge-runs="$W/m2" "$A" "$A" >"$W/out2" 2>"$W/err2"
	check "the same key twice: exit" 2 $?
	grep -q "machine key $ka is in .* and in " "$W/err2" && ok "the same key twice: said" || bad "$(cat "$W/err2")"
	# one run whose cells ran on two machines (a Slurm partition of mixed nodes)
	cp -r "$A" "$W/mixed"
	sed -i "s/$ka/$kb/g" "$W/mixed/cells/0003.json"
	"$M" --merge-runs="$W/m3" "$W/mixed" >"$W/out3" 2>&1
	check "one run, two machines: exit" 0 $?
	check "one run, two machines: 3 + 1 cells" "3 1 1" \
		"$("$J" "$W/m3/refbench.$ka.json" .matrix.counts.ok) $("$J" "$W/m3/refbench.$ka.json" .matrix.counts.other_machines) $("$J" "$W/m3/refbench.$kb.json" .matrix.counts.ok)"
	# runs of two commits are not one comparison
	cp -r "$B" "$W/other-commit"
	sed -i 's/(commit [0-9a-f]*/(commit 0123456789abcdef/' "$W/other-commit/matrix.json"
	"$M" --merge-runs="$W/m4" "$A" "$W/other-commit" >"$W/out4" 2>"$W/err4"
	check "two commits: exit" 2 $?
	grep -q "ran commit 0123456789abcdef" "$W/err4" && ok "two commits: said" || bad "$(cat "$W/err4")"
	# the report: machines side by side (needs gnuplot and refbench-plotdata)
	if command -v gnuplot >/dev/null 2>&1 && [ -n "${REFBENCH_PLOTDATA:-}" ]; then
		"$MATRIX_ROOT/scripts/plot" "$W/m" >"$W/plot" 2>&1
		check "report: exit" 0 $?
		h=$W/m/report.html
		for k in "$ka" "$kb"; do
			[ -s "$W/m/machines/$k/report.html" ] && ok "report: $k's own report" || bad "report: no report for $k"
			grep -q "href=\"machines/$k/report.html\"" "$h" && ok "report: links $k's report" || bad "report: no link to $k"
		done
		for sect in 'id="machines"' 'id="side-by-side"' 'id="heatmaps"' '2 pkg, 2 NUMA, 8 cores, 16 PUs, SMT on'; do
			grep -qF "$sect" "$h" && ok "report: $sect" || bad "report lacks $sect"
		done
		check "report: the ratio column says 1.50 for b's unbound rows" 3 "$(grep -c '<td class="n">1.50</td>' "$h")"
	else
		echo "skip the report check: needs gnuplot and refbench-plotdata"
	fi
	;;

*)
	echo "unknown test $t"; exit 2 ;;
esac
exit $fail
