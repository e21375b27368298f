#!/usr/bin/env bash
# Cross-implementation checks with Xen's own pieces, using the reference
# daemon kit in ../shared/anchors/xenstored (override with UMBRA_SHARED):
#   - libvmstore (vmsbench, which verifies every result) against Xen's C
#     xenstored: standard replies only, so long listings must come back
#     through the DIRECTORY_PART fallback;
#   - libxenstore (the kit's xsbench) against vmstored.
. "$(dirname "$0")/lib.sh"

SHARED=${UMBRA_SHARED:-$STORE_ROOT/../shared}
A=$SHARED/anchors/xenstored
export XS_BUILD=$B/tests/store/anchor
VMSBENCH=$B/tests/bench/store/vmsbench
if [ ! -x "$A/run-xenstored.sh" ]; then
	fail "reference kit present at $A (set UMBRA_SHARED)"
	exit 1
fi
run_cmd "$A/build.sh"
expect "reference kit builds (fakexen.so, xsbench)" "0" "$RC" "$OUT"

XD=$T/xenstored
run_cmd "$A/run-xenstored.sh" start c "$XD"
expect "Xen's xenstored starts" "0" "$RC" "$OUT"
DAEMON_PIDS+=("$(cat "$XD/pid" 2>/dev/null)")
run_cmd env XENSTORED_PATH="$XD/run/socket" "$VMSBENCH" 10
expect "libvmstore against xenstored: all workloads verified" "0 7" \
	"$RC $(echo "$OUT" | grep -c '^RESULT')" "$OUT"
"$A/run-xenstored.sh" stop "$XD"

start_store interop || fail "vmstored starts"
run_cmd "$XS_BUILD/xsbench" -w 1000 -r 1000 -d 100 -t 100 -l 100
expect "libxenstore (xsbench) against vmstored: all workloads verified" \
	"0 7 0" "$RC $(echo "$OUT" | grep -c '^RESULT') $(echo "$OUT" | grep -c FAILED)" \
	"$OUT"
stop_store "$STORE_PID"
expect "daemon exits cleanly" "0" "$?"
[ "$FAILS" -eq 0 ]
