#!/usr/bin/env bash
# scripts/check-borders.sh against the real tree and against copies of
# base/, mmu/, shared-pt/ and hypervisor/include/ given one include each:
# the bad ones must fail naming FILE:LINE, the allowed ones must pass.
set -u
CHECK=$PWD/scripts/check-borders.sh
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }

if "$CHECK" . 2>"$TMP/out"; then
	pass "the tree keeps its borders"
else
	fail "the tree breaks its borders:"; cat "$TMP/out"
fi

# $1: file to change, $2: the include line, $3: "bad" or "good".
try() {
	local file=$1 inc=$2 want=$3 tree=$TMP/tree line
	rm -rf "$tree"
	mkdir -p "$tree/hypervisor"
	cp -r base mmu shared-pt "$tree/"
	cp -r hypervisor/include "$tree/hypervisor/"
	# Insert after the first line so the reported line number is known.
	sed -i "1a $inc" "$tree/$file"
	line=2
	if "$CHECK" "$tree" 2>"$TMP/out"; then
		[ "$want" = good ] && pass "$file: $inc allowed" ||
			fail "$file: $inc not caught"
	else
		if [ "$want" = bad ] && grep -q "^$file:$line: " "$TMP/out"; then
			pass "$file: $inc caught at $file:$line"
		elif [ "$want" = bad ]; then
			fail "$file: $inc failed without naming $file:$line:"; cat "$TMP/out"
		else
			fail "$file: $inc refused:"; cat "$TMP/out"
		fi
	fi
}

try mmu/walk.c '#include "umbra/printk.h"' bad
try mmu/walk.h '#include <umbra/errno.h>' bad
try shared-pt/table.c '#  include "asm/msr.h"' bad
try shared-pt/table.c '#include "hypervisor/include/umbra/spinlock.h"' bad
try shared-pt/table.c '#include "../hypervisor/common/string.c"' bad
try base/string.c '#include "public/../umbra/string.h"' bad
try mmu/npt.c '#include "umbra/not_written_yet.h"' bad
try shared-pt/table.c '#include "public/xen.h"' good
try mmu/walk.c '#include "hypervisor/include/public/errno.h"' good
try mmu/walk.c '#include "base/string.h"' good
try shared-pt/table.c '#include "mmu/pte.h"' good
