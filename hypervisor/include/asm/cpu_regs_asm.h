/* For .S files: save and restore the general registers in the order of
 * struct cpu_regs (asm/traps.h), so that every entry path (entry.S,
 * pv/pv_entry.S) builds the one frame do_trap() and the PV code read. */
#ifndef ASM_CPU_REGS_ASM_H
#define ASM_CPU_REGS_ASM_H

#ifdef __ASSEMBLER__
	.macro push_gprs
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
	.endm

	.macro pop_gprs
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
	.endm
#endif

#endif
