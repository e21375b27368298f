#!/usr/bin/env bash
# Debian's Linux kernel (the linux-image-amd64 bzImage dom0 itself boots)
# as a PVH guest, created with vmctl in dom0 under Umbra and driven from
# dom0's serial console the way a person does. dom0 boots with its
# initramfs plus the guest's archive (build/linux-guest/initrd-dom0.img:
# /boot/vmlinuz-VERSION, linux.cfg and the guest's busybox initramfs).
# The suite creates the guest with `vmctl create linux.cfg -c`, follows
# its console to the marker its /init prints, then on its console ring
# (hvc0, served by vmconsoled) to its shell prompt, types a command and
# reads the answer, saves it to a file and lets it go on (vmctl save -c:
# its grant table, event channels and rings come along), shuts it down
# with `vmctl shutdown` (control/shutdown in the store, as xl does: Linux
# powers off in order), restores it from the file, types a command
# again and shuts the restored guest down. Then vmctl list, and that its
# memory came back.
# Prints `linux_pvh_create_to_marker_s: N` (create typed to the marker
# seen) for make bench-guests. Slow (a Linux boot under TCG inside a
# Linux boot under TCG): `make check-linux`, not `make check`.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
LG=${LINUX_GUEST_OUT:-build/linux-guest}
TIMEOUT=${DOM0_TIMEOUT:-300}
GUEST_TIMEOUT=${LINUX_GUEST_TIMEOUT:-600}
MARKER='umbra-linux-guest: initramfs reached'
trap tty_stop EXIT

for f in "$DOM0/vmlinuz" "$LG/initrd-dom0.img" build/test/umbra.elf; do
	[ -s "$f" ] || { echo "FAIL: $f exists (make linux-guest)"; exit 1; }
done

boot_dom0 linux "$LG/initrd-dom0.img" 512M
at_dom0 "dom0 has Debian's kernel and linux.cfg" \
	'cd /usr/share/umbra/guests && ls /boot/vmlinuz-* linux.cfg linux-initrd.img' \
	'^/boot/vmlinuz-[0-9]' 30
FREE0=$(free_mib)
check "vmctl info reports free memory" test -n "$FREE0"

# ---- create: the bzImage unpacked, loaded, started --------------------------
tty_mark
t0=$(date +%s.%N)
tty_type 'vmctl create linux.cfg -c'
check "create linux.cfg -c: created" tty_wait_new '^domain [0-9]+ \(linux\) created$' "$GUEST_TIMEOUT"
check "the guest's kernel runs (its first console line)" \
	tty_wait_new 'Linux version [0-9.]+-[0-9]+-amd64' "$GUEST_TIMEOUT"
if check "the guest reaches its initramfs: /init's marker" tty_wait_new "$MARKER" "$GUEST_TIMEOUT"; then
	t1=$(date +%s.%N)
	echo "linux_pvh_create_to_marker_s: $(awk -v a="$t0" -v b="$t1" "BEGIN { printf \"%.1f\", b - a }")"
fi
since_mark > "$E2E_OUT/linux-guest-console.txt"
check "the guest's own command line (linux.cfg's extra)" \
	grep -q 'Command line: console=hvc0 earlyprintk=xen,keep quiet' "$E2E_OUT/linux-guest-console.txt"
check "the guest took its memory map from the start info (256 MiB less the start-info area)" \
	grep -q 'BIOS-e820: \[mem 0x0000000000100000-0x000000000ffeffff\] usable' "$E2E_OUT/linux-guest-console.txt"
check "no MSR access error in the guest" bash -c "! grep -q 'unchecked MSR access error' '$E2E_OUT/linux-guest-console.txt'"
check "the guest's kernel did not panic" bash -c "! grep -q 'Kernel panic' '$E2E_OUT/linux-guest-console.txt'"

# ---- its shell on hvc0, served by vmconsoled in dom0 -------------------------
# /init's marker goes out twice: to the kernel log ("[ time ] umbra-...",
# through earlyprintk's console_io) and to its console, hvc0. The second
# reaches vmctl console only through the guest's console ring (Linux says
# "Cannot get hvm parameter CONSOLE_EVTCHN" when it has none) served by
# vmconsoled; every domain created from dom0 has one, so a missing ring is
# a failure, not a skip.
check "the guest has a console ring (CONSOLE_EVTCHN read)" \
	bash -c "! grep -q 'Cannot get hvm parameter CONSOLE_EVTCHN' '$E2E_OUT/linux-guest-console.txt'"
check "its marker on hvc0 reaches vmctl console" tty_wait_new "^$MARKER" 60
check "its shell prompt on hvc0" tty_wait_new '^linux-guest# ' 120
tty_mark
tty_type 'echo answer-$((6 * 7)); uname -r'
check "a command typed through vmctl console is answered" tty_wait_new '^answer-42' 60
check "uname -r in the guest: Debian's kernel" tty_wait_new '^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64' 30
# Linux PVH places its grant frames above its RAM (add_to_physmap of
# XENMAPSPACE_grant_table at unpopulated frames): Umbra backs them there,
# as Xen does, and Linux's grant table comes up (it said
# "grant table add_to_physmap failed, err=-22" when only RAM was taken).
tty_mark
tty_type 'dmesg | grep -c "add_to_physmap failed"; dmesg | grep -o "Grant tables using version 1 layout"'
check "the guest's grant table is up (frames above its RAM)" \
	eval "tty_wait_new '^Grant tables using version 1 layout' 30 && since_mark | grep -qx 0"
tmux send-keys -t "$TTY_SESSION" C-]
check "Ctrl-] detaches" tty_wait_new 'vmctl: detached from domain [0-9]+' 30

at_dom0 "list: linux, 256 MiB, running or blocked" 'vmctl list linux' \
	'^linux +[0-9]+ +256 +1 +[rb-]{6} +[0-9]+\.[0-9]$' 30

# ---- save -c, then xl's shutdown of the running guest -----------------------
# Not cooperative (as Xen's HVM save): its memory, vCPU, event channels
# and grant table (its frames above RAM) into a file; -c lets it go on.
at_dom0 "save -c linux (its grant table comes along)" 'vmctl save -c linux /tmp/linux.sav; echo rc=$?' \
	'^saved linux \([0-9]+\) to /tmp/linux.sav: 256.0 MiB of memory' 600
check "save -c linux exits 0" tty_wait_new '^rc=0$' 30
# As xl shutdown: Linux's xenbus says it watches control/shutdown
# (control/feature-poweroff), vmctl writes "poweroff" there, and Linux
# shuts down in order: /init's trap runs poweroff, and with no ACPI sleep
# state to power off with the kernel halts ("reboot: System halted" on
# console_io, earlyprintk=xen) with interrupts off, its last vCPU up, so
# Umbra powers the domain off as Xen does. Umbra's own shutdown of the
# domain (what vmctl does to a guest without xenbus) stops it with
# neither line.
at_dom0 "vmctl shutdown linux (the guest goes on after save -c)" \
	'vmctl shutdown linux; echo rc=$?' '^rc=0$' 60
check "the guest powered itself off (Umbra: shutdown: poweroff)" \
	bash -c "for i in \$(seq 120); do grep -q 'domain [0-9]* (linux): shutdown: poweroff' '$com2' && exit 0; sleep 1; done; exit 1"
check "... in order, asked through the store: its kernel halted first" \
	grep -aq '(d[0-9]* linux) .*reboot: System halted' "$com2"
check "... and its last vCPU halted for good powered it off" \
	grep -aq 'domain [0-9]* (linux): vCPU 0 halted with interrupts disabled, the last one up: powering off' "$com2"
at_dom0 "linux is gone after its poweroff" 'sleep 2; vmctl list linux' "no domain called 'linux'" 60

# ---- restore: the guest goes on where it was saved ---------------------------
# A new domain from the file; vmconsoled and vmstored serve its rings
# again, and its shell answers on the console.
at_dom0 "restore linux" 'vmctl restore /tmp/linux.sav; echo rc=$?; rm -f /tmp/linux.sav' \
	'^domain [0-9]+ \(linux\) restored from /tmp/linux.sav' 600
check "restore linux exits 0" tty_wait_new '^rc=0$' 30
tty_mark
tty_type 'vmctl console linux'
sleep 3
tty_type ''
tty_type 'echo restored-$((6 * 7)); cat /proc/uptime'
check "the restored guest answers a command typed through vmctl console" \
	tty_wait_new '^restored-42' 120
tmux send-keys -t "$TTY_SESSION" C-]
check "Ctrl-] detaches from the restored guest" tty_wait_new 'vmctl: detached from domain [0-9]+' 30
# The restored guest's xenbus watches went with the old domain (vmstored
# forgets them at its destroy; the save was not cooperative), so vmctl
# shuts it down from the hypervisor (on_poweroff = "destroy").
at_dom0 "vmctl shutdown linux (restored)" 'vmctl shutdown linux; echo rc=$?' '^rc=0$' 60
check "the restored guest is shut down (Umbra: a second shutdown: poweroff)" \
	bash -c "for i in \$(seq 120); do [ \$(grep -c 'domain [0-9]* (linux): shutdown: poweroff' '$com2') -ge 2 ] && exit 0; sleep 1; done; exit 1"
at_dom0 "linux is gone after its poweroff" 'sleep 2; vmctl list linux' "no domain called 'linux'" 60
# The FADT says there is no CMOS RTC, 8042 or VGA (as Xen's toolstack
# says to a PVH guest): Linux probes none of them. Without it Linux
# polled the RTC's update flag some 20 000 times: 40 000 port exits.
io=$(grep -a 'domain [0-9]* (linux) vcpu 0: ' "$com2" | tail -n 1 | sed -n 's/.* io=\([0-9]*\) .*/\1/p')
check "the guest probed no absent legacy device (${io:-?} port exits, under 2000)" \
	test "${io:-999999}" -lt 2000
FREE1=$(free_mib)
check "free memory is back ($FREE0 MiB before, ${FREE1:-?} after)" test "${FREE1:-0}" -ge "$((FREE0 - 2))"
poweroff_dom0
exit "$SCENARIO_FAILED"
