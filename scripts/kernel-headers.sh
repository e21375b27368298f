#!/usr/bin/env bash
# Print the Linux headers directory that out-of-tree modules are built
# against: the one Debian's linux-headers-amd64 depends on, i.e. the
# version linux-image-amd64 installs (dom0's kernel), not that of the
# running kernel (in a container or CI runner, some other kernel without
# headers). Falls back to the newest /usr/src/linux-headers-*-amd64.
# Exits 1, printing nothing, if none is installed.
set -u
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null)
dir=/usr/src/${dep%% *}
if [ -z "$dep" ] || [ ! -f "$dir/Makefile" ]; then
	dir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
fi
[ -n "$dir" ] && [ -f "$dir/Makefile" ] || exit 1
echo "$dir"
