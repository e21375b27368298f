/* Where the hypervisor sits in every PV guest's address space.
 *
 * Xen's x86-64 PV layout: the 16 L4 slots 256..271 (virtual addresses
 * 0xffff800000000000 up to 0xffff880000000000) belong to the hypervisor.
 * Umbra's image is linked at -2 GiB (L4 slot 511, -mcmodel=kernel), and a
 * PV guest traps into it without a page-table switch, so slot 511 is the
 * hypervisor's as well (a departure from Xen, whose image lives inside
 * 256..271; docs/pv.md). A guest may not put a present entry in any of
 * these slots; every shadow L4 carries the hypervisor's own entries there
 * instead. Freestanding. */
#ifndef SHARED_PT_LAYOUT_H
#define SHARED_PT_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define SPT_HV_L4_FIRST		256
#define SPT_HV_L4_SLOTS		16
#define SPT_HV_VIRT_START	0xffff800000000000ULL
#define SPT_HV_VIRT_END		0xffff880000000000ULL
#define SPT_HV_IMAGE_L4		511	/* the hypervisor image, -2 GiB */
/* Entries of spt_machine.hv_slots: 256..271, then slot 511. */
#define SPT_HV_NR_SLOTS		(SPT_HV_L4_SLOTS + 1)

static inline bool spt_is_hv_l4_slot(unsigned int index)
{
	return (index >= SPT_HV_L4_FIRST &&
		index < SPT_HV_L4_FIRST + SPT_HV_L4_SLOTS) ||
	       index == SPT_HV_IMAGE_L4;
}

/* The hv_slots entry of reserved L4 slot `index`. */
static inline unsigned int spt_hv_slot_entry(unsigned int index)
{
	return index == SPT_HV_IMAGE_L4 ? SPT_HV_L4_SLOTS : index - SPT_HV_L4_FIRST;
}

/* The L4 slot of hv_slots entry `i`. */
static inline unsigned int spt_hv_slot_index(unsigned int i)
{
	return i == SPT_HV_L4_SLOTS ? SPT_HV_IMAGE_L4 : SPT_HV_L4_FIRST + i;
}

#endif
