#!/usr/bin/env bash
# Event channels (Xen's 2-level ABI) between HVM domains on Umbra: the
# evtchn guest on its own (VIRQ_TIMER from the singleshot timer and
# set_timer_op, SCHEDOP_poll timeouts, IPIs, mask/unmask, status, a
# loopback channel) in both paging modes; an interdomain ping-pong
# between a nested and a shadow domain (upcalls on one side, SCHEDOP_poll
# on the other, the close seen by the peer); the hostile guest's attacks
# on the event-channel calls (ports out of range or another domain's, bad
# pointers, exhausting its ports) beside a neighbour that finishes.
# Two vCPUs of one domain signal each other (IPIs, vCPU 1's VIRQ_TIMER,
# bind_vcpu); a domain destroyed with its channel open.
# One PASS:/FAIL: line per check.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=90

check_evtchn() { # NAME MODE WHAT
	check "$2: $1: $3: every check passed" guest_said_re "$1" '^evtchn: [1-9][0-9]* checks, 0 failed$'
	check "$2: $1 shut down normally" stopped_with "$1" poweroff
}

# Alone, in each paging mode.
s=evtchn-solo
m=$(module es1 evtchn nested 8M role=solo)
m+=$(module es2 evtchn shadow 8M role=solo)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "solo: both domains stopped, QEMU powered off (33)" rc_is 33
for t in es1:nested es2:shadow; do
	IFS=: read -r name mode <<< "$t"
	check "$mode: singleshot expiry arrives as VIRQ_TIMER's upcall" \
		guest_said "$name" "evtchn: ok: singleshot expiry arrives as an upcall"
	check "$mode: poll on a quiet port returns at its timeout" \
		guest_said "$name" "evtchn: ok: SCHEDOP_poll on a quiet port returns at its timeout"
	check "$mode: unmask delivers a pending event" \
		guest_said "$name" "evtchn: ok: EVTCHNOP_unmask of the pending port: the upcall"
	check "$mode: the vCPU's own upcall vector replaces the domain's" \
		guest_said "$name" "evtchn: ok: an event arrives on the vCPU's own vector, not the domain's"
	check "$mode: loopback close leaves the other end unbound" \
		guest_said "$name" "evtchn: ok: the other end is unbound, waiting for me again"
	check_evtchn "$name" "$mode" "VIRQ timer, poll, IPI, loopback"
done
check "solo: no domain crashed" log_lacks ': crashed: '
scenario_end "$s"

# Two vCPUs of one domain, each on its own pCPU or sharing one.
s=evtchn-smp
m=$(module sm1 evtchn nested "8M vcpus=2" role=smp)
m+=$(module sm2 evtchn shadow "8M vcpus=2 cpus=0x1" role=smp)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
for t in sm1:nested sm2:shadow; do
	IFS=: read -r name mode <<< "$t"
	check "smp $mode: IPIs between vCPUs: vCPU 1 polls, vCPU 0 takes upcalls" \
		guest_said "$name" "evtchn: ok: every IPI to vCPU 1 (polling) answered by one to vCPU 0 (upcall)"
	check "smp $mode: vCPU 1's timer raises VIRQ_TIMER on vCPU 1" \
		guest_said "$name" "evtchn: ok: vCPU 1's singleshot timer (not vCPU 0's to set) raised VIRQ_TIMER on vCPU 1's port"
	check "smp $mode: bind_vcpu moves a port's events to vCPU 1's vcpu_info" \
		guest_said "$name" "evtchn: ok: a send to it marks vCPU 1's vcpu_info, not vCPU 0's"
	check_evtchn "$name" "$mode" "two vCPUs"
done
scenario_end "$s"

# Ping-pong between two domains: ids follow the module order (1, 2).
s=evtchn-pingpong
m=$(module srv evtchn nested 8M role=server peer=2 rounds=50)
m+=$(module cli evtchn shadow 8M role=client peer=1 rounds=50)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "pingpong: both domains stopped, QEMU powered off (33)" rc_is 33
check "pingpong: the server is domain 1, the client domain 2" \
	eval 'guest_said srv "evtchn: domain 1" && guest_said cli "evtchn: domain 2"'
check "pingpong: the client bound to the server's port" \
	guest_said cli "evtchn: ok: bind_interdomain to the server's port"
check "pingpong: 50 of 50 round trips (client polls, server takes upcalls)" \
	guest_said_re cli '^evtchn: client: 50 of 50 answered'
check "pingpong: the server answered all 50" guest_said_re srv '^evtchn: server: answered 50 of 50'
check "pingpong: after the client closed, the server's end is unbound for it" \
	guest_said srv "evtchn: ok: after the peer closed or was destroyed: my end unbound, for the peer"
check_evtchn srv nested "server"
check_evtchn cli shadow "client"
echo "pingpong: $(guest_lines cli | grep 'mean round trip')"
scenario_end "$s"

# A domain destroyed with its channel open: the test build's boot CPU
# destroys each domain once it stops (test_reap_stopped, as a toolstack
# would); the peer's end becomes unbound, waiting for the dead domain.
s=evtchn-destroy
m=$(module srv evtchn nested 8M role=server peer=2 rounds=10)
m+=$(module cli evtchn nested 8M role=client peer=1 rounds=10 leave=open)
boot "$s" "$HVM_ELF" "console=com1 loglvl=info test_reap_stopped" "$m"
check "destroy: the client shut down with its end open" \
	guest_said cli "evtchn: client: leaving my end open"
check "destroy: the stopped client was destroyed" \
	log_has '^test: reap: domain 2 stopped; destroy: 0$'
check "destroy: the server's end became unbound, for the destroyed domain" \
	guest_said srv "evtchn: ok: after the peer closed or was destroyed: my end unbound, for the peer"
check_evtchn srv nested "server beside a destroyed peer"
check "destroy: every domain destroyed, QEMU powered off (33)" \
	eval 'log_has "^test: reap: every domain destroyed$" && rc_is 33'
scenario_end "$s"

# Attacks on the event-channel calls, beside a neighbour.
for mode in nested shadow; do
	s=evtchn-hostile-$mode
	m=$(module ok1 hello "$mode" 8M status=0)
	m+=$(module hev hostile "$mode" 8M attack=evtchn)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "hostile $mode: every attack got Xen's error" \
		guest_said_re hev '^hostile: PASS evtchn \([0-9]+ checks\)$'
	check "hostile $mode: not crashed" never_crashed hev
	check "hostile $mode: the neighbour finished" stopped_with ok1 poweroff
	check "hostile $mode: bad pointers counted as guest faults" \
		same_nonempty "$(stat hev guest_faults)" \
		"$(guest_value hev '^hostile: expected counters: guest_faults=([0-9]+).*')"
	check "hostile $mode: QEMU powered off normally (33)" rc_is 33
	scenario_end "$s"
done
