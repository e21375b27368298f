#!/usr/bin/env bash
# Conformance with Debian's real XenStore clients (xenstore-utils): each
# case drives vmstored with xenstore-write/-read/-ls/-list/-exists/-rm/
# -chmod/-watch/-control exactly as a user would and checks the output,
# the exit status and the error message.
. "$(dirname "$0")/lib.sh"

start_store conf || { fail "daemon starts"; exit 1; }

run_cmd xenstore-write /c/a hello
run_cmd xenstore-read /c/a
expect "write then read" "hello" "$OUT"

run_cmd xenstore-write /c/x 1 /c/y 2
run_cmd xenstore-read /c/x /c/y
expect "multi-key write and read (in a transaction)" $'1\n2' "$OUT"

run_cmd xenstore-read -p /c/a
expect "read -p prefixes the path" "/c/a: hello" "$OUT"

run_cmd xenstore-read /c/missing
expect "read of a missing node fails" \
	"1 xenstore-read: couldn't read path /c/missing" "$RC $OUT"

run_cmd xenstore-read /c/a /c/missing
expect "multi-key read with one missing fails" \
	"1 xenstore-read: couldn't read path /c/missing" \
	"$RC $(echo "$OUT" | grep couldn)"

run_cmd xenstore-exists /c/a
expect "exists: present" "0" "$RC"
run_cmd xenstore-exists /c/nope
expect "exists: absent" "1" "$RC"

run_cmd xenstore-list /c
expect "list in creation order" $'a\nx\ny' "$OUT"

run_cmd xenstore-list -p /c
expect "list -p" $'/c/a\n/c/x\n/c/y' "$OUT"

run_cmd xenstore-list /nope
expect "list of a missing node" "1 xenstore-list: could not list path /nope" \
	"$RC $OUT"

run_cmd xenstore-write /d/1/2/3 deep
run_cmd xenstore-ls /d
expect "write creates parents; ls shows the tree" \
	$'1 = ""\n 2 = ""\n  3 = "deep"' "$OUT"

run_cmd xenstore-ls -f /d
expect "ls -f" $'/d/1 = ""\n/d/1/2 = ""\n/d/1/2/3 = "deep"' "$OUT"

run_cmd xenstore-ls -p /c
expect "ls -p shows owner and access" \
	$'a = "hello"  . . . . . . . . . . . . . . . . . . . . . . . .  (n0)
x = "1"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)
y = "2"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)' "$OUT"

run_cmd xenstore-chmod /c/a r1 b2 w3 n4
run_cmd xenstore-ls -p /c
expect "chmod sets an ACL" 'a = "hello"  . . . . . . . . . . . . . . . . . . . . . . . .  (r1,b2,w3,n4)' \
	"$(echo "$OUT" | head -1)"

run_cmd xenstore-chmod -r /d b7
run_cmd xenstore-ls -p /d
expect "chmod -r applies below too" \
	$'1 = "" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (b7)
 2 = ""  . . . . . . . . . . . . . . . . . . . . . . . . . .  (b7)
  3 = "deep" . . . . . . . . . . . . . . . . . . . . . . . .  (b7)' "$OUT"

run_cmd xenstore-chmod /c/a x1
expect "chmod rejects a bad mode" \
	"1 xenstore-chmod: Invalid permission specification: 'x'" "$RC $OUT"

run_cmd xenstore-chmod /nope r1
expect "chmod of a missing node" "1" "$RC"

run_cmd xenstore-rm /c/x
run_cmd xenstore-list /c
expect "rm removes one node" $'a\ny' "$OUT"

run_cmd xenstore-rm /c/not-there
expect "rm of a missing leaf is fine" "0" "$RC"

run_cmd xenstore-rm /no/such/parent
expect "rm below a missing parent fails" \
	"1 xenstore-rm: could not remove path /no/such/parent" "$RC $OUT"

run_cmd xenstore-rm /d
run_cmd xenstore-exists /d/1/2/3
expect "rm removes the whole subtree" "1" "$RC"

run_cmd xenstore-write /t/a/b/c 1
run_cmd xenstore-rm -t /t/a/b/c
run_cmd xenstore-exists /t
expect "rm -t tidies empty parents" "1" "$RC"

run_cmd xenstore-write rel/key 5
run_cmd xenstore-read /local/domain/0/rel/key
expect "relative paths live under /local/domain/0" "5" "$OUT"

run_cmd xenstore-write 'bad//path' 1
expect "invalid path is refused" "1 xenstore-write: could not write path bad//path" \
	"$RC $OUT"
run_cmd xenstore-write '/trailing/' 1
expect "trailing slash is refused" "1" "$RC"
run_cmd xenstore-write '/bad char' 1
expect "invalid character is refused" "1" "$RC"

run_cmd xenstore-write /c/esc 'tab\there\x01'
run_cmd xenstore-read /c/esc
expect "escaped bytes round-trip" 'tab\there\001' "$OUT"

big=$(head -c 4000 /dev/zero | tr '\0' 'v')
run_cmd xenstore-write /c/big "$big"
run_cmd xenstore-read /c/big
expect "4000-byte value" "$big" "$OUT"

long=/$(head -c 2047 /dev/zero | tr '\0' 'p')
run_cmd xenstore-write "$long" ok
run_cmd xenstore-read "$long"
expect "2048-character path is allowed" "ok" "$OUT"
run_cmd xenstore-write "${long}q" no
expect "2049-character path is refused" "1" "$RC"

# 1,000 children make a listing too big for one reply: the client gets
# E2BIG and switches to DIRECTORY_PART.
args=()
for i in $(seq 1000); do args+=("/big/child-number-$i" x); done
run_cmd xenstore-write "${args[@]}"
run_cmd xenstore-list /big
expect "listing of 1,000 children (DIRECTORY_PART)" \
	"1000 /big/child-number-1 child-number-1000" \
	"$(echo "$OUT" | wc -l) /big/$(echo "$OUT" | head -1) $(echo "$OUT" | tail -1)"

# Watches: fire once on registration, then for the node and anything
# below it, including removal.
timeout 10 xenstore-watch -n 5 /w >"$T/watch.out" 2>&1 &
wpid=$!
for i in $(seq 50); do
	[ -s "$T/watch.out" ] && break
	sleep 0.05
done
run_cmd xenstore-write /w/a 1
run_cmd xenstore-write /w/a/b 2
run_cmd xenstore-write /other 3
run_cmd xenstore-chmod /w/a b0
run_cmd xenstore-rm /w
wait $wpid
expect "xenstore-watch sees registration, writes, chmod and rm" \
	$'/w\n/w/a\n/w/a/b\n/w/a\n/w' "$(cat "$T/watch.out")"

# Many writers at once: every multi-key write is a transaction that
# retries on EAGAIN, and nothing may be lost.
writers=()
for i in $(seq 20); do
	timeout 20 xenstore-write "/par/$i/a" "$i" "/par/$i/b" "$i" &
	writers+=($!)
done
wait "${writers[@]}"
run_cmd xenstore-list /par
expect "20 concurrent transactional writers" "20" "$(echo "$OUT" | wc -l)"

# /usr/bin/xenstore-control is a wrapper that wants a hypervisor; the
# real client lives in Xen's library directory.
XSCONTROL=$(ls /usr/lib/xen-*/bin/xenstore-control 2>/dev/null | tail -1)
run_cmd "$XSCONTROL" check
expect "xenstore-control check" "0" "$RC"
run_cmd "$XSCONTROL" help
expect "xenstore-control help" "0 yes" \
	"$RC $(echo "$OUT" | grep -q '^quota' && echo yes)"
run_cmd "$XSCONTROL" no-such-command
expect "xenstore-control rejects unknown commands" "1" "$([ $RC -ne 0 ] && echo 1)"

run_cmd xenstore read /c/a
expect "multiplexed 'xenstore read'" "hello" "$OUT"

stop_store "$STORE_PID"
expect "daemon exits cleanly on SIGTERM" "0" "$?"
[ "$FAILS" -eq 0 ]
