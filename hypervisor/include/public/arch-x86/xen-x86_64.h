/*
 * The x86-64 PV guest interface: segments, the hypervisor's hole in the
 * address space, trap tables and the iret frame. Numbers and layouts are
 * Xen's (public/arch-x86/xen-x86_64.h and xen-x86_32/64 common parts),
 * written here in our own words.
 *
 * A 64-bit PV guest runs its kernel and its user space both in ring 3.
 * Hypercalls: `call hypercall_page + 32 * nr`; arguments in RDI, RSI,
 * RDX, R10, R8 (R9), the result in RAX; the stub preserves RCX and R11
 * around its SYSCALL.
 */
#ifndef UMBRA_PUBLIC_ARCH_X86_XEN_X86_64_H
#define UMBRA_PUBLIC_ARCH_X86_XEN_X86_64_H

/*
 * Flat segments in the hypervisor's part of every GDT (its reserved page
 * starts at selector 0xe000), usable by the guest without a GDT of its own.
 * The guest kernel and user space share them: both run in ring 3.
 */
#define FLAT_RING3_CS32	0xe023	/* 32-bit code, DPL 3 */
#define FLAT_RING3_CS64	0xe033	/* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32	0xe02b	/* flat data, DPL 3 */
#define FLAT_RING3_DS64	0x0000	/* the null selector does in 64-bit mode */
#define FLAT_RING3_SS32	0xe02b
#define FLAT_RING3_SS64	0xe02b

#define FLAT_KERNEL_CS	FLAT_RING3_CS64
#define FLAT_KERNEL_SS	FLAT_RING3_SS64
#define FLAT_KERNEL_DS	FLAT_RING3_DS64
#define FLAT_USER_CS	FLAT_RING3_CS64
#define FLAT_USER_SS	FLAT_RING3_SS64
#define FLAT_USER_DS	FLAT_RING3_DS64

/* The first selector of the hypervisor's reserved GDT entries: a guest
 * GDT (set_gdt) covers at most the selectors below it. */
#define FIRST_RESERVED_GDT_BYTE	0xe000

/* The virtual range no guest mapping may use (L4 slots 256..271), and the
 * read-only machine-to-phys table Xen keeps at its start. */
#define HYPERVISOR_VIRT_START	0xffff800000000000ULL
#define HYPERVISOR_VIRT_END	0xffff880000000000ULL
#define MACH2PHYS_VIRT_START	0xffff800000000000ULL
#define MACH2PHYS_VIRT_END	0xffff804000000000ULL

/* set_segment_base(which, value) */
#define SEGBASE_FS		0
#define SEGBASE_GS_USER		1
#define SEGBASE_GS_KERNEL	2
#define SEGBASE_GS_USER_SEL	3	/* load user %gs with the selector in value */

/* set_callbacks / callback_op: which callback. */
#define CALLBACKTYPE_event		0	/* event upcall */
#define CALLBACKTYPE_failsafe		1	/* a bad segment or frame on return */
#define CALLBACKTYPE_syscall		2	/* SYSCALL from guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi		4
#define CALLBACKTYPE_sysenter		5
#define CALLBACKTYPE_syscall32		7	/* SYSCALL from 32-bit user code */
#define CALLBACKTYPE_MAX		8
#define CALLBACKF_mask_events	(1 << 0)	/* enter with events masked */

/* callback_op(cmd, arg) */
#define CALLBACKOP_register	0	/* arg: struct callback_register */
#define CALLBACKOP_unregister	1	/* arg: struct callback_unregister */

/* iret hypercall: the frame below is on the guest stack at RSP. */
#define VGCF_in_syscall		(1 << 8)	/* return like SYSRET (RCX, R11 clobbered) */
#define VGCF_IN_SYSCALL		VGCF_in_syscall

/* A trap_info entry's flags: bits 1:0 the DPL allowed to use it through
 * `int $vector`; bit 2 masks events on entry (an interrupt gate). */
#define TI_GET_DPL(ti)		((ti)->flags & 3)
#define TI_GET_IF(ti)		((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl)	((ti)->flags = ((ti)->flags & ~3) | (dpl))
#define TI_SET_IF(ti, i)	((ti)->flags = ((ti)->flags & ~4) | ((!!(i)) << 2))

#ifndef __ASSEMBLY__
#include <stdint.h>

struct callback_register {
	uint16_t type;		/* CALLBACKTYPE_* */
	uint16_t flags;		/* CALLBACKF_* */
	uint32_t pad;
	uint64_t address;
};

struct callback_unregister {
	uint16_t type;
	uint16_t pad;
};

/* set_trap_table: an array ended by an entry whose address is 0. */
struct trap_info {
	uint8_t vector;
	uint8_t flags;		/* TI_* */
	uint16_t cs;		/* code selector of the handler */
	uint64_t address;	/* 0 ends the table */
};

/*
 * What HYPERVISOR_iret pops, and what the hypervisor pushes on the guest
 * kernel stack when it bounces an exception (below it the error code,
 * if any; RCX and R11 at the bottom, as SYSCALL would have left them).
 */
struct iret_context {
	uint64_t rax, r11, rcx, flags;	/* flags: VGCF_in_syscall */
	uint64_t rip, cs, rflags, rsp, ss;
};
#endif

#endif
