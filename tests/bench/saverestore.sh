#!/usr/bin/env bash
# make bench-guests (saverestore part): vmctl save and restore of a
# 256 MiB guest with 32 MiB touched, in dom0 under Umbra (TCG). The
# counter guest fills 32 MiB with data that compresses badly (as real
# data does) and counts; a script in an extra initramfs archive saves it
# to dom0's tmpfs and restores it ROUNDS times (default 3). Prints
# key: value lines, medians of the rounds:
#   save_mb_per_s           guest RAM (MiB) / the time vmctl save took,
#                           pause to file written (destroy not counted)
#   restore_mb_per_s        guest RAM (MiB) / the time vmctl restore
#                           took, file read to the domain unpaused
#   save_compression_ratio  guest RAM / save file size
# and save_ms, restore_ms, save_file_mib, the guest's shape.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
ROUNDS=${SAVERESTORE_BENCH_ROUNDS:-3}
MEM_MIB=256
TOUCH_MIB=32
out=build/bench/saverestore
mkdir -p "$out"
E2E_OUT=$out
trap tty_stop EXIT

bench_initrd() {
	local root o=$out/initrd.img
	root=$(mktemp -d)
	mkdir -p "$root/root"
	cat > "$root/root/bench.sh" <<-SH
	cd /usr/share/umbra/guests
	vmctl create counter.cfg memory=$MEM_MIB 'cmdline="period_ms=1000 touch_mib=$TOUCH_MIB"' >/dev/null
	i=0
	while ! vmctl dmesg | grep -q 'counter: [0-9]* KiB touched'; do
		sleep 1; i=\$((i + 1)); [ \$i -lt 120 ] || break
	done
	vmctl dmesg | grep -o 'counter: [0-9]* KiB touched' | sed 's/^/guest /'
	r=0
	while [ \$r -lt $ROUNDS ]; do
		vmctl save counter /tmp/b.sav | sed 's/^/save /'
		ls -l /tmp/b.sav | awk '{ print "file", \$5 }'
		vmctl restore /tmp/b.sav | sed 's/^/restore /'
		rm -f /tmp/b.sav
		sleep 2
		r=\$((r + 1))
	done
	vmctl dmesg | grep -c 'MEMORY CORRUPT' | sed 's/^/corrupt /'
	vmctl destroy counter
	echo "==end"
	SH
	initrd_plus "$root" "$o"
}

initrd=$(bench_initrd)
iso=$out/saverestore.iso
scripts/mkiso.sh "$iso" build/umbra.elf "console=com1 loglvl=warning dom0_mem=512M" \
	"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $initrd" || exit 1
tty_start saverestore-bench qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 2G \
	-display none -no-reboot -nic none -serial stdio -monitor none -cdrom "$iso"
tty_wait '^umbra-dom0: ready' 300 || { echo "bench-saverestore: dom0 did not start"; exit 1; }
tty_mark
tty_type 'sh /root/bench.sh'
tty_wait_new '^==end' 1800 || { echo "bench-saverestore: the run did not finish"; tty_text | tail -20; exit 1; }
res=$(tty_text | tail -n +"$((TTY_MARK + 1))")
tty_type 'poweroff'
tty_wait 'reboot: Power down' 60 >/dev/null
median() { # values on stdin
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
save_ms=$(echo "$res" | sed -n 's/^save saved .*, \([0-9.]*\) ms$/\1/p' | median)
restore_ms=$(echo "$res" | sed -n 's/^restore domain .* restored from .*, \([0-9.]*\) ms$/\1/p' | median)
file=$(echo "$res" | sed -n 's/^file \([0-9]*\)$/\1/p' | median)
echo "$res" | grep -E '^(guest|save|restore|corrupt) ' | sed 's/^/# /'
rate() { awk -v m="$MEM_MIB" -v t="$1" 'BEGIN { if (t + 0 > 0) printf "%.1f\n", m / (t / 1000); else print "-" }'; }
echo "guest_mib: $MEM_MIB"
echo "touched_mib: $TOUCH_MIB"
echo "save_ms: $save_ms"
echo "restore_ms: $restore_ms"
echo "save_file_mib: $(awk -v f="$file" 'BEGIN { if (f + 0 > 0) printf "%.2f\n", f / 1048576; else print "-" }')"
echo "save_mb_per_s: $(rate "$save_ms")"
echo "restore_mb_per_s: $(rate "$restore_ms")"
echo "save_compression_ratio: $(awk -v m="$MEM_MIB" -v f="$file" 'BEGIN { if (f + 0 > 0) printf "%.2f\n", m * 1048576 / f; else print "-" }')"
