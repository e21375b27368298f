#!/usr/bin/env bash
# The daemon's life cycle: options, foreground and background modes, pid
# file, log levels, clean shutdown on SIGTERM, one daemon per socket, and
# --state persistence (restart without loss, damaged files refused unless
# --fresh).
. "$(dirname "$0")/lib.sh"

probe() { printf '%s\n' "$@" | timeout 10 "$XSPROBE" 2>&1; }

run_cmd "$VMSTORED" --help
expect "--help prints usage" "0 yes" "$RC $(echo "$OUT" | grep -q -- --state && echo yes)"
run_cmd "$VMSTORED" --no-such-option
expect "unknown option: exit 2" "2" "$RC"
run_cmd "$VMSTORED" -l loud
expect "unknown log level: exit 2 and a message" "2 vmstored: unknown log level 'loud'" \
	"$RC $(echo "$OUT" | head -1)"
run_cmd "$VMSTORED" -F -s "$T/q.sock" -q nodes=abc
expect "bad quota: exit 1 and a message" "1 vmstored: bad quota 'nodes=abc'" \
	"$RC $(echo "$OUT" | head -1)"

# Foreground, SIGTERM.
start_store fg -l info -q watches=7 || fail "foreground daemon starts"
expect "quota option applied" "yes" \
	"$(probe 'CONTROL quota|' | grep -q 'x0awatches: 7\\x0a' && echo yes)"
kill -HUP "$STORE_PID"
expect "SIGHUP does not stop it" "READ " "$(probe 'READ /|')"
run_cmd "$VMSTORED" -F -s "$T/fg.sock" -L "$T/second.log"
expect "a second daemon on the same socket is refused" "1" "$RC"
expect "... with a clear message" "yes" \
	"$(grep -q 'already serving' "$T/second.log" && echo yes)"
expect "... and the first keeps serving" "READ " "$(probe 'READ /|')"
stop_store "$STORE_PID"
expect "SIGTERM: exit status 0" "0" "$?"
expect "SIGTERM: socket removed" "gone" "$([ -e "$T/fg.sock" ] || echo gone)"
expect "SIGTERM: logged" "yes" \
	"$(grep -q 'shutting down' "$T/fg.log" && echo yes)"

# Log levels.
start_store dbg -l debug || fail "debug daemon starts"
probe 'WRITE /x|1' >/dev/null
expect "debug level logs each request" "yes" \
	"$(grep -q 'WRITE req' "$T/dbg.log" && echo yes)"
stop_store "$STORE_PID"
start_store quiet -l error || fail "quiet daemon starts"
probe 'WRITE /x|1' >/dev/null
stop_store "$STORE_PID"
expect "error level logs nothing in normal operation" "0" \
	"$(wc -l <"$T/quiet.log")"

# Background mode with a pid file.
run_cmd "$VMSTORED" -s "$T/bg.sock" -p "$T/bg.pid" -L "$T/bg.log"
expect "daemon mode: parent returns 0" "0" "$RC"
bgpid=$(cat "$T/bg.pid" 2>/dev/null)
DAEMON_PIDS+=("$bgpid")
expect "daemon mode: pid file names a live process" "yes" \
	"$([ -n "$bgpid" ] && kill -0 "$bgpid" 2>/dev/null && echo yes)"
XENSTORED_PATH=$T/bg.sock
expect "daemon mode: serving" "WRITE OK|" "$(probe 'WRITE /bg|1')"
kill -TERM "$bgpid"
for i in $(seq 100); do kill -0 "$bgpid" 2>/dev/null || break; sleep 0.05; done
expect "daemon mode: SIGTERM stops it" "stopped" \
	"$(kill -0 "$bgpid" 2>/dev/null || echo stopped)"
expect "daemon mode: pid file and socket removed" "gone gone" \
	"$([ -e "$T/bg.pid" ] || echo gone) $([ -e "$T/bg.sock" ] || echo gone)"

# A socket left behind by a daemon that was killed is replaced.
start_store stale || fail "daemon starts"
kill -9 "$STORE_PID"
wait "$STORE_PID" 2>/dev/null
start_store stale
expect "stale socket is replaced" "READ " "$(probe 'READ /|')"
stop_store "$STORE_PID"

# --state: clean restart.
S=$T/store.state
start_store st1 --state "$S" || fail "state daemon starts"
probe 'WRITE /p/b|two' 'WRITE /p/a|one' 'SET_PERMS /p|n3|r4|' \
	'WRITE /p/bin|x\x00y' >/dev/null
stop_store "$STORE_PID"
start_store st2 --state "$S" || fail "state daemon restarts"
expect "state survives a clean restart" \
	$'DIRECTORY b|a|bin|\nREAD two\nGET_PERMS n3|r4|\nREAD x|y' \
	"$(probe 'DIRECTORY /p|' 'READ /p/b|' 'GET_PERMS /p|' 'READ /p/bin|')"
expect "restore is logged" "yes" \
	"$(grep -q 'restored 5 nodes' "$T/st2.log" && echo yes)"

# --state: a crash (SIGKILL) after the save delay loses nothing.
probe 'WRITE /crash|survives' >/dev/null
for i in $(seq 100); do	# saved within --save-delay (200 ms) of the write
	grep -a -q survives "$S" && break
	sleep 0.05
done
kill -9 "$STORE_PID"
wait "$STORE_PID" 2>/dev/null
start_store st3 --state "$S" || fail "state daemon restarts after a crash"
expect "committed data survives SIGKILL" "READ survives" "$(probe 'READ /crash|')"
stop_store "$STORE_PID"

# A damaged state file is refused and left alone.
cp "$S" "$T/good.state"
printf 'X' | dd of="$S" bs=1 seek=40 conv=notrunc 2>/dev/null
cp "$S" "$T/bad.state"
run_cmd "$VMSTORED" -F -s "$T/st4.sock" --state "$S" -L "$T/st4.log"
expect "damaged state: exit 1" "1" "$RC"
expect "damaged state: a clear message" "yes" \
	"$(grep -q "state file $S is unusable: checksum mismatch" "$T/st4.log" &&
	   grep -q -- '--fresh' "$T/st4.log" && echo yes)"
expect "damaged state: file untouched" "same" \
	"$(cmp -s "$S" "$T/bad.state" && echo same)"
expect "damaged state: no socket left" "gone" \
	"$([ -e "$T/st4.sock" ] || echo gone)"
printf 'not a state file at all' >"$T/junk.state"
run_cmd "$VMSTORED" -F -s "$T/st5.sock" --state "$T/junk.state" -L "$T/st5.log"
expect "junk state: refused" "1 yes" \
	"$RC $(grep -q 'bad magic' "$T/st5.log" && echo yes)"

# --fresh starts empty and writes a good file again.
start_store st6 --state "$S" --fresh || fail "--fresh starts"
expect "--fresh: empty store" "ERROR ENOENT|" "$(probe 'READ /crash|')"
probe 'WRITE /fresh|1' >/dev/null
stop_store "$STORE_PID"
start_store st7 --state "$S" || fail "restart after --fresh"
expect "--fresh: the new state is used afterwards" "READ 1" "$(probe 'READ /fresh|')"
stop_store "$STORE_PID"

# The state file is replaced atomically: no temporary files remain.
expect "no temporary files next to the state file" "0" \
	"$(ls "$T" | grep -c 'store.state.tmp')"
[ "$FAILS" -eq 0 ]
