# Helpers for the HVM scenarios (hvm.sh), on top of lib.sh: what one
# domain printed and how it stopped, read from $BOOT_LOG. Domains are
# named by their boot-module name=; console lines look like
# "(d<id> <name>) <text>".

HVM_ELF=${HVM_ELF:-build/test/umbra.elf}
HVM_GUESTS=${HVM_GUESTS:-build/guests}
HVM_CMDLINE="console=com1 loglvl=info exit_when_idle"

# The text of every console line of domain $1, one per line.
guest_lines() {
	sed -nE "s/^\(d[0-9]+ $1\) //p" "$BOOT_LOG"
}

# guest_said NAME TEXT: the domain printed exactly this line.
guest_said() { guest_lines "$1" | grep -qxF -- "$2"; }
# guest_said_re NAME REGEX: some line of the domain matches.
guest_said_re() { guest_lines "$1" | grep -qE -- "$2"; }
guest_silent_re() { ! guest_said_re "$@"; }
# guest_value NAME SED-REGEX: the first group of the first matching line.
guest_value() { guest_lines "$1" | sed -nE "s/$2/\1/p" | head -n 1; }

# stopped_with NAME REASON: "domain N (NAME): shutdown: REASON".
stopped_with() { log_has "^domain [0-9]+ \($1\): shutdown: $2$"; }
# crashed_with NAME REGEX: "domain N (NAME): crashed: ..." matching REGEX.
crashed_with() { log_has "^domain [0-9]+ \($1\): crashed: .*$2"; }
never_crashed() { log_lacks "^domain [0-9]+ \($1\): crashed:"; }
created_with() { log_has "^domain [0-9]+ \($1\): .*paging=$2,"; }

# stat NAME KEY: a counter from the domain's vCPU 0 stats line.
stat() {
	sed -nE "s/^domain [0-9]+ \($1\) vcpu 0: (.* )?$2=([0-9]+)( .*)?$/\2/p" "$BOOT_LOG" |
		head -n 1
}
# paging_stat NAME KEY: a counter from the domain's paging line.
paging_stat() {
	sed -nE "s/^domain [0-9]+ \($1\) paging: (.* )?$2=([0-9]+)( .*)?$/\2/p" "$BOOT_LOG" |
		head -n 1
}

# within_pool NAME: the domain's pool counters are there, and neither
# what it spent at the end nor at its peak is more than its pool.
within_pool() {
	local pages peak used
	pages=$(paging_stat "$1" pool_pages) peak=$(paging_stat "$1" pool_peak)
	used=$(paging_stat "$1" pool_used)
	[ -n "$pages" ] && [ -n "$peak" ] && [ -n "$used" ] &&
		[ "$peak" -le "$pages" ] && [ "$used" -le "$pages" ]
}

# within_pct A B PCT: A and B differ by at most PCT percent of the larger.
within_pct() {
	local a=${1:-0} b=${2:-0} pct=$3 hi lo
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] || return 1
	if [ "$a" -ge "$b" ]; then hi=$a lo=$b; else hi=$b lo=$a; fi
	[ $(( (hi - lo) * 100 )) -le $(( hi * pct )) ]
}

# is_positive VALUE
is_positive() { [ -n "$1" ] && [ "$1" -gt 0 ]; }
same_nonempty() { [ -n "$1" ] && [ "$1" = "$2" ]; }

# bare_run NAME ELF "APPEND": boot a guest under plain QEMU (its PVH
# loader, no hypervisor). Sets BARE_LOG and BARE_RC.
bare_run() {
	BARE_LOG="$E2E_OUT/$1.log"
	timeout --kill-after=5 60 qemu-system-x86_64 -M q35 -cpu "${QEMU_CPU:-$QEMU_CPU_DEFAULT}" -m 64M \
		-display none -no-reboot -nic none -monitor none -serial "file:$BARE_LOG" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$2" -append "$3" 2>"$E2E_OUT/$1.qemu-stderr"
	BARE_RC=$?
}

# module NAME GUEST MODE MEM [ARGS...]: one boot-module entry.
module() {
	local name=$1 guest=$2 mode=$3 mem=$4
	shift 4
	printf '%s name=%s mem=%s paging=%s -- %s; ' "$HVM_GUESTS/$guest.elf" "$name" "$mem" \
		"$mode" "$*"
}
