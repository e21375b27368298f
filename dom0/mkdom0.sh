#!/usr/bin/env bash
# Build dom0's kernel and initramfs into OUT (default build/dom0):
#   OUT/vmlinuz      Debian's linux-image-amd64 kernel, taken from the
#                    package (downloaded and unpacked here, never installed:
#                    the host's /boot is not touched)
#   OUT/initrd.img   busybox-static, dom0's /init, the dom0 tools with
#                    the shared libraries they need and dom0's kernel
#                    modules (umbra.ko, and the kernel's own msr.ko for
#                    /dev/cpu/N/msr), as a gzip'd newc cpio
#
#   dom0/mkdom0.sh OUT FILE... [--tests TEST...] [--guests GUEST...]
#     FILE: a built program to put in /usr/sbin, or a kernel module
#           (NAME.ko) for /lib/modules/, which /init loads
#     TEST: a static test program for the e2e suites, in /usr/libexec/umbra-tests
#     GUEST: a guest image or config file (vmctl.cfg(5)) for vmctl to
#           start, in /usr/share/umbra/guests/
set -euo pipefail

OUT=${1:-build/dom0}
shift || true
TOOLS=()
TESTS=()
GUESTS=()
list=TOOLS
for arg in "$@"; do
	case $arg in
	--tests) list=TESTS ;;
	--guests) list=GUESTS ;;
	*) eval "$list+=(\"\$arg\")" ;;
	esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

die() { echo "mkdom0: $*" >&2; exit 1; }

# The kernel package linux-image-amd64 depends on, e.g. linux-image-6.1.0-57-amd64.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1
}

fetch_kernel() {
	local pkg deb dl
	pkg=$(kernel_package)
	if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		pkg=$(kernel_package)
	fi
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (is apt's package list there? apt-get update)"
	if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/msr.ko" ] &&
		[ "$(cat "$OUT/kernel-package" 2>/dev/null)" = "$pkg" ]; then
		return
	fi
	dl=$(mktemp -d)
	trap 'rm -rf "$dl"' RETURN
	# apt's sandbox user cannot write a root-owned mktemp directory.
	chmod 0777 "$dl"
	(cd "$dl" && apt-get download -q "$pkg" >/dev/null) || die "apt-get download $pkg failed"
	deb=$(ls "$dl"/*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl" --wildcards './boot/vmlinuz-*' \
		'./lib/modules/*/kernel/arch/x86/kernel/msr.ko*'
	cp "$dl"/boot/vmlinuz-* "$OUT/vmlinuz"
	# /dev/cpu/N/msr, for dom0.sh's msr_probe (x2APIC refused).
	cp "$dl"/lib/modules/*/kernel/arch/x86/kernel/msr.ko* "$OUT/msr.ko.tmp"
	case $(file -b "$OUT/msr.ko.tmp") in
	XZ*) mv "$OUT/msr.ko.tmp" "$OUT/msr.ko.xz" && xz -df "$OUT/msr.ko.xz" ;;
	*) mv "$OUT/msr.ko.tmp" "$OUT/msr.ko" ;;
	esac
	echo "$pkg" > "$OUT/kernel-package"
	echo "mkdom0: kernel $(basename "$dl"/boot/vmlinuz-*) from $pkg"
}

# Copy a dynamically linked program and every library it loads.
add_program() {
	local root=$1 prog=$2 dest=$3
	install -D -m 0755 "$prog" "$root$dest"
	ldd "$prog" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

# The terminal descriptions vmtop's curses may meet in dom0: the serial
# console (linux, vt100, vt220) and the terminal emulators at its other
# end (xterm, screen, tmux). Copied where the host keeps them.
TERMINFO_ENTRIES=(linux vt100 vt220 xterm xterm-256color screen tmux dumb)

add_terminfo() {
	local root=$1 t dir f
	for t in "${TERMINFO_ENTRIES[@]}"; do
		f=
		for dir in /etc/terminfo /lib/terminfo /usr/share/terminfo; do
			[ -e "$dir/${t:0:1}/$t" ] && { f=$dir/${t:0:1}/$t; break; }
		done
		[ -n "$f" ] || die "terminfo entry $t not found (ncurses-base, ncurses-term)"
		install -D -m 0644 "$(readlink -f "$f")" "$root$f"
	done
}

build_initramfs() {
	local root busybox
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] && file -L "$busybox" | grep -q 'statically linked' ||
		die "busybox-static is not installed (make deps)"
	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,etc,var/log/umbra,root}
	# mktemp's 0700 would become dom0's /: no other user could run a thing.
	chmod 0755 "$root"
	chmod 1777 "$root/tmp"
	install -m 0755 "$busybox" "$root/bin/busybox"
	for applet in $("$busybox" --list); do
		[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
	done
	install -m 0755 "$HERE/init" "$root/init"
	install -D -m 0644 "$OUT/msr.ko" "$root/lib/modules/msr.ko"
	add_terminfo "$root"
	for t in "${TOOLS[@]}"; do
		case $t in
		*.ko) install -D -m 0644 "$t" "$root/lib/modules/$(basename "$t")" ;;
		*) add_program "$root" "$t" "/usr/sbin/$(basename "$t")" ;;
		esac
	done
	for g in "${GUESTS[@]}"; do
		install -D -m 0644 "$g" "$root/usr/share/umbra/guests/$(basename "$g")"
	done
	for t in "${TESTS[@]}"; do
		file -L "$t" | grep -q 'statically linked' || die "$t: test programs must be static"
		install -D -m 0755 "$t" "$root/usr/libexec/umbra-tests/$(basename "$t")"
	done
	(cd "$root" && find . -print0 | sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9 > "$OUT/initrd.img.tmp"
	mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
	echo "mkdom0: initramfs $(du -k "$OUT/initrd.img" | cut -f1) KiB"
}

fetch_kernel
build_initramfs
