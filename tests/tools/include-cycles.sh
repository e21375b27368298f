#!/usr/bin/env bash
# Suite: no include cycles between the modules of the directories below
# (X.c and X.h are one module; see include-cycles.py). First a check
# that the checker itself still sees a cycle when there is one.
set -u
cd "$(dirname "$0")/../.."
CHECK=tests/tools/include-cycles.py
DIRS=(dom0-tools/vmstored dom0-tools/lib/libvmstore dom0-tools/lib/libvmctl dom0-tools/vmctl mmu
	shared-pt)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/include-cycles.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf '#include "b.h"\n' >"$tmp/a.c"
printf '#include "a.h"\n' >"$tmp/b.c"
: >"$tmp/a.h"
: >"$tmp/b.h"
if python3 "$CHECK" "$tmp" >/dev/null; then
	echo "FAIL: include-cycles finds a.c->b.h, b.c->a.h"
	exit 1
fi
echo "PASS: include-cycles finds a.c->b.h, b.c->a.h"
python3 "$CHECK" "${DIRS[@]}"
