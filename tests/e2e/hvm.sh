#!/usr/bin/env bash
# HVM domains on SVM: several guests at once from boot modules,
# under nested and shadow paging, each guest's console output and
# shutdown status asserted; fairness of two compute guests on one pCPU;
# the hostile guest beside well-behaved ones; CPU-state and event attacks
# (security review); memory isolation of shadow domains; 9 guests on
# 2 pCPUs; a guest flooding the log; skipped exits in unusual forms
# (prefixes, split across pages, rewritten).
# One PASS:/FAIL: line per check; a scenario with a failed check prints
# its console log.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=60
PTWORK_OPS=3000

# The workload's reference result, without any hypervisor.
bare_run hvm-ptwork-bare "$HVM_GUESTS/ptwork.elf" "ops=$PTWORK_OPS"
BARE_CHECKSUM=$(sed -nE 's/^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*/\1/p' "$BARE_LOG")
check "bare: ptwork runs without a hypervisor (reference checksum)" \
	test -n "$BARE_CHECKSUM" -a "$BARE_RC" -eq 33

check_hello() { # NAME MODE STATUS REASON
	check "$2: $1 greets" guest_said "$1" "hello: hello, world"
	check "$2: $1 sees Umbra, its name and paging mode" \
		guest_said_re "$1" "^hello: domain [0-9]+ \"$1\", vcpu 0 of 1, [0-9]+ MiB, paging $2$"
	check "$2: $1 shuts down with status $3" guest_said "$1" "hello: shutting down with status $3"
	check "$2: $1 stopped: $4" stopped_with "$1" "$4"
}

check_timer() { # NAME MODE PASSES
	check "$2: $1 sleeps and wakes on time ($3 of $3)" \
		guest_said "$1" "timer: $3 passed, 0 failed"
	check "$2: $1 shut itself down (not crashed)" stopped_with "$1" '[a-z_]+'
}

check_compute() { # NAME MODE
	check "$2: $1 computed" is_positive "$(guest_value "$1" '^compute: ([0-9]+) iterations.*')"
	check "$2: $1 stopped: poweroff" stopped_with "$1" poweroff
}

check_ptwork() { # NAME MODE
	local sum
	sum=$(guest_value "$1" '^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*')
	check "$2: $1 page-table workload without mismatches" test -n "$sum"
	check "$2: $1 checksum equals the bare-metal run" same_nonempty "$sum" "$BARE_CHECKSUM"
	check "$2: $1 stopped: poweroff" stopped_with "$1" poweroff
}

# (a), (b): the same mix of guests in one paging mode.
mix_scenario() {
	local mode=$1 s=hvm-mix-$1 m=""
	m+=$(module h1 hello "$mode" 32M status=0)
	m+=$(module h2 hello "$mode" 16M status=1)
	m+=$(module t1 timer "$mode" 8M cases=hlt,replace)
	m+=$(module c1 compute "$mode" 8M for=400)
	m+=$(module p1 ptwork "$mode" 16M ops=$PTWORK_OPS)
	m+=$(module p2 ptwork "$mode" 16M ops=$PTWORK_OPS pte=rmw)
	m+=$(module st selftest "$mode" 8M)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "$mode: domains created with paging=$mode" created_with h1 "$mode"
	check "$mode: every domain stopped, QEMU powered off (33)" rc_is 33
	check_hello h1 "$mode" 0 poweroff
	check_hello h2 "$mode" 1 reboot
	check_timer t1 "$mode" 6
	check_compute c1 "$mode"
	check_ptwork p1 "$mode"
	check "$mode: ptwork with LOCK CMPXCHG/XCHG/XOR/BTR on live page tables" \
		same_nonempty "$(guest_value p2 '^ptwork: checksum (0x[0-9a-f]+), 0 mismatches.*')" \
		"$BARE_CHECKSUM"
	check "$mode: runtime self-test (traps, user mode, page tables)" \
		guest_said st "selftest: 0 failed"
	check "$mode: no domain crashed" log_lacks ': crashed: '
	check "$mode: hypervisor reports the paging mode" \
		log_has "^domain [0-9]+ \(p1\) paging: mode=$mode "
	scenario_end "$s"
}

mix_scenario nested
mix_scenario shadow

# Timer semantics that do not depend on the paging mode.
s=hvm-timer-semantics
m=$(module tx timer nested 4M sleeps= cases=expired)
m+=$(module tw timer nested 4M sleeps=20,20 cases=tscwrite)
m+=$(module tin timer nested 4M sleeps= cases=irq)
m+=$(module tis timer shadow 4M sleeps= cases=irq)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
check "timer: an expiry while the vCPU runs is not lost (SCHEDOP_block returns at once)" \
	guest_said_re tx '^timer: PASS expired timer'
check "timer: set_timer_op follows guest time after the guest writes its TSC" \
	guest_said_re tw '^timer: PASS sleep after a TSC write'
for t in tin:nested tis:shadow; do
	IFS=: read -r name mode <<< "$t"
	check "timer: $mode: expiry arrives as the registered callback vector (V_IRQ)" \
		guest_said_re "$name" '^timer: PASS timer expiry delivered as the callback vector'
	check "timer: $mode: callback parameter set, read back, bad values refused" \
		guest_said "$name" "timer: 6 passed, 0 failed"
done
check "timer: both timer guests shut themselves down" \
	eval 'stopped_with tx "[a-z_]+" && stopped_with tw "[a-z_]+"'
scenario_end "$s"

# (c) Fairness: two compute guests pinned to pCPU 0 for the same span.
# Each counts its work over the same window of its own guest time, while
# both are certainly running; each gets half the pCPU, so the counts must
# agree within 20%, as must the CPU time the hypervisor accounted.
s=hvm-fairness
m=$(module f1 compute nested "4M cpus=0x1" ms=1500 from=300 to=1200)
m+=$(module f2 compute nested "4M cpus=0x1" ms=1500 from=300 to=1200)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
n1=$(guest_value f1 '^compute: [0-9]+ iterations, ([0-9]+) counted.*')
n2=$(guest_value f2 '^compute: [0-9]+ iterations, ([0-9]+) counted.*')
echo "fairness: counted iterations f1=${n1:-?} f2=${n2:-?}," \
	"cpu_time_ms f1=$(stat f1 cpu_time_ms) f2=$(stat f2 cpu_time_ms)"
check "fairness: both compute guests finished" rc_is 33
check "fairness: iterations within 20% on a shared pCPU" within_pct "$n1" "$n2" 20
check "fairness: accounted CPU time within 20%" \
	within_pct "$(stat f1 cpu_time_ms)" "$(stat f2 cpu_time_ms)" 20
check "fairness: both ran inside the counting window" \
	test "${n1:-0}" -gt 0 -a "${n2:-0}" -gt 0
check "fairness: the guests were preempted (timer interrupts exited)" \
	is_positive "$(stat f1 intr)"
scenario_end "$s"

# (d) The hostile guest: every non-fatal attack in one domain, each fatal
# attack in a domain of its own, beside two well-behaved guests.
FATAL="exec-oob:0x402000 cr3-oob:0x403000 triple-fault:triple.fault"
# Named non-fatal attacks, each in a domain of its own: buffers across a
# page boundary whose second page is unmapped, read-only, supervisor-only
# or another frame (xpage); string I/O on a not-present page (strio-np);
# a PTE of all ones, reserved above the CPU's physical-address width
# (pte-ones); #DB from single-step and from a data breakpoint, and #AC,
# which the hypervisor intercepts and gives back (db-step, db-watch,
# ac-user); loads and stores where no RAM or device answers (past the
# end of RAM, the LAPIC page, far above): all-ones, dropped (read-oob,
# write-oob, write-lapic, write-high).
EDGES="xpage strio-np pte-ones db-step db-watch ac-user read-oob write-oob write-lapic
	write-high"

# What a misaligned CPL 3 load raises without a hypervisor (TCG: nothing).
bare_run hvm-ac-bare "$HVM_GUESTS/hostile.elf" "attack=ac-user"
AC_BARE=$(sed -nE 's/^hostile: ac-user: (saw .*)$/\1/p' "$BARE_LOG")

hostile_scenario() {
	local mode=$1 s=hvm-hostile-$1 m="" a attack addr want got key
	m+=$(module hs hostile "$mode" 16M attack=safe)
	for a in $FATAL; do
		m+=$(module "${a%%:*}" hostile "$mode" 4M "attack=${a%%:*}")
	done
	for a in $EDGES; do
		m+=$(module "$a" hostile "$mode" 4M "attack=$a")
	done
	m+=$(module halt-cli hostile "$mode" 4M attack=halt-cli)
	m+=$(module ok1 hello "$mode" 16M)
	m+=$(module ok2 ptwork "$mode" 16M ops=$PTWORK_OPS)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "hostile $mode: the machine was not reset or powered off by a guest" rc_is 33
	for attack in badptr badnr user svm msr io mgmt; do
		check "hostile $mode: $attack attacks fail as the ABI promises" \
			guest_said_re hs "^hostile: PASS $attack \([0-9]+ checks\)$"
	done
	check "hostile $mode: no check failed" guest_silent_re hs '^hostile: FAIL'
	check "hostile $mode: nothing printed from user mode" log_lacks 'MUST NOT APPEAR'
	check "hostile $mode: survived its non-fatal attacks" \
		guest_said_re hs '^hostile: [0-9]+ of 7 attacks failed$'
	check "hostile $mode: not crashed by the hypervisor" never_crashed hs
	# mgmt: umbra_mgmt from a domU changed nothing (and said nothing).
	check "hostile $mode: no domain was created, paused or destroyed by a domU" \
		log_lacks '^mgmt: |^domain [0-9]+ \(.*\): (created|started|destroyed) by dom0'
	for key in guest_faults hypercalls_bad msr_unhandled io_unhandled; do
		want=$(guest_value hs "^hostile: expected counters: .*$key=([0-9]+).*")
		got=$(stat hs "$key")
		check "hostile $mode: hypervisor counted $key=$want (got ${got:-none})" \
			same_nonempty "$got" "$want"
	done
	for a in $FATAL; do
		attack=${a%%:*} addr=${a#*:}
		check "hostile $mode: $attack crashed the domain ($addr)" crashed_with "$attack" "$addr"
		check "hostile $mode: $attack did not survive" \
			guest_silent_re "$attack" '^hostile: FAIL'
	done
	# HLT with interrupts off, no timer, nothing pending: as Xen's
	# hvm_vcpu_down, the vCPU goes down, and with it the last one up the
	# domain powers off (how a Linux PVH guest's poweroff ends).
	check "hostile $mode: halt-cli: its last vCPU halted for good powers it off" \
		log_has '^domain [0-9]+ \(halt-cli\): vCPU 0 halted with interrupts disabled, the last one up: powering off$'
	check "hostile $mode: halt-cli: shutdown: poweroff" \
		log_has '^domain [0-9]+ \(halt-cli\): shutdown: poweroff$'
	check "hostile $mode: halt-cli did not survive" guest_silent_re halt-cli '^hostile: FAIL'
	for a in $EDGES; do
		check "hostile $mode: $a: behaves as the ABI promises" \
			guest_said_re "$a" "^hostile: PASS $a \([0-9]+ checks\)$"
		check "hostile $mode: $a not crashed by the hypervisor" never_crashed "$a"
	done
	for a in db-step db-watch; do
		check "hostile $mode: $a: #DB went through the hypervisor (db=$(stat "$a" db))" \
			is_positive "$(stat "$a" db)"
	done
	check "hostile $mode: ac-user: the guest sees what the CPU gives ($AC_BARE)" \
		same_nonempty "$(guest_value ac-user '^hostile: ac-user: (saw .*)$')" "$AC_BARE"
	check_hello ok1 "$mode" 0 poweroff
	check_ptwork ok2 "$mode"
	scenario_end "$s"
}

hostile_scenario nested
hostile_scenario shadow

# (d2) Security review: CPU state a guest must not reach or leak, and
# event delivery, each attack in a domain of its own (state.c in the
# hostile guest): CR4 bits CPUID hides (OSXSAVE, PCIDE) and reserved CR4
# and CR3 bits give #GP, the hypercall-page MSR cannot wrap, string I/O
# at CPL 3 honours U/S, an INT n interrupted by a hidden fault is
# delivered once, and DR0-3/PKRU do not leak between domains.
STATE_ATTACKS="xsave pcid cr3-reserved cr4-reserved hcpage-wrap iopl-ins int-twice"

state_scenario() {
	local mode=$1 s=hvm-hostile-state-$1 m="" a
	for a in $STATE_ATTACKS; do
		m+=$(module "$a" hostile "$mode" 4M "attack=$a")
	done
	m+=$(module stain hostile "$mode" "4M cpus=0x1" attack=stain)
	m+=$(module sniff hostile "$mode" "4M cpus=0x1" attack=sniff)
	m+=$(module ok3 hello "$mode" 8M)
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "state $mode: every domain stopped, QEMU powered off (33)" rc_is 33
	for a in $STATE_ATTACKS stain sniff; do
		if [ "$mode:$a" = nested:cr3-reserved ]; then
			# Nested paging leaves CR3 writes to the CPU, which raises
			# #GP for reserved bits; QEMU's TCG accepts the value and
			# VMRUN then refuses the state (docs/hvm.md). Contained:
			check "state nested: cr3-reserved: the domain alone is stopped" \
				crashed_with "$a" "VMRUN refused the guest state"
			continue
		fi
		check "state $mode: $a: behaves as the ABI promises" \
			guest_said_re "$a" "^hostile: PASS $a \([0-9]+ checks\)$"
		check "state $mode: $a not crashed by the hypervisor" never_crashed "$a"
	done
	check_hello ok3 "$mode" 0 poweroff
	scenario_end "$s"
}

state_scenario nested
state_scenario shadow

# A timer expiry while the vCPU spins in the guest on pCPU 1 (check_timers
# runs on pCPU 0) must still raise the callback vector.
s=hvm-upcall-pcpu1
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$(module up1 hostile nested "4M cpus=0x2" attack=upcall-spin)"
check "pcpu1: a domain pinned to pCPU 1 runs" guest_said_re up1 '^hostile: attacking: upcall-spin$'
check "pcpu1: timer expiries while spinning arrive as the callback vector" \
	guest_said_re up1 '^hostile: PASS upcall-spin \([0-9]+ checks\)$'
scenario_end "$s"

# (f) Memory isolation. A shadow guest that builds thousands of page
# tables must stay inside its own pool (recycling its own shadows, or
# crashed alone) beside well-behaved shadow neighbours (ptwork, and one
# that switches among 64 address spaces, so it keeps making new shadow
# roots), on a machine that a nested filler leaves with little more free
# memory than the domains' pools; and a domain whose pool does not fit is
# refused at creation. A probe boot tells how much memory is free.
POOL_QEMU_MEM=768M
POOL_HEADROOM_MIB=17	# pools: attacker 10 MiB, neighbours 2.3 each, filler; slack
boot hvm-pool-probe "$HVM_ELF" "$HVM_CMDLINE" "" 2 "$POOL_QEMU_MEM"
free_mib=$(sed -nE 's/^mm: [0-9]+ MiB usable, ([0-9]+) MiB free for allocation$/\1/p' "$BOOT_LOG")
check "pool: probe boot reports free memory" is_positive "$free_mib"
filler_mib=$(( (${free_mib:-0} - 512 - 16 - 16 - POOL_HEADROOM_MIB) / 2 * 2 ))
s=hvm-pool
m=$(module nb ptwork shadow 16M ops=$PTWORK_OPS start_ms=1500)
m+=$(module nb2 hostile shadow 16M attack=pt-flood tables=64 fan=4 spaces=64 rounds=50)
m+=$(module att hostile shadow 512M attack=pt-flood tables=4000 fan=1 spaces=8 rounds=8)
m+=$(module big hello shadow "4M shadow_memory=1G")
m+=$(module filler hello nested "${filler_mib}M")
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m" 2 "$POOL_QEMU_MEM"
check "pool: the hypervisor survived, every domain stopped (33)" rc_is 33
check "pool: a domain whose pool does not fit is refused at creation" \
	log_has "^module [0-9]+: domain 'big' not created: its pool of [0-9]+ KiB \(paging and vCPU state\) does not fit in the [0-9]+ KiB free$"
for n in nb nb2 att filler; do
	check "pool: $n created with its pool" log_has "^domain [0-9]+ \($n\): .*, pool [0-9]+ KiB$"
done
check_ptwork nb shadow
check "pool: the neighbour was not crashed" never_crashed nb
check "pool: the neighbour with 64 address spaces finished" \
	guest_said_re nb2 '^hostile: PASS pt-flood'
check "pool: the neighbour with 64 address spaces was not crashed" never_crashed nb2
check "pool: the attacker recycled its own shadows, or was crashed alone" \
	eval 'guest_said_re att "^hostile: PASS pt-flood" || crashed_with att "shadow pool of [0-9]+ pages exhausted"'
check "pool: the attacker recycled" is_positive "$(paging_stat att recycles)"
for n in nb nb2 att filler; do
	check "pool: $n never spent more than its pool" within_pool "$n"
done
echo "pool: att pool_pages=$(paging_stat att pool_pages) peak=$(paging_stat att pool_peak)" \
	"recycles=$(paging_stat att recycles); nb pool_pages=$(paging_stat nb pool_pages)" \
	"peak=$(paging_stat nb pool_peak)"
scenario_end "$s"

# (f2) Overcommit: a domain whose memory would leave less free than the
# other domains' pools is refused, instead of being created and a
# neighbour crashing later (a new shadow root finding no free page) when
# the page-table guest fills what it would have left. The neighbour starts
# its 3200 new roots a second in, when the flood is under way.
s=hvm-pool-overcommit
over_mib=$(( (${free_mib:-0} - 512 - 16 - 6) / 2 * 2 ))
m=$(module nb2 hostile shadow 16M attack=pt-flood tables=64 fan=4 spaces=64 rounds=50 start_ms=1000)
m+=$(module att hostile shadow 512M attack=pt-flood tables=4000 fan=1 spaces=8 rounds=8)
m+=$(module over hello nested "${over_mib}M")
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m" 2 "$POOL_QEMU_MEM"
check "overcommit: the hypervisor survived, every domain stopped (33)" rc_is 33
check "overcommit: the domain that does not fit beside the pools is refused" \
	log_has "^module [0-9]+: domain 'over' not created: not enough free memory$"
check "overcommit: the neighbour with 64 address spaces finished" \
	guest_said_re nb2 '^hostile: PASS pt-flood'
check "overcommit: the neighbour was not crashed" never_crashed nb2
check "overcommit: the attacker stayed in its pool" within_pool att
scenario_end "$s"

# (e) Nine guests on two pCPUs at once, both paging modes mixed.
s=hvm-crowd
m=""
for i in 1 2 3; do
	m+=$(module "hello$i" hello nested 8M status=0)
done
m+=$(module timer1 timer nested 8M sleeps=5,20)
m+=$(module timer2 timer shadow 8M sleeps=5,20)
m+=$(module comp1 compute nested 8M for=500)
m+=$(module comp2 compute shadow 8M for=500)
m+=$(module pt1 ptwork shadow 16M ops=$PTWORK_OPS)
m+=$(module hs1 hostile shadow 16M attack=badptr,badnr,msr)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
created=$(log_count '^domain [0-9]+ \(.*\): [0-9]+ MiB, 1 vCPU')
check "crowd: 9 domains created" [ "$created" -eq 9 ]
check "crowd: all nine stopped, QEMU powered off" rc_is 33
for i in 1 2 3; do
	check "crowd: hello$i stopped: poweroff" stopped_with "hello$i" poweroff
done
for t in timer1 timer2; do
	check_timer "$t" crowd 2
done
check_compute comp1 crowd
check_compute comp2 crowd
check_ptwork pt1 crowd
check "crowd: hostile attacks fail as promised" guest_said hs1 "hostile: 0 of 3 attacks failed"
check "crowd: no domain crashed" log_lacks ': crashed: '
scenario_end "$s"

# (g) A guest floods the log beside a well-behaved neighbour: unknown-MSR
# reads and hypercall-page MSR writes (each a hypervisor message), and
# long console lines. The messages are rate limited, and what was
# suppressed is counted on the console; the log a reader gets (printed
# at exit by test_dump_log as "log| LINE") lost most of the flood but
# kept the boot lines, the ready line and the neighbour's shutdown line,
# in order.
s=hvm-log-flood
FLOOD=3000
m=$(module calm hello nested 8M status=0)
m+=$(module flood hostile nested 16M attack=log-flood msrs=$FLOOD)
# loglvl=debug: the messages, debug lines, are counted on the console.
boot "$s" "$HVM_ELF" "$HVM_CMDLINE loglvl=debug test_dump_log" "$m"
ring() { sed -n 's/^log| //p' "$BOOT_LOG"; }
# ring_at REGEX: the line number of the first log line matching, or 0.
ring_at() { local n; n=$(ring | grep -nE -- "$1" | head -n 1 | cut -d: -f1); echo "${n:-0}"; }
console_at() { local n; n=$(grep -nE -- "$1" "$BOOT_LOG" | head -n 1 | cut -d: -f1); echo "${n:-0}"; }
suppressed=$(sed -nE 's/^domain [0-9]+ \(flood\): ([0-9]+) messages suppressed \(over [0-9]+ a second\)$/\1/p' \
	"$BOOT_LOG" | awk '{ s += $1 } END { print s + 0 }')
logged=$(log_count '^d[0-9]+ v0: read of MSR 0xc001dead: #GP$|^d[0-9]+: hypercall page at ')
echo "log-flood: $logged messages logged, $suppressed suppressed"
check "log-flood: the flooding guest saw every #GP and every hypercall page" \
	guest_said flood "hostile: 0 of 1 attacks failed"
check "log-flood: both domains stopped, QEMU powered off" \
	eval 'stopped_with calm poweroff && stopped_with flood poweroff && rc_is 33'
check "log-flood: the neighbour stopped while the flood went on" \
	test "$(console_at '^domain [0-9]+ \(calm\): shutdown: poweroff$')" -lt \
	"$(console_at '^\(d[0-9]+ flood\) hostile: log-flood: ')"
check "log-flood: the console says how many messages were suppressed" is_positive "$suppressed"
check "log-flood: every message was logged or counted as suppressed" \
	test $((logged + suppressed)) -eq $((2 * FLOOD))
check "log-flood: messages were rate limited" test "$logged" -le 500
check "log-flood: the log was dumped and lost bytes to the flood" \
	eval 'log_has "^log\| sched: every domain has stopped" && log_has "^log\| \[[0-9]+ bytes not kept\]$"'
b=$(ring_at '^umbra .*: booting$')
r=$(ring_at '^umbra: ready: ')
c=$(ring_at '^domain [0-9]+ \(calm\): shutdown: poweroff$')
f=$(ring_at '^domain [0-9]+ \(flood\): shutdown: poweroff$')
check "log-flood: the log kept the first boot line" is_positive "$b"
check "log-flood: the log kept the ready line" is_positive "$r"
check "log-flood: the log kept the neighbour's shutdown line and counters" \
	eval 'is_positive "$c" && is_positive "$(ring_at "^domain [0-9]+ \(calm\) vcpu 0: cpu_time_ms=")"'
check "log-flood: the log reads in order" eval '[ "$b" -lt "$r" ] && [ "$r" -lt "$c" ] && [ "$c" -lt "$f" ]'
scenario_end "$s"

# Skipped exits the fast path (the bytes at RIP against the usual
# encoding) must hand to the decoder: prefixed CPUID and RDMSR, CPUID,
# RDMSR and VMMCALL split across two pages that are not physically
# adjacent, and CPUID rewritten between calls at one address, in both
# paging modes. A wrong length lands the guest mid-instruction.
s=hvm-insnskip
m=$(module skn insnskip nested 8M rounds=200)$(module sks insnskip shadow 8M rounds=200)
boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
for g in skn sks; do
	check "insnskip: $g: every form skipped to the right place" \
		guest_said_re "$g" '^insnskip: [0-9]+ passed, 0 failed$'
	check "insnskip: $g stopped: poweroff" stopped_with "$g" poweroff
	check "insnskip: $g: the decoder saw the 106 unusual forms" \
		test "$(stat "$g" slow_decodes)" -ge 106
done
scenario_end "$s"
