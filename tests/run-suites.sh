#!/usr/bin/env bash
# Run test suites and print one summary line: "N passed, N failed".
#
# A suite is an executable. Its cases are counted from what it prints:
#   cmocka:   "[  PASSED  ] N test(s)."  /  "[  FAILED  ] N test(s)"
#   others:   lines starting "PASS: " / "FAIL: "
# A suite that prints neither counts as one case, judged by its exit code;
# a suite that exits non-zero without reporting a failure counts one more
# failure (it crashed or timed out). Logs go to build/test-logs/.
set -u
LOGDIR=${TEST_LOGDIR:-build/test-logs}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}
mkdir -p "$LOGDIR"

total_pass=0
total_fail=0
failed_suites=()

for suite in "$@"; do
	name=$(echo "$suite" | sed 's|^build/||; s|/|_|g')
	log="$LOGDIR/$name.log"
	start=$(date +%s)
	timeout --kill-after=10 "$SUITE_TIMEOUT" "$suite" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	pass=$(sed -n 's/^\[  PASSED  \] \([0-9]\+\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	fail=$(sed -n 's/^\[  FAILED  \] \([0-9]\+\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	pass=$(( pass + $(grep -c '^PASS: ' "$log") ))
	fail=$(( fail + $(grep -c '^FAIL: ' "$log") ))
	if [ $(( pass + fail )) -eq 0 ]; then
		if [ $rc -eq 0 ]; then pass=1; else fail=1; fi
	elif [ $rc -ne 0 ] && [ $fail -eq 0 ]; then
		fail=1
	fi
	[ $rc -eq 124 ] && echo "  $suite: timed out after ${SUITE_TIMEOUT}s"
	printf '%-48s %5d passed, %3d failed  (%ds)\n' "$suite" "$pass" "$fail" "$secs"
	if [ $fail -ne 0 ]; then
		failed_suites+=("$suite")
		echo "---- $log (last 60 lines) ----"
		tail -n 60 "$log"
		echo "---- end of $log ----"
	fi
	total_pass=$(( total_pass + pass ))
	total_fail=$(( total_fail + fail ))
done

[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ]
