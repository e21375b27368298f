#!/usr/bin/env bash
# Boot test guests under plain QEMU (no hypervisor) through QEMU's own
# PVH loader: checks the guest runtime (PVH note and 32-bit entry, long
# mode, start info, COM1 output, exceptions, isa-debug-exit, caught traps,
# user mode, page tables) and the paging workload before the hypervisor
# can run them. One PASS:/FAIL: line per case.
set -u
GUESTS=${GUEST_DIR:-build/guests}
IMAGE=$GUESTS/hello.elf
LOGDIR=${TEST_LOGDIR:-build/test-logs}/guests-bare
mkdir -p "$LOGDIR"
fails=0

# run NAME EXPECTED_EXIT APPEND [extra qemu args...]; output in $LOGDIR/NAME.log
run() {
	local name=$1 want=$2 append=$3
	shift 3
	timeout 60 qemu-system-x86_64 -M q35 -cpu EPYC-Milan -m 64M -display none \
		-no-reboot -nic none -monitor none -serial "file:$LOGDIR/$name.log" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$IMAGE" -append "$append" "$@" 2>"$LOGDIR/$name.err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: bare $name: exit status $rc, expected $want"
		sed 's/^/    /' "$LOGDIR/$name.log"
		fails=$((fails + 1))
		return 1
	fi
	return 0
}

# expect NAME LINE: the guest printed exactly this line
expect() {
	if grep -qxF -- "$2" "$LOGDIR/$1.log"; then
		return 0
	fi
	echo "FAIL: bare $1: missing line: $2"
	sed 's/^/    /' "$LOGDIR/$1.log"
	fails=$((fails + 1))
	return 1
}

# expect_re NAME REGEX: some line of the output matches
expect_re() {
	if grep -q -- "$2" "$LOGDIR/$1.log"; then
		return 0
	fi
	echo "FAIL: bare $1: no line matching: $2"
	sed 's/^/    /' "$LOGDIR/$1.log"
	fails=$((fails + 1))
	return 1
}

pass() {
	echo "PASS: bare $1"
}

for g in hello selftest ptwork; do
	if [ ! -f "$GUESTS/$g.elf" ]; then
		echo "FAIL: bare guests: $GUESTS/$g.elf not built"
		exit 1
	fi
done

run hello 33 "console=x" &&
	expect hello "hello: hello, world" &&
	expect hello "hello: hypervisor none" &&
	expect hello 'hello: start info version 1, cmdline "console=x", 0 modules, 9 memory map entries' &&
	expect hello "hello: shutting down with status 0" && pass "hello prints and powers off"

run status 35 "a=b status=3" &&
	expect status "hello: shutting down with status 3" && pass "hello shuts down with a status"

printf 'module-bytes' > "$LOGDIR/module.bin"
run module 33 "" -initrd "$LOGDIR/module.bin" &&
	expect_re module '^hello: module 0 at 0x[0-9a-f]*, 12 bytes$' &&
	pass "hello sees its module"

run fault 35 "fault=ud" &&
	expect_re fault '^hello: exception 6 error 0x0 at rip 0x1[0-9a-f]*' &&
	pass "guest exception is reported"

IMAGE=$GUESTS/selftest.elf
run selftest 33 "" && expect selftest "selftest: 0 failed" &&
	pass "runtime self-test (caught traps, user mode, page tables)"

# The paging workload checks itself against its model; MOV and locked
# read-modify-write updates of the tables must give the same checksum.
IMAGE=$GUESTS/ptwork.elf
run ptwork 33 "ops=5000" && expect_re ptwork '^ptwork: checksum 0x[0-9a-f]*, 0 mismatches' &&
	pass "ptwork without mismatches"
run ptwork-rmw 33 "ops=5000 pte=rmw" && expect_re ptwork-rmw ', 0 mismatches' &&
	if [ "$(grep checksum "$LOGDIR/ptwork.log")" = "$(grep checksum "$LOGDIR/ptwork-rmw.log")" ]; then
		pass "ptwork: same checksum with read-modify-write page-table updates"
	else
		echo "FAIL: bare ptwork: checksums differ between pte=mov and pte=rmw"
		fails=$((fails + 1))
	fi

[ "$fails" -eq 0 ]
