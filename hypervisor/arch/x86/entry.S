/*
 * Interrupt and exception entry stubs. Each stub makes the frame uniform
 * (a dummy error code where the CPU pushes none, then the vector number),
 * saves the general registers as struct cpu_regs and calls do_trap().
 */
#include <asm/cpu_regs_asm.h>
#include <asm/layout.h>

/* Vectors whose exceptions push an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

/* Offsets in the frame once the general registers are pushed. */
#define F_VECTOR	(15 * 8)
#define F_CS		(18 * 8)

	/* In PV guests' tables with xpti (pv/pv_view.c). */
	.section .text.entry, "ax"
	.balign 16
common_entry:
	/* From ring 3: a PV guest (arch/x86/pv/pv_entry.S). */
	testb	$3, 24(%rsp)
	jnz	pv_trap_entry
	push_gprs
	cld
	/* An NMI, #MC or #DF can arrive in the two instructions around a
	 * PV guest's switch of GS base (pv_entry.S), and a #DB at the first
	 * instruction of an entry point (pv_debug.c): with the guest's GS
	 * base in place, this swaps the hypervisor's back for the handler
	 * and %r12 remembers to swap again on the way out. */
	xor	%r12d, %r12d
	/* With xpti a PV guest's tables hold little of Umbra (pv/pv_view.c)
	 * and are live in ring 0 around its entry and exit: an NMI, #MC or
	 * #DF, or a fault of the entry's IRETQ, arriving then runs its
	 * handler on Umbra's own tables; %r13 keeps the guest's. */
	xor	%r13d, %r13d
	mov	pv_root_cr3(%rip), %rax
	test	%rax, %rax
	jz	4f
	mov	%cr3, %rcx
	cmp	%rax, %rcx
	je	4f
	mov	%rcx, %r13
	mov	%rax, %cr3
	/* A fault of the PV entry's IRETQ (pv_entry.S) has the guest's GS
	 * base too: its fix-up needs the hypervisor's for do_trap(). */
4:	lea	pv_enter_iret(%rip), %rax
	cmp	%rax, 17 * 8(%rsp)
	je	1f
	cmpq	$1, F_VECTOR(%rsp)	/* a guest's #DB at an entry point */
	je	1f
	cmpq	$2, F_VECTOR(%rsp)
	je	1f
	cmpq	$8, F_VECTOR(%rsp)
	je	1f
	cmpq	$18, F_VECTOR(%rsp)
	jne	2f
1:	call	pv_gs_is_guest
	test	%eax, %eax
	jz	2f
	swapgs
	mov	$1, %r12d
2:	mov	%rsp, %rdi
	/* A frame-pointer link to the interrupted code makes backtraces run
	 * across the exception. */
	mov	17 * 8(%rsp), %rax	/* interrupted rip */
	push	%rax
	push	%rbp
	mov	%rsp, %rbp
	call	do_trap
	add	$16, %rsp
	test	%r13, %r13
	jz	5f
	mov	%r13, %cr3
5:	test	%r12d, %r12d
	jz	3f
	swapgs
3:	pop_gprs
	add	$16, %rsp		/* vector, error code */
	iretq

	.macro entry_stub v
	.balign 16
entry_\v:
	.if !HAS_ERRCODE(\v)
	push	$0
	.endif
	push	$\v
	jmp	common_entry
	.endm

	.altmacro
	.macro entry_stubs from, to
	entry_stub %\from
	.if \to - \from
	entry_stubs %(\from + 1), \to
	.endif
	.endm

	entry_stubs 0, 63
	entry_stubs 64, 127
	entry_stubs 128, 191
	entry_stubs 192, 255

	.macro entry_addr v
	.quad	entry_\v
	.endm
	.macro entry_addrs from, to
	entry_addr %\from
	.if \to - \from
	entry_addrs %(\from + 1), \to
	.endif
	.endm

	.section .rodata
	.balign 8
	.globl entry_table
entry_table:
	entry_addrs 0, 63
	entry_addrs 64, 127
	entry_addrs 128, 191
	entry_addrs 192, 255
