#!/bin/sh
# run.sh TARGET SECONDS WORK_DIR "LIBFUZZER OPTIONS" SEED_DIR...: one bounded
# libFuzzer run. New inputs go to WORK_DIR/corpus (the seed directories are
# read only); a finding is saved in WORK_DIR (crash-*, leak-*, timeout-*,
# oom-*) and fails the test. Prints one summary line:
#   fuzz_x: 123456 executions in 20 s, cov 812 edges, ft 2301, corpus 140 inputs, no finding
set -u
target=$1 secs=$2 work=$3 opts=$4
shift 4
name=$(basename "$target")
mkdir -p "$work/corpus"
# -detect_leaks=0 is libFuzzer's per input; ASan's own check at exit likewise
case " $opts " in *" -detect_leaks=0 "*) export ASAN_OPTIONS=detect_leaks=0 ;; esac
log=$work/log
# shellcheck disable=SC2086  # opts is a list of options
"$target" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" \
	-close_fd_mask=3 $opts "$work/corpus" "$@" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
if [ $rc -eq 0 ]; then
	echo "$name: ${execs:-?} executions in $secs s, cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?} inputs, no finding"
	exit 0
fi
echo "$name: FINDING after ${execs:-?} executions (exit $rc); input saved in $work:"
grep -E 'ERROR|SUMMARY|runtime error|^    #[0-9] ' "$log" | head -20
ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sed "s|^|  $work/|"
exit 1
