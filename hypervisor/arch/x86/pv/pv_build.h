/* Inside arch/x86/pv/: the builder's helpers. */
#ifndef PV_BUILD_H
#define PV_BUILD_H

#include <stdint.h>

struct domain;

/* Xen's hypercall stubs, 32 bytes a slot, into a 4 KiB page: the
 * hypervisor's hypercall page (pv_xonly.c maps it into PV guests). */
void pv_hypercall_page_fill(uint8_t *page);

#endif
