/*
 * memory_op(cmd, arg): a domain's memory (Xen's numbering and layouts,
 * xen/include/public/memory.h; the words are Umbra's). Umbra answers
 * XENMEM_add_to_physmap for the shared info page so far; the other
 * commands are numbered here for the guests and tests that name them.
 */
#ifndef UMBRA_PUBLIC_MEMORY_H
#define UMBRA_PUBLIC_MEMORY_H

#include "abi.h"

#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1
#define XENMEM_maximum_ram_page		2
#define XENMEM_current_reservation	3
#define XENMEM_maximum_reservation	4
#define XENMEM_populate_physmap		6
#define XENMEM_add_to_physmap		7
#define XENMEM_memory_map		9
#define XENMEM_maximum_gpfn		14

/* The command is in the low 6 bits; the rest is a continuation point. */
#define MEMOP_CMD_MASK			0x3f

/* What XENMEM_add_to_physmap places (space) at gpfn. */
#define XENMAPSPACE_shared_info		0	/* idx 0: the shared info page */
#define XENMAPSPACE_grant_table		1	/* idx: a grant table frame */
#define XENMAPSPACE_gmfn		2
#define XENMAPSPACE_gmfn_range		3
#define XENMAPSPACE_gmfn_foreign	4
#define XENMAPSPACE_dev_mmio		5

#ifndef __ASSEMBLY__
#include <stdint.h>

struct xen_add_to_physmap {
	uint16_t domid;		/* DOMID_SELF, or the caller's own id */
	uint16_t size;		/* pages, for XENMAPSPACE_gmfn_range */
	uint32_t space;		/* XENMAPSPACE_* */
	uint64_t idx;		/* which page of the space */
	uint64_t gpfn;		/* where it is to appear */
};
UMBRA_ABI_OFFSET(struct xen_add_to_physmap, size, 2);
UMBRA_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
UMBRA_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
UMBRA_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);
UMBRA_ABI_SIZE(struct xen_add_to_physmap, 24);

#endif /* !__ASSEMBLY__ */

#endif
