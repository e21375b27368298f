#!/usr/bin/env bash
# The store and console rings in dom0 under Umbra, through dom0's console
# (a tmux terminal), as a person types: the xs guest talks to vmstored
# through its store ring (read, write, directory, watch, transaction,
# errors), two xs guests share nodes under permissions (one reads what it
# was given and is refused the rest, and its write fires the other's
# watch), vmstored restarted with --state still serves a running guest,
# @releaseDomain fires when a guest is destroyed, and a guest's PV console
# works both ways through `vmctl console` (vmconsoled) with its log.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

need_dom0 usr/share/umbra/guests/xs.cfg usr/share/umbra/guests/xs.elf \
	usr/share/umbra/guests/xsowner.cfg usr/share/umbra/guests/xspeer.cfg

no_fail_since_mark() { ! since_mark | grep -q '^xs: FAIL'; }
# vmctl console leaves when the guest shuts down; what is typed before
# that goes to the guest's console, not to the shell.
console_ends() { # NAME
	check "$1: its console ends with the domain" \
		tty_wait_new "^vmctl: $1 \\([0-9]+\\) shut down" 60
}

boot_dom0 rings "$DOM0/initrd.img" 384M
at_dom0 "the guests' directory is there" 'cd /usr/share/umbra/guests && ls' 'xs\.cfg'

# ---- one guest: the store through its ring --------------------------------------
at_dom0 "xs: the guest's store ring works (its checks end)" 'vmctl create xs.cfg -c' \
	'xs: [0-9]+ checks, [0-9]+ failed' 120
check "xs: every check passed" tty_wait_new 'xs: [0-9]+ checks, 0 failed' 5
check "xs: no check failed" no_fail_since_mark
check "xs: its ring is the one Umbra reports (page, port 1)" \
	bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -qE '^xs: store ring at page 0x[0-9a-f]+, port 1'"
check "xs: read, write, watch, transaction" bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -c '^xs: ok: ' | awk '{ exit \$1 < 25 }'"
console_ends xs
at_dom0 "vmstored served its ring (log)" 'grep "serving its ring" /var/log/umbra/vmstored.log' \
	'dom[0-9]+: serving its ring \(page [0-9]+, port 1, dom0 port [0-9]+\)' 20
at_dom0 "destroy xs" 'vmctl destroy xs; echo rc=$?' '^rc=0$' 60
at_dom0 "released (@releaseDomain), its ring no longer served" \
	'grep -c "released dom" /var/log/umbra/vmstored.log' '^[1-9][0-9]*$' 20

# ---- two guests: permissions between them ------------------------------------------
at_dom0 "xsowner created" 'vmctl create xsowner.cfg' '^domain [0-9]+ \(xsowner\) created$' 60
at_dom0 "xspeer created (the next domain id)" 'vmctl create xspeer.cfg' \
	'^domain [0-9]+ \(xspeer\) created$' 60
at_dom0 "xspeer: its checks end" 'vmctl console xspeer' 'xs: [0-9]+ checks, [0-9]+ failed' 120
check "xspeer: reads what it was given, refused the rest, writes its done" \
	tty_wait_new 'xs: [0-9]+ checks, 0 failed' 5
check "xspeer: refused the owner's secret" \
	bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q 'xs: ok: READ of the owner.s data/secret: EACCES'"
console_ends xspeer
at_dom0 "xsowner: its checks end" 'vmctl console xsowner' 'xs: [0-9]+ checks, [0-9]+ failed' 60
check "xsowner: the peer's write arrived; its secret is intact" \
	tty_wait_new 'xs: [0-9]+ checks, 0 failed' 5
check "xsowner: the peer's write fired its watch" \
	bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q 'xs: the watch on data/done fired'"
console_ends xsowner
at_dom0 "destroy both" 'vmctl destroy xspeer; vmctl destroy xsowner; echo rc=$?' '^rc=0$' 60

# ---- vmstored restarts: introduced domains are kept ---------------------------------
at_dom0 "xsowner again, waiting for a peer" 'vmctl create xsowner.cfg' \
	'^domain [0-9]+ \(xsowner\) created$' 60
at_dom0 "vmstored stops (SIGTERM: state saved)" \
	'kill $(cat /run/umbra/vmstored.pid); sleep 1; ls /run/umbra/vmstored.state' \
	'^/run/umbra/vmstored.state$' 20
at_dom0 "vmstored starts again from its state" \
	'vmstored -U -S /run/umbra/vmstored.state -L /var/log/umbra/vmstored.log -p /run/umbra/vmstored.pid; echo rc=$?' \
	'^rc=0$' 20
at_dom0 "the running owner is served again after the restart" \
	'sleep 1; grep "serving its ring" /var/log/umbra/vmstored.log | tail -n 1' \
	'serving its ring' 20
at_dom0 "xspeer created after the restart" 'vmctl create xspeer.cfg' \
	'^domain [0-9]+ \(xspeer\) created$' 60
at_dom0 "xsowner: served through the restarted vmstored" \
	'vmctl console xsowner' 'xs: [0-9]+ checks, [0-9]+ failed' 180
check "xsowner: all passed across the restart" tty_wait_new 'xs: [0-9]+ checks, 0 failed' 5
check "xsowner: its watch, set before the restart, still fired (kept in the state)" \
	bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q 'xs: the watch on data/done fired'"
console_ends xsowner
at_dom0 "vmstored set its watches again (log)" \
	'grep "watches set again" /var/log/umbra/vmstored.log' 'dom[0-9]+: [0-9]+ watches set again' 20
at_dom0 "destroy both again" 'vmctl destroy xspeer; vmctl destroy xsowner; echo rc=$?' '^rc=0$' 60
at_dom0 "only dom0 is left" 'vmctl list | wc -l' '^2$' 20

# ---- the PV console ring, both ways, through vmctl console ---------------------------
at_dom0 "pvcons: its prompt on the PV console reaches vmctl create -c" \
	'vmctl create pvcons.cfg -c' 'pvcons: ready; type a line' 90
tty_mark
tty_type 'hello over the ring'
check "pvcons: a line typed at vmctl console reached the guest, its answer came back" \
	tty_wait_new 'pvcons: got hello over the ring' 30
tty_mark
tty_type 'quit'
check "pvcons: quit ends it" tty_wait_new 'pvcons: bye' 30
check "pvcons: its checks passed" tty_wait_new 'xs: [0-9]+ checks, 0 failed' 30
check "create -c ends with the action" \
	tty_wait_new 'vmctl: pvcons \([0-9]+\) shut down \(poweroff\)' 30
at_dom0 "the terminal is in its normal mode again" \
	'stty -a | tr " " "\n" | grep -xE "icanon|echo|-icanon|-echo" | tr "\n" " "; echo' \
	'^icanon echo $' 15
at_dom0 "its console log (/var/log/umbra/guest-pvcons.log) has both ways" \
	'grep -c -e "pvcons: ready" -e "pvcons: got hello over the ring" /var/log/umbra/guest-pvcons.log' \
	'^2$' 20
at_dom0 "destroy pvcons" 'vmctl destroy pvcons; echo rc=$?' '^rc=0$' 60

check "dom0 never touched a destroyed guest's ring (no refusal in Umbra's log)" \
	bash -c "! grep -q 'domain 0 (dom0): refused' '$com2'"

poweroff_dom0
