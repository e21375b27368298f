/*
 * physdev_op(cmd, arg): Xen's physical-device operations. Umbra offers
 * PV guests the one that is about the vCPU rather than devices: its
 * virtual I/O privilege level (Xen's numbering).
 */
#ifndef UMBRA_PUBLIC_PHYSDEV_H
#define UMBRA_PUBLIC_PHYSDEV_H

/* The calling vCPU's virtual IOPL, 0-3 (else -EINVAL). A 64-bit PV
 * kernel counts as privilege level 1 for it (its user space as 3),
 * unless VMASST_TYPE_architectural_iopl is on (kernel 0, and the iret
 * hypercall sets the IOPL from the frame's RFLAGS). */
#define PHYSDEVOP_set_iopl	6	/* arg: struct physdev_set_iopl */

#ifndef __ASSEMBLY__
#include <stdint.h>

struct physdev_set_iopl {
	uint32_t iopl;		/* IN */
};
#endif

#endif
