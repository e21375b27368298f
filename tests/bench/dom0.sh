#!/usr/bin/env bash
# make bench-dom0: dom0's boot, QEMU start -> "umbra-dom0: ready", with
# Umbra (GRUB -> umbra.elf -> dom0) against the same kernel and initramfs
# booted by the same GRUB without Umbra (GRUB's `linux`/`initrd`), RUNS
# interleaved pairs, medians. Prints key: value lines; the ratios are the
# figures, the milliseconds only give them scale. dom0 has one CPU and
# dom0_mem; the bare boot has both CPUs and all memory, so a third boot
# gives the bare kernel the same (maxcpus=1 mem=...) for like with like.
# The paths still differ before the kernel runs: GRUB's `linux` goes
# through the kernel's 16-bit setup code and its BIOS calls, slow under
# TCG, where Umbra enters the kernel at its 64-bit entry.
set -eu
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh
trap tty_stop EXIT
RUNS=${RUNS:-5}
LOOP_RUNS=${LOOP_RUNS:-3}
LOOP_MSTEPS=${LOOP_MSTEPS:-1000}
# UMBRA_ELF and DOM0 (vmlinuz, initrd.img) name other builds to compare.
UMBRA_ELF=${UMBRA_ELF:-build/umbra.elf}
DOM0=${DOM0:-build/dom0}
out=${BENCH_OUT:-build/bench/dom0}
mkdir -p "$out"
KARGS="console=ttyS0 quiet panic=-1"
DOM0_MEM=512M

# A GRUB ISO that boots Linux directly, built as mkiso.sh builds Umbra's.
native_iso() {
	local iso=$1 args=$2 stage
	stage=$(mktemp -d)
	mkdir -p "$stage/boot/grub"
	cp "$DOM0/vmlinuz" "$DOM0/initrd.img" "$stage/boot/"
	cat > "$stage/boot/grub/grub.cfg" <<-EOF
	set timeout=0
	set timeout_style=hidden
	serial --unit=0 --speed=115200
	terminal_input console
	terminal_output serial console
	menuentry "Linux" {
		linux /boot/vmlinuz $args
		initrd /boot/initrd.img
		boot
	}
	EOF
	grub-mkrescue -o "$iso" \
		--install-modules="linux normal serial terminal iso9660 biosdisk boot" \
		--locales= --fonts= --themes= --compress=no "$stage" >/dev/null 2>&1
	rm -rf "$stage"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Milliseconds from QEMU's start to dom0's ready line.
one_boot() {
	local iso=$1 start ready=""
	start=$(now_ms)
	while IFS= read -r line; do
		case "$line" in
		*"umbra-dom0: ready"*) ready=$(now_ms); break ;;
		esac
	done < <(timeout 300 qemu-system-x86_64 -M q35 -cpu EPYC-Milan,+svm,+npt -smp 2 -m 2G \
		-display none -no-reboot -nic none -monitor none -serial stdio \
		-serial null -cdrom "$iso" 2>/dev/null)
	pkill -f "cdrom $iso" 2>/dev/null || true
	[ -n "$ready" ] || { echo "bench-dom0: $iso: no ready line" >&2; exit 1; }
	echo "$((ready - start))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# RUNS=0 skips the boot figures.
if [ "$RUNS" -gt 0 ]; then
native_iso "$out/native.iso" "$KARGS"
native_iso "$out/matched.iso" "$KARGS maxcpus=1 mem=$DOM0_MEM"
scripts/mkiso.sh "$out/umbra.iso" "$UMBRA_ELF" "console=com1 loglvl=info dom0_mem=$DOM0_MEM" \
	"$DOM0/vmlinuz $KARGS; $DOM0/initrd.img"
for k in native matched umbra; do : > "$out/$k-times"; done
for i in $(seq "$RUNS"); do
	for k in native matched umbra; do
		one_boot "$out/$k.iso" >> "$out/$k-times"
	done
done
native=$(median < "$out/native-times")
matched=$(median < "$out/matched-times")
umbra=$(median < "$out/umbra-times")
echo "dom0_boot_runs: $RUNS"
echo "dom0_boot_native_ms_median: $native"
echo "dom0_boot_native_1cpu_ms_median: $matched"
echo "dom0_boot_umbra_ms_median: $umbra"
awk -v u="$umbra" -v n="$native" 'BEGIN { printf "dom0_boot_vs_native: %.3f\n", u / n }'
awk -v u="$umbra" -v n="$matched" 'BEGIN { printf "dom0_boot_vs_native_same_cpus_and_memory: %.3f\n", u / n }'
fi

# dom0_cpu_loop_vs_native: tests/dom0/cpu_loop (LOOP_MSTEPS million LCG
# steps, timed on the host from typing the command to its result line) in
# dom0 under Umbra and in
# the same kernel and initramfs on the bare machine with dom0's CPUs and
# memory, LOOP_RUNS interleaved pairs, medians; native / Umbra, so that
# above 1 is Umbra faster. Wall time on a shared host moves with the
# load (seen: the same build 2 s to 16 s), so the same loop is also
# timed in host CPU time of QEMU's thread for that vCPU
# (dom0_cpu_loop_vcpu_cpu_vs_native: it does not count the time the
# thread waited for a host CPU), and dom0's exits per second during the
# loop are counted (dom0_cpu_loop_exits_per_sec: what Umbra adds runs at
# exits; a change there shows in this count, not only in a noisy time).
# dom0_idle_exits_per_sec: dom0's exits over the last STATS_SPAN of
# Umbra's periodic counter reports (stats_every=1) while dom0's shell
# waits, after the loop.
STATS_SPAN=5
# dom0_apic_write_us: after that, tests/dom0/apic_write_loop writes dom0's
# APIC (its task priority register) APIC_WRITES times, by `mov r32, m32`
# as Linux does (..._fast_us: Umbra's exit fast path) and by `movl $imm,
# m32` (..._decoded_us: the decoder), timed in host CPU time of the vCPU
# thread: the cost of one exit, which Linux's timer tick takes twice. The
# native figure is the same loop without Umbra (no exit). The loop boots
# give both kernels iomem=relaxed for the /dev/mem mapping. APIC_WRITES=0
# skips it.
APIC_WRITES=${APIC_WRITES:-20000}
APIC_ROUNDS=${APIC_ROUNDS:-3}	# the two forms alternated, medians
LOOP_KARGS="$KARGS iomem=relaxed"

# Host CPU time (ms, user + system) of the QEMU thread named "CPU 0/TCG"
# (-name ...,debug-threads=on) of the QEMU whose -name is $1.
vcpu0_cpu_ms() {
	local pid t
	pid=$(pgrep -f "^qemu-system-x86_64 -name $1,debug-threads=on" | head -n 1)
	for t in /proc/"$pid"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "CPU 0/TCG" ] || continue
		sed 's/.*) //' "$t/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print int(($12 + $13) * 1000 / hz) }'
		return
	done
	echo "bench-dom0: no CPU 0/TCG thread in QEMU $1" >&2
	exit 1
}

# Lines of the counter reports on COM2 ($1) as "T EXITS" (Umbra's ms,
# dom0's vCPU 0 exits), one per report.
dom0_reports() {
	tr -d '\r' < "$1" | awk '
		/^stats: at/ { t = $3 }
		/^domain 0 \(dom0\) vcpu 0:/ { for (i = 1; i <= NF; i++) if ($i ~ /^exits=/) { sub("exits=", "", $i); print t, $i } }'
}

# Exits per second from the first to the last line of "T EXITS" lines.
exit_rate() {
	awk 'NR == 1 { t0 = $1; e0 = $2 } { t1 = $1; e1 = $2 }
	     END { if (t1 > t0) printf "%.1f\n", (e1 - e0) * 1000 / (t1 - t0) }'
}

# Wait until COM2 ($1) holds more than $2 counter reports.
wait_reports() {
	local end=$((SECONDS + 120))
	until [ "$(dom0_reports "$1" | wc -l)" -gt "$2" ]; do
		[ $SECONDS -lt $end ] || { echo "bench-dom0: no stats from Umbra" >&2; exit 1; }
		sleep 0.2
	done
}

# Runs apic_write_loop in form $3 in the QEMU named $2 and appends its
# vCPU thread's host CPU time per write (µs) to apic-$1-$3-us.
apic_writes() {
	local kind=$1 name=$2 form=$3 c0 c1 end=$((SECONDS + 600))

	[ "$APIC_WRITES" -gt 0 ] || return 0
	tty_mark
	c0=$(vcpu0_cpu_ms "$name")
	tty_type "/usr/libexec/umbra-tests/apic_write_loop $APIC_WRITES $form"
	until tty_text | tail -n +"$((TTY_MARK + 1))" | grep -qE '^apic_write_loop: [0-9]+ writes'; do
		[ $SECONDS -lt $end ] || { echo "bench-dom0: $kind: apic_write_loop gave no result" >&2; exit 1; }
		sleep 0.05
	done
	c1=$(vcpu0_cpu_ms "$name")
	awk -v c="$((c1 - c0))" -v n="$APIC_WRITES" 'BEGIN { printf "%.1f\n", c * 1000 / n }' \
		>> "$out/apic-$kind-$form-us"
}

loop_boot() {
	local kind=$1 iso=$2 com2=$out/loop-$1.com2 ms name=umbra-bench-$1-$$ round
	: > "$com2"
	tty_start "bench-loop-$kind" qemu-system-x86_64 -name "$name,debug-threads=on" \
		-M q35 -cpu EPYC-Milan,+svm,+npt -smp 2 -m 2G \
		-display none -no-reboot -nic none -monitor none -serial stdio \
		-serial "file:$com2" -cdrom "$iso"
	tty_wait '^umbra-dom0: ready' 300 || { echo "bench-dom0: $kind: no ready line" >&2; exit 1; }
	sleep 5	# let the boot's last work settle
	tty_mark
	# Timed from outside, on the host's clock: the guests' own clocks
	# (TSC calibrated against emulated timers) disagree by tens of %.
	local t0 t1 c0 c1 r0 r1 end=$((SECONDS + 600))
	r0=$(dom0_reports "$com2" | wc -l)
	c0=$(vcpu0_cpu_ms "$name")
	t0=$(now_ms)
	tty_type "/usr/libexec/umbra-tests/cpu_loop $LOOP_MSTEPS"
	until tty_text | tail -n +"$((TTY_MARK + 1))" | grep -qE '^cpu_loop: [0-9]+ Msteps in'; do
		[ $SECONDS -lt $end ] || { echo "bench-dom0: $kind: cpu_loop gave no result" >&2; exit 1; }
		sleep 0.05
	done
	t1=$(now_ms)
	c1=$(vcpu0_cpu_ms "$name")
	r1=$(dom0_reports "$com2" | wc -l)
	echo "$((t1 - t0))" >> "$out/loop-$kind-ms"
	echo "$((c1 - c0))" >> "$out/loop-$kind-cpu-ms"
	ms=$(tty_text | tail -n +"$((TTY_MARK + 1))" | sed -n 's/^cpu_loop: [0-9]* Msteps in \([0-9]*\) ms.*/\1/p' | head -n 1)
	echo "$ms" >> "$out/loop-$kind-guest-ms"
	if [ "$kind" = umbra ]; then
		# The loop's exits: from the last report before it to the
		# first after it (a second of the shell's idle each side).
		wait_reports "$com2" "$r1"
		[ "$r0" -gt 0 ] || { echo "bench-dom0: no stats before the loop" >&2; exit 1; }
		dom0_reports "$com2" | sed -n "${r0},$((r1 + 1))p" | exit_rate >> "$out/loop-exits"
		wait_reports "$com2" $((r1 + 1 + STATS_SPAN))
		dom0_reports "$com2" | tail -n $((STATS_SPAN + 1)) | exit_rate >> "$out/idle-exits"
	fi
	for round in $(seq "$APIC_ROUNDS"); do
		apic_writes "$kind" "$name" reg
		apic_writes "$kind" "$name" imm
	done
	tty_type poweroff
	sleep 5
	tty_stop
}

native_iso "$out/loop-native.iso" "$LOOP_KARGS maxcpus=1 mem=$DOM0_MEM"
scripts/mkiso.sh "$out/loop-umbra.iso" "$UMBRA_ELF" \
	"console=com1 loglvl=info dom0_mem=$DOM0_MEM stats_every=1" "$DOM0/vmlinuz $LOOP_KARGS; $DOM0/initrd.img"
for f in loop-native-ms loop-umbra-ms loop-native-cpu-ms loop-umbra-cpu-ms \
	loop-native-guest-ms loop-umbra-guest-ms loop-exits idle-exits \
	apic-native-reg-us apic-native-imm-us apic-umbra-reg-us apic-umbra-imm-us; do
	: > "$out/$f"
done
for i in $(seq "$LOOP_RUNS"); do
	loop_boot native "$out/loop-native.iso"
	loop_boot umbra "$out/loop-umbra.iso"
done
loop_native=$(median < "$out/loop-native-ms")
loop_umbra=$(median < "$out/loop-umbra-ms")
cpu_native=$(median < "$out/loop-native-cpu-ms")
cpu_umbra=$(median < "$out/loop-umbra-cpu-ms")
range() { sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
echo "dom0_cpu_loop_runs: $LOOP_RUNS"
echo "dom0_cpu_loop_native_ms_median: $loop_native"
echo "dom0_cpu_loop_umbra_ms_median: $loop_umbra"
echo "dom0_cpu_loop_native_ms_range: $(range "$out/loop-native-ms")"
echo "dom0_cpu_loop_umbra_ms_range: $(range "$out/loop-umbra-ms")"
echo "dom0_cpu_loop_guest_clock_native_ms_median: $(median < "$out/loop-native-guest-ms")"
echo "dom0_cpu_loop_guest_clock_umbra_ms_median: $(median < "$out/loop-umbra-guest-ms")"
awk -v u="$loop_umbra" -v n="$loop_native" 'BEGIN { printf "dom0_cpu_loop_vs_native: %.3f\n", n / u }'
echo "dom0_cpu_loop_vcpu_cpu_native_ms_median: $cpu_native"
echo "dom0_cpu_loop_vcpu_cpu_umbra_ms_median: $cpu_umbra"
awk -v u="$cpu_umbra" -v n="$cpu_native" 'BEGIN { printf "dom0_cpu_loop_vcpu_cpu_vs_native: %.3f\n", n / u }'
echo "dom0_cpu_loop_exits_per_sec: $(median < "$out/loop-exits")"
echo "dom0_idle_exits_per_sec: $(median < "$out/idle-exits")"
[ "$APIC_WRITES" -gt 0 ] || exit 0
echo "dom0_apic_write_native_us: $(median < "$out/apic-native-reg-us")"
echo "dom0_apic_write_fast_us: $(median < "$out/apic-umbra-reg-us")"
echo "dom0_apic_write_decoded_us: $(median < "$out/apic-umbra-imm-us")"
