/*
 * Multiboot2 entry: GRUB jumps here in 32-bit protected mode, paging off,
 * EAX = bootloader magic, EBX = physical address of the boot information.
 * We check for long mode, build boot page tables (identity and direct map
 * of the first BOOT_MAP_GIB GiB with 2 MiB pages, plus the image at -2 GiB),
 * enter long mode and continue in the higher half. These tables serve only
 * until paging_init() (arch/x86/paging.c) has built the final ones.
 */
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/x86.h>
#include <umbra/multiboot2.h>

#define PTE_P_W		0x003
#define PTE_P_W_PS	0x083

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.balign 8		/* entry address tag: jump to start32 */
	.short 3, 0
	.long 12
	.long start32
	.balign 8		/* module alignment tag: page-aligned modules */
	.short 6, 0
	.long 8
	.balign 8		/* end tag */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	mov	$boot_stack_top, %esp
	mov	%eax, %edi		/* kept for start_umbra_early(magic, mbi) */
	mov	%ebx, %esi
	cmp	$MB2_BOOTLOADER_MAGIC, %eax
	mov	$msg_not_mb2, %ebx
	jne	early_fail

	mov	$0x80000000, %eax	/* long mode and NX available? */
	cpuid
	cmp	$0x80000001, %eax
	mov	$msg_no_lm, %ebx
	jb	early_fail
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	early_fail
	bt	$20, %edx
	jnc	early_fail

	/* boot_pd: 4 pages of 2 MiB leaves covering BOOT_MAP_GIB GiB */
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$PTE_P_W_PS, %eax
	mov	%eax, boot_pd(, %ecx, 8)
	movl	$0, boot_pd + 4(, %ecx, 8)
	inc	%ecx
	cmp	$(BOOT_MAP_GIB * 512), %ecx
	jb	1b

	/* boot_pdpt[i] -> boot_pd page i */
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$12, %eax
	add	$(boot_pd + PTE_P_W), %eax
	mov	%eax, boot_pdpt(, %ecx, 8)
	inc	%ecx
	cmp	$BOOT_MAP_GIB, %ecx
	jb	2b

	/* -2 GiB: boot_pdpt_high[510] -> first GiB */
	movl	$(boot_pd + PTE_P_W), boot_pdpt_high + 510 * 8
	movl	$(boot_pdpt + PTE_P_W), boot_pml4
	movl	$(boot_pdpt + PTE_P_W), boot_pml4 + DIRECTMAP_SLOT * 8
	movl	$(boot_pdpt_high + PTE_P_W), boot_pml4 + 511 * 8

	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP | CR0_PE), %eax
	mov	%eax, %cr0
	lgdt	boot_gdt_desc
	ljmp	$BOOT_CS64, $start64_low

/* Print the NUL-terminated string at EBX on COM1 and stop. */
early_fail:
	mov	$0x3f8, %dx
3:	movb	(%ebx), %al
	test	%al, %al
	jz	4f
	outb	%al, %dx
	inc	%ebx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
start64_low:
	movabs	$start64, %rax
	jmp	*%rax

	.section .boot.data, "aw"
msg_not_mb2:
	.asciz	"umbra: not started by a multiboot2 loader; halting\r\n"
msg_no_lm:
	.asciz	"umbra: this CPU has no long mode or no NX; halting\r\n"

	.balign 8
	.globl boot_gdt
boot_gdt:
	.quad	0
	.quad	GDT_DESC_CS64
	.quad	GDT_DESC_DS
	.quad	GDT_DESC_CS32
boot_gdt_end:
	.balign 8
	.globl boot_gdt_desc
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.balign 4096
	.globl boot_pml4
boot_pml4:	.fill 512, 8, 0
	.globl boot_pdpt
boot_pdpt:	.fill 512, 8, 0
boot_pdpt_high:	.fill 512, 8, 0
boot_pd:	.fill BOOT_MAP_GIB * 512, 8, 0
boot_stack:	.fill 1024, 1, 0
boot_stack_top:

	.text
	.code64
start64:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	/* Zero .bss before anything lives there (including the BSP stack). */
	mov	%rdi, %r12
	movabs	$__bss_start, %rdi
	movabs	$__bss_end, %rcx
	sub	%rdi, %rcx
	xor	%eax, %eax
	rep stosb
	mov	%r12, %rdi
	movabs	$bsp_stack + STACK_SIZE, %rsp
	mov	%edi, %edi
	mov	%esi, %esi
	xor	%ebp, %ebp		/* ends backtraces */
	call	start_umbra_early
5:	cli
	hlt
	jmp	5b

	/* The boot CPU's stack until it moves to its guarded one. */
	.bss
	.balign 4096
bsp_stack:
	.fill	STACK_SIZE, 1, 0
