#!/usr/bin/env bash
# PV x86-64 domains on Umbra (docs/pv.md): boot modules with type=pv, the
# domain built as Xen's builder does (start_info, p2m list, bootstrap page
# tables validated by shared-pt), the guest kernel in ring 3 making
# hypercalls through its hypercall page (SYSCALL), beside a PVH domain.
# Then what must be refused: a guest exception with no trap table to
# bounce it to (the domain is crashed, saying so), an image without PV
# notes, a PV image as a PVH domain, paging modes PV does not have. And
# all of it again with paging=shadow (translated), plus pvptwork; memory
# reservations (pvmem) in both modes.
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

# pv_time_checks NAME T0 T1: pvhello NAME's time checks (tests/guests/
# pvhello/time.c): the records the builder published in its shared_info,
# and its time of day against the host's clock (T0 before the boot, T1
# after; QEMU's RTC is the host's clock in UTC).
pv_time_checks() {
	local g=$1 t0=$2 t1=$3 tod
	tod=$(guest_value "$g" '^pvhello: time of day ([0-9]+) s$')
	check "$g: time: vcpu_info[0].time published by the builder (version even, a multiplier)" \
		guest_said "$g" "pvhello: ok: time: vcpu_info[0].time is published (version even, a multiplier)"
	check "$g: time: system time is the TSC at the time leaf's rate, advances with it, never goes back" \
		eval 'guest_said "$g" "pvhello: ok: time: system time is the TSC at the time leaf'"'"'s rate, the clock of set_timer_op (< 1 ms)" &&
		      guest_said "$g" "pvhello: ok: time: system time advances with the TSC (pvclock formula, within 10 us over 5 ms)" &&
		      guest_said "$g" "pvhello: ok: time: system time never goes back"'
	check "$g: time: the wall clock is written (wc_version even, after 2020)" \
		eval 'guest_said "$g" "pvhello: ok: time: wc_version written, even" &&
		      guest_said "$g" "pvhello: ok: time: the wall clock is set (after 2020, nsec below a second)"'
	check "$g: time: its time of day is the host's, within 10 s ($tod in $t0-$t1)" \
		eval '[ -n "$tod" ] && [ "$tod" -ge $((t0 - 10)) ] && [ "$tod" -le $((t1 + 10)) ]'
}

# pv_subop_checks NAME shared|translated: pvtraps NAME's start-of-day
# queries (subops.c) and set_callbacks, in either paging mode.
pv_subop_checks() {
	local g=$1 mode=$2
	check "$g: XENMEM_memory_map: one RAM entry of all 4096 pages; XENMEM_maximum_reservation 4096" \
		eval 'guest_said $g "pvtraps: ok: XENMEM_memory_map: one RAM entry, all of its nr_pages from 0" &&
		      guest_said $g "pvtraps: ok: XENMEM_memory_map with room for none: 0 entries" &&
		      guest_said $g "pvtraps: maximum reservation 4096 pages, nr_pages 4096" &&
		      guest_said $g "pvtraps: ok: XENMEM_maximum_reservation: the nr_pages it was built with"'
	check "$g: XENVER_capabilities xen-3.0-x86_64; its $mode features; pae_pgdir_above_4gb with the assist" \
		eval 'guest_said $g "pvtraps: ok: XENVER_capabilities begins with xen-3.0-x86_64 (64-bit PV)" &&
		      guest_said_re $g "^pvtraps: ok: $mode features: " &&
		      guest_said $g "pvtraps: ok: features: no highmem_assist, no gnttab_map_avail_bits (not offered); not dom0" &&
		      guest_said $g "pvtraps: ok: vm_assist pae_extended_cr3 on: XENFEAT_pae_pgdir_above_4gb, as Xen" &&
		      guest_said $g "pvtraps: ok: vm_assist pae_extended_cr3 off: the feature goes"'
	check "$g: callback_op as Xen: unknown type -ENOSYS; only the NMI callback unregisters" \
		eval 'guest_said $g "pvtraps: ok: a callback type not offered: -ENOSYS (Xen)" &&
		      guest_said $g "pvtraps: ok: unregistering the event callback: -EINVAL (Xen: replaced, never removed)" &&
		      guest_said $g "pvtraps: ok: unregistering the NMI callback: 0" &&
		      guest_said $g "pvtraps: ok: unregistering a callback type not offered: -ENOSYS"'
	check "$g: set_callbacks registers the event callback; a refused address leaves that one, result 0 (Xen)" \
		eval 'guest_said $g "pvtraps: ok: set_callbacks registers the event callback: the next upcall enters it" &&
		      guest_said $g "pvtraps: ok: set_callbacks with a non-canonical failsafe and a syscall in the hypervisor: 0, the event callback set"'
}

# pv_callback_flag_checks NAME: pvabi NAME's set_callbacks (flags 0, as Xen).
pv_callback_flag_checks() {
	local g=$1
	check "$g: set_callbacks' syscall callback leaves events unmasked (flags 0); callback_op's mask_events masks; its failsafe is entered" \
		eval 'guest_said $g "pvabi: ok: callback_op'"'"'s syscall callback with CALLBACKF_mask_events: entered with events masked" &&
		      guest_said $g "pvabi: ok: set_callbacks'"'"' syscall callback (flags 0, as Xen): entered with events as they were (unmasked)" &&
		      guest_said $g "pvabi: ok: set_callbacks'"'"' failsafe callback is entered for an unloadable DS"'
}

s=pv-hello
m=$(pv_module pv1 pvhello 16M -- status=0)
m+=$(pv_module pv2 pvhello 32M paging=shared initdomain -- status=1)
m+=$(module nb hello nested 8M status=0)
t0=$(date -u +%s)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
t1=$(date -u +%s)
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
check "XENVER_capabilities names 64-bit PV first (xen-3.0-x86_64), as Xen" \
	eval 'guest_said pv1 "pvhello: capabilities \"xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64\"" &&
	      guest_said pv1 "pvhello: ok: XENVER_capabilities begins with xen-3.0-x86_64 (64-bit PV)"'
check "features on shared page tables: mmu_pt_update_preserve_ad (0x20); with initdomain also dom0 (0x800)" \
	eval 'guest_said pv1 "pvhello: features 0x20 (0)" && guest_said pv2 "pvhello: features 0x820 (0)"'
pv_time_checks pv1 "$t0" "$t1"
check "no check in the guest failed" guest_silent_re pv1 '^pvhello: FAIL'
# CPUID is native for a PV guest: what QEMU's EPYC-Milan model offers.
check "protection keys (CPUID 7.ECX.PKU) are on (OSPKE: Umbra sets CR4.PKE for the execute-only page)" \
	guest_said_re pv1 '^pvhello: cpuid 7.0 ecx 0x[0-9a-f]+: pku 1 ospke 1$'
check "XSAVE is off while it runs (CPUID 1.ECX.OSXSAVE 0: no XRSTOR loads PKRU)" \
	guest_said_re pv1 '^pvhello: cpuid 1 ecx 0x[0-9a-f]+: osxsave 0$'
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
m+=$(pv_module ninevcpus pvhello 16M vcpus=9)
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
	log_has 'paging=nested is not offered to PV domains \(shared or shadow are\)'
check "a PV domain with 9 vCPUs is refused, saying why" \
	log_has '^module [0-9]+: vcpus: 9 is not 1 to 8$'
check "the good PV domain beside them finished" stopped_with ok poweroff
check "the PVH neighbour finished" stopped_with nb poweroff
check "nothing else crashed" eval '[ "$(log_count ": crashed: ")" = 1 ]'
scenario_end "$s"

# Bad pointers and lengths in every hypercall (tests/guests/pvtraps/
# badptr.c): each pointer argument of each hypercall given each class of
# bad address gets Xen's answer (one line per class, 62 arguments each);
# counts and lengths that run off the mapped page or past the ABI's
# limits get the part before done and reported, then Xen's error;
# answers asked into a read-only page of its own are refused, the page
# unchanged.
badptr_checks() {
	local d=$1 c
	for c in "an address in the hypervisor's direct map (slot 262)" \
		 "an address in the hypervisor's image (slot 511)" \
		 "an unmapped guest address" "the hypercall page (execute-only)" \
		 "a non-canonical address"; do
		guest_said "$d" "pvtraps: ok: badptr: $c: 62 pointer arguments, each refused as Xen refuses it" ||
			return 1
	done
	guest_said "$d" "pvtraps: ok: badptr: counts and lengths that run off the mapped page or past the ABI's limits: the part before it done and reported, then -EFAULT or -EINVAL" &&
	guest_said "$d" "pvtraps: ok: badptr: answers written into a read-only page of its own: -EFAULT (done counts passed over, a frame list GNTST_bad_virt_addr), the page unchanged" &&
	guest_said "$d" "pvtraps: ok: badptr: after it all its trap table and page tables are as they were" &&
	guest_silent_re "$d" '^pvtraps: FAIL: badptr'
}

# Exceptions and page-table hypercalls (tests/guests/pvtraps): every check
# the guest makes, and two attacks that must crash only the attacker.
s=pv-traps
m=$(pv_module pt pvtraps 16M)
m+=$(pv_module atk pvtraps 16M -- attack=iret_cs)
m+=$(pv_module stk pvtraps 16M -- attack=stack)
m+=$(pv_module irs pvtraps 16M -- attack=iret_stack)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "set_trap_table; #UD, #DE, #BP, #PF, #GP bounced to the guest and back with iret" \
	eval 'guest_said pt "pvtraps: ok: #UD bounced to the guest'"'"'s handler, iret back" &&
	      guest_said pt "pvtraps: ok: #DE bounced" &&
	      guest_said pt "pvtraps: ok: int3 arrives as #BP after the instruction, at the guest'"'"'s handler" &&
	      guest_said pt "pvtraps: ok: read of an unmapped address: #PF, error code 4 (user)" &&
	      guest_said pt "pvtraps: ok: hlt in ring 3: #GP"'
check "int \$0x80 to a DPL-3 entry; int \$0x81: #GP with n*8+2 (QEMU's n*16+2 corrected)" \
	eval 'guest_said pt "pvtraps: ok: int \$0x80 reaches the guest'"'"'s DPL-3 entry 0x80" &&
	      guest_said pt "pvtraps: ok: int \$0x81 without a DPL-3 entry: #GP with the IDT error code"'
check "the hypervisor's image faults; its direct map, frame table and main stacks are not in the guest's tables (xpti, the default)" \
	eval 'guest_said pt "pvtraps: ok: read of the hypervisor'"'"'s image: #PF, present, user (supervisor pages)" &&
	      guest_said pt "pvtraps: ok: xpti: read of the hypervisor'"'"'s direct map: #PF, not present (not in its tables)" &&
	      guest_said pt "pvtraps: ok: xpti: write to the hypervisor'"'"'s direct map: #PF, not present" &&
	      guest_said pt "pvtraps: ok: xpti: read of the hypervisor'"'"'s frame table: #PF, not present (not in its tables)" &&
	      guest_said pt "pvtraps: ok: xpti: read of CPU 0'"'"'s main stack: #PF, not present (not in its tables)"'
check "its own page tables are read-only to it" \
	guest_said pt "pvtraps: ok: write to its own L4: #PF, the tables are read-only"
check "trap table entries in the hypervisor or non-canonical: -EINVAL; bad table pointers: -EFAULT" \
	eval 'guest_said pt "pvtraps: ok: trap table entry inside the hypervisor: -EINVAL" &&
	      guest_said pt "pvtraps: ok: non-canonical trap table entry: -EINVAL" &&
	      guest_said pt "pvtraps: ok: trap table at an unmapped address: -EFAULT" &&
	      guest_said pt "pvtraps: ok: trap table read from the hypervisor'"'"'s image: -EFAULT"'
check "update_va_mapping maps shared_info; cr2 of a #PF is there" \
	eval 'guest_said pt "pvtraps: ok: update_va_mapping maps shared_info by its machine address" &&
	      guest_said pt "pvtraps: ok: a #PF'"'"'s address is in vcpu_info.arch.cr2 of the mapped shared_info"'
check "update_va_mapping refusals: own L4 writable -EACCES, foreign frame -EPERM, hypervisor slots -EINVAL" \
	eval 'guest_said pt "pvtraps: ok: mapping its own L4 writable: -EACCES" &&
	      guest_said pt "pvtraps: ok: mapping a machine frame not its own: -EPERM" &&
	      guest_said pt "pvtraps: ok: update_va_mapping in the hypervisor'"'"'s slots: -EINVAL"'
check "mmuext_op pin/unpin L1, flush; another domain's tables -EPERM; bad array -EFAULT" \
	eval 'guest_said pt "pvtraps: ok: mmuext_op pins it as an L1 table" &&
	      guest_said pt "pvtraps: ok: a pinned L1 cannot be mapped writable" &&
	      guest_said pt "pvtraps: ok: mmuext_op unpins it" &&
	      guest_said pt "pvtraps: ok: mmuext_op on another domain'"'"'s tables: -EPERM" &&
	      guest_said pt "pvtraps: ok: mmuext_op with its array unmapped: -EFAULT"'
check "mmuext_op new_baseptr to its pinned L4; to a writable data page refused" \
	eval 'guest_said pt "pvtraps: ok: new_baseptr to its pinned L4 again, and it still runs on it" &&
	      guest_said pt "pvtraps: ok: new_baseptr to one of its data pages (mapped writable): refused"'
check "mmu_update into the hypervisor's L4 slots (256, 511): -EPERM; array in the hypervisor: -EFAULT" \
	eval 'guest_said pt "pvtraps: ok: mmu_update into the hypervisor'"'"'s L4 slot 256: -EPERM" &&
	      guest_said pt "pvtraps: ok: mmu_update into L4 slot 511 (the hypervisor'"'"'s image): -EPERM" &&
	      guest_said pt "pvtraps: ok: mmu_update with its array in the hypervisor: -EFAULT"'
check "writable page tables: stores into its L1 emulated and validated (vm_assist on, then off)" \
	eval 'guest_said pt "pvtraps: ok: vm_assist enables writable page tables" &&
	      guest_said pt "pvtraps: ok: a plain store into its L1 is emulated (page now read-only)" &&
	      guest_said pt "pvtraps: ok: the hypervisor flushed: writing the page faults" &&
	      guest_said pt "pvtraps: ok: a second store makes it writable again" &&
	      guest_said pt "pvtraps: ok: assist off again: a store to its L1 is a #PF"'
check "writable page tables: a store mapping its own L4 writable or a foreign frame is a #PF, entry unchanged" \
	eval 'guest_said pt "pvtraps: ok: a store mapping its own L4 writable is refused: #PF, entry unchanged" &&
	      guest_said pt "pvtraps: ok: a store mapping a frame not its own is refused: #PF, entry unchanged"'
check "forced-emulation CPUID (ud2; xen; cpuid): Xen's and Umbra's leaves" \
	eval 'guest_said pt "pvtraps: ok: forced-emulation CPUID 0x40000100: XenVMMXenVMM" &&
	      guest_said pt "pvtraps: ok: forced-emulation CPUID 0x40000000: Umbra'"'"'s signature"'
check "callback_op: registered; in the hypervisor -EINVAL; bad pointer -EFAULT" \
	eval 'guest_said pt "pvtraps: ok: callback_op registers the event callback" &&
	      guest_said pt "pvtraps: ok: a callback inside the hypervisor: -EINVAL" &&
	      guest_said pt "pvtraps: ok: callback_op with its argument unmapped: -EFAULT"'
check "MMU_PT_UPDATE_PRESERVE_AD keeps the A/D bits the CPU set in its shared L1 entry" \
	eval 'guest_said pt "pvtraps: ok: its L1 entry cleaned of A/D, then a store: the CPU set both" &&
	      guest_said pt "pvtraps: ok: MMU_PT_UPDATE_PRESERVE_AD with A/D clear: the value stored, A and D kept" &&
	      guest_said pt "pvtraps: ok: MMU_NORMAL_PT_UPDATE with the same value: A and D cleared"'
pv_subop_checks pt shared
check "event upcalls through the common event channels: loopback send, masked, unmasked" \
	eval 'guest_said pt "pvtraps: ok: a loopback channel: alloc_unbound, bind_interdomain to itself" &&
	      guest_said pt "pvtraps: ok: bind_interdomain marks the new port pending (masked: no upcall)" &&
	      guest_said pt "pvtraps: ok: a send with events unmasked: one upcall, for the bound port" &&
	      guest_said pt "pvtraps: ok: the upcall'"'"'s iret unmasked events again" &&
	      guest_said pt "pvtraps: ok: masked: the event waits (upcall_pending), no upcall" &&
	      guest_said pt "pvtraps: ok: unmasked again: the pending upcall arrives at the next entry"'
check "VIRQ_TIMER: set_timer_op, SCHEDOP_block returns with the timer's upcall" \
	eval 'guest_said pt "pvtraps: ok: VIRQ_TIMER bound" &&
	      guest_said pt "pvtraps: ok: SCHEDOP_block returns with the timer'"'"'s upcall on its port"'
check "bad arguments to common hypercalls from PV: -EFAULT for hypervisor/unmapped pointers" \
	eval 'guest_said pt "pvtraps: ok: event_channel_op with its argument in the hypervisor: -EFAULT" &&
	      guest_said pt "pvtraps: ok: memory_op reading its domid from the hypervisor: -EFAULT" &&
	      guest_said pt "pvtraps: ok: grant_table_op query_size from an unmapped address: -EFAULT" &&
	      guest_said pt "pvtraps: ok: sched_op shutdown reading its reason from the hypervisor: -EFAULT" &&
	      guest_said pt "pvtraps: ok: xen_version writing into the hypervisor'"'"'s image: -EFAULT" &&
	      guest_said pt "pvtraps: ok: vcpu_op register_vcpu_info from the hypervisor: -EFAULT"'
check "bad values: -EINVAL (ports out of range, unknown VIRQ, console_io > 1 MiB), -ENOSYS (unknown ops and numbers)" \
	eval 'guest_said pt "pvtraps: ok: console_io longer than 1 MiB: -EINVAL" &&
	      guest_said pt "pvtraps: ok: evtchn send on a port out of range: -EINVAL" &&
	      guest_said pt "pvtraps: ok: evtchn close of a port out of range: -EINVAL" &&
	      guest_said pt "pvtraps: ok: evtchn bind_virq of a VIRQ that does not exist: -EINVAL" &&
	      guest_said pt "pvtraps: ok: sched_op 99: -ENOSYS" &&
	      guest_said pt "pvtraps: ok: hypercall 64 (past the table): -ENOSYS" &&
	      guest_said pt "pvtraps: ok: SYSCALL with hypercall number 2^64-2^32+1: -ENOSYS"'
check "set_segment_base FS/GS works; into the hypervisor or non-canonical -EINVAL; iret to RPL 0 runs in ring 3" \
	eval 'guest_said pt "pvtraps: ok: set_segment_base FS: %fs:0 reads the guest'"'"'s word" &&
	      guest_said pt "pvtraps: ok: set_segment_base GS (kernel): %gs:0 reads the guest'"'"'s word" &&
	      guest_said pt "pvtraps: ok: set_segment_base into the hypervisor: -EINVAL" &&
	      guest_said pt "pvtraps: ok: set_segment_base non-canonical: -EINVAL" &&
	      guest_said pt "pvtraps: ok: iret asking for ring 0 (cs 0xe030) comes back in ring 3 (0xe033)"'
check "grant table frames by machine frame: setup_table, mapped read-write, never a page table (-EINVAL), 15 frames refused" \
	eval 'guest_said pt "pvtraps: ok: grant: setup_table gives a machine frame of Umbra'"'"'s, not one of its RAM" &&
	      guest_said pt "pvtraps: ok: grant: its grant frame mapped read-write with update_va_mapping" &&
	      guest_said pt "pvtraps: ok: grant: its grant frame pinned as a page table: -EINVAL" &&
	      guest_said pt "pvtraps: ok: grant: setup_table for 15 frames: GNTST_general_error"'
check "grant version 2: status frames by machine frame; back to 1 -EBUSY while one is mapped (XSA-255)" \
	eval 'guest_said pt "pvtraps: ok: grant: set_version 3: -EINVAL" &&
	      guest_said pt "pvtraps: ok: grant: status frames in version 1: GNTST_general_error" &&
	      guest_said pt "pvtraps: ok: grant: more status frames than there are: GNTST_general_error" &&
	      guest_said pt "pvtraps: ok: grant: its status frame mapped by machine frame" &&
	      guest_said pt "pvtraps: ok: grant: back to version 1 while the status frame is mapped: -EBUSY" &&
	      guest_said pt "pvtraps: ok: grant: unmapped, back to version 1"'
check "grant device mappings: dev_bus_addr, each part unmapped alone, the frame held until both go (XSA-224)" \
	eval 'guest_said pt "pvtraps: ok: grant: a self-grant mapped host and device: dev_bus_addr is the machine address" &&
	      guest_said pt "pvtraps: ok: grant: the device part still holds the writable type: pin -EINVAL" &&
	      guest_said pt "pvtraps: ok: grant: a device unmap at another address: GNTST_bad_dev_addr" &&
	      guest_said pt "pvtraps: ok: grant: then the handle is gone: GNTST_bad_handle" &&
	      guest_said pt "pvtraps: ok: grant: nothing holds the frame: it pins as a table"'
check "grant unmap checks the entry's flags (XSA-234); unmap_and_replace moves new_addr's entry" \
	eval 'guest_said pt "pvtraps: ok: grant: an entry the guest rewrote is not the grant'"'"'s: unmap GNTST_general_error" &&
	      guest_said pt "pvtraps: ok: grant: unmap_and_replace without a host address: GNTST_general_error" &&
	      guest_said pt "pvtraps: ok: grant: unmap_and_replace moves new_addr'"'"'s entry over the grant" &&
	      guest_said pt "pvtraps: ok: grant: the refused handle is still there"'
check "grant GNTMAP_contains_pte: its own L1 entry by machine address; misaligned (XSA-227) or in no L1 table refused" \
	eval 'guest_said pt "pvtraps: ok: grant: contains_pte at a misaligned entry address: GNTST_general_error, the L1 intact" &&
	      guest_said pt "pvtraps: ok: grant: contains_pte in a page that is no L1 table: GNTST_general_error" &&
	      guest_said pt "pvtraps: ok: grant: contains_pte at its own L1 entry maps the grant there" &&
	      guest_said pt "pvtraps: ok: grant: unmapped by the entry'"'"'s address, its own page mapped back"'
check "bad pointers (hypervisor, unmapped, hypercall page, non-canonical) in each of 62 hypercall arguments, and counts running off the page: Xen's answers" \
	badptr_checks pt
check "no check in pvtraps failed, and it shut down normally" \
	eval 'guest_said pt "pvtraps: 0 failed" && stopped_with pt poweroff'
check "shared-pt counted the page-table hypercalls and their refusals" \
	eval 'is_positive "$(paging_stat pt mmu_update_calls)" && is_positive "$(paging_stat pt mmuext_calls)" &&
	      is_positive "$(paging_stat pt refusals)"'
check "iret to the hypervisor's code segment: that domain is crashed" \
	crashed_with atk 'iret with a bad frame at 0x[0-9a-f]+ \(cs 0x8, '
check "an exception with RSP in the hypervisor: that domain is crashed, nothing written" \
	crashed_with stk '#UD invalid opcode at 0x[0-9a-f]+ .*: no stack for the frame$'
check "the iret hypercall with its frame in the hypervisor: that domain is crashed" \
	crashed_with irs 'iret with a bad frame at 0xffff830000101000 '
check "the PVH neighbour finished" stopped_with nb poweroff
check "exactly the three attackers crashed" eval '[ "$(log_count ": crashed: ")" = 3 ]'
scenario_end "$s"

# Timers and event waits (tests/guests/pvtimer), in both paging modes:
# set_timer_op and VCPUOP_set_singleshot_timer woken through VIRQ_TIMER's
# upcall no earlier than the deadline (and under a generous bound: QEMU's
# timers can be tens of ms late), -ETIME for a past time with
# VCPU_SSHOTTMR_future, a stopped timer that never fires, SCHEDOP_poll on
# a port and with a timeout, EVTCHNOP_unmask raising a pending upcall.
s=pv-timer
m=$(pv_module tm pvtimer 16M paging=shared)
m+=$(pv_module tms pvtimer 16M paging=shadow)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
for g in tm tms; do
	check "$g: set_timer_op(now + 10 ms) and SCHEDOP_block: VIRQ_TIMER's upcall, not before the deadline" \
		eval 'guest_said $g "pvtimer: ok: set_timer_op(now + 10 ms), SCHEDOP_block: VIRQ_TIMER'"'"'s upcall wakes it" &&
		      guest_said $g "pvtimer: ok: set_timer_op: woken no earlier than the deadline"'
	check "$g: VCPUOP_set_singleshot_timer: woken by VIRQ_TIMER, not before the deadline; past + future flag -ETIME; past alone fires" \
		eval 'guest_said $g "pvtimer: ok: VCPUOP_set_singleshot_timer(now + 10 ms, future): VIRQ_TIMER wakes it" &&
		      guest_said $g "pvtimer: ok: singleshot: woken no earlier than the deadline" &&
		      guest_said $g "pvtimer: ok: singleshot with VCPU_SSHOTTMR_future at a time past: -ETIME" &&
		      guest_said $g "pvtimer: ok: singleshot at a time past without the flag: fires at once"'
	check "$g: VCPUOP_stop_singleshot_timer: the stopped timer never fires" \
		eval 'guest_said $g "pvtimer: ok: VCPUOP_stop_singleshot_timer after setting one 20 ms ahead" &&
		      guest_said $g "pvtimer: ok: the stopped timer never fires (a 60 ms poll on its port times out)"'
	check "$g: SCHEDOP_poll on the timer's port returns when it fires; with a timeout alone, at the timeout" \
		eval 'guest_said $g "pvtimer: ok: SCHEDOP_poll on VIRQ_TIMER'"'"'s port (2 s timeout): returns with the port pending, no upcall" &&
		      guest_said $g "pvtimer: ok: poll: returned no earlier than the timer'"'"'s deadline" &&
		      guest_said $g "pvtimer: ok: poll: returned before its own timeout" &&
		      guest_said $g "pvtimer: ok: SCHEDOP_poll on a port nobody signals, with a 10 ms timeout: 0" &&
		      guest_said $g "pvtimer: ok: poll: the timeout ends it no earlier than asked"'
	check "$g: EVTCHNOP_unmask of a masked pending port raises the upcall" \
		eval 'guest_said $g "pvtimer: ok: a send to a masked port: pending, no upcall" &&
		      guest_said $g "pvtimer: ok: EVTCHNOP_unmask clears its mask bit" &&
		      guest_said $g "pvtimer: ok: EVTCHNOP_unmask of the pending port raises the upcall, for that port"'
	check "$g: no wake-up was 500 ms late, no check failed, and it shut down normally" \
		eval 'guest_silent_re $g "^pvtimer: FAIL" && guest_said $g "pvtimer: 0 failed" &&
		      stopped_with $g poweroff'
done
check "created in both paging modes" eval 'created_with tm shared && created_with tms shadow'
check "no domain crashed" log_lacks ': crashed: '
scenario_end "$s"

# Two PV domains over an interdomain event channel and a granted page
# (tests/guests/pvpingpong): domain 1 grants a page and serves, domain 2
# binds to its port and maps the grant; 200 round trips as upcalls, each
# ping and answer through the page; the client's misuse of grants and
# ports gets Xen's error codes.
s=pv-pingpong
m=$(pv_module srv pvpingpong 16M -- role=server peer=2 rounds=200)
m+=$(pv_module cli pvpingpong 16M -- role=client peer=1 rounds=200)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "both map shared_info and take events as upcalls" \
	eval 'guest_said srv "pvpingpong: ok: trap table and event callback" &&
	      guest_said cli "pvpingpong: ok: trap table and event callback"'
check "the client binds to the server's port" \
	guest_said cli "pvpingpong: ok: client: bind_interdomain to the server's port"
check "200 round trips, each answered" \
	eval 'guest_said srv "pvpingpong: ok: server: every event from the peer arrived and was answered" &&
	      guest_said cli "pvpingpong: ok: client: every event answered by the server"'
check "grant table: placed, setup_table and query_size from a PV domain" \
	eval 'guest_said srv "pvpingpong: ok: server: setup_table names the placed frame" &&
	      guest_said srv "pvpingpong: ok: server: query_size"'
check "grant frames the Xen way: a machine frame of Umbra's the server maps, its peer may not (-EPERM)" \
	eval 'guest_said srv "pvpingpong: ok: server: a second grant frame by machine frame, mapped read-write" &&
	      guest_said cli "pvpingpong: ok: client: the server'"'"'s grant frame mapped by machine frame: -EPERM"'
check "the server's grant mapped into the client's page tables, its bytes seen" \
	eval 'guest_said cli "pvpingpong: ok: client: the peer'"'"'s grant mapped over a page of its own" &&
	      guest_said cli "pvpingpong: ok: client: the mapping shows the server'"'"'s bytes"'
check "every ping and answer went through the granted page" \
	eval 'guest_said srv "pvpingpong: ok: server: every ping arrived in the granted page, in order" &&
	      guest_said cli "pvpingpong: ok: client: every answer read from the granted page"'
check "while mapped the granter cannot revoke; after unmap it can" \
	eval 'guest_said srv "pvpingpong: ok: server: the mapped grant is marked in use (cannot be revoked)" &&
	      guest_said srv "pvpingpong: ok: server: after the peer'"'"'s unmap the grant is revoked"'
check "grant refs out of range, of another domain, not granted: Xen's codes" \
	eval 'guest_said cli "pvpingpong: ok: client: a ref out of range: GNTST_bad_gntref" &&
	      guest_said cli "pvpingpong: ok: client: a grant made to another domain: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: an entry never granted: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: DOMID_SELF as the granter: GNTST_bad_domain" &&
	      guest_said cli "pvpingpong: ok: client: a host address in the hypervisor: GNTST_general_error"'
check "unmapping twice: GNTST_bad_handle" \
	guest_said cli "pvpingpong: ok: client: unmapping twice: GNTST_bad_handle"
check "event-channel ports out of range: -EINVAL" \
	eval 'guest_said cli "pvpingpong: ok: client: send on a port out of range: -EINVAL" &&
	      guest_said cli "pvpingpong: ok: client: bind to a port out of range: -EINVAL"'
check "the server's port and table used by the client: status, alloc_unbound -EPERM; bound already or reserved -EINVAL; no such domain -ESRCH" \
	eval 'same_nonempty "$(guest_value srv "^pvpingpong: server: port ([0-9]+) for domain [0-9]+$")" \
			    "$(guest_value cli "^pvpingpong: client: the server.s port ([0-9]+)$")" &&
	      guest_said cli "pvpingpong: ok: client: status of the server'"'"'s port in the server'"'"'s table: -EPERM" &&
	      guest_said cli "pvpingpong: ok: client: alloc_unbound in the server'"'"'s table: -EPERM" &&
	      guest_said cli "pvpingpong: ok: client: binding the server'"'"'s port, already bound to it: -EINVAL" &&
	      guest_said cli "pvpingpong: ok: client: binding the server'"'"'s reserved port 0: -EINVAL" &&
	      guest_said cli "pvpingpong: ok: client: binding a port of a domain that does not exist: -ESRCH"'
check "a port free in the client's own table: send, close, bind_vcpu -EINVAL; unmask 0 (Xen); the channel works on" \
	eval 'guest_said cli "pvpingpong: ok: client: send, close, bind_vcpu on a port free in its own table: -EINVAL" &&
	      guest_said cli "pvpingpong: ok: client: unmask of a port free in its own table: 0, as in Xen"'
check "no check failed in either" \
	eval 'guest_silent_re srv "^pvpingpong: FAIL" && guest_silent_re cli "^pvpingpong: FAIL"'
check "both shut down normally" eval 'stopped_with srv poweroff && stopped_with cli poweroff'
scenario_end "$s"

# An NMI while a PV guest's tables are live under xpti (pv_entry.S: it
# arrives on its IST stack, which those tables hold, and switches to
# Umbra's tables for the handler): a pvhello spinning in ring 3 on CPU 1
# when the other, on CPU 0, shuts down and Umbra panics on purpose
# (test_fault_domain), stopping CPU 1 by NMI. Were the IST stack or the
# entry code missing from the guest's tables, CPU 1 would triple-fault
# and QEMU reset instead.
s=pv-xpti-nmi
m=$(pv_module spin pvhello 16M cpus=2 -- spin)
m+=$(pv_module pn pvhello 16M cpus=1 -- status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE xpti test_fault=panic test_fault_domain=pn" "$m"
check "xpti NMI: the spinner was in ring 3 on CPU 1 when the other shut down" \
	eval 'guest_said spin "pvhello: spinning in ring 3" && stopped_with pn poweroff'
check "xpti NMI: Umbra's panic stopped CPU 1, running the spinning guest, by NMI; QEMU exited with the failure status (35)" \
	eval 'log_has "^umbra: PANIC on cpu 0: test: deliberate panic$" &&
	      log_has "^umbra: CPUs stopped by NMI: 1 \(dom0'"'"'s: none\)$" && rc_is 35'
scenario_end "$s"

# A fault of the entry's IRETQ under xpti (pv_entry.S's pv_enter_fault):
# taken in ring 0 on the entry stack with the guest's tables live, then
# handled on Umbra's; the test build spoils one frame's code selector
# (test_pv_bad_cs), which no guest can do. The domain is crashed as Xen
# would (no failsafe callback), Umbra and the neighbour go on.
s=pv-iret-fault
m=$(pv_module bad pvhello 16M -- status=0)
m+=$(pv_module ok pvhello 16M -- status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE xpti test_pv_bad_cs=bad" "$m"
check "QEMU powered off (33)" rc_is 33
check "xpti: the IRETQ refusing code selector 0x0b faulted in ring 0 and came back as the guest's entry fault" \
	eval 'log_has "^test: d[0-9]+'"'"'s first entry with code selector 0x0b$" &&
	      log_has "^d[0-9]+: an IRET frame the CPU refuses \(rip 0x[0-9a-f]+ cs 0xb rflags "'
check "xpti: that domain crashed (no failsafe callback), the neighbour finished" \
	eval 'crashed_with bad "the CPU refused its IRET frame and it has no failsafe callback" &&
	      guest_said ok "pvhello: 0 failed, shutting down with reason 0" && stopped_with ok poweroff'
scenario_end "$s"

# Umbra booted with xpti=0: guests' tables hold the whole hypervisor as
# supervisor pages (no switch of tables on entry, the cheaper mode under
# QEMU TCG, docs/pv.md). pvtraps, on shared page tables and translated,
# finds its image, direct map, frame table and stacks present and out of
# reach, and Umbra does not narrow the view.
s=pv-supervisor-view
m=$(pv_module pt pvtraps 16M -- supervisor_view)
m+=$(pv_module pts pvtraps 16M paging=shadow -- supervisor_view)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE xpti=0" "$m"
check "QEMU powered off (33)" rc_is 33
check "xpti=0: Umbra does not narrow guests' tables" log_lacks '^pv: xpti: '
for d in pt pts; do
	check "xpti=0: $d finds the hypervisor's image, direct map, frame table and stacks present, supervisor-only" \
		eval 'guest_said $d "pvtraps: ok: read of the hypervisor'"'"'s image: #PF, present, user (supervisor pages)" &&
		      guest_said $d "pvtraps: ok: read of the hypervisor'"'"'s direct map: #PF, present, user (supervisor pages)" &&
		      guest_said $d "pvtraps: ok: write to the hypervisor'"'"'s direct map: #PF" &&
		      guest_said $d "pvtraps: ok: read of the hypervisor'"'"'s frame table: #PF, present, user (supervisor pages)" &&
		      guest_said $d "pvtraps: ok: read of CPU 0'"'"'s main stack: #PF, present, user (supervisor pages)"'
	check "xpti=0: every check of $d passed, it powered off" \
		eval 'guest_said $d "pvtraps: 0 failed" && stopped_with $d poweroff'
done
check "the neighbour finished" stopped_with nb poweroff
scenario_end "$s"

# The same translated (paging=shadow): the entry path is the same, the
# guest's tables the shadow engine's.
s=pv-iret-fault-shadow
m=$(pv_module bad pvhello 16M paging=shadow -- status=0)
m+=$(pv_module ok pvhello 16M paging=shadow -- status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE xpti test_pv_bad_cs=bad" "$m"
check "QEMU powered off (33)" rc_is 33
check "shadow, xpti: the IRETQ refusing code selector 0x0b faulted in ring 0 and came back as the guest's entry fault" \
	eval 'log_has "^test: d[0-9]+'"'"'s first entry with code selector 0x0b$" &&
	      log_has "^d[0-9]+: an IRET frame the CPU refuses \(rip 0x[0-9a-f]+ cs 0xb rflags "'
check "shadow, xpti: that domain crashed (no failsafe callback), the translated neighbour finished" \
	eval 'crashed_with bad "the CPU refused its IRET frame and it has no failsafe callback" &&
	      guest_said ok "pvhello: 0 failed, shutting down with reason 0" && stopped_with ok poweroff &&
	      [ "$(log_count ": crashed: ")" = 1 ]'
scenario_end "$s"

# The execute-only hypervisor (tests/guests/pvxonly, docs/pv.md): the
# hypercall page under the hypervisor's protection key, WRPKRU/XRSTOR
# rewritten or refused, W^X; beside a PV and a PVH neighbour.
# Umbra booted with xpti (the default, named here): the guests' tables hold its entry code and
# data, each CPU's GDT, LDT, entry and IST stacks, and nothing else of it
# (no main stack, no vCPU structure, no direct map, no frame table);
# Umbra counts what their tables hold, pvtraps probes it, and pvtraps and
# pvabi run all their checks under it.
s=pv-xonly
m=$(pv_module xo pvxonly 16M)
m+=$(pv_module pn pvhello 16M -- status=0)
m+=$(pv_module pt pvtraps 16M)
m+=$(pv_module ab pvabi 16M)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE xpti" "$m"
check "QEMU powered off (33)" rc_is 33
check "xpti: the hypervisor switches tables on entry and exit" \
	log_has '^pv: xpti: guests'"'"' tables hold Umbra'"'"'s entry code and data \([0-9]+ KiB\), of 2 CPUs the GDT, LDT, entry and IST stacks, no main stack, no direct map$'
# The walk of each domain's tables (pv_view_audit.c), for all four PV
# domains: the entry and IST stacks of 2 CPUs (5 pages each), their GDT
# and LDT pages, nothing else: above all no main stack, no vCPU structure.
xpti_view='^pv: xpti: d[0-9]+'"'"'s tables hold of Umbra: entry code and data [0-9]+ pages, GDTs and LDTs [1-9][0-9]*, entry and IST stacks 10, main stacks 0, frame table 0, direct map 0, other 0, user-accessible 0 \(and the read-only M2P, [0-9]+\); its vCPU structure: absent$'
check "xpti: a walk of each PV domain's tables finds no main stack, vCPU structure, direct map or frame table page" \
	eval '[ "$(grep -cE "$xpti_view" "$BOOT_LOG")" = 4 ] &&
	      [ "$(grep -c "^pv: xpti: d[0-9]*'"'"'s tables hold of Umbra" "$BOOT_LOG")" = 4 ]'
check "xpti: the direct map, the frame table and the main stacks are not in a guest's tables; pvtraps passes under it" \
	eval 'guest_said pt "pvtraps: ok: xpti: read of the hypervisor'"'"'s direct map: #PF, not present (not in its tables)" &&
	      guest_said pt "pvtraps: ok: xpti: write to the hypervisor'"'"'s direct map: #PF, not present" &&
	      guest_said pt "pvtraps: ok: xpti: read of the hypervisor'"'"'s frame table: #PF, not present (not in its tables)" &&
	      guest_said pt "pvtraps: ok: xpti: read of CPU 0'"'"'s main stack: #PF, not present (not in its tables)" &&
	      guest_said pt "pvtraps: ok: xpti: read of CPU 0'"'"'s entry stack: #PF, present, user (a supervisor page)" &&
	      guest_said pt "pvtraps: 0 failed" && stopped_with pt poweroff'
check "xpti: pvabi passes under it (its GDT and LDT, copied into Umbra's, reached from ring 3 through its tables)" \
	eval 'guest_said ab "pvabi: ok: its own GDT code segment is live: a far return runs on selector 0x0b" &&
	      guest_said ab "pvabi: ok: DS loaded with LDT selector 0x07 and used for a read" &&
	      guest_said ab "pvabi: 0 failed" && stopped_with ab poweroff'
check "the hypercall page is the hypervisor's, execute-only under protection key 15" \
	log_has '^pv: hypercall page at 0x[0-9a-f]+, execute-only under protection key 15$'
check "calls through it work; PKRU has key 15 access- and write-disabled" \
	eval 'guest_said xo "pvxonly: ok: a call into the hypercall page works (xen_version 4.17)" &&
	      guest_said xo "pvxonly: ok: PKRU has the hypervisor'"'"'s key 15 access- and write-disabled"'
check "reading the hypercall page: #PF with the PK bit; writing it: #PF" \
	eval 'guest_said xo "pvxonly: ok: reading the hypercall page: #PF, present, user, PK (error 0x25)" &&
	      guest_said xo "pvxonly: ok: writing the hypercall page: #PF, present, write, user"'
check "a real WRPKRU in its code is rewritten one-to-one and emulated with key 15 kept shut" \
	eval 'guest_said xo "pvxonly: ok: the WRPKRU in its code was rewritten one-to-one (0F 01 EF -> 0F B9 EF)" &&
	      guest_said xo "pvxonly: ok: WRPKRU of 0 is emulated: keys 0-14 open, key 15 stays shut" &&
	      guest_said xo "pvxonly: ok: after it, reading the hypercall page still faults" &&
	      guest_said xo "pvxonly: ok: WRPKRU keeps the guest'"'"'s own keys as it asked"'
check "XRSTOR with PKRU in its mask: rewritten, #UD as without XSAVE, the key stays shut" \
	eval 'guest_said xo "pvxonly: ok: the XRSTOR in its code was rewritten one-to-one (0F AE /5 -> 0F B9 /5)" &&
	      guest_said xo "pvxonly: ok: XRSTOR with PKRU (bit 9) in its mask: #UD, as without XSAVE; the key stays shut"'
check "WRPKRU hidden in an immediate: the page is refused execution (-EPERM), a jump into it faults" \
	eval 'guest_said xo "pvxonly: ok: a page with WRPKRU hidden in an immediate cannot become executable: -EPERM" &&
	      guest_said xo "pvxonly: ok: jumping into the hidden WRPKRU: #PF (instruction fetch), nothing ran"'
check "code made at run time: a real WRPKRU rewritten and emulated; ECX != 0 is #GP(0)" \
	eval 'guest_said xo "pvxonly: ok: a page with a real WRPKRU becomes executable, rewritten" &&
	      guest_said xo "pvxonly: ok: running it: the key stays shut" &&
	      guest_said xo "pvxonly: ok: emulated WRPKRU with ECX != 0: #GP(0), as the CPU"'
check "WRPKRU straddling a page boundary: refused either way it is split" \
	eval 'guest_said xo "pvxonly: ok: WRPKRU straddling into the next page (0F | 01 EF): the next page -EPERM" &&
	      guest_said xo "pvxonly: ok: WRPKRU straddling the page end (0F 01 | EF): that page -EPERM" &&
	      guest_said xo "pvxonly: ok: XRSTOR hidden in an immediate: -EPERM"'
check "W^X: a W+X mapping -EINVAL; executable and writable aliases -EPERM; mmu_update into code -EPERM" \
	eval 'guest_said xo "pvxonly: ok: mapping a page writable and executable: -EINVAL" &&
	      guest_said xo "pvxonly: ok: an executable alias of a page writable elsewhere: -EPERM" &&
	      guest_said xo "pvxonly: ok: a writable alias of its own code: -EPERM" &&
	      guest_said xo "pvxonly: ok: mmu_update writing into its own code: -EPERM"'
check "its L1 names the hypervisor's frame: mapped writable, without the key, or its neighbour -EPERM" \
	eval 'guest_said xo "pvxonly: ok: its L1 maps the hypercall page read-only under key 15" &&
	      guest_said xo "pvxonly: ok: mapping the hypervisor'"'"'s hypercall frame writable: -EPERM" &&
	      guest_said xo "pvxonly: ok: mapping it without the hypervisor'"'"'s key: -EPERM" &&
	      guest_said xo "pvxonly: ok: mapping it again as it is: allowed, and a read still faults (PK)" &&
	      guest_said xo "pvxonly: ok: mapping the hypervisor'"'"'s next frame: -EPERM"'
check "pages the hypervisor writes never become code: shared_info executable -EPERM, placed onto code -EPERM" \
	eval 'guest_said xo "pvxonly: ok: shared_info (event bits the hypervisor sets) mapped executable: -EPERM" &&
	      guest_said xo "pvxonly: ok: add_to_physmap of shared_info onto its own code: -EPERM" &&
	      guest_said xo "pvxonly: ok: its code is unchanged and still runs"'
check "the hypervisor said which pages it refused and why" \
	eval 'log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: inside another instruction" &&
	      log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: begins with the end of WRPKRU"'
check "the key goes with the frame: an alias of the hypercall page runs and does not read; its own page there reads" \
	eval 'guest_said xo "pvxonly: ok: the hypercall page mapped at another address: a call through it works" &&
	      guest_said xo "pvxonly: ok: ... and a read there faults (PK)" &&
	      guest_said xo "pvxonly: ok: its own page at the hypercall page'"'"'s address reads as its own; put back" &&
	      guest_said xo "pvxonly: ok: calls through the usual address work again, reads fault again"'
check "the hypervisor does not read or write the hypercall page for the guest: -EFAULT" \
	eval 'guest_said xo "pvxonly: ok: console_io from the hypercall page (the hypervisor reading it): -EFAULT" &&
	      guest_said xo "pvxonly: ok: xen_version'"'"'s answer into the hypercall page: -EFAULT"'
check "its own key shut by its WRPKRU: reads and writes of its page under that key #PF with PK, as the CPU gave them" \
	eval 'guest_said xo "pvxonly: ok: its own page under its key 1, shut: a read #PF with PK (error 0x25)" &&
	      guest_said xo "pvxonly: ok: ... a write #PF with PK (error 0x27)" &&
	      guest_said xo "pvxonly: ok: key 1 open again: the read goes through"'
check "no check in pvxonly failed, it shut down normally" \
	eval 'guest_said xo "pvxonly: 0 failed" && stopped_with xo poweroff'
check "the neighbours finished (PV and PVH), nothing crashed" \
	eval 'stopped_with pn poweroff && stopped_with nb poweroff && [ "$(log_count ": crashed: ")" = 0 ]'
scenario_end "$s"

# The execute-only hypervisor translated (paging=shadow; docs/pv.md,
# "Translated paging"): the same attacks meet the shadow engine, which
# accepts any mapping the guest writes and refuses at the access. The
# hypercall page is a guest frame above its RAM that every mapping
# reaches user, read-only, under key 15, filled on fetches only; a page
# is scanned when first fetched and again after every write to it.
s=pv-xonly-shadow
m=$(pv_module xs pvxonly 16M paging=shadow)
m+=$(pv_module pn pvhello 16M paging=shadow -- status=0)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "shadow: pvxonly created with paging=shadow, and it knows it is translated" \
	eval 'log_has "^domain [0-9]+ \(xs\): 16 MiB, 1 vCPU, PV, paging=shadow, pool [0-9]+ KiB$" &&
	      guest_said xs "pvxonly: paging translated (shadow)"'
check "shadow: calls through the hypervisor's hypercall page work; PKRU has key 15 access- and write-disabled" \
	eval 'guest_said xs "pvxonly: ok: a call into the hypercall page works (xen_version 4.17)" &&
	      guest_said xs "pvxonly: ok: PKRU has the hypervisor'"'"'s key 15 access- and write-disabled"'
check "shadow: reading the hypercall page: #PF with the PK bit (0x25); writing it: #PF" \
	eval 'guest_said xs "pvxonly: ok: reading the hypercall page: #PF, present, user, PK (error 0x25)" &&
	      guest_said xs "pvxonly: ok: writing the hypercall page: #PF, present, write, user"'
check "shadow: its L1 names a frame above its RAM under key 15; mapped writable or without the key it still faults" \
	eval 'guest_said xs "pvxonly: ok: translated: its L1 maps the hypercall page read-only under key 15, a frame above its RAM" &&
	      guest_said xs "pvxonly: ok: translated: the hypervisor'"'"'s frame mapped writable: a write #PF, a read #PF (PK)" &&
	      guest_said xs "pvxonly: ok: translated: mapped without the hypervisor'"'"'s key: a read still #PF (PK)" &&
	      guest_said xs "pvxonly: ok: mapping it again as it is: allowed, and a read still faults (PK)" &&
	      guest_said xs "pvxonly: ok: translated: the frame after it: nothing there, a read #PF (not present)"'
check "shadow: the key goes with the frame: an alias runs and does not read; its own page at that address reads" \
	eval 'guest_said xs "pvxonly: ok: the hypercall page mapped at another address: a call through it works" &&
	      guest_said xs "pvxonly: ok: ... and a read there faults (PK)" &&
	      guest_said xs "pvxonly: ok: its own page at the hypercall page'"'"'s address reads as its own; put back" &&
	      guest_said xs "pvxonly: ok: calls through the usual address work again, reads fault again"'
check "shadow: WRPKRU and XRSTOR in its code rewritten at the first fetch, emulated with key 15 kept shut" \
	eval 'guest_said xs "pvxonly: ok: the WRPKRU in its code was rewritten one-to-one (0F 01 EF -> 0F B9 EF)" &&
	      guest_said xs "pvxonly: ok: WRPKRU of 0 is emulated: keys 0-14 open, key 15 stays shut" &&
	      guest_said xs "pvxonly: ok: after it, reading the hypercall page still faults" &&
	      guest_said xs "pvxonly: ok: WRPKRU keeps the guest'"'"'s own keys as it asked" &&
	      guest_said xs "pvxonly: ok: the XRSTOR in its code was rewritten one-to-one (0F AE /5 -> 0F B9 /5)" &&
	      guest_said xs "pvxonly: ok: XRSTOR with PKRU (bit 9) in its mask: #UD, as without XSAVE; the key stays shut"'
check "shadow: hidden WRPKRU and XRSTOR, WRPKRU across a page end: mapped executable, refused at the fetch, nothing ran" \
	eval 'guest_said xs "pvxonly: ok: translated: a page with WRPKRU hidden in an immediate may be mapped executable" &&
	      guest_said xs "pvxonly: ok: jumping into the hidden WRPKRU: #PF (instruction fetch), nothing ran" &&
	      guest_said xs "pvxonly: ok: its first byte does not run either: the whole page is refused" &&
	      guest_said xs "pvxonly: ok: translated: WRPKRU straddling into the next page (0F | 01 EF): both pages mapped executable" &&
	      guest_said xs "pvxonly: ok: running the 0F | 01 EF split: #PF (instruction fetch) at the next page, nothing ran" &&
	      guest_said xs "pvxonly: ok: translated: WRPKRU straddling the page end (0F 01 | EF): mapped executable" &&
	      guest_said xs "pvxonly: ok: jumping to it: #PF" &&
	      guest_said xs "pvxonly: ok: translated: XRSTOR hidden in an immediate: mapped executable" &&
	      guest_said xs "pvxonly: ok: running the page with the hidden XRSTOR: #PF (instruction fetch)"'
check "shadow: code made at run time: a real WRPKRU rewritten and emulated; ECX != 0 is #GP(0)" \
	eval 'guest_said xs "pvxonly: ok: a page with a real WRPKRU becomes executable, rewritten" &&
	      guest_said xs "pvxonly: ok: running it: the key stays shut" &&
	      guest_said xs "pvxonly: ok: emulated WRPKRU with ECX != 0: #GP(0), as the CPU"'
check "shadow: W+X accepted but never both: code written after its scan is scanned again, through any alias" \
	eval 'guest_said xs "pvxonly: ok: translated: mapping a page writable and executable: accepted" &&
	      guest_said xs "pvxonly: ok: translated: it runs (a ret)" &&
	      guest_said xs "pvxonly: ok: translated: with a WRPKRU hidden in it now, running it is #PF (scanned again)" &&
	      guest_said xs "pvxonly: ok: translated: an executable alias of that page: refused the same" &&
	      guest_said xs "pvxonly: ok: translated: rewritten without it, the alias runs" &&
	      guest_said xs "pvxonly: ok: translated: a WRPKRU hidden through the writable mapping stops the alias running"'
check "shadow: its code through a writable alias is scanned again (a hidden WRPKRU refused); mmu_update into code -EPERM" \
	eval 'guest_said xs "pvxonly: ok: translated: a writable alias of its own code: accepted" &&
	      guest_said xs "pvxonly: ok: translated: a WRPKRU hidden in its code through a writable alias: the page no longer runs" &&
	      guest_said xs "pvxonly: ok: translated: put back, it runs again (scanned again)" &&
	      guest_said xs "pvxonly: ok: mmu_update writing into its own code: -EPERM"'
check "shadow: pages the hypervisor writes never run: shared_info executable #PF; add_to_physmap onto code -EPERM" \
	eval 'guest_said xs "pvxonly: ok: translated: shared_info (event bits the hypervisor sets) mapped executable: running it #PF" &&
	      guest_said xs "pvxonly: ok: add_to_physmap of shared_info onto its own code: -EPERM" &&
	      guest_said xs "pvxonly: ok: its code is unchanged and still runs"'
check "shadow: the hypervisor said which pages it refused at the fetch and why" \
	eval 'log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: inside another instruction" &&
	      log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: begins with the end of WRPKRU" &&
	      log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: ends with the start of WRPKRU" &&
	      log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: the hypervisor writes it \(shared_info\)"'
check "shadow: the hypervisor does not read or write the hypercall page for the guest: -EFAULT" \
	eval 'guest_said xs "pvxonly: ok: console_io from the hypercall page (the hypervisor reading it): -EFAULT" &&
	      guest_said xs "pvxonly: ok: xen_version'"'"'s answer into the hypercall page: -EFAULT" &&
	      guest_said xs "pvxonly: ok: translated: GNTTABOP_copy from the hypercall page'"'"'s frame: GNTST_bad_page"'
check "shadow: its own key shut by its WRPKRU: reads and writes of its page under that key #PF with PK, as the CPU gave them" \
	eval 'guest_said xs "pvxonly: ok: its own page under its key 1, shut: a read #PF with PK (error 0x25)" &&
	      guest_said xs "pvxonly: ok: ... a write #PF with PK (error 0x27)" &&
	      guest_said xs "pvxonly: ok: key 1 open again: the read goes through"'
check "shadow: no check in pvxonly failed, it shut down normally" \
	eval 'guest_said xs "pvxonly: 0 failed" && stopped_with xs poweroff'
check "shadow: the neighbours finished (PV translated and PVH), nothing crashed" \
	eval 'stopped_with pn poweroff && stopped_with nb poweroff && [ "$(log_count ": crashed: ")" = 0 ]'
scenario_end "$s"

# An image linked as XTF links its kernels, one segment writable and
# executable (tests/guests/pvrwx, pvrwx.lds; docs/pv.md "Mappings (W^X)"):
# translated it is mapped per section and runs with W^X, its code
# read-only, its data not executable, a page it makes writable and
# executable scanned before it runs; on shared page tables it is mapped
# as Xen maps it, W^X off, and the log says why.
s=pv-rwx
m=$(pv_module rw pvrwx 16M paging=shadow)
m+=$(pv_module rs pvrwx 16M paging=shared)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "translated: the writable and executable segment is mapped per section, W^X on" \
	eval 'log_has "^domain [0-9]+ \(rw\): W\^X on: the image'"'"'s writable and executable segment is mapped per section$" &&
	      guest_said rw "pvrwx: paging translated (shadow)"'
check "shared page tables: mapped as Xen maps it, W^X off, and the log says why" \
	eval 'log_has "^domain [0-9]+ \(rs\): W\^X off: the image has a writable and executable segment, mapped as Xen maps it: shared page tables do not split it \(paging=shadow does\)$" &&
	      guest_said rs "pvrwx: ok: shared page tables: its code is writable, as Xen maps it (W^X off)"'
check "either way its hypercall page is its own with Xen's stubs, readable (XTF reads it)" \
	eval 'guest_said rw "pvrwx: ok: its hypercall page is its own, readable: Xen'"'"'s stubs (push %rcx first)" &&
	      guest_said rs "pvrwx: ok: its hypercall page is its own, readable: Xen'"'"'s stubs (push %rcx first)"'
check "translated: its code is read-only, its data does not run" \
	eval 'guest_said rw "pvrwx: ok: writing its own code: #PF, present, write" &&
	      guest_said rw "pvrwx: ok: running its data: #PF, instruction fetch"'
check "translated: a page it maps writable and executable is scanned before it runs: a hidden WRPKRU is refused" \
	eval 'guest_said rw "pvrwx: ok: translated: mapping a page of its data writable and executable: accepted" &&
	      guest_said rw "pvrwx: ok: translated: it runs (a ret, scanned)" &&
	      guest_said rw "pvrwx: ok: translated: with a WRPKRU hidden in it, running it: #PF (scanned again, refused)" &&
	      log_has "^domain [0-9]+: frame 0x[0-9a-f]+ refused execution: inside another instruction"'
check "translated: mmu_update writing into its own code: -EPERM (W^X)" \
	guest_said rw "pvrwx: ok: mmu_update writing into its own code: -EPERM"
check "translated: the hypervisor's write into a page that ran stops it running until scanned again (xsa-7's #GP frame)" \
	eval 'guest_said rw "pvrwx: ok: a page of data made code (read-only, executable) runs" &&
	      guest_said rw "pvrwx: ok: the hypervisor writes a hypercall'"'"'s answer into it through a writable alias" &&
	      guest_said rw "pvrwx: ok: ... and it runs again (scanned again)"'
check "no check failed in either, both power off" \
	eval 'guest_silent_re rw "^pvrwx: FAIL" && guest_said rw "pvrwx: 0 failed" && stopped_with rw poweroff &&
	      guest_silent_re rs "^pvrwx: FAIL" && guest_said rs "pvrwx: 0 failed" && stopped_with rs poweroff'
scenario_end "$s"

# paging=shadow (docs/pv.md, "Translated paging"): the same guests told
# their physmap is auto-translated, run on mmu/'s shadow tables; and
# pvptwork, ptwork's workload as a PV kernel, in both paging modes beside
# the HVM ptwork: one checksum for all.
PTWORK_OPS=2000
s=pv-shadow
m=$(pv_module sh1 pvhello 16M paging=shadow -- status=0)
m+=$(pv_module pts pvtraps 16M paging=shadow)
m+=$(pv_module atks pvtraps 16M paging=shadow -- attack=iret_cs)
m+=$(pv_module stks pvtraps 16M paging=shadow -- attack=stack)
m+=$(pv_module irss pvtraps 16M paging=shadow -- attack=iret_stack)
m+=$(pv_module wsh pvptwork 16M paging=shared -- ops=$PTWORK_OPS)
m+=$(pv_module wtr pvptwork 16M paging=shared -- ops=$PTWORK_OPS pte=trap)
m+=$(pv_module wsd pvptwork 16M paging=shadow -- ops=$PTWORK_OPS)
m+=$(pv_module wrmw pvptwork 16M paging=shadow -- ops=$PTWORK_OPS pte=rmw)
m+=$(module hw ptwork nested 16M ops=$PTWORK_OPS)
m+=$(pv_module bsd pvbench 16M paging=shadow -- samples=200 rounds=3)
t0=$(date -u +%s)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
t1=$(date -u +%s)
check "QEMU powered off (33)" rc_is 33
check "created as PV with paging=shadow" \
	log_has '^domain [0-9]+ \(sh1\): 16 MiB, 1 vCPU, PV, paging=shadow, pool [0-9]+ KiB$'
check "pvhello: every check passes translated, and it shuts down with its status" \
	eval 'guest_said sh1 "pvhello: 0 failed, shutting down with reason 0" && stopped_with sh1 poweroff'
pv_time_checks sh1 "$t0" "$t1"
check "pvhello runs on shadows: the engine filled them, one root" \
	eval '[ "$(paging_stat sh1 cache_misses)" = 1 ] && is_positive "$(paging_stat sh1 fills)"'
check "pvtraps translated: told auto_translated_physmap, identity p2m, shared_info by pseudo-physical address" \
	eval 'guest_said pts "pvtraps: ok: translated: the p2m list is the identity" &&
	      guest_said pts "pvtraps: ok: translated: update_va_mapping maps shared_info by its pseudo-physical address"'
check "pvtraps translated: stores into its own L1 applied through the shadow at once" \
	eval 'guest_said pts "pvtraps: ok: translated: a plain store into its L1 is applied (no assist needed)" &&
	      guest_said pts "pvtraps: ok: translated: a store making it read-only takes effect at once" &&
	      guest_said pts "pvtraps: ok: translated: mmu_update by pseudo-physical address makes it writable"'
check "pvtraps translated: its L4 slots 262 and 511 written, the hypervisor stays out of reach" \
	eval 'guest_said pts "pvtraps: ok: translated: its L4 slot 262 written, the hypervisor'"'"'s direct map still faults" &&
	      guest_said pts "pvtraps: ok: translated: its L4 slot 511 written, the hypervisor'"'"'s image still faults"'
check "pvtraps translated: frames and roots outside its RAM refused or faulting" \
	eval 'guest_said pts "pvtraps: ok: translated: mmu_update outside its RAM: -EINVAL" &&
	      guest_said pts "pvtraps: ok: translated: a frame beyond its RAM in an entry: the access is a #PF" &&
	      guest_said pts "pvtraps: ok: translated: new_baseptr outside its RAM: -EINVAL" &&
	      guest_said pts "pvtraps: ok: translated: new_user_baseptr outside its RAM: -EINVAL" &&
	      guest_said pts "pvtraps: ok: translated: set_gdt and update_descriptor by guest frame; outside its RAM -EINVAL" &&
	      guest_said pts "pvtraps: ok: translated: update_descriptor and set_gdt on its own L4: -EINVAL"'
check "pvtraps translated: a pin gets Xen's answer (-EINVAL while its tables map the page writable)" \
	eval 'guest_said pts "pvtraps: ok: translated: pinning a page its tables map writable: -EINVAL" &&
	      guest_said pts "pvtraps: ok: translated: mapped read-only, it pins"'
check "pvtraps translated: grant frames above its RAM, never a page table; version 2, back to 1 -EBUSY while a status frame is mapped (XSA-255)" \
	eval 'guest_said pts "pvtraps: ok: grant: its grant frame mapped read-write with update_va_mapping" &&
	      guest_said pts "pvtraps: ok: grant: its grant frame pinned as a page table: -EINVAL" &&
	      guest_said pts "pvtraps: ok: grant: its status frame mapped by machine frame" &&
	      guest_said pts "pvtraps: ok: grant: back to version 1 while the status frame is mapped: -EBUSY" &&
	      guest_said pts "pvtraps: ok: grant: unmapped, back to version 1"'
check "pvtraps translated: host and device mapping of a self-grant, each part alone, the pin refused until both go (XSA-224)" \
	eval 'guest_said pts "pvtraps: ok: grant: a self-grant mapped host and device: dev_bus_addr is the machine address" &&
	      guest_said pts "pvtraps: ok: grant: the mapped frame pinned as a page table: -EINVAL" &&
	      guest_said pts "pvtraps: ok: grant: the device part still holds the writable type: pin -EINVAL" &&
	      guest_said pts "pvtraps: ok: grant: a device unmap at another address: GNTST_bad_dev_addr" &&
	      guest_said pts "pvtraps: ok: grant: nothing holds the frame: it pins as a table"'
check "pvtraps translated: unmap checks the entry (XSA-234); unmap_and_replace moves new_addr's entry" \
	eval 'guest_said pts "pvtraps: ok: grant: an entry the guest rewrote is not the grant'"'"'s: unmap GNTST_general_error" &&
	      guest_said pts "pvtraps: ok: grant: unmap_and_replace moves new_addr'"'"'s entry over the grant" &&
	      guest_said pts "pvtraps: ok: grant: the refused handle is still there"'
check "pvtraps translated: a mapping names a frame above its RAM; a copy of it stays read-only and dies with the unmap" \
	eval 'guest_said pts "pvtraps: ok: grant: translated: its entry names a frame above its RAM, read-only, no-execute" &&
	      guest_said pts "pvtraps: ok: grant: translated: a writable copy of that entry reads the page, a write faults" &&
	      guest_said pts "pvtraps: ok: grant: translated: then the copy faults too: the frame left its physmap" &&
	      guest_said pts "pvtraps: ok: grant: translated: its grant frame mapped executable: a fetch faults (only its RAM runs)"'
check "pvtraps translated: GNTMAP_contains_pte at its own L1 entry by guest-physical address; misaligned (XSA-227) or in no L1 table refused" \
	eval 'guest_said pts "pvtraps: ok: grant: contains_pte at a misaligned entry address: GNTST_general_error, the L1 intact" &&
	      guest_said pts "pvtraps: ok: grant: contains_pte in a page that is no L1 table: GNTST_general_error" &&
	      guest_said pts "pvtraps: ok: grant: contains_pte at its own L1 entry maps the grant there" &&
	      guest_said pts "pvtraps: ok: grant: unmapped by the entry'"'"'s address, its own page mapped back"'
pv_subop_checks pts translated
check "pvtraps translated: bad pointers in each of 62 hypercall arguments, counts running off the page: Xen's answers" \
	badptr_checks pts
check "pvtraps translated: no check failed, and it shut down normally" \
	eval 'guest_said pts "pvtraps: 0 failed" && stopped_with pts poweroff'
check "translated attackers: iret to cs 0x08, a stack or an iret frame in the hypervisor crash only them" \
	eval 'crashed_with atks "iret with a bad frame at 0x[0-9a-f]+ \(cs 0x8, " &&
	      crashed_with stks "#UD invalid opcode at 0x[0-9a-f]+ .*: no stack for the frame$" &&
	      crashed_with irss "iret with a bad frame at 0xffff830000101000 "'
hvsum=$(guest_value hw '^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*')
check "pvptwork on shared page tables, updates batched: the HVM ptwork's checksum, no mismatch" \
	eval 'guest_said wsh "pvptwork: paging shared (machine frames)" &&
	      guest_said wsh "pvptwork: page-table updates batched (mmu_update + mmuext_op, one multicall)" &&
	      same_nonempty "$(guest_value wsh "^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*")" "$hvsum"'
check "pvptwork batched: its changes went as mmu_update/mmuext_op batches, far fewer than its stores" \
	eval 'is_positive "$(guest_value wsh "^pvptwork: ([0-9]+) batches$")" &&
	      is_positive "$(paging_stat wsh mmu_update_calls)" && is_positive "$(paging_stat wsh mmuext_calls)" &&
	      [ "$(paging_stat wsh pt_write_traps)" -lt "$(( $(paging_stat wtr pt_write_traps) / 10 ))" ]'
check "pvptwork on shared page tables, a trapped store per entry (pte=trap): the same checksum" \
	eval 'guest_said wtr "pvptwork: page-table updates stored in place (trapped on shared page tables)" &&
	      same_nonempty "$(guest_value wtr "^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*")" "$hvsum"'
check "pvptwork translated on shadows: the same checksum" \
	eval 'guest_said wsd "pvptwork: paging translated (auto_translated_physmap)" &&
	      same_nonempty "$(guest_value wsd "^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*")" "$hvsum"'
check "pvptwork translated with LOCK CMPXCHG/XCHG/XOR/BTR on live tables: the same checksum" \
	same_nonempty "$(guest_value wrmw '^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*')" "$hvsum"
check "shared: every table store trapped and validated by shared-pt; translated: by the shadow engine" \
	eval 'is_positive "$(paging_stat wtr pt_write_traps)" && [ "$(paging_stat wtr refusals)" = 0 ] &&
	      [ "$(paging_stat wsh refusals)" = 0 ] &&
	      is_positive "$(paging_stat wsd pt_write_traps)" && is_positive "$(paging_stat wsd cache_hits)"'
check "pvbench translated: its null hypercalls timed, and it shut down normally" \
	eval 'guest_said_re bsd "^pvbench: hypercall_median_tsc [0-9]+$" && stopped_with bsd poweroff'
check "all four workloads shut down normally" \
	eval 'stopped_with wsh poweroff && stopped_with wtr poweroff && stopped_with wsd poweroff &&
	      stopped_with wrmw poweroff &&
	      stopped_with hw poweroff'
check "exactly the three attackers crashed" eval '[ "$(log_count ": crashed: ")" = 3 ]'
scenario_end "$s"

s=pv-shadow-pingpong
m=$(pv_module srv pvpingpong 16M paging=shadow -- role=server peer=2 rounds=200 ptgrant)
m+=$(pv_module cli pvpingpong 16M paging=shadow -- role=client peer=1 rounds=200 ptgrant)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "translated: 200 round trips over an interdomain channel, each answered" \
	eval 'guest_said srv "pvpingpong: paging translated (shadow)" &&
	      guest_said srv "pvpingpong: ok: server: every event from the peer arrived and was answered" &&
	      guest_said cli "pvpingpong: ok: client: every event answered by the server"'
check "translated: grant frames above RAM (setup_table), one placed in its RAM" \
	eval 'guest_said srv "pvpingpong: ok: server: setup_table names the placed frame" &&
	      guest_said srv "pvpingpong: ok: server: translated: a second grant frame above its RAM, mapped read-write" &&
	      guest_said srv "pvpingpong: ok: server: translated: that frame is 0x1001, and it reads back what it wrote"'
check "translated: the server's grant mapped into the client's address space, its bytes seen" \
	eval 'guest_said cli "pvpingpong: ok: client: the peer'"'"'s grant mapped over a page of its own" &&
	      guest_said cli "pvpingpong: ok: client: the mapping shows the server'"'"'s bytes"'
check "translated: every ping and answer went through the granted page" \
	eval 'guest_said srv "pvpingpong: ok: server: every ping arrived in the granted page, in order" &&
	      guest_said cli "pvpingpong: ok: client: every answer read from the granted page"'
check "translated: while mapped the granter cannot revoke; after unmap it can" \
	eval 'guest_said srv "pvpingpong: ok: server: the mapped grant is marked in use (cannot be revoked)" &&
	      guest_said srv "pvpingpong: ok: server: after the peer'"'"'s unmap the grant is revoked"'
check "translated: grant misuse gets Xen's codes; unmapping twice GNTST_bad_handle" \
	eval 'guest_said cli "pvpingpong: ok: client: a ref out of range: GNTST_bad_gntref" &&
	      guest_said cli "pvpingpong: ok: client: a grant made to another domain: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: an entry never granted: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: a host address in the hypervisor: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: unmapping twice: GNTST_bad_handle"'
check "translated: another domain's port and table used by the client: Xen's errors" \
	eval 'guest_said cli "pvpingpong: ok: client: status of the server'"'"'s port in the server'"'"'s table: -EPERM" &&
	      guest_said cli "pvpingpong: ok: client: alloc_unbound in the server'"'"'s table: -EPERM" &&
	      guest_said cli "pvpingpong: ok: client: binding the server'"'"'s port, already bound to it: -EINVAL" &&
	      guest_said cli "pvpingpong: ok: client: send, close, bind_vcpu on a port free in its own table: -EINVAL"'
check "translated: a writable grant mapping of the granter's L1 table: GNTST_general_error (Xen's type conflict); read-only it maps" \
	eval 'guest_said srv "pvpingpong: ok: server: ptgrant: the L1 table mapping its shared page, found" &&
	      guest_said cli "pvpingpong: ok: client: ptgrant: a writable mapping of the peer'"'"'s L1 table: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: ptgrant: read-only it maps, its entries seen, and unmaps"'
check "translated: a page mapped writable through a grant is no page table of the granter's until unmapped (pin, base pointer -EINVAL; the walk through it #PF)" \
	eval 'guest_said cli "pvpingpong: ok: client: ptgrant: a data page of the peer'"'"'s mapped writable" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: a pin of its page the peer maps writable: -EINVAL" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: that page as its user base pointer: -EINVAL" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: that page linked as an L1 (mmu_update)" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: a read through it while the peer maps it: #PF" &&
	      guest_said cli "pvpingpong: ok: client: ptgrant: the server tried, the data page unmapped" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: once the peer unmapped it, the same read reaches its shared page" &&
	      guest_said srv "pvpingpong: ok: server: ptgrant: unlinked again"'
check "translated: no check failed in either" \
	eval 'guest_silent_re srv "^pvpingpong: FAIL" && guest_silent_re cli "^pvpingpong: FAIL"'
check "both shut down normally" eval 'stopped_with srv poweroff && stopped_with cli poweroff'
scenario_end "$s"

# A pair in two paging modes: the server on shared page tables, the
# client translated. A writable grant mapping of a shared-page-table
# domain's frame by a translated one is refused (shared-pt would not see
# its writes); read-only it maps; the pings go over the channel alone.
s=pv-mixed-pingpong
m=$(pv_module srv pvpingpong 16M paging=shared -- role=server peer=2 rounds=50 peer_translated)
m+=$(pv_module cli pvpingpong 16M paging=shadow -- role=client peer=1 rounds=50 peer_shared)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "shared server, translated client: 50 round trips over the channel" \
	eval 'guest_said srv "pvpingpong: paging shared" && guest_said cli "pvpingpong: paging translated (shadow)" &&
	      guest_said srv "pvpingpong: ok: server: every event from the peer arrived and was answered" &&
	      guest_said cli "pvpingpong: ok: client: every event answered by the server"'
check "translated client: the shared server's frame mapped writable refused, read-only it maps and unmaps" \
	eval 'guest_said cli "pvpingpong: ok: client: translated, a writable mapping of a shared-page-table peer'"'"'s frame: GNTST_general_error" &&
	      guest_said cli "pvpingpong: ok: client: translated, read-only it maps and shows the server'"'"'s bytes" &&
	      guest_said cli "pvpingpong: ok: client: translated, the read-only mapping unmapped"'
check "no check failed in either, both shut down normally" \
	eval 'guest_silent_re srv "^pvpingpong: FAIL" && guest_silent_re cli "^pvpingpong: FAIL" &&
	      stopped_with srv poweroff && stopped_with cli poweroff'
scenario_end "$s"

# The rest of the PV ABI (pvabi guest): descriptor tables with Xen's
# checks, guest user mode, fpu_taskswitch, emulated privileged reads,
# set_segment_base, vm_assist, multicall, the read-only M2P, debug
# registers, the virtual IOPL; and an iret into user mode before any user
# page tables, which must crash the domain.
s=pv-abi
m=$(pv_module pa pvabi 16M)
m+=$(pv_module nouser pvabi 16M -- attack=user_no_base)
m+=$(pv_module hvcs pvabi 16M -- attack=iret_hvcs)
m+=$(pv_module nofs pvabi 16M -- attack=no_failsafe)
m+=$(pv_module rip pvabi 16M -- attack=iret_rip)
m+=$(pv_module pn pvhello 16M -- status=0)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
pv_callback_flag_checks pa
check "set_gdt: its own read-only frames only, at most 7168 entries; DPL-0 segments raised to DPL 3" \
	eval 'guest_said pa "pvabi: ok: set_gdt on a frame still mapped writable: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_gdt with more entries than below 0xe000: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_gdt with its frame list in the hypervisor: -EFAULT" &&
	      guest_said pa "pvabi: ok: set_gdt on a frame not its own: -EINVAL" &&
	      guest_said pa "pvabi: ok: DPL-0 code and data descriptors were raised to DPL 3 (no DPL-0 segment)" &&
	      guest_said pa "pvabi: ok: its own GDT code segment is live: a far return runs on selector 0x0b"'
check "descriptor pages stay read-only: writable mapping -EACCES, mmu_update -EACCES" \
	eval 'guest_said pa "pvabi: ok: mapping its live GDT page writable: -EACCES" &&
	      guest_said pa "pvabi: ok: mmu_update writing into its live GDT page: -EACCES"'
check "bad descriptors refused: gates into the hypervisor or to null, TSS, interrupt gate (-EINVAL)" \
	eval 'guest_said pa "pvabi: ok: a call gate into the hypervisor'"'"'s code segment: -EINVAL" &&
	      guest_said pa "pvabi: ok: a call gate to the null selector: -EINVAL" &&
	      guest_said pa "pvabi: ok: a TSS descriptor: -EINVAL" &&
	      guest_said pa "pvabi: ok: an interrupt gate: -EINVAL" &&
	      guest_said pa "pvabi: ok: the refused descriptors changed nothing" &&
	      guest_said pa "pvabi: ok: set_gdt on a page holding a gate into the hypervisor: -EINVAL"'
check "update_descriptor: misaligned, into a page table or the hypervisor's frame -EINVAL" \
	eval 'guest_said pa "pvabi: ok: update_descriptor at a misaligned address: -EINVAL" &&
	      guest_said pa "pvabi: ok: update_descriptor into its own L4: -EINVAL" &&
	      guest_said pa "pvabi: ok: update_descriptor into the hypervisor'"'"'s frame: -EINVAL"'
check "guest user mode: iret into it, traps and SYSCALL back on the stack_switch stack" \
	eval 'guest_said pa "pvabi: ok: iret into user mode; its int3 is the kernel'"'"'s #BP, the frame saying user mode" &&
	      guest_said pa "pvabi: ok: the trap from user mode came on the stack_switch stack" &&
	      guest_said pa "pvabi: ok: SYSCALL in user mode enters the syscall callback, not a hypercall" &&
	      guest_said pa "pvabi: ok: a trap in kernel mode reports CS with RPL 0"'
check "fpu_taskswitch: #NM bounced once, CLTS and CR0 emulated" \
	eval 'guest_said pa "pvabi: ok: the first FPU instruction: #NM bounced to the guest" &&
	      guest_said pa "pvabi: ok: the #NM cleared the guest'"'"'s TS: the next one runs" &&
	      guest_said pa "pvabi: ok: CLTS (emulated) clears it too"'
check "read-only M2P, set_segment_base and vm_assist refusals, multicall" \
	eval 'guest_said pa "pvabi: ok: the read-only M2P maps a machine frame back to its pfn" &&
	      guest_said pa "pvabi: ok: writing the M2P: #PF" &&
	      guest_said pa "pvabi: ok: set_segment_base FS into the hypervisor: -EINVAL" &&
	      guest_said pa "pvabi: ok: multicall: each result in its entry, a nested multicall -ENOSYS" &&
	      guest_said pa "pvabi: ok: multicall with its list in the hypervisor: -EFAULT" &&
	      guest_said pa "pvabi: ok: a multicall of 200 entries: each result in its entry"'
check "linear page tables: a read-only L4 self-map reads, never writes; a writable one -EACCES" \
	eval 'guest_said pa "pvabi: ok: through it the L4 reads itself" &&
	      guest_said pa "pvabi: ok: writing through it: #PF" &&
	      guest_said pa "pvabi: ok: a writable linear L4 entry: -EACCES"'
check "debug registers: a breakpoint on its own data fires as #DB; hypervisor addresses, GD, I/O breakpoints -EPERM" \
	eval 'guest_said pa "pvabi: ok: set_debugreg DR0 in the hypervisor'"'"'s image: -EPERM" &&
	      guest_said pa "pvabi: ok: set_debugreg DR1 non-canonical: -EPERM" &&
	      guest_said pa "pvabi: ok: set_debugreg DR7 with GD: -EPERM" &&
	      guest_said pa "pvabi: ok: set_debugreg DR7 with an I/O breakpoint, CR4.DE clear: -EPERM" &&
	      guest_said pa "pvabi: ok: mov to DR0 of a hypervisor address: #GP" &&
	      guest_said pa "pvabi: ok: writing the watched word: #DB bounced to the guest" &&
	      guest_said pa "pvabi: ok: DR6 says breakpoint 0 fired"'
check "virtual IOPL: #GP at 0; at 1 CLI/OUT emulated and IN all ones; set_iopl refusals" \
	eval 'guest_said pa "pvabi: ok: OUT at virtual IOPL 0: #GP" &&
	      guest_said pa "pvabi: ok: PHYSDEVOP_set_iopl 4: -EINVAL" &&
	      guest_said pa "pvabi: ok: PHYSDEVOP_set_iopl with its argument in the hypervisor: -EFAULT" &&
	      guest_said pa "pvabi: ok: OUT, CLI and STI at virtual IOPL 1: emulated" &&
	      guest_said pa "pvabi: ok: IN from a port it has not been given: all ones" &&
	      guest_said pa "pvabi: ok: back at virtual IOPL 0: IN is #GP"'
check "register_vcpu_info takes a machine frame of its own; a frame not its own -EINVAL" \
	eval 'guest_said pa "pvabi: ok: register_vcpu_info on a frame not its own: -EINVAL" &&
	      guest_said pa "pvabi: ok: register_vcpu_info by machine frame: its vcpu_info moved there (upcall pending)"'
check "data selectors: one that can no longer be loaded enters the failsafe callback, null in its place" \
	eval 'guest_said pa "pvabi: ok: DS loaded with a data selector of its own GDT (0x13)" &&
	      guest_said pa "pvabi: ok: its descriptor dropped: the failsafe callback names DS 0x13, DS is null"'
check "LDT: MMUEXT_SET_LDT with Xen's refusals (misaligned, >8192 entries, the hypervisor's range, a bad descriptor page) -EINVAL" \
	eval 'guest_said pa "pvabi: ok: set_ldt on a page still mapped writable: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt at a base not page-aligned: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt with 8193 entries: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt in the hypervisor'"'"'s image: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt on a range reaching the hypervisor'"'"'s image slot: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt on the read-only M2P (hypervisor range): -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt on a page holding a gate into the hypervisor: -EINVAL" &&
	      guest_said pa "pvabi: ok: the refused LDT was not loaded"'
check "LDT: live, DPL raised; an LDT data selector in DS and ES, kept across a yield; read-only while live; disabled with 0 entries" \
	eval 'guest_said pa "pvabi: ok: set_ldt with its own read-only page, 2 entries" &&
	      guest_said pa "pvabi: ok: LDT: a ring-0 code and a ring-0 data descriptor raised to DPL 3, as Xen does" &&
	      guest_said pa "pvabi: ok: the LDT is live: 0x07 readable, 0x17 beyond its 2 entries" &&
	      guest_said pa "pvabi: ok: DS loaded with LDT selector 0x07 and used for a read" &&
	      guest_said pa "pvabi: ok: mapping its live LDT page writable: -EACCES" &&
	      guest_said pa "pvabi: ok: update_descriptor of a gate into the hypervisor into its LDT: -EINVAL" &&
	      guest_said pa "pvabi: ok: update_descriptor into its live LDT: DPL raised, DS 0x07 kept" &&
	      guest_said pa "pvabi: ok: ES loaded with the updated LDT entry (0x0f)" &&
	      guest_said pa "pvabi: ok: DS still 0x07 after a yield" &&
	      guest_said pa "pvabi: ok: SET_LDT in the middle of an mmuext_op batch: all 3 done" &&
	      guest_said pa "pvabi: ok: set_ldt with 0 entries: no LDT any more"'
check "no check in pvabi failed, it shut down normally" \
	eval 'guest_said pa "pvabi: 0 failed" && stopped_with pa poweroff'
check "an iret into user mode without user page tables crashes the domain" \
	crashed_with nouser 'iret to user mode without user page tables$'
check "an iret onto the hypervisor's code segment (0xe008) crashes the domain" \
	crashed_with hvcs 'iret with a bad frame at 0x[0-9a-f]+ \(cs 0xe008, '
check "a selector that cannot be loaded, no failsafe callback: the domain crashed" \
	crashed_with nofs 'a data selector \(ds 0x13 es 0 fs 0 gs 0\) cannot be loaded: no failsafe callback'
check "iret with a non-canonical RSP: taken as IRETQ takes it (kernel mode), the first push is the guest's fault (user mode)" \
	eval 'guest_said pa "pvabi: ok: iret in kernel mode with a non-canonical RSP: loaded as it is" &&
	      guest_said pa "pvabi: ok: iret to user mode with a non-canonical RSP: its first push is its own #SS/#GP"'
check "an iret to a non-canonical RIP (IRETQ's #GP), no failsafe callback: the domain crashed" \
	crashed_with rip 'the CPU refused its IRET frame and it has no failsafe callback'
check "the neighbours finished (PV and PVH), only the attackers crashed" \
	eval 'stopped_with pn poweroff && stopped_with nb poweroff && [ "$(log_count ": crashed: ")" = 4 ]'
scenario_end "$s"

# pvabi translated (paging=shadow): the same checks on the shadow engine,
# descriptor pages being ordinary memory there (checked again on load),
# its frames pseudo-physical; the read-only M2P is the identity, the L4
# self-map read-only (the engine's force_user and linear_l4).
s=pv-abi-shadow
m=$(pv_module pa pvabi 16M paging=shadow)
m+=$(pv_module nouser pvabi 16M paging=shadow -- attack=user_no_base)
m+=$(pv_module hvcs pvabi 16M paging=shadow -- attack=iret_hvcs)
m+=$(pv_module nofs pvabi 16M paging=shadow -- attack=no_failsafe)
m+=$(pv_module rip pvabi 16M paging=shadow -- attack=iret_rip)
m+=$(pv_module pn pvhello 16M -- status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "shadow: pvabi knows it is translated" guest_said pa "pvabi: paging translated (shadow)"
pv_callback_flag_checks pa
check "shadow: set_gdt and update_descriptor with Xen's checks, by its own frames" \
	eval 'guest_said pa "pvabi: ok: set_gdt with more entries than below 0xe000: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_gdt on a frame not its own: -EINVAL" &&
	      guest_said pa "pvabi: ok: DPL-0 code and data descriptors were raised to DPL 3 (no DPL-0 segment)" &&
	      guest_said pa "pvabi: ok: its own GDT code segment is live: a far return runs on selector 0x0b" &&
	      guest_said pa "pvabi: ok: a call gate into the hypervisor'"'"'s code segment: -EINVAL" &&
	      guest_said pa "pvabi: ok: update_descriptor into its own L4: -EINVAL" &&
	      guest_said pa "pvabi: ok: translated: update_descriptor beyond its RAM: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_gdt on a page holding a gate into the hypervisor: -EINVAL"'
check "shadow: guest user mode, fpu_taskswitch, multicall as on shared page tables" \
	eval 'guest_said pa "pvabi: ok: iret into user mode; its int3 is the kernel'"'"'s #BP, the frame saying user mode" &&
	      guest_said pa "pvabi: ok: SYSCALL in user mode enters the syscall callback, not a hypercall" &&
	      guest_said pa "pvabi: ok: the #NM cleared the guest'"'"'s TS: the next one runs" &&
	      guest_said pa "pvabi: ok: a multicall of 200 entries: each result in its entry"'
check "shadow: the M2P is the identity, read-only; mov from CR3 gives its L4" \
	eval 'guest_said pa "pvabi: ok: the read-only M2P maps a machine frame back to its pfn" &&
	      guest_said pa "pvabi: ok: writing the M2P: #PF" &&
	      guest_said pa "pvabi: ok: mov from CR3 (emulated): its L4'"'"'s machine address"'
check "shadow: linear page tables as on shared ones (read-only self-map; writable -EACCES)" \
	eval 'guest_said pa "pvabi: ok: through it the L4 reads itself" &&
	      guest_said pa "pvabi: ok: writing through it: #PF" &&
	      guest_said pa "pvabi: ok: a writable linear L4 entry: -EACCES" &&
	      guest_said pa "pvabi: ok: translated: a store making the linear entry writable: #PF, unchanged"'
check "shadow: LDT: refusals as on shared page tables, a live LDT selector in DS across a yield" \
	eval 'guest_said pa "pvabi: ok: set_ldt at a base not page-aligned: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt with 8193 entries: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt on a range reaching the hypervisor'"'"'s image slot: -EINVAL" &&
	      guest_said pa "pvabi: ok: set_ldt on a page holding a gate into the hypervisor: -EINVAL" &&
	      guest_said pa "pvabi: ok: DS loaded with LDT selector 0x07 and used for a read" &&
	      guest_said pa "pvabi: ok: update_descriptor into its live LDT: DPL raised, DS 0x07 kept" &&
	      guest_said pa "pvabi: ok: DS still 0x07 after a yield" &&
	      guest_said pa "pvabi: ok: set_ldt with 0 entries: no LDT any more"'
check "shadow: no check in pvabi failed, it shut down normally" \
	eval 'guest_said pa "pvabi: 0 failed" && stopped_with pa poweroff'
check "shadow: an iret into user mode without user page tables crashes the domain" \
	crashed_with nouser 'iret to user mode without user page tables$'
check "shadow: an iret onto the hypervisor's code segment (0xe008) crashes the domain" \
	crashed_with hvcs 'iret with a bad frame at 0x[0-9a-f]+ \(cs 0xe008, '
check "shadow: a selector that cannot be loaded, no failsafe callback: the domain crashed" \
	crashed_with nofs 'a data selector \(ds 0x13 es 0 fs 0 gs 0\) cannot be loaded: no failsafe callback'
check "shadow: an iret to a non-canonical RIP (IRETQ's #GP), no failsafe callback: the domain crashed" \
	crashed_with rip 'the CPU refused its IRET frame and it has no failsafe callback'
check "shadow: the neighbour finished, only the attackers crashed" \
	eval 'stopped_with pn poweroff && [ "$(log_count ": crashed: ")" = 4 ]'
scenario_end "$s"

# Two vCPUs (tests/guests/pvsmp), alone on the two pCPUs so that both run
# at once: VCPUOP_initialise/up/down/is_up with their refusals, events
# between the vCPUs, and a page-table change on vCPU 0 that vCPU 1 must
# see at once (the cross-CPU TLB flush); vCPU 1 on page tables, a GDT and
# an LDT of its own: the LDT of its context in use at once, a descriptor
# vCPU 0 changes in its GDT seen at once, grants it maps in its own
# tables; on shared page tables, then translated (paging=shadow).
smp_checks() {
	local d=$1 mode=$2
	check "$mode: created with 2 vCPUs" \
		log_has "^domain [0-9]+ \($d\): 16 MiB, 2 vCPUs, PV, paging=$mode, pool [0-9]+ KiB$"
	check "$mode: vCPU 1 down at start; VCPUOP_up before initialise -EINVAL; bad ids -ENOENT; vCPU 0 -EEXIST" \
		eval 'guest_said '$d' "pvsmp: ok: vCPU 1 is down at start" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_up before VCPUOP_initialise: -EINVAL" &&
		      guest_said '$d' "pvsmp: ok: vCPU 2 of 2: -ENOENT" &&
		      guest_said '$d' "pvsmp: ok: vCPU 0xffffffff: -ENOENT" &&
		      guest_said '$d' "pvsmp: ok: initialising the running vCPU 0: -EEXIST" &&
		      guest_said '$d' "pvsmp: ok: a context in the hypervisor: -EFAULT"'
	check "$mode: bad contexts -EINVAL (RIP, stack, callback, trap handlers, FS, debug registers, GDT, LDT, user mode, CR3)" \
		eval 'guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a non-canonical RIP: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a non-canonical kernel stack: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with an event callback in the hypervisor: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a trap handler in the hypervisor: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a trap handler on the hypervisor'"'"'s code segment: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with an FS base in the hypervisor: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a breakpoint address in the hypervisor: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with DR7.GD set: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with 8000 GDT entries (7168 at most): -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with an LDT base not page-aligned: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with an LDT of 8193 entries: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with an LDT on a page its tables do not map: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with user mode without user page tables: -22" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_initialise with a CR3 beyond its memory: -22" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 still down after the refusals"'
	check "$mode: VCPUOP_initialise, twice -EEXIST, VCPUOP_up, is_up; vCPU 1 counts" \
		eval 'guest_said '$d' "pvsmp: ok: VCPUOP_initialise of vCPU 1" &&
		      guest_said '$d' "pvsmp: ok: initialising it twice: -EEXIST" &&
		      guest_said '$d' "pvsmp: ok: initialised, still down" &&
		      guest_said '$d' "pvsmp: ok: VCPUOP_up of vCPU 1" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 is up" &&
		      guest_said '$d' "pvsmp: ok: the vCPU id is 32 bits, as in Xen: (1 << 32) | 1 is vCPU 1" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 runs and counts"'
	check "$mode: events both ways over IPI ports, each raised in its vCPU's vcpu_info" \
		eval 'guest_said '$d' "pvsmp: ok: 20 of 20 events answered by vCPU 1" &&
		      guest_said '$d' "pvsmp: ok: each event to vCPU 1 was raised in vCPU 1'"'"'s vcpu_info" &&
		      guest_said '$d' "pvsmp: ok: each answer was raised in vCPU 0'"'"'s vcpu_info"'
	check "$mode: a mapping changed on vCPU 0 is seen by vCPU 1 at once (UVMF_ALL, vCPU mask, INVLPG_ALL)" \
		eval 'guest_said '$d' "pvsmp: ok: vCPU 1 reads page A through the window" &&
		      guest_said_re '$d' "^pvsmp: ok: vCPU 1 sees the new page after UVMF_ALL " &&
		      guest_said_re '$d' "^pvsmp: ok: vCPU 1 sees the new page after a vCPU mask " &&
		      guest_said_re '$d' "^pvsmp: ok: vCPU 1 sees the new page after MMUEXT_INVLPG_ALL "'
	check "$mode: vCPU 1 started with the LDT of its context (at an address only its own tables map): selector 0x07 in ES" \
		guest_said "$d" "pvsmp: ok: vCPU 1 started with its context's LDT: selector 0x07 limit 0x777, ES 0x7"
	check "$mode: update_descriptor by vCPU 0 into vCPU 1's loaded GDT reaches vCPU 1's CPU at once" \
		eval 'guest_said '$d' "pvsmp: ok: vCPU 1 reads its GDT entry 0x13 with LSL: limit 0x1000" &&
		      guest_said '$d' "pvsmp: ok: vCPU 0 changed vCPU 1'"'"'s GDT entry 8 times (update_descriptor)" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 saw 8 of 8 changes at once, still in the guest"'
	check "$mode: grant map/unmap/unmap_and_replace on the calling vCPU's tables (vCPU 1's own address; vCPU 0 refused there)" \
		eval 'guest_said '$d' "pvsmp: ok: grant: vCPU 0 maps at an address only vCPU 1'"'"'s tables have: GNTST_general_error" &&
		      guest_said '$d' "pvsmp: ok: grant: vCPU 1 maps it at an address only its tables have: 0, reads 0x6767676767676767" &&
		      guest_said '$d' "pvsmp: ok: grant: vCPU 1 unmaps it there" &&
		      guest_said '$d' "pvsmp: ok: grant: vCPU 1 maps it again and unmap_and_replace moves its own entry over it"'
	check "$mode: VCPUOP_down stops vCPU 1, VCPUOP_up resumes it, it takes itself down" \
		eval 'guest_said '$d' "pvsmp: ok: VCPUOP_down of vCPU 1 from vCPU 0" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 stopped counting" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 counts again, from where it stopped" &&
		      guest_said '$d' "pvsmp: ok: vCPU 1 took itself down"'
	check "$mode: no check failed; the last vCPU going down powered the domain off" \
		eval 'guest_said '$d' "pvsmp: 0 checks failed; taking the last vCPU down" &&
		      guest_silent_re '$d' "^pvsmp: FAIL" && stopped_with '$d' poweroff'
	check "$mode: both vCPUs ran" \
		log_has "^domain [0-9]+ \($d\) vcpu 1: pv cpu_time_ms=[0-9]+ runs=[1-9]"
}

s=pv-smp
m=$(pv_module smp pvsmp 16M vcpus=2)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
smp_checks smp shared
check "shared: a CR3 that is no valid L4 is refused (a writable page, not its own, an L4 naming another's frame)" \
	eval 'guest_said smp "pvsmp: ok: VCPUOP_initialise with a CR3 that is a writable page of its own: -22" &&
	      guest_said smp "pvsmp: ok: VCPUOP_initialise with a CR3 that is not its own frame: -22" &&
	      guest_said smp "pvsmp: ok: VCPUOP_initialise with a CR3 whose L4 maps a frame not its own: -22"'
check "shared: VCPUOP_initialise validated vCPU 1's tables over several calls (continued, as Xen's is preemptible)" \
	log_has '^domain [0-9]+ \(smp\) vcpu 1: VCPUOP_initialise: page tables validated in ([2-9]|[1-9][0-9]+) steps$'
check "shared: an LDT on a writable page is refused; the refused contexts kept no hold on the LDT page" \
	eval 'guest_said smp "pvsmp: ok: VCPUOP_initialise with an LDT on a page mapped writable: -22" &&
	      guest_said smp "pvsmp: ok: the refused contexts kept no hold on the LDT page (it maps writable)"'
check "nothing crashed" log_lacks ': crashed: '
scenario_end "$s"

s=pv-smp-shadow
m=$(pv_module smpsh pvsmp 16M vcpus=2 paging=shadow)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
smp_checks smpsh shadow
check "nothing crashed" log_lacks ': crashed: '
scenario_end "$s"

# The page-table attacks of shared-pt's unit tests, live (pvptattack):
# every bad entry by mmu_update / update_va_mapping and, under writable
# page tables, by 8-byte, 4-byte (the dangerous half), LOCK CMPXCHG,
# CMPXCHG8B and CMPXCHG16B stores into its live tables; mmuext_op type
# confusion, unpinning, tables presented for validation; mmu_update's
# malformed requests. Each with Xen's error or the guest's #PF and the
# entry unchanged; the same guest in paging=shadow, where only the
# hypervisor's slots and frames beyond RAM are attacks; neighbours run on.
s=pv-ptattack
m=$(pv_module pt pvptattack 16M -- race)
m+=$(pv_module ptx pvptattack 16M paging=shadow -- race)
m+=$(pv_module pn pvhello 16M -- status=0)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE test_pv_ptwr_race=pt,ptx" "$m"
check "QEMU powered off (33)" rc_is 33
check "harmless stores of every width go through writable page tables (4-byte, cmpxchg, cmpxchg8b)" \
	eval 'guest_said pt "pvptattack: ok: harmless: its data page read-only | 4-byte store of the low half: taken" &&
	      guest_said pt "pvptattack: ok: harmless: writable again | lock cmpxchg: taken" &&
	      guest_said pt "pvptattack: ok: harmless: read-only again | lock cmpxchg8b: taken" &&
	      guest_said pt "pvptattack: ok: harmless but 16 bytes (Xen emulates 4 and 8) | lock cmpxchg16b: #PF" &&
	      guest_said pt "pvptattack: ok: a dangerous value whose compare fails | lock cmpxchg: no store, RAX = the entry"'
check "an L1 mapping its own tables writable: -EACCES by hypercall, #PF by every store" \
	eval 'guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | mmu_update: -EACCES" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | update_va_mapping: -EACCES" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | 8-byte store: #PF" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | 4-byte store of the low half: #PF" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | lock cmpxchg: #PF" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | lock cmpxchg8b: #PF" &&
	      guest_said pt "pvptattack: ok: L1: its own L1 (itself) writable | lock cmpxchg16b: #PF" &&
	      guest_said pt "pvptattack: ok: L1: its own L4 writable | 4-byte store of the low half: #PF"'
check "an L1 naming frames not its own (hypervisor, past its memory, beyond RAM), NX cleared, its code writable" \
	eval 'guest_said pt "pvptattack: ok: L1: a frame of the hypervisor'"'"'s image, read-only | 4-byte store of the low half: #PF" &&
	      guest_said pt "pvptattack: ok: L1: the machine frame past its memory (not its own) | mmu_update: -EPERM" &&
	      guest_said pt "pvptattack: ok: L1: frame address bit 45 (beyond RAM and MAXPHYADDR) | 4-byte store of the high half: #PF" &&
	      guest_said pt "pvptattack: ok: L1: NX cleared on its writable data page (W^X) | 4-byte store of the high half: #PF" &&
	      guest_said pt "pvptattack: ok: L1: NX cleared on its writable data page (W^X) | mmu_update: -EINVAL" &&
	      guest_said pt "pvptattack: ok: L1: a writable alias of its own code | lock cmpxchg8b: #PF"'
check "directories: linear maps, type confusion, reserved bits, superpages, foreign frames" \
	eval 'guest_said pt "pvptattack: ok: L4: its own L4, writable (linear) | lock cmpxchg: #PF" &&
	      guest_said pt "pvptattack: ok: L4: its live L1 as an L3 (type confusion) | mmu_update: -EBUSY" &&
	      guest_said pt "pvptattack: ok: L4: its L3 with reserved bit 7 | mmu_update: -EINVAL" &&
	      guest_said pt "pvptattack: ok: L3: its own L3, read-only (linear) | mmu_update: -EPERM" &&
	      guest_said pt "pvptattack: ok: L3: a 1 GiB page | 4-byte store of the low half: #PF" &&
	      guest_said pt "pvptattack: ok: L3: a frame beyond RAM as an L2 | 4-byte store of the high half into the empty entry: taken (not present)" &&
	      guest_said pt "pvptattack: ok: L3: a frame beyond RAM as an L2 | then the low half: #PF" &&
	      guest_said pt "pvptattack: ok: L2: its live L3 as an L1 (type confusion) | lock cmpxchg8b: #PF" &&
	      guest_said pt "pvptattack: ok: L2: a writable 2 MiB page over its own page tables | mmu_update: -EINVAL" &&
	      guest_said pt "pvptattack: ok: L2: a 2 MiB page of machine memory not its own | 8-byte store: #PF" &&
	      guest_said pt "pvptattack: ok: L2: a hypervisor frame as an L1 | mmu_update: -EPERM"'
# Each of the hypervisor's L4 slots, by mmu_update and by stores.
ptattack_hv_slots() {
	local w
	for w in "hypervisor slot 256 (the M2P)" "hypervisor slot 260 (the frame table)" \
		 "hypervisor slot 262 (the direct map)" "hypervisor slot 271 (the last)" \
		 "slot 511 (the hypervisor's image)"; do
		guest_said pt "pvptattack: ok: L4: its L3 in $w | mmu_update: -EPERM" &&
		guest_said pt "pvptattack: ok: L4: its L3 in $w | 4-byte store of the low half: #PF" &&
		guest_said pt "pvptattack: ok: L4: its L3 in $w | lock cmpxchg: #PF" || return 1
	done
}
check "the hypervisor's L4 slots (256, 260, 262, 271, 511): -EPERM, and #PF by every store" \
	ptattack_hv_slots
check "mmuext_op: wrong-level pins and base pointers, unpinning what is live or not its own" \
	eval 'guest_said pt "pvptattack: ok: pin its live L1 as an L2 | mmuext_op: -EINVAL" &&
	      guest_said pt "pvptattack: ok: new_baseptr to its live L3 | mmuext_op: -EBUSY" &&
	      guest_said pt "pvptattack: ok: new_user_baseptr to its live L1 | mmuext_op: -EBUSY" &&
	      guest_said pt "pvptattack: ok: unpin a frame not its own | mmuext_op: -EPERM" &&
	      guest_said pt "pvptattack: ok: its unpinned but live L4 writable | update_va_mapping: -EACCES" &&
	      guest_said pt "pvptattack: ok: unpinned, its L4 | still in use: the domain runs on"'
check "tables presented for validation with one bad entry are refused; mmu_update's malformed requests" \
	eval 'guest_said pt "pvptattack: ok: an L1 mapping itself writable | pinned (validation): -EACCES" &&
	      guest_said pt "pvptattack: ok: an L4 with its L3 in hypervisor slot 256 | pinned (validation): -EPERM" &&
	      guest_said pt "pvptattack: ok: an L3 naming its live L1 | pinned (validation): -EINVAL" &&
	      guest_said pt "pvptattack: ok: an L4 naming its L3 (harmless) | pinned (validation): 0" &&
	      guest_said pt "pvptattack: ok: command 4 (none) | mmu_update: -ENOSYS" &&
	      guest_said pt "pvptattack: ok: a batch of three, the second bad | mmu_update: -EACCES, 1 done, the third not applied"'
check "another domain's frame (found through the read-only M2P): -EPERM by hypercall, #PF by every store" \
	eval 'guest_said pt "pvptattack: ok: another domain'"'"'s frame | found through the read-only M2P: found" &&
	      guest_said pt "pvptattack: ok: L1: another domain'"'"'s frame, writable | mmu_update: -EPERM" &&
	      guest_said pt "pvptattack: ok: L1: another domain'"'"'s frame, read-only | 4-byte store of the low half: #PF" &&
	      guest_said pt "pvptattack: ok: L1: another domain'"'"'s frame, writable | lock cmpxchg8b: #PF" &&
	      guest_said pt "pvptattack: ok: L2: another domain'"'"'s frame as an L1 | lock cmpxchg: #PF" &&
	      guest_said pt "pvptattack: ok: a write into another domain'"'"'s frame | mmu_update: -EPERM" &&
	      guest_said pt "pvptattack: ok: pin another domain'"'"'s frame | mmuext_op: -EPERM"'
check "an entry dirtied between the emulator's read and its commit (test_pv_ptwr_race): the LOCK CMPXCHG fails, the bit survives" \
	eval 'log_has "^test: d[0-9]+.s page-table entry at 0x[0-9a-f]+ dirtied under its store$" &&
	      guest_said pt "pvptattack: ok: race: dirtied between the emulator'"'"'s read and commit | lock cmpxchg: fails, RAX = the dirty entry, the bit kept"'
check "all 322 checks of the shared-page-table guest passed, it runs on and powers off" \
	eval '[ "$(guest_lines pt | grep -c "^pvptattack: ok: ")" = 322 ] &&
	      guest_silent_re pt "^pvptattack: FAIL" && guest_said pt "pvptattack: 0 failed" &&
	      stopped_with pt poweroff && is_positive "$(paging_stat pt refusals)"'
check "translated: stores into the hypervisor's L4 slots #PF; a frame beyond RAM faults at the access; cmpxchg16b #PF" \
	eval 'guest_said ptx "pvptattack: ok: translated: its L4 slot 262 naming its L4 | 4-byte store: #PF" &&
	      guest_said ptx "pvptattack: ok: translated: its L4 slot 511 naming its L4 | lock cmpxchg8b: #PF" &&
	      guest_said ptx "pvptattack: ok: translated: the page behind it | written: #PF" &&
	      guest_said ptx "pvptattack: ok: translated: its L1 entry back | lock cmpxchg8b: taken" &&
	      guest_said ptx "pvptattack: ok: translated: 16 bytes into its L1 | lock cmpxchg16b: #PF"'
check "translated: an entry dirtied between the emulator's read and its commit through the engine: the LOCK CMPXCHG fails, the bit survives" \
	eval '[ "$(log_count "^test: d[0-9]+.s page-table entry at 0x[0-9a-f]+ dirtied under its store$")" = 2 ] &&
	      guest_said ptx "pvptattack: ok: race: dirtied between the emulator'"'"'s read and commit | lock cmpxchg: fails, RAX = the dirty entry, the bit kept" &&
	      guest_said ptx "pvptattack: ok: race: its entry | 8-byte store: back"'
check "translated: no check failed, it powers off" \
	eval 'guest_silent_re ptx "^pvptattack: FAIL" && guest_said ptx "pvptattack: 0 failed" &&
	      stopped_with ptx poweroff'
check "the neighbours (PV, PVH) finished; nothing crashed" \
	eval 'stopped_with pn poweroff && stopped_with nb poweroff && log_lacks ": crashed: "'
scenario_end "$s"

# Memory reservations of PV domains (tests/guests/pvmem, docs/pv.md): in
# both paging modes, beside pvptwork (shared page tables) and the HVM
# ptwork, whose checksums must agree: the neighbours finish untouched.
s=pv-mem
PTWORK_OPS=${PTWORK_OPS:-2000}
m=$(pv_module ms pvmem 16M)
m+=$(pv_module mt pvmem 16M paging=shadow)
m+=$(pv_module mw pvptwork 16M paging=shared -- ops=$PTWORK_OPS)
m+=$(module mh ptwork nested 16M ops=$PTWORK_OPS)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "shared: a page unmapped and given back by machine frame leaves the reservation, its M2P entry invalid" \
	eval 'guest_said ms "pvmem: ok: decrease_reservation of page A by machine frame: 1 extent done" &&
	      guest_said ms "pvmem: ok: current_reservation is one page less" &&
	      guest_said ms "pvmem: ok: its M2P entry is INVALID_M2P_ENTRY"'
check "shared: the frame given back cannot be mapped (-EBUSY), pinned or a GDT frame (-EINVAL), nor given back twice" \
	eval 'guest_said ms "pvmem: ok: mapping the frame given back: -EBUSY (a freed page)" &&
	      guest_said ms "pvmem: ok: mapping it read-only: -EBUSY" &&
	      guest_said ms "pvmem: ok: pinning it as a page table: -EINVAL" &&
	      guest_said ms "pvmem: ok: set_gdt on it: -EINVAL" &&
	      guest_said ms "pvmem: ok: giving it back again: 0 extents, nothing changed"'
check "shared: a page given back while mapped works until its last mapping goes (as Xen), then leaves" \
	eval 'guest_said ms "pvmem: ok: decrease_reservation of page B, still mapped: 1 extent done (as Xen)" &&
	      guest_said ms "pvmem: ok: page B still works through its mapping until that goes" &&
	      guest_said ms "pvmem: ok: ... and still counts (its M2P entry stays) while mapped" &&
	      guest_said ms "pvmem: ok: its last mapping gone: out of the reservation, M2P INVALID_M2P_ENTRY" &&
	      guest_said ms "pvmem: ok: mapping page B again: -EBUSY"'
check "shared: populate_physmap and increase_reservation give the frames back zeroed, machine frames in the list, M2P set" \
	eval 'guest_said ms "pvmem: ok: populate_physmap of page A'"'"'s frame: 1 extent, its machine frame written back" &&
	      guest_said ms "pvmem: ok: its M2P entry names the frame it asked for" &&
	      guest_said ms "pvmem: ok: page A reads zeroed" && guest_said ms "pvmem: ok: page A is usable" &&
	      guest_said ms "pvmem: ok: increase_reservation: 1 extent, the frame given back written to the list" &&
	      guest_said ms "pvmem: ok: its M2P entry and the reservation are back" &&
	      guest_said ms "pvmem: ok: page B mapped again, zeroed" &&
	      guest_said ms "pvmem: ok: increase_reservation with nothing given back: 0 (memory never grows)"'
check "shared: extent lists in the hypervisor or non-canonical refused before anything is given; a read-only list: the frame given, not named (as Xen)" \
	eval 'guest_said ms "pvmem: ok: populate_physmap with its list in the hypervisor: 0, nothing given" &&
	      guest_said ms "pvmem: ok: increase_reservation with its list in the hypervisor: 0, nothing given" &&
	      guest_said ms "pvmem: ok: increase_reservation with a non-canonical list: 0, nothing given" &&
	      guest_said ms "pvmem: ok: increase_reservation into a read-only list: 0, the frame given but not named (as Xen)" &&
	      guest_said ms "pvmem: ok: page A mapped again, zeroed" &&
	      guest_said mt "pvmem: ok: translated: increase_reservation with its list in the hypervisor: 0, nothing counted"'
check "shared: another domain's frame (found through the M2P) is not given back" \
	guest_said ms "pvmem: ok: decrease_reservation of another domain's frame (found through the M2P): 0 extents, its M2P entry kept"
check "shared: a pinned L1 table given back loses its pin (as Xen), leaves when its mapping goes, comes back zeroed" \
	eval 'guest_said ms "pvmem: ok: page D pinned as an L1 table" &&
	      guest_said ms "pvmem: ok: decrease_reservation of the pinned L1: 1 extent done (as Xen)" &&
	      guest_said ms "pvmem: ok: its pin was dropped: unpinning it -EINVAL" &&
	      guest_said ms "pvmem: ok: still mapped read-only: still counted" &&
	      guest_said ms "pvmem: ok: its mapping gone: out of the reservation, M2P invalid" &&
	      guest_said ms "pvmem: ok: page D populated again: mapped writable, zeroed"'
check "shared: a registered vcpu_info page given back stays held by the hypervisor (as Xen): counted, events still reach it" \
	eval 'guest_said ms "pvmem: ok: vcpu_info in its own L4 (a page table, no writable type): -EINVAL" &&
	      guest_said ms "pvmem: ok: vcpu_info registered in page E" &&
	      guest_said ms "pvmem: ok: page E given back: 1 extent, still counted while the hypervisor holds it (as Xen)" &&
	      guest_said ms "pvmem: ok: an event sent; page E, still referenced, may be mapped again" &&
	      guest_said ms "pvmem: ok: the hypervisor'"'"'s event write reached the vcpu_info in page E"'
check "translated: by guest frame; a store through the old mapping faults; populated again zeroed; increase counts" \
	eval 'guest_said mt "pvmem: ok: translated: decrease_reservation of page A by guest frame: 1 extent, one page less" &&
	      guest_said mt "pvmem: ok: translated: a store through the old mapping faults (#PF), its shadow gone" &&
	      guest_said mt "pvmem: ok: translated: so does a read" &&
	      guest_said mt "pvmem: ok: translated: populate_physmap: 1 extent, the list unchanged" &&
	      guest_said mt "pvmem: ok: translated: page A reads zeroed through its old mapping" &&
	      guest_said mt "pvmem: ok: translated: increase_reservation counts a page (no frame named)" &&
	      guest_said mt "pvmem: ok: translated: populating page B past the maximum: 0 extents"'
for g in ms mt; do
	check "$g: bad arguments get 0 extents done and change nothing (another's frame, shared_info, a grant frame, order, domain, pointers)" \
		eval 'guest_said '$g' "pvmem: ok: decrease_reservation of a frame not its own: 0 extents" &&
		      guest_said '$g' "pvmem: ok: decrease_reservation of its shared_info frame: 0 extents" &&
		      guest_said '$g' "pvmem: ok: grant table frame set up" &&
		      guest_said '$g' "pvmem: ok: decrease_reservation of its grant table frame: 0 extents" &&
		      guest_said '$g' "pvmem: ok: an extent order above 9: 0 extents" &&
		      guest_said '$g' "pvmem: ok: naming another domain: 0 extents" &&
		      guest_said '$g' "pvmem: ok: an extent list in the hypervisor: 0 extents" &&
		      guest_said '$g' "pvmem: ok: an unmapped extent list: 0 extents" &&
		      guest_said '$g' "pvmem: ok: populate_physmap of a frame it has: 0 extents" &&
		      guest_said '$g' "pvmem: ok: populate_physmap beyond its RAM: 0 extents" &&
		      guest_said '$g' "pvmem: ok: two entries, the second not its own: stops after 1" &&
		      guest_said '$g' "pvmem: ok: page C untouched and the reservation unchanged by all that"'
	check "$g: no check failed, powered off" \
		eval 'guest_silent_re '$g' "^pvmem: FAIL" && guest_said '$g' "pvmem: 0 failed" &&
		      stopped_with '$g' poweroff'
done
check "the neighbours finished untouched: pvptwork's checksum is the HVM ptwork's, nothing crashed" \
	eval 'same_nonempty "$(guest_value mw "^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*")" \
			    "$(guest_value mh "^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*")" &&
	      stopped_with mw poweroff && stopped_with mh poweroff && log_lacks ": crashed: "'

# minios's timer helper and user processes (pvproc), in both paging
# modes beside a pvhello and an HVM neighbour: a sleep on the one-shot
# timer and VIRQ_TIMER; processes each in an address space of their own
# (a fresh L4 as user base pointer, pinned on shared page tables), run
# in guest user mode, back through SYSCALL, switched on each yield; a
# spy reading another process's page and a reader of the kernel's data
# are killed by their #PF and the others go on; all taken apart and a
# second round run in the pages given back (a process writing its code or
# calling the hypercall page killed too); a third with time slices.
proc_checks() {
	local d=$1 mode=$2
	check "$mode: the timer: VIRQ_TIMER bound, now() runs, a 20 ms sleep lasts 20 ms and wakes on the VIRQ" \
		eval 'guest_said '$d' "pvproc: ok: timer: VIRQ_TIMER bound through the event helpers" &&
		      guest_said '$d' "pvproc: ok: timer: now() runs and never goes back" &&
		      guest_said '$d' "pvproc: ok: timer: at least 20 ms passed on now()" &&
		      guest_said '$d' "pvproc: ok: timer: the sleep woke on VIRQ_TIMER"'
	check "$mode: four processes, each in its own address space, greeting from user mode through SYS_write" \
		eval 'guest_said '$d' "pvproc: ok: proc: two workers created, each with a private page of its own" &&
		      guest_said '$d' "pvproc: hello from process 1, in user mode" &&
		      guest_said '$d' "pvproc: hello from process 2, in user mode"'
	check "$mode: the workers ran turn about across yields, each finding its own data at the same address (and SYSCALL was never a hypercall)" \
		eval 'guest_said '$d' "pvproc: ok: proc: both workers exited with their pid (every step of theirs passed)" &&
		      guest_said '$d' "pvproc: ok: proc: each yield switched processes (the workers ran turn about)"'
	check "$mode: isolation: another process's page and the kernel's data are not in a process's space (#PF, killed, the rest go on)" \
		eval 'guest_said '$d' "pvproc: ok: proc: the spy'"'"'s read of the worker'"'"'s private page: #PF (not present, user), killed" &&
		      guest_said '$d' "pvproc: ok: proc: a process reading the kernel'"'"'s data: #PF (not present in its space), killed" &&
		      guest_said_re '$d' "^pvproc: proc: pid 3 killed: exception 14 at 0x[0-9a-f]+ \(error 0x4, address 0x42000\)$"'
	check "$mode: processes taken apart (tables unpinned and writable again), a second round in the same pages" \
		eval 'guest_said '$d' "pvproc: ok: proc: all four taken apart (L4s unpinned, tables writable again), every page back" &&
		      guest_said '$d' "pvproc: ok: proc: a second round in the pages the first gave back" &&
		      guest_said '$d' "pvproc: ok: proc: its worker exited with its pid" &&
		      guest_said '$d' "pvproc: ok: proc: a process writing its own code: #PF (present, write, user), killed" &&
		      guest_said '$d' "pvproc: ok: proc: a process calling the hypercall page: #PF (fetch, not present in its space), killed" &&
		      guest_said '$d' "pvproc: ok: proc: all three taken apart"'
	check "$mode: time slices: a process that never gives up the vCPU is preempted, a worker ends while it spins" \
		eval 'guest_said '$d' "pvproc: ok: slices: both exited normally" &&
		      guest_said '$d' "pvproc: ok: slices: the spinner was preempted and the worker ended while it spun"'
	check "$mode: no check failed, it powered off" \
		eval 'guest_said '$d' "pvproc: 0 failed" && guest_silent_re '$d' "^pvproc: FAIL" &&
		      stopped_with '$d' poweroff'
}

s=pv-proc
m=$(pv_module prs pvproc 16M paging=shared)
m+=$(pv_module prx pvproc 16M paging=shadow)
m+=$(pv_module pn pvhello 16M -- status=0)
m+=$(module nb hello nested 8M status=0)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "QEMU powered off (33)" rc_is 33
check "one on shared page tables, one translated" \
	eval 'guest_said prs "pvproc: paging shared" && guest_said prx "pvproc: paging translated (shadow)"'
proc_checks prs shared
proc_checks prx shadow
check "shared: each process's L4 had a shadow L4 of its own (5 at once: the kernel's and four), released when taken apart" \
	eval '[ "$(paging_stat prs shadow_pages_peak)" = 5 ] && [ "$(paging_stat prs shadow_pages)" = 1 ] &&
	      [ "$(paging_stat prs refusals)" = 0 ]'
check "the neighbours finished" eval 'stopped_with pn poweroff && stopped_with nb poweroff'
check "nothing crashed" log_lacks ': crashed: '
scenario_end "$s"
