/* The hypervisor's virtual address layout. Usable from C and assembly.
 *
 * L4 slots 256-271 are the hypervisor's in every address space (as in Xen's
 * x86-64 PV layout), so guests keep the lower half and the rest of the upper.
 *   0xffff830000000000  direct map of machine memory (L4 slot 262)
 *   0xffffffff80000000  the hypervisor image (-2 GiB, for -mcmodel=kernel)
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#ifdef __ASSEMBLY__
#define _AC(x, s)	x
#else
#define _AC(x, s)	x##s
#endif

#define HV_LOAD_PHYS	_AC(0x200000, UL)
#define HV_VIRT_BASE	_AC(0xffffffff80000000, UL)
#define DIRECTMAP_BASE	_AC(0xffff830000000000, UL)
#define DIRECTMAP_SLOT	262
#define BOOT_MAP_GIB	4	/* identity and direct map built by head.S */

#define AP_TRAMPOLINE_PHYS _AC(0x8000, UL)

#define STACK_ORDER	2	/* 16 KiB per-CPU hypervisor stack */
#define STACK_SIZE	(_AC(4096, UL) << STACK_ORDER)

/* GDT selectors */
#define GDT_CS64	0x08
#define GDT_DS		0x10
#define GDT_CS32	0x18
#define GDT_TSS		0x20	/* 16-byte system descriptor */
#define GDT_ENTRIES	6

#ifndef __ASSEMBLY__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECTMAP_BASE);
}

static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= HV_VIRT_BASE)
		return v - HV_VIRT_BASE;
	return v - DIRECTMAP_BASE;
}
#endif

#endif
