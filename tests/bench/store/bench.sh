#!/usr/bin/env bash
# make bench-store: vmstored through libvmstore against Xen's C xenstored
# through libxenstore, interleaved in one run (fresh daemons each round),
# medians of STORE_BENCH_RUNS rounds, printed as "key: value" lines.
#
# The reference daemon and its libxenstore client (xsbench) come from the
# kit in ../shared/anchors/xenstored (override with UMBRA_SHARED); they are
# used from there, not copied. Ratios: *_vs_xenstored is ours / theirs,
# so above 1 is better for throughput and below 1 is better for latency.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=${VMSTORE_BUILD:-$ROOT/build}
SHARED=${UMBRA_SHARED:-$ROOT/../shared}
A=$SHARED/anchors/xenstored
RUNS=${STORE_BENCH_RUNS:-3}
VMSTORED=$B/dom0-tools/vmstored
VMSBENCH=$B/tests/bench/store/vmsbench
export XS_BUILD=$B/bench/store-anchor
OUT=$B/bench/store-results
T=$(mktemp -d "${TMPDIR:-/tmp}/vmstore-bench.XXXXXX")
VPID=

cleanup() {
	[ -n "$VPID" ] && kill "$VPID" 2>/dev/null
	for d in "$T"/xs-*; do
		[ -d "$d" ] && "$A/run-xenstored.sh" stop "$d" >/dev/null 2>&1
	done
	rm -rf "$T"
}
trap cleanup EXIT

if [ ! -x "$A/run-xenstored.sh" ]; then
	echo "bench-store: reference kit not found at $A (set UMBRA_SHARED)" >&2
	exit 1
fi
"$A/build.sh" >/dev/null
rm -rf "$OUT"
mkdir -p "$OUT"

start_vmstored() {
	"$VMSTORED" -F -s "$T/vm.sock" -l warn -L "$T/vm.log" &
	VPID=$!
	for _ in $(seq 100); do
		[ -S "$T/vm.sock" ] && return 0
		sleep 0.05
	done
	echo "bench-store: vmstored did not start" >&2
	exit 1
}

stop_vmstored() {
	kill "$VPID"
	wait "$VPID" || true
	VPID=
}

for r in $(seq "$RUNS"); do
	d=$T/xs-$r
	"$A/run-xenstored.sh" start c "$d" >/dev/null
	XENSTORED_PATH=$d/run/socket timeout 300 "$XS_BUILD/xsbench" \
		>"$OUT/xenstored.$r" 2>&1
	"$A/run-xenstored.sh" stop "$d"

	start_vmstored
	XENSTORED_PATH=$T/vm.sock timeout 300 "$VMSBENCH" >"$OUT/vmstored.$r" 2>&1
	stop_vmstored
	# The same daemon through Xen's client library: the daemon alone.
	start_vmstored
	XENSTORED_PATH=$T/vm.sock timeout 300 "$XS_BUILD/xsbench" \
		>"$OUT/vmstored-libxenstore.$r" 2>&1
	stop_vmstored
done

# The store at 100,000 nodes, once: the same client (libvmstore) on both
# daemons, so this compares the daemons alone.
d=$T/xs-scale
"$A/run-xenstored.sh" start c "$d" >/dev/null
XENSTORED_PATH=$d/run/socket timeout 300 "$VMSBENCH" scale \
	>"$OUT/xenstored-scale.1" 2>&1
"$A/run-xenstored.sh" stop "$d"
start_vmstored
XENSTORED_PATH=$T/vm.sock timeout 300 "$VMSBENCH" scale >"$OUT/vmstored-scale.1" 2>&1
stop_vmstored

# median NAME FIELD FILES...: median over runs of a RESULT line's value;
# FIELD is "ops" (ops/s) or the word after which the number follows.
median() {
	local name=$1 field=$2
	shift 2
	cat "$@" | awk -v n="$name" -v f="$field" '
	$1 == "RESULT" && $2 == n {
		if (f == "ops") { v[k++] = $5; next }
		for (i = 1; i < NF; i++) if ($i == f) v[k++] = $(i + 1)
	}
	END {
		if (!k) { print "NaN"; exit }
		for (i = 0; i < k; i++) for (j = i + 1; j < k; j++)
			if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
		print v[int((k - 1) / 2)]
	}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b > 0) ? a / b : 0 }'; }

report() {
	local key=$1 name=$2 field=$3 unit=$4 ours theirs daemon
	ours=$(median "$name" "$field" "$OUT"/vmstored.*)
	theirs=$(median "$name" "$field" "$OUT"/xenstored.*)
	daemon=$(median "$name" "$field" "$OUT"/vmstored-libxenstore.*)
	echo "${key}_${unit}: $ours"
	echo "${key}_xenstored_${unit}: $theirs"
	echo "${key}_vs_xenstored: $(ratio "$ours" "$theirs")"
	echo "${key}_libxenstore_on_vmstored_vs_xenstored: $(ratio "$daemon" "$theirs")"
}

echo "store_bench_rounds: $RUNS"
report writes write ops ops_per_sec
report overwrites overwrite ops ops_per_sec
report reads read ops ops_per_sec
report listings dir1000 ops per_sec
report listings400 dir400 ops per_sec
report tx tx ops per_sec
report watch_latency watch p50 p50_us
report watch_latency_p99 watch p99 us
for w in create100k:nodes_100k_create read100k:reads_at_100k_nodes; do
	ours=$(median "${w%%:*}" ops "$OUT"/vmstored-scale.*)
	theirs=$(median "${w%%:*}" ops "$OUT"/xenstored-scale.*)
	echo "${w#*:}_per_sec: $ours"
	echo "${w#*:}_xenstored_per_sec: $theirs"
	echo "${w#*:}_vs_xenstored: $(ratio "$ours" "$theirs")"
done
if grep -h FAILED "$OUT"/*.* >/dev/null 2>&1; then
	echo "bench_failures: $(grep -h FAILED "$OUT"/*.* | sort -u | tr '\n' ';')"
fi
echo "raw_results: $OUT"
