/*
 * Into guest user mode and back (proc.c). minios_user_enter(regs,
 * kernel_sp) keeps the kernel's callee-saved registers on its stack,
 * notes that stack in *kernel_sp and irets to the process with every
 * register from regs. The kernel comes back at minios_user_return on
 * that stack (an iret to kernel mode, proc.c's switch_from()) when no
 * process is left, and returns from minios_user_enter.
 * Offsets: struct minios_regs (minios.h).
 */
#include <public/xen.h>

	.text
	.globl minios_user_enter
minios_user_enter:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rsi)
	mov	%rdi, %rax
	pushq	168(%rax)		/* ss */
	pushq	160(%rax)		/* rsp */
	pushq	152(%rax)		/* rflags */
	pushq	144(%rax)		/* cs */
	pushq	136(%rax)		/* rip */
	pushq	$0			/* iret flags */
	mov	0(%rax), %r15
	mov	8(%rax), %r14
	mov	16(%rax), %r13
	mov	24(%rax), %r12
	mov	32(%rax), %r11
	mov	40(%rax), %r10
	mov	48(%rax), %r9
	mov	56(%rax), %r8
	mov	64(%rax), %rbp
	mov	72(%rax), %rdi
	mov	80(%rax), %rsi
	mov	88(%rax), %rdx
	mov	96(%rax), %rcx
	mov	104(%rax), %rbx
	mov	112(%rax), %rax
	/* The stub pushes RCX, R11, RAX and makes the iret hypercall. */
	jmp	hypercall_page + __HYPERVISOR_iret * 32

	.globl minios_user_return
minios_user_return:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

/* A process's entry function returns here (its stack's first return
 * address): SYS_exit with its result. In user text. */
	.section .user_text, "ax"
	.globl minios_user_exit
minios_user_exit:
	mov	%rax, %rdi
	xor	%eax, %eax		/* SYS_exit */
	syscall
	ud2
