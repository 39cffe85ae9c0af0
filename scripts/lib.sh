# Shared by scripts/bench and scripts/test: set-up and the Release build.
# Sourced, not run.

RB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RB_JOBS=$(nproc 2>/dev/null || echo 2)

# rb_setup: install missing Debian packages (root) or say exactly what to run.
rb_setup() {
  "$RB_ROOT/scripts/setup.sh"
}

# rb_build PRESET [cmake -D options...]: configure (quietly) and build a preset.
rb_build() {
  local preset=$1; shift
  local log
  log=$(mktemp)
  if ! (cd "$RB_ROOT" && cmake --preset "$preset" "$@" >"$log" 2>&1); then
    cat "$log" >&2; rm -f "$log"
    echo "refbench: configuring the $preset build failed (see above)" >&2
    return 1
  fi
  rm -f "$log"
  (cd "$RB_ROOT" && cmake --build --preset "$preset" -j "$RB_JOBS" -- --no-print-directory) |
    grep -v -E '^\[ *[0-9]+%\]|^Consolidate compiler|^-- ' || true
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "refbench: the $preset build failed" >&2; return 1; }
}
