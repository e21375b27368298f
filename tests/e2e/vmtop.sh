#!/usr/bin/env bash
# vmtop in dom0 under Umbra, driven the way a person drives it: dom0's
# serial console is a tmux terminal, two test guests are created with
# vmctl (busy: the compute guest spinning; idle: the timer guest asleep),
# and vmtop runs on that terminal. The suite presses keys and reads the
# screen tmux shows: header and rows, sort keys (and again to reverse),
# selecting and pausing a domain, destroying one after the question,
# help, the vCPU view, the console and back, a resize, quitting (and
# SIGTERM, SIGINT, SIGHUP) with the terminal restored. Batch and --json output
# are parsed on the host and checked against `vmctl list --json`.
#
# dom0's initramfs is used as built (vmtop, vmctl, umbra.ko, terminfo);
# the guests and their configs come in a second cpio archive appended
# to it, which Linux unpacks over the first.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
TIMEOUT=${DOM0_TIMEOUT:-240}
BUSY=build/guests/compute.elf
IDLE=build/guests/timer.elf
trap tty_stop EXIT

for f in "$DOM0/vmlinuz" "$DOM0/initrd.img" "$BUSY" "$IDLE" build/test/umbra.elf; do
	[ -s "$f" ] || { echo "FAIL: $f exists (make dom0 $BUSY $IDLE)"; exit 1; }
done
for t in vmtop vmctl; do
	zcat "$DOM0/initrd.img" | cpio -it --quiet 2>/dev/null | grep -qx "usr/sbin/$t" ||
		{ echo "FAIL: $t is in dom0's initramfs"; exit 1; }
done

# The guests and their configs, as a cpio archive after dom0's initramfs.
test_initrd() {
	local root out=$E2E_OUT/vmtop-initrd.img
	root=$(mktemp -d)
	mkdir -p "$root/root"
	cp "$BUSY" "$root/root/compute.elf"
	cp "$IDLE" "$root/root/timer.elf"
	cat > "$root/root/busy.cfg" <<-'CFG'
	name = "alpha"
	memory = 16
	vcpus = 1
	kernel = "/root/compute.elf"
	cmdline = "ms=3600000"
	CFG
	cat > "$root/root/idle.cfg" <<-'CFG'
	name = "zulu"
	memory = 32
	vcpus = 2
	kernel = "/root/timer.elf"
	cmdline = "sleeps=3600000 slack_ms=3600000"
	CFG
	# Typed as one short command: a long line would wrap at the shell.
	cat > "$root/root/batch.sh" <<-'SH'
	vmtop -b -d 1 -i 2 > /tmp/b.txt
	vmtop -b --json -d 1 -i 2 > /tmp/j.json
	vmctl list --json > /tmp/l.json
	vmtop -b -d 0.2 -i 5 --stats > /dev/null 2> /tmp/s.txt
	for f in b.txt j.json l.json s.txt; do echo "==$f"; cat /tmp/$f; done
	echo "==end"
	SH
	initrd_plus "$root" "$out"
}

# What the terminal shows now (tmux's screen, not the log).
screen() {
	tmux capture-pane -p -t "$TTY_SESSION"
}

# Wait until the screen matches REGEX (grep -E on the whole screen).
screen_wait() { # REGEX [SECS]
	local end=$((SECONDS + ${2:-30}))
	while [ $SECONDS -lt $end ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.5
	done
	echo "  (screen did not show /$1/ in ${2:-30}s)"
	screen | sed 's/^/  | /'
	return 1
}

# The row of the screen (line number) on which NAME's row is.
row_of() {
	screen | grep -nE "^ *$1 [-dsbcpr]{6} " | head -n1 | cut -d: -f1
}

# NAME1's row is above NAME2's, within 10 s: over the serial line a
# re-sorted screen takes a while to redraw, and a capture in the middle
# of it can miss a row.
above() {
	local a b end=$((SECONDS + 10))
	while :; do
		a=$(row_of "$1") b=$(row_of "$2")
		[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] && return 0
		[ $SECONDS -lt $end ] || break
		sleep 0.5
	done
	echo "  ($1 on row ${a:-none}, $2 on row ${b:-none})"
	screen | sed 's/^/  | /'
	return 1
}

# After the resize to 80 columns: xentop's columns fill them exactly, and
# Umbra's (further right) are gone.
narrow_screen() {
	local end=$((SECONDS + 20))
	while [ $SECONDS -lt $end ]; do
		if screen | grep -qE '^ +NAME +STATE .*MAXMEM\(%\) VCPUS *$' &&
		   ! screen | grep -q EXITS; then
			return 0
		fi
		sleep 0.5
	done
	screen | sed 's/^/  | /'
	return 1
}

key() {
	tmux send-keys -t "$TTY_SESSION" "$@"
	sleep 0.7
}

shell_is_back() { # WHAT
	at_dom0 "$1: the shell runs commands again" 'echo back-$((40+2))' '^back-42' 30
	at_dom0 "$1: the terminal is in its normal mode" \
		'stty -a | tr " " "\n" | grep -xE "icanon|echo|-icanon|-echo" | tr "\n" " "; echo' \
		'^icanon echo $' 15
}

# Batch and JSON output against `vmctl list --json`, parsed here.
batch_checks() {
	tty_mark
	tty_type 'sh /root/batch.sh'
	check "batch: vmtop -b and --json ran" tty_wait_new '^==end' 60
	tty_text | tail -n +"$((TTY_MARK + 1))" > "$E2E_OUT/vmtop-batch.txt"
	check "batch: xentop's layout and vmctl list's domains" \
		python3 tests/e2e/vmtop_batch.py "$E2E_OUT/vmtop-batch.txt"
	# libvmctl counts the ioctls it makes on /dev/umbra.
	check "a refresh is one management call (vmtop --stats, 5 refreshes)" \
		grep -qx 'vmtop_calls_per_refresh: 1.00' "$E2E_OUT/vmtop-batch.txt"
	check "--stats saw 3 domains in 5 refreshes" \
		grep -qx 'vmtop_domains: 3' "$E2E_OUT/vmtop-batch.txt"
	# Priming (two silent refreshes) is counted apart, not in the above.
	check "priming the pump before the first interval: two management calls" \
		grep -qx 'vmtop_startup_calls: 2' "$E2E_OUT/vmtop-batch.txt"
}

interactive_checks() {
	tty_mark
	tty_type 'vmtop -d 1'
	check "screen: the header shows Umbra's version, uptime, CPUs, memory, domains" \
		screen_wait '^vmtop - Umbra [0-9]+\.[0-9]+ +up [0-9:d ]+' 60
	check "screen: CPUs and their load" screen_wait '^CPUs: 2 +load [0-9.]+% +cpu0 [0-9.]+% cpu1 [0-9.]+%'
	check "screen: memory total, free, reserved" \
		screen_wait '^Mem: [0-9]+k total, [0-9]+k free, [0-9]+k reserved'
	check "screen: domains by state" \
		screen_wait '^3 domains: [0-9] running, [0-9] blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown'
	check "screen: the column header, xentop's columns then Umbra's" \
		screen_wait '^ +NAME +STATE +CPU\(sec\) CPU\(%\) +MEM\(k\) MEM\(%\) +MAXMEM\(k\) MAXMEM\(%\) VCPUS +EXITS/s HCALLS/s PTTRAPS/s SHADOW\(k\) PAGING'
	check "screen: a row per domain (busy alpha, 16 MiB, 1 vCPU)" \
		screen_wait '^ +alpha -----r +[0-9]+ +[0-9.]+ +16384 +[0-9.]+ +16384 +[0-9.]+ +1 +[0-9.kMG]+ +[0-9.kMG]+ +[0-9.kMG]+ +[0-9.kMG]+ nested'
	check "screen: idle zulu, 32 MiB, 2 vCPUs" screen_wait '^ +zulu [-bsr]{6} .* 32768 .* 2 '
	check "screen: the busy guest's CPU% shows it working" \
		screen_wait '^ +alpha -----r +[0-9]+ +([3-9][0-9]|100)\.[0-9] ' 30

	# The screen starts sorted by name, ascending: N now would reverse.
	key C
	check "sort C: by CPU% (busy alpha first)" above alpha zulu
	key C
	check "C again reverses (busy alpha last)" above zulu alpha
	key N
	check "sort N: by name (alpha above zulu)" above alpha zulu
	key N
	check "N again reverses (zulu above alpha)" above zulu alpha
	key V
	check "sort V: by vCPUs (zulu's 2 first)" above zulu alpha

	# Select zulu: by name again (from V, N sorts ascending), End.
	key N
	check "sorted by name again" above alpha zulu
	key End
	key p
	check "select + p: zulu is paused and shows p" screen_wait '^ +zulu ----p- ' 20
	check "the header counts it" screen_wait '^3 domains: .* 1 paused' 10
	key p
	check "p again: zulu runs again" screen_wait '^ +zulu (--b---|-----r) ' 20

	key v
	check "v: zulu's vCPUs, with pCPU, affinity, state, time" \
		screen_wait '^vCPUs of zulu \(id [0-9]+\)' 10
	check "v: one line per vCPU" screen_wait '^ +1 (runnable|running|blocked|down) +[-0-9]+ +[0-9,-]+ +[0-9.]+ +[0-9.]+' 10
	key v

	key c
	check "c: zulu's console, with the way back" \
		screen_wait "console of zulu \(id [0-9]+\); Ctrl-\] returns to vmtop" 10
	check "c: what the guest wrote" screen_wait 'timer' 20
	key C-]
	check "Ctrl-] comes back to vmtop" screen_wait 'back from the console of zulu' 15
	check "and the rows are there again" screen_wait '^ +alpha -----r ' 10

	key h
	check "h: help lists the keys and the sort keys" \
		screen_wait '^Sort keys \(the same key again reverses the order\)' 10
	check "h: each column's key" screen_wait '^  W +PTTRAPS/s ' 5
	key x
	check "any key leaves the help" screen_wait '^ +NAME +STATE ' 10

	tmux resize-window -t "$TTY_SESSION" -x 80 -y 30
	key C-l
	check "resize: narrower, the columns that no longer fit are left out" narrow_screen
	tmux resize-window -t "$TTY_SESSION" -x 160 -y 48
	key C-l
	check "resize: wider again, every column is back" screen_wait 'SHADOW\(k\) PAGING' 15

	# Destroy alpha (still sorted by name, ascending): no, then yes.
	key Home
	key D
	check "D asks first" screen_wait '^Destroy alpha \(id [0-9]+\)\? y/N' 10
	key n
	check "n: not destroyed" screen_wait '^not destroyed' 10
	check "n: alpha is still there" screen_wait '^ +alpha ' 5
	key D
	key y
	check "D y: destroyed" screen_wait '^domain [0-9]+ destroyed' 15
	check "D y: its row is gone" \
		bash -c "sleep 2; ! tmux capture-pane -p -t '$TTY_SESSION' | grep -qE '^ +alpha [-a-z]{6} '"

	key q
	shell_is_back "q"
	at_dom0 "vmctl agrees alpha is gone" 'vmctl list | grep -c alpha; echo listed' '^0$' 20
}

# The other ways out restore the terminal too.
signal_checks() {
	tty_mark
	tty_type '(sleep 6; kill -TERM $(pidof vmtop)) & vmtop -d 1'
	check "SIGTERM: vmtop says so and leaves" tty_wait_new 'vmtop: stopped by signal 15' 40
	shell_is_back "SIGTERM"
	# SIGINT is sent from dom0: a Ctrl-C typed here would stop QEMU
	# (its -serial stdio terminal keeps ISIG).
	tty_mark
	tty_type '(sleep 8; kill -INT $(pidof vmtop)) & TERM=vt100 vmtop -d 1'
	check "TERM=vt100 (no colour): the screen works" screen_wait '^ +NAME +STATE ' 40
	check "SIGINT: vmtop leaves" tty_wait_new 'vmtop: stopped by signal 2' 30
	shell_is_back "SIGINT"
	tty_mark
	tty_type '(sleep 6; kill -HUP $(pidof vmtop)) & vmtop -d 1'
	check "SIGHUP: vmtop leaves" tty_wait_new 'vmtop: stopped by signal 1' 30
	shell_is_back "SIGHUP"
}

initrd=$(test_initrd)
boot_dom0 vmtop "$initrd" 384M

at_dom0 "vmctl creates the busy guest" 'vmctl create /root/busy.cfg && echo created-busy' '^created-busy' 60
at_dom0 "vmctl creates the idle guest" 'vmctl create /root/idle.cfg && echo created-idle' '^created-idle' 60
at_dom0 "vmctl lists both" 'vmctl list' '^zulu ' 30

batch_checks
interactive_checks
signal_checks

poweroff_dom0
exit "$SCENARIO_FAILED"
