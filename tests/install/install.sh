#!/usr/bin/env bash
# make install into a staging directory, and the GRUB helper it installs
# run the way grub-mkconfig runs it, against a fake /boot.
set -u
cd "$(dirname "$0")/../.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

ok() { if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fi; }

make -s install DESTDIR="$stage" PREFIX=/usr >/dev/null

# libvmctl as a user of the installed files builds against it: vmctl.h,
# the management ABI it includes, vmctl.pc, the shared library.
name="install: a program builds with pkg-config vmctl and runs with libvmctl.so"
printf '#include <vmctl.h>\nint main(void) { return vmctl_fd(0) == -1 &&\n\tUMBRA_MGMT_INTERFACE_VERSION ? 0 : 1; }\n' > "$stage/t.c"
ok bash -c "export PKG_CONFIG_SYSROOT_DIR='$stage' PKG_CONFIG_LIBDIR='$stage/usr/lib/pkgconfig';
	gcc -std=c11 -Wall -Werror '$stage/t.c' \$(pkg-config --cflags --libs vmctl) -o '$stage/t' &&
	LD_LIBRARY_PATH='$stage/usr/lib' '$stage/t'"
name="install: vmctl in bin, and it runs (--help)"
ok bash -c "'$stage/usr/bin/vmctl' --help | grep -q '^  create '"
name="install: vmctl(1) and vmctl.cfg(5) are roff manual pages"
ok bash -c "grep -q '^.TH \"vmctl\" \"1\"' '$stage/usr/share/man/man1/vmctl.1' &&
	grep -q '^.TH \"vmctl.cfg\" \"5\"' '$stage/usr/share/man/man5/vmctl.cfg.5'"
name="install: vmctl's bash completion completes commands"
ok bash -c ". '$stage/usr/share/bash-completion/completions/vmctl';
	COMP_WORDS=(vmctl cr); COMP_CWORD=1; _vmctl; [ \"\${COMPREPLY[*]}\" = create ]"
name="install: vmtop in bin (--help), vmtop(1) a roff manual page"
ok bash -c "'$stage/usr/bin/vmtop' --help | grep -q '^usage: vmtop' &&
	grep -q '^.TH \"vmtop\" \"1\"' '$stage/usr/share/man/man1/vmtop.1'"
name="install: vmconsoled in bin, and it runs (-h)"
ok bash -c "'$stage/usr/bin/vmconsoled' -h | grep -q '^usage: vmconsoled'"
name="install: /boot/umbra.elf is a multiboot2 image"
ok grub-file --is-x86-multiboot2 "$stage/boot/umbra.elf"
name="install: GRUB helper is executable in /etc/grub.d"
ok test -x "$stage/etc/grub.d/20_linux_umbra"

boot=$stage/fakeboot
mkdir -p "$boot" "$stage/bin"
cp "$stage/boot/umbra.elf" "$boot/"
touch "$boot/vmlinuz-6.1.0-9-amd64" "$boot/initrd.img-6.1.0-9-amd64" \
	"$boot/vmlinuz-6.1.0-10-amd64" "$boot/initrd.img-6.1.0-10-amd64" \
	"$boot/vmlinuz-5.10.0-1-amd64"
# grub-probe answers for a disk the test does not have.
cat > "$stage/bin/grub-probe" <<'PROBE'
#!/bin/sh
case "$*" in
*--target=device*) echo /dev/sda1 ;;
*--target=fs_uuid*) echo 1234-abcd ;;
*--target=fs*) echo ext2 ;;
*--target=partmap*) echo msdos ;;
*--target=abstraction*) ;;
*--target=compatibility_hint*) echo hd0,msdos1 ;;
*--target=drive*) echo '(hd0,msdos1)' ;;
*) echo / ;;
esac
PROBE
chmod +x "$stage/bin/grub-probe"
out=$stage/grub.cfg
UMBRA_GRUB_BOOT_DIR=$boot grub_probe=$stage/bin/grub-probe GRUB_DEVICE=/dev/sda1 \
	GRUB_CMDLINE_UMBRA="dom0_mem=1G loglvl=debug" GRUB_CMDLINE_LINUX="quiet" \
	GRUB_DISTRIBUTOR=Debian "$stage/etc/grub.d/20_linux_umbra" > "$out" 2>"$stage/err"

name="grub script: one entry per kernel"
ok test "$(grep -c '^menuentry ' "$out")" -eq 3
name="grub script: newest kernel first (version order, not text order)"
ok test "$(grep -m1 '^menuentry ' "$out" | grep -c '6.1.0-10-amd64')" -eq 1
name="grub script: multiboot2 line with the hypervisor options"
ok grep -q "multiboot2 .*/umbra.elf console=com1 dom0_mem=1G loglvl=debug$" "$out"
name="grub script: dom0 kernel as the first module with its command line"
ok grep -q "module2 .*/vmlinuz-6.1.0-10-amd64 root=/dev/sda1 ro quiet" "$out"
name="grub script: initrd as a module where there is one"
ok grep -q "module2 --nounzip .*/initrd.img-6.1.0-10-amd64$" "$out"
name="grub script: no initrd line for a kernel without one"
ok test "$(awk '/5.10.0-1-amd64/,/^}/' "$out" | grep -c initrd)" -eq 0
name="grub script: silent when umbra.elf is not installed"
rm "$boot/umbra.elf"
ok test -z "$(UMBRA_GRUB_BOOT_DIR=$boot grub_probe=$stage/bin/grub-probe "$stage/etc/grub.d/20_linux_umbra" 2>/dev/null)"
