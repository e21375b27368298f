/*
 * Exception entry stubs: each pushes an error code (0 if the CPU did
 * not) and the vector, saves the registers and calls guest_trap().
 * Vector 0x80 is the gate user-mode code returns through (user.c).
 */
#include "trap.h"

	.macro TRAP_STUB vec
	.p2align 4
trap_stub_\vec:
	.if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
	.endm

	.text
	.altmacro
	.set vec, 0
	.rept 32
	TRAP_STUB %vec
	.set vec, vec + 1
	.endr

	.p2align 4
	.globl trap_stub_user_return
trap_stub_user_return:
	pushq	$0
	pushq	$USER_RETURN_VECTOR
	jmp	trap_common

trap_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	guest_trap
1:	hlt
	jmp	1b

	.macro STUB_ADDR vec
	.quad trap_stub_\vec
	.endm

	.section .rodata
	.p2align 3
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 32
	STUB_ADDR %vec
	.set vec, vec + 1
	.endr
