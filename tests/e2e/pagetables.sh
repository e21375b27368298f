#!/usr/bin/env bash
# The hypervisor's own address space, read from the live page tables by
# QEMU's monitor (info tlb: every leaf with its own bits; info mem: ranges
# with the permissions of the whole walk) while guests run and after.
#
# A CPU shows the hypervisor's tables only while it runs the hypervisor
# (in a guest, CR3 is the guest's). So both guests are pinned to pCPU 0
# and pCPU 1 stays idle in the hypervisor while they run; once they have
# stopped, both pCPUs idle in the hypervisor. Each look first stops the
# machine and checks that the CPU's RIP is in the hypervisor's .text.
#
# Fails on: a mapping both writable and executable; anything mapped below
# 4 GiB (the boot identity range); an executable page that is not the
# hypervisor's .text (guest RAM is reached through the direct map, which
# must be NX); .text writable, in the image or through the direct map. Also: stack overflow hits a guard page and
# is reported; writing .text and running data fault.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh
. tests/e2e/monitor-lib.sh

ELF=${PT_ELF:-$HVM_ELF}
E2E_TIMEOUT=180
DIRECTMAP_START=ffff830000000000
DIRECTMAP_END=ffff838000000000

sym() { nm "$ELF" | awk -v s="$1" '$3 == s { print $1 }'; }
TEXT_START=$(sym __text_start)
TEXT_END=$(sym __text_end)
IMAGE_PHYS_START=$(sym __image_start_phys)
IMAGE_PHYS_END=$(sym __image_end_phys)
# Where the direct map shows the image's .text and .rodata frames.
alias_of() { printf '%016x' $((16#$DIRECTMAP_START + 16#$1 - 16#ffffffff80000000)); }
RO_ALIAS_START=$(alias_of "$TEXT_START")
RO_ALIAS_END=$(alias_of "$(sym __rodata_end)")

# Print at most 5 offending lines, indented, after a failed check.
show() { head -n 5 | sed 's/^/    /'; }

# The leaves of $TLB ("VA: PA FLAGS", flags XGPDACTUW, X = NX set) that
# break a rule. Addresses are 16 hex digits and compared as strings ("" ...
# keeps awk from reading a field like 000000000020e000 as a number).
leaves_wx() { awk '$3 ~ /W$/ && $3 !~ /^X/' "$TLB"; }
leaves_low() { awk '($1 "") < "0000000100000000"' "$TLB"; }
leaves_exec_directmap() {
	awk -v s=$DIRECTMAP_START -v e=$DIRECTMAP_END \
		'($1 "") >= (s "") && ($1 "") < (e "") && $3 !~ /^X/' "$TLB"
}
leaves_exec_not_text() {
	awk -v ts="$TEXT_START" -v te="$TEXT_END" -v ps="$IMAGE_PHYS_START" -v pe="$IMAGE_PHYS_END" \
		'$3 !~ /^X/ && (($1 "") < (ts "") || ($1 "") >= (te "") ||
				($2 "") < (ps "") || ($2 "") >= (pe ""))' "$TLB"
}
ranges_low() { awk '($1 "") < "0000000100000000-"' "$MEM"; }
# info mem ranges overlapping [$1, $2) that the walk leaves writable
ranges_writable_in() {
	awk -v s="$1" -v e="$2" \
		'{ split($1, r, "-") } (r[1] "") < (e "") && (r[2] "") > (s "") && $3 ~ /w$/' "$MEM"
}
ranges_text_writable() { ranges_writable_in "$TEXT_START" "$TEXT_END"; }
ranges_ro_alias_writable() { ranges_writable_in "$RO_ALIAS_START" "$RO_ALIAS_END"; }

# info mem ranges in the stack area: ranges merge when adjacent, so a
# range no longer than one stack has an unmapped page below it.
# Each CPU has its main stack, one per IST slot (asm/desc.h) and its PV
# entry stack (asm/layout.h, one page like the IST stacks).
IST_STACKS=$(awk '$1 == "#define" && $2 == "IST_STACKS" { print $3 }' hypervisor/include/asm/desc.h)
stack_ranges() { awk '($1 "") >= "ffff828000000000-" && ($1 "") < "ffff830000000000-"' "$MEM"; }

none() { # NAME GENERATOR: check that GENERATOR prints nothing
	local out
	out=$("$2")
	if [ -z "$out" ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1 ($(echo "$out" | wc -l) mappings, e.g.:)"
		echo "$out" | show
		SCENARIO_FAILED=1
	fi
}

HV_CR3=
# look LABEL CPU: stop the machine, check the hypervisor's tables as CPU
# sees them, let it go on.
look() {
	local label=$1 cpu=$2 regs rip cr3
	TLB="$E2E_OUT/pagetables-$label-cpu$cpu.tlb"
	MEM="$E2E_OUT/pagetables-$label-cpu$cpu.mem"
	mon stop >/dev/null
	CONSOLE_AT_STOP=$(console_text)
	mon "cpu $cpu" >/dev/null
	regs=$(mon "info registers")
	rip=$(echo "$regs" | sed -nE 's/^RIP=([0-9a-f]{16}) .*/\1/p')
	cr3=$(echo "$regs" | sed -nE 's/.* CR3=([0-9a-f]+) .*/\1/p')
	mon "info tlb" >"$TLB"
	mon "info mem" >"$MEM"
	mon cont >/dev/null
	check "$label: cpu $cpu runs the hypervisor (RIP $rip in .text)" \
		test -n "$rip" -a "$rip" \> "$TEXT_START" -a "$rip" \< "$TEXT_END"
	[ -z "$HV_CR3" ] && HV_CR3=$cr3
	check "$label: cpu $cpu is on the hypervisor's tables (CR3 $cr3, first seen $HV_CR3)" \
		same_nonempty "$cr3" "$HV_CR3"
	check "$label: cpu $cpu: tables read ($(wc -l <"$TLB") leaves, with the direct map and the image)" \
		test -n "$(awk -v s=$DIRECTMAP_START '($1 "") == (s ":")' "$TLB")" \
		-a -n "$(awk '($1 "") >= "ffffffff80000000:"' "$TLB")"
	none "$label: cpu $cpu: no mapping is writable and executable" leaves_wx
	none "$label: cpu $cpu: nothing mapped below 4 GiB (info tlb)" leaves_low
	none "$label: cpu $cpu: nothing mapped below 4 GiB (info mem)" ranges_low
	none "$label: cpu $cpu: the direct map (guest RAM, tables, VMCBs) is not executable" \
		leaves_exec_directmap
	none "$label: cpu $cpu: only the hypervisor's .text is executable" leaves_exec_not_text
	none "$label: cpu $cpu: .text is read-only" ranges_text_writable
	check "$label: cpu $cpu: the direct map shows .text and .rodata ($RO_ALIAS_START-$RO_ALIAS_END)" \
		test -n "$(awk -v s="$RO_ALIAS_START" '($1 "") == (s ":")' "$TLB")"
	none "$label: cpu $cpu: .text and .rodata are read-only in the direct map too" \
		ranges_ro_alias_writable
	check "$label: cpu $cpu: $(stack_ranges | wc -l) stacks, each with a guard page below" \
		test "$(stack_ranges | wc -l)" -eq $((2 * (1 + IST_STACKS + 1))) -a -z "$(stack_ranges | awk '$2 != "0000000000001000" && $2 != "0000000000004000"')"
}

# Two guests, one per paging mode, both on pCPU 0, with a fixed amount of
# page-table work each (seconds under TCG; not timed by the guest clock).
m="$HVM_GUESTS/ptwork.elf name=pn mem=16M paging=nested cpus=1 -- ops=1000000; "
m+="$HVM_GUESTS/ptwork.elf name=ps mem=16M paging=shadow cpus=1 -- ops=40000; "
if boot_bg pagetables "$ELF" "console=com1 loglvl=info" "$m"; then
	wait_console '^umbra: ready:' 60
	look running 1
	check "running: both guests were still running during the look" \
		test "$(echo "$CONSOLE_AT_STOP" | grep -cE '^domain [0-9]+ \(p[ns]\): (shutdown|crashed)')" -eq 0
	wait_console '^domain [0-9]+ \(pn\): (shutdown|crashed)' 150
	wait_console '^domain [0-9]+ \(ps\): (shutdown|crashed)' 150
	sleep 1
	look stopped 0
	look stopped 1
	mon_quit
else
	check "QEMU started with its monitor" false
fi
for g in pn ps; do
	check "$g: page-table workload without mismatches" \
		guest_said_re $g '^ptwork: checksum 0x[0-9a-f]+, 0 mismatches'
	check "$g: stopped: poweroff" stopped_with $g poweroff
done
check "no fatal trap" log_lacks 'FATAL TRAP|PANIC'
scenario_end pagetables

# The same rules at work: faults the test build provokes on purpose.
E2E_TIMEOUT=60
boot fault-stack "$ELF" "exit_on_ready test_fault=stack" ""
check "stack overflow: a double fault, reported" log_has '^umbra: FATAL TRAP: vector 8 \(#DF'
check "stack overflow: named, at the guard page below cpu 0's stack" \
	log_has '^umbra: hypervisor stack overflow: access to guard page 0xffff828000000[0-9a-f]{3} below a stack of cpu 0$'
check "stack overflow: backtrace names the recursion" log_has '\] overflow_stack[.a-z0-9]*\+0'
check "stack overflow: failure exit status (35)" rc_is 35
scenario_end fault-stack

boot fault-wtext "$ELF" "exit_on_ready test_fault=wtext" ""
check "write to .text: #PF, present page, write (error code 0x3)" \
	log_has '^umbra: FATAL TRAP: vector 14 \(#PF page fault\), error code 0x3,'
check "write to .text: at write_text" log_has '^RIP: e008:ffffffff8[0-9a-f]+ write_text\+0'
check "write to .text: failure exit status (35)" rc_is 35
scenario_end fault-wtext

boot fault-xdata "$ELF" "exit_on_ready test_fault=xdata" ""
check "running .data: #PF, present page, instruction fetch (error code 0x11)" \
	log_has '^umbra: FATAL TRAP: vector 14 \(#PF page fault\), error code 0x11,'
check "running .data: CR2 is the data" \
	log_has "CR2: $(sym data_ret) "
check "running .data: failure exit status (35)" rc_is 35
scenario_end fault-xdata
