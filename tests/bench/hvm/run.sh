#!/usr/bin/env bash
# make bench-hvm: key: value lines.
#  - CPUID, null-hypercall (xen_version), RDMSR (EFER) and IN (COM1's
#    LSR) round trips, median of SAMPLES, measured in the guest with RDTSC
#    under the test build, beside their floors (the same instruction
#    answered by the test build's VMRUN loop right after #VMEXIT,
#    public/exit_floor.h) in the same run, interleaved; guest CR0.WP clear
#    (no suffix) and set (_wp). The same loops without a hypervisor under
#    the same QEMU. Ratios of each pair.
#  - ptwork under each paging mode: exits per operation (a run with
#    ops=0 is subtracted, so set-up and the final sweep do not count, nor
#    do timer-interrupt exits), their ratio, and the page-table memory the
#    hypervisor reports for the domain.
set -u
cd "$(dirname "$0")/../../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

SAMPLES=${SAMPLES:-50000}
ROUNDS=${ROUNDS:-10}
OPS=${OPS:-20000}
E2E_OUT=build/bench/hvm
E2E_TIMEOUT=300
HVM_ELF=build/umbra.elf
HVM_TEST_ELF=${HVM_TEST_ELF:-build/test/umbra.elf}
mkdir -p "$E2E_OUT"

die() { echo "bench-hvm: $*" >&2; exit 1; }
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.4f\n", a / b }'
}

# Round trips under the test build, whose VMRUN loop also answers the
# floor twins (public/exit_floor.h): Umbra's path and the emulator's floor
# are measured in the same guest, interleaved, in one run.
boot exits "$HVM_TEST_ELF" "$HVM_CMDLINE" "$(module xb exitbench nested 32M samples=$SAMPLES rounds=$ROUNDS)"
rc_is 33 || die "exitbench under Umbra failed (QEMU status $BOOT_RC, log $BOOT_LOG)"
guest_said_re xb 'floor yes$' || die "the test build offered no exit floor (log $BOOT_LOG)"
hv() { guest_value xb "^exitbench: wp$1 $2_median_tsc ([0-9]+)\$"; }

# The same loops on the bare (emulated) machine.
bare_run exits-bare "$HVM_GUESTS/exitbench.elf" "samples=$SAMPLES rounds=$ROUNDS"
[ "$BARE_RC" -eq 33 ] || die "bare exitbench failed (QEMU status $BARE_RC, log $BARE_LOG)"
bare() { sed -nE "s/^exitbench: wp$1 $2_median_tsc ([0-9]+)\$/\1/p" "$BARE_LOG"; }

echo "samples: $SAMPLES (in $ROUNDS interleaved rounds)"
# wp0: the guest runs with CR0.WP clear; wp1: set, as Linux runs.
for w in 0 1; do
	cpuid=$(hv $w cpuid); hcall=$(hv $w hypercall)
	[ -n "$cpuid" ] && [ -n "$hcall" ] || die "no results in $BOOT_LOG"
	sfx=""; [ $w -eq 1 ] && sfx="_wp"
	echo "cpuid_exit_roundtrip_guest_tsc$sfx: $cpuid"
	echo "exit_floor_guest_tsc$sfx: $(hv $w cpuid_floor)"
	echo "exit_vs_floor_ratio$sfx: $(ratio "$cpuid" "$(hv $w cpuid_floor)")"
	echo "null_hypercall_roundtrip_guest_tsc$sfx: $hcall"
	echo "null_hypercall_floor_guest_tsc$sfx: $(hv $w hypercall_floor)"
	echo "null_hypercall_vs_floor_ratio$sfx: $(ratio "$hcall" "$(hv $w hypercall_floor)")"
	echo "rdmsr_efer_roundtrip_guest_tsc$sfx: $(hv $w rdmsr)"
	echo "rdmsr_floor_guest_tsc$sfx: $(hv $w rdmsr_floor)"
	echo "rdmsr_vs_floor_ratio$sfx: $(ratio "$(hv $w rdmsr)" "$(hv $w rdmsr_floor)")"
	echo "inb_uart_roundtrip_guest_tsc$sfx: $(hv $w inb)"
	echo "inb_floor_guest_tsc$sfx: $(hv $w inb_floor)"
	echo "inb_vs_floor_ratio$sfx: $(ratio "$(hv $w inb)" "$(hv $w inb_floor)")"
	echo "rdtsc_back_to_back_guest_tsc$sfx: $(hv $w rdtsc)"
	echo "cpuid_native_guest_tsc$sfx: $(bare $w cpuid)"
	echo "rdtsc_back_to_back_native_tsc$sfx: $(bare $w rdtsc)"
	echo "exit_vs_native_ratio$sfx: $(ratio "$cpuid" "$(bare $w cpuid)")"
	echo "hypercall_vs_native_cpuid_ratio$sfx: $(ratio "$hcall" "$(bare $w cpuid)")"
done

# ptwork: a run with the operations and one without, in each mode
# (OPS=0 skips it).
[ "$OPS" -eq 0 ] && exit 0
m=""
for mode in nested shadow; do
	m+=$(module "$mode-0" ptwork "$mode" 16M ops=0)
	m+=$(module "$mode-n" ptwork "$mode" 16M ops=$OPS)
done
boot ptwork "$HVM_ELF" "$HVM_CMDLINE" "$m"
echo "ptwork_ops: $OPS"
for mode in nested shadow; do
	if ! stopped_with "$mode-n" poweroff || ! guest_said_re "$mode-n" ', 0 mismatches'; then
		echo "ptwork_${mode}: failed ($(sed -nE "s/^domain [0-9]+ \($mode-n\): (.*)/\1/p" \
			"$BOOT_LOG" | head -n 1))"
		continue
	fi
	base=$(( $(stat "$mode-0" exits) - $(stat "$mode-0" intr) ))
	full=$(( $(stat "$mode-n" exits) - $(stat "$mode-n" intr) ))
	per_op=$(awk -v f="$full" -v b="$base" -v n="$OPS" 'BEGIN { printf "%.4f\n", (f - b) / n }')
	eval "per_op_$mode=$per_op"
	echo "ptwork_${mode}_exits: $full (ops=0 run: $base)"
	echo "ptwork_${mode}_exits_per_op: $per_op"
	line=$(sed -nE "s/^domain [0-9]+ \($mode-n\) paging: (.*)/\1/p" "$BOOT_LOG")
	echo "ptwork_${mode}_paging_counters: ${line:-none printed}"
	npt=$(paging_stat "$mode-n" npt_pages)
	shadow=$(paging_stat "$mode-n" shadow_pages_peak)
	meta=$(paging_stat "$mode-n" meta_pages)
	pages=$(( ${npt:-0} + ${shadow:-0} + ${meta:-0} ))
	echo "ptwork_${mode}_hypervisor_pt_pages: $pages"
	echo "ptwork_${mode}_hypervisor_pt_kib: $(( pages * 4 ))"
	eval "pt_pages_$mode=$pages"
done
if [ -n "${per_op_nested:-}" ] && [ -n "${per_op_shadow:-}" ]; then
	echo "nested_vs_shadow_exits_ratio: $(ratio "$per_op_nested" "$per_op_shadow")"
	echo "nested_vs_shadow_pt_memory_ratio: $(ratio "$pt_pages_nested" "$pt_pages_shadow")"
fi
