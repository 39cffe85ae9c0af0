#!/bin/sh
# /init of the NUMA guests (scripts/numa-guests builds the initramfs; busybox
# sh). Runs, for the shape named by rbshape= on the kernel command line:
#   numacheck sysfs, refbench --list-placements + numacheck plan,
#   numacheck self, the shape's runs (numacheck run: refbench under watch),
#   and test_topo_bind when the initramfs has it;
# and prints one JSON object per line between the markers below on the
# serial console, for the host (tests/numa/guest_test.sh) to assert on.
# Times measured in this emulated guest mean nothing: none is printed.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
echo 1 > /proc/sys/kernel/printk 2>/dev/null
[ -w /proc/sys/kernel/numa_balancing ] && echo 0 > /proc/sys/kernel/numa_balancing

shape=
min_time=0.1
for w in $(cat /proc/cmdline); do
	case $w in
	rbshape=*) shape=${w#rbshape=} ;;
	rbmintime=*) min_time=${w#rbmintime=} ;;
	esac
done

BENCH='^split/xadd/grab/order:9/rate:0/refs:1/real_time/threads:%d$'

begin() { echo "@@NUMA-RESULT-BEGIN@@"; }
end() { echo "@@NUMA-RESULT-END@@"; }

# guest_run PLACEMENT MEMORY THREADS EXPECT [SKEW]: one checked refbench run.
#
# MATRIX RUNNER: this is the one place to switch to scripts/matrix (issue 9)
# once it is committed and its preset can be restricted to these placements;
# numacheck's --refbench would then wrap the runner's refbench invocation.
# Until then refbench runs directly with a one-benchmark filter.
guest_run() {
	filter=$(printf "$BENCH" "$3")
	skew=
	[ -n "$5" ] && skew="--skew=$5"
	out=$(numacheck run --refbench=/bin/refbench --placement="$1" --memory="$2" --threads="$3" \
		--filter="$filter" --min-time="$min_time" --plan=/tmp/plan.txt --expect="$4" \
		--shim=/lib/libnumaskew.so $skew 2>>/tmp/stderr.log)
	rc=$?
	# numacheck prints one JSON line whatever the verdict; say so if it did not.
	[ -n "$out" ] && printf "%s\n" "$out" ||
		echo "{\"what\":\"run\",\"placement\":\"$1\",\"memory\":\"$2\",\"expect\":\"$4\",\"verdict\":\"no output\",\"exit\":$rc}"
}

{
begin
if [ -z "$shape" ] || [ ! -f "/shapes/$shape.shape" ]; then
	echo "{\"what\":\"header\",\"error\":\"no such shape '$shape'\"}"
	end
	poweroff -f
fi
. "/shapes/$shape.shape"
echo "{\"what\":\"header\",\"shape\":\"$shape\",\"kernel\":\"$(uname -r)\",\"numa_balancing\":\"$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)\",\"clocksource\":\"$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)\",\"timing\":\"emulated guest (qemu TCG): times mean nothing and none is reported\"}"
numacheck sysfs
refbench --list-placements > /tmp/plan.txt 2>>/tmp/stderr.log
numacheck plan /tmp/plan.txt 2>>/tmp/stderr.log
numacheck self 2>>/tmp/stderr.log
echo "$SHAPE_RUNS" | while read -r placement memory threads expect skew; do
	case $placement in ''|'#'*) continue ;; esac
	guest_run "$placement" "$memory" "$threads" "$expect" "$skew"
done
if [ -x /bin/test_topo_bind ]; then
	out=$(timeout 90 test_topo_bind 2>&1); rc=$?
	last=$(echo "$out" | tail -n 1 | tr -d '"\\')
	echo "{\"what\":\"test_topo_bind\",\"exit\":$rc,\"last\":\"$last\"}"
	[ $rc = 0 ] || echo "$out" >> /tmp/stderr.log
fi
echo "{\"what\":\"end\",\"clocksource\":\"$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)\"}"
end
} 2>>/tmp/stderr.log
echo "--- guest stderr"
cat /tmp/stderr.log
poweroff -f
