#!/usr/bin/env bash
# make bench-paging: the project's headline comparison (issue #16). One
# boot of the release build runs ptwork's paging workload four ways: as a
# PV kernel on shared page tables (pvptwork, paging=shared; its entry
# changes batched into multicalls as a PV kernel does them, and again
# with pte=trap, a trapped store per entry), as a PV
# kernel translated on mmu/'s shadows (pvptwork, paging=shadow), as an
# HVM guest on shadows and on nested paging (ptwork); each beside a run
# with ops=0 whose exits (start of day, building the spaces) are taken
# off, and without the host timer's interrupts. Every run must give the
# same checksum. Printed: exits (hypervisor entries) per operation and
# the page-table memory the hypervisor holds per mode, their ratios; then
# a second boot times the null hypercall of make bench-pv (pvbench
# against exitbench, side by side and alone: beside eight busy domains
# the timings measure the scheduler). Every ratio is of numbers from one
# boot. key: value lines; targets: pv_shared_vs_pv_shadow_exits
# <= 0.1, pv_shared_pt_memory_vs_shadow <= 0.05, null_hypercall_pv_vs_hvm
# <= 0.5 (docs/pv.md says what the numbers mean).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_OUT=build/bench/paging
E2E_TIMEOUT=600
OPS=${OPS:-20000}
mkdir -p "$E2E_OUT"
die() { echo "bench-paging: $*" >&2; exit 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.4f\n", a / b }'; }

pv() { printf '%s name=%s type=pv mem=16M paging=%s -- %s; ' "$HVM_GUESTS/$1.elf" "$2" "$3" "$4"; }
m=""
for n in 0 n; do
	ops=$OPS
	[ "$n" = 0 ] && ops=0
	m+=$(pv pvptwork pvsh-$n shared "ops=$ops")
	m+=$(pv pvptwork pvtr-$n shared "ops=$ops pte=trap")
	m+=$(pv pvptwork pvsd-$n shadow "ops=$ops")
	m+=$(module hvsd-$n ptwork shadow 16M ops=$ops)
	m+=$(module hvnp-$n ptwork nested 16M ops=$ops)
done
boot paging build/umbra.elf "$HVM_CMDLINE" "$m"
rc_is 33 || die "the boot failed (QEMU status $BOOT_RC, log $BOOT_LOG)"

sum=""
for d in pvsh pvtr pvsd hvsd hvnp; do
	s=$(guest_value "$d-n" '^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*')
	[ -n "$s" ] && stopped_with "$d-n" poweroff || die "$d: the workload failed (log $BOOT_LOG)"
	[ -z "$sum" ] || [ "$s" = "$sum" ] || die "$d: checksum $s, not $sum: not the same workload"
	sum=$s
done
echo "ptwork_ops: $OPS"
echo "ptwork_checksum: $sum (the same in all four modes, batched and trapped)"
faults=$(guest_value pvsh-n '^ptwork: [0-9]+ ops: .*, ([0-9]+) faults$')
echo "ptwork_guest_page_faults_per_op: $(ratio "$faults" "$OPS")"

# Exits less host interrupts, less the ops=0 run's, per operation.
exits_of() {	# NAME KEY
	echo $(( $(stat "$1" "$2") - $(stat "$1" intr) ))
}
for d in pvsh:entries pvtr:entries pvsd:entries hvsd:exits hvnp:exits; do
	name=${d%%:*} key=${d#*:}
	full=$(exits_of "$name-n" "$key") base=$(exits_of "$name-0" "$key")
	eval "per_op_$name=$(awk -v f="$full" -v b="$base" -v n="$OPS" 'BEGIN { printf "%.4f\n", (f - b) / n }')"
done
echo "pv_shared_exits_per_op: $per_op_pvsh"
echo "pv_shared_trapped_exits_per_op: $per_op_pvtr"
echo "pv_shadow_exits_per_op: $per_op_pvsd"
echo "hvm_shadow_exits_per_op: $per_op_hvsd"
echo "hvm_nested_exits_per_op: $per_op_hvnp"

# Page-table memory the hypervisor holds for the run, at its peak, pages:
# shared-pt's shadow directories; the shadow engine's tables and
# bookkeeping; the nested tables.
pt_pvsh=$(paging_stat pvsh-n shadow_pages_peak)
pt_pvsd=$(paging_stat pvsd-n pages_peak)
pt_hvsd=$(( $(paging_stat hvsd-n pages_peak) + $(paging_stat hvsd-n npt_pages) ))
pt_hvnp=$(paging_stat hvnp-n npt_pages)
echo "pv_shared_pt_pages: $pt_pvsh"
echo "pv_shadow_pt_pages: $pt_pvsd"
echo "hvm_shadow_pt_pages: $pt_hvsd"
echo "hvm_nested_pt_pages: $pt_hvnp"
# shared-pt's frame table (16 bytes per machine frame, for every PV
# domain at once): this domain's share, for the record.
ft=$(( (16 << 20) / 4096 * 16 / 4096 ))
echo "pv_shared_frame_table_share_pages: $ft"

echo "pv_shared_vs_pv_shadow_exits: $(ratio "$per_op_pvsh" "$per_op_pvsd")"
echo "pv_shared_trapped_vs_pv_shadow_exits: $(ratio "$per_op_pvtr" "$per_op_pvsd")"
echo "pv_shared_batched_vs_trapped_exits: $(ratio "$per_op_pvsh" "$per_op_pvtr")"
echo "pv_shared_vs_hvm_shadow_exits: $(ratio "$per_op_pvsh" "$per_op_hvsd")"
# Nested paging takes no exit for this workload at all (#PF, CR3 and
# INVLPG stay in the guest): the ratio is then infinite, said so.
echo "pv_shared_vs_hvm_nested_exits: $(ratio "$per_op_pvsh" "$per_op_hvnp")"
# What is left when the workload's own page faults (bounced to a PV
# kernel in both PV modes; never an exit under nested paging) are not
# counted: the page-table work itself.
less_faults() { awk -v a="$1" -v f="$faults" -v n="$OPS" 'BEGIN { print a - f / n }'; }
echo "pv_shared_vs_pv_shadow_exits_without_guest_faults: $(ratio \
	"$(less_faults "$per_op_pvsh")" "$(less_faults "$per_op_pvsd")")"
echo "pv_shared_trapped_vs_pv_shadow_exits_without_guest_faults: $(ratio \
	"$(less_faults "$per_op_pvtr")" "$(less_faults "$per_op_pvsd")")"
echo "pv_shared_pt_memory_vs_shadow: $(ratio "$pt_pvsh" "$pt_pvsd")"
echo "pv_shared_pt_memory_vs_hvm_shadow: $(ratio "$pt_pvsh" "$pt_hvsd")"
echo "pv_shared_pt_memory_with_frame_table_share_vs_shadow: $(ratio "$(( pt_pvsh + ft ))" "$pt_pvsd")"

m=$(pv pvbench pvb shared "samples=${PV_SAMPLES:-2000} rounds=15")
m+=$(module xb exitbench nested 32M samples=${SAMPLES:-20000} rounds=10)
boot paging-hypercall build/umbra.elf "$HVM_CMDLINE" "$m"
rc_is 33 || die "the second boot failed (QEMU status $BOOT_RC, log $BOOT_LOG)"

pvt=$(guest_value pvb '^pvbench: hypercall_median_tsc ([0-9]+)$')
hvt=$(guest_value xb '^exitbench: wp0 hypercall_median_tsc ([0-9]+)$')
[ -n "$pvt" ] && [ -n "$hvt" ] || die "no null hypercall results in $BOOT_LOG"
echo "null_hypercall_pv_guest_tsc: $pvt"
echo "null_hypercall_hvm_guest_tsc: $hvt"
echo "null_hypercall_pv_vs_hvm: $(ratio "$pvt" "$hvt")"
