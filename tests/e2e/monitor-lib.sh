# Talk to QEMU's human monitor while a scenario runs (on top of lib.sh).
# QEMU reads monitor commands from a FIFO and writes the answers to a
# file, so a scenario can stop the machine, look at a CPU and go on.

# boot_bg NAME ELF "CMDLINE" "MODULES" [SMP] [MEM]: like boot(), but
# returns at once with QEMU running. Sets BOOT_LOG, QEMU_PID, MON_OUT.
boot_bg() {
	local name=$1 elf=$2 cmdline=$3 modules=$4 smp=${5:-2} mem=${6:-1G}
	local iso="$E2E_OUT/$name.iso" fifo="$E2E_OUT/$name.mon-in"
	BOOT_LOG="$E2E_OUT/$name.log"
	MON_OUT="$E2E_OUT/$name.mon-out"
	QEMU_PID=
	rm -f "$fifo" "$MON_OUT" "$BOOT_LOG"
	scripts/mkiso.sh "$iso" "$elf" "$cmdline" "$modules" || return 1
	mkfifo "$fifo" || return 1
	timeout --kill-after=5 "$E2E_TIMEOUT" qemu-system-x86_64 -M q35 \
		-cpu "${QEMU_CPU:-$QEMU_CPU_DEFAULT}" \
		-smp "$smp" -m "$mem" -display none -no-reboot -nic none \
		-serial "file:$BOOT_LOG" -monitor stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-cdrom "$iso" <"$fifo" >"$MON_OUT" 2>"$E2E_OUT/$name.qemu-stderr" &
	QEMU_PID=$!
	exec 9>"$fifo"
	rm -f "$fifo"
	mon_wait_prompt 0 || return 1
}

# The console log without the serial line's CRs.
console_text() { tr -d '\r' <"$BOOT_LOG" 2>/dev/null; }

# wait_console REGEX SECONDS: until a console line matches (0) or the
# time is up or QEMU is gone (1).
wait_console() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		console_text | grep -qE -- "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	console_text | grep -qE -- "$1"
}

# mon_wait_prompt OFFSET: until the monitor printed a prompt after byte
# OFFSET of its output that ends the output there.
mon_wait_prompt() {
	local i
	for ((i = 0; i < 600; i++)); do
		tail -c +$(($1 + 1)) "$MON_OUT" 2>/dev/null | tail -n 1 | grep -q '^(qemu) $' &&
			return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# mon CMD: run one monitor command, print its answer (without the echoed
# command line and the next prompt). Fails if QEMU does not answer.
mon() {
	local off
	off=$(wc -c <"$MON_OUT")
	echo "$1" >&9 || return 1
	# The echo of the command line comes first; the answer ends with the
	# next prompt on a line of its own.
	mon_wait_prompt "$off" || return 1
	tail -c +$((off + 1)) "$MON_OUT" | tr -d '\r' | sed '1d; $d'
}

# mon_quit: stop QEMU and collect it.
mon_quit() {
	echo quit >&9 2>/dev/null
	exec 9>&-
	wait "$QEMU_PID" 2>/dev/null
	BOOT_RC=$?
	sed -i 's/\r$//' "$BOOT_LOG" 2>/dev/null || true
}
