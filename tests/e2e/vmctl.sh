#!/usr/bin/env bash
# vmctl in dom0 under Umbra, typed at dom0's shell the way a person does
# (dom0's serial console is a tmux terminal). dom0's initramfs is used as
# built: vmctl, umbra.ko, vmstored, and the test guests with their
# configs in /usr/share/umbra/guests (dom0/guests/*.cfg). The suite
# creates hello from its config and reads its console, lists (plain, -l
# and --json, parsed here by python3), follows a live console and
# detaches with Ctrl-] (terminal restored), pauses and unpauses, shuts
# down and destroys, checks the store entries, runs 50 create/destroy
# cycles with free memory back to its start, has the hostile guest crash
# (reported with its reason, dom0 and a neighbour unharmed), destroys a
# granter while another domain maps its grant (the mapping goes with it),
# creates a PV domain (type = "pv": its store and console rings, typed at
# through vmctl console; an image without PV notes refused), and checks
# the messages for bad configs, names, ids and memory.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
TIMEOUT=${DOM0_TIMEOUT:-240}
CYCLES=${VMCTL_CYCLES:-50}
trap tty_stop EXIT

need_dom0 usr/sbin/vmctl usr/share/umbra/guests/hello.cfg \
	usr/share/umbra/guests/hello.elf usr/share/umbra/guests/ticker.cfg \
	usr/share/umbra/guests/hostile.cfg usr/share/umbra/guests/pvring.cfg \
	usr/share/umbra/guests/pvring.elf

# Type CMD at dom0's shell and wait for REGEX in what follows.
# The text between the lines ==NAME and ==end printed after the mark.
section() { # NAME
	since_mark | sed -n "/^==$1\$/,/^==end\$/p" | sed '1d;$d'
}

shell_is_back() { # WHAT
	at_dom0 "$1: the shell runs commands again" 'echo back-$((40+2))' '^back-42' 30
	at_dom0 "$1: the terminal is in its normal mode" \
		'stty -a | tr " " "\n" | grep -xE "icanon|echo|-icanon|-echo" | tr "\n" " "; echo' \
		'^icanon echo $' 15
}

boot_dom0 vmctl "$DOM0/initrd.img" 384M
at_dom0 "the guests' directory is there" 'cd /usr/share/umbra/guests && ls' 'hello\.cfg'

FREE0=$(free_mib)
check "vmctl info reports free memory" test -n "$FREE0"
at_dom0 "vmctl info: xl's key : value lines" 'vmctl info' '^nr_cpus +: 2$'

# ---- hello from its config, its console ----------------------------------
at_dom0 "create hello.cfg -c: created" 'vmctl create hello.cfg -c' \
	'^domain [0-9]+ \(hello\) created$' 60
check "create -c: hello's console output" tty_wait_new '^hello: hello, world' 60
check "create -c: its command line from the config" \
	tty_wait_new 'hello: start info version 1, cmdline "status=0"' 10
check "create -c: the end and the action (on_poweroff=preserve)" \
	tty_wait_new 'vmctl: hello \([0-9]+\) shut down \(poweroff\); on_poweroff=preserve' 60
at_dom0 "list: xl's header" 'vmctl list' \
	'^Name +ID +Mem VCPUs	State	Time\(s\)$'
check "list: dom0, running, its memory" tty_wait_new '^dom0 +0 +3[0-9][0-9] +1 +r----- +[0-9]+\.[0-9]$' 10
check "list: hello, 32 MiB, shut down (s)" tty_wait_new '^hello +[0-9]+ +32 +1 +---s-- +[0-9]+\.[0-9]$' 10
at_dom0 "list -l: how it stopped" 'vmctl list -l hello' \
	'^hello .*	pvh	nested	[0-9]+	shut down \(poweroff\)$'
at_dom0 "console of a stopped domain: what it wrote, then the action" 'vmctl console hello' \
	'hello \([0-9]+\) shut down \(poweroff\); on_poweroff=preserve' 30
check "console: its output is still there" bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q '^hello: hello, world'"

# ---- the store ---------------------------------------------------------------
check "create found the store (no warning)" \
	bash -c "! grep -q 'store is not reachable' '$TTY_LOG'"
at_dom0 "store: vmstored saw hello introduced (@introduceDomain)" \
	'grep "introduced dom" /var/log/umbra/vmstored.log' 'introduced dom[0-9]+ \(mfn [0-9]+, port 1\)' 20

# ---- list --json, parsed on the host -------------------------------------------
tty_mark
tty_type 'echo ==json; vmctl list --json; echo ==end'
check "list --json printed" tty_wait_new '^==end$' 30
section json > "$E2E_OUT/vmctl-list.json"
check "list --json is JSON with dom0 and hello as listed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = {x["name"]: x for x in d}
assert names["dom0"]["domid"] == 0 and names["dom0"]["dom0"] is True, names
h = names["hello"]
assert h["mem_mib"] == 32 and h["state"] == "shutdown", h
assert h["shutdown_reason"] == "poweroff" and h["state_letters"] == "---s--", h
assert h["type"] == "pvh" and h["paging"] == "nested", h
' "$E2E_OUT/vmctl-list.json"
at_dom0 "destroy hello" 'vmctl destroy hello; echo rc=$?' '^rc=0$' 60
at_dom0 "hello is gone from the list" 'vmctl list hello' \
	"^vmctl: list: hello: no domain called 'hello'$" 20
at_dom0 "store: and released (@releaseDomain)" \
	'grep "released dom" /var/log/umbra/vmstored.log' 'released dom[0-9]+' 20

# ---- a PV domain from vmctl (type = "pv"): its store and console rings ----------------
at_dom0 "pv: a kernel without Xen's PV notes is refused, with the reason" \
	'vmctl create hello.cfg type=pv name=notpv' \
	"^vmctl: create: notpv: '.*hello\\.elf': PV kernel image refused: no Xen PV ELF notes: not a PV kernel$" 30
at_dom0 "pv: the refused image left nothing behind" 'vmctl list | wc -l' '^2$' 20
at_dom0 "pv: paging=nested is refused for a PV domain" 'vmctl create pvring.cfg paging=nested' \
	'^vmctl: create: pvring.cfg: paging: PV domains run with "shared" or "shadow" \(type = "pv"\)$' 20
at_dom0 "pv: vmctl create pvring.cfg -c: created" 'vmctl create pvring.cfg -c' \
	'^domain [0-9]+ \(pvring\) created$' 60
check "pv: start_info names its store and console rings (ports 1, 2)" \
	tty_wait_new 'pvring: store mfn 0x[0-9a-f]+ port 1, console mfn 0x[0-9a-f]+ port 2' 60
check "pv: a key written and read back through the store ring" \
	tty_wait_new 'pvring: ok: store: READ data/pvring gives back what was written' 60
check "pv: its name as vmctl recorded it, read through the ring" \
	tty_wait_new 'pvring: my name in the store: pvring' 30
check "pv: every check passed" tty_wait_new 'pvring: 0 failed' 30
check "pv: its greeting on the console ring reaches vmctl console (vmconsoled)" \
	tty_wait_new 'pvring: hello on the console ring' 60
tty_mark
tty_type 'typed at a PV domain'
check "pv: a typed line reached the guest through the console ring, its answer came back" \
	tty_wait_new 'pvring: got typed at a PV domain' 30
tty_mark
tty_type 'quit'
check "pv: quit ends it" tty_wait_new 'pvring: bye' 30
check "pv: create -c ends with the action" \
	tty_wait_new 'vmctl: pvring \([0-9]+\) shut down \(poweroff\); on_poweroff=preserve' 30
shell_is_back "pv"
at_dom0 "pv: list -l: type pv, paging shared" 'vmctl list -l pvring' \
	'^pvring +[0-9]+ +16 +1 .*[[:space:]]pv[[:space:]]+shared[[:space:]]' 20
at_dom0 "pv: its console log has the ring's greeting and the answer" \
	'grep -c -e "pvring: hello on the console ring" -e "pvring: got typed" /var/log/umbra/guest-pvring.log' \
	'^2$' 20
at_dom0 "pv: destroy pvring" 'vmctl destroy pvring; echo rc=$?' '^rc=0$' 60
# The first PV domain makes what every PV domain shares, kept for good:
# shared-pt's frame table (16 MiB for this 2 GiB machine) and the
# read-only M2P (4 MiB); the domain's own 16 MiB come back (a leak of
# them would cost at least 36).
FREE_PV=$(free_mib)
check "pv: its memory came back, all but the PV frame table and M2P ($FREE0 MiB, now ${FREE_PV:-?})" \
	test "${FREE_PV:-0}" -ge $((FREE0 - 22))
FREE0=$FREE_PV
# Destruction lets go of the page-table references before it scrubs the
# tables (shared-pt reads them to know what they hold): nothing is left
# counted, and the next PV domain can have that memory.
at_dom0 "pv: destroy released its page-table state (Umbra's log)" \
	'vmctl dmesg | grep -c "not released"; vmctl dmesg -c >/dev/null' '^0$' 20
at_dom0 "pv: a PV domain again, on the memory the first gave back, with 2 vCPUs: created" \
	'vmctl create pvring.cfg vcpus=2' '^domain [0-9]+ \(pvring\) created$' 60
at_dom0 "pv: the second one runs (every check passed)" \
	'for i in $(seq 60); do vmctl dmesg | grep -q "pvring: 0 failed" && break; sleep 1; done; vmctl dmesg | grep -c "pvring: 0 failed"' \
	'^1$' 90
at_dom0 "pv: list -l: its 2 vCPUs" 'vmctl list -l pvring' \
	'^pvring +[0-9]+ +16 +2 .*[[:space:]]pv[[:space:]]+shared[[:space:]]' 20
at_dom0 "pv: destroy the second, running" 'vmctl destroy pvring; echo rc=$?' '^rc=0$' 60
at_dom0 "pv: nothing of its page tables left either (Umbra's log)" \
	'vmctl dmesg | grep -c -e "not released" -e "could not be registered"' '^0$' 20
FREE_PV=$(free_mib)
check "pv: the second one's memory came back too ($FREE0 MiB, now ${FREE_PV:-?})" \
	test "${FREE_PV:-0}" -ge $((FREE0 - 1))
FREE0=$FREE_PV

# ---- the same PV kernel translated (paging = "shadow", docs/pv.md) -------------------
# Told its physmap is auto-translated, on mmu/'s shadow tables: start_info
# names its rings by its own frames, which it maps with update_va_mapping.
at_dom0 "pv shadow: vmctl create pvring.cfg paging=shadow: created" \
	'vmctl dmesg -c >/dev/null; vmctl create pvring.cfg paging=shadow name=pvshadow' \
	'^domain [0-9]+ \(pvshadow\) created$' 60
at_dom0 "pv shadow: list -l: type pv, paging shadow" 'vmctl list -l pvshadow' \
	'^pvshadow +[0-9]+ +16 +1 .*[[:space:]]pv[[:space:]]+shadow[[:space:]]' 20
at_dom0 "pv shadow: Umbra created it with paging=shadow and a shadow pool" \
	'vmctl dmesg | grep -c "(pvshadow): created by dom0, paused: 16 MiB, 1 vCPU, paging=shadow, pool"' \
	'^1$' 20
at_dom0 "pv shadow: its store ring works (its name read back)" \
	'for i in $(seq 60); do vmctl dmesg | grep -q "pvring: 0 failed" && break; sleep 1; done; vmctl dmesg | grep -c "pvring: my name in the store: pvshadow"' \
	'^1$' 90
at_dom0 "pv shadow: every check passed" 'vmctl dmesg | grep -c "pvring: 0 failed"' '^1$' 20
at_dom0 "pv shadow: destroy it, running" 'vmctl destroy pvshadow; echo rc=$?' '^rc=0$' 60
# The first translated domain makes the identity M2P all of them share
# (2 MiB per GiB of the largest, kept); the rest comes back.
FREE_PV=$(free_mib)
check "pv shadow: its memory and shadow pool came back ($FREE0 MiB, now ${FREE_PV:-?})" \
	test "${FREE_PV:-0}" -ge $((FREE0 - 3))
FREE0=$FREE_PV

# ---- a live console, Ctrl-] ------------------------------------------------------
at_dom0 "create ticker (lives 48 s, prints every 3 s)" 'vmctl create ticker.cfg' \
	'^domain [0-9]+ \(ticker\) created$' 60
at_dom0 "console ticker: attached" 'vmctl console ticker' \
	"vmctl: console of ticker \([0-9]+\); Ctrl-\] detaches" 30
check "console: output as it comes" tty_wait_new 'timer: PASS sleep 3000 ms' 30
tty_mark
check "console: new output follows" tty_wait_new 'timer: PASS sleep 3000 ms' 30
tmux send-keys -t "$TTY_SESSION" C-]
check "Ctrl-] detaches" tty_wait_new 'vmctl: detached from domain [0-9]+' 15
shell_is_back "after Ctrl-]"

# ---- pause, unpause --------------------------------------------------------------
at_dom0 "pause ticker: state p" 'vmctl pause ticker; vmctl list ticker' \
	'^ticker +[0-9]+ +32 +1 +--p--- ' 30
at_dom0 "vcpu-list: the paused vCPU" 'vmctl vcpu-list ticker' \
	'^ticker +[0-9]+ +0 +- +p +[0-9]+\.[0-9] +[0-9all,-]+$' 20
at_dom0 "unpause ticker: running or blocked again" 'vmctl unpause ticker; vmctl list ticker' \
	'^ticker +[0-9]+ +32 +1 +(r-----|-b----) ' 30
at_dom0 "pause dom0: the hypervisor refuses, vmctl says so" 'vmctl pause 0' \
	'^vmctl: pause: dom0: .+' 30
at_dom0 "... with status 1" 'vmctl pause 0 2>/dev/null; echo rc=$?' '^rc=1$' 30

# ---- shutdown -w -------------------------------------------------------------------
at_dom0 "shutdown -w: waits and says how it stopped" 'vmctl shutdown -w ticker' \
	'^ticker \([0-9]+\) shut down \(poweroff\)$' 60
check "shutdown -w: on_poweroff=destroy carried out" \
	tty_wait_new 'vmctl: ticker \([0-9]+\) shut down \(poweroff\); on_poweroff=destroy' 30
at_dom0 "ticker is gone" 'vmctl list ticker' "no domain called 'ticker'" 20

# ---- the hostile guest -------------------------------------------------------------
at_dom0 "hostile guest: its crash is reported with the reason" 'vmctl create hostile.cfg -c' \
	'vmctl: hostile \([0-9]+\) crashed: [^;]+; on_crash=preserve' 90
at_dom0 "list: the crash (s and c)" 'vmctl list -l hostile' \
	'^hostile +[0-9]+ +32 +1 +---sc- .*	crashed: .+$' 20
at_dom0 "dom0 lives on" 'echo alive-$((6*7))' '^alive-42' 20
at_dom0 "a neighbour runs after it" 'vmctl create hello.cfg name=after -c' \
	'hello: hello, world' 60
check "the neighbour finished normally" \
	tty_wait_new 'vmctl: after \([0-9]+\) shut down \(poweroff\)' 60
at_dom0 "destroy both" 'vmctl destroy hostile; vmctl destroy after; echo rc=$?' '^rc=0$' 60

# ---- the watcher: actions with no vmctl command running ---------------------------
# `vmctl create` leaves a detached watcher per domain (watch.c). phoenix is
# created paused and unpaused 6 s later, so its crash comes after the 5 s
# restart guard (counted from its creation): the watcher restarts it; the
# new domain crashes at once, so the guard preserves it (no loop).
# Umbra gives the lowest free id: a paused placeholder holds one below
# phoenix's and goes before the crash, so the restarted phoenix's id differs.
at_dom0 "watcher: phoenix created paused (on_crash=restart)" \
	'vmctl create -p hello.cfg name=hold >/dev/null; vmctl create -p hostile.cfg name=phoenix on_crash=restart; vmctl destroy hold' \
	'^domain [0-9]+ \(phoenix\) created, paused$' 60
pid1=$(since_mark | sed -nE 's/^domain ([0-9]+) \(phoenix\) created, paused$/\1/p' | head -n 1)
at_dom0 "watcher: phoenix crashes and comes back with no command running" \
	'sleep 6; vmctl unpause phoenix; i=0; while [ $i -lt 60 ] && ! grep -q "phoenix restarted" /var/log/umbra/vmctl-watch.log; do sleep 1; i=$((i+1)); done; sleep 2; vmctl list phoenix' \
	'^phoenix +[0-9]+ +32 +1 ' 120
pid2=$(since_mark | sed -nE 's/^phoenix +([0-9]+) +32 +1 .*/\1/p' | head -n 1)
check "watcher: the restarted phoenix has a new id ($pid1 -> ${pid2:-?})" \
	test -n "$pid1" -a -n "$pid2" -a "${pid2:-x}" != "${pid1:-x}"
at_dom0 "watcher: its log says what it did" \
	'grep phoenix /var/log/umbra/vmctl-watch.log' \
	'phoenix \([0-9]+\) crashed: [^;]+; on_crash=restart' 20
at_dom0 "watcher: the too-quick second crash is preserved, not looped" \
	'sleep 3; vmctl list -l phoenix' '^phoenix +[0-9]+ +32 +1 +---sc- ' 30
at_dom0 "watcher: destroy phoenix" 'vmctl destroy phoenix; echo rc=$?' '^rc=0$' 30
at_dom0 "watcher: on_poweroff=destroy without -c leaves no domain" \
	'vmctl create hello.cfg name=gone on_poweroff=destroy; i=0; while [ $i -lt 60 ] && vmctl list gone >/dev/null 2>&1; do sleep 1; i=$((i+1)); done; vmctl list gone' \
	"no domain called 'gone'" 120
at_dom0 "watcher: ... its log says so" 'grep gone /var/log/umbra/vmctl-watch.log' \
	'gone \([0-9]+\) shut down \(poweroff\); on_poweroff=destroy' 20
at_dom0 "watcher: on_crash=preserve keeps the crashed domain" \
	'vmctl create hostile.cfg name=keep; i=0; while [ $i -lt 60 ] && ! grep -q "keep (" /var/log/umbra/vmctl-watch.log; do sleep 1; i=$((i+1)); done; vmctl list keep' \
	'^keep +[0-9]+ +32 +1 +---sc- ' 120
at_dom0 "watcher: ... its log says so" 'grep keep /var/log/umbra/vmctl-watch.log' \
	'keep \([0-9]+\) crashed: [^;]+; on_crash=preserve' 20
at_dom0 "watcher: destroy keep; no watcher left behind" \
	'vmctl destroy keep; sleep 2; echo watchers=$(ls /run/umbra | grep -c watch.pid)' '^watchers=0$' 30

# ---- grant tables: a granter's destruction takes its grants' mappings down -----
# The granter grants to the next domain id, the mapper maps the previous
# one's grant and holds it; destroying the granter must take the mapping
# away (the mapper then reads all-ones there) before its memory is reused.
at_dom0 "grant: granter created" 'vmctl create granter.cfg' '^domain [0-9]+ \(granter\) created$' 60
gid=$(since_mark | sed -nE 's/^domain ([0-9]+) \(granter\) created$/\1/p' | head -n 1)
at_dom0 "grant: the mapper maps the granter's page" \
	'(sleep 25; vmctl destroy granter) & vmctl create mapper.cfg -c' 'grant: holding the mapping' 90
check "grant: the mapper is the next domain id" \
	eval 'since_mark | grep -qE "^domain $((gid + 1)) \(mapper\) created|console of mapper \($((gid + 1))\)"'
check "grant: destroying the granter took the mapping down" \
	tty_wait_new 'grant: ok: the mapping went with the granter' 90
check "grant: the mapper's checks all passed" \
	tty_wait_new 'grant: mapper: [1-9][0-9]* passed, 0 failed' 30
check "grant: the mapper ran on and shut down normally" \
	tty_wait_new 'vmctl: mapper \([0-9]+\) shut down \(poweroff\)' 30
at_dom0 "grant: destroy the mapper" 'vmctl destroy mapper; vmctl list granter; echo rc=$?' \
	"no domain called 'granter'" 60
# The other way round: the mapper is destroyed while it holds the mapping;
# the granter's entry must lose GTF_reading/GTF_writing.
at_dom0 "grant: a granter g2" \
	'vmctl create granter.cfg name=g2 "cmdline=role=granter peer=next hold=2"' \
	'^domain [0-9]+ \(g2\) created$' 60
at_dom0 "grant: a mapper m2 that holds its mapping" \
	'vmctl create mapper.cfg name=m2 "cmdline=role=mapper peer=prev hold=2"' \
	'^domain [0-9]+ \(m2\) created$' 60
at_dom0 "grant: g2 sees its page mapped" '(sleep 20; vmctl destroy m2) & vmctl console g2' \
	'grant: the mapper holds ref 1' 90
check "grant: destroying the mapper gave the granter's entry back" \
	tty_wait_new "grant: ok: the mapper's destruction cleared GTF_reading and GTF_writing" 90
check "grant: the granter's checks all passed" \
	tty_wait_new 'grant: granter: [1-9][0-9]* passed, 0 failed' 30
check "grant: g2 shut down normally" tty_wait_new 'vmctl: g2 \([0-9]+\) shut down \(poweroff\)' 30
at_dom0 "grant: destroy g2" 'vmctl destroy g2; echo rc=$?' '^rc=0$' 60

# ---- bad input ---------------------------------------------------------------------
at_dom0 "bad config: file, line and key" \
	"printf 'name = \"bad\"\\nkernel = \"hello.elf\"\\nmemory = lots\\n' > /tmp/bad.cfg; vmctl create /tmp/bad.cfg" \
	"^vmctl: create: /tmp/bad.cfg:3: memory: not a number: 'lots'$" 20
at_dom0 "type hvm: not supported yet" 'vmctl create hello.cfg type=hvm' \
	'^vmctl: create: command line: type: "hvm" domains are not supported yet \(pvh or pv\)$' 20
at_dom0 "an unknown key is a warning" \
	"printf 'name = \"w\"\\nkernel = \"/usr/share/umbra/guests/hello.elf\"\\nvif = [ 1 ]\\n' > /tmp/w.cfg; vmctl create -p /tmp/w.cfg" \
	"^vmctl: create: warning: /tmp/w.cfg:3: unknown key 'vif' ignored$" 30
at_dom0 "... and the domain is created anyway" 'vmctl destroy w; echo rc=$?' '^rc=0$' 30
at_dom0 "a 1 GiB domain (paused)" 'vmctl create -p hello.cfg name=big memory=1024' \
	'^domain [0-9]+ \(big\) created, paused$' 60
at_dom0 "memory asked vs free" 'vmctl create hello.cfg memory=1024' \
	'^vmctl: create: hello: not enough free memory: asked 1024 MiB(, and its paging pool)?, [0-9]+ MiB free$' 30
at_dom0 "the refused domain left nothing behind" 'vmctl destroy big; vmctl list | wc -l' '^2$' 60
at_dom0 "bad id" 'vmctl destroy 999' '^vmctl: destroy: 999: no domain with id 999$' 20
at_dom0 "bad name" 'vmctl pause nosuch' "^vmctl: pause: nosuch: no domain called 'nosuch'$" 20
at_dom0 "dom0 cannot be destroyed" 'vmctl destroy 0; echo rc=$?' '^rc=1$' 20
at_dom0 "a truncated kernel: refused with the loader's reason" \
	'head -c 3000 hello.elf > /tmp/t.elf; vmctl create hello.cfg kernel=/tmp/t.elf' \
	'^vmctl: create: hello: .*(outside|truncated|short).*' 30
at_dom0 "ambiguous prefix" 'vmctl d' "^vmctl: 'd' is ambiguous: destroy, dmesg$" 20
at_dom0 "dmesg: Umbra's log" 'vmctl dmesg | tail -n 3; echo ==end' '^==end$' 30

# ---- create/destroy cycles: memory comes back ---------------------------------------
at_dom0 "$CYCLES create/destroy cycles" \
	"i=0; while [ \$i -lt $CYCLES ]; do vmctl create hello.cfg name=c\$i >/dev/null && vmctl destroy c\$i || echo CYCLE-FAIL \$i; i=\$((i+1)); done; echo cycles-done" \
	'^cycles-done$' $((CYCLES * 20))
check "every cycle worked" bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q '^CYCLE-FAIL' && exit 1 || exit 0"
FREE1=$(free_mib)
check "free memory back to its start after $CYCLES cycles ($FREE0 MiB, now ${FREE1:-?})" \
	test "${FREE1:-x}" = "$FREE0"
at_dom0 "only dom0 is left" 'vmctl list | wc -l' '^2$' 20

poweroff_dom0
