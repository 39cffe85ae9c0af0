#!/bin/sh
# numacheck on this machine (ctest numa_host; no qemu): the same checks the
# NUMA guests run, on whatever topology this host has, including the
# deliberately broken bindings numacheck must reject.
#  - numacheck self: binding seen by sched_getcpu() and /proc, pages where
#    mbind() put them according to move_pages();
#  - numacheck plan: refbench --list-placements agrees with sysfs and hwloc,
#    and a doctored plan (a PU twice in compact, local memory on a wrong
#    node) is rejected;
#  - numacheck run compact/local, 2 threads: threads on their PUs, the model
#    memory on thread 0's node;
#  - the same run with libnumaskew.so breaking the binding behind refbench's
#    back (cpu: the wrong CPU; nomem: no mbind at all) must be rejected, by
#    the check that matches the breakage, while refbench's own claims
#    (context, label) still pass: they cannot tell.
# Exit 77 (SKIP) on a machine with one CPU (no two-thread placement).
# Usage: host_test.sh REFBENCH NUMACHECK WORK_DIR
set -u
rb=$1 nc=$2 work=$3
fail=0
mkdir -p "$work"
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
verdict() { jq -r .verdict "$1" 2>/dev/null; }
# failed_checks FILE: the names of the checks that failed, space-separated
failed_checks() { jq -r '[.checks[] | select(.ok | not) | .name] | unique | join(" ")' "$1" 2>/dev/null; }

if [ "$(nproc)" -lt 2 ]; then
	echo "SKIP: one CPU, no two-thread placement to check"
	exit 77
fi

"$nc" self >"$work/self.json" 2>"$work/self.err"
[ "$(verdict "$work/self.json")" = pass ] && ok "self: $(jq -r '[.checks[].detail] | join("; ")' "$work/self.json")" ||
	{ bad "self"; cat "$work/self.json" "$work/self.err"; }

"$rb" --list-placements >"$work/plan.txt"
"$nc" plan "$work/plan.txt" >"$work/plan.json" 2>"$work/plan.err"
[ "$(verdict "$work/plan.json")" = pass ] && ok "plan agrees with sysfs and hwloc" ||
	{ bad "plan"; cat "$work/plan.json" "$work/plan.err"; }

# A doctored plan must be rejected: compact with a PU twice, local memory on a node that is not thread 0's.
sed -e 's/^\(cpu  *compact  *PUs \)\([0-9]*\)[0-9,]*/\1\2,\2/' -e 's/^\(mem  *local  *node P#\)[0-9]*/\163/' \
	"$work/plan.txt" >"$work/plan-bad.txt"
"$nc" plan "$work/plan-bad.txt" >"$work/plan-bad.json" 2>"$work/plan-bad.err"
f=$(failed_checks "$work/plan-bad.json")
[ "$(verdict "$work/plan-bad.json")" = fail ] && [ "$f" = "compact mem local" ] &&
	ok "a doctored plan is rejected by: $f" ||
	{ bad "doctored plan: verdict $(verdict "$work/plan-bad.json"), failed '$f', want 'compact mem local'"; cat "$work/plan-bad.txt"; }

bench='^split/xadd/grab/order:9/rate:0/refs:1/real_time/threads:2$'
run() {	# run NAME EXPECT-VERDICT EXPECT-FAILED-CHECK [numacheck run args]
	name=$1 want=$2 check=$3; shift 3
	"$nc" run --refbench="$rb" --placement=compact --memory=local --threads=2 --filter="$bench" \
		--min-time=0.2 --plan="$work/plan.txt" "$@" >"$work/$name.json" 2>"$work/$name.err"
	got=$(verdict "$work/$name.json")
	failed=$(failed_checks "$work/$name.json")
	if [ "$got" != "$want" ]; then
		bad "$name: verdict '$got', want '$want' (failed: $failed)"
		cat "$work/$name.json" "$work/$name.err"
		return
	fi
	if [ "$want" = fail ] && [ "$failed" != "$check" ]; then
		bad "$name: failed checks '$failed', want exactly '$check'"
		cat "$work/$name.json"
		return
	fi
	ok "$name: $got$( [ -n "$failed" ] && echo " (rejected by: $failed: $(jq -r --arg c "$check" '.checks[] | select(.name == $c) | .detail' "$work/$name.json"))")"
}
run compact-local pass ""
run skew-cpu fail threads --skew=cpu --expect=reject
run skew-nomem fail memory --skew=nomem --expect=reject
exit $fail
