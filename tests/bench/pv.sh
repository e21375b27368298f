#!/usr/bin/env bash
# make bench-pv: the null hypercall of a PV guest (SYSCALL through its
# hypercall page, IRET back: no world switch) against an HVM guest's
# (VMMCALL: #VMEXIT and VMRUN), both xen_version(XENVER_version), both
# timed with RDTSC inside the guest, in the same boot of the release
# build (one domain of each kind, side by side). key: value lines; the
# issue's target is null_hypercall_pv_vs_hvm <= 0.5. Two boots: Umbra as
# booted by default, with xpti (docs/pv.md: two CR3 loads per PV entry,
# each a whole TLB flush under QEMU TCG), then with xpti=0 (the whole
# hypervisor in guests' tables as supervisor pages, no switch).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_OUT=build/bench/pv
E2E_TIMEOUT=300
mkdir -p "$E2E_OUT"
die() { echo "bench-pv: $*" >&2; exit 1; }

# measure NAME EXTRA_CMDLINE KEY_SUFFIX: one boot, its three lines.
measure() {
	local m pv hvm

	m="$HVM_GUESTS/pvbench.elf name=pvb type=pv mem=16M -- samples=${PV_SAMPLES:-2000} rounds=15; "
	m+=$(module xb exitbench nested 32M samples=${SAMPLES:-20000} rounds=10)
	boot "$1" build/umbra.elf "$HVM_CMDLINE$2" "$m"
	rc_is 33 || die "the boot failed (QEMU status $BOOT_RC, log $BOOT_LOG)"
	pv=$(guest_value pvb '^pvbench: hypercall_median_tsc ([0-9]+)$')
	hvm=$(guest_value xb '^exitbench: wp0 hypercall_median_tsc ([0-9]+)$')
	[ -n "$pv" ] && [ -n "$hvm" ] || die "no results in $BOOT_LOG"
	echo "null_hypercall_pv${3}_guest_tsc: $pv"
	echo "null_hypercall_hvm${3}_guest_tsc: $hvm"
	awk -v a="$pv" -v b="$hvm" -v k="$3" \
		'BEGIN { printf "null_hypercall_pv%s_vs_hvm: %.4f\n", k, a / b }'
}

measure pv "" ""
measure pv-no-xpti " xpti=0" "_no_xpti"
