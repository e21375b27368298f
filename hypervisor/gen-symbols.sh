#!/bin/sh
# Turn `nm -n` output (file or "-" for stdin; /dev/null for an empty table)
# into an assembly file holding the hypervisor's text symbols, sorted by
# address, for backtraces: umbra_symbols_count, umbra_symbols_addr[],
# umbra_symbols_name_off[] and the NUL-separated names in umbra_symbols_names.
set -eu
in=$1
[ "$in" = "-" ] && in=/dev/stdin
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\.L/ && $1 ~ /^ffffffff/ { print $1, $3 }' "$in" > "$tmp"
n=$(wc -l < "$tmp")
echo '	.section .ksyms, "a"'
echo '	.balign 8'
echo '	.globl umbra_symbols_count, umbra_symbols_addr, umbra_symbols_name_off, umbra_symbols_names'
echo "umbra_symbols_count: .quad $n"
echo 'umbra_symbols_addr:'
awk '{ print "	.quad 0x" $1 }' "$tmp"
echo 'umbra_symbols_name_off:'
awk 'BEGIN { off = 0 } { print "	.long " off; off += length($2) + 1 }' "$tmp"
echo 'umbra_symbols_names:'
awk '{ print "	.asciz \"" $2 "\"" }' "$tmp"
echo '	.byte 0'
