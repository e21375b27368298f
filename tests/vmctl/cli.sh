#!/usr/bin/env bash
# vmctl on the host: every command, its messages and output formats, the
# store entries it writes (a real vmstored, read back with Debian's
# xenstore-* clients), and the console's terminal handling (in a tmux
# terminal), against fake_libvmctl.c, a test double of libvmctl whose
# pretend hypervisor keeps its state in a file. What needs Umbra itself
# is tests/e2e/vmctl.sh.
set -u
cd "$(dirname "$0")/../.."
B=${VMSTORE_BUILD:-$PWD/build}
V=$B/tests/vmctl/vmctl-fake
VMSTORED=$B/dom0-tools/vmstored
for f in "$V" "$VMSTORED"; do
	[ -x "$f" ] || { echo "FAIL: $f is built"; exit 1; }
done
T=$(mktemp -d)
TMUX_S=vmctl-cli-$$
STORED_PID=
WATCH_PIDS=
cleanup() {
	[ -n "$WATCH_PIDS" ] && kill $WATCH_PIDS 2>/dev/null
	tmux -L "$TMUX_S" kill-session -t "$TMUX_S" 2>/dev/null
	[ -n "$STORED_PID" ] && kill "$STORED_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export UMBRA_FAKE_STATE=$T/state XENSTORED_PATH=$T/store.sock
# No detached watchers against the test double: the commands' own
# actions are what this checks (the watcher is tested in tests/e2e/vmctl.sh).
export VMCTL_NO_WATCHER=1
export ASAN_OPTIONS=detect_leaks=1

FAILED=0
ok() {
	local name=$1
	shift
	if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; FAILED=1; fi
}
# run ARGS...: vmctl's stdout in OUT, stderr in ERR, status in RC.
run() {
	OUT=$("$V" "$@" 2>"$T/err")
	RC=$?
	ERR=$(cat "$T/err")
}
# expect NAME RC STDERR ARGS...: exit status and exact stderr.
expect() {
	local name=$1 rc=$2 err=$3
	shift 3
	run "$@"
	if [ "$RC" -eq "$rc" ] && [ "$ERR" = "$err" ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		echo "  vmctl $*: status $RC (want $rc)"
		echo "  stderr: $ERR"
		echo "  wanted: $err"
		FAILED=1
	fi
}
has() { grep -qE -- "$1" <<<"$2"; }
store_start() {
	rm -f "$XENSTORED_PATH"
	"$VMSTORED" -F -s "$XENSTORED_PATH" -L "$T/vmstored.log" &
	STORED_PID=$!
	for _ in $(seq 50); do [ -S "$XENSTORED_PATH" ] && return; sleep 0.1; done
}
store_stop() { kill "$STORED_PID"; wait "$STORED_PID" 2>/dev/null; STORED_PID=; }
xs() { xenstore-read "$1" 2>/dev/null; }

# A pretend kernel (the double checks only the ELF magic) and configs.
printf '\177ELF-pretend' > "$T/hello.elf"
cat > "$T/hello.cfg" <<'EOF'
# the hello guest
name = "hello"
memory = 32
kernel = "hello.elf"
cmdline = "status=0"
on_poweroff = "preserve"
EOF
cat > "$T/idle.cfg" <<'EOF'
name = "idle"
memory = 64
vcpus = 2
cpus = "1"
kernel = "hello.elf"
vif = [ "bridge=xenbr0" ]
EOF

# ---- the command table --------------------------------------------------
run --help
ok "--help lists every command" has '^  vcpu-pin +DOM VCPU\|all CPUS$' "$OUT"
ok "--help exits 0" test "$RC" -eq 0
run
ok "no command: usage on stderr, status 1" bash -c "[ $RC -eq 1 ] && grep -q '^usage: vmctl COMMAND' <<<'$ERR'"
expect "an unknown command is named" 1 "vmctl: unknown command 'frobnicate' (vmctl --help lists them)" frobnicate
expect "an ambiguous prefix lists the candidates" 1 "vmctl: 'd' is ambiguous: destroy, dmesg" d
expect "vcpu is ambiguous too" 1 "vmctl: 'vcpu' is ambiguous: vcpu-list, vcpu-pin" vcpu
run li --help
ok "a unique prefix runs the command (li = list)" has '^usage: vmctl list \[-l\] \[--json\]' "$OUT"
run help create
ok "vmctl help CMD = vmctl CMD --help" has '^usage: vmctl create CFG \[-c\] \[-p\]' "$OUT"
expect "an unknown option is named" 1 "vmctl: list: unknown option '-x'
usage: vmctl list [-l] [--json] [DOM ...]" list -x
expect "missing operands: usage" 1 "usage: vmctl destroy DOM" destroy
expect "too many operands: usage" 1 "usage: vmctl pause DOM" pause a b

# ---- without the store: works, says so -----------------------------------
expect "create without vmstored warns and works" 0 \
	"vmctl: create: warning: the store is not reachable ($XENSTORED_PATH: No such file or directory); going on without it" \
	create "$T/hello.cfg"
ok "create prints the new domain's id" test "$OUT" = "domain 1 (hello) created"
run destroy hello
ok "destroy without vmstored works" test "$RC" -eq 0

# ---- create, list, store -------------------------------------------------
store_start
rm -f "$T/state"
xenstore-watch -n 3 @introduceDomain > "$T/intro" 2>&1 &
WATCH_PIDS="$!"
xenstore-watch -n 3 @releaseDomain > "$T/release" 2>&1 &
WATCH_PIDS="$WATCH_PIDS $!"
sleep 0.5
run create "$T/hello.cfg"
ok "create: domain 1" test "$OUT" = "domain 1 (hello) created"
ok "create: no message with the store up" test -z "$ERR"
run create "$T/idle.cfg"
ok "an unknown key is a warning with file and line" \
	test "$ERR" = "vmctl: create: warning: $T/idle.cfg:6: unknown key 'vif' ignored"
ok "the unknown key did not stop create" test "$OUT" = "domain 2 (idle) created"
ok "store: /local/domain/1/name" test "$(xs /local/domain/1/name)" = hello
ok "store: /local/domain/1/domid" test "$(xs /local/domain/1/domid)" = 1
ok "store: memory/target in KiB" test "$(xs /local/domain/1/memory/target)" = 32768
ok "store: /local/domain/2/cpu/1/availability" test "$(xs /local/domain/2/cpu/1/availability)" = online
vm=$(xs /local/domain/1/vm)
ok "store: vm points to /vm/UUID" bash -c "[[ '$vm' =~ ^/vm/[0-9a-f-]{36}$ ]]"
ok "store: /vm/UUID/name" test "$(xs "$vm/name")" = hello
ok "store: /vm/UUID/on_poweroff as configured" test "$(xs "$vm/on_poweroff")" = preserve
ok "store: the kernel path is the config's neighbour" test "$(xs "$vm/image/kernel")" = "$T/hello.elf"
ok "store: the domain may read its home" bash -c "xenstore-ls -p /local/domain/1 2>/dev/null | head -1 | grep -q 'n0,r1'"
sleep 0.5
ok "store: @introduceDomain fired for each create" test "$(grep -c '^@introduceDomain' "$T/intro")" -eq 3

run list
hdr='Name                                        ID   Mem VCPUs	State	Time(s)'
ok "list: xl's header" test "$(head -1 <<<"$OUT")" = "$hdr"
ok "list: dom0 first, xl's columns" has '^Domain-0 {32} +0 +512 +1 +r----- +0\.0$' "$OUT"
ok "list: hello shut down (s)" has '^hello {35} +1 +32 +1 +---s-- +1\.5$' "$OUT"
ok "list: idle blocked (b), 2 vCPUs" has '^idle {36} +2 +64 +2 +-b---- +1\.5$' "$OUT"
run list -l
ok "list -l: type, paging, pool, why stopped" has $'^hello .*\tpvh\tnested\t4\tshut down \\(poweroff\\)$' "$OUT"
run list idle
ok "list DOM: only that domain" test "$(wc -l <<<"$OUT")" -eq 2
expect "list DOM: a missing one is an error" 1 "vmctl: list: nope: no domain called 'nope'" list nope
run list --json
ok "list --json parses, with every domain and field" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert [x["name"] for x in d] == ["Domain-0", "hello", "idle"], d
h = d[1]
assert h["domid"] == 1 and h["mem_mib"] == 32 and h["state"] == "shutdown"
assert h["shutdown_reason"] == "poweroff" and h["state_letters"] == "---s--"
assert d[0]["dom0"] is True and d[2]["vcpus"] == 2 and len(d[2]["vcpu"]) == 2
assert d[2]["vcpu"][1]["affinity"] == "1"
' "$OUT"

# A name with JSON's special characters still gives valid JSON.
run create "$T/hello.cfg" -p 'name="q\"uo\\te"'
run list --json
ok "list --json escapes a name's quote and backslash" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert any(x["name"] == "q\"uo\\te" for x in d), [x["name"] for x in d]
' "$OUT"
run destroy 'q"uo\te'
ok "... and that domain is destroyed by its name" test "$RC" -eq 0
# cpus = [list]: each vCPU pinned to its own entry after create.
run create "$T/idle.cfg" -p name=pinned 'cpus=["0", "1"]'
run vcpu-list pinned
ok "cpus = [list] pins each vCPU" bash -c "grep -qE '^pinned +[0-9]+ +0 .* 0\$' <<<'$OUT' && grep -qE '^pinned +[0-9]+ +1 .* 1\$' <<<'$OUT'"
run destroy pinned

run vcpu-list idle
ok "vcpu-list: header" has '^Name +ID +VCPU +CPU +State +Time\(s\) +Affinity$' "$OUT"
ok "vcpu-list: a row per vCPU with its affinity" has '^idle +2 +1 +- +- +0\.0 +1$' "$OUT"
run vcpu-pin idle all 0-1
ok "vcpu-pin all 0-1" test "$RC" -eq 0
run vcpu-list idle
ok "vcpu-list: all after pinning to every CPU" has '^idle +2 +0 +- +- +0\.0 +all$' "$OUT"
expect "vcpu-pin: a vCPU the domain lacks" 1 "vmctl: vcpu-pin: vCPU 5: the domain has 2 vCPUs (0-1)" vcpu-pin idle 5 1
expect "vcpu-pin: a bad CPU list" 1 "vmctl: vcpu-pin: idle: '99': cpu 99 is out of range (0-63)" vcpu-pin idle 0 99
expect "vcpu-pin: the hypervisor's refusal says why" 1 "vmctl: vcpu-pin: idle: vCPU 0: no online CPU in the mask" vcpu-pin idle 0 5

# ---- pause, unpause, shutdown, destroy -----------------------------------
run pause idle
run list idle
ok "pause: state p" has '^idle .* --p--- ' "$OUT"
expect "pause twice: the refusal says why" 1 "vmctl: pause: idle: domain 2 is paused" pause idle
run unpause 2
run list idle
ok "unpause (by id): state b again" has '^idle .* -b---- ' "$OUT"
expect "pause dom0: refused with the reason" 1 "vmctl: pause: Domain-0: dom0 cannot be paused" pause 0
# As xl shutdown: a guest that says it watches control/shutdown (Linux's
# xenbus writes control/feature-poweroff, -reboot) is asked there and not
# stopped by the hypervisor; for a request it does not offer (idle has
# feature-reboot only; shutdown -w below asks for poweroff) it is.
xenstore-write /local/domain/2/control/feature-reboot 1
run shutdown -r idle
ok "shutdown -r of a guest offering feature-reboot: asked in the store" \
	test "$RC" -eq 0 -a "$(xs /local/domain/2/control/shutdown)" = reboot
run list idle
ok "... and left running for the guest to act" has '^idle .* -b---- ' "$OUT"
xenstore-write /local/domain/2/control/shutdown ""
run shutdown -w idle
ok "shutdown -w reports how it stopped" test "$OUT" = "idle (2) shut down (poweroff)"
ok "... by the hypervisor: poweroff not offered, not asked in the store" \
	test -z "$(xs /local/domain/2/control/shutdown)"
ok "shutdown -w applies on_poweroff (default destroy)" has 'on_poweroff=destroy$' "$ERR"
run list
ok "the destroyed domain is gone from the list" bash -c "! grep -q '^idle' <<<'$OUT'"
ok "store: its entries are gone" bash -c "! xenstore-read /local/domain/2/name 2>/dev/null"
run destroy hello
ok "destroy hello" test "$RC" -eq 0
ok "store: /vm/UUID removed too" bash -c "! xenstore-read '$vm/name' 2>/dev/null"
sleep 0.5
ok "store: @releaseDomain fired for each destroy" test "$(grep -c '^@releaseDomain' "$T/release")" -eq 3
run info
ok "info: free memory back to its start" has '^free_memory +: 1024$' "$OUT"
ok "info: xl's key : value lines" has '^nr_cpus {16}: 2$' "$OUT"

# vmstored restarted between create and destroy: vmctl just reconnects.
run create "$T/hello.cfg" name=h2
kill $WATCH_PIDS 2>/dev/null
WATCH_PIDS=
store_stop
store_start
run destroy h2
ok "vmctl works across a vmstored restart" test "$RC" -eq 0

# ---- bad input -------------------------------------------------------------
printf 'name = "bad"\nkernel = "hello.elf"\nmemory = lots\n' > "$T/bad.cfg"
expect "bad config: file, line and key" 1 "vmctl: create: $T/bad.cfg:3: memory: not a number: 'lots'" create "$T/bad.cfg"
printf 'name = "h"\nkernel = "hello.elf"\ntype = "hvm"\n' > "$T/hvm.cfg"
expect "type hvm: not supported yet" 1 "vmctl: create: $T/hvm.cfg:3: type: \"hvm\" domains are not supported yet (pvh or pv)" create "$T/hvm.cfg"
printf 'kernel = "hello.elf"\n' > "$T/noname.cfg"
expect "no name: said so" 1 "vmctl: create: $T/noname.cfg: name: missing (every domain needs one)" create "$T/noname.cfg"
expect "missing config file" 1 "vmctl: create: $T/none.cfg: No such file or directory" create "$T/none.cfg"
expect "a bad override" 1 "vmctl: create: command line: vcpus: 9 is out of range (1 to 8)" create "$T/hello.cfg" vcpus=9
expect "memory asked vs free, from the hypervisor" 1 "vmctl: create: hello: not enough free memory: asked 4096 MiB, 1024 MiB free" create "$T/hello.cfg" memory=4096
expect "a missing kernel" 1 "vmctl: create: hello: kernel $T/nope.elf: No such file or directory" create "$T/hello.cfg" kernel=nope.elf
printf 'not an elf' > "$T/text.elf"
expect "a kernel that is no ELF" 1 "vmctl: create: hello: kernel $T/text.elf: not an ELF image" create "$T/hello.cfg" kernel=text.elf
run create "$T/hello.cfg"
expect "a name taken" 1 "vmctl: create: hello: a domain called 'hello' exists (id 6)" create "$T/hello.cfg"
expect "destroy: no such name" 1 "vmctl: destroy: web: no domain called 'web'" destroy web
expect "destroy: no such id" 1 "vmctl: destroy: 77: no domain with id 77" destroy 77
expect "destroy dom0: refused with the reason" 1 "vmctl: destroy: Domain-0: dom0 cannot be destroyed" destroy 0
UMBRA_DEVICE="$T/nodev" expect "no driver: said so" 1 "vmctl: list: $T/nodev: No such file or directory (is umbra.ko loaded?)" \
	list
run destroy hello

# ---- dmesg ----------------------------------------------------------------
run dmesg
ok "dmesg prints Umbra's log" has '^\(XEN\) domain 1 \(hello\): destroyed$' "$OUT"
run dmesg -c
run dmesg
ok "dmesg -c cleared it" test -z "$OUT"

# ---- console ----------------------------------------------------------------
run create "$T/hello.cfg" -c
ok "create -c shows the console" has '^fake: hello: hello, world, cmdline "status=0"$' "$OUT"
ok "create -c reports the end and the action" has 'hello \([0-9]+\) shut down \(poweroff\); on_poweroff=preserve$' "$ERR"
run destroy hello
run create "$T/hello.cfg" -p name=spam 'cmdline="spam=40"'
run unpause spam
"$V" console spam < /dev/null > "$T/spam.out" 2>&1 &
cpid=$!
sleep 2
kill "$cpid"
wait "$cpid" 2>/dev/null
ok "console reports the bytes the ring lost" grep -qE '^\[vmctl: [0-9]+ bytes of output were lost before this\]' "$T/spam.out"
ok "console shows what the ring still holds" grep -qE '^1 +$' "$T/spam.out"
run create "$T/hello.cfg" name=crashy cmdline=crash on_crash=restart -c
ok "a crash is reported with its reason" has 'crashy \([0-9]+\) crashed: fake crash: ud2; on_crash=restart$' "$ERR"
ok "an immediate crash is not restarted in a loop" has 'stopped less than 5 s after its start: not restarted' "$ERR"
run list -l crashy
ok "list -l: the crash and its reason" has $'^crashy .* ---sc- .*\tcrashed: fake crash: ud2$' "$OUT"
run destroy crashy
run destroy spam

# Ctrl-] in a real terminal: raw mode while attached, restored after.
cat > "$T/sh" <<EOF
export UMBRA_FAKE_STATE=$UMBRA_FAKE_STATE XENSTORED_PATH=$XENSTORED_PATH
cd $T
PS1='$ '
EOF
tmux -L "$TMUX_S" new-session -d -s "$TMUX_S" -x 120 -y 30 "bash --rcfile $T/sh -i"
tty=$(tmux -L "$TMUX_S" display-message -p -t "$TMUX_S" '#{pane_tty}')
sleep 0.5
type_line() { tmux -L "$TMUX_S" send-keys -t "$TMUX_S" -l -- "$1"; tmux -L "$TMUX_S" send-keys -t "$TMUX_S" Enter; }
wait_for() {
	for _ in $(seq 60); do grep -qE -- "$1" "$2" 2>/dev/null && return 0; sleep 0.25; done
	return 1
}
# ---- save and restore (the double's file is its own; the format is
# tests/unit/libvmctl's and tests/e2e/saverestore.sh's) ----
run create "$T/idle.cfg" name=keep
run save keep "$T/keep.sav"
ok "save: says what it wrote" has '^saved keep \([0-9]+\) to .*keep.sav: 64.0 MiB of memory' "$OUT"
ok "save: the domain is destroyed" bash -c "! '$V' list keep >/dev/null 2>&1"
run restore "$T/keep.sav"
ok "restore: the domain is back, running" has '^domain [0-9]+ \(keep\) restored from .*keep.sav: 64.0 MiB' "$OUT"
ok "restore: listed as running or blocked" has '^keep +[0-9]+ +64 +2 +(r-----|-b----) ' "$("$V" list keep)"
ok "restore: in the store under its name" test "$(xs "/local/domain/$("$V" list keep | awk 'NR==2 {print $2}')/name")" = keep
expect "restore of a name that exists: refused" 1 \
	"vmctl: restore: $T/keep.sav: a domain called 'keep' already exists" restore "$T/keep.sav"
run save -c keep "$T/keep2.sav"
ok "save -c: the domain runs on" has '^keep +[0-9]+ +64 +2 +(r-----|-b----) ' "$("$V" list keep)"
run destroy keep
run restore -p "$T/keep2.sav"
ok "restore -p: paused" has '^keep +[0-9]+ +64 +2 +--p--- ' "$("$V" list keep)"
expect "save into a directory that does not exist: refused, the domain as it was" 1 \
	"vmctl: save: $T/nodir/x.sav: No such file or directory" save keep "$T/nodir/x.sav"
ok "... still there, still paused" has '^keep +[0-9]+ +64 +2 +--p--- ' "$("$V" list keep)"
expect "save dom0: refused" 1 "vmctl: save: Domain-0: dom0 cannot be saved" save 0 "$T/d0.sav"
printf 'not a save file' > "$T/bad.sav"
expect "restore of a file that is not one: refused" 1 \
	"vmctl: restore: $T/bad.sav: '$T/bad.sav': not an Umbra save file (no UMBRASAV magic)" restore "$T/bad.sav"
expect "save without a file: usage" 1 "usage: vmctl save DOM FILE [-c]" save keep
run destroy keep

stty -g -F "$tty" > "$T/tty.before"
run create "$T/idle.cfg" name=live
type_line "$V console live 2>&1 | cat > $T/con.out; echo exit=\${PIPESTATUS[0]} > $T/con.rc"
wait_for 'hello, world' "$T/con.out"
ok "console: attached, shows the output" grep -q 'fake: live: hello, world' "$T/con.out"
ok "console: the terminal is raw while attached" bash -c "stty -a -F '$tty' | grep -q -- '-icanon'"
tmux -L "$TMUX_S" send-keys -t "$TMUX_S" C-]
ok "console: Ctrl-] detaches, status 0" wait_for '^exit=0$' "$T/con.rc"
ok "console: says it detached" grep -q 'detached from domain' "$T/con.out"
ok "console: the terminal is restored" test "$(stty -g -F "$tty")" = "$(cat "$T/tty.before")"
# A signal while attached: the terminal is restored before vmctl dies.
type_line "$V console live > /dev/null 2>&1; echo exit=\$? > $T/con2.rc"
sleep 1.5
pid=$(pgrep -t "${tty#/dev/}" -f 'vmctl-fake console live' | head -1)
ok "console: raw mode again" bash -c "stty -a -F '$tty' | grep -q -- '-icanon'"
[ -n "$pid" ] && kill -TERM "$pid"
ok "console: SIGTERM ends it (status 143)" wait_for '^exit=143$' "$T/con2.rc"
ok "console: the terminal is restored after SIGTERM" test "$(stty -g -F "$tty")" = "$(cat "$T/tty.before")"
tmux -L "$TMUX_S" kill-session -t "$TMUX_S"
run destroy live
ok "no domain left but dom0" test "$("$V" list | wc -l)" -eq 2

[ -n "${CLI_DEBUG:-}" ] && { cat "$T"/con*.out "$T"/con*.rc; tmux -L "$TMUX_S" capture-pane -p -t "$TMUX_S"; }
exit $FAILED
