#!/usr/bin/env bash
# make bench-vmtop: what one vmtop refresh costs in dom0 under Umbra.
# dom0 boots with the hello guest in an extra initramfs archive; at its
# shell, vmtop -b --stats measures its own CPU time (user and system: the
# management calls run in the driver and Umbra on its behalf) and counts
# its management calls, first with dom0 alone, then after vmctl has
# created 100 small paused domains (dom0 included; Umbra allows 128).
# Prints key: value lines:
#   vmtop_refresh_cpu_us_100_domains   CPU time of one refresh, the mean of
#                                      the 25 intervals vmtop -b printed,
#                                      the first included (the count of
#                                      domains it really had is
#                                      vmtop_domains_measured)
#   vmtop_refresh_median_cpu_us_100_domains, ..._min_..., and
#   vmtop_first_refresh_cpu_us_100_domains
#                                      the median, the cheapest and the
#                                      first of the 25 (the host's stolen
#                                      time lands on any of them)
#   vmtop_startup_cpu_us_100_domains   what vmtop did before its first
#                                      interval, not in the figures above:
#                                      like top it primes the pump (two
#                                      refreshes that print nothing, then
#                                      a short wait, so that the first
#                                      interval has rates), which faults
#                                      its buffers in and formats every
#                                      line once; vmtop_startup_calls: its
#                                      management calls (2)
#   vmtop_calls_per_refresh            management calls per refresh
#                                      (ioctls libvmctl counted; 1: the snapshot)
#   vmtop_calls_per_refresh_dom0_only  the same with dom0 alone
#   vmtop_refresh_cpu_us_dom0_only
# Should fewer be created, vmtop_domains_measured says how many there were.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
WANT=${VMTOP_BENCH_DOMAINS:-100}
HELLO=build/guests/hello.elf
out=build/bench/vmtop
mkdir -p "$out"
E2E_OUT=$out
trap tty_stop EXIT

bench_initrd() {
	local root o=$out/initrd.img
	root=$(mktemp -d)
	mkdir -p "$root/root"
	cp "$HELLO" "$root/root/hello.elf"
	cat > "$root/root/small.cfg" <<-'CFG'
	name = "small"
	memory = 2
	vcpus = 1
	kernel = "/root/hello.elf"
	cmdline = "status=0"
	CFG
	cat > "$root/root/bench.sh" <<-SH
	P=/usr/libexec/umbra-tests/mgmtprobe
	vmtop -b -d 0.2 -i 25 --stats > /dev/null 2> /tmp/alone.txt
	\$P 50 >> /tmp/alone.txt
	n=0
	while [ \$((n + 1)) -lt $WANT ]; do
		vmctl create /root/small.cfg -p name=small\$n > /dev/null 2> /tmp/create.err || break
		n=\$((n + 1))
	done
	echo "created \$n domains; the next: \$(cat /tmp/create.err)"
	vmtop -b -d 0.2 -i 25 --stats > /dev/null 2> /tmp/many.txt
	\$P 50 >> /tmp/many.txt
	VMCTL_TRACE=1 vmtop -b -d 0.2 -i 10 > /dev/null 2> /tmp/trace.txt
	sed -n 's/^vmctl-trace: .*cmd=15 .* us=/snapshot_ioctl_us: /p' /tmp/trace.txt >> /tmp/many.txt
	echo "==alone"; cat /tmp/alone.txt; echo "==many"; cat /tmp/many.txt; echo "==end"
	SH
	initrd_plus "$root" "$o"
}

initrd=$(bench_initrd)
iso=$out/vmtop.iso
scripts/mkiso.sh "$iso" build/umbra.elf "console=com1 dom0_mem=384M" \
	"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $initrd" || exit 1
tty_start vmtop-bench qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 2G \
	-display none -no-reboot -nic none -serial stdio -serial "file:$out/com2.log" \
	-monitor none -cdrom "$iso"
tty_wait '^umbra-dom0: ready' 300 || { echo "bench-vmtop: dom0 did not start"; exit 1; }
tty_mark
tty_type 'sh /root/bench.sh'
tty_wait_new '^==end' 1200 || { echo "bench-vmtop: the run did not finish"; tty_text | tail -20; exit 1; }
res=$(tty_text | tail -n +"$((TTY_MARK + 1))")
tty_type 'poweroff'
tty_wait 'reboot: Power down' 60 >/dev/null
echo "$res" | grep -E '^created [0-9]+ domains' | sed 's/^/# /'
value() { # SECTION KEY
	echo "$res" | sed -n "/^==$1\$/,/^==/p" | sed -n "s/^$2: //p" | head -n1
}
echo "vmtop_refresh_cpu_us_100_domains: $(value many vmtop_refresh_cpu_us)"
echo "vmtop_domains_measured: $(value many vmtop_domains)"
# The mean above counts the first interval and whatever the host stole
# from the emulated CPU (with the machine loaded, most of it); the median
# and the cheapest show what a refresh itself costs.
echo "vmtop_refresh_median_cpu_us_100_domains: $(value many vmtop_median_refresh_cpu_us)"
echo "vmtop_first_refresh_cpu_us_100_domains: $(value many vmtop_first_refresh_cpu_us)"
echo "vmtop_refresh_min_cpu_us_100_domains: $(value many vmtop_min_refresh_cpu_us)"
echo "vmtop_startup_cpu_us_100_domains: $(value many vmtop_startup_cpu_us)"
echo "vmtop_startup_calls: $(value many vmtop_startup_calls)"
echo "vmtop_calls_per_refresh: $(value many vmtop_calls_per_refresh)"
echo "vmtop_refresh_cpu_us_dom0_only: $(value alone vmtop_refresh_cpu_us)"
echo "vmtop_calls_per_refresh_dom0_only: $(value alone vmtop_calls_per_refresh)"
# Where the time goes: reading Umbra against the rest of a refresh, and
# tests/dom0/mgmtprobe's steps (a system call, a refused ioctl, a bare
# hypercall, ... a whole snapshot), per call.
for sec in alone many; do
	echo "$res" | sed -n "/^==$sec\$/,/^==/p" | grep -E '^(vmtop_(read|rates|sort|output|first_[a-z]+|median_[a-z]+|min_[a-z]+)_cpu_us|vmtop_(lines_|startup_faults|first_refresh_faults|faults_per_refresh)|probe_|snapshot_ioctl_us)' |
		sed "s/^\([a-z0-9_]*\):/# $sec \1:/"
done
