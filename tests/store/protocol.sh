#!/usr/bin/env bash
# Wire-protocol conformance: raw requests (via xsprobe) and the exact
# replies XenStore gives — payload formats, error names, event order.
# The expectations were checked against Xen 4.17's C xenstored; the few
# places where vmstored is deliberately stricter are marked "vmstored:".
. "$(dirname "$0")/lib.sh"

start_store proto || { fail "daemon starts"; exit 1; }

probe_case "read, write, missing nodes, bad paths" <<'EOF_'
WRITE /p1/a|hello
READ /p1/a|
READ /p1/missing|
READ /p1/missing/deeper|
READ /|
READ bad//path|
READ /trailing/|
READ /bad$char|
READ |
READ /p1/a|extra|
WRITE /p1/nonul
WRITE /p1/bin|a\x00b
READ /p1/bin|
--
WRITE OK|
READ hello
ERROR ENOENT|
ERROR ENOENT|
READ 
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
WRITE OK|
READ a|b
EOF_

probe_case "mkdir, directory, rm" <<'EOF_'
WRITE /p2/x|val
WRITE /p2/y|1
MKDIR /p2/x|
READ /p2/x|
MKDIR /p2/m/n|
DIRECTORY /p2|
DIRECTORY /p2/m/n|
DIRECTORY /p2/nothere|
RM /p2/nothere|
RM /p2/nothere/deeper|
RM /|
RM /p2/m|
DIRECTORY /p2|
--
WRITE OK|
WRITE OK|
MKDIR OK|
READ val
MKDIR OK|
DIRECTORY x|y|m|
DIRECTORY 
ERROR ENOENT|
RM OK|
ERROR ENOENT|
ERROR EINVAL|
RM OK|
DIRECTORY x|y|
EOF_

probe_case "relative paths are under /local/domain/0" <<'EOF_'
WRITE rel/k|v
READ /local/domain/0/rel/k|
DIRECTORY rel|
GET_DOMAIN_PATH 5|
GET_DOMAIN_PATH 0|
WRITE @foo|x
READ @releaseDomain|
--
WRITE OK|
READ v
DIRECTORY k|
GET_DOMAIN_PATH /local/domain/5|
GET_DOMAIN_PATH /local/domain/0|
ERROR EINVAL|
ERROR EINVAL|
EOF_

probe_case "permissions: get, set, malformed" <<'EOF_'
WRITE /p3|x
GET_PERMS /p3|
SET_PERMS /p3|r1|b2|
GET_PERMS /p3|
WRITE /p3/child|c
GET_PERMS /p3/child|
SET_PERMS /p3|
SET_PERMS /p3|x1|
SET_PERMS /p3|r|
SET_PERMS /p3|rabc|
SET_PERMS /p3|n0
SET_PERMS /nothere|n0|
GET_PERMS /nothere|
SET_PERMS @releaseDomain|n0|r3|
--
WRITE OK|
GET_PERMS n0|
SET_PERMS OK|
GET_PERMS r1|b2|
WRITE OK|
GET_PERMS r1|b2|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR ENOENT|
ERROR ENOENT|
SET_PERMS OK|
EOF_

# vmstored: GET_PERMS works on the special names too (xenstored: EINVAL).
probe_case "vmstored: GET_PERMS of a special name" <<'EOF_'
SET_PERMS @introduceDomain|n0|r7|
GET_PERMS @introduceDomain|
--
SET_PERMS OK|
GET_PERMS n0|r7|
EOF_

probe_case "watches: registration, sub-paths, removal, order" <<'EOF_'
WATCH /w1|tok1|
WATCH /w1|tok1|
WATCH /w1|tok2|
WRITE /w1/a/b|1
events 100
RM /w1|
WATCH /w1deep/x/y|tokd|
WRITE /w1deep/x/y/z|1
RM /w1deep|
UNWATCH /w1|tok1|
UNWATCH /w1|tok1|
UNWATCH /w1|
WATCH /w1|
WATCH /w1|t|extra|
WATCH bad//p|t|
--
WATCH OK|
EVENT /w1|tok1|
ERROR EEXIST|
WATCH OK|
EVENT /w1|tok2|
EVENT /w1/a/b|tok1|
EVENT /w1/a/b|tok2|
WRITE OK|
EVENT /w1|tok1|
EVENT /w1|tok2|
RM OK|
WATCH OK|
EVENT /w1deep/x/y|tokd|
EVENT /w1deep/x/y/z|tokd|
WRITE OK|
EVENT /w1deep/x/y|tokd|
RM OK|
UNWATCH OK|
ERROR ENOENT|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
EOF_

probe_case "watches: what fires and what does not" <<'EOF_'
WRITE /w2/a|1
WATCH /w2|t|
MKDIR /w2/a|
MKDIR /w2/b|
RM /w2/zz|
WRITE /w2/a|1
SET_PERMS /w2/a|n0|
DIRECTORY /w2|
WATCH /|root|
WRITE /w2/c|1
--
WRITE OK|
WATCH OK|
EVENT /w2|t|
MKDIR OK|
EVENT /w2/b|t|
MKDIR OK|
RM OK|
EVENT /w2/a|t|
WRITE OK|
EVENT /w2/a|t|
SET_PERMS OK|
DIRECTORY a|b|
WATCH OK|
EVENT /|root|
EVENT /w2/c|t|
EVENT /w2/c|root|
WRITE OK|
EOF_

probe_case "relative watches report relative paths" <<'EOF_'
WATCH w3/p|reltok|
WRITE /local/domain/0/w3/p/q|v
RM /local/domain/0/w3|
--
WATCH OK|
EVENT w3/p|reltok|
EVENT w3/p/q|reltok|
WRITE OK|
EVENT w3/p|reltok|
RM OK|
EOF_

probe_case "watches are per connection; another's change fires" <<'EOF_'
conn 1
WATCH /w4|a|
conn 2
WRITE /w4/k|v
conn 1
events 200
close
conn 2
WRITE /w4/k|again
--
WATCH OK|
WRITE OK|
EVENT /w4|a|
EVENT /w4/k|a|
WRITE OK|
EOF_

probe_case "transactions: isolation, commit, abort, errors" <<'EOF_'
TRANSACTION_START %save=t |
READ %tx=$t /tx1|
WRITE %tx=$t /tx1|1
READ /tx1|
READ %tx=$t /tx1|
TRANSACTION_START %tx=$t |
TRANSACTION_END %tx=$t T|
READ /tx1|
TRANSACTION_END %tx=$t T|
TRANSACTION_END T|
TRANSACTION_START %save=t2 |
WRITE %tx=$t2 /tx1|2
TRANSACTION_END %tx=$t2 X|
TRANSACTION_END %tx=$t2 |
TRANSACTION_END %tx=$t2 F|
READ /tx1|
READ %tx=12345 /tx1|
--
TRANSACTION_START 1|
ERROR ENOENT|
WRITE OK|
ERROR ENOENT|
READ 1
ERROR EBUSY|
TRANSACTION_END OK|
READ 1
ERROR ENOENT|
ERROR ENOENT|
TRANSACTION_START 2|
WRITE OK|
ERROR EINVAL|
ERROR EINVAL|
TRANSACTION_END OK|
READ 1
ERROR ENOENT|
EOF_

probe_case "transactions: conflicts give EAGAIN" <<'EOF_'
WRITE /tx2/x|val
TRANSACTION_START %save=t |
READ %tx=$t /tx2/x|
conn 1
WRITE /tx2/x|changed
conn 0
TRANSACTION_END %tx=$t T|
TRANSACTION_START %save=t |
READ %tx=$t /tx2/x|
conn 1
WRITE /tx2/other|changed
conn 0
TRANSACTION_END %tx=$t T|
TRANSACTION_START %save=t |
DIRECTORY %tx=$t /tx2|
conn 1
WRITE /tx2/newchild|changed
conn 0
TRANSACTION_END %tx=$t T|
TRANSACTION_START %save=t |
READ %tx=$t /tx2/nonexist|
conn 1
WRITE /tx2/nonexist|now
conn 0
TRANSACTION_END %tx=$t T|
TRANSACTION_START %save=t |
WRITE %tx=$t /tx2/tw2|1
conn 1
RM /tx2|
conn 0
TRANSACTION_END %tx=$t T|
READ /tx2/tw2|
--
WRITE OK|
TRANSACTION_START 1|
READ val
WRITE OK|
ERROR EAGAIN|
TRANSACTION_START 2|
READ changed
WRITE OK|
TRANSACTION_END OK|
TRANSACTION_START 3|
DIRECTORY x|other|
WRITE OK|
ERROR EAGAIN|
TRANSACTION_START 4|
ERROR ENOENT|
WRITE OK|
ERROR EAGAIN|
TRANSACTION_START 5|
WRITE OK|
RM OK|
ERROR EAGAIN|
ERROR ENOENT|
EOF_

probe_case "transactions: a node read twice reads the same" <<'EOF_'
WRITE /tx5|a
TRANSACTION_START %save=t |
READ %tx=$t /tx5|
conn 1
WRITE /tx5|b
conn 0
READ %tx=$t /tx5|
WRITE %tx=$t /tx5|c
READ %tx=$t /tx5|
TRANSACTION_END %tx=$t T|
READ /tx5|
--
WRITE OK|
TRANSACTION_START 1|
READ a
WRITE OK|
READ a
WRITE OK|
READ c
ERROR EAGAIN|
READ b
EOF_

probe_case "transactions: watches fire on commit only" <<'EOF_'
conn 1
WATCH /tx3|w|
conn 0
TRANSACTION_START %save=t |
WRITE %tx=$t /tx3/a|1
MKDIR %tx=$t /tx3/b|
conn 1
events 100
conn 0
TRANSACTION_END %tx=$t T|
conn 1
events 200
--
WATCH OK|
TRANSACTION_START 1|
WRITE OK|
MKDIR OK|
EVENT /tx3|w|
TRANSACTION_END OK|
EVENT /tx3/a|w|
EVENT /tx3/b|w|
EOF_

probe_case "transactions: rm and re-create inside one" <<'EOF_'
WRITE /tx4/a/b|1
WRITE /tx4/a/c|2
TRANSACTION_START %save=t |
RM %tx=$t /tx4/a|
READ %tx=$t /tx4/a/b|
DIRECTORY %tx=$t /tx4|
WRITE %tx=$t /tx4/a/d|3
DIRECTORY %tx=$t /tx4/a|
READ /tx4/a/b|
TRANSACTION_END %tx=$t T|
DIRECTORY /tx4/a|
READ /tx4/a/c|
--
WRITE OK|
WRITE OK|
TRANSACTION_START 1|
RM OK|
ERROR ENOENT|
DIRECTORY 
WRITE OK|
DIRECTORY d|
READ 1
TRANSACTION_END OK|
DIRECTORY d|
ERROR ENOENT|
EOF_

{
	for i in $(seq 500); do echo "WRITE /p5/entry$i|x"; done
	echo "DIRECTORY /p5|"
	echo "DIRECTORY_PART /p5|99999|"
	echo "DIRECTORY_PART /p5|"
	echo "DIRECTORY_PART /p5|abc|"
	echo "DIRECTORY_PART /nothere|0|"
} | timeout 20 "$XSPROBE" | sort | uniq -c | sed 's/^ *//' >"$T/p5.out"
expect "E2BIG for a 500-entry listing; DIRECTORY_PART past the end, bad args" \
	$'1 DIRECTORY_PART 503||\n1 ERROR E2BIG|\n2 ERROR EINVAL|\n1 ERROR ENOENT|\n500 WRITE OK|' \
	"$(sed 's/DIRECTORY_PART [0-9]*|/DIRECTORY_PART 503|/' "$T/p5.out")"

{
	for i in $(seq 500); do echo "WRITE /p7/entry$i|x"; done
	echo "DIRECTORY /p7|"
	echo "CONTROL reply-max|4095|"
	echo "CONTROL reply-max|65537|"
	echo "CONTROL reply-max|65536|"
	echo "DIRECTORY /p7|"
} | timeout 20 "$XSPROBE" | cut -c1-30 | uniq -c | sed 's/^ *//' >"$T/p7.out"
expect "vmstored: CONTROL reply-max lets one connection take long listings" \
	$'500 WRITE OK|\n1 ERROR E2BIG|\n2 ERROR EINVAL|\n1 CONTROL OK|\n1 DIRECTORY entry1|entry2|entry3' \
	"$(cat "$T/p7.out")"
probe_case "... and only that connection" <<'EOF_'
DIRECTORY /p7|
--
ERROR E2BIG|
EOF_

probe_case "DIRECTORY_PART slices by byte offset" 's/_PART [0-9]*|/_PART G|/' <<'EOF_'
WRITE /p6/x|1
WRITE /p6/y|1
WRITE /p6/m|1
DIRECTORY_PART /p6|0|
DIRECTORY_PART /p6|2|
DIRECTORY_PART /p6|3|
DIRECTORY_PART /p6|6|
--
WRITE OK|
WRITE OK|
WRITE OK|
DIRECTORY_PART G|x|y|m||
DIRECTORY_PART G|y|m||
DIRECTORY_PART G||m||
DIRECTORY_PART G||
EOF_

probe_case "domains: introduce, release, special watches" <<'EOF_'
conn 1
WATCH @introduceDomain|in|
WATCH @releaseDomain|out|
conn 0
IS_DOMAIN_INTRODUCED 0|
IS_DOMAIN_INTRODUCED 5|
INTRODUCE 5|4660|7|
INTRODUCE 5|4660|7|
INTRODUCE 5|9999|7|
IS_DOMAIN_INTRODUCED 5|
RESUME 5|
SET_TARGET 5|6|
conn 1
events 100
conn 0
RELEASE 5|
RELEASE 5|
IS_DOMAIN_INTRODUCED 5|
RESUME 5|
INTRODUCE 0|1|1|
INTRODUCE x|1|1|
INTRODUCE 6|1|
RELEASE 0|
conn 1
events 100
--
WATCH OK|
EVENT @introduceDomain|in|
WATCH OK|
IS_DOMAIN_INTRODUCED T|
IS_DOMAIN_INTRODUCED F|
INTRODUCE OK|
INTRODUCE OK|
ERROR EEXIST|
IS_DOMAIN_INTRODUCED T|
RESUME OK|
SET_TARGET OK|
EVENT @releaseDomain|out|
EVENT @introduceDomain|in|
RELEASE OK|
ERROR ENOENT|
IS_DOMAIN_INTRODUCED F|
ERROR ENOENT|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
ERROR EINVAL|
EVENT @releaseDomain|out|
EOF_

probe_case "unknown and reply-only message types get ENOSYS" <<'EOF_'
99 foo|
20 foo|
WATCH_EVENT x|
ERROR x|
RESET_WATCHES |
READ /p1/a|
--
ERROR ENOSYS|
ERROR ENOSYS|
ERROR ENOSYS|
ERROR ENOSYS|
RESET_WATCHES OK|
READ hello
EOF_

probe_case "CONTROL commands" <<'EOF_'
CONTROL bogus|
CONTROL print|hello from the test|
CONTROL check|
CONTROL quota|set|nodes|abc|
CONTROL quota|set|nosuch|5|
--
ERROR EINVAL|
CONTROL OK|
CONTROL OK|
ERROR EINVAL|
ERROR EINVAL|
EOF_

stop_store "$STORE_PID"
expect "daemon exits cleanly" "0" "$?"
[ "$FAILS" -eq 0 ]
