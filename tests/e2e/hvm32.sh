#!/usr/bin/env bash
# 32-bit guests on Umbra: the hvm32 guest (tests/guests/hvm32) stays in
# 32-bit protected mode and makes hypercalls (Xen's 32-bit convention,
# compat layouts: tests/guests/hvm32/compat32.c), beside a neighbour,
# with paging off, 2-level, PSE and PAE paging under nested paging and
# under shadow paging (the engine runs 32-bit guests on PAE shadows,
# mmu/shadow_form.c); its arguments in a window of two pages mapped
# backwards, through a 4 MiB or 2 MiB page, and across an unmapped page
# and a not-present PDE or PDPTE (-EFAULT); a store to a live PTE with
# INVLPG remaps a page (trapped and applied by the shadow engine under
# shadow paging) and CR4 reads back as written (a 2-level guest runs on
# PAE shadows). The shadow domain's counters must show hidden faults, CR3
# writes and page-table write traps (it really ran on shadows).
# PAE under NPT needs mmu/walk32.c to tolerate the accessed bit QEMU 7.2's
# TCG writes into the guest's PDPTEs (reserved there; docs/hvm.md).
# One PASS:/FAIL: line per check.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=90

for mode in nested shadow; do
	pgs="off 2level pse pae"
	s=hvm32-$mode
	m=$(module h32 hvm32 "$mode" 16M "modes=${pgs// /,}")
	m+=$(module nb hello "$mode" 8M status=0)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "$mode: both domains stopped, QEMU powered off (33)" rc_is 33
	check "$mode: hvm32 runs in 32-bit mode and knows its paging" \
		guest_said h32 "hvm32: paging $mode"
	check "$mode: shared_info placed by add_to_physmap (compat layout)" \
		guest_said h32 "hvm32: off: ok: add_to_physmap shared_info (compat layout)"
	check "$mode: HVM_PARAM_CALLBACK_IRQ from 32-bit code: compat shared_info (wall clock, selector)" \
		eval 'guest_said h32 "hvm32: off: ok: HVM_PARAM_CALLBACK_IRQ from 32-bit code: the wall clock in the compat place" &&
		      guest_said h32 "hvm32: off: ok: an event in the compat layout: 32-bit selector at offset 4"'
	check "$mode: register_vcpu_info in the compat layout, its refusals" \
		eval 'guest_said h32 "hvm32: off: ok: register_vcpu_info across the page'"'"'s end: -EINVAL" &&
		      guest_said h32 "hvm32: off: ok: register_vcpu_info with rsvd set: -EINVAL" &&
		      guest_said h32 "hvm32: off: ok: register_vcpu_info: compat selector all ones at offset 4, time record there" &&
		      guest_said h32 "hvm32: off: ok: a second register_vcpu_info: -EINVAL"'
	check "$mode: upcall vector errors from 32-bit code" \
		eval 'guest_said h32 "hvm32: off: ok: set_evtchn_upcall_vector for a vCPU it lacks: -ENOENT" &&
		      guest_said h32 "hvm32: off: ok: set_evtchn_upcall_vector below 0x10: -EINVAL"'
	for pg in $pgs; do
		check "$mode/$pg: console_io across two backwards pages" \
			guest_said h32 "hvm32: $pg: ok: console_io from a buffer across the window's pages"
		check "$mode/$pg: memory_op queries and memory_map (compat)" \
			eval 'guest_said h32 "hvm32: $pg: ok: memory_op current_reservation (domid across pages)" &&
			      guest_said h32 "hvm32: $pg: ok: memory_map in the compat layout, entries across pages"'
		check "$mode/$pg: event channel loopback: alloc_unbound, bind, send, poll, close" \
			eval 'guest_said h32 "hvm32: $pg: ok: evtchn alloc_unbound (port written back)" &&
			      guest_said h32 "hvm32: $pg: ok: SCHEDOP_poll (compat layout) returns on the pending port" &&
			      guest_said h32 "hvm32: $pg: ok: evtchn close both"'
		check "$mode/$pg: a memory_op Umbra does not offer: -ENOSYS" \
			guest_said h32 "hvm32: $pg: ok: a memory_op not offered to 32-bit code: -ENOSYS"
		check "$mode/$pg: reservations with 4-byte extent lists (compat)" \
			eval 'guest_said h32 "hvm32: $pg: ok: decrease_reservation (compat): 4-byte entries across the window'"'"'s pages" &&
			      guest_said h32 "hvm32: $pg: ok: populate_physmap (compat): both frames back, zeroed" &&
			      guest_said h32 "hvm32: $pg: ok: increase_reservation (compat) at the maximum: 0 extents" &&
			      guest_said h32 "hvm32: $pg: ok: decrease_reservation naming another domain: 0 extents, nothing given back"'
		check "$mode/$pg: vcpu_op singleshot and runstate (compat)" \
			eval 'guest_said h32 "hvm32: $pg: ok: set_singleshot_timer (compat, 12 bytes): a past time is -ETIME" &&
			      guest_said h32 "hvm32: $pg: ok: get_runstate_info in the compat layout (44 bytes)" &&
			      guest_said h32 "hvm32: $pg: ok: register_runstate_memory_area (4-byte handle): written at once, compat layout"'
		check "$mode/$pg: grant setup_table and copy (compat)" \
			eval 'guest_said h32 "hvm32: $pg: ok: grant setup_table (compat): a 4-byte frame number" &&
			      guest_said h32 "hvm32: $pg: ok: setup_table: a frame not placed (~0) does not fit: GNTST_address_too_big" &&
			      guest_said h32 "hvm32: $pg: ok: grant copy (compat, 24-byte ops across pages): bytes moved, each its status"'
		check "$mode/$pg: platform_parameters (compat)" \
			guest_said h32 "hvm32: $pg: ok: xen_version platform_parameters: 4 bytes (compat), virt_start 0"
		check "$mode/$pg: no check failed" guest_silent_re h32 "^hvm32: $pg: FAIL"
		[ "$pg" = off ] && continue
		check "$mode/$pg: compat structures cut short by the unmapped page or in a hole" \
			eval 'guest_said h32 "hvm32: $pg: ok: decrease_reservation with its second entry unmapped: stops after 1" &&
			      guest_said h32 "hvm32: $pg: ok: a reservation request in a hole: 0 extents" &&
			      guest_said h32 "hvm32: $pg: ok: singleshot, runstate and area from a hole: -EFAULT each" &&
			      guest_said h32 "hvm32: $pg: ok: setup_table with its frame list in a hole: GNTST_bad_virt_addr" &&
			      guest_said h32 "hvm32: $pg: ok: copy whose second op is unmapped: -EFAULT"'
		check "$mode/$pg: a store to a live PTE and INVLPG remap a page; CR4 reads back" \
			eval 'guest_said h32 "hvm32: $pg: ok: a store to a live PTE and INVLPG remap the window'"'"'s first page" &&
			      guest_said h32 "hvm32: $pg: ok: CR4 reads back as written"'
		check "$mode/$pg: buffers into an unmapped page and a hole get -EFAULT" \
			eval 'guest_said h32 "hvm32: $pg: ok: console_io running into an unmapped page: -EFAULT" &&
			      guest_said h32 "hvm32: $pg: ok: console_io at a not-present top-level entry: -EFAULT" &&
			      guest_said h32 "hvm32: $pg: ok: SCHEDOP_poll with its ports unmapped: -EFAULT" &&
			      guest_said h32 "hvm32: $pg: ok: evtchn send from a not-present entry: -EFAULT"'
	done
	check "$mode/pse: through a 4 MiB page" \
		guest_said h32 "hvm32: pse: ok: console_io through a big page (alias of low memory)"
	check "$mode/pae: through a 2 MiB page" \
		guest_said h32 "hvm32: pae: ok: console_io through a big page (alias of low memory)"
	if [ "$mode" = shadow ]; then
		check "$mode: the 32-bit guest ran on shadows (hidden faults, CR3 writes, no NPT fallback)" \
			eval 'grep -q "domain [0-9]* (h32) paging: mode=shadow .* hidden_faults=[1-9][0-9]* .* pt_write_traps=[1-9][0-9]* .* cr3_writes=[1-9]" "$BOOT_LOG"'
	fi
	check "$mode: every check passed" guest_said_re h32 '^hvm32: [1-9][0-9]* checks, 0 failed$'
	check "$mode: hvm32 shut down normally (request read from the last mode's window)" \
		stopped_with h32 poweroff
	check "$mode: the neighbour finished" stopped_with nb poweroff
	check "$mode: no domain crashed" log_lacks ': crashed: '
	scenario_end "$s"
done
