/*
 * PVH entry of the 32-bit guest: entered in 32-bit protected mode with
 * paging off, flat segments and EBX = the start info's address. It stays
 * in 32-bit mode: hvm32_main() turns paging on and off itself.
 */
#include "pvh_note.h"

	PVH_ENTRY_NOTE pvh_start32

	.section .text.entry, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov	$stack_top, %esp
	push	%ebx
	call	hvm32_main
1:	hlt
	jmp	1b

	.bss
	.p2align 12
stack:
	.skip	16384
stack_top:
