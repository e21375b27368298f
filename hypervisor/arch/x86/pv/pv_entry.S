/*
 * Entering and leaving a PV guest, which runs in ring 3 on this CPU with
 * the hypervisor's slots in its address space (docs/pv.md).
 *
 * pv_enter() is the PV counterpart of VMRUN: it saves the host's
 * callee-saved registers and stack pointer in the per-CPU area, copies
 * the guest's registers (struct cpu_regs in struct pv_vcpu) onto this
 * CPU's entry stack, loads them from there and IRETs to ring 3. It
 * "returns" when the guest next enters the hypervisor: an interrupt or
 * exception from ring 3 arrives on TSS.RSP0, the top of the entry stack,
 * where the CPU and entry.S build the same frame (a SYSCALL builds it by
 * hand; NMI, #DF, #MC and #DB arrive on their IST stacks). pv_leave then
 * switches to Umbra's tables (with xpti), copies the frame into the
 * vCPU's, restores the host stack pointer, and the C caller continues,
 * reading the vector from the frame.
 *
 * So while the guest's tables are live only the entry stack and the IST
 * stacks are used, never the CPU's main stack or the vCPU structure: with
 * xpti neither is in the guest's tables (pv_view.c, DESIGN.md section 4;
 * Xen's XPTI keeps the guest's frame on per-CPU stacks the same way).
 *
 * GS base: the hypervisor's per-CPU pointer while in ring 0, the guest's
 * while in ring 3; SWAPGS at each crossing (MSR_KERNEL_GS_BASE holds the
 * other one).
 */
#include <asm/cpu_regs_asm.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/pv_vcpu.h>
#include <public/arch-x86/xen-x86_64.h>

#define PCPU_PV_HOST_RSP	8
#define PCPU_PV_FRAME_TOP	16
#define PCPU_PV_SCRATCH		24
#define PCPU_PV_ENTRY_TOP	32

#define IRET_FRAME	(5 * 8)
#define REGS_SIZE	(22 * 8)	/* sizeof(struct cpu_regs) */

/* A whole frame from src to dst through tmp, unrolled: as fast as it gets
 * on hardware, and under QEMU's TCG one block instead of an iteration of
 * REP MOVSQ each. */
	.macro copy_frame src, dst, tmp
	.set	off, 0
	.rept	REGS_SIZE / 8
	mov	off(\src), \tmp
	mov	\tmp, off(\dst)
	.set	off, off + 8
	.endr
	.endm

	/* In PV guests' tables with xpti (pv_view.c): all of it runs or may
	 * run on the guest's tables. */
	.section .text.entry, "ax"
/* void pv_enter(struct cpu_regs *frame, uint64_t cr3); interrupts off.
 * cr3: the guest's tables, loaded here (if not already live) so that no
 * C code runs on them. */
	.globl	pv_enter
	.balign	16
pv_enter:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %gs:PCPU_PV_HOST_RSP
	/* The whole frame onto the entry stack, still on Umbra's tables.
	 * The IRETQ runs there too: should the CPU refuse the IRET frame (a
	 * non-canonical RIP is a #GP in ring 0), its fault is taken on that
	 * stack, below the copy, and the exception table turns it into the
	 * guest's (pv_enter_fault). */
	mov	%gs:PCPU_PV_ENTRY_TOP, %rdx
	sub	$REGS_SIZE, %rdx
	copy_frame %rdi, %rdx, %rax
	mov	%rdx, %rsp
	mov	%cr3, %rax
	cmp	%rax, %rsi
	je	1f
	mov	%rsi, %cr3
1:	pop_gprs
	add	$16, %rsp		/* vector, error code */
	swapgs
	.globl	pv_enter_iret
pv_enter_iret:
	iretq
	.pushsection ex_table, "a"
	.balign	8
	.quad	pv_enter_iret, pv_enter_fault
	.popsection

/*
 * The entry's IRETQ faulted. entry.S took the fault on the entry stack
 * with the guest's GS base swapped out for the handler and back, and
 * do_trap() resumed here, in ring 0 with the guest's registers, GS base
 * and tables, RSP at the IRET frame on the entry stack, which is the
 * guest's as pv_enter() found it: save its registers over the rest of the
 * copy and leave as a trap would, vector PV_VECTOR_ENTRY_FAULT (pv_run.c
 * decides).
 */
pv_enter_fault:
	swapgs
	mov	%gs:PCPU_PV_ENTRY_TOP, %rsp
	sub	$IRET_FRAME, %rsp
	pushq	$0
	pushq	$PV_VECTOR_ENTRY_FAULT
	push_gprs
	jmp	pv_leave

/* From entry.S, the SYSCALL entry or pv_enter_fault: a whole frame at
 * RSP (the entry stack, or the #DB IST stack), the guest's tables maybe
 * live, GS the host's. */
pv_leave:
	cld
	/* With xpti, Umbra's own tables before any C code (pv_view.c). The
	 * guest's RAX is in the frame already. */
	mov	pv_root_cr3(%rip), %rax
	test	%rax, %rax
	jz	1f
	mov	%rax, %cr3
1:	mov	%gs:PCPU_PV_FRAME_TOP, %rdi
	sub	$REGS_SIZE, %rdi
	copy_frame %rsp, %rdi, %rax
	mov	%gs:PCPU_PV_HOST_RSP, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/*
 * entry.S jumps here for any vector taken in ring 3, with the CPU's
 * frame, error code and vector pushed. NMI, #DF and #MC arrive on their
 * IST stacks and are not the guest's business: they are handled where
 * they are and the guest resumed, as in the hypervisor.
 */
	.globl	pv_trap_entry
	.balign	16
pv_trap_entry:
	swapgs
	/* #DB arrives on its IST stack (idt.c, pv_debug.c), every other
	 * trap from ring 3 on the entry stack: pv_leave copies the frame
	 * from either. */
	cmpq	$2, (%rsp)
	je	1f
	cmpq	$8, (%rsp)
	je	1f
	cmpq	$18, (%rsp)
	je	1f
	push_gprs
	jmp	pv_leave
1:	push_gprs
	cld
	/* With xpti the guest's tables hold little of Umbra (pv_view.c):
	 * the handler runs on Umbra's own, %r13 (saved in the frame) keeps
	 * the guest's. */
	mov	%cr3, %r13
	mov	pv_root_cr3(%rip), %rax
	test	%rax, %rax
	jz	2f
	mov	%rax, %cr3
2:	mov	%rsp, %rdi
	call	do_trap
	mov	pv_root_cr3(%rip), %rax
	test	%rax, %rax
	jz	3f
	mov	%r13, %cr3
3:	pop_gprs
	add	$16, %rsp
	swapgs
	iretq

/*
 * SYSCALL from the guest (MSR_LSTAR, MSR_CSTAR): RCX holds its RIP, R11
 * its RFLAGS, RSP is still the guest's; SFMASK cleared IF, TF, DF and AC.
 * Build the frame an interrupt would have, vector PV_VECTOR_SYSCALL.
 */
	.macro syscall_entry name, cs, vector
	.globl	\name
	.balign	16
\name:
	swapgs
	mov	%rsp, %gs:PCPU_PV_SCRATCH
	mov	%gs:PCPU_PV_ENTRY_TOP, %rsp
	pushq	$FLAT_RING3_SS64
	pushq	%gs:PCPU_PV_SCRATCH
	push	%r11
	pushq	$\cs
	push	%rcx
	pushq	$0
	pushq	$\vector
	push_gprs
	jmp	pv_leave
	.endm

	syscall_entry pv_syscall_entry, FLAT_RING3_CS64, PV_VECTOR_SYSCALL
	syscall_entry pv_syscall32_entry, FLAT_RING3_CS32, PV_VECTOR_SYSCALL32

/*
 * int pv_gs_is_guest(void): is GS base something other than one of the
 * per-CPU areas (the guest's, between a SWAPGS and the IRET or just after
 * a SYSCALL)? Uses no GS; clobbers RAX, RCX, RDX.
 */
	.globl	pv_gs_is_guest
pv_gs_is_guest:
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	lea	percpu_area(%rip), %rax
	cmp	%rax, %rdx
	jb	1f
	add	percpu_area_bytes(%rip), %rax
	cmp	%rax, %rdx
	jae	1f
	xor	%eax, %eax
	ret
1:	mov	$1, %eax
	ret
