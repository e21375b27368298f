#!/usr/bin/env bash
# The virtual local APIC of HVM domains: the vlapic guest (registers at
# reset, self-IPIs with IRR/ISR/EOI, priority order, TPR, ESR, the LVT
# timer one-shot and periodic, an APIC vector and the callback vector
# pending together, odd accesses, the APIC base MSR) in nested and shadow
# paging, an IPI between two vCPUs, each beside a hello guest that must finish as usual;
# then vCPU 1 started by INIT and STARTUP IPIs (sipi=1).
# One PASS:/FAIL: line per check.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=90

s=vlapic
m=$(module vn vlapic nested "8M vcpus=2" ipi=1)
m+=$(module vs vlapic shadow "8M vcpus=2" ipi=1)
m+=$(module hn hello nested 4M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "every domain stopped, QEMU powered off (33)" rc_is 33
for t in vn:nested vs:shadow; do
	IFS=: read -r name mode <<< "$t"
	for what in "self-IPI delivered once, ISR set in handler" "EOI cleared ISR" \
		"three self-IPIs taken highest first" "TPR 0x50 holds vector 0x45 back" \
		"illegal vector sent: ESR send-illegal" "LVTERR with an illegal vector: ESR 0x60" \
		"one-shot 20 ms fired once, on time (us)" \
		"periodic 5 ms: interrupts in 60 ms within bounds" \
		"APIC vector and upcall pending together: both arrive once" \
		"an upcall whose delivery faults (fresh stack page) arrives once" \
		"writes to read-only registers ignored" "APIC base moved into RAM: #GP" \
		"vCPU 1 sees its own APIC (ID 1)" "CR8 write seen as TPR 0x50" \
		"CR8 5 holds vector 0x45 back" "TPR write seen as CR8 3" \
		"IPI to vCPU 1 taken there, its answering IPI taken here once"; do
		check "$mode: $what" guest_said_re "$name" "^vlapic: PASS $(printf '%s' "$what" |
			sed 's/[][().*^$]/\\&/g')"
	done
	check "$mode: every vlapic check passed" guest_said_re "$name" '^vlapic: [1-9][0-9]* passed, 0 failed$'
	check "$mode: $name shut down normally" stopped_with "$name" poweroff
done
check "the neighbour finished" stopped_with hn poweroff
check "no domain crashed" log_lacks ': crashed: '
scenario_end "$s"

# vCPU 1 started the PC way: INIT, then STARTUP into a real-mode
# trampoline (tests/guests/vlapic/sipi.c), with Xen's rules for repeated
# and misdirected IPIs, in both paging modes beside a neighbour.
s=vlapic-sipi
m=$(module in vlapic nested "8M vcpus=2" sipi=1)
m+=$(module is vlapic shadow "8M vcpus=2" sipi=1)
m+=$(module hn hello nested 4M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "sipi: every domain stopped, QEMU powered off (33)" rc_is 33
for t in in:nested is:shadow; do
	IFS=: read -r name mode <<< "$t"
	for what in "vCPU 1 is down before any IPI" \
		"a STARTUP to an APIC ID nobody has starts nothing" \
		"INIT and its de-assert leave vCPU 1 down" \
		"STARTUP: vCPU 1 runs the real-mode trampoline at 0900:0000" \
		"its console_io from real mode returned 0" "VCPUOP_is_up says vCPU 1 is up" \
		"a second STARTUP, and INIT + STARTUP to a running vCPU, do not restart it" \
		"no APIC error from any of it"; do
		check "sipi $mode: $what" guest_said_re "$name" "^vlapic: PASS $(printf '%s' "$what" |
			sed 's/[][().*^$+]/\\&/g')"
	done
	check "sipi $mode: the AP's own line (console_io in real mode)" \
		guest_said "$name" "vlapic: AP running in real mode after STARTUP"
	check "sipi $mode: every check passed" guest_said_re "$name" '^vlapic: [1-9][0-9]* passed, 0 failed$'
	check "sipi $mode: $name shut down normally" stopped_with "$name" poweroff
done
check "sipi: the neighbour finished" stopped_with hn poweroff
check "sipi: no domain crashed" log_lacks ': crashed: '
scenario_end "$s"
