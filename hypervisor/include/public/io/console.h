/*
 * The PV console ring (Xen's public io/console.h): one 4 KiB page per
 * domain shared with dom0's console back end. The guest produces into
 * out[] (its output) and consumes in[] (what was typed); each side
 * notifies the other through the console event channel after moving an
 * index. Indices are free-running; a producer stays at most the ring's
 * size ahead of its consumer.
 *
 * Guest-visible ABI: Linux's hvc_xen uses exactly this layout. Freestanding.
 */
#ifndef UMBRA_PUBLIC_IO_CONSOLE_H
#define UMBRA_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

#include "../abi.h"

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
	char in[1024];			/* back end -> guest (input) */
	char out[2048];			/* guest -> back end (output) */
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

UMBRA_ABI_OFFSET(struct xencons_interface, out, 1024);
UMBRA_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
UMBRA_ABI_OFFSET(struct xencons_interface, out_prod, 3084);
UMBRA_ABI_SIZE(struct xencons_interface, 3088);

#endif
