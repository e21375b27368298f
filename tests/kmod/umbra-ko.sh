#!/usr/bin/env bash
# umbra.ko as built by `make kmod` (it cannot be loaded here): the module
# modinfo reads is umbra, for the kernel of the headers it was built
# against (Debian's linux-image-amd64, whatever kernel this host runs),
# GPL, reporting the ABI's interface version; Kbuild left nothing in the
# source tree.
set -u
KO=${KMOD_BUILD:-build/kmod}/umbra/umbra.ko
SRC=pvguest-patches/linux/umbra

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
check() { # NAME GOT WANT
	[ "$2" = "$3" ] && pass "$1: $2" || fail "$1: got '$2', want '$3'"
}

[ -s "$KO" ] || { fail "$KO exists (make kmod)"; exit 1; }
kdir=$(scripts/kernel-headers.sh) || { fail "Linux headers installed"; exit 1; }
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
PATH=$PATH:/usr/sbin:/sbin	# modinfo
abi=$(awk '$2 == "UMBRA_VERSION_MAJOR" { ma = $3 }
	$2 == "UMBRA_VERSION_MINOR" { mi = $3 } END { print ma "." mi }' \
	hypervisor/include/public/umbra.h)

check "name" "$(modinfo -F name "$KO")" umbra
vermagic=$(modinfo -F vermagic "$KO")
check "vermagic kernel" "${vermagic%% *}" "$release"
case $vermagic in
*" mod_unload"*) pass "vermagic: unloadable module ($vermagic)" ;;
*) fail "vermagic lacks mod_unload: $vermagic" ;;
esac
check "license" "$(modinfo -F license "$KO")" GPL
check "version" "$(modinfo -F version "$KO")" "$abi"
echo "running kernel: $(uname -r) (not the one built for)"

left=$(find "$SRC" -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
	-o -name Module.symvers -o -name modules.order)
[ -z "$left" ] && pass "no build output in $SRC" || fail "build output in $SRC: $left"
