#!/usr/bin/env bash
# `make install-dom0-tools` into a DESTDIR with PREFIX=/usr, then build a
# program against the installed libvmstore with pkg-config and run it
# against the installed vmstored.
. "$(dirname "$0")/lib.sh"

D=$T/dest
# A build, not a store call: it compiles the PIC libraries, a minute or
# more on a loaded host, so it gets more than run_cmd's 10 s.
RUN_TIMEOUT=600 run_cmd make -s --no-print-directory -C "$STORE_ROOT" install-dom0-tools \
	DESTDIR="$D" PREFIX=/usr BUILD="$B"
expect "install-dom0-tools succeeds" "0" "$RC" "$OUT"
for f in bin/vmstored lib/libvmstore.so.1 lib/libvmstore.so lib/libvmstore.a \
	include/vmstore.h lib/pkgconfig/vmstore.pc; do
	expect "installed $f" "yes" "$([ -e "$D/usr/$f" ] && echo yes)"
done
expect "pkg-config file names the PREFIX" "prefix=/usr" \
	"$(head -1 "$D/usr/lib/pkgconfig/vmstore.pc")"

cat >"$T/client.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <vmstore.h>

int main(void)
{
	struct vms_handle *h = vms_open(NULL, 0);
	char *v;

	if (!h || !vms_write(h, VMS_TXN_NULL, "/installed", "works", 5))
		return 1;
	v = vms_read(h, VMS_TXN_NULL, "/installed", NULL);
	printf("%s\n", v ? v : "(null)");
	free(v);
	vms_close(h);
	return 0;
}
C
export PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
run_cmd gcc -Wall -Werror "$T/client.c" $(pkg-config --cflags --libs vmstore) \
	-Wl,-rpath,"$D/usr/lib" -o "$T/client"
expect "a program builds with pkg-config --cflags --libs vmstore" "0" "$RC" "$OUT"
run_cmd gcc -static-libgcc "$T/client.c" $(pkg-config --cflags vmstore) \
	"$D/usr/lib/libvmstore.a" -pthread -o "$T/client-static"
expect "... and links statically" "0" "$RC" "$OUT"

VMSTORED=$D/usr/bin/vmstored
start_store inst || fail "installed vmstored starts"
run_cmd "$T/client"
expect "the program talks to the installed daemon" "works" "$OUT"
run_cmd "$T/client-static"
expect "so does the static one" "works" "$OUT"
expect "it uses the installed shared library" "yes" \
	"$(ldd "$T/client" | grep -q "$D/usr/lib/libvmstore.so.1" && echo yes)"
stop_store "$STORE_PID"
[ "$FAILS" -eq 0 ]
