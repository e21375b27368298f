#!/usr/bin/env bash
# A PV granter destroyed from dom0 (`vmctl destroy`) while another PV
# domain maps its page, typed at dom0's shell (tmux on its serial
# console). pvgranter.cfg and pvmapper.cfg (tests/guests/pvpingpong with
# hold) ping-pong over the granted page; the mapper then keeps the mapping
# and stores through it in a loop. Destroying the granter must take the
# mapping out of the mapper's page tables before the granter's memory is
# freed (docs/grant-tables.md): Umbra goes on, the mapper runs on (each
# store now faults, its handle is gone, the old machine frame cannot be
# mapped again), the granter's memory comes back, and a domain created
# next (pvvictim.cfg, told the granted frame) fills its memory with a
# pattern and finds it unchanged while the mapper keeps storing. The
# mapper on shared page tables first, then in paging=shadow; then an HVM
# (PVH) mapper of a PV granter in either mode (hround).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/tty-lib.sh

DOM0=${DOM0_OUT:-build/dom0}
TIMEOUT=${DOM0_TIMEOUT:-240}
trap tty_stop EXIT

need_dom0 usr/sbin/vmctl usr/share/umbra/guests/pvpingpong.elf \
	usr/share/umbra/guests/pvgranter.cfg usr/share/umbra/guests/pvmapper.cfg \
	usr/share/umbra/guests/pvvictim.cfg

boot_dom0 gntdestroy "$DOM0/initrd.img" 384M
at_dom0 "the guests' directory is there" 'cd /usr/share/umbra/guests && ls' 'pvgranter\.cfg'

# The guests write with console_io, which Umbra logs on COM2 as
# "(dID NAME) ...": wait for REGEX there.
com2_wait() { # REGEX SECS
	local end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		grep -qaE -- "$1" "$com2" && return 0
		sleep 1
	done
	echo "  (waited $2s for /$1/ in Umbra's log)"
	return 1
}
said() { # NAME WHAT SECS
	com2_wait "^\\(d[0-9]+ $1\\) pvpingpong: $2" "$3"
}

umbra_alive() {
	! grep -qaE -- 'umbra: PANIC' "$com2" && tty_alive
}

# The first PV domain makes what every PV domain shares, kept for good,
# and the first translated one the identity M2P (docs/pv.md): one of each
# before the first count of free memory.
at_dom0 "a first PV domain and a first translated one, created and destroyed" \
	'vmctl create pvvictim.cfg name=warm "cmdline=role=victim rounds=1" && vmctl create pvvictim.cfg name=warms paging=shadow "cmdline=role=victim rounds=1" && sleep 5 && vmctl destroy warm && vmctl destroy warms; echo rc=$?' \
	'^rc=0' 120

# One round: granter and mapper in PAGING (shared or shadow), names
# suffixed SFX.
round() { # PAGING SFX
	local p=$1 g=pvgranter$2 m=pvmapper$2 v=pvvictim$2 free0 free_g free_a free_b free_e mfn watch
	free0=$(free_mib)
	# Both in the same paging: a translated mapper may not map a shared
	# granter's frame writable (docs/pv.md).
	at_dom0 "$p: granter created" "vmctl create pvgranter.cfg name=$g paging=$p" \
		"^domain [0-9]+ \\($g\\) created" 60
	free_g=$(free_mib)
	at_dom0 "$p: mapper created (the next domain id)" \
		"vmctl create pvmapper.cfg name=$m paging=$p" "^domain [0-9]+ \\($m\\) created" 60
	check "$p: they ping-pong over the granted page, the mapper's checks pass" \
		said "$m" "0 failed" 300
	check "$p: the granter's checks pass" said "$g" "0 failed" 60
	check "$p: the mapper holds the mapping" \
		said "$m" "client: holding the mapping of machine frame 0x[0-9a-f]+" 60
	mfn=$(grep -aE "^\\(d[0-9]+ $m\\) pvpingpong: client: holding the mapping" "$com2" |
	      sed -nE 's/.*machine frame (0x[0-9a-f]+).*/\1/p' | tail -n 1)
	# Translated, the mapper only knows the granter's guest frame.
	watch=0
	[ "$p" = shared ] && watch=${mfn:-0}
	check "$p: the granter holds its grant" said "$g" "server: holding the grant until destroyed" 60
	free_a=$(free_mib)
	at_dom0 "$p: vmctl destroy the granter" "vmctl destroy $g; echo rc=\$?" '^rc=0' 60
	check "$p: Umbra took the mapping down (its log)" \
		com2_wait "^domain [0-9]+ \\($m\\): 1 grant mappings of domain [0-9]+.s frames taken down" 30
	check "$p: the mapper's next store faults" \
		said "$m" "ok: client: the mapping went with the server: a store through it faults" 120
	check "$p: its handle went with it" \
		said "$m" "ok: client: its handle went too: unmapping it is GNTST_bad_handle" 30
	at_dom0 "$p: the mapper is still running" "vmctl list $m" "^$m +[0-9]+ +16 +1 +[-r]" 20
	free_b=$(free_mib)
	# Free memory alone does not show a frame left counted by shared-pt
	# (a mapping not taken down): Umbra's log does.
	check "$p: the granter's page-table state was released (Umbra's log)" \
		eval "! grep -qaE 'domain [0-9]+ \\($g\\): (page-table state not released|[0-9]+ grant frames still mapped)' '$com2'"
	# Counted in whole MiB: either way may round by one.
	local back=$((${free_b:-0} - ${free_a:-0})) took=$((${free0:-0} - ${free_g:-0}))
	check "$p: the granter's memory came back (free ${free_a:-?} -> ${free_b:-?} MiB, it took $took)" \
		test -n "$free_b" -a "$back" -ge $((took - 1)) -a "$back" -le $((took + 1))
	at_dom0 "$p: a victim created after it" \
		"vmctl create pvvictim.cfg name=$v \"cmdline=role=victim rounds=20 watch=$watch\"" \
		"^domain [0-9]+ \\($v\\) created" 60
	if [ "$p" = shared ]; then
		# The same image, the same size, right after: the allocator
		# gives it the granter's frames, the granted one included.
		check "$p: the victim got the granted frame, and checks it" \
			said "$v" "victim: frame $mfn is my pfn 0x[0-9a-f]+ \\(checked\\)" 60
	else
		check "$p: the victim runs" said "$v" "victim: [0-9]+ pages filled" 60
	fi
	check "$p: the victim's memory is unchanged while the mapper stores" \
		said "$v" "victim: 20 rounds over [0-9]+ pages, 0 words changed" 300
	check "$p: the victim's checks passed" said "$v" "0 failed" 30
	check "$p: the mapper stored on all along, every store faulted, none reached a frame" \
		said "$m" "client: ([0-9]+) stores after the server went: \\1 faulted, 0 reached a frame, 0 remaps of its frame accepted" 60
	check "$p: the mapper never failed a check" \
		eval "! grep -qaE '^\\(d[0-9]+ $m\\) pvpingpong: FAIL' '$com2'"
	at_dom0 "$p: the mapper is still running at the end" "vmctl list $m" "^$m +[0-9]+ +16 +1 +[-r]" 20
	at_dom0 "$p: destroy the mapper and the victim" \
		"vmctl destroy $m && vmctl destroy $v; echo rc=\$?" '^rc=0' 60
	check "$p: Umbra is alive" umbra_alive
	free_e=$(free_mib)
	check "$p: free memory back to its start ($free0 MiB, now ${free_e:-?})" test "${free_e:-x}" = "$free0"
}

# The same with an HVM (PVH) mapper, the grant guest's role=pvmapper
# (hvmpvmapper.cfg): the PV granter (rounds=0: no pings) on shared page
# tables, which an HVM mapper may map read-only only, then translated,
# mapped writable and stored to (by a mapper on nested paging, then on
# shadow paging). The granter's destruction takes the
# mapping out of the mapper's nested tables before its memory goes: its
# reads are all-ones, its handle is gone, it runs on storing and reading
# there, and a victim created next finds its memory unchanged.
gsaid() { # NAME WHAT SECS
	com2_wait "^\\(d[0-9]+ $1\\) grant: $2" "$3"
}
hround() { # PAGING SFX MAPPER_PAGING
	local p=$1 g=pvgranter$2 m=hvmpvmapper$2 v=pvvictim$2 mp=$3 free0 free_g free_a free_b free_e
	local w="hvm mapper ($mp), $p granter"
	free0=$(free_mib)
	at_dom0 "$w: granter created" \
		"vmctl create pvgranter.cfg name=$g paging=$p \"cmdline=role=server peer=next rounds=0 hold\"" \
		"^domain [0-9]+ \\($g\\) created" 60
	check "$w: the granter holds its grant" said "$g" "server: holding the grant until destroyed" 60
	free_g=$(free_mib)
	at_dom0 "$w: the HVM mapper created (the next domain id)" \
		"vmctl create hvmpvmapper.cfg name=$m paging=$mp \"cmdline=role=pvmapper peer=prev granter=$p\"" \
		"^domain [0-9]+ \\($m\\) created" 60
	if [ "$p" = shared ]; then
		check "$w: a writable map of the granter's page refused, read-only it maps" \
			eval "gsaid '$m' 'ok: pvmapper: a writable map of a shared-page-table PV granter.s page is refused' 60 &&
			      gsaid '$m' 'ok: pvmapper: read-only it maps' 10"
	else
		check "$w: the granter's page mapped writable, a store through it reads back" \
			eval "gsaid '$m' 'ok: pvmapper: a translated PV granter.s page mapped writable' 60 &&
			      gsaid '$m' 'ok: pvmapper: a store through it reads back' 10"
	fi
	check "$w: the mapping shows the granter's bytes" \
		gsaid "$m" "ok: pvmapper: the mapping shows the granter's bytes" 30
	check "$w: the mapper holds the mapping" gsaid "$m" "pvmapper: holding the mapping" 30
	free_a=$(free_mib)
	at_dom0 "$w: vmctl destroy the granter" "vmctl destroy $g; echo rc=\$?" '^rc=0' 60
	check "$w: Umbra took the mapping down (its log)" \
		com2_wait "^domain [0-9]+ \\($m\\): 1 grant mappings of domain [0-9]+.s frames taken down" 30
	check "$w: the mapper's reads there are all-ones" \
		gsaid "$m" "ok: pvmapper: the mapping went with the granter: reads are all-ones" 120
	check "$w: its handle went with it" gsaid "$m" "ok: pvmapper: its handle went too: GNTST_bad_handle" 30
	check "$w: the mapper's checks all passed" gsaid "$m" "pvmapper: [1-9][0-9]* passed, 0 failed" 30
	at_dom0 "$w: the mapper is still running" "vmctl list $m" "^$m +[0-9]+ +16 +1 +[-r]" 20
	free_b=$(free_mib)
	check "$w: the granter's page-table state was released (Umbra's log)" \
		eval "! grep -qaE 'domain [0-9]+ \\($g\\): (page-table state not released|[0-9]+ grant frames still mapped)' '$com2'"
	local back=$((${free_b:-0} - ${free_a:-0})) took=$((${free0:-0} - ${free_g:-0}))
	check "$w: the granter's memory came back (free ${free_a:-?} -> ${free_b:-?} MiB, it took $took)" \
		test -n "$free_b" -a "$back" -ge $((took - 1)) -a "$back" -le $((took + 1))
	at_dom0 "$w: a victim created after it" \
		"vmctl create pvvictim.cfg name=$v \"cmdline=role=victim rounds=20 watch=0\"" \
		"^domain [0-9]+ \\($v\\) created" 60
	check "$w: the victim's memory is unchanged while the mapper accesses the old place" \
		said "$v" "victim: 20 rounds over [0-9]+ pages, 0 words changed" 300
	check "$w: the victim's checks passed" said "$v" "0 failed" 30
	check "$w: the mapper accessed on all along, nothing reached a frame" \
		eval "gsaid '$m' 'pvmapper: [0-9]+ stores and reads after the granter went, 0 reached a frame' 60 &&
		      ! grep -qaE '^\\(d[0-9]+ $m\\) grant: pvmapper: [0-9]+ stores and reads after the granter went, [1-9]' '$com2'"
	at_dom0 "$w: the mapper is still running at the end" "vmctl list $m" "^$m +[0-9]+ +16 +1 +[-r]" 20
	at_dom0 "$w: destroy the mapper and the victim" \
		"vmctl destroy $m && vmctl destroy $v; echo rc=\$?" '^rc=0' 60
	check "$w: Umbra is alive" umbra_alive
	free_e=$(free_mib)
	check "$w: free memory back to its start ($free0 MiB, now ${free_e:-?})" test "${free_e:-x}" = "$free0"
}

round shared ""
round shadow s
hround shared h nested
hround shadow hs nested
hround shadow hss shadow

at_dom0 "only dom0 is left" 'vmctl list | wc -l' '^2$' 20
tty_type 'poweroff'
check "dom0 powers off" tty_wait 'reboot: Power down' 120
if [ "$SCENARIO_FAILED" -ne 0 ]; then
	echo "---- terminal of dom0 ----"
	tty_text | grep -v "TCG doesn't support" | tail -n 120
	echo "---- COM2 (Umbra) ----"
	tail -n 60 "$com2"
fi
