# Driving a serial console the way a person does: QEMU runs inside a tmux
# session with the guest's serial line on its terminal, the suite types
# with `tmux send-keys` and reads what appeared. Everything the terminal
# showed is also kept raw in $TTY_LOG (tmux pipe-pane), which is what the
# waits search, so nothing scrolled off the pane is missed.
#
#   tty_start NAME CMD...      start CMD in a new detached session NAME
#   tty_wait REGEX [SECS]      wait until the output (since start) matches
#   tty_mark                   remember how much output there is now
#   tty_wait_new REGEX [SECS]  wait for REGEX in the output after the mark
#   tty_type TEXT              type TEXT and Enter
#   tty_alive                  the session's command still runs
#   tty_stop                   end the session (and its command)

TTY_SESSION=
TTY_LOG=
TTY_MARK=0

# The command runs as a child of the tmux server, which keeps the
# niceness of whoever started it first; run it at the caller's niceness
# instead, so a benchmark started under `nice -n -10` and a suite under
# `nice -n 19` keep their priorities whoever's server they share.
tty_nice_prefix() {
	local pid srv
	pid=$(tmux display-message -p '#{pid}' 2>/dev/null) || return 0
	srv=$(ps -o ni= -p "$pid" 2>/dev/null | tr -d ' ')
	[ -n "$srv" ] && [ "$srv" != "$(nice)" ] &&
		printf 'nice -n %d ' $(($(nice) - srv))
	return 0
}

tty_start() {
	TTY_SESSION=umbra-$1-$$
	shift
	# Absolute: pipe-pane's command runs in the tmux server's directory,
	# which is wherever the first session of this user was started.
	TTY_LOG=$(cd "$E2E_OUT" && pwd)/$(echo "$TTY_SESSION" | sed 's/-[0-9]*$//').tty.log
	: > "$TTY_LOG"
	TTY_MARK=0
	tmux kill-session -t "$TTY_SESSION" 2>/dev/null || true
	# remain-on-exit keeps the pane (and its output) after QEMU ends.
	tmux new-session -d -s "$TTY_SESSION" -x 160 -y 48 \
		"$(tty_nice_prefix)$(printf '%q ' "$@")"
	tmux set-option -t "$TTY_SESSION" remain-on-exit on >/dev/null
	tmux pipe-pane -t "$TTY_SESSION" -o "cat >> '$TTY_LOG'"
}

# The output as text: carriage returns and escape sequences removed.
tty_text() {
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$TTY_LOG"
}

tty_mark() {
	TTY_MARK=$(tty_text | wc -l)
}

# What the terminal showed since the mark.
since_mark() { tty_text | tail -n +"$((TTY_MARK + 1))"; }

tty_wait_new() {
	local re=$1 secs=${2:-60} end=$((SECONDS + ${2:-60}))
	while [ $SECONDS -lt $end ]; do
		since_mark | grep -qE -- "$re" && return 0
		tty_alive || { since_mark | grep -qE -- "$re"; return; }
		sleep 0.5
	done
	echo "  (waited ${secs}s for /$re/)"
	return 1
}

tty_wait() {
	local saved=$TTY_MARK
	TTY_MARK=0
	tty_wait_new "$@"
	local rc=$?
	TTY_MARK=$saved
	return $rc
}

tty_type() {
	tmux send-keys -t "$TTY_SESSION" -l -- "$1"
	tmux send-keys -t "$TTY_SESSION" Enter
}

tty_alive() {
	[ "$(tmux display-message -p -t "$TTY_SESSION" '#{pane_dead}' 2>/dev/null)" = 0 ]
}

tty_stop() {
	[ -n "$TTY_SESSION" ] && tmux kill-session -t "$TTY_SESSION" 2>/dev/null
	TTY_SESSION=
}

# At dom0's shell: type CMD and check (lib.sh) that REGEX shows up after it.
at_dom0() { # NAME CMD REGEX [SECS]
	tty_mark
	tty_type "$2"
	check "$1" tty_wait_new "$3" "${4:-30}"
}

# free_memory as `vmctl info` in dom0 says it now (MiB).
free_mib() {
	tty_mark
	tty_type 'vmctl info | grep free_memory'
	tty_wait_new '^free_memory +: [0-9]+$' 30 >/dev/null || return 1
	since_mark | sed -n 's/^free_memory *: \([0-9]*\)$/\1/p' | tail -n 1
}

# The suite's inputs are built (make dom0): Umbra, dom0's kernel and
# initramfs, and each PATH inside that initramfs; else FAIL and exit.
need_dom0() { # PATH...
	local f listing
	for f in "$DOM0/vmlinuz" "$DOM0/initrd.img" build/test/umbra.elf; do
		[ -s "$f" ] || { echo "FAIL: $f exists (make dom0)"; exit 1; }
	done
	listing=$(zcat "$DOM0/initrd.img" | cpio -it --quiet 2>/dev/null)
	for f in "$@"; do
		grep -qx "$f" <<<"$listing" ||
			{ echo "FAIL: $f is in dom0's initramfs (make dom0)"; exit 1; }
	done
}

# dom0's initramfs with the files under ROOT added, written to OUT and
# echoed; ROOT is removed. The kernel unpacks concatenated archives in
# order, so ROOT's files land on top of dom0's own.
initrd_plus() { # ROOT OUT
	cat "$DOM0/initrd.img" > "$2"
	(cd "$1" && find . -print0 | sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
		gzip -9 >> "$2"
	rm -rf "$1"
	echo "$2"
}

# Umbra and dom0 (the script's $DOM0/vmlinuz, INITRD) booted from an ISO
# in QEMU on the terminal NAME, until dom0's shell is ready (the script's
# $TIMEOUT). Umbra's own log goes to $com2, which is set here.
boot_dom0() { # NAME INITRD DOM0_MEM
	local iso=$E2E_OUT/$1.iso
	com2=$E2E_OUT/$1.com2.log
	scripts/mkiso.sh "$iso" build/test/umbra.elf "console=com1 loglvl=info dom0_mem=$3" \
		"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $2" ||
		{ echo "FAIL: $1: ISO builds"; exit 1; }
	: > "$com2"
	tty_start "$1" qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 2G \
		-display none -no-reboot -nic none -serial stdio -serial "file:$com2" \
		-monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso"
	check "dom0 reaches umbra-dom0: ready" tty_wait '^umbra-dom0: ready' "$TIMEOUT"
}

# The end of a dom0 suite: dom0 powered off from its shell; when a check
# of the scenario failed, the last lines of dom0's terminal and of Umbra's
# log ($com2), which is where the cause of a failed check shows.
# PREFIX names the scenario in the check, for suites that boot dom0 more
# than once.
poweroff_dom0() { # [PREFIX]
	local what="dom0 powers off"
	[ -n "${1:-}" ] && what="$1: $what"
	tty_type 'poweroff'
	check "$what" tty_wait 'reboot: Power down' 120
	[ "$SCENARIO_FAILED" -ne 0 ] || return 0
	echo "---- terminal of dom0${1:+ ($1)} ----"
	# Saved images pass through the terminal in base64; they say nothing.
	tty_text | grep -v "TCG doesn't support" | grep -vE '^[A-Za-z0-9+/=]{60,}$' | tail -n 120
	[ -s "${com2:-}" ] || return 0
	echo "---- COM2 (Umbra) ----"
	tail -n 60 "$com2"
}
