/*
 * A 64-bit PV vCPU's first state, as VCPUOP_initialise takes it for a PV
 * domain (vcpu_op(VCPUOP_initialise, id, &ctx)). Layout and numbers are
 * Xen's x86-64 struct vcpu_guest_context and struct cpu_user_regs
 * (public/arch-x86/xen.h, xen-x86_64.h), written in our own words.
 */
#ifndef UMBRA_PUBLIC_ARCH_X86_VCPU_CONTEXT_H
#define UMBRA_PUBLIC_ARCH_X86_VCPU_CONTEXT_H

/* vcpu_guest_context.flags */
#define VGCF_I387_VALID			(1 << 0)	/* fpu_ctxt holds an FXSAVE image */
#define VGCF_IN_KERNEL			(1 << 2)	/* start in guest kernel mode */
#define VGCF_failsafe_disables_events	(1 << 3)	/* failsafe callback masks events */
#define VGCF_syscall_disables_events	(1 << 4)	/* syscall callback masks events */
#define VGCF_online			(1 << 5)	/* bring it up too */

/* At most this many GDT entries (the guest's part, below 0xe000). */
#define VGC_GDT_ENTS_MAX		(0xe000 / 8)
#define VGC_LDT_ENTS_MAX		8192

#ifndef __ASSEMBLY__
#include <stdint.h>
#include "../abi.h"
#include "xen-x86_64.h"

/* The registers; error_code and entry_vector are the hypervisor's. */
struct cpu_user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint32_t error_code;
	uint32_t entry_vector;
	uint64_t rip;
	uint16_t cs, pad0;
	uint8_t saved_upcall_mask;
	uint8_t pad1[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss, pad2[3];
	uint16_t es, pad3[3];
	uint16_t ds, pad4[3];
	uint16_t fs, pad5[3];
	uint16_t gs, pad6[3];
};
UMBRA_ABI_OFFSET(struct cpu_user_regs, rip, 128);
UMBRA_ABI_OFFSET(struct cpu_user_regs, rflags, 144);
UMBRA_ABI_SIZE(struct cpu_user_regs, 200);

struct vcpu_guest_context {
	uint8_t fpu_ctxt[512];		/* FXSAVE image, with VGCF_I387_VALID */
	uint64_t flags;			/* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];	/* by vector; address 0: none */
	uint64_t ldt_base, ldt_ents;
	uint64_t gdt_frames[16], gdt_ents;	/* frames as set_gdt takes them */
	uint64_t kernel_ss, kernel_sp;	/* stack_switch's */
	/* ctrlreg[3]: the kernel's L4 (xen_pfn_to_cr3 of its frame: machine
	 * frame on shared page tables, guest frame translated); ctrlreg[1]:
	 * the user L4 (0: none). The others are ignored. */
	uint64_t ctrlreg[8];
	uint64_t debugreg[8];
	uint64_t event_callback_eip;
	uint64_t failsafe_callback_eip;
	uint64_t syscall_callback_eip;
	uint64_t vm_assist;		/* VMASST_TYPE_* (the domain's, kept) */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};
UMBRA_ABI_OFFSET(struct vcpu_guest_context, user_regs, 520);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, trap_ctxt, 720);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, ldt_base, 4816);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, gdt_frames, 4832);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, kernel_ss, 4968);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, ctrlreg, 4984);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, event_callback_eip, 5112);
UMBRA_ABI_OFFSET(struct vcpu_guest_context, fs_base, 5144);
UMBRA_ABI_SIZE(struct vcpu_guest_context, 5168);
#endif

#endif
