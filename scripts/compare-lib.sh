# Shared by scripts/record-baseline, gate, instr-count, compare-commits and
# error-rates: finding the binaries, the machine key, the suites. Sourced.

RB_ROOT=${RB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
RB_BASELINES=${RB_BASELINES_DIR:-$RB_ROOT/baselines}

rbc_die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# rbc_tools BUILD_DIR: sets RB_BIN (refbench) and RB_COMPARE (refbench-compare).
# $RB_COMPARE / $RB_BIN from the environment win.
rbc_tools() {
  local build=$1
  RB_BIN=${RB_BIN:-$build/bench/refbench}
  RB_COMPARE=${RB_COMPARE:-$build/src/compare/refbench-compare}
  [ -x "$RB_COMPARE" ] || rbc_die "no refbench-compare at $RB_COMPARE (build $build first, or set RB_COMPARE)"
}
rbc_need_refbench() {
  [ -x "$RB_BIN" ] || rbc_die "no refbench at $RB_BIN (build it first, or set RB_BIN)"
}

# rbc_machine_key: sets RB_KEY to this machine's key and RB_KEY_SOURCE to
# where it came from: `refbench --machine-key` (the placements/counters issue)
# when the binary has it, else a fallback from the CPU model and count.
rbc_machine_key() {
  local k
  if [ -n "${RB_MACHINE_KEY:-}" ]; then
    RB_KEY=$RB_MACHINE_KEY; RB_KEY_SOURCE="RB_MACHINE_KEY"; return
  fi
  if [ -x "${RB_BIN:-}" ] && k=$("$RB_BIN" --machine-key 2>/dev/null) && [ -n "$k" ]; then
    RB_KEY=$(echo "$k" | head -n1); RB_KEY_SOURCE="refbench --machine-key"; return
  fi
  k=$(awk -F: '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
  k=$(echo "${k:-unknown-cpu}" | tr -cs 'A-Za-z0-9' '-' | sed 's/^-//; s/-$//' | tr 'A-Z' 'a-z')
  RB_KEY="fallback-$(uname -m)-$k-$(nproc)cpu"
  RB_KEY_SOURCE="fallback (this refbench has no --machine-key): CPU model and count"
}

# rbc_suite_filter SUITE: the benchmark filter of a suite. "harness": the C
# API's loops (harness/capi/*); "ci": the cells whose instruction counts are
# exactly repeatable (single thread, no concurrent splitter or writeback
# thread, no timed DMA spin), every family (docs/compare.md, "What the
# deterministic gate covers"): harness, split at split rate 0 and the bare
# primitives, pin without writeback and DMA time, grab's and devmap's cells
# at 64 MiB (their 16 GiB cells run the same instructions per page or per
# pair: what differs there is cache misses, which a count cannot see; and a
# 16 GiB memmap under callgrind takes minutes) and grab's PUD leaves one leaf
# per call; devmap at stride 1 only (stride 4097 runs the same code);
# "gate": the real cells' time suite (below); a family name: its benchmarks;
# "all": all.
rbc_suite_filter() {
  case "$1" in
    harness) echo '^harness/capi/' ;;
    ci) echo '^(harness/capi/|split/[a-z]+/grab/.*/rate:0/|split/[a-z]+/bare/|pin/[a-z_]+/pin_unpin/.*/wb:0/dma:0/|grab/[a-z_]+/[a-z0-9_]+/ppc:[0-9]+/pin:[01]/mem_mib:64/|grab/[a-z_]+/pud/ppc:512/|devmap/[a-z]+/[a-z_]+/[a-z_]+/mem_mib:64/stride:1/)' ;;
    # "gate": the real cells' wall-time suite (issue 18), one or two per
    # question each family answers: split at rate 0 (1 and 2 threads) and at
    # a racing rate (10000 splits/s), old (null) and new (xadd); grab's
    # device-dax like-for-like walk at 64 MiB (subpage and grouped, get and
    # pin) and at 16 GiB one cell, subpage get (the memory-bound walk of the
    # published gup_test run): the set-up of a 16 GiB memmap takes 3-11 s
    # per repetition here, the two grouped 16 GiB cells alone took 115 s
    # for 5 repetitions; unpin per page and batched;
    # pin with and without writeback (lock and bias); devmap normal and device
    # (private) puts, 1-based and 0-based. scripts/error-rates (helper inject)
    # builds on this name: change the list here only. Duration, measured
    # (ci/pr-compare 4ffa188 14467417, load ~4 on 2 vCPUs): the time part,
    # scripts/compare-commits --mode time --suite gate --order random, ran its
    # 10 processes (5 per side x 5 repetitions) in 4 min 43 s, ~28 s each,
    # plus 57 s for the two builds.
    gate) echo '^(split/(null|xadd)/grab/order:9/rate:(0|10000)/refs:1/real_time/threads:[12]$|grab/(subpage|grouped)/pmd_devdax_lfl/ppc:0/pin:[01]/mem_mib:64/shared:1/lookup:1/|grab/subpage/pmd_devdax_lfl/ppc:0/pin:0/mem_mib:16384/shared:1/lookup:1/|grab/unpin_(per_page|batched)/pmd_thp/ppc:512/pin:1/mem_mib:64/shared:1/lookup:0/iterations:[0-9]+/threads:1$|pin/(lock|bias)/pin_unpin/order:0/wb:(0|1000)/dma:0/real_time/threads:1$|devmap/(onebased|zerobased)/get_put/(normal|private)/mem_mib:64/stride:1/shared:1/iterations:[0-9]+/threads:1$)' ;;
    all) echo '.' ;;
    *[!A-Za-z0-9_-]*|'') rbc_die "suite '$1': want a family name, harness, ci, gate or all" ;;
    *) echo "^$1/" ;;
  esac
}

# rbc_single_thread_filter FILTER: an exact-name filter of the benchmarks
# FILTER selects that are single-threaded and go through the C API (not
# harness/native, whose loops the --instr-count hooks never see). A name's
# "/iterations:K" is optional in it: under --instr-count the fixed-work
# families (grab, devmap) register without their iterations.
rbc_single_thread_filter() {
  local names
  names=$("$RB_BIN" --benchmark_filter="$1" --benchmark_list_tests 2>/dev/null |
          grep -v -E '/threads:([2-9]|[1-9][0-9]+)$|^harness/native/' |
          sed 's/[][\.^$*+?(){}|]/\\&/g; s#/iterations:[0-9][0-9]*/#(/iterations:[0-9]+)?/#') || true
  [ -n "$names" ] || return 1
  echo "^($(echo "$names" | paste -sd '|'))\$"
}

# rbc_time_run OUT FILTER REPS MIN_TIME [refbench flags...]: one refbench
# process, its JSON in OUT (console output discarded). Bound: thread i on the
# i-th PU of placement $RB_TIME_PLACEMENT (default compact: a 1-thread cell's
# thread on the first PU, every process on the same one) unless the flags
# name a --placement. Unbound, a process stays on whichever PU it started on,
# and PUs of one VM need not be equal: on this project's 2-vCPU VM
# harness/native/empty runs 0.30 ns on PU 0 and 0.51 ns on PU 1, every time
# (pin/flag +7%), so unbound processes of one cell are bimodal and no
# comparison of a few of them resolves a few percent (docs/compare.md).
rbc_time_run() {
  local out=$1 filter=$2 reps=$3 mt=$4 pl=(); shift 4
  case " $* " in
    *" --placement="*) ;;
    *) [ "${RB_TIME_PLACEMENT:-compact}" = none ] || pl=(--placement="${RB_TIME_PLACEMENT:-compact}") ;;
  esac
  "$RB_BIN" --benchmark_filter="$filter" --benchmark_repetitions="$reps" \
    --benchmark_min_time="$mt" --benchmark_out="$out" --benchmark_out_format=json \
    "${pl[@]}" "$@" >/dev/null 2>"$out.log" ||
    { tail -n 5 "$out.log" >&2; rbc_die "refbench failed (filter '$filter')"; }
  rm -f "$out.log"
}

# rbc_baseline_path SUITE MODE: baselines/<key>/<suite>.json (time) or
# <suite>-instr.json (instruction counts). Needs RB_KEY.
rbc_baseline_path() {
  if [ "$2" = instr ]; then echo "$RB_BASELINES/$RB_KEY/$1-instr.json"
  else echo "$RB_BASELINES/$RB_KEY/$1.json"; fi
}

# The calibration cells (refbench-compare --calibration's default): loops
# whose code no refbench commit changes, measured in every time run so that
# a stored-baseline comparison can tell a host factor from a regression.
RBC_CALIBRATION='^(harness/native/|calib/)'

# rbc_with_calibration FILTER: FILTER or a calibration cell.
rbc_with_calibration() {
  echo "($1)|$RBC_CALIBRATION"
}
