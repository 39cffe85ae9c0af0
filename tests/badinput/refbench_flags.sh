#!/bin/sh
# refbench's command line on bad input (issue 17, ctest refbench_badflags):
# every case exits 2 with exactly one line on stderr, nothing on stdout, and
# the line says what is wanted. Before issue 17, Google Benchmark 1.7.1 took
# these itself: its usage and exit 0 (--benchmark_format=xml, _out_format=xml,
# _time_unit=h, _color=), an abort (--benchmark_repetitions=-1), nothing run
# and exit 0 (=0), one iteration reported as a result (min_time 0 or -1), two
# lines and "unknown flag" for a value of the wrong type, exit 1 (an
# unwritable --benchmark_out, a filter that is not a regex); refbench's own
# flags given with a space were "unknown".
# Usage: refbench_flags.sh REFBENCH WORK_DIR
set -u
rb=$1 work=$2
fail=0 n=0
rm -rf "$work"
mkdir -p "$work"
ok() { echo "ok   $1"; n=$((n + 1)); }
bad() { echo "FAIL $1"; fail=1; }

# refuse MESSAGE-SUBSTRING ARGS...: exit 2, one stderr line holding MESSAGE, no stdout
refuse() {
	msg=$1; shift
	"$rb" "$@" --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.001 \
		>"$work/out" 2>"$work/err"
	rc=$?
	desc="$*"
	if [ $rc -ne 2 ]; then bad "$desc: exit $rc, want 2 ($(head -c 300 "$work/err"))"; return; fi
	if [ "$(wc -l <"$work/err")" -ne 1 ]; then bad "$desc: not one line: $(head -c 600 "$work/err")"; return; fi
	if [ -s "$work/out" ]; then bad "$desc: wrote to stdout: $(head -c 300 "$work/out")"; return; fi
	case $(cat "$work/err") in
	"refbench: "*"$msg"*) ok "$desc" ;;
	*) bad "$desc: '$(cat "$work/err")' lacks '$msg'" ;;
	esac
}

# Google Benchmark's numeric flags
refuse "--benchmark_repetitions=-1: want an integer from 1 to 100000" --benchmark_repetitions=-1
refuse "--benchmark_repetitions=0: want an integer from 1 to 100000" --benchmark_repetitions=0
refuse "want an integer from 1 to 100000" --benchmark_repetitions=100001
refuse "want an integer from 1 to 100000" --benchmark_repetitions=2147483648
refuse "want an integer from 1 to 100000" --benchmark_repetitions=3x
refuse "want an integer from 1 to 100000" --benchmark_repetitions=
refuse "--benchmark_repetitions needs =N" --benchmark_repetitions
refuse "--benchmark_min_time=0: want a positive number of seconds" --benchmark_min_time=0
refuse "--benchmark_min_time=-1: want a positive number of seconds" --benchmark_min_time=-1
refuse "want a positive number of seconds" --benchmark_min_time=abc
refuse "want a positive number of seconds" --benchmark_min_time=nan
refuse "want a positive number of seconds" --benchmark_min_time=inf
refuse "want a positive number of seconds" --benchmark_min_time=0.5s
refuse "--benchmark_min_warmup_time=-1: want a number of seconds, 0 or more" --benchmark_min_warmup_time=-1
refuse "want an integer, 0 or more" --v=x
# the flags 1.7.1 answered with its usage and exit 0
refuse "--benchmark_format=xml: want console, json or csv" --benchmark_format=xml
refuse "--benchmark_format=: want console, json or csv" --benchmark_format=
refuse "--benchmark_out_format=xml: want json, console or csv" --benchmark_out_format=xml
refuse "--benchmark_time_unit=h: want ns, us, ms or s" --benchmark_time_unit=h
refuse "--benchmark_color=: want auto, true or false" --benchmark_color=
refuse "--benchmark_color=blue: want auto, true or false" --benchmark_color=blue
# booleans: 1.7.1 takes any word it does not know as true
refuse "--benchmark_counters_tabular=maybe: want true or false" --benchmark_counters_tabular=maybe
refuse "--benchmark_enable_random_interleaving=flase: want true or false" --benchmark_enable_random_interleaving=flase
refuse "--benchmark_report_aggregates_only=: want true or false" --benchmark_report_aggregates_only=
# strings
refuse "--benchmark_filter needs =REGEX" --benchmark_filter
refuse "--benchmark_filter=(: not a regular expression" '--benchmark_filter=('
refuse "--benchmark_out=$work/nodir/x.json: cannot write in its directory" --benchmark_out="$work/nodir/x.json"
refuse "names a directory, not a file" --benchmark_out="$work"
refuse "--benchmark_out=: needs a file name" --benchmark_out=
refuse "use --perf-events=LIST" --benchmark_perf_counters=CYCLES
refuse "--benchmark_context=foo: needs KEY=VALUE" --benchmark_context=foo
refuse "needs KEY=VALUE" --benchmark_context=a=1,,b=2
refuse "needs KEY=VALUE" --benchmark_context==1
refuse "needs KEY=VALUE" --benchmark_context=a=b=c
refuse "--benchmark_context needs =KEY=VALUE" --benchmark_context
refuse "the key 'a' is given twice" --benchmark_context=a=1 --benchmark_context=b=2,a=3
refuse "'git_commit' is a key refbench records itself" --benchmark_context=git_commit=abc
# refbench's own flags: a space instead of '=', a value where none is taken
refuse "--topology needs =FILE|SYNTHETIC" --topology /nonexistent.xml
refuse "--placement needs =NAME" --placement compact
refuse "--perf-events needs =LIST" --perf-events cycles
refuse "--memory needs =local|remote|interleave" --placement=compact --memory local
refuse "--inject-slowdown needs =PCT" --inject-slowdown 5
refuse "--version takes no value" --version=1
refuse "--list-families takes no value" --list-families=yes
refuse "unknown flag '--bogus'" --bogus
# found by fuzz_topo: a topology hwloc would build for hours, a value of two lines
refuse "describes more than 4096 PUs; refbench plans for up to 4096" '--topology=pack:1000 core:1000 pu:1000' --list-placements
refuse "describes more than 4096 PUs" '--topology=pack:8 core:64 pu:16' --list-placements
refuse "describes more than 4096 PUs" '--topology=6622' --list-placements
refuse "describes more than 4096 PUs" '--topology=pack:2(memory=1GB) 64 l2:64(size=1MB) pu:2' --list-placements
# hwloc skips from a type to its ':' ("l2(x core:90" is a level of 90), a '(' there opens nothing (fuzz_topo)
refuse "describes more than 4096 PUs" '--topology=l2(x core:90 pack:64 pu:1' --list-placements
refuse "describes more than 4096 PUs" '--topology=pack:0x40 core:0x41 pu:1' --list-placements
# an explicit OS index hwloc would set in a cpuset or nodeset (fuzz_topo: 8 s at 9e8); the boundary
refuse "lists an OS index of 900000000; refbench plans for indexes below 65536" '--topology=pu:2(indexes=0,900000000)' --list-placements
refuse "lists an OS index of 65536" '--topology=pack:2 pu:2(indexes=0,1,2,65536)' --list-placements
refuse "lists an OS index of 18446744073709551615" '--topology=[numa(indexes=99999999999999999999999)] pu:1' --list-placements
refuse "a control character in the topology (byte 10 at 6)" "--topology=pack:2
core:2" --list-placements
refuse "--perf-events=cycles,,instructions: an empty name in the list" --perf-events=cycles,,instructions
refuse "an empty name in the list" --perf-events=task-clock,

# what is right still runs: the values the checks must not refuse
out=$work/good.json
"$rb" --benchmark_filter='^harness/capi/empty$' --benchmark_min_time=0.001 --benchmark_repetitions=2 \
	--benchmark_format=console --benchmark_out="$out" --benchmark_out_format=json \
	--benchmark_time_unit=us --benchmark_color=false --benchmark_counters_tabular=true \
	--benchmark_report_aggregates_only=false --benchmark_enable_random_interleaving=no \
	--benchmark_min_warmup_time=0 --benchmark_context=who=me,why=test --v=0 \
	--benchmark_perf_counters= >"$work/good.out" 2>"$work/good.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"who": "me"' "$out" && grep -q '"time_unit": "us"' "$out" &&
   [ "$(grep -c '"run_type": "iteration"' "$out")" -eq 2 ]; then
	ok "every flag with a good value runs (2 repetitions, context, unit)"
else
	bad "good flags: exit $rc: $(head -c 600 "$work/good.err")"
fi
"$rb" --benchmark_list_tests --benchmark_filter='-^harness' >"$work/neg" 2>&1 &&
	! grep -q '^harness/' "$work/neg" && grep -q '^split/' "$work/neg" &&
	ok "a negative filter (-REGEX) is still taken" || bad "negative filter: $(head -3 "$work/neg")"

# the OS index boundary and the interleaved form (not a list of numbers) are taken
"$rb" '--topology=pack:2 pu:2(indexes=0,1,2,65535)' --list-placements >"$work/idx" 2>&1 &&
	"$rb" '--topology=pack:2 core:2 pu:2(indexes=pack:core:pu)' --list-placements >>"$work/idx" 2>&1 &&
	ok "indexes=...,65535 and indexes=pack:core:pu are still taken" || bad "good indexes: $(head -3 "$work/idx")"

[ $fail -eq 0 ] && echo "refbench_badflags: $n checks passed"
exit $fail
