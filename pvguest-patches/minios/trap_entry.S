/*
 * Exceptions bounced by the hypervisor (Xen's x86-64 PV frame): the stack
 * holds RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS. Each entry pops
 * RCX and R11, makes the error code uniform, saves the registers as
 * struct minios_regs and calls minios_trap(); then returns with the iret
 * hypercall (jumped to, with the flags word on top of the frame).
 */
#include <public/xen.h>

	.macro trap_entry vec, has_err
	.globl minios_trap_\vec
minios_trap_\vec:
	pop	%rcx
	pop	%r11
	.if !\has_err
	push	$0
	.endif
	push	$\vec
	jmp	trap_common
	.endm

	.text
	trap_entry 0, 0
	trap_entry 1, 0
	trap_entry 3, 0
	trap_entry 4, 0
	trap_entry 5, 0
	trap_entry 6, 0
	trap_entry 7, 0
	trap_entry 13, 1
	trap_entry 14, 1
	trap_entry 16, 0
	trap_entry 17, 1
	trap_entry 19, 0
	trap_entry 128, 0

/* The event callback: the same frame without an error code; vector 256
 * tells minios_trap() it is the upcall. */
	.globl minios_event_entry
minios_event_entry:
	pop	%rcx
	pop	%r11
	push	$0
	push	$256
	jmp	trap_common

/* The syscall callback (SYSCALL in guest user mode): the same frame,
 * vector 257 (MINIOS_SYSCALL_VECTOR). */
	.globl minios_syscall_entry
minios_syscall_entry:
	pop	%rcx
	pop	%r11
	push	$0
	push	$257
	jmp	trap_common

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	call	minios_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
	pushq	$0			/* iret flags: not from a syscall */
	jmp	hypercall_page + __HYPERVISOR_iret * 32
