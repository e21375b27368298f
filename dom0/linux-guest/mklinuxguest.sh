#!/usr/bin/env bash
# The Linux PVH guest for dom0 (vmctl create linux.cfg), built into OUT:
#   OUT/linux-initrd.img   the guest's initramfs: busybox-static and
#                          dom0/linux-guest/init, a gzip'd newc cpio
#   OUT/dom0-extra.img     what dom0 needs to start it, as a cpio to
#                          append to dom0's initramfs: Debian's kernel as
#                          /boot/vmlinuz-VERSION (dom0's own, from
#                          DOM0/vmlinuz), and in /usr/share/umbra/guests/
#                          linux.cfg and linux-initrd.img
#   OUT/initrd-dom0.img    DOM0/initrd.img with dom0-extra.img appended
#                          (Linux unpacks concatenated archives), which
#                          the Linux guest's tests boot dom0 with; dom0's
#                          plain initramfs stays small for every other test
#
#   dom0/linux-guest/mklinuxguest.sh OUT DOM0
set -euo pipefail

OUT=$1 DOM0=$2
HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "mklinuxguest: $*" >&2; exit 1; }

[ -s "$DOM0/vmlinuz" ] && [ -s "$DOM0/initrd.img" ] || die "$DOM0: no dom0 kernel and initramfs (make dom0)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" | grep -q 'statically linked' ||
	die "busybox-static is not installed (make deps)"
mkdir -p "$OUT"

cpio_of() { # DIR OUT
	(cd "$1" && find . -print0 | sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
		gzip -9 > "$2.tmp"
	mv "$2.tmp" "$2"
}

guest=$(mktemp -d) extra=$(mktemp -d)
trap 'rm -rf "$guest" "$extra"' EXIT
chmod 0755 "$guest" "$extra"
mkdir -p "$guest"/{bin,sbin,proc,sys,dev,tmp,root}
install -m 0755 "$busybox" "$guest/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$guest/bin/$applet" ] || ln -s busybox "$guest/bin/$applet"
done
# Linux's orderly poweroff (xenbus control/shutdown) runs /sbin/poweroff.
for cmd in poweroff reboot halt; do
	ln -sf ../bin/busybox "$guest/sbin/$cmd"
done
install -m 0755 "$HERE/init" "$guest/init"
cpio_of "$guest" "$OUT/linux-initrd.img"

version=$(file -L "$DOM0/vmlinuz" | sed -n 's/.*version \([^ ]*\) .*/\1/p')
[ -n "$version" ] || die "$DOM0/vmlinuz: no kernel version in it"
kernel=/boot/vmlinuz-$version
install -D -m 0644 "$DOM0/vmlinuz" "$extra$kernel"
mkdir -p "$extra/usr/share/umbra/guests"
sed "s|@KERNEL@|$kernel|" "$HERE/linux.cfg.in" > "$extra/usr/share/umbra/guests/linux.cfg"
install -m 0644 "$OUT/linux-initrd.img" "$extra/usr/share/umbra/guests/linux-initrd.img"
cpio_of "$extra" "$OUT/dom0-extra.img"
cat "$DOM0/initrd.img" "$OUT/dom0-extra.img" > "$OUT/initrd-dom0.img.tmp"
mv "$OUT/initrd-dom0.img.tmp" "$OUT/initrd-dom0.img"
echo "mklinuxguest: $kernel, guest initramfs $(du -k "$OUT/linux-initrd.img" | cut -f1) KiB"
