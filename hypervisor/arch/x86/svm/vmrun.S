/*
 * void svm_vmrun(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa,
 *		  struct vmcb *vmcb, struct vcpu *v, struct percpu *p)
 *
 * Enter the guest and come back at its next #VMEXIT that svm_exit_fast()
 * (svm_run.c) does not take: that one is called after each exit with the
 * guest's GPRs stored but before the VMSAVE/VMLOAD below, and when it has
 * handled the exit the guest is entered again at once, its FS/GS/TR and
 * syscall MSRs still loaded (no VMLOAD needed). VMRUN itself switches
 * RAX, RSP, RIP, RFLAGS, control and segment registers through the VMCB;
 * the FS/GS/TR/LDTR hidden state and the syscall MSRs go through VMSAVE /
 * VMLOAD (the host's from host_save_pa, which svm_run.c fills once per
 * pCPU: that state never changes), the other GPRs through *regs.
 * The caller has cleared GIF.
 *
 * The test build assembles this file a second time (svm/test/vmrun_floor.S)
 * with an exit_floor macro that answers a few exits before the guest
 * state is stored; its strong svm_vmrun replaces this weak one there.
 */
#ifndef SVM_VMRUN_FLOOR
	.macro exit_floor
	.endm
	.weak	svm_vmrun
#endif

#define GR_RBX	0
#define GR_RCX	8
#define GR_RDX	16
#define GR_RSI	24
#define GR_RDI	32
#define GR_RBP	40
#define GR_R8	48
#define GR_R9	56
#define GR_R10	64
#define GR_R11	72
#define GR_R12	80
#define GR_R13	88
#define GR_R14	96
#define GR_R15	104

	.section .text.hot, "ax", @progbits	/* umbra/hot.h */
	.globl	svm_vmrun
svm_vmrun:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%r9			/* 40(%rsp): p */
	push	%r8			/* 32(%rsp): v */
	push	%rdi			/* 24(%rsp): regs */
	push	%rdx			/* 16(%rsp): host save area */
	push	%rsi			/*  8(%rsp): guest VMCB (physical) */
	push	%rcx			/*  0(%rsp): the VMCB, for exit_floor */

	mov	%rsi, %rax
	vmload	%rax

.Lenter:				/* %rdi: regs, %rax: the VMCB */
	mov	GR_RBX(%rdi), %rbx
	mov	GR_RCX(%rdi), %rcx
	mov	GR_RDX(%rdi), %rdx
	mov	GR_RSI(%rdi), %rsi
	mov	GR_RBP(%rdi), %rbp
	mov	GR_R8(%rdi), %r8
	mov	GR_R9(%rdi), %r9
	mov	GR_R10(%rdi), %r10
	mov	GR_R11(%rdi), %r11
	mov	GR_R12(%rdi), %r12
	mov	GR_R13(%rdi), %r13
	mov	GR_R14(%rdi), %r14
	mov	GR_R15(%rdi), %r15
	mov	GR_RDI(%rdi), %rdi

	vmrun	%rax
	exit_floor

	push	%rdi
	mov	32(%rsp), %rdi
	mov	%rbx, GR_RBX(%rdi)
	mov	%rcx, GR_RCX(%rdi)
	mov	%rdx, GR_RDX(%rdi)
	mov	%rsi, GR_RSI(%rdi)
	mov	%rbp, GR_RBP(%rdi)
	mov	%r8, GR_R8(%rdi)
	mov	%r9, GR_R9(%rdi)
	mov	%r10, GR_R10(%rdi)
	mov	%r11, GR_R11(%rdi)
	mov	%r12, GR_R12(%rdi)
	mov	%r13, GR_R13(%rdi)
	mov	%r14, GR_R14(%rdi)
	mov	%r15, GR_R15(%rdi)
	pop	%rax
	mov	%rax, GR_RDI(%rdi)

	/* Twelve pushes after the call: 8 more keep the C call aligned. */
	mov	32(%rsp), %rdi
	mov	40(%rsp), %rsi
	sub	$8, %rsp
	call	svm_exit_fast
	add	$8, %rsp
	test	%al, %al
	jz	.Lleave
	mov	24(%rsp), %rdi
	mov	8(%rsp), %rax
	jmp	.Lenter

.Lleave:
	pop	%rax			/* the VMCB's virtual address */
	pop	%rax			/* guest VMCB */
	vmsave	%rax
	pop	%rax			/* host save area */
	vmload	%rax
	pop	%rdi
	add	$16, %rsp		/* v, p */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
