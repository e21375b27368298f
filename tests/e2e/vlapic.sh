#!/usr/bin/env bash
# The virtual local APIC of HVM domains: the vlapic guest (registers at
# reset, self-IPIs with IRR/ISR/EOI, priority order, TPR, ESR, the LVT
# timer one-shot and periodic, an APIC vector and the callback vector
# pending together, odd accesses, the APIC base MSR) in nested and shadow
# paging, an IPI between two vCPUs, each beside a hello guest that must finish as usual.
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
