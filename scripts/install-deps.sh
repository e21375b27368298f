#!/usr/bin/env bash
# Install every Debian package Umbra's build, tests and benchmarks need.
# Idempotent: installs only what is missing, so `make run` / `make check`
# can call it on every invocation at almost no cost.
#
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --check  exit 1 (and list them) if any are missing
set -eu

PACKAGES=(
	# build
	make gcc binutils clang libclang-rt-14-dev pkg-config
	# boot image and emulator
	grub-pc-bin grub-common xorriso mtools qemu-system-x86
	# host libraries
	libcmocka-dev libncurses-dev zlib1g-dev
	# xz and zstd kernels (Debian's bzImage payload is xz) for libvmctl
	liblzma-dev libzstd-dev
	# reference x86 decoder for the instruction decoder's differential test
	libzydis-dev
	# store conformance: Debian's real XenStore clients and daemon
	xenstore-utils libxenstore4 libxen-dev xen-utils-4.17
	# out-of-tree Linux modules (pvguest-patches/linux/) and modinfo
	linux-headers-amd64 kmod
	# manual pages (vmctl.1, vmctl.cfg.5)
	scdoc
	# test-harness utilities
	python3 binutils-x86-64-linux-gnu tmux
	# dom0's initramfs (the kernel is downloaded with apt-get, not installed)
	busybox-static cpio file
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing packages: ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=sudo
else
	echo "install-deps: not root and no password-less sudo; run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# xen-utils pulls in xen-hypervisor; keep its GRUB hooks from touching the
# host's boot configuration in CI containers.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
