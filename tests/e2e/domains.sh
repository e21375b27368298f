#!/usr/bin/env bash
# Domains from boot modules: bad specs and bad images are reported and
# skipped; the good domains beside them still run to completion.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

ELF=build/test/umbra.elf
HELLO=build/guests/hello.elf
trunc="$E2E_OUT/hello-truncated.elf"
head -c 3000 "$HELLO" > "$trunc"

boot bad-specs "$ELF" "exit_when_idle" \
	"$HELLO name=ok1 mem=16M; \
	 $HELLO name=badkey colour=blue; \
	 $HELLO name=bigmem mem=5G; \
	 $HELLO name=novcpu vcpus=0; \
	 $HELLO name=badpaging paging=sideways; \
	 $HELLO name=toolong mem=16M $(printf "x%.0s" $(seq 300)); \
	 build/umbra.elf name=notpvh; \
	 $trunc name=truncated; \
	 $HELLO name=ok2 mem=16M paging=shadow -- status=0"
check "bad-specs: unknown key reported" log_has "^module 1: unknown option 'colour=blue' in the domain spec$"
check "bad-specs: oversized memory refused" log_has "^module 2: mem: 5368709120 bytes is more than the limit of 1024 MiB$"
check "bad-specs: zero vCPUs refused" log_has "^module 3: vcpus: 0 is not 1 to 8$"
check "bad-specs: unknown paging mode reported" log_has "^module 4: malformed value 'sideways' in the domain spec$"
check "bad-specs: over-long spec refused" log_has "^module 5: domain spec longer than 256 bytes$"
check "bad-specs: every bad spec skipped" test "$(log_count '^module [1-5]: domain not created$|not created:')" -eq 5
check "bad-specs: image without the PVH note refused" log_has "^domain [0-9]+ \(notpvh\): image refused: .*"
check "bad-specs: truncated image refused" log_has "^domain [0-9]+ \(truncated\): image refused: .*"
check "bad-specs: first good domain ran" log_has '^\(d[0-9]+ ok1\) hello: shutting down with status 0$'
check "bad-specs: last good domain ran (shadow)" log_has '^\(d[0-9]+ ok2\) hello: shutting down with status 0$'
check "bad-specs: exactly two domains ran" test "$(log_count '^domain [0-9]+ \(ok[12]\): shutdown: poweroff$')" -eq 2
check "bad-specs: boot completed and exited cleanly" rc_is 33
scenario_end bad-specs

# The guest-visible identity matches the spec, in both paging modes.
boot identity "$ELF" "exit_when_idle" \
	"$HELLO name=nested-one mem=48M vcpus=2; $HELLO name=shadow-one mem=20M paging=shadow"
check "identity: nested domain sees its spec" \
	log_has '^\(d[0-9]+ nested-one\) hello: domain [0-9]+ "nested-one", vcpu 0 of 2, 48 MiB, paging nested$'
check "identity: shadow domain sees its spec (20M rounds up to 2 MiB extents)" \
	log_has '^\(d[0-9]+ shadow-one\) hello: domain [0-9]+ "shadow-one", vcpu 0 of 1, 20 MiB, paging shadow$'
check "identity: shadow domain's counters show shadow work" \
	log_has '^domain [0-9]+ \(shadow-one\) paging: mode=shadow .*fills=[1-9]'
check "identity: nested domain's NPT reported" log_has '^domain [0-9]+ \(nested-one\) paging: mode=nested npt_pages=[1-9]'
scenario_end identity

# Secondary vCPUs, brought up by the guest with VCPUOP_initialise/up, in
# both paging modes, more vCPUs than pCPUs.
SMP=build/guests/smp.elf
boot smp "$ELF" "exit_when_idle" "$SMP name=smp-nested vcpus=4; $SMP name=smp-shadow vcpus=3 paging=shadow"
for d in smp-nested:4 smp-shadow:3; do
	IFS=: read -r name n <<< "$d"
	check "smp: $name brought up all $n vCPUs" \
		log_has "^\(d[0-9]+ $name\) smp: $n of $n vcpus up, 0 failures$"
	check "smp: $name: each AP ran on its own vCPU" \
		test "$(log_count "^\(d[0-9]+ $name\) smp: vcpu ([0-9]) up \(started as index \1\)$")" -eq $((n - 1))
	check "smp: $name shut down normally" log_has "^domain [0-9]+ \($name\): shutdown: poweroff$"
done
check "smp: no FAIL line from the guest" log_lacks 'smp: FAIL'
check "smp: no vCPU gave up the console hypercall" log_lacks 'console_io failed'
check "smp: QEMU exited when both domains stopped" rc_is 33
scenario_end smp

# Admin input that must be refused, each with a message naming the module
# and the key, while the domains beside it run: a CPU mask with no online
# CPU (the domain would never run, nor exit_when_idle fire), a memory size
# a 32-bit extent count would cut to 2 MiB, a name with an escape
# sequence, a name already taken. No control byte from a name or a
# command line reaches the console raw.
ESC=$'\e'
boot refusals "$ELF" "exit_when_idle bogus=${ESC}[31m" \
	"$HELLO name=ok1 mem=16M; \
	 $HELLO name=offcpu cpus=0x4; \
	 $HELLO name=hugemem mem=9007199256838144B; \
	 $HELLO name=${ESC}[2Jevil; \
	 $HELLO name=ok1; \
	 $HELLO name=ok2 mem=16M paging=shadow -- status=0"
check "refusals: mask without an online CPU refused" \
	log_has '^module 1: cpus: 0x4 has no online CPU \(online: 0x3\)$'
check "refusals: 2^53 + 2 MiB refused, not cut to 2 MiB" \
	log_has '^module 2: mem: 9007199256838144 bytes is more than the limit of 1024 MiB$'
check "refusals: name with an escape sequence refused, shown escaped" \
	grep -qxF "module 3: name: '\\x1b[2Jevil' has a byte that is not printable ASCII (or a space)" "$BOOT_LOG"
check "refusals: duplicate name refused" \
	log_has "^module 4: domain 'ok1' not created: name is already taken by another domain$"
check "refusals: each refused module skipped" \
	test "$(log_count '^module [1-4]: domain not created$|^module 4: domain .* not created:')" -eq 4
check "refusals: escape sequence in the command line shown escaped" \
	grep -qxF "command line: unknown option 'bogus=\\x1b[31m', ignored" "$BOOT_LOG"
# From Umbra's first line on (GRUB draws with escape sequences before it).
console_clean() {
	! tr -d '\r' < "$BOOT_LOG" | sed -n '/^umbra .*: booting$/,$p' | LC_ALL=C grep -q '[[:cntrl:]]'
}
check "refusals: no raw control byte on the console after boot starts" console_clean
check "refusals: the good domains ran" \
	test "$(log_count '^domain [0-9]+ \(ok[12]\): shutdown: poweroff$')" -eq 2
check "refusals: no other domain was created" \
	test "$(log_count '^domain [0-9]+ \(.*\): [0-9]+ MiB, ')" -eq 2
check "refusals: exit_when_idle fired" rc_is 33
scenario_end refusals

# The management commands' lifecycle, driven by the boot CPU in dom0's
# place (test_mgmt_cycles, hypervisor/test/test_mgmt.c) while pCPU 1 runs
# the domains: 50 times create, load, start, then run to shutdown (hello),
# pause while running, check it stays off the pCPU and gets no CPU time,
# unpause and see it run, or destroy while running (compute); refusals
# change nothing; free memory comes back to the byte.
boot mgmt-cycles "$ELF" "loglvl=info test_mgmt_cycles=50" \
	"$HELLO name=seed1 mem=8M -- status=0; build/guests/compute.elf name=seed2 mem=8M -- for=10"
check "mgmt-cycles: no check failed" log_lacks '^test: mgmt: FAIL'
check "mgmt-cycles: 50 lifecycles done without an error" \
	log_has '^test: mgmt: 50 cycles, 0 errors, '
before=$(sed -nE 's/^test: mgmt: .* free before ([0-9]+) after ([0-9]+)$/\1/p' "$BOOT_LOG")
after=$(sed -nE 's/^test: mgmt: .* free before ([0-9]+) after ([0-9]+)$/\2/p' "$BOOT_LOG")
check "mgmt-cycles: free memory back to its starting value (${before:-?} -> ${after:-?})" \
	test -n "$before" -a "$before" = "$after"
check "mgmt-cycles: every cycle's domain was created and destroyed" \
	test "$(log_count '^domain [0-9]+ \(cycle\): destroyed by dom0$')" -eq 50
check "mgmt-cycles: a third ran to their own shutdown" \
	test "$(log_count '^domain [0-9]+ \(cycle\): shutdown: poweroff$')" -ge 17
check "mgmt-cycles: none crashed" log_lacks ': crashed: '
check "mgmt-cycles: the test powered QEMU off with success" rc_is 33
scenario_end mgmt-cycles
