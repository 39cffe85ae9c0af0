#!/bin/sh
# --machine-key, --fingerprint and the machine_* context keys (ctest fingerprint_cli):
# the key printed for an XML topology is the pinned one, the key of this
# machine is the one every result's context records, and the context has
# every fingerprint key.
# Usage: cli.sh REFBENCH DATA_DIR WORK_DIR
set -u
rb=$1 data=$2 work=$3
fail=0
mkdir -p "$work"
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

key=$("$rb" --topology="$data/32em64t-2n8c2t-pci-noio.xml" --machine-key)
[ "$key" = intel-xeon-e5-2650-0-2p2n2l3-16c32t-a19b67dc ] && ok "--machine-key of an XML topology" ||
	bad "--machine-key of an XML topology: '$key'"
key=$("$rb" --machine-key) && [ -n "$key" ] && ok "--machine-key: $key" || bad "--machine-key"
# hwloc without its x86 backend (what happens when that backend cannot bind
# to every PU, about one process in 500 on this VM) reads /proc/cpuinfo's
# model name: the key must not change with it (fingerprint.c, cpuid_strings)
k2=$(HWLOC_COMPONENTS=-x86 "$rb" --machine-key)
[ "$k2" = "$key" ] && ok "--machine-key without hwloc's x86 backend: the same key" ||
	bad "--machine-key without hwloc's x86 backend: '$k2', with it '$key'"
"$rb" --fingerprint > "$work/fp" && grep -q "^machine_key=$key\$" "$work/fp" &&
	ok "--fingerprint has the same key" || bad "--fingerprint: $(cat "$work/fp")"
json="$work/run.json"
"$rb" --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.01 \
	--benchmark_out="$json" --benchmark_out_format=json > /dev/null 2>&1 || bad "run"
grep -q "\"machine_key\": \"$key\"" "$json" && ok "the run records the key" || bad "machine_key in $json"
for k in machine_cpu_model machine_cpu_vendor machine_packages machine_numa_nodes \
	machine_l3_caches machine_cores machine_pus machine_smt machine_kernel_release \
	machine_governor machine_boost machine_perf_event_paranoid compiler compiler_flags \
	git_commit git_dirty; do
	grep -q "\"$k\": \"" "$json" || bad "context key $k missing"
done
[ $fail -eq 0 ] && ok "every fingerprint key is in the context"
exit $fail
