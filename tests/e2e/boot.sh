#!/usr/bin/env bash
# End-to-end boot scenarios for the hypervisor base, each booted
# from a GRUB ISO in QEMU with the TCG-emulated AMD SVM machine.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

TEST_ELF=build/test/umbra.elf
RELEASE_ELF=build/umbra.elf
READY='^umbra: ready: cpus=[0-9]+ mem_free_mib=[0-9]+ svm=(yes|no) npt=(yes|no)$'

# The ready line, with values from the machine, exactly once; then the
# exit_on_ready option powers QEMU off with the success status.
boot ready "$RELEASE_ELF" "console=com1 loglvl=info exit_on_ready" ""
check "ready: exactly one ready line" [ "$(log_count "$READY")" -eq 1 ]
check "ready: cpus=2 svm=yes npt=yes" log_has '^umbra: ready: cpus=2 mem_free_mib=[0-9]+ svm=yes npt=yes$'
check "ready: exit status is success (33)" rc_is 33
mem=$(sed -nE 's/^umbra: ready: .*mem_free_mib=([0-9]+).*/\1/p' "$BOOT_LOG")
check "ready: free memory plausible for 1 GiB (900-1023 MiB)" \
	test "${mem:-0}" -ge 900 -a "${mem:-0}" -le 1023
check "ready: memory map printed" log_has '^  0000000000100000-[0-9a-f]+ available$'
# TCG's TSC is the host's: the calibrated figure must match the host's
# own within 10%, however loaded the host (one stretched PIT window once
# gave 2,520 MHz for a 2,096 MHz TSC).
tsc=$(sed -nE 's/^tsc: ([0-9]+) MHz.*/\1/p' "$BOOT_LOG")
check "ready: TSC frequency printed (${tsc:-none} MHz)" test "${tsc:-0}" -gt 0
host_mhz=$(awk -F: '/^cpu MHz/ { printf "%d", $2; exit }' /proc/cpuinfo 2>/dev/null)
if [ -n "$host_mhz" ] && grep -qw constant_tsc /proc/cpuinfo; then
	check "ready: TSC ${tsc:-?} MHz within 10% of the host's $host_mhz MHz" \
		test $(( (${tsc:-0} - host_mhz) * (${tsc:-0} - host_mhz) * 100 )) \
		-le $(( host_mhz * host_mhz )) -a "${tsc:-0}" -gt 0
fi
scenario_end ready

# Other machine shapes: one CPU, more memory.
boot smp1 "$RELEASE_ELF" "exit_on_ready" "" 1 2G
check "smp1: cpus=1" log_has '^umbra: ready: cpus=1 '
mem=$(sed -nE 's/^umbra: ready: .*mem_free_mib=([0-9]+).*/\1/p' "$BOOT_LOG")
check "smp1: 2 GiB machine reports more free memory" [ "${mem:-0}" -ge 1900 ]
check "smp1: exit status is success" rc_is 33
scenario_end smp1

# Deliberate exceptions in the test build: register dump, a backtrace with
# symbol names, and a failure exit.
for f in pf:14:fault_page ud:6:provoke_fault de:0:fault_divide; do
	IFS=: read -r kind vec fn <<< "$f"
	boot "fault-$kind" "$TEST_ELF" "exit_on_ready test_fault=$kind" ""
	check "fault-$kind: fatal trap reported with vector $vec" \
		log_has "^umbra: FATAL TRAP: vector $vec \("
	check "fault-$kind: register dump" log_has '^RAX: [0-9a-f]{16} RBX: [0-9a-f]{16}'
	check "fault-$kind: RIP named" log_has "^RIP: e008:ffffffff8[0-9a-f]+ $fn\+0x"
	check "fault-$kind: backtrace reaches start_umbra" log_has '\] start_umbra\+0x'
	check "fault-$kind: failure exit status (35)" rc_is 35
	check "fault-$kind: no ready line" log_lacks '^umbra: ready:'
	scenario_end "fault-$kind"
done
boot fault-pf-cr2 "$TEST_ELF" "test_fault=pf" ""
check "fault-pf: CR2 holds the faulting address" log_has 'CR2: ffff800000000000 '
scenario_end fault-pf-cr2

boot panic "$TEST_ELF" "test_fault=panic" ""
check "panic: message" log_has '^umbra: PANIC on cpu 0: test: deliberate panic$'
check "panic: backtrace" log_has '\] start_umbra\+0x'
check "panic: failure exit status" rc_is 35
scenario_end panic

# Bad modules: reported, and boot completes.
garbage="$E2E_OUT/garbage.bin"
head -c 65536 /dev/urandom | tr '\177' 'x' > "$garbage"
: > "$E2E_OUT/empty.bin"
boot modules "$RELEASE_ELF" "exit_on_ready" \
	"$garbage name=junk; $E2E_OUT/empty.bin name=nothing; $E2E_OUT/does-not-exist.elf name=ghost"
check "modules: garbage module reported and ignored" \
	log_has "^module 0: .*\(65536 bytes\) 'name=junk': unrecognised format, ignored$"
check "modules: empty module reported" log_has "^module 1: .*'name=nothing': empty, ignored$"
check "modules: loader reports the missing file" log_has "does-not-exist|not found"
check "modules: boot completes" log_has '^umbra: ready: cpus=2 '
check "modules: exit status is success" rc_is 33
scenario_end modules

# Bad options: reported and ignored, never fatal; loglvl filters the console.
boot options "$RELEASE_ELF" "no_such_option=1 loglvl=bogus dom0_mem=12Q exit_on_ready=maybe exit_on_ready" ""
check "options: unknown option reported" log_has "no_such_option"
check "options: malformed loglvl reported" log_has "loglvl"
check "options: malformed boolean reported" log_has "exit_on_ready=maybe"
check "options: boot completes" log_has '^umbra: ready: '
check "options: exit status is success" rc_is 33
scenario_end options

boot loglvl "$RELEASE_ELF" "loglvl=error exit_on_ready" ""
check "loglvl=error: info lines suppressed" log_lacks '^memory map'
check "loglvl=error: ready line still printed" log_has '^umbra: ready: '
scenario_end loglvl

# A CPU without SVM is refused with a message saying what is missing.
QEMU_CPU=EPYC-Milan,-svm boot no-svm "$TEST_ELF" "exit_on_ready" ""
check "no-svm: refused with a clear message" log_has 'PANIC on cpu 0: this CPU has no AMD SVM'
check "no-svm: no ready line" log_lacks '^umbra: ready:'
check "no-svm: failure exit status" rc_is 35
scenario_end no-svm
