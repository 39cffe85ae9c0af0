#!/usr/bin/env bash
# The injected slowdowns (src/kernel/inject.h, bench/inject_op.c):
#  1. the normal build has no site: refbench and the rb_<family> model
#     libraries name no rb_inject symbol (nm), while refbench-inject and the
#     rb_<family>_inject libraries do (so the check can fail);
#  2. every site is reached once per operation: refbench-inject's inject_ops
#     counter (hits of the selected site per iteration) is exact on
#     single-threaded cells of every family and variant;
#  3. an injected run says so in its context, and bad flags exit 2;
#  4. (valgrind) --inject-op-instructions=N adds exactly N instructions per
#     operation under callgrind (scripts/instr-count).
# No timing is asserted. Usage: test_inject.sh REFBENCH REFBENCH_INJECT BUILD_DIR SOURCE_DIR
set -uo pipefail
rb=$1 rbi=$2 build=$3 src=$4
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
command -v jq >/dev/null || { echo "jq is not installed: skipped"; exit 77; }
command -v nm >/dev/null || { echo "nm is not installed: skipped"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# ---- 1. no hook in the normal build ----
[ -z "$(nm "$rb" | grep rb_inject)" ] || bad "refbench names rb_inject symbols: $(nm "$rb" | grep rb_inject | head -3)"
nm "$rbi" | grep >/dev/null ' rb_inject_hits$' || bad "refbench-inject has no rb_inject_hits (the nm check is blind)"
for fam in kernel split grab pin devmap; do
  lib=$(find "$build/src" -name "librb_${fam}.a" | head -1)
  ilib=$(find "$build/src" -name "librb_${fam}_inject.a" | head -1)
  [ -n "$lib" ] && [ -n "$ilib" ] || { bad "librb_${fam}.a or its _inject twin not found under $build/src"; continue; }
  [ -z "$(nm "$lib" 2>/dev/null | grep rb_inject)" ] || bad "librb_${fam}.a references rb_inject"
  nm "$ilib" 2>/dev/null | grep rb_inject_hits >/dev/null || bad "librb_${fam}_inject.a has no site"
done
"$rb" --inject-site=split --benchmark_list_tests >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || bad "refbench --inject-site: exit $rc, want 2 (no such flag outside refbench-inject)"

# ---- 2. once per operation, every family and variant ----
# site|expected hits per iteration|cells (exact names)
cases=(
  "split|1|split/null/grab/order:9/rate:0/refs:1/real_time/threads:1 split/retry/grab/order:9/rate:0/refs:1/real_time/threads:1 split/xadd/grab/order:9/rate:0/refs:1/real_time/threads:1"
  "grab|32|grab/grouped/pmd_thp/ppc:0/pin:0/mem_mib:64/shared:1/lookup:0/iterations:256/threads:1 grab/grouped/pmd_thp/ppc:0/pin:1/mem_mib:64/shared:1/lookup:0/iterations:256/threads:1"
  "grab|16384|grab/subpage/pmd_thp/ppc:0/pin:0/mem_mib:64/shared:1/lookup:0/iterations:256/threads:1 grab/subpage/pmd_devdax_lfl/ppc:0/pin:0/mem_mib:64/shared:1/lookup:1/iterations:256/threads:1 grab/grouped/pmd_devdax_noncompound_groups_of_1/ppc:0/pin:0/mem_mib:64/shared:1/lookup:1/iterations:256/threads:1"
  "grab|512|grab/grouped/pte/ppc:512/pin:0/mem_mib:64/shared:1/lookup:0/iterations:8192/threads:1"
  "unpin|16384|grab/unpin_per_page/pmd_thp/ppc:0/pin:1/mem_mib:64/shared:1/lookup:0/iterations:256/threads:1"
  "unpin|32|grab/unpin_batched/pmd_thp/ppc:0/pin:1/mem_mib:64/shared:1/lookup:0/iterations:256/threads:1"
  "pin|1|pin/lock/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1 pin/flag/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1 pin/flag_fullmb/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1 pin/flag_refcount/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1 pin/bias/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1 pin/bias_noacct/pin_unpin/order:0/wb:0/dma:0/real_time/threads:1"
  "devmap|1|devmap/onebased/get_put/normal/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1 devmap/mixed/get_put/normal/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1 devmap/zerobased/get_put/normal/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1 devmap/onebased/get_put/private/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1 devmap/mixed/get_put/private/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1 devmap/zerobased/get_put/private/mem_mib:64/stride:1/shared:1/iterations:4194304/threads:1"
)
esc() { sed 's/[][\.^$*+?(){}|]/\\&/g'; }
k=0
for c in "${cases[@]}"; do
  k=$((k + 1))
  IFS='|' read -r site want cells <<<"$c"
  filter="^($(for n in $cells; do echo "$n"; done | esc | paste -sd '|'))\$"
  delay=0; [ $((k % 2)) = 0 ] && delay=3	# a delay changes no count
  if ! "$rbi" --inject-site="$site" --inject-op-delay=$delay --benchmark_filter="$filter" \
       --benchmark_min_time=0.01 --benchmark_format=json >"$tmp/$k.json" 2>"$tmp/$k.err"; then
    bad "refbench-inject --inject-site=$site failed: $(tail -n 3 "$tmp/$k.err")"; continue
  fi
  for n in $cells; do
    got=$(jq -r --arg n "$n" '[.benchmarks[] | select(.name == $n) | .inject_ops] | first // "missing"' "$tmp/$k.json")
    [ "$got" = "$want" ] || bad "$n: inject_ops $got per iteration at site $site, want $want"
  done
  ctx=$(jq -r '.context.refbench_injected_slowdown // ""' "$tmp/$k.json")
  case "$ctx" in *"site $site"*) ;; *) bad "site $site: context refbench_injected_slowdown is '$ctx'" ;; esac
done

# ---- 3. bad flags: one line, exit 2 ----
for args in "--inject-site=bogus" "--inject-op-delay=5" "--inject-op-instructions=5" \
            "--inject-site=split --inject-op-delay=-1" "--inject-site=split --inject-op-delay=x" \
            "--inject-site=split --inject-op-delay=1 --inject-op-instructions=1"; do
  # shellcheck disable=SC2086
  "$rbi" $args --benchmark_filter='^split/retry/grab/order:9/rate:0/refs:1/real_time/threads:1$' \
    --benchmark_min_time=0.001 >"$tmp/bad.out" 2>"$tmp/bad.err"; rc=$?
  [ "$rc" = 2 ] || bad "refbench-inject $args: exit $rc, want 2"
  [ "$(wc -l <"$tmp/bad.err")" = 1 ] || bad "refbench-inject $args: stderr is not one line: $(head -c 300 "$tmp/bad.err")"
done

# ---- 4. exact instructions under callgrind ----
if command -v valgrind >/dev/null && [ -x "$build/src/compare/refbench-compare" ]; then
  f='^split/retry/grab/order:9/rate:0/refs:1/real_time/threads:1$'
  ok=1
  for x in 0 10; do
    RB_BIN=$rbi RB_MACHINE_KEY=test "$src/scripts/instr-count" --build "$build" --filter "$f" -o "$tmp/i$x.json" \
      -- --inject-site=split --inject-op-instructions=$x >"$tmp/i.log" 2>&1 ||
      { bad "instr-count with --inject-op-instructions=$x failed: $(tail -n 3 "$tmp/i.log")"; ok=0; }
  done
  if [ $ok = 1 ]; then
    d=$(jq -n --slurpfile a "$tmp/i0.json" --slurpfile b "$tmp/i10.json" \
      '($b[0].benchmarks[0].instructions_per_iteration - $a[0].benchmarks[0].instructions_per_iteration)')
    [ "$d" = 10 ] || bad "--inject-op-instructions=10: +$d instructions per iteration under callgrind, want +10"
  fi
else
  echo "valgrind or refbench-compare missing: the callgrind check skipped"
fi
[ $fail = 0 ] && echo "test_inject: all checks passed"
exit $fail
