#!/usr/bin/env bash
# Build a GRUB boot ISO for Umbra.
#   mkiso.sh OUT.iso UMBRA.ELF "HYPERVISOR CMDLINE" "MODULES"
# MODULES is a ';'-separated list of "FILE [module command line]"; each
# FILE is copied into the image and becomes a module2 line. A FILE that
# does not exist is kept as a module2 line anyway (GRUB reports it), so
# tests can check how a missing module is handled.
set -eu
out=$1 elf=$2 cmdline=${3:-} modules=${4:-}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub" "$stage/boot/modules"
cp "$elf" "$stage/boot/umbra.elf"

{
	echo 'set timeout=0'
	echo 'set timeout_style=hidden'
	echo 'serial --unit=0 --speed=115200'
	# Serial input costs GRUB ~3 s at start under TCG; output is what matters.
	echo 'terminal_input console'
	echo 'terminal_output serial console'
	echo 'menuentry "Umbra" {'
	echo "	multiboot2 /boot/umbra.elf $cmdline"
	i=0
	IFS=';' read -ra entries <<< "$modules"
	for entry in "${entries[@]}"; do
		entry=$(echo "$entry" | tr '\n\t' '  ' | sed 's/^ *//; s/ *$//')
		[ -n "$entry" ] || continue
		file=${entry%% *}
		args=
		[ "$file" != "$entry" ] && args=${entry#* }
		name="m$i-$(basename "$file")"
		[ -f "$file" ] && cp "$file" "$stage/boot/modules/$name"
		echo "	module2 /boot/modules/$name $args"
		i=$((i + 1))
	done
	echo '	boot'
	echo '}'
} > "$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
# Only what the menu entry needs: a smaller core image boots faster.
grub-mkrescue -o "$out" \
	--install-modules="multiboot2 normal serial terminal iso9660 biosdisk boot" \
	--locales= --fonts= --themes= --compress=no \
	"$stage" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed:" >&2
	grub-mkrescue -o "$out" "$stage" >&2
	exit 1
}
