#!/usr/bin/env bash
# PV x86-64 domains on Umbra (docs/pv.md): boot modules with type=pv, the
# domain built as Xen's builder does (start_info, p2m list, bootstrap page
# tables validated by shared-pt), the guest kernel in ring 3 making
# hypercalls through its hypercall page (SYSCALL), beside a PVH domain.
# Then what must be refused: a guest exception with no trap table to
# bounce it to (the domain is crashed, saying so), an image without PV
# notes, a PV image as a PVH domain, paging modes PV does not have.
# One PASS:/FAIL: line per check.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=90

# pv_module NAME GUEST MEM [SPEC...] -- ARGS: a PV boot-module entry.
pv_module() {
	local name=$1 guest=$2 mem=$3
	shift 3
	printf '%s name=%s mem=%s type=pv %s; ' "$HVM_GUESTS/$guest.elf" "$name" "$mem" "$*"
}

s=pv-hello
m=$(pv_module pv1 pvhello 16M -- status=0)
m+=$(pv_module pv2 pvhello 32M paging=shared -- status=1)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "all domains stopped, QEMU powered off (33)" rc_is 33
check "the PV domain was built from its notes (entry, hypercall page, start info)" \
	log_has '^domain [0-9]+ \(pv1\): PV kernel umbra-minios at 0x100000-0x[0-9a-f]+, entry 0x100000, hypercall page 0x101000, start info 0x[0-9a-f]+, [0-9]+ page-table frames, mapped to 0x400000$'
check "created as PV with paging=shared" \
	log_has '^domain [0-9]+ \(pv1\): 16 MiB, 1 vCPU, PV, paging=shared, pool [0-9]+ KiB$'
check "its console works through console_io from ring 3" \
	guest_said pv1 "pvhello: hello from ring 3"
check "start_info: Xen's magic, and the guest's command line" \
	eval 'guest_said pv1 "pvhello: ok: start_info magic is xen-3.0-x86_64" &&
	      guest_said pv1 "pvhello: cmdline \"status=0\""'
check "the guest kernel runs in ring 3 on FLAT_RING3_CS64/SS64" \
	guest_said pv1 "pvhello: ok: running in ring 3 on FLAT_RING3_CS64/SS64"
check "p2m list and bootstrap page tables where the start info says" \
	eval 'guest_said pv1 "pvhello: ok: the p2m list names a machine frame for pfn 0x100" &&
	      guest_said pv1 "pvhello: ok: page tables after start_info, at least L4+L3+L2+L1"'
check "16 MiB is 4096 pages in start_info" guest_said_re pv1 '^pvhello: start_info "xen-3.0-x86_64", 4096 pages, '
check "xen_version and extraversion through the hypercall page" \
	eval 'guest_said pv1 "pvhello: xen_version 4.17" &&
	      guest_said pv1 "pvhello: ok: XENVER_extraversion fills a buffer"'
check "bad buffers (hypervisor, unmapped) get -EFAULT; an unknown call -ENOSYS" \
	eval 'guest_said pv1 "pvhello: ok: console_io from a hypervisor address: -EFAULT" &&
	      guest_said pv1 "pvhello: ok: console_io from an unmapped address: -EFAULT" &&
	      guest_said pv1 "pvhello: ok: an unknown hypercall: -ENOSYS"'
check "SCHEDOP_yield returns 0" guest_said pv1 "pvhello: ok: SCHEDOP_yield"
check "no check in the guest failed" guest_silent_re pv1 '^pvhello: FAIL'
# CPUID is native for a PV guest: what QEMU's EPYC-Milan model offers.
check "the CPU offers protection keys (CPUID 7.ECX.PKU), for the execute-only page" \
	guest_said_re pv1 '^pvhello: cpuid 7.0 ecx 0x[0-9a-f]+: pku 1 ospke 0$'
check "pv1 shut down with its status (poweroff)" stopped_with pv1 poweroff
check "pv2 shut down with its status (reboot)" stopped_with pv2 reboot
check "the hypercalls were counted, one bad one" \
	eval '[ "$(stat pv1 hypercalls_bad)" = 1 ] && is_positive "$(stat pv1 hypercalls)"'
check "its page tables were validated by shared-pt: one shadow L4" \
	eval '[ "$(paging_stat pv1 shadow_pages)" = 1 ] && is_positive "$(paging_stat pv1 validations)" &&
	      [ "$(paging_stat pv1 refusals)" = 0 ]'
check "the PVH neighbour finished" stopped_with nb poweroff
check "no domain crashed" log_lacks ': crashed: '
scenario_end "$s"

s=pv-refused
m=$(pv_module ud pvhello 16M -- fault=ud)
m+=$(pv_module nonotes hello 16M)
m+=$(printf '%s name=aspvh mem=16M; ' "$HVM_GUESTS/pvhello.elf")
m+=$(pv_module nested pvhello 16M paging=nested)
m+=$(pv_module twovcpus pvhello 16M vcpus=2)
m+=$(pv_module ok pvhello 16M -- status=0)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "a #UD with no trap table: the domain is crashed, saying what and where" \
	crashed_with ud '#UD invalid opcode at 0x[0-9a-f]+ \(error 0, cr2 0\): no trap table$'
check "an image without Xen PV notes is refused, saying so" \
	log_has '^domain [0-9]+ \(nonotes\): PV image refused: no Xen PV ELF notes: not a PV kernel$'
check "a PV kernel as a PVH domain is refused (no PVH entry note)" \
	log_has '^domain [0-9]+ \(aspvh\): image refused: no PVH entry note'
check "paging=nested for a PV domain is refused" \
	log_has 'paging=nested is not offered to PV domains yet \(paging=shared is\)'
check "a PV domain with 2 vCPUs is refused for now, saying why" \
	log_has "domain 'twovcpus' not created: PV domains have one vCPU for now"
check "the good PV domain beside them finished" stopped_with ok poweroff
check "the PVH neighbour finished" stopped_with nb poweroff
check "nothing else crashed" eval '[ "$(log_count ": crashed: ")" = 1 ]'
scenario_end "$s"
