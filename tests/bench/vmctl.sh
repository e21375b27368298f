#!/usr/bin/env bash
# make bench-vmctl: what vmctl's commands cost in dom0 under Umbra (TCG).
# dom0 boots as built (vmctl, the hello guest and its config in
# /usr/share/umbra/guests); a script in an extra initramfs archive times
# the commands with timeit (tests/dom0/timeit.c, milliseconds of
# CLOCK_MONOTONIC, which busybox lacks). Prints key: value lines:
#   create_to_first_output_ms  vmctl create hello.cfg -c until hello's
#                              first console line (median of 10)
#   destroy_ms                 vmctl destroy of the stopped hello (median of 10)
#   list_ms_50_domains         vmctl list with 50 paused domains besides
#                              dom0 (median of 10)
#   list_ms_dom0_only          the same with dom0 alone
# and, as comments, one more create traced ($VMCTL_TRACE): each management
# call's start and length, to see where a create's time goes.
# For scale: `xl create` of a PVH guest took 6.1 s under the same QEMU.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
N=${VMCTL_BENCH_DOMAINS:-50}
out=build/bench/vmctl
mkdir -p "$out"
E2E_OUT=$out
trap tty_stop EXIT

bench_initrd() {
	local root o=$out/initrd.img
	root=$(mktemp -d)
	mkdir -p "$root/root"
	cat > "$root/root/bench.sh" <<-SH
	T=/usr/libexec/umbra-tests/timeit
	cd /usr/share/umbra/guests
	for i in 1 2 3 4 5 6 7 8 9 10; do
		\$T -m 'hello, world' vmctl create hello.cfg name=b\$i -c 2>&1 >/dev/null | sed -n 's/^timeit: /create /p'
		\$T vmctl destroy b\$i 2>&1 >/dev/null | sed -n 's/^timeit: /destroy /p'
		\$T vmctl list 2>&1 >/dev/null | sed -n 's/^timeit: /list0 /p'
	done
	# One more, traced: each management call with its start and length.
	VMCTL_TRACE=1 \$T -m 'hello, world' vmctl create hello.cfg name=tr -c 2>&1 |
		sed -n 's/^vmctl-trace: /trace /p; s/^timeit: /traced /p'
	vmctl destroy tr
	n=0
	while [ \$n -lt $N ]; do
		vmctl create hello.cfg -p name=p\$n memory=2 > /dev/null || break
		n=\$((n + 1))
	done
	echo "paused domains: \$n"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		\$T vmctl list 2>&1 >/dev/null | sed -n 's/^timeit: /listN /p'
	done
	echo "==end"
	SH
	initrd_plus "$root" "$o"
}

initrd=$(bench_initrd)
iso=$out/vmctl.iso
scripts/mkiso.sh "$iso" build/umbra.elf "console=com1 dom0_mem=384M" \
	"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $initrd" || exit 1
tty_start vmctl-bench qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 2G \
	-display none -no-reboot -nic none -serial stdio -serial "file:$out/com2.log" \
	-monitor none -cdrom "$iso"
tty_wait '^umbra-dom0: ready' 300 || { echo "bench-vmctl: dom0 did not start"; exit 1; }
tty_mark
tty_type 'sh /root/bench.sh'
tty_wait_new '^==end' 1200 || { echo "bench-vmctl: the run did not finish"; tty_text | tail -20; exit 1; }
res=$(tty_text | tail -n +"$((TTY_MARK + 1))")
tty_type 'poweroff'
tty_wait 'reboot: Power down' 60 >/dev/null
echo "$res" | grep -E '^paused domains: ' | sed 's/^/# /'
median() { # KIND FIELD
	echo "$res" | sed -n "s/^$1 .*$2=\([0-9.]*\).*/\1/p" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "create_to_first_output_ms: $(median create match_ms)"
echo "destroy_ms: $(median destroy total_ms)"
echo "list_ms_${N}_domains: $(median listN total_ms)"
echo "list_ms_dom0_only: $(median list0 total_ms)"
# Where a create's time goes: the traced create's calls, in milliseconds
# from its first call (cmd numbers: public/mgmt.h).
echo "$res" | grep -E '^traced ' | sed 's/^/# /'
echo "$res" | grep -E '^trace ' | awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	if (NR == 1) t0 = f["t"]
	printf "# call at %.1f ms: cmd=%s buf_len=%s rc=%s took %.2f ms\n",
		(f["t"] - t0) / 1000, f["cmd"], f["buf_len"], f["rc"], f["us"] / 1000 }'
