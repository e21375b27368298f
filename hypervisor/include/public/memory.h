/*
 * memory_op(cmd, arg): a domain's memory (Xen's numbering and layouts,
 * xen/include/public/memory.h; the words are Umbra's). What Umbra
 * answers, and how it differs from Xen, is in docs/hvm.md.
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

/* The command is in the low 6 bits; the rest is the extent a continued
 * reservation call starts from. */
#define MEMOP_CMD_MASK			0x3f
#define MEMOP_EXTENT_SHIFT		6

/* xen_memory_reservation.mem_flags: the lowest byte limits the machine
 * address width of new pages (0: none); bits 15:8 are a NUMA node + 1. */
#define XENMEMF_address_bits(x)		(x)
#define XENMEMF_get_address_bits(x)	((x) & 0xffu)
#define XENMEMF_node(x)			(((x) + 1) << 8)
#define XENMEMF_get_node(x)		((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand	(1u << 16)
#define XENMEMF_exact_node_request	(1u << 17)
#define XENMEMF_vnode			(1u << 18)

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

/* What a 32-bit caller passes (Xen's compat layout: xen_ulong_t and
 * xen_pfn_t are 4 bytes). */
struct compat_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint32_t idx;
	uint32_t gpfn;
};
UMBRA_ABI_SIZE(struct compat_add_to_physmap, 16);

/*
 * increase_reservation, decrease_reservation, populate_physmap. The call
 * returns how many extents it completed (never a negative errno): a bad
 * argument makes it stop there. An extent is 2^extent_order contiguous
 * frames; extent_start lists each extent's first guest frame (for
 * increase_reservation of a translated guest it is not written).
 */
struct xen_memory_reservation {
	uint64_t extent_start;	/* guest address of an xen_pfn_t array */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;	/* XENMEMF_* */
	uint16_t domid;		/* DOMID_SELF, or the caller's own id */
};
UMBRA_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
UMBRA_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
UMBRA_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20);
UMBRA_ABI_OFFSET(struct xen_memory_reservation, domid, 24);
UMBRA_ABI_SIZE64(struct xen_memory_reservation, 32);

/* What a 32-bit caller passes (Xen's compat layout): the extent list is
 * a 4-byte handle to 4-byte frame numbers, nr_extents a 4-byte long. */
struct compat_memory_reservation {
	uint32_t extent_start;	/* guest address of a uint32_t array */
	uint32_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
};
UMBRA_ABI_OFFSET(struct compat_memory_reservation, nr_extents, 4);
UMBRA_ABI_OFFSET(struct compat_memory_reservation, extent_order, 8);
UMBRA_ABI_OFFSET(struct compat_memory_reservation, mem_flags, 12);
UMBRA_ABI_OFFSET(struct compat_memory_reservation, domid, 16);
UMBRA_ABI_SIZE(struct compat_memory_reservation, 20);

/* XENMEM_memory_map: in, the room in buffer (entries); out, how many
 * entries were written. */
struct xen_memory_map {
	uint32_t nr_entries;
	uint32_t pad;
	uint64_t buffer;	/* guest address of struct e820entry[] */
};
UMBRA_ABI_OFFSET(struct xen_memory_map, buffer, 8);
UMBRA_ABI_SIZE(struct xen_memory_map, 16);

/* What a 32-bit caller passes (Xen's compat layout: a 4-byte handle). */
struct compat_memory_map {
	uint32_t nr_entries;
	uint32_t buffer;
};
UMBRA_ABI_SIZE(struct compat_memory_map, 8);

/* One memory map entry, in the BIOS E820 layout (packed: 20 bytes);
 * type as XEN_HVM_MEMMAP_TYPE_* (hvm/start_info.h). */
struct e820entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
UMBRA_ABI_OFFSET(struct e820entry, size, 8);
UMBRA_ABI_OFFSET(struct e820entry, type, 16);
UMBRA_ABI_SIZE(struct e820entry, 20);

#endif /* !__ASSEMBLY__ */

#endif
