#!/usr/bin/env bash
# memory_op and the per-vCPU state a Linux PVH guest reads, on Umbra: the
# memop guest (tests/guests/memop) in both paging modes beside a
# neighbour. Round trips of decrease_reservation / populate_physmap (a
# page, a 2 MiB extent, 100 extents in one continued call) with the
# reservation counts and memory_map; pvclock (vcpu_time_info, wall clock,
# register_vcpu_info, a TSC write) and runstate; memory_op with bad
# arguments getting Xen's answers; a domain granting a frame to itself
# (a frame in use through a grant stays; a grant maps into a frame given
# back). One PASS:/FAIL: line per check.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=120

for mode in nested shadow; do
	s=memop-$mode
	m=$(module mo memop "$mode" 16M)
	m+=$(module nb hello "$mode" 8M status=0)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "$mode: both domains stopped, QEMU powered off (33)" rc_is 33
	check "$mode: a page given back reads all-ones, comes back zeroed" \
		eval 'guest_said mo "memop: ok: the page given back reads all-ones" &&
		      guest_said mo "memop: ok: the populated page is zeroed"'
	check "$mode: an order-9 extent round trip" \
		guest_said mo "memop: ok: all 512 pages back and zeroed"
	check "$mode: 100 extents in one continued call" \
		guest_said mo "memop: ok: 100 extents in one call (continued past 64): 100"
	check "$mode: memory_map matches the start info" \
		guest_said mo "memop: ok: memory_map matches the start info's map"
	check "$mode: pvclock monotonic and on the TSC" \
		eval 'guest_said mo "memop: ok: pvclock time never goes back (20000 reads)" &&
		      guest_said mo "memop: ok: pvclock time agrees with the TSC at the CPUID frequency (< 1 ms)"'
	check "$mode: the wall clock is today's" \
		guest_said mo "memop: ok: the wall clock is today's (from the RTC)"
	check "$mode: runstate times grow" \
		eval 'guest_said mo "memop: ok: a 30 ms block adds to blocked time" &&
		      guest_said mo "memop: ok: the registered area grows as the vCPU blocks and runs"'
	check "$mode: vm_assist: runstate_update_flag only, as Xen gives HVM" \
		eval 'guest_said mo "memop: ok: vm_assist enables runstate_update_flag" &&
		      guest_said mo "memop: ok: vm_assist writable_pagetables (PV only): -EINVAL" &&
		      guest_said mo "memop: ok: with the update flag the area follows the vCPU, flag clear between updates"'
	check "$mode: a grant frame above RAM (Linux PVH's place): placed, moved, its references map" \
		eval 'guest_said mo "memop: ok: grant frame 1 placed above RAM (as Linux PVH places them)" &&
		      guest_said mo "memop: ok: moved to another free frame above RAM, with its entries" &&
		      guest_said mo "memop: ok: a reference in the frame above RAM maps, and Umbra marks it in use there" &&
		      guest_said mo "memop: ok: unmapped, the entry'"'"'s in-use flag is cleared there"'
	check "$mode: a frame in use through a grant is not given back" \
		guest_said mo "memop: ok: the granted frame, in use, is not given back: 0"
	check "$mode: a grant maps into a frame given back, which comes back after the unmap" \
		eval 'guest_said mo "memop: ok: it shows the granted frame" &&
		      guest_said mo "memop: ok: then the frame is populated again, zeroed"'
	check "$mode: bad arguments leave the reservation unchanged" \
		guest_said mo "memop: ok: current_reservation unchanged by all that"
	check "$mode: every memop check passed" guest_said_re mo '^memop: [1-9][0-9]* checks, 0 failed$'
	check "$mode: memop shut down normally" stopped_with mo poweroff
	check "$mode: the neighbour finished" stopped_with nb poweroff
	check "$mode: no domain crashed" log_lacks ': crashed: '
	scenario_end "$s"
done
