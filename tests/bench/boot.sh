#!/usr/bin/env bash
# make bench-boot: boot Umbra RUNS times from its GRUB ISO under QEMU/TCG
# and report the median milliseconds from QEMU's start to the ready line,
# with the share of that spent before Umbra's first line (firmware + GRUB).
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
out=build/bench
mkdir -p "$out"
iso=$out/boot.iso
scripts/mkiso.sh "$iso" build/umbra.elf "console=com1 loglvl=info exit_on_ready" ""

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

one_boot() {
	local start first="" ready=""
	start=$(now_ms)
	while IFS= read -r line; do
		case "$line" in
		*"umbra "*": booting"*) [ -n "$first" ] || first=$(now_ms) ;;
		"umbra: ready:"*) ready=$(now_ms) ;;
		esac
	done < <(timeout 120 qemu-system-x86_64 -M q35 -cpu EPYC-Milan,+svm,+npt -smp 2 -m 1G \
		-display none -no-reboot -nic none -monitor none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso" 2>/dev/null)
	[ -n "$ready" ] && [ -n "$first" ] || { echo "boot $i: no ready line" >&2; exit 1; }
	echo "$((ready - start)) $((first - start))"
}

: > "$out/boot-times"
for i in $(seq "$RUNS"); do
	one_boot >> "$out/boot-times"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
total=$(cut -d' ' -f1 "$out/boot-times" | median)
before=$(cut -d' ' -f2 "$out/boot-times" | median)
echo "boot_runs: $RUNS"
echo "boot_to_ready_ms_median: $total"
echo "firmware_and_grub_ms_median: $before"
awk -v t="$total" -v b="$before" 'BEGIN { printf "hypervisor_share_of_boot: %.3f\n", (t - b) / t }'
awk -v t="$total" 'BEGIN { printf "boot_vs_xen417_first_line_ratio: %.3f\n", t / 930 }'
