#!/usr/bin/env bash
# The border of the freestanding libraries: base/, mmu/ and shared-pt/ may
# include their own headers, compiler headers and the hypervisor's public
# ABI (hypervisor/include/public/), nothing else of the hypervisor's.
#
#   scripts/check-borders.sh [ROOT]    check ROOT (default: the current tree)
#
# Each #include is resolved the way the compiler would with the kernel's
# -I. -Ihypervisor/include (quoted includes try the file's directory first)
# and also judged by its spelling, so a header that does not exist yet is
# caught too. Prints FILE:LINE for each offence and exits 1 if there is any.
set -u
ROOT=${1:-.}
cd "$ROOT" || exit 2

DIRS=(base mmu shared-pt)
ALLOWED=hypervisor/include/public/

# Normalise a tree-relative path ("mmu/../x" -> "x") in the shell itself:
# the check runs on every build, so it forks as little as it can.
norm() {
	local IFS=/ part out=()
	for part in $1; do
		case $part in
		''|.) ;;
		..) [ ${#out[@]} -gt 0 ] && unset 'out[-1]' || out+=(..) ;;
		*) out+=("$part") ;;
		esac
	done
	REPLY="${out[*]}"
}

# Where an include of NAME from FILE lands, tree-relative, in REPLY; empty
# if nowhere in the tree (a compiler or system header).
resolve() {
	local file=$1 name=$2 quoted=$3 c
	local cands=("$name" "hypervisor/include/$name")
	[ "$quoted" = 1 ] && cands=("${file%/*}/$name" "${cands[@]}")
	for c in "${cands[@]}"; do
		[ -f "$c" ] && { norm "$c"; return; }
	done
	REPLY=
	# Not found: judge by spelling.
	case $name in
	hypervisor/*|../*|*/../*) norm "${file%/*}/$name" ;;
	umbra/*|asm/*|public/*) REPLY="hypervisor/include/$name" ;;
	esac
}

bad=0
re='^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*(["<])([^">]+)[">]'
while IFS= read -r hit; do
	[[ $hit =~ $re ]] || continue
	f=${BASH_REMATCH[1]} line=${BASH_REMATCH[2]} name=${BASH_REMATCH[4]}
	quoted=0
	[ "${BASH_REMATCH[3]}" = '"' ] && quoted=1
	resolve "$f" "$name" "$quoted"
	case $REPLY in
	"$ALLOWED"*) ;;
	hypervisor/*)
		echo "$f:$line: includes $name ($REPLY): ${DIRS[*]} may use only the hypervisor's public ABI ($ALLOWED)" >&2
		bad=1
		;;
	esac
done < <(grep -rHn --include='*.[chS]' '^[[:space:]]*#[[:space:]]*include' "${DIRS[@]}")
exit $bad
