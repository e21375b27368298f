#!/usr/bin/env bash
# Guests over the shared ring: vmstored --ring-dir serves INTRODUCEd
# domains through a ring page (a shared file) and FIFO "event channels";
# xsprobe plays the guest in another process. Checks relative paths,
# ownership, big messages through the 1 KiB ring, watches, transactions,
# quotas, release, ring resets, and guests that break the ring.
. "$(dirname "$0")/lib.sh"

R=$T/rings
mkdir -p "$R"
start_store ring --ring-dir "$R" -q nodes=20 || { fail "daemon starts"; exit 1; }

# The toolstack's part: a home for each guest, then INTRODUCE.
probe_case "introduce two guests" <<EOF_
ringsetup $R 4096 11
ringsetup $R 8192 12
MKDIR /local/domain/5|
SET_PERMS /local/domain/5|n5|
MKDIR /local/domain/6|
SET_PERMS /local/domain/6|n6|
WRITE /tool/secret|dom0 only
INTRODUCE 5|4096|11|
INTRODUCE 6|8192|12|
IS_DOMAIN_INTRODUCED 5|
INTRODUCE 7|1234|13|
IS_DOMAIN_INTRODUCED 7|
--
MKDIR OK|
SET_PERMS OK|
MKDIR OK|
SET_PERMS OK|
WRITE OK|
INTRODUCE OK|
INTRODUCE OK|
IS_DOMAIN_INTRODUCED T|
ERROR ENOENT|
IS_DOMAIN_INTRODUCED F|
EOF_

probe_case "a guest reads and writes its home over the ring" <<EOF_
ring $R 4096 11
WRITE name|guest five
READ name|
READ /local/domain/5/name|
GET_PERMS name|
DIRECTORY /local/domain/5|
READ /tool/secret|
WRITE /tool/mine|x
READ /local/domain/6/x|
GET_DOMAIN_PATH 5|
--
WRITE OK|
READ guest five
READ guest five
GET_PERMS n5|
DIRECTORY name|
ERROR EACCES|
ERROR EACCES|
ERROR EACCES|
GET_DOMAIN_PATH /local/domain/5|
EOF_

probe_case "dom0 sees what the guest wrote" <<'EOF_'
READ /local/domain/5/name|
--
READ guest five
EOF_

big=$(head -c 2000 /dev/zero | tr '\0' 'q')
probe_case "2000-byte value through the 1 KiB ring, both ways" <<EOF_
ring $R 4096 11
WRITE big|$big
READ big|
--
WRITE OK|
READ $big
EOF_

probe_case "watches over the ring" <<EOF_
ring $R 4096 11
WATCH device|dev|
conn 1
WRITE /local/domain/5/device/vif/0|1
WRITE /local/domain/6/device/vif/0|not for 5
conn 0
events 300
UNWATCH device|dev|
--
WATCH OK|
WRITE OK|
WRITE OK|
EVENT device|dev|
EVENT device/vif/0|dev|
UNWATCH OK|
EOF_

probe_case "transactions over the ring" <<EOF_
ring $R 8192 12
TRANSACTION_START %save=t |
WRITE %tx=\$t a|1
WRITE %tx=\$t b|2
TRANSACTION_END %tx=\$t T|
READ a|
TRANSACTION_START %save=t |
READ %tx=\$t a|
conn 1
WRITE /local/domain/6/a|changed by dom0
conn 0
WRITE %tx=\$t a|3
TRANSACTION_END %tx=\$t T|
READ a|
--
TRANSACTION_START 1|
WRITE OK|
WRITE OK|
TRANSACTION_END OK|
READ 1
TRANSACTION_START 2|
READ 1
WRITE OK|
WRITE OK|
ERROR EAGAIN|
READ changed by dom0
EOF_

{
	echo "ring $R 8192 12"
	for i in $(seq 25); do echo "WRITE n$i|x"; done
} | timeout 20 "$XSPROBE" | sort | uniq -c | sed 's/^ *//' >"$T/quota.out"
# dom6 owns 6 nodes by now: its home, a, b, and device/vif/0 that dom0
# created in its home (inheriting dom6 as owner).
expect "a guest's node quota (20) holds over the ring" \
	$'11 ERROR ENOSPC|\n14 WRITE OK|' "$(cat "$T/quota.out")"

probe_case "a ring reset (XENSTORE_RECONNECT) starts the guest afresh" <<EOF_
ring $R 8192 12
WATCH a|w|
reconnect
conn 1
WRITE /local/domain/6/a|again
conn 0
events 300
READ a|
--
WATCH OK|
RECONNECTED
WRITE OK|
READ again
EOF_

probe_case "a guest that breaks its ring is cut off, others go on" <<EOF_
ring $R 8192 12
ringcorrupt
conn 1
events 300
conn 0
ringerror
conn 2
READ /local/domain/6/a|
conn 3
ring $R 4096 11
READ name|
--
RING-ERROR 2
READ again
READ guest five
EOF_

probe_case "a guest sending an oversized message is cut off" <<EOF_
ringsetup $R 12288 14
MKDIR /local/domain/8|
INTRODUCE 8|12288|14|
conn 1
ring $R 12288 14
hdr READ 1 0 5000
conn 2
events 300
conn 1
ringerror
conn 2
IS_DOMAIN_INTRODUCED 8|
--
MKDIR OK|
INTRODUCE OK|
RING-ERROR 3
IS_DOMAIN_INTRODUCED T|
EOF_

probe_case "release: event for dom0, the guest is no longer served" <<EOF_
conn 1
WATCH @releaseDomain|rel|
RELEASE 5|
IS_DOMAIN_INTRODUCED 5|
conn 0
ring $R 4096 11
hdr READ 1 0 5 name|
reply 500
conn 1
events 200
READ /local/domain/5/name|
--
WATCH OK|
EVENT @releaseDomain|rel|
EVENT @releaseDomain|rel|
RELEASE OK|
IS_DOMAIN_INTRODUCED F|
TIMEOUT
READ guest five
EOF_

probe_case "re-introduce after release" <<EOF_
ringsetup $R 4096 11
INTRODUCE 5|4096|11|
conn 1
ring $R 4096 11
READ name|
--
INTRODUCE OK|
READ guest five
EOF_

expect "daemon still running" "yes" "$(kill -0 "$STORE_PID" && echo yes)"
stop_store "$STORE_PID"
expect "daemon exits cleanly" "0" "$?"
[ "$FAILS" -eq 0 ]
