#!/bin/sh
# ctest numa_guest_<shape>: boot one NUMA guest shape (scripts/numa-guests
# boot) and assert on the JSON lines it sent back through the serial console:
#  - the guest is the shape asked for, with NUMA balancing off;
#  - refbench --list-placements in the guest is exactly shapes/<shape>.plan
#    (written by hand from the qemu command line), and numacheck plan found
#    every pair class and memory node in it true per sysfs and hwloc;
#  - numacheck self: binding and mbind work in the guest as observed;
#  - every run of the shape (SHAPE_RUNS) came back with the expected verdict:
#    pass runs passed every check (threads on their PUs, model memory on the
#    claimed node); reject runs (libnumaskew.so broke binding or mbind behind
#    refbench's back) were rejected by the check matching the breakage while
#    refbench's own claims (context, label) looked right; unavailable runs
#    exited 3;
#  - test_topo_bind passed in the guest (remote/interleave for real).
# Guest timings mean nothing (qemu TCG) and none is asserted or reported.
# Exit 77 (SKIP) when qemu, busybox or the kernel cannot be had.
# Usage: guest_test.sh SHAPE BUILD_DIR
set -u
shape=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$build/numa-guests/out
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

"$root/scripts/numa-guests" boot "$shape" "$build" "$out" >/dev/null
rc=$?
[ $rc = 77 ] && exit 77
[ $rc = 0 ] || { echo "FAIL booting $shape (exit $rc)"; tail -n 40 "$out/$shape.log" 2>/dev/null; exit 1; }
res=$out/$shape.jsonl

if ! jq -e . "$res" >/dev/null 2>&1; then
	echo "FAIL $res is not JSON lines:"; cat "$res"; exit 1
fi
sel() { jq -c "select(.what == \"$1\")" "$res"; }

# The guest and its plan
h=$(sel header)
[ "$(printf "%s\n" "$h" | jq -r .shape)" = "$shape" ] && [ "$(printf "%s\n" "$h" | jq -r .numa_balancing)" = 0 ] &&
	ok "guest $shape, kernel $(printf "%s\n" "$h" | jq -r .kernel), NUMA balancing off" ||
	bad "header: $h"
[ -n "$(sel end)" ] || bad "the guest did not finish (no end line)"

grep -v '^#' "$here/shapes/$shape.plan" >"$out/$shape.plan.want"
sel plan | jq -r '.lines[]' >"$out/$shape.plan.got"
if diff -u "$out/$shape.plan.want" "$out/$shape.plan.got" >"$out/$shape.plan.diff"; then
	ok "--list-placements is shapes/$shape.plan"
else
	bad "--list-placements differs from shapes/$shape.plan:"; cat "$out/$shape.plan.diff"
fi
p=$(sel plan)
[ "$(printf "%s\n" "$p" | jq -r .verdict)" = pass ] &&
	ok "plan true per sysfs and hwloc: $(printf "%s\n" "$p" | jq -r '[.checks[] | select(.detail | test("^PUs")) | "\(.name) \(.detail | split(":")[0] | ltrimstr("PUs "))"] | join(", ")')" ||
	bad "numacheck plan: $(printf "%s\n" "$p" | jq -c '[.checks[] | select(.ok | not)]')"
s=$(sel self)
[ "$(printf "%s\n" "$s" | jq -r .verdict)" = pass ] && ok "self: binding and mbind observed working on every node" ||
	bad "numacheck self: $(printf "%s\n" "$s" | jq -c '[.checks[] | select(.ok | not)]')"

# The runs, in the order of SHAPE_RUNS
runs=$(. "$here/shapes/$shape.shape"; echo "$SHAPE_RUNS" | grep -v -e '^ *$' -e '^ *#')
want_n=$(echo "$runs" | wc -l)
got_n=$(sel run | wc -l)
[ "$got_n" = "$want_n" ] || bad "$got_n runs came back, $want_n expected"
rm -f "$out/$shape.failed"
i=0
echo "$runs" | while read -r placement memory threads expect skew; do
	r=$(jq -c "select(.what == \"run\")" "$res" | sed -n "$((i + 1))p")
	i=$((i + 1))
	name="$placement/$memory${skew:+ (skew $skew)}"
	[ -n "$r" ] || { echo "FAIL $name: no result"; echo x >>"$out/$shape.failed"; continue; }
	v=$(printf "%s\n" "$r" | jq -r .verdict)
	got=$(printf "%s\n" "$r" | jq -r '"\(.placement)/\(.memory)"')
	failed=$(printf "%s\n" "$r" | jq -r '[.checks[]? | select(.ok | not) | .name] | join(" ")')
	passed() { printf "%s\n" "$r" | jq -e --arg c "$1" '[.checks[] | select(.name == $c and .ok)] | length > 0' >/dev/null; }
	detail() { printf "%s\n" "$r" | jq -r --arg c "$1" '.checks[] | select(.name == $c) | .detail'; }
	if [ "$got" != "$placement/$memory" ]; then
		echo "FAIL $name: result is for $got"; echo x >>"$out/$shape.failed"; continue
	fi
	case $expect in
	pass)
		if [ "$v" = pass ]; then
			echo "ok   $name: threads $(printf "%s\n" "$r" | jq -r '[.observed.bound_tasks[] | "\(if .main then "0" else "w" end)@\(.allowed)"] | join(" ")') (PUs $(printf "%s\n" "$r" | jq -r .claimed.pus)); $(detail memory)"
		else
			echo "FAIL $name: $v, failed checks: $failed"
			printf "%s\n" "$r" | jq -c '[.checks[] | select(.ok | not)]'
			echo x >>"$out/$shape.failed"
		fi ;;
	reject)
		case $skew in cpu|nocpu) must=threads ;; *) must=memory ;; esac
		if [ "$v" = fail ] && ! passed "$must" && passed context && passed label &&
			{ [ "$skew" != mem ] || passed threads; } && { [ "$skew" != cpu ] || passed memory; }; then
			echo "ok   $name: rejected as it must be, by '$must': $(detail "$must")"
		else
			echo "FAIL $name: verdict $v, failed checks '$failed'; want '$must' failed, context and label passed"
			printf "%s\n" "$r" | jq -c .checks
			echo x >>"$out/$shape.failed"
		fi ;;
	unavailable)
		if [ "$v" = unavailable ] && [ "$(printf "%s\n" "$r" | jq -r .refbench_exit)" = 3 ]; then
			echo "ok   $name: refused with exit 3: $(printf "%s\n" "$r" | jq -r .refbench_stderr | head -n 1)"
		else
			echo "FAIL $name: verdict $v, want unavailable (exit 3)"; echo x >>"$out/$shape.failed"
		fi ;;
	esac
done
[ -s "$out/$shape.failed" ] && { fail=1; rm -f "$out/$shape.failed"; }

t=$(sel test_topo_bind)
if [ -n "$t" ]; then
	[ "$(printf "%s\n" "$t" | jq -r .exit)" = 0 ] && ok "test_topo_bind in the guest: $(printf "%s\n" "$t" | jq -r .last)" ||
		bad "test_topo_bind in the guest: $t"
fi
echo "note: the guest is emulated (qemu TCG); its timings mean nothing and none is asserted or reported"
exit $fail
