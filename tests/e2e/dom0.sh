#!/usr/bin/env bash
# dom0's image (make dom0: Debian's kernel, busybox and the dom0 tools in
# an initramfs), typed into over its serial console from a tmux terminal.
# The image is first checked on the bare emulated machine, without Umbra:
# that is the baseline dom0 under Umbra is compared with.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
DOM0_TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

for f in vmlinuz initrd.img; do
	[ -s "$DOM0/$f" ] || { echo "FAIL: $DOM0/$f exists (make dom0)"; exit 1; }
done

# Everything a person checks first at a fresh dom0 shell.
shell_checks() {
	local where=$1
	tty_mark
	tty_type 'echo sum=$((6*7))'
	check "$where: the shell runs commands" tty_wait_new '^sum=42' 30
	tty_mark
	tty_type 'ls /run/umbra; cat /proc/cmdline'
	check "$where: vmstored serves its socket" tty_wait_new 'vmstored\.sock' 30
	tty_mark
	tty_type 'grep -c ^processor /proc/cpuinfo'
	check "$where: the shell sees its CPUs" tty_wait_new '^[0-9]+$' 30
}

native() {
	tty_start dom0-native qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 1G \
		-display none -no-reboot -nic none -serial stdio -monitor none \
		-kernel "$DOM0/vmlinuz" -initrd "$DOM0/initrd.img" \
		-append "console=ttyS0 quiet panic=-1"
	check "native: dom0 image reaches umbra-dom0: ready" \
		tty_wait '^umbra-dom0: ready' "$DOM0_TIMEOUT"
	check "native: no vmstored failure at start" \
		bash -c "! grep -q 'vmstored did not start' '$TTY_LOG'"
	check "native: umbra.ko refuses to load off Umbra, and says why" \
		tty_wait '^\[ *[0-9.]+\] umbra: not running on Umbra \(no "UmbraUmbraUm" at CPUID 0x40000000\)' 5
	check "native: /init reports the module it could not load and goes on" \
		tty_wait '^umbra-dom0: umbra.ko did not load' 5
	shell_checks native
	tty_type 'poweroff'
	check "native: poweroff stops the machine" tty_wait 'reboot: Power down' 60
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of native ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 60
	fi
	SCENARIO_FAILED=0
	tty_stop
}

# umbra_qemu NAME SMP ISO COM2 [QEMU ARGS...]: boot ISO in tmux session
# NAME with SMP CPUs and 2G, COM1 on the terminal, COM2 (Umbra's own log)
# into the file COM2.
umbra_qemu() {
	local name=$1 smp=$2 iso=$3 com2=$4
	shift 4
	tty_start "$name" qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp "$smp" -m 2G \
		-display none -no-reboot -nic none -serial stdio -serial "file:$com2" \
		-monitor none "$@" -cdrom "$iso"
}

# dom0 under Umbra: GRUB -> Umbra -> dom0's shell on COM1, Umbra's own
# messages on COM2 once dom0 owns COM1, boot-module domains beside it.
# dom0_max_vcpus=2 on three CPUs: dom0's vCPUs pinned one-to-one on pCPUs
# 0-1, whose local APICs it drives; Linux starts vCPU 1 itself with
# INIT/SIPI (Umbra starts it on its pCPU in real mode at the SIPI vector),
# sees exactly its two CPUs (the filtered MADT) and runs work on each; the
# module domains run on pCPU 2, Umbra's. (reboot and crash below boot the
# default, one vCPU.)
under_umbra() {
	local iso=$E2E_OUT/dom0-umbra.iso com2=$E2E_OUT/dom0-umbra.com2.log
	scripts/mkiso.sh "$iso" build/test/umbra.elf \
		"console=com1 loglvl=info dom0_mem=384M dom0_max_vcpus=2" \
		"$DOM0/vmlinuz console=ttyS0 quiet panic=-1 iomem=relaxed; $DOM0/initrd.img; build/guests/hello.elf name=g1 -- status=0; build/guests/timer.elf name=t1 -- sleeps=$T1_SLEEPS slack_ms=600000" ||
		{ echo "FAIL: umbra: ISO builds"; return; }
	: > "$com2"
	umbra_qemu dom0-umbra 3 "$iso" "$com2" -device isa-debug-exit,iobase=0xf4,iosize=0x04
	check "umbra: dom0 is built from the bzImage and initrd modules" \
		tty_wait '^dom0: [0-9]+ MiB in [0-9]+ ranges, vCPU 0 on pCPU 0' 120
	check "umbra: dom0 gets 2 vCPUs on pCPUs 0-1, Umbra keeps one" \
		tty_wait '^dom0: 2 vCPUs on pCPUs 0-1 .*Umbra keeps the other 1$' 30
	check "umbra: the ready line comes before dom0 takes COM1" \
		tty_wait '^umbra: ready: cpus=3' 30
	check "umbra: Umbra hands COM1 to dom0" tty_wait "^console: COM1 is dom0's now" 30
	check "umbra: dom0 reaches umbra-dom0: ready" \
		tty_wait '^umbra-dom0: ready' "$DOM0_TIMEOUT"
	check "umbra: dom0 started its vCPU 1 with INIT/SIPI" \
		wait_for_file "$com2" '^dom0: vCPU 1 started by dom0 on pCPU 1 at 0x[0-9a-f]+:0000' 30
	shell_checks umbra
	tty_mark
	tty_type 'grep -c ^processor /proc/cpuinfo; grep MemTotal /proc/meminfo'
	check "umbra: dom0 sees exactly its own 2 CPUs in /proc/cpuinfo" tty_wait_new '^2$' 30
	check "umbra: dom0 has the memory dom0_mem gave it" \
		tty_wait_new 'MemTotal: +(3[0-9][0-9]|2[5-9][0-9])[0-9]{3} kB' 30
	check "umbra: the boot-module domain runs beside dom0" \
		bash -c "cat '$com2' '$TTY_LOG' | tr -d '\r' | grep -qE '^domain [0-9]+ \(g1\): shutdown: poweroff'"
	check "umbra: after the handover Umbra writes nothing on dom0's console" \
		bash -c "tr -d '\r' < '$TTY_LOG' | sed -n \"/^console: COM1 is dom0's now/,\\\$p\" |
			sed 1d | grep -qE '^(domain [0-9]|\\(d[0-9]|umbra:|sched:)' && exit 1 || exit 0"
	check "umbra: Umbra's own messages go on to COM2" \
		bash -c "[ -s '$com2' ]"
	tty_mark
	tty_type 'for c in 0 1; do taskset -c $c sh -c '"'"'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo "work on cpu$(cut -d" " -f39 /proc/self/stat): $i"'"'"' & done; wait'
	check "umbra: work pinned with taskset runs on dom0's CPU 0" tty_wait_new '^work on cpu0: 20000' 120
	check "umbra: work pinned with taskset runs on dom0's CPU 1" tty_wait_new '^work on cpu1: 20000' 30
	isolation "$com2"
	apic_ipis "$com2"
	x2apic_refused "$com2"
	ioapic_entries "$com2"
	tty_type 'poweroff'
	check "umbra: poweroff in dom0 stops the machine" tty_wait 'reboot: Power down' 120
	power_checks "$com2" poweroff "powered off" "t1 \\(d2\\)"
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of dom0 under Umbra ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 80
		echo "---- COM2 (Umbra) ----"
		tail -n 40 "$com2"
	fi
	SCENARIO_FAILED=0
	tty_stop
}

# dom0's poweroff/reboot goes through Umbra: it stops the other domains,
# names them, prints dom0's counters, then powers off or resets the
# machine (QEMU, -no-reboot, exits either way).
power_checks() {
	local com2=$1 what=$2 did=$3 stopped=$4
	check "$what: Umbra stops the other domains first and says so" \
		wait_for_file "$com2" "^umbra: dom0 $did the machine; stopped domains: $stopped\$" 60
	check "$what: the other domain was shut down by it" \
		grep -qE "^domain [0-9]+ \\(t1\\): shutdown: " "$com2"
	check "$what: Umbra prints dom0's counters" \
		grep -qE "^domain 0 \\(dom0\\) vcpu 0: .*exits=[0-9]+" "$com2"
	check "$what: the machine stops (QEMU exits)" wait_dead 60
}

wait_for_file() {
	local file=$1 re=$2 end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		tr -d '\r' < "$file" | grep -qE -- "$re" && return 0
		sleep 0.5
	done
	echo "  (no /$re/ in $file)"
	return 1
}

wait_for_count() {
	local file=$1 re=$2 want=$3 end=$((SECONDS + $4))
	while [ $SECONDS -lt $end ]; do
		[ "$(grep -cE -- "$re" "$file")" -ge "$want" ] && return 0
		sleep 1
	done
	return 1
}

# t1's sleeps when it must show it runs on: 16 of 40 s.
T1_SLEEPS=$(seq -s, 16 | sed 's/[0-9]\+/40000/g')

wait_dead() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt $end ]; do
		tty_alive || return 0
		sleep 0.5
	done
	return 1
}

# reboot in dom0: the machine resets through Umbra.
reboot_through_umbra() {
	local iso=$E2E_OUT/dom0-reboot.iso com2=$E2E_OUT/dom0-reboot.com2.log
	scripts/mkiso.sh "$iso" build/test/umbra.elf "console=com1 loglvl=info dom0_mem=384M" \
		"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $DOM0/initrd.img; build/guests/timer.elf name=t1 -- sleeps=3600000" ||
		{ echo "FAIL: reboot: ISO builds"; return; }
	: > "$com2"
	umbra_qemu dom0-reboot 2 "$iso" "$com2"
	check "reboot: dom0 reaches umbra-dom0: ready" tty_wait '^umbra-dom0: ready' "$DOM0_TIMEOUT"
	tty_type 'reboot'
	check "reboot: dom0 restarts the machine" tty_wait 'reboot: Restarting system' 120
	power_checks "$com2" reboot reset "t1 \\(d1\\)"
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of dom0-reboot ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 40
		echo "---- COM2 (Umbra) ----"
		tail -n 40 "$com2"
	fi
	SCENARIO_FAILED=0
	tty_stop
}

# A dom0 kernel that crashes during boot: no init (rdinit=/nonexistent, no
# root=) makes Linux panic after unpacking its initramfs (with two vCPUs:
# Linux's panic halts the other vCPU with interrupts off first, so only Umbra's
# NMI can make it exit); panic=-1 reboots
# at once and reboot=t does it by triple fault, which Umbra intercepts
# (SHUTDOWN): a crash report for dom0, not a machine reset, and the module
# domains go on. (Without reboot=t Linux resets through ACPI, which
# Umbra carries out like a reboot: see power_checks.)
dom0_crash() {
	local iso=$E2E_OUT/dom0-crash.iso com2=$E2E_OUT/dom0-crash.com2.log
	scripts/mkiso.sh "$iso" build/test/umbra.elf "console=com1 loglvl=info dom0_mem=384M dom0_max_vcpus=2" \
		"$DOM0/vmlinuz console=ttyS0 rdinit=/nonexistent panic=-1 reboot=t; $DOM0/initrd.img; build/guests/hello.elf name=g1 -- status=0; build/guests/timer.elf name=t1 -- sleeps=$T1_SLEEPS slack_ms=600000" ||
		{ echo "FAIL: crash: ISO builds"; return; }
	: > "$com2"
	umbra_qemu dom0-crash 3 "$iso" "$com2"
	check "crash: dom0's kernel panics during boot" tty_wait 'Kernel panic' "$DOM0_TIMEOUT"
	check "crash: Umbra reports dom0's crash clearly" \
		wait_for_file "$com2" "^umbra: dom0 crashed \\(triple fault.*the machine stays up" 60
	check "crash: dom0's other vCPU (halted by Linux's panic, whichever CPU panicked) is stopped at once by NMI" \
		wait_for_file "$com2" "^domain 0 \\(dom0\\): vCPU [01] stopped at once" 5
	check "crash: the crash report has dom0's counters" \
		grep -qE "^domain 0 \\(dom0\\) vcpu 0: .*exits=[0-9]+" "$com2"
	sleep 5
	check "crash: the machine is not reset (QEMU still runs)" tty_alive
	check "crash: the boot-module domain g1 ran" \
		bash -c "cat '$com2' '$TTY_LOG' | tr -d '\r' | grep -qE '^domain [0-9]+ \\(g1\\): shutdown: poweroff'"
	# t1 wakes every 30 s and says so: a new line after the crash.
	local before
	before=$(grep -c 't1) timer: PASS' "$com2")
	check "crash: the module domain t1 goes on after dom0's crash" \
		wait_for_count "$com2" 't1\) timer: PASS' "$((before + 1))" 90
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of dom0-crash ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 40
		echo "---- COM2 (Umbra) ----"
		tail -n 40 "$com2"
	fi
	SCENARIO_FAILED=0
	tty_stop
}

# Item 3 of issue 12: dom0 user space reaches for Umbra's image (its load
# address, from Umbra's boot line) through /dev/mem: read() (the kernel's
# loads over an ioremap), and its own loads, store and REP MOVSB through an
# mmap of the page. Debian's STRICT_DEVMEM lets both through for a range
# reserved in the e820 above 1 MiB, so the CPU really touches the memory:
# Umbra must refuse every access (all-ones, the store dropped, never the
# multiboot2 header that starts the image), say so once, and dom0, the
# module domain t1 and Umbra go on.
isolation() {
	local com2=$1 addr
	addr=$(tty_text | sed -n "s/^mm: Umbra's image at \(0x[0-9a-f]*\)-.*/\1/p" | head -n 1)
	check "isolation: Umbra says where its image is" test -n "$addr"
	[ -n "$addr" ] || return
	tty_mark
	# On one CPU: Umbra logs a refusal once per page and vCPU.
	tty_type "taskset -c 0 /usr/libexec/umbra-tests/devmem_probe $addr"
	check "isolation: dom0's read() of Umbra's image gives all-ones" \
		tty_wait_new '^devmem_probe: read: f{16}' 60
	check "isolation: a dom0 user load from Umbra's image gives all-ones" \
		tty_wait_new '^devmem_probe: mmap load: f{16}' 30
	check "isolation: a dom0 store to Umbra's image is dropped" \
		tty_wait_new '^devmem_probe: mmap load after store: f{16}' 30
	check "isolation: a dom0 REP MOVSB from Umbra's image gives all-ones" \
		tty_wait_new '^devmem_probe: mmap rep movsb: f{16}' 30
	check "isolation: the probe process lives to its end" \
		tty_wait_new '^devmem_probe: done' 30
	check "isolation: no probe saw Umbra's bytes or failed" \
		bash -c "tr -d '\r' < '$TTY_LOG' | grep '^devmem_probe: ' |
			grep -vE '(: f{16}|done)\$' | grep -q . && exit 1 || exit 0"
	check "isolation: Umbra logs the refused access once, with its address" \
		bash -c "[ \$(tr -d '\r' < '$com2' | grep -cE 'dom0\): refused a read of $addr ') = 1 ]"
	tty_mark
	tty_type 'echo still=$((6*7))'
	check "isolation: dom0 goes on" tty_wait_new '^still=42' 30
	check "isolation: Umbra and the module domain t1 go on" \
		bash -c "! grep -qE 'crashed|panic' '$com2'"
}

# dom0 drives its local APICs itself, but Umbra refuses its IPIs to CPUs
# that are not its own: dom0 user space sends INIT and NMI to pCPU 2
# (APIC ID 2, Umbra's, running t1) through an mmap of /dev/mem at the APIC
# page. Without the filter the INIT would stop pCPU 2 and t1 with it.
# Debian's kernel (IO_STRICT_DEVMEM) refuses to map the APIC, a busy
# resource, unless booted with iomem=relaxed, as this dom0 is: a dom0
# kernel module could write the ICR anyway, so what is tested is Umbra's
# filter, not Linux's.
apic_ipis() {
	local com2=$1 before
	before=$(grep -c 't1) timer: PASS' "$com2")
	tty_mark
	# Both from dom0's CPU 0: Umbra logs the first refusal of each vCPU.
	tty_type 'taskset -c 0 /usr/libexec/umbra-tests/apic_ipi init 2; taskset -c 0 /usr/libexec/umbra-tests/apic_ipi nmi 2'
	check "apic: dom0 user space writes its APIC's ICR" \
		tty_wait_new '^apic_ipi: nmi to 2: sent' 60
	check "apic: Umbra refuses the INIT to its CPU and says so once" \
		bash -c "[ \$(tr -d '\r' < '$com2' | grep -cE 'dom0\): refused an IPI') = 1 ] &&
			grep -qE 'dom0\): refused an IPI \(INIT, ICR 0x4500, destination 0x2\)' '$com2'"
	tty_mark
	tty_type 'echo apic=$((6*7))'
	check "apic: dom0 goes on" tty_wait_new '^apic=42' 30
	check "apic: Umbra's CPU 2 and the domain t1 on it go on" \
		wait_for_count "$com2" 't1\) timer: PASS' "$((before + 1))" 90
	# QEMU takes a CPU's write into the MSI window (0xfee00000 +
	# APIC ID << 12), or to the APIC page's reserved offset 0, as a
	# device's interrupt: an INIT message that way would reset pCPU 2,
	# or dom0's pCPU 0 under Umbra, if Umbra let it through.
	before=$(grep -c 't1) timer: PASS' "$com2")
	tty_mark
	tty_type 'taskset -c 0 /usr/libexec/umbra-tests/apic_ipi msi-init 2; taskset -c 0 /usr/libexec/umbra-tests/apic_ipi reg0-init 0'
	check "apic: dom0 user space writes INIT messages to the MSI window and the APIC's offset 0" \
		tty_wait_new '^apic_ipi: reg0-init to 0: written' 60
	check "apic: Umbra refuses the MSI window's write as memory not dom0's" \
		bash -c "tr -d '\r' < '$com2' | grep -qE 'dom0\): refused .* of 0xfee02000 '"
	tty_mark
	tty_type 'echo msi=$((6*7))'
	check "apic: dom0 goes on after both messages" tty_wait_new '^msi=42' 30
	check "apic: Umbra's CPU 2 and t1 go on after the MSI window's INIT" \
		wait_for_count "$com2" 't1\) timer: PASS' "$((before + 1))" 90
}

# dom0 programs the I/O APIC itself, but Umbra refuses an entry that could
# reach a CPU that is not dom0's, or that delivers NMI or INIT: dom0 user
# space (an mmap of /dev/mem at the I/O APIC, iomem=relaxed) programs an
# idle pin. The ordinary entry to dom0's CPU 0 sticks; the others read
# back as they were (masked). dom0's own interrupts go on (this whole
# suite, and mgmt.sh's event interrupt).
ioapic_entries() {
	local com2=$1
	tty_mark
	tty_type 'taskset -c 0 /usr/libexec/umbra-tests/ioapic_probe 2'
	check "ioapic: dom0 finds an idle pin" tty_wait_new '^ioapic_probe: pin [0-9]+ of 24' 60
	check "ioapic: an ordinary entry to dom0's CPU 0 is taken" \
		tty_wait_new '^ioapic_probe: fixed to 0: .*: taken' 30
	check "ioapic: an entry to Umbra's CPU 2 is refused" \
		tty_wait_new '^ioapic_probe: fixed to umbra: .*: kept' 30
	check "ioapic: a logical destination of no dom0 CPU is refused" \
		tty_wait_new '^ioapic_probe: logical 0x80: .*: kept' 30
	check "ioapic: an NMI entry, even to dom0's CPU, is refused" \
		tty_wait_new '^ioapic_probe: NMI to 0: .*: kept' 30
	check "ioapic: an INIT entry to Umbra's CPU is refused" \
		tty_wait_new '^ioapic_probe: INIT to umbra: .*: kept' 30
	check "ioapic: the probe lives to its end" tty_wait_new '^ioapic_probe: done' 30
	check "ioapic: Umbra logs the refusal once" \
		bash -c "[ \$(tr -d '\r' < '$com2' | grep -cE 'dom0\): refused an I/O APIC') = 1 ] &&
			grep -qE 'dom0\): refused an I/O APIC 0 entry \(fixed, 0x2000000000000ee, physical destination 0x2\)' '$com2'"
	tty_mark
	tty_type 'echo ioapic=$((6*7))'
	check "ioapic: dom0 goes on" tty_wait_new '^ioapic=42' 30
}

# x2APIC would give dom0 the ICR as an MSR, past the filter on its APIC
# page: dom0's CPUID does not offer it, and a write to IA32_APIC_BASE
# that sets EXTD is #GP (EIO through /dev/cpu/0/msr); the x2APIC ICR MSR
# is #GP too. (QEMU's TCG has no x2APIC to test the filter itself with.)
x2apic_refused() {
	local com2=$1
	tty_mark
	tty_type 'grep -c "^flags.* x2apic" /proc/cpuinfo; grep -cw apic /proc/cpuinfo'
	check "x2apic: dom0's CPUs do not offer x2APIC" tty_wait_new '^0$' 30
	check "x2apic: (while they do show the local APIC)" tty_wait_new '^2$' 30
	tty_mark
	tty_type 'taskset -c 0 /usr/libexec/umbra-tests/msr_probe'
	check "x2apic: dom0 reads IA32_APIC_BASE through /dev/cpu/0/msr" \
		tty_wait_new '^msr_probe: APIC_BASE 0xfee00[89a-f]00' 60
	check "x2apic: setting EXTD in IA32_APIC_BASE is refused" \
		tty_wait_new '^msr_probe: set EXTD: refused \(Input/output error\)' 30
	check "x2apic: IA32_APIC_BASE keeps EXTD clear" \
		tty_wait_new '^msr_probe: APIC_BASE after: 0xfee00[89a-f]00' 30
	check "x2apic: the x2APIC ICR MSR is refused" \
		tty_wait_new '^msr_probe: x2APIC ICR read: refused' 30
	check "x2apic: the probe lives to its end" tty_wait_new '^msr_probe: done' 30
	tty_mark
	tty_type 'echo x2=$((6*7))'
	check "x2apic: dom0 goes on" tty_wait_new '^x2=42' 30
}

# Umbra takes dom0's CPUs back for a panic: dom0 (two vCPUs) runs a
# ticker on each of its CPUs; `vmctl create` starts the hello guest, whose
# shutdown on Umbra's pCPU 2 provokes the test build's deliberate panic
# there (test_fault_domain=hello). Umbra stops every other CPU by NMI (NMIs
# exit dom0), prints the report, and, with test_fatal_hold, holds still
# as a release build does: dom0's tickers stop while QEMU runs on.
dom0_takeback() {
	local iso=$E2E_OUT/dom0-takeback.iso com2=$E2E_OUT/dom0-takeback.com2.log n
	scripts/mkiso.sh "$iso" build/test/umbra.elf \
		"console=com1 loglvl=info dom0_mem=384M dom0_max_vcpus=2 test_fault=panic test_fault_domain=hello test_fatal_hold" \
		"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $DOM0/initrd.img" ||
		{ echo "FAIL: takeback: ISO builds"; return; }
	: > "$com2"
	umbra_qemu dom0-takeback 3 "$iso" "$com2" -device isa-debug-exit,iobase=0xf4,iosize=0x04
	check "takeback: dom0 reaches umbra-dom0: ready" tty_wait '^umbra-dom0: ready' "$DOM0_TIMEOUT"
	tty_type 'for c in 0 1; do taskset -c $c sh -c "i=0; while :; do i=\$((i+1)); echo tick$c=\$i; sleep 1; done" & done'
	check "takeback: dom0 ticks on its CPU 0" tty_wait '^tick0=3' 60
	check "takeback: dom0 ticks on its CPU 1" tty_wait '^tick1=3' 30
	tty_type 'vmctl create /usr/share/umbra/guests/hello.cfg'
	check "takeback: the hello domain's shutdown panics Umbra on its CPU 2" \
		wait_for_file "$com2" '^umbra: PANIC on cpu 2: test: deliberate panic' 90
	check "takeback: Umbra took dom0's CPUs 0 and 1 back by NMI first" \
		wait_for_file "$com2" "^umbra: CPUs stopped by NMI: 0 1 \\(dom0's: 0 1\\)\$" 5
	check "takeback: the report has a backtrace" grep -qE '^Backtrace:' "$com2"
	sleep 2
	n=$(tty_text | grep -cE '^tick[01]=')
	sleep 6
	check "takeback: dom0 has stopped (no tick in 6 s)" \
		bash -c "[ \$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' '$TTY_LOG' | grep -cE '^tick[01]=') = $n ]"
	check "takeback: the machine holds still rather than exits" tty_alive
	if [ "$SCENARIO_FAILED" -ne 0 ]; then
		echo "---- terminal of dom0-takeback ----"
		tty_text | grep -v "TCG doesn't support" | tail -n 40
		echo "---- COM2 (Umbra) ----"
		tail -n 40 "$com2"
	fi
	SCENARIO_FAILED=0
	tty_stop
}

# Bad dom0 input: each is refused with a message on Umbra's console, and
# Umbra goes on to run the boot-module domain (then powers off, idle).
bad_input() {
	local name=$1 smp=$2 cmdline=$3 kernel=$4 why=$5
	boot "dom0-bad-$name" build/test/umbra.elf "console=com1 exit_when_idle $cmdline" \
		"$kernel console=ttyS0; $DOM0/initrd.img; build/guests/hello.elf name=g1 -- status=0" \
		"$smp" 2G
	check "bad $name: refused with a message" log_has "$why"
	check "bad $name: no dom0 was started" log_lacks '^dom0: [0-9]+ MiB in'
	check "bad $name: the boot-module domain still ran" \
		log_has '^domain [0-9]+ \(g1\): shutdown: poweroff'
	check "bad $name: Umbra stayed up to the end" rc_is 33
	scenario_end "dom0-bad-$name"
}

# DOM0_ONLY="under_umbra ..." runs only those scenarios (while developing).
want() { [ -z "${DOM0_ONLY:-}" ] || [[ " $DOM0_ONLY " == *" $1 "* ]]; }

want native && native
want under_umbra && under_umbra
want takeback && dom0_takeback
want reboot && reboot_through_umbra
want crash && dom0_crash
want bad_input || exit 0
head -c 100000 "$DOM0/vmlinuz" > "$E2E_OUT/vmlinuz-truncated"
bad_input not-bzimage 2 "" "$DOM0/initrd.img" '^dom0: module 0: not a bzImage'
bad_input truncated 2 "" "$E2E_OUT/vmlinuz-truncated" '^dom0: module 0: truncated'
bad_input too-much-memory 2 "dom0_mem=64G" "$DOM0/vmlinuz" '^dom0: dom0_mem asks for 65536 MiB'
bad_input one-cpu 1 "" "$DOM0/vmlinuz" '^dom0: needs a CPU of its own'
bad_input all-cpus 2 "dom0_max_vcpus=2" "$DOM0/vmlinuz" \
	'^dom0: dom0_max_vcpus=2: must be 1 to 1, leaving at least one of the 2 CPUs for the other domains'
