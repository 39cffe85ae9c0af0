#!/usr/bin/env bash
# refbench set-up: install the Debian 12 packages refbench needs, if any are missing.
#
#   As root:      installs what is missing with apt-get (quietly, non-interactively).
#   As a user:    prints the exact apt-get line to run, and exits 1.
#   Nothing missing: prints nothing, exits 0 (idempotent).
#
# Usage: scripts/setup.sh [--check]   (--check: only report, never install)
set -euo pipefail

# One package per line, with why. Keep CMakeLists.txt's "install <pkg>" hints in step.
PACKAGES=(
  build-essential   # gcc, g++, make (C11 models, the one C++ file of the C API)
  cmake             # build
  pkg-config        # finds hwloc, jansson
  git               # the commit recorded in every result's context
  libbenchmark-dev  # Google Benchmark 1.7.1, under the C API in bench/
  libhwloc-dev      # placements (topology, binding, membind)
  hwloc             # lstopo, hwloc-calc: users' view of the same topology
  libjansson-dev    # JSON: compare tool, result merging, the C API test
  jq                # JSON in the scripts (harness ratio)
  libpfm4-dev       # raw PMU event names for perf_event_open
  linux-perf        # perf stat / record / c2c helpers
  gnuplot-nox       # plots (PNG via pngcairo, SVG)
  valgrind          # deterministic instruction-count mode (callgrind)
  chromium          # the report test loads the HTML report in headless Chromium
  clang             # the fuzz stage (scripts/fuzz): libFuzzer + ASan + UBSan builds
  libclang-rt-14-dev  # libFuzzer's runtime for Debian 12's clang 14 (not pulled in without recommends)
  relacy-dev        # Relacy: C++11 relaxed-memory checker for the litmus programs (tests/litmus)
)

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

missing=()
for p in "${PACKAGES[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = "installed" ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$check_only" = 1 ] || [ "$(id -u)" != 0 ]; then
  echo "refbench: missing Debian packages; run as root:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi

echo "refbench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "refbench: apt-get failed (see above); the command was: apt-get update && $line" >&2
  exit 1
fi
rm -f "$log"
