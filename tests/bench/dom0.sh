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
RUNS=${RUNS:-5}
DOM0=build/dom0
out=build/bench/dom0
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

native_iso "$out/native.iso" "$KARGS"
native_iso "$out/matched.iso" "$KARGS maxcpus=1 mem=$DOM0_MEM"
scripts/mkiso.sh "$out/umbra.iso" build/umbra.elf "console=com1 loglvl=info dom0_mem=$DOM0_MEM" \
	"$DOM0/vmlinuz $KARGS; $DOM0/initrd.img"
for k in native matched umbra; do : > "$out/$k-times"; done
for i in $(seq "$RUNS"); do
	for k in native matched umbra; do
		one_boot "$out/$k.iso" >> "$out/$k-times"
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
native=$(median < "$out/native-times")
matched=$(median < "$out/matched-times")
umbra=$(median < "$out/umbra-times")
echo "dom0_boot_runs: $RUNS"
echo "dom0_boot_native_ms_median: $native"
echo "dom0_boot_native_1cpu_ms_median: $matched"
echo "dom0_boot_umbra_ms_median: $umbra"
awk -v u="$umbra" -v n="$native" 'BEGIN { printf "dom0_boot_vs_native: %.3f\n", u / n }'
awk -v u="$umbra" -v n="$matched" 'BEGIN { printf "dom0_boot_vs_native_same_cpus_and_memory: %.3f\n", u / n }'
