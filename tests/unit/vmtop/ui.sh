#!/usr/bin/env bash
# vmtop's screen on a host terminal (tmux, a private server), over the
# libvmctl test double (vmtop-fake, VMTOP_FAKE_DOMAINS guests): the keys
# and what the screen shows, in seconds, without QEMU. The same screen
# against the real hypervisor is tests/e2e/vmtop.sh.
set -u
cd "$(dirname "$0")/../../.."
BIN=${VMTOP_FAKE:-build/tests/unit/vmtop/vmtop-fake}
T="tmux -L umbra-vmtop-ui-$$"
S=ui
trap '$T kill-server 2>/dev/null' EXIT
[ -x "$BIN" ] || { echo "FAIL: $BIN is built"; exit 1; }

ok() { local name=$1; shift; if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; $T capture-pane -p -t $S | sed 's/^/  | /'; fi; }
screen() { $T capture-pane -p -t $S; }
shows() { # REGEX [SECS]
	local end=$((SECONDS + ${2:-10}))
	while [ $SECONDS -lt $end ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
lacks() { sleep 1.5; ! screen | grep -qE -- "$1"; }
key() { $T send-keys -t $S "$@"; sleep 0.4; }
row_of() { screen | grep -nE "^ *$1 [-dsbcpr]{6} " | head -n1 | cut -d: -f1; }
# A cell in a colour of its own (tmux writes the cells' attributes back).
coloured() { sleep 1; $T capture-pane -e -p -t $S | grep -qE $'\e\\[([0-9;]*;)?3[1-7](;[0-9;]*)?m'; }
above() { local a b; a=$(row_of "$1") b=$(row_of "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }

$T new-session -d -s $S -x 140 -y 30 \
	"env VMTOP_FAKE_DOMAINS=4 TERM=screen $BIN -d 0.5; echo EXITED rc=\$?; stty -a | tr ' ' '\n' | grep -xE 'icanon|echo|-icanon|-echo' | tr '\n' ' '; echo; sleep 60"
ok "header and column header" shows '^ +NAME +STATE +CPU\(sec\) CPU\(%\)'
ok "a row per domain, dom0 included" shows '^ +guest4 --b--- '
ok "domains by state" shows '^5 domains: 2 running, 3 blocked, 0 paused'
ok "starts sorted by name" above guest1 guest4
key N
ok "N again reverses" above guest4 guest1
key C
ok "C: the busiest first" above guest3 guest1
# An escape sequence screen's terminfo does not know is ignored, not
# taken for Esc (quit).
$T send-keys -t $S -l $'\e[99~'
sleep 0.5
ok "an unknown escape sequence does not quit" shows '^ +NAME +STATE ' 3
key Home
key Down
key Down
key p
ok "select + p: the third row is paused" shows '^ +[a-z0-9-]+ ----p- ' 5
key p
ok "p again unpauses" lacks '----p-'
key I
key Home
key p
ok "dom0 is not paused from vmtop" shows 'cannot be paused here' 5
key Down
key D
ok "D asks" shows '^Destroy [a-z0-9]+ \(id [0-9]+\)\? y/N' 5
key n
ok "n keeps it" shows '^5 domains' 5
key D
key y
ok "D y destroys" shows '^4 domains' 5
key /
key g u e 4 Enter
ok "/ filters by name" shows '^filter: gue4 \(0 of 4 shown\)|^filter: ' 5
key /
key Enter
key h
ok "h helps" shows '^Sort keys' 5
key x
key f
ok "f lists the columns" shows '^ +\[ \] I +ID' 5
key G
key Enter
ok "f G hides PAGING" lacks ' PAGING'
key d
key 2 . 5 Enter
ok "d sets the delay" shows 'delay 2\.5s' 5
ok "colour where the terminal has it (TERM=screen)" coloured
key q
ok "q quits, status 0" shows '^EXITED rc=0' 5
ok "the terminal is restored" shows '^icanon echo *$' 5

# A Linux console and a VT100 (a serial line): the screen either way,
# in colour on the first only.
for term in linux vt100; do
	$T kill-session -t $S 2>/dev/null
	$T new-session -d -s $S -x 100 -y 24 \
		"env VMTOP_FAKE_DOMAINS=3 TERM=$term $BIN -d 0.5; echo EXITED rc=\$?; sleep 60"
	ok "TERM=$term: the screen" shows '^ +NAME +STATE +CPU\(sec\)' 10
	if [ $term = linux ]; then
		ok "TERM=linux: in colour" coloured
	else
		ok "TERM=vt100: no colour" eval '! coloured'
	fi
	key q
	ok "TERM=$term: q quits" shows '^EXITED rc=0' 5
done
