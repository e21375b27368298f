#!/usr/bin/env bash
# Xen's own XenStore test program (test-xenstore from xen-utils-4.17, run
# through the real libxenstore) against vmstored: reads, writes, listings,
# removals and transactions including the conflict case. One PASS/FAIL
# per test it runs, then a few seconds of its random mode.
. "$(dirname "$0")/lib.sh"

XSTEST=$(ls /usr/lib/xen-*/bin/test-xenstore 2>/dev/null | tail -1)
if [ -z "$XSTEST" ]; then
	fail "test-xenstore is installed (package xen-utils-4.17)"
	exit 1
fi
start_store xentest || { fail "daemon starts"; exit 1; }

timeout 60 "$XSTEST" >"$T/xstest.out" 2>&1
rc=$?
while IFS= read -r line; do
	name=$(echo "${line%%:*}" | sed 's/ *$//')
	case $line in
	*failed*) fail "test-xenstore: $name" "$line" ;;
	*" ns") pass "test-xenstore: $name" ;;
	esac
done <"$T/xstest.out"
expect "test-xenstore ran all 12 tests and exited 0" "12 0" \
	"$(grep -c ' ns$' "$T/xstest.out") $rc"

timeout 60 "$XSTEST" -r 3 >"$T/xsrand.out" 2>&1
expect "test-xenstore random mode (3 s)" "0" "$?" "$(tail -3 "$T/xsrand.out")"

stop_store "$STORE_PID"
expect "daemon exits cleanly" "0" "$?"
[ "$FAILS" -eq 0 ]
