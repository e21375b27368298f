#!/usr/bin/env bash
# Grant tables between HVM domains, in nested and shadow paging: a
# granter (d1) grants a writable and a read-only page to a mapper (d2),
# which maps both above its RAM, checks the contents, writes through the
# mapping, copies in and out with GNTTABOP_copy, gets #GP writing the
# read-only mapping and unmaps; the granter checks what arrived and
# revokes. An attacker (d3) tries every bad argument, the granter's
# grants, and exhausts its maptrack and grant frames, getting Xen's
# codes, while a neighbour (d4) runs to the end, and a domain's two
# vCPUs (d5) map and unmap at once. A mixed pair (granter
# nested, mapper shadow) runs in the second boot.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/hvm-lib.sh

E2E_TIMEOUT=120

check_role() { # MODE NAME ROLE
	check "$1: $2 ($3): every check passed" \
		guest_said_re "$2" "^grant: $3: [1-9][0-9]* passed, 0 failed$"
	check "$1: $2 ($3): no FAILED line" guest_silent_re "$2" '^grant: FAILED'
	check "$1: $2 stopped: poweroff" stopped_with "$2" poweroff
	check "$1: $2 within its pool" within_pool "$2"
}

grant_scenario() { # MODE-OF-GRANTER MODE-OF-OTHERS
	local g=$1 o=$2 s=grant-$1-$2 m=""
	m+=$(module gr grant "$g" 16M role=granter peer=2)
	m+=$(module mp grant "$o" 16M role=mapper peer=1)
	m+=$(module at grant "$o" 16M role=attacker peer=1)
	m+=$(module ok hello "$o" 16M)
	m+="$HVM_GUESTS/grant.elf name=st mem=16M paging=$o vcpus=2 -- role=stress; "
	boot "$s" "$HVM_ELF" "$HVM_CMDLINE" "$m"
	check "$g/$o: every domain stopped, the hypervisor too" rc_is 33
	check_role "$g/$o" gr granter
	check_role "$g/$o" mp mapper
	check_role "$g/$o" at attacker
	check_role "$g/$o" st stress
	check "$g/$o: the mapper's write to the read-only mapping was refused" \
		log_has "^domain [0-9]+ \(mp\): write to a read-only grant mapping at 0xc0001000: #GP"
	check_hello ok "$o" 0 poweroff
	scenario_end "$s"
}

check_hello() { # NAME MODE STATUS REASON
	check "$2: $1 greets" guest_said "$1" "hello: hello, world"
	check "$2: $1 stopped: $4" stopped_with "$1" "$4"
}

# GRANT_PAIRS="nested/shadow" picks boots (granter's mode/the others').
for pair in ${GRANT_PAIRS:-nested/nested shadow/shadow nested/shadow}; do
	grant_scenario "${pair%/*}" "${pair#*/}"
done
