#!/bin/sh
# refbench's placement flags end to end (ctest topo_cli):
#  - --list-placements on each shared XML topology prints the plan written
#    by hand in data/<file>.plan (checked against lstopo, see test_plan.c);
#  - an unknown placement or memory name exits 2 with the valid names;
#  - each placement this machine cannot give (from its own plan) exits 3
#    with the planner's reason, having run nothing;
#  - --topology with a benchmark run, or --memory without --placement, exit 2;
#  - a feasible placement runs, and its JSON has the placement context and label.
# Usage: cli.sh REFBENCH DATA_DIR WORK_DIR
set -u
rb=$1 data=$2 work=$3
fail=0
mkdir -p "$work"
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
expect_rc() {	# expect_rc DESC RC MESSAGE-SUBSTRING CMD...
	desc=$1 want=$2 msg=$3; shift 3
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -ne "$want" ]; then bad "$desc: exit $rc, want $want ($out)"; return; fi
	case $out in *"$msg"*) ok "$desc" ;; *) bad "$desc: message '$out' lacks '$msg'" ;; esac
}

for xml in "$data"/*.xml; do
	name=$(basename "$xml" .xml)
	grep -v '^#' "$data/$name.plan" > "$work/$name.want"
	if "$rb" --topology="$xml" --list-placements | grep -v '^#' | diff -u "$work/$name.want" - ; then
		ok "--list-placements on $name"
	else
		bad "--list-placements on $name"
	fi
done

expect_rc "unknown placement" 2 "unknown placement 'bogus' (valid: none, compact, scatter, smt, l2, l3, package, cross-package, cross-numa)" \
	"$rb" --placement=bogus
expect_rc "unknown memory placement" 2 "unknown memory placement 'far' (valid: local, remote, interleave)" \
	"$rb" --placement=compact --memory=far
expect_rc "--memory needs --placement" 2 "needs a CPU placement" "$rb" --memory=local
expect_rc "unreadable topology" 2 "neither a readable XML file" "$rb" --topology=/nonexistent.xml --list-placements
expect_rc "--topology is for planning" 2 "for planning only" \
	"$rb" --topology="$data/16em64t-4s2c2t.xml" --placement=smt

"$rb" --list-placements > "$work/plan" || bad "--list-placements on this machine"
n=0
for p in $(awk '$1 == "cpu" && $3 == "unavailable:" { print $2 }' "$work/plan"); do
	reason=$(awk -v p="$p" '$1 == "cpu" && $2 == p { sub(/.*unavailable: /, ""); print }' "$work/plan")
	expect_rc "unavailable placement $p" 3 "placement '$p' is not available on this machine: $reason; nothing ran" \
		"$rb" --placement="$p" --benchmark_filter=calib
	n=$((n + 1))
done
for m in $(awk '$1 == "mem" && $3 == "unavailable:" { print $2 }' "$work/plan"); do
	expect_rc "unavailable memory $m" 3 "memory placement '$m' is not available on this machine" \
		"$rb" --placement=compact --memory="$m"
	n=$((n + 1))
done
echo "     ($n placements unavailable on this machine)"

json="$work/compact.json"
if "$rb" --placement=compact --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.01 \
	--benchmark_out="$json" --benchmark_out_format=json > "$work/compact.out" 2>&1; then
	pus=$(awk '$1 == "cpu" && $2 == "compact" { print $4 }' "$work/plan")
	pu0=${pus%%,*}
	grep -q '"placement": "compact"' "$json" && grep -q "\"placement_pus\": \"$pus\"" "$json" &&
		grep -q '"placement_memory": "local"' "$json" &&
		grep -q "\"label\": \"compact PUs $pu0 mem local P#" "$json" &&
		grep -q '"machine_key": "' "$json" && ok "compact run records its placement" ||
		bad "compact run records its placement (see $json)"
else
	bad "compact run: $(cat "$work/compact.out")"
fi
exit $fail
