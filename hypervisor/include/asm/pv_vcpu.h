/* The PV side of a vCPU: a guest whose kernel and user space run in
 * ring 3 on the pCPU itself (docs/pv.md). */
#ifndef ASM_PV_VCPU_H
#define ASM_PV_VCPU_H

/* Entries into the hypervisor that are not IDT vectors (pv_entry.S). */
#define PV_VECTOR_SYSCALL	0x100	/* SYSCALL from 64-bit code */
#define PV_VECTOR_SYSCALL32	0x101	/* SYSCALL from 32-bit code */

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#include <asm/traps.h>

/* set_trap_table: where each exception vector is bounced. */
struct pv_trap {
	uint64_t address;	/* 0: none */
	uint16_t cs;
	uint8_t flags;		/* TI_*: DPL for `int`, mask events */
};

struct pv_vcpu {
	/* The guest's registers. While it runs, TSS.RSP0 points just above
	 * this frame: an interrupt or exception from ring 3 pushes the
	 * CPU's part of it here and entry.S the rest, so a trap saves the
	 * guest's state where it belongs with no copy. */
	struct cpu_regs regs __attribute__((aligned(16)));
	uint8_t fpu[512] __attribute__((aligned(16)));	/* FXSAVE image */
	uint64_t fs_base;
	uint64_t gs_base_kernel;	/* GS base in guest kernel mode */
	uint64_t gs_base_user;		/* ... and in guest user mode */
	uint64_t cr3;			/* what the CPU walks: the shadow L4 */
	uint64_t guest_cr3;		/* the guest's own L4 (machine address) */
	uint64_t cr2;			/* of the last guest #PF */
	uint32_t pkru;			/* as the guest set it; loaded with the
					 * hypervisor's key shut (pv_xonly.c) */
	bool kernel_mode;		/* guest kernel (not user) is running */
	struct pv_trap *traps;		/* 256 entries, a pool page; NULL: none set */
	/* callback_op / set_callbacks, by CALLBACKTYPE_* (0: none). */
	uint64_t callback[8];
	uint8_t callback_flags[8];	/* CALLBACKF_* */
};

#endif /* !__ASSEMBLY__ */
#endif
