# Shared by the end-to-end scenarios: build an ISO, boot it under QEMU/TCG
# with a timeout, keep the serial console log, and check what it says.
# Each check prints "PASS: name" or "FAIL: name" (tests/run-suites.sh counts
# them); a failed scenario prints its console log.

E2E_OUT=${E2E_OUT:-build/e2e}
E2E_TIMEOUT=${E2E_TIMEOUT:-120}
QEMU_CPU_DEFAULT=EPYC-Milan,+svm,+npt
mkdir -p "$E2E_OUT"

# boot NAME ELF "CMDLINE" "MODULES" [SMP] [MEM]
# Sets BOOT_LOG (console log) and BOOT_RC (QEMU's exit status: 33 means
# the hypervisor reported success through isa-debug-exit, 35 failure,
# 124 timeout).
boot() {
	local name=$1 elf=$2 cmdline=$3 modules=$4 smp=${5:-2} mem=${6:-1G}
	local iso="$E2E_OUT/$name.iso"
	BOOT_LOG="$E2E_OUT/$name.log"
	scripts/mkiso.sh "$iso" "$elf" "$cmdline" "$modules" || { BOOT_RC=255; return; }
	timeout --kill-after=5 "$E2E_TIMEOUT" qemu-system-x86_64 -M q35 -cpu "${QEMU_CPU:-$QEMU_CPU_DEFAULT}" \
		-smp "$smp" -m "$mem" -display none -no-reboot -nic none \
		-serial "file:$BOOT_LOG" -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-cdrom "$iso" 2>"$E2E_OUT/$name.qemu-stderr"
	BOOT_RC=$?
	# Serial output has CRLF line ends.
	sed -i 's/\r$//' "$BOOT_LOG" 2>/dev/null || true
}

SCENARIO_FAILED=0

# check NAME CONDITION-COMMAND...: one test case.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		SCENARIO_FAILED=1
	fi
}

log_has() { grep -qE -- "$1" "$BOOT_LOG"; }
log_lacks() { ! grep -qE -- "$1" "$BOOT_LOG"; }
log_count() { grep -cE -- "$1" "$BOOT_LOG"; }
rc_is() { [ "$BOOT_RC" -eq "$1" ]; }

# Print the console log of a scenario that had a failed check.
scenario_end() {
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- console log of $1 (QEMU exit status $BOOT_RC) ----"
		cat "$BOOT_LOG" 2>/dev/null
		cat "$E2E_OUT/$1.qemu-stderr" 2>/dev/null | grep -v "TCG doesn't support" || true
		echo "---- end of console log ----"
	fi
	SCENARIO_FAILED=0
}
