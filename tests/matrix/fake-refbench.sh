#!/bin/sh
# A test double for refbench (tests/matrix): runs the real refbench
# ($MATRIX_REAL_REFBENCH) with the same arguments, except:
#  - $MATRIX_LIST (a file): printed as the --benchmark_list_tests output;
#  - a cell whose --benchmark_filter contains $MATRIX_CRASH dies by SIGSEGV,
#    one containing $MATRIX_HANG sleeps (to time out), one containing
#    $MATRIX_FAIL writes a message to stderr and exits 1, one containing
#    $MATRIX_SLOW sleeps $MATRIX_SLOW_S seconds before running (to be killed
#    mid-way), one containing $MATRIX_NAN gets a NaN and an -Infinity counter
#    in its JSON (as Google Benchmark writes them); one containing
#    $MATRIX_GATE_CELL waits (up to 600 s) until the file $MATRIX_GATE exists,
#    writing $MATRIX_GATE.waiting first (a test cancels it there, or opens it).
# Each cell run appends its filter to $MATRIX_CALLS when that is set.
real=${MATRIX_REAL_REFBENCH:?MATRIX_REAL_REFBENCH is not set}
filter=""
list=0
for a in "$@"; do
	case $a in
	--benchmark_filter=*) filter=${a#--benchmark_filter=} ;;
	--benchmark_list_tests|--benchmark_list_tests=true) list=1 ;;
	esac
done
if [ "$list" = 1 ] && [ -n "${MATRIX_LIST:-}" ]; then
	cat "$MATRIX_LIST"
	exit 0
fi
if [ -n "$filter" ] && [ "$list" = 0 ]; then
	[ -n "${MATRIX_CALLS:-}" ] && echo "$filter" >>"$MATRIX_CALLS"
	case $filter in
	*"${MATRIX_CRASH:-@none@}"*) echo "about to crash" >&2; kill -SEGV $$ ;;
	*"${MATRIX_HANG:-@none@}"*) exec sleep 100 ;;
	*"${MATRIX_FAIL:-@none@}"*) echo "refbench: injected failure for $filter" >&2; exit 1 ;;
	*"${MATRIX_SLOW:-@none@}"*) sleep "${MATRIX_SLOW_S:-1}" ;;
	*"${MATRIX_GATE_CELL:-@none@}"*)
		: >"${MATRIX_GATE:?MATRIX_GATE is not set}.waiting"
		i=0
		while [ ! -e "$MATRIX_GATE" ] && [ $i -lt 3000 ]; do sleep 0.2; i=$((i + 1)); done ;;
	*"${MATRIX_NAN:-@none@}"*)
		# what Google Benchmark 1.7.1 writes for a NaN or infinite counter
		"$real" "$@" || exit
		for a in "$@"; do
			case $a in --benchmark_out=*) out=${a#--benchmark_out=} ;; esac
		done
		sed -i 's/"iterations": \([0-9]*\),/"iterations": \1, "bogus\/op": NaN, "neg\/op": -Infinity, "note": "NaN stays",/' "$out"
		exit 0 ;;
	esac
fi
exec "$real" "$@"
