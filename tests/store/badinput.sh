#!/usr/bin/env bash
# Bad input against a running daemon: truncated headers and payloads,
# lengths over the limit, unknown types, missing NULs, invalid paths,
# clients that vanish mid-transaction, random garbage, a client that
# never reads, and 1,000 clients connecting at once. Each must get an
# error reply or a clean disconnect, while the daemon keeps serving the
# others and nothing committed is lost.
. "$(dirname "$0")/lib.sh"

XSFLOOD=$B/tests/store/xsflood
start_store bad || { fail "daemon starts"; exit 1; }

probe_case "committed data before the abuse" <<'EOF_'
WRITE /keep/a|precious
WRITE /keep/b|also
--
WRITE OK|
WRITE OK|
EOF_

probe_case "truncated header, then hang up" <<'EOF_'
raw 0b000000 01000000
close
READ /keep/a|
--
READ precious
EOF_

probe_case "truncated payload, then hang up" <<'EOF_'
hdr WRITE 1 0 100 /keep/a|partial
close
READ /keep/a|
--
READ precious
EOF_

probe_case "length over 4096 is cut off, others unaffected" <<'EOF_'
conn 1
hdr READ 7 0 4097
closed 2000
conn 2
hdr 99 7 0 4294967295
closed 2000
conn 0
READ /keep/a|
--
CLOSED
CLOSED
READ precious
EOF_

{
	printf 'hdr READ 5 0 4096 /'
	head -c 4095 /dev/zero | tr '\0' 'a'
	printf '\nreply 2000\nREAD /keep/b|\n'
} >"$T/max.probe"
expect "length of exactly 4096 is served" \
	$'ERROR EINVAL|\nREAD also' "$(timeout 20 "$XSPROBE" <"$T/max.probe")"

probe_case "unknown types get ENOSYS and the connection lives on" <<'EOF_'
23 x|
0x7fff |
WATCH_EVENT /a|b|
ERROR EINVAL|
READ /keep/a|
--
ERROR ENOSYS|
ERROR ENOSYS|
ERROR ENOSYS|
ERROR ENOSYS|
READ precious
EOF_

probe_case "missing NULs" <<'EOF_'
READ /keep/a
WRITE /keep/a
MKDIR /keep/m
RM /keep/a
DIRECTORY /keep
GET_PERMS /keep/a
SET_PERMS /keep/a|r0
WATCH /keep|tok
TRANSACTION_END T
GET_DOMAIN_PATH 1
READ /keep/a|
--
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR ENOENT|
ERROR EINVAL|
READ precious
EOF_

probe_case "invalid paths" <<'EOF_'
WRITE /keep//a|x
WRITE /keep/a/|x
WRITE keep\x01a|x
WRITE /keep/a b|x
WRITE /keep/\xff|x
WRITE |x
RM //|
WATCH /a//b|t|
READ /keep/a|
--
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
READ precious
EOF_

probe_case "client disconnects mid-transaction" <<'EOF_'
conn 1
TRANSACTION_START %save=t |
WRITE %tx=$t /keep/a|overwritten
WRITE %tx=$t /keep/new|x
WATCH /keep|w|
close
conn 0
READ /keep/a|
READ /keep/new|
--
TRANSACTION_START 1|
WRITE OK|
WRITE OK|
WATCH OK|
READ precious
ERROR ENOENT|
EOF_

# Random bytes from 20 clients at once, next to a well-behaved one.
timeout 60 python3 - "$XENSTORED_PATH" <<'PY' >"$T/garbage.out" 2>&1
import os, socket, sys
path = sys.argv[1]
socks = []
for i in range(20):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
for round in range(20):
    for s in socks:
        try:
            s.sendall(os.urandom(2000))
        except OSError:
            pass
for s in socks:
    s.close()
print("sent")
PY
expect "random garbage from 20 clients" "sent" "$(cat "$T/garbage.out")"

# A client that sends a flood of requests and never reads the replies:
# the daemon stops reading from it instead of queueing without bound.
timeout 20 python3 - "$XENSTORED_PATH" <<'PY' >"$T/deaf.out" 2>&1 &
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.setblocking(False)
req = struct.pack("<IIII", 2, 1, 0, 8) + b"/keep/a\0"
sent = 0
end = time.time() + 3
while time.time() < end:
    try:
        sent += s.send(req * 64)
    except BlockingIOError:
        time.sleep(0.01)
print("blocked" if sent < len(req) * 10**6 else "unbounded")
time.sleep(1)
PY
deaf=$!
sleep 1
probe_case "others are served while a client never reads" <<'EOF_'
READ /keep/b|
--
READ also
EOF_
wait "$deaf"
expect "the deaf client's sends were throttled" "blocked" "$(cat "$T/deaf.out")"

run_cmd "$XSFLOOD" 1000
expect "1,000 clients at once (one in ten sends an oversized length)" \
	"0 clients 1000 good 900 cut-off 100 wrong 0" "$RC $OUT"

probe_case "after all that: daemon healthy, nothing committed lost" <<'EOF_'
CONTROL check|
READ /keep/a|
READ /keep/b|
READ /flood/0|
READ /flood/998|
--
CONTROL OK|
READ precious
READ also
READ v0
READ v998
EOF_

expect "daemon still running" "yes" "$(kill -0 "$STORE_PID" && echo yes)"
stop_store "$STORE_PID"
expect "daemon exits cleanly" "0" "$?"
[ "$FAILS" -eq 0 ]
