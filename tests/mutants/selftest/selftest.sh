#!/usr/bin/env bash
# Self-test of scripts/mutants on a toy project (selftest/project, three
# fixtures in selftest/fixtures/toy): a mutant the tests catch, one they cannot
# (an unused static variable), a stale one. Checks each verdict, the summary
# line and the exit codes (0 / 1 / 2), that uncommitted edits of the tree are
# what the mutants are applied to, that the tree is never modified, that the
# temporary copy is removed at the end and on SIGTERM.
# Usage: selftest.sh PATH-TO-scripts/mutants
set -uo pipefail
runner=$1
here=$(cd "$(dirname "$0")" && pwd)
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
proj=$tmp/proj
cp -r "$here/project" "$proj"
git -C "$proj" init -q
git -C "$proj" add .
git -C "$proj" -c user.name=selftest -c user.email=selftest@invalid commit -qm toy
export TMPDIR=$tmp/t
mkdir -p "$TMPDIR"
snapshot() { (cd "$proj" && git status --porcelain --ignored && git ls-files -z | xargs -0 cksum); }
before=$(snapshot)
fix=$here/fixtures

# --list
out=$("$runner" --root "$proj" --dir "$fix" --list 2>&1); rc=$?
[ $rc = 0 ] && [ "$(grep -c '^toy/' <<<"$out")" = 3 ] && ok "--list: 3 mutants, exit 0" ||
  fail "--list: rc=$rc, output: $out"

# The full run: one of each verdict, exit 1.
out=$("$runner" --root "$proj" --dir "$fix" --timeout 60 2>&1); rc=$?
grep -qE '^toy/01-caught .* CAUGHT ' <<<"$out" && ok "caught mutant: CAUGHT" || fail "caught mutant: $out"
grep -qE '^toy/02-missed .* MISSED ' <<<"$out" && ok "no-op mutant: MISSED" || fail "no-op mutant: $out"
grep -qE '^toy/03-stale .* STALE ' <<<"$out" && ok "stale mutant: STALE" || fail "stale mutant: $out"
grep -qx 'mutants: 1 caught, 1 missed, 1 stale ([0-9]* s)' <<<"$out" && ok "summary line" ||
  fail "summary line: $out"
grep -qE '[0-9]+ passed, [0-9]+ failed' <<<"$out" && fail "the runner printed a test-count line: $out"
[ $rc = 1 ] && ok "missed/stale: exit 1" || fail "missed/stale: exit $rc (want 1)"
[ "$(snapshot)" = "$before" ] && ok "tree unchanged" || fail "the run modified the tree"
[ -z "$(ls -A "$TMPDIR")" ] && ok "temporary copy removed" || fail "left behind: $(ls "$TMPDIR")"

# Only the caught one: exit 0.
out=$("$runner" --root "$proj" --dir "$fix" --only 'toy/01*' 2>&1); rc=$?
[ $rc = 0 ] && grep -qx 'mutants: 1 caught, 0 missed, 0 stale ([0-9]* s)' <<<"$out" &&
  ok "--only: caught only, exit 0" || fail "--only: rc=$rc: $out"

# Uncommitted edits count: the line the caught mutant patches is changed in
# the working tree only, so it goes stale.
sed -i 's/return a + b;/return b + a;/' "$proj/add.c"
out=$("$runner" --root "$proj" --dir "$fix" --only 'toy/01*' 2>&1); rc=$?
grep -qE '^toy/01-caught .* STALE ' <<<"$out" && [ $rc = 1 ] &&
  ok "the working tree, not HEAD, is mutated" || fail "uncommitted edit ignored: rc=$rc: $out"
git -C "$proj" checkout -q add.c

# Bad input: exit 2, one line.
out=$("$runner" --root "$proj" --dir "$fix" --only 'nomatch*' 2>&1); rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && ok "--only matching nothing: exit 2, one line" ||
  fail "--only nomatch: rc=$rc: $out"
bad=$tmp/bad/toy
mkdir -p "$bad"
grep -v '^Tests:' "$fix/toy/01-caught.patch" >"$bad/01-noheader.patch"
out=$("$runner" --root "$proj" --dir "$tmp/bad" 2>&1); rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "Tests:" <<<"$out" &&
  ok "missing header line: exit 2, one line" || fail "missing header: rc=$rc: $out"
printf 'Mutant: x\nClass: 7\nTests: x\nBuild: release\n' >"$bad/01-noheader.patch"
out=$("$runner" --root "$proj" --dir "$tmp/bad" 2>&1); rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && ok "no diff: exit 2, one line" || fail "no diff: rc=$rc: $out"
out=$("$runner" --root "$proj" --dir "$fix" -j x 2>&1); rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && ok "bad -j: exit 2, one line" || fail "bad -j: rc=$rc: $out"

# SIGTERM while it works: exit 130, the copy removed, the tree unchanged.
"$runner" --root "$proj" --dir "$fix" >"$tmp/sig.out" 2>&1 &
pid=$!
for _ in $(seq 200); do
  [ -n "$(ls -A "$TMPDIR")" ] && break
  sleep 0.05
done
sleep 0.5
kill -TERM "$pid"
wait "$pid"; rc=$?
[ $rc = 130 ] && ok "SIGTERM: exit 130" || fail "SIGTERM: exit $rc: $(cat "$tmp/sig.out")"
[ -z "$(ls -A "$TMPDIR")" ] && ok "SIGTERM: temporary copy removed" || fail "SIGTERM left: $(ls "$TMPDIR")"
[ "$(snapshot)" = "$before" ] && ok "tree unchanged after all runs" || fail "the tree was modified"

[ $fails = 0 ] && echo "selftest: all checks ok" && exit 0
echo "selftest: $fails checks failed"
exit 1
