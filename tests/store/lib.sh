# Shared helpers for the store's shell test suites (sourced, bash).
#
# Every suite starts its own vmstored on a socket in a fresh temporary
# directory, prints one "PASS: name" or "FAIL: name" line per case, and
# always stops its daemons and removes the directory, however it exits.
#
# VMSTORE_BUILD points at the build directory (the make fragment exports
# it); by default it is build/ under the repository root.
#
# To check the expectations themselves against Xen's xenstored, start it
# (../shared/anchors/xenstored/run-xenstored.sh) and run a suite with
# STORE_REFERENCE_SOCKET=<its socket>: start_store then uses that daemon.

set -u
STORE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${VMSTORE_BUILD:-$STORE_ROOT/build}
# The sanitizer build when there is one (make check builds it).
VMSTORED=$B/dom0-tools/vmstored-san
[ -x "$VMSTORED" ] || VMSTORED=$B/dom0-tools/vmstored
XSPROBE=$B/tests/store/xsprobe
T=$(mktemp -d "${TMPDIR:-/tmp}/vmstore-test.XXXXXX")
DAEMON_PIDS=()
FAILS=0

cleanup() {
	local pid
	for pid in "${DAEMON_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${DAEMON_PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	shift
	[ $# -gt 0 ] && printf '  %s\n' "$@"
	FAILS=$((FAILS + 1))
}

# Wait until a Unix socket accepts connections (up to ~5 s).
wait_socket() {
	local i
	for i in $(seq 100); do
		[ -S "$1" ] && printf 'READ /|\n' |
			XENSTORED_PATH=$1 timeout 5 "$XSPROBE" 2>/dev/null |
			grep -q '^READ' && return 0
		sleep 0.05
	done
	return 1
}

# start_store NAME [vmstored options...]: foreground daemon with socket
# $T/NAME.sock and log $T/NAME.log; sets XENSTORED_PATH and STORE_PID.
start_store() {
	local name=$1
	shift
	if [ -n "${STORE_REFERENCE_SOCKET:-}" ]; then
		export XENSTORED_PATH=$STORE_REFERENCE_SOCKET
		STORE_PID=
		return 0
	fi
	"$VMSTORED" -F -s "$T/$name.sock" -L "$T/$name.log" "$@" \
		>"$T/$name.out" 2>&1 &
	STORE_PID=$!
	DAEMON_PIDS+=("$STORE_PID")
	export XENSTORED_PATH=$T/$name.sock
	if ! wait_socket "$XENSTORED_PATH"; then
		echo "vmstored did not come up; its output:" >&2
		cat "$T/$name.out" "$T/$name.log" >&2 2>/dev/null
		return 1
	fi
}

# stop_store PID: SIGTERM, wait (bounded); returns the exit status.
stop_store() {
	local pid=$1 i
	[ -z "$pid" ] && return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# expect NAME EXPECTED ACTUAL [detail]: compare two strings.
expect() {
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $(printf %q "$2")" "actual:   $(printf %q "$3")" "${@:4}"
	fi
}

# run_cmd: run "$@" with a timeout (RUN_TIMEOUT, 10 s), capturing stdout+stderr in OUT and
# the exit status in RC.
run_cmd() {
	OUT=$(timeout "${RUN_TIMEOUT:-10}" "$@" 2>&1)
	RC=$?
}

# probe_case NAME [SED]: stdin holds a probe script, a line "--", then
# the expected output; runs the script against $XENSTORED_PATH and
# compares (after the optional sed expression, for varying numbers).
probe_case() {
	local name=$1 filter=${2:-} all script expected actual
	all=$(cat)
	script=$(printf '%s\n' "$all" | sed '/^--$/,$d')
	expected=$(printf '%s\n' "$all" | sed '1,/^--$/d')
	actual=$(printf '%s\n' "$script" | timeout 20 "$XSPROBE" 2>&1 |
		sed -e "$filter")
	if [ "$actual" == "$expected" ]; then
		pass "$name"
	else
		fail "$name" "$(diff <(printf '%s\n' "$expected") \
			<(printf '%s\n' "$actual") | head -20)"
	fi
}
