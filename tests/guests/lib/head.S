/*
 * PVH entry. The loader enters pvh_start32 in 32-bit protected mode with
 * paging off and EBX = guest-physical address of struct hvm_start_info
 * (public/hvm/start_info.h). We build identity page tables for the low
 * 4 GiB with 2 MiB pages, switch to long mode and call guest_start().
 */
#include "pvh_note.h"
#include "cpu.h"

#define CR0_PE		0x00000001
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800
/* User-accessible, so that tests can run code at CPL 3 on this map
 * (SMEP and SMAP stay off, so the kernel is not hindered). */
#define PTE_P_W		0x007
#define PTE_P_W_PS	0x087

	/* The note that makes this a PVH kernel. */
	PVH_ENTRY_NOTE pvh_start32

	.section .text.entry, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov	%ebx, %esi		/* start info, kept for guest_start */
	mov	$boot_stack_top, %esp

	/* pd[i] maps 2 MiB at i * 2 MiB, for i < 2048 (4 GiB). */
	mov	$pd, %edi
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$PTE_P_W_PS, %eax
	mov	%eax, (%edi,%ecx,8)
	movl	$0, 4(%edi,%ecx,8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b

	/* pdpt[0..3] -> the four page directories; pml4[0] -> pdpt. */
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$12, %eax
	add	$pd + PTE_P_W, %eax
	mov	%eax, pdpt(,%ecx,8)
	movl	$0, pdpt + 4(,%ecx,8)
	inc	%ecx
	cmp	$4, %ecx
	jb	2b
	movl	$pdpt + PTE_P_W, pml4
	movl	$0, pml4 + 4

	lgdt	gdt_desc
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	mov	%esi, %edi		/* zero-extends: the start info address */
	call	guest_start
3:	hlt
	jmp	3b

	.section .rodata
	.p2align 3
gdt:
	.quad 0				/* null */
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss
	.p2align 12
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
	.p2align 4
boot_stack:
	.skip 16384
boot_stack_top:
