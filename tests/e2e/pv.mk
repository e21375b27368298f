# PV domains (tests/e2e/pv.sh): the pvhello guest in ring 3 on shared page
# tables beside a PVH neighbour; a guest fault, bad images and specs; the
# pvtraps guest: trap table, bounce, iret, page-table hypercalls, events,
# attacks; two pvpingpong guests over an interdomain event channel; the
# same in paging=shadow, and pvptwork in both modes beside the HVM ptwork;
# pvxonly (the execute-only hypercall page, W^X) and pvabi (descriptor
# tables, user mode) and pvptattack (shared-pt's page-table attacks
# by hypercall and trapped store) as hostile guests; pvsmp (two vCPUs, VCPUOP_*, TLB
# shootdown) and pvtimer (set_timer_op, one-shot timers, SCHEDOP_poll,
# EVTCHNOP_unmask) in both modes; pvmem (memory reservations) in both
# modes beside pvptwork and ptwork; pvproc (minios's timer helper and
# user processes with their own address spaces) in both modes; pvrwx (one
# writable and executable segment, mapped per section with W^X when
# translated). Every guest the script boots is listed: it does not build
# its inputs.
CHECK_SUITES += tests/e2e/pv.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,pvhello pvtraps pvpingpong pvptwork pvbench pvxonly pvabi pvsmp pvptattack \
	pvtimer pvmem pvproc pvrwx hello ptwork)
