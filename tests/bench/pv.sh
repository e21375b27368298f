#!/usr/bin/env bash
# make bench-pv: the null hypercall of a PV guest (SYSCALL through its
# hypercall page, IRET back: no world switch) against an HVM guest's
# (VMMCALL: #VMEXIT and VMRUN), both xen_version(XENVER_version), both
# timed with RDTSC inside the guest, in the same boot of the release
# build (one domain of each kind, side by side). key: value lines; the
# issue's target is null_hypercall_pv_vs_hvm <= 0.5. XPTI=1 boots Umbra
# with xpti (docs/pv.md: two CR3 loads per PV entry).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_OUT=build/bench/pv
E2E_TIMEOUT=300
mkdir -p "$E2E_OUT"
die() { echo "bench-pv: $*" >&2; exit 1; }

m="$HVM_GUESTS/pvbench.elf name=pvb type=pv mem=16M -- samples=${PV_SAMPLES:-2000} rounds=15; "
m+=$(module xb exitbench nested 32M samples=${SAMPLES:-20000} rounds=10)
boot pv build/umbra.elf "$HVM_CMDLINE${XPTI:+ xpti}" "$m"
rc_is 33 || die "the boot failed (QEMU status $BOOT_RC, log $BOOT_LOG)"
pv=$(guest_value pvb '^pvbench: hypercall_median_tsc ([0-9]+)$')
hvm=$(guest_value xb '^exitbench: wp0 hypercall_median_tsc ([0-9]+)$')
[ -n "$pv" ] && [ -n "$hvm" ] || die "no results in $BOOT_LOG"
echo "xpti: $([ -n "${XPTI:-}" ] && echo on || echo off)"
echo "null_hypercall_pv_guest_tsc: $pv"
echo "null_hypercall_hvm_guest_tsc: $hvm"
awk -v a="$pv" -v b="$hvm" 'BEGIN { printf "null_hypercall_pv_vs_hvm: %.4f\n", a / b }'
