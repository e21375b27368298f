/* The hypervisor's virtual address layout. Usable from C and assembly.
 *
 * L4 slots 256-271 are the hypervisor's in every address space (as in Xen's
 * x86-64 PV layout), so guests keep the lower half and the rest of the upper.
 *   0xffff800000000000  PV guests only: Xen's read-only machine-to-phys
 *                       table (slot 256, arch/x86/pv/pv_m2p.c)
 *   0xffff820000000000  PV frame table: type and owner of each machine
 *                       frame (slot 260, arch/x86/pv/pv_mm.c)
 *   0xffff828000000000  hypervisor stacks, each above a guard page (slot 261)
 *   0xffff830000000000  direct map of machine memory (L4 slot 262)
 *   0xffffffff80000000  the hypervisor image (-2 GiB, for -mcmodel=kernel)
 * Nothing is mapped in the lower half once the APs are up: the boot
 * identity map is gone (arch/x86/paging.c).
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
#define STACKS_BASE	_AC(0xffff828000000000, UL)
#define FRAMETABLE_BASE	_AC(0xffff820000000000, UL)
#define RO_MPT_BASE	_AC(0xffff800000000000, UL)	/* Xen's RO_MPT_VIRT_START */
#define FRAMETABLE_MAX	_AC(0x8000000000, UL)	/* 512 GiB: the slot */

#define AP_TRAMPOLINE_PHYS _AC(0x8000, UL)

#define STACK_ORDER	2	/* 16 KiB per-CPU hypervisor stack */
#define STACK_SIZE	(_AC(4096, UL) << STACK_ORDER)
#define IST_STACK_SIZE	_AC(4096, UL)

/* Each CPU's stacks in the stack area: a not-present guard page below the
 * main stack and below each IST stack, so an overflow faults. */
#define STACKS_PER_CPU	_AC(0x10000, UL)
#define STACK_MAIN_OFF	_AC(0x1000, UL)
#define STACK_IST_OFF(i) (STACK_MAIN_OFF + STACK_SIZE + _AC(0x1000, UL) + \
			  (i) * (IST_STACK_SIZE + _AC(0x1000, UL)))
/* Above them, over its own guard page, the PV entry stack (TSS.RSP0 while
 * a PV guest runs, arch/x86/pv/pv_entry.S): with the IST stacks the only
 * stacks in PV guests' tables under xpti (pv/pv_view.c). */
#define ENTRY_STACK_SIZE _AC(4096, UL)
#define STACK_ENTRY_OFF	_AC(0xe000, UL)	/* over the last IST stack's end (paging.c) */

/* The boot GDTs (head.S, the AP trampoline): flat 64-bit code, data and
 * 32-bit code at the bottom, until each CPU loads its own. */
#define BOOT_CS64	0x08
#define BOOT_DS		0x10
#define BOOT_CS32	0x18
/* Each CPU's own GDT (gdt.c) follows Xen's x86-64 layout: the first
 * FIRST_RESERVED_GDT_BYTE (0xe000) bytes are a PV guest's (set_gdt,
 * copied in while it runs, pv_desc.c), the hypervisor's descriptors live
 * in the reserved page above, at Xen's selectors (__HYPERVISOR_CS 0xe008,
 * the TSS at 0xe040). */
#define GDT_CS64	0xe008
#define GDT_DS		0xe010
#define GDT_CS32	0xe018
#define GDT_TSS		0xe040	/* 16-byte system descriptor */
/* Their descriptors (flat), with the accessed bit already set: the AP
 * trampoline loads CS from a read-only page, where the CPU could not set it. */
#define GDT_DESC_CS64	_AC(0x00af9b000000ffff, ULL)
#define GDT_DESC_DS	_AC(0x00cf93000000ffff, ULL)
#define GDT_DESC_CS32	_AC(0x00cf9b000000ffff, ULL)
/* PV guests' flat ring-3 segments, in Xen's reserved GDT page at the
 * selectors its ABI fixes (FLAT_RING3_*, public/arch-x86/xen-x86_64.h):
 * 32-bit code, data, 64-bit code, in the order SYSRET expects. */
#define GDT_PV_CS32	0xe020
#define GDT_PV_DS	0xe028
#define GDT_PV_CS64	0xe030
/* The running PV guest's LDT (16-byte system descriptor, pv_desc.c). */
#define GDT_LDT		0xe050
#define GDT_SIZE	(GDT_LDT + 16)
#define GDT_DESC_PV_CS32 _AC(0x00cffb000000ffff, ULL)
#define GDT_DESC_PV_DS	_AC(0x00cff3000000ffff, ULL)
#define GDT_DESC_PV_CS64 _AC(0x00affb000000ffff, ULL)

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
