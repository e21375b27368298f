#!/usr/bin/env bash
# vmctl save / restore in dom0 under Umbra, typed at dom0's shell (a tmux
# terminal on QEMU's serial console). The counter guest prints "count N"
# every 200 ms; Umbra's log (vmctl dmesg) keeps each line with its
# domain id, so the sequence across a save can be read back whole:
#   * save and restore in both paging modes: the restored domain goes on
#     with the next number (no gap, no repeat), its memory intact, and
#     its grant table (a frame above its RAM that Umbra backs, one in its
#     RAM, entries in both) works after the restore: the guest checks its
#     entries, GNTTABOP_query_size and copies through two of its grants;
#   * a domain whose grant another domain maps, and the domain mapping
#     it: each save refused with the reason, both run on;
#   * save -c: the domain keeps running, its sequence unbroken;
#   * the save file, taken out of dom0 (base64 on the terminal) and put
#     into a second boot's initramfs, restores on a freshly booted Umbra
#     and goes on from the number it was saved at;
#   * truncated, corrupted, wrong-version and wrong-architecture files:
#     each refused with its message, and no domain created;
#   * the commands themselves from dom0 (tests/dom0/saveprobe.c): -EBUSY
#     for a running domain, bad vCPU states refused with nothing changed,
#     and the guest counts on unharmed.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

need_dom0 usr/sbin/vmctl usr/share/umbra/guests/counter.cfg \
	usr/share/umbra/guests/counter.elf

# Boot Umbra and dom0 with INITRD; loglvl=warning keeps the guests'
# lines off the terminal (they are in the log ring, for vmctl dmesg).
boot_umbra() { # NAME INITRD
	local iso=$E2E_OUT/$1.iso
	scripts/mkiso.sh "$iso" build/test/umbra.elf "console=com1 loglvl=warning dom0_mem=384M" \
		"$DOM0/vmlinuz console=ttyS0 quiet panic=-1; $2" ||
		{ echo "FAIL: $1: ISO builds"; exit 1; }
	tty_start "$1" qemu-system-x86_64 -M q35 -cpu "$QEMU_CPU_DEFAULT" -smp 2 -m 2G \
		-display none -no-reboot -nic none -serial stdio \
		-monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$iso"
	check "$1: dom0 reaches umbra-dom0: ready" tty_wait '^umbra-dom0: ready' "$TIMEOUT"
	at_dom0 "$1: the guests' directory is there" 'cd /usr/share/umbra/guests && ls' 'counter\.cfg'
}

power_off() { # NAME
	poweroff_dom0 "$1"
	tty_stop
}

# The log since the last `vmctl dmesg -c`, as lines the checks read:
# "D=<domid> N=<count>" per count line, "SAVE" where a save read the
# domain's state, "CORRUPT" for a page that lost its pattern or a grant
# check that failed, "G=<count>" where the grant table was found intact,
# "GSETUP" where the guest set its grant table up.
LOGNR=0
read_log() { # -> file with those lines
	local out=$E2E_OUT/saverestore-log.$((LOGNR += 1))
	tty_mark
	tty_type "echo ==log; vmctl dmesg | sed -n -e 's/.*(d\([0-9]*\) counter) count \([0-9]*\)\$/D=\1 N=\2/p' -e 's/.*(counter): state read by dom0 (save).*/SAVE/p' -e 's/.*MEMORY CORRUPT.*/CORRUPT/p' -e 's/.*GRANTS BROKEN.*/CORRUPT/p' -e 's/.* counter) counter: grants intact at count \([0-9]*\)\$/G=\1/p' -e 's/.* counter) counter: grant table: frame 0 at.*/GSETUP/p'; echo ==end"
	tty_wait_new '^==end$' 60 >/dev/null
	since_mark | sed -n '/^==log$/,/^==end$/p' | grep -E '^(D=[0-9]+ N=[0-9]+|SAVE|CORRUPT|G=[0-9]+|GSETUP)$' > "$out"
	echo "$out"
}

# The counts in the log run 1, 2, 3, ... without a gap or a repeat.
consecutive() { # FILE
	grep -q . "$1" && ! grep -q CORRUPT "$1" &&
		grep -o 'N=[0-9]*' "$1" | cut -d= -f2 | awk 'NR != $1 { exit 1 }'
}
# How many domains printed counts (a restored domain may reuse the id).
domids() { # FILE
	grep -o '^D=[0-9]*' "$1" | sort -u | wc -l
}
# Counts before the save, and after it.
before_save() { sed '/^SAVE$/q' "$1" | grep -c N=; }
after_save() { sed -n '/^SAVE$/,$p' "$1" | grep -c N=; }
# The grant table was set up before the save, and found intact after
# the restore at a count past the saved one.
grants_after_save() { # FILE
	local k
	k=$(count_at_save "$1")
	sed '/^SAVE$/q' "$1" | grep -q '^GSETUP$' && ! grep -q CORRUPT "$1" &&
		sed -n '/^SAVE$/,$p' "$1" | grep -o '^G=[0-9]*' | cut -d= -f2 |
		awk -v k="${k:-0}" '$1 > k { ok = 1 } END { exit !ok }'
}
# The last count before the save.
count_at_save() { # FILE
	sed '/^SAVE$/q' "$1" | grep -o 'N=[0-9]*' | tail -n 1 | cut -d= -f2
}

# ---- save and restore, in each paging mode ---------------------------------------
round_trip() { # MODE
	local m=$1 log
	at_dom0 "$m: log cleared" 'vmctl dmesg -c >/dev/null; echo cleared' '^cleared$' 20
	at_dom0 "$m: create counter" "vmctl create counter.cfg paging=$m" \
		'^domain [0-9]+ \(counter\) created$' 60
	at_dom0 "$m: it counts" 'sleep 3; vmctl dmesg | grep -c "counter) count"' '^([4-9]|[1-9][0-9]+)$' 30
	at_dom0 "$m: save counter (pauses, writes, destroys)" "vmctl save counter /tmp/$m.sav; echo rc=\$?" \
		"^saved counter \([0-9]+\) to /tmp/$m.sav: 8.0 MiB of memory" 120
	check "$m: save exits 0" tty_wait_new '^rc=0$' 30
	at_dom0 "$m: the saved domain is gone" 'vmctl list counter' \
		"^vmctl: list: counter: no domain called 'counter'$" 20
	at_dom0 "$m: restore" "vmctl restore /tmp/$m.sav" \
		"^domain [0-9]+ \(counter\) restored from /tmp/$m.sav: 8.0 MiB" 120
	at_dom0 "$m: the restored domain runs" "sleep 3; vmctl list -l counter" \
		"^counter +[0-9]+ +8 +1 +(r-----|-b----) .*	$m	" 30
	log=$(read_log)
	check "$m: the save is in the log once" test "$(grep -c '^SAVE$' "$log")" = 1
	check "$m: counts before the save ($(before_save "$log")) and after the restore ($(after_save "$log"))" \
		test "$(before_save "$log")" -ge 4 -a "$(after_save "$log")" -ge 5
	check "$m: the sequence has no gap and no repeat, memory intact ($(grep -c N= "$log") counts)" \
		consecutive "$log"
	check "$m: the grant table is intact and works after the restore ($(grep -c '^G=' "$log") checks logged)" \
		grants_after_save "$log"
	at_dom0 "$m: destroy the restored domain" 'vmctl destroy counter; echo rc=$?' '^rc=0$' 60
}

# Patch byte OFFSET of FILE with the octal byte VALUE (dom0's busybox).
patch_cmd() { # FILE OUT OFFSET OCTAL
	echo "cp $1 $2 && printf '\\$4' | dd of=$2 bs=1 seek=$3 conv=notrunc 2>/dev/null"
}

refused() { # NAME CMD REGEX
	at_dom0 "$1: refused" "$2; echo rc=\$?" "$3" 30
	check "$1: exit status 1" tty_wait_new '^rc=1$' 20
	at_dom0 "$1: nothing created" 'vmctl list | grep -c counter' '^0$' 20
}

# ---- first boot ----------------------------------------------------------------------
boot_umbra saverestore "$DOM0/initrd.img"
round_trip nested
round_trip shadow

# The commands' refusals, against a running counter.
at_dom0 "probe: log cleared" 'vmctl dmesg -c >/dev/null; echo cleared' '^cleared$' 20
at_dom0 "probe: create counter" 'vmctl create counter.cfg' '^domain [0-9]+ \(counter\) created$' 60
at_dom0 "probe: saveprobe passes every case" \
	'sleep 2; /usr/libexec/umbra-tests/saveprobe $(vmctl list counter | sed -n "s/^counter *\([0-9]*\) .*/\1/p")' \
	'^saveprobe: done, 0 failed$' 60
check "probe: no case failed" bash -c "$(declare -f since_mark tty_text); TTY_LOG='$TTY_LOG' TTY_MARK=$TTY_MARK since_mark | grep -q '^saveprobe: FAIL' && exit 1 || exit 0"
at_dom0 "probe: the guest runs on" 'sleep 3; vmctl list counter' '^counter +[0-9]+ +8 +1 +(r-----|-b----) ' 30
LOG_P=$(read_log)
check "probe: its sequence unbroken, memory intact ($(grep -c N= "$LOG_P") counts)" consecutive "$LOG_P"
at_dom0 "probe: destroy it" 'vmctl destroy counter; echo rc=$?' '^rc=0$' 60

# Grants mapped between domains cannot be carried by a file: the granter
# (its grant mapped by the mapper) and the mapper (holding the mapping)
# are each refused with the reason, no file left, and both run on.
at_dom0 "mapped: granter created" 'vmctl create granter.cfg' '^domain [0-9]+ \(granter\) created$' 60
at_dom0 "mapped: mapper created" 'vmctl create mapper.cfg' '^domain [0-9]+ \(mapper\) created$' 60
at_dom0 "mapped: the mapper holds the granter's page" \
	'for i in $(seq 60); do vmctl dmesg | grep -q "grant: holding the mapping" && break; sleep 1; done; vmctl dmesg | grep -c "grant: holding the mapping"' '^1$' 90
at_dom0 "mapped: save of the granter refused" 'vmctl save granter /tmp/g.sav; echo rc=$?' \
	"^vmctl: save: granter: domain [0-9]+ has 1 grant reference mapped by another domain: not saved until they are unmapped$" 60
check "mapped: granter: exit status 1" tty_wait_new '^rc=1$' 20
at_dom0 "mapped: save of the mapper refused" 'vmctl save mapper /tmp/g.sav; echo rc=$?' \
	"^vmctl: save: mapper: domain [0-9]+ has 1 grant mapping of another domain's pages: not saved until it unmaps them$" 60
check "mapped: mapper: exit status 1" tty_wait_new '^rc=1$' 20
at_dom0 "mapped: no file left, both run on" \
	'ls /tmp/g.sav 2>&1; vmctl list granter mapper | grep -cE " (r-----|-b----) "' '^2$' 30
at_dom0 "mapped: destroy both" 'vmctl destroy granter; vmctl destroy mapper; echo rc=$?' '^rc=0$' 60

# save -c: a checkpoint; the domain runs on, its sequence unbroken.
at_dom0 "-c: log cleared" 'vmctl dmesg -c >/dev/null; echo cleared' '^cleared$' 20
at_dom0 "-c: create counter" 'vmctl create counter.cfg' '^domain [0-9]+ \(counter\) created$' 60
at_dom0 "-c: save -c" 'sleep 3; vmctl save -c counter /tmp/c.sav; echo rc=$?' \
	'^saved counter \([0-9]+\) to /tmp/c.sav' 120
check "-c: save exits 0" tty_wait_new '^rc=0$' 30
at_dom0 "-c: the domain still runs" 'sleep 2; vmctl list counter' \
	'^counter +[0-9]+ +8 +1 +(r-----|-b----) ' 30
LOG_C=$(read_log)
check "-c: one domain, counting on past the save" test "$(domids "$LOG_C")" = 1 -a \
	"$(after_save "$LOG_C")" -ge 5
check "-c: no gap and no repeat" consecutive "$LOG_C"
K=$(count_at_save "$LOG_C")
check "-c: the count at the save is known (${K:-none})" test -n "$K"
at_dom0 "-c: destroy it" 'vmctl destroy counter; echo rc=$?' '^rc=0$' 60

# Bad files, each refused before anything is created.
refused "empty file" ': > /tmp/e.sav; vmctl restore /tmp/e.sav' \
	"^vmctl: restore: /tmp/e.sav: save file '/tmp/e.sav': empty"
refused "truncated" 'head -c 20000 /tmp/c.sav > /tmp/t.sav; vmctl restore /tmp/t.sav' \
	"^vmctl: restore: /tmp/t.sav: '/tmp/t.sav': truncated: 20000 bytes, the header says [0-9]+$"
refused "a byte flipped" "$(patch_cmd /tmp/c.sav /tmp/f.sav 5000 377); vmctl restore /tmp/f.sav" \
	"^vmctl: restore: /tmp/f.sav: '/tmp/f.sav': corrupted: checksum [0-9a-f]{8}, the header says [0-9a-f]{8}$"
refused "wrong format version" "$(patch_cmd /tmp/c.sav /tmp/v.sav 8 003); vmctl restore /tmp/v.sav" \
	"^vmctl: restore: /tmp/v.sav: '/tmp/v.sav': save format version 3, this vmctl reads version 2$"
refused "format version 1 (before grant tables)" "$(patch_cmd /tmp/c.sav /tmp/v1.sav 8 001); vmctl restore /tmp/v1.sav" \
	"^vmctl: restore: /tmp/v1.sav: '/tmp/v1.sav': save format version 1, this vmctl reads version 2$"
refused "wrong architecture" "$(patch_cmd /tmp/c.sav /tmp/a.sav 16 267); vmctl restore /tmp/a.sav" \
	"^vmctl: restore: /tmp/a.sav: '/tmp/a.sav': saved on architecture 183 \(aarch64\), this is x86_64$"
refused "not a save file" 'vmctl restore counter.elf' \
	"^vmctl: restore: counter.elf: 'counter.elf': not an Umbra save file"

# The checkpoint leaves dom0 on the terminal, for the next boot.
SAV=$E2E_OUT/saverestore-c.sav
tty_mark
tty_type 'sha256sum /tmp/c.sav; echo ==b64; base64 /tmp/c.sav; echo ==end'
check "the save file is printed" tty_wait_new '^==end$' 300
since_mark | sed -n '/^==b64$/,/^==end$/p' | sed '1d;$d' | tr -d ' ' | base64 -d > "$SAV" 2>/dev/null
SUM=$(since_mark | sed -n 's|^\([0-9a-f]\{64\}\)  /tmp/c.sav$|\1|p' | head -n 1)
check "it arrived whole (sha256 ${SUM:0:12}...)" \
	bash -c "[ -n '$SUM' ] && echo '$SUM  $SAV' | sha256sum -c --quiet"
power_off saverestore

# ---- a fresh boot: the file in a second initramfs ----------------------------------------
stage=$(mktemp -d)
mkdir -p "$stage/saves"
cp "$SAV" "$stage/saves/c.sav"
(cd "$stage" && find saves | cpio -o -H newc --quiet | gzip -9) > "$E2E_OUT/saverestore-saves.cpio.gz"
cat "$DOM0/initrd.img" "$E2E_OUT/saverestore-saves.cpio.gz" > "$E2E_OUT/saverestore-initrd2.img"
rm -rf "$stage"
boot_umbra saverestore-fresh "$E2E_OUT/saverestore-initrd2.img"
at_dom0 "fresh: the save file is there" 'ls -l /saves/c.sav' 'c\.sav$' 20
at_dom0 "fresh: log cleared" 'vmctl dmesg -c >/dev/null; echo cleared' '^cleared$' 20
at_dom0 "fresh: restore on a freshly booted Umbra" 'vmctl restore /saves/c.sav' \
	'^domain [0-9]+ \(counter\) restored from /saves/c.sav' 120
at_dom0 "fresh: it runs" 'sleep 3; vmctl list counter' '^counter +[0-9]+ +8 +1 +(r-----|-b----) ' 30
LOG_F=$(read_log)
FIRST=$(grep -o 'N=[0-9]*' "$LOG_F" | head -n 1 | cut -d= -f2)
check "fresh: it goes on from the saved count (saved at ${K:-?}, first ${FIRST:-none})" \
	test -n "$K" -a "${FIRST:-x}" = "$((${K:-0} + 1))"
check "fresh: the grant table intact and working after the restore" \
	bash -c "grep -o '^G=[0-9]*' '$LOG_F' | cut -d= -f2 | awk -v k=${K:-0} '\$1 > k { ok = 1 } END { exit !ok }'"
check "fresh: no gap, no repeat, memory intact" \
	bash -c "! grep -q CORRUPT '$LOG_F' && grep -o 'N=[0-9]*' '$LOG_F' | cut -d= -f2 | awk -v k=${K:-0} 'NR + k != \$1 { exit 1 }'"
at_dom0 "fresh: destroy it" 'vmctl destroy counter; echo rc=$?' '^rc=0$' 60
power_off saverestore-fresh
exit "$SCENARIO_FAILED"
