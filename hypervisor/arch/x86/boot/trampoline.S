/*
 * Application-processor start-up. smp.c copies this to AP_TRAMPOLINE_PHYS,
 * fills in the parameters below and sends INIT/SIPI; the AP starts here in
 * real mode at CS:IP = 0x0800:0000, walks up to long mode on the
 * hypervisor's page tables and jumps to ap_start64 in the higher half.
 * While APs start, those tables map this one page at its physical address,
 * read-only and executable, and nothing else in the lower half: so the
 * GDT used here lives in this page too.
 */
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/x86.h>

	.section .trampoline, "ax"
	.code16
	.globl trampoline_entry
trampoline_entry:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_desc
	mov	%cr0, %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	ljmpl	$BOOT_CS32, $tramp32

	.code32
tramp32:
	mov	$BOOT_DS, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	tramp_cr3, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP), %eax
	mov	%eax, %cr0
	ljmp	$BOOT_CS64, $tramp64

	.code64
tramp64:
	mov	tramp_stack, %rsp
	mov	tramp_arg, %rdi
	mov	tramp_target, %rax
	xor	%ebp, %ebp
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad	0
	.quad	GDT_DESC_CS64
	.quad	GDT_DESC_DS
	.quad	GDT_DESC_CS32
tramp_gdt_end:
tramp_gdt_desc:
	.short	tramp_gdt_end - tramp_gdt - 1
	.long	tramp_gdt

	.balign 8
	.globl tramp_cr3, tramp_stack, tramp_arg, tramp_target
tramp_cr3:	.quad 0
tramp_stack:	.quad 0
tramp_arg:	.quad 0
tramp_target:	.quad 0
