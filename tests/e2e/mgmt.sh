#!/usr/bin/env bash
# dom0's management path, end to end: Umbra boots dom0 with umbra.ko in
# its initramfs; at dom0's shell (a tmux terminal on the serial console)
# the driver has said it is loaded, /dev/umbra is root's only, and
# umbra-smoke (libvmctl, statically linked) lists domains, sees malformed
# ioctls refused, creates the hello guest from a plain and a gzip'd ELF
# with a ramdisk, follows its console through poll() until it stops,
# destroys it, and sees bad images refused with nothing left behind.
#
# dom0's own initramfs is used as built; the test's files (umbra-smoke,
# the guest images, a passwd with `nobody`) come in a second cpio archive
# appended to it, which Linux unpacks over the first.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
SMOKE=${MGMT_SMOKE:-build/tests/e2e/umbra-smoke}
HELLO=build/guests/hello.elf
TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

for f in "$DOM0/vmlinuz" "$DOM0/initrd.img" "$SMOKE" "$HELLO"; do
	[ -s "$f" ] || { echo "FAIL: $f exists (make dom0 $SMOKE $HELLO)"; exit 1; }
done

# The test's files, as a cpio archive appended to dom0's initramfs.
test_initrd() {
	local root out=$E2E_OUT/mgmt-initrd.img
	root=$(mktemp -d)
	chmod 0755 "$root"	# its mode becomes dom0's / again
	mkdir -p "$root/usr/bin" "$root/etc" "$root/root"
	install -m 0755 "$SMOKE" "$root/usr/bin/umbra-smoke"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	cp "$HELLO" "$root/root/hello.elf"
	gzip -9c "$HELLO" > "$root/root/hello.elf.gz"
	head -c 3000 "$HELLO" > "$root/root/truncated.elf"
	cp "$HELLO" "$root/root/arm.elf"
	printf '\xb7\x00' | dd of="$root/root/arm.elf" bs=1 seek=18 conv=notrunc status=none
	head -c 20000 /dev/urandom > "$root/root/ramdisk.img"
	initrd_plus "$root" "$out"
}

# Type CMD at dom0's shell and wait for REGEX in what follows.
wait_file() { # FILE REGEX SECS
	local end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		tr -d '\r' < "$1" | grep -qE -- "$2" && return 0
		sleep 0.5
	done
	echo "  (no /$2/ in $1)"
	return 1
}

initrd=$(test_initrd)
boot_dom0 mgmt "$initrd" 384M
check "umbra.ko loaded without complaint" \
	bash -c "! grep -q 'umbra.ko did not load' '$TTY_LOG'"

at_dom0 "the driver says it is ready" "dmesg | grep 'umbra: '" \
	'umbra: Umbra [0-9]+\.[0-9]+, [0-9]+ CPUs, [0-9]+ MiB free; /dev/umbra ready'
check "the driver takes Umbra's events by an interrupt Linux allocated (an I/O APIC GSI)" \
	tty_wait_new 'umbra: events by interrupt: GSI [0-9]+, IRQ [0-9]+, vector 0x[0-9a-f]+ on the CPU with APIC ID 0' 5
check "Umbra read that GSI's redirection entry and names dom0's CPU" \
	wait_file "$com2" "^mgmt: dom0's event interrupt: GSI [0-9]+, vector 0x[0-9a-f]+, to its pCPU 0" 5
at_dom0 "/dev/umbra is a character device for root only" "ls -l /dev/umbra" \
	'^crw------- +1 root +root .* /dev/umbra$'
at_dom0 "root opens /dev/umbra (interface versions agree)" "umbra-smoke open" '^open: ok$'
at_dom0 "a non-root user cannot open /dev/umbra" \
	"su -s /bin/sh nobody -c 'umbra-smoke open'" \
	'^open: cannot open /dev/umbra: Permission denied \(only root may manage domains\)$'
at_dom0 "root without CAP_SYS_ADMIN cannot open /dev/umbra" "umbra-smoke open-nocap" \
	'^open: cannot open /dev/umbra: Operation not permitted'
at_dom0 "the domain list names dom0" "umbra-smoke list" '^domain 0 [^ ]+ (running|blocked) mem_mib=3[0-9][0-9] vcpus=1$'
check "the list ends with its count" tty_wait_new '^list: [0-9]+ domains$' 5
at_dom0 "malformed ioctls are refused, each with its error" \
	'umbra-smoke ioctl-bad; echo "ioctl-bad rc=$?"' '^ioctl-bad rc=0$'

at_dom0 "a domain created from dom0 runs and prints" \
	"umbra-smoke run /root/hello.elf g1 status=0" '^console: hello: hello, world' 60
check "its command line reached it through the start info" \
	tty_wait_new 'console: hello: start info version 1, cmdline "status=0"' 5
check "it stops, and the library sees why" tty_wait_new '^state: shutdown \(poweroff\)$' 60
check "it is destroyed" tty_wait_new '^destroyed: domain [0-9]+$' 30

# The waiter blocks before the other process creates the domain (500 ms
# later): woken by it, promptly, and asleep meanwhile (a spinning waiter
# would burn its whole wait). The driver has no timer poll while it has
# its event interrupt: only that interrupt can wake the waiter, and
# /proc/interrupts counts it.
at_dom0 "poll() on /dev/umbra wakes a waiter when another process starts a domain" \
	'umbra-smoke poll /root/hello.elf; echo "poll rc=$?"' '^poll: woken after ([5-9][0-9]{2}|[1-9][0-9]{3,}) ms' 60
slept() { # "poll: woken after WALL ms, CPU ms of CPU": CPU < WALL / 2
	tty_text | grep -E '^poll: woken after' | tail -1 | awk '{ exit !($6 * 2 < $4) }'
}
check "the waiter slept rather than spun" slept
woke_soon() { # "poll: woken N ms after the other process began ...": N < 1500
	tty_text | grep -E '^poll: woken [0-9]+ ms after the other process' | tail -1 |
		awk '{ exit !($3 < 1500) }'
}
check "the waiter woke within 1.5 s of the other process's create" woke_soon
check "the domain the other process started ran and was destroyed" tty_wait_new '^poll rc=0$' 60
at_dom0 "the event interrupt fired (counted in /proc/interrupts)" \
	"grep umbra-events /proc/interrupts" '^ *[0-9]+: +[1-9][0-9]* +.*umbra-events' 10

at_dom0 "a gzip'd kernel with a ramdisk loads through zlib" \
	"umbra-smoke run /root/hello.elf.gz g2 status=0 /root/ramdisk.img" '^console: hello: hello, world' 60
check "the ramdisk reached it as PVH module 0" \
	tty_wait_new 'console: hello: module 0 at 0x[0-9a-f]+, 20000 bytes' 30
check "the gzip'd domain stops and is destroyed" tty_wait_new '^destroyed: domain [0-9]+$' 60

at_dom0 "a truncated image is refused with a reason" "umbra-smoke bad /root/truncated.elf" \
	"^create: '/root/truncated.elf': kernel image refused: .*outside the image" 30
check "the truncated image left no domain behind" tty_wait_new '^domains: before ([0-9]+) after \1$' 10
check "a refused image is refused before any domain is created" \
	bash -c "! grep -qE '^domain [0-9]+ \(bad\): created' '$com2'"
at_dom0 "an image for another architecture is refused" "umbra-smoke bad /root/arm.elf" \
	"^create: '/root/arm.elf': kernel image refused: not an x86 image" 30
check "the foreign image left no domain behind" tty_wait_new '^domains: before ([0-9]+) after \1$' 10

poweroff_dom0
