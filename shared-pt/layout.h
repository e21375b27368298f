/* Where the hypervisor sits in every PV guest's address space.
 *
 * Xen's x86-64 PV layout: the 16 L4 slots 256..271 (virtual addresses
 * 0xffff800000000000 up to 0xffff880000000000) belong to the hypervisor.
 * A guest may not put a present entry there; every shadow L4 carries the
 * hypervisor's own entries in those slots instead. Freestanding. */
#ifndef SHARED_PT_LAYOUT_H
#define SHARED_PT_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define SPT_HV_L4_FIRST		256
#define SPT_HV_L4_SLOTS		16
#define SPT_HV_VIRT_START	0xffff800000000000ULL
#define SPT_HV_VIRT_END		0xffff880000000000ULL

static inline bool spt_is_hv_l4_slot(unsigned int index)
{
	return index >= SPT_HV_L4_FIRST &&
	       index < SPT_HV_L4_FIRST + SPT_HV_L4_SLOTS;
}

#endif
