/* The PV side of a vCPU: a guest whose kernel and user space run in
 * ring 3 on the pCPU itself (docs/pv.md). */
#ifndef ASM_PV_VCPU_H
#define ASM_PV_VCPU_H

/* Entries into the hypervisor that are not IDT vectors (pv_entry.S). */
#define PV_VECTOR_SYSCALL	0x100	/* SYSCALL from 64-bit code */
#define PV_VECTOR_SYSCALL32	0x101	/* SYSCALL from 32-bit code */
#define PV_VECTOR_ENTRY_FAULT	0x102	/* the entry's IRETQ faulted */

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>
#include <asm/traps.h>

struct pv_pre;

/* set_trap_table: where each exception vector is bounced. */
struct pv_trap {
	uint64_t address;	/* 0: none */
	uint16_t cs;
	uint8_t flags;		/* TI_*: DPL for `int`, mask events */
};

struct pv_vcpu {
	/* The guest's registers. pv_enter copies them onto the CPU's entry
	 * stack, where a trap from ring 3 saves them again (TSS.RSP0), and
	 * its exit path copies them back here (pv_entry.S): the guest's
	 * tables need not hold this structure (pv_view.c). */
	struct cpu_regs regs __attribute__((aligned(16)));
	uint8_t fpu[512] __attribute__((aligned(16)));	/* FXSAVE image */
	uint64_t fs_base;
	uint64_t gs_base_kernel;	/* GS base in guest kernel mode */
	uint64_t gs_base_user;		/* ... and in guest user mode */
	uint64_t cr3;			/* what the CPU walks: the shadow L4 */
	uint64_t guest_cr3;		/* the guest's own L4 (machine address) */
	uint64_t user_cr3;		/* the same two for guest user mode */
	uint64_t guest_user_cr3;	/* (MMUEXT_NEW_USER_BASEPTR); 0: none */
	uint64_t cr2;			/* of the last guest #PF */
	uint32_t pkru;			/* as the guest set it; loaded with the
					 * hypervisor's key shut (pv_xonly.c) */
	uint64_t kernel_sp;		/* stack_switch: the guest kernel's stack */
	uint16_t kernel_ss;		/*  for a trap from guest user mode */
	uint16_t gs_sel_user;		/* SEGBASE_GS_USER_SEL's selector */
	bool kernel_mode;		/* guest kernel (not user) is running */
	bool fpu_ts;			/* the guest's virtual CR0.TS (fpu_taskswitch) */
	/* set_debugreg / mov %drN (pv_debug.c): in the CPU only while the
	 * guest runs with DR7 enabling a breakpoint; DR6 stays virtual. */
	uint64_t dr[4];
	uint64_t dr6;
	uint64_t dr7;
	uint64_t dr7_io;		/* DR7's enables of I/O breakpoints (never in the CPU) */
	uint64_t db_exit_dr6;		/* the CPU's DR6 at the last #DB exit */
	bool db_held;			/* a #DB held past MOV SS (pv_debug.c) */
	uint8_t cr4_de;			/* the guest's virtual CR4.DE */
	uint8_t iopl;			/* virtual IOPL, 0-3 (pv_io.c) */
	uint16_t sel[4];		/* DS, ES, FS, GS while not live (pv_seg.c) */
	/* set_gdt: the guest's descriptor frames (machine frame numbers,
	 * typed segment-descriptor pages) and how many entries it has; the
	 * generation tells a CPU whether its GDT holds them (pv_desc.c). */
	uint64_t gdt_mfn[14];
	unsigned int gdt_ents;
	uint64_t gdt_gen;
	/* MMUEXT_SET_LDT: its linear base, entries and the frames found
	 * there (typed as the GDT's); gdt_gen covers them too. */
	uint64_t ldt_base;
	uint64_t ldt_mfn[16];
	unsigned int ldt_ents;
	struct pv_trap *traps;		/* 256 entries, a pool page; NULL: none set */
	/* callback_op / set_callbacks, by CALLBACKTYPE_* (0: none). */
	uint64_t callback[8];
	uint8_t callback_flags[8];	/* CALLBACKF_* */
	uint64_t tlb_seen;		/* its domain's tlb_gen at its last entry */
	/* A VCPUOP_initialise of it validating its tables a part at a time
	 * (pv_vcpu_pre.c); NULL: none under way. */
	struct pv_pre *pre;
};

#endif /* !__ASSEMBLY__ */
#endif
