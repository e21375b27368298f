#!/usr/bin/env bash
# dom0's image (make dom0: Debian's kernel, busybox and the dom0 tools in
# an initramfs), typed into over its serial console from a tmux terminal.
# The image is first checked on the bare emulated machine, without Umbra:
# that is the baseline dom0 under Umbra is compared with.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
DOM0_TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

for f in vmlinuz initrd.img; do
	[ -s "$DOM0/$f" ] || { echo "FAIL: $DOM0/$f exists (make dom0)"; exit 1; }
done

# Everything a person checks first at a fresh dom0 shell.
shell_checks() {
	local where=$1
	tty_mark
	tty_type 'echo sum=$((6*7))'
	check "$where: the shell runs commands" tty_wait_new '^sum=42' 30
	tty_mark
	tty_type 'ls /run/umbra; cat /proc/cmdline'
	check "$where: vmstored serves its socket" tty_wait_new 'vmstored\.sock' 30
	tty_mark
	tty_type 'grep -c ^processor /proc/cpuinfo'
	check "$where: the shell sees its CPUs" tty_wait_new '^[0-9]+$' 30
}

native() {
	tty_start dom0-native qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 1G \
		-display none -no-reboot -nic none -serial stdio -monitor none \
		-kernel "$DOM0/vmlinuz" -initrd "$DOM0/initrd.img" \
		-append "console=ttyS0 quiet panic=-1"
	check "native: dom0 image reaches umbra-dom0: ready" \
		tty_wait '^umbra-dom0: ready' "$DOM0_TIMEOUT"
	check "native: no vmstored failure at start" \
		bash -c "! grep -q 'vmstored did not start' '$TTY_LOG'"
	shell_checks native
	tty_type 'poweroff'
	check "native: poweroff stops the machine" tty_wait 'reboot: Power down' 60
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of native ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 60
	fi
	SCENARIO_FAILED=0
	tty_stop
}

native
