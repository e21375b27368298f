#!/usr/bin/env bash
# Boot the hello guest under plain QEMU (no hypervisor) through QEMU's own
# PVH loader: checks the guest runtime (PVH note and 32-bit entry, long
# mode, start info, COM1 output, exceptions, isa-debug-exit) before the
# hypervisor can run it. One PASS:/FAIL: line per case.
set -u
IMAGE=${GUEST_IMAGE:-build/guests/hello.elf}
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

if [ ! -f "$IMAGE" ]; then
	echo "FAIL: bare guests: $IMAGE not built"
	exit 1
fi

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

[ "$fails" -eq 0 ]
