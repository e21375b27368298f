/*
 * Start of day of a PV guest (docs/pv.md): entered in ring 3, 64-bit, on
 * the bootstrap page tables, with RSI = start_info and RSP at the top of
 * the builder's stack page. We move to our own stack and call C.
 *
 * The Xen notes here tell the domain builder how to load us; the
 * hypercall page is a page of our image the builder fills with stubs.
 */
#include <public/elfnote.h>

/* One note: owner "Xen", then the description the caller emits between
 * note_start and note_end. */
	.macro note_start type
	.balign 4
	.long 4, 2f - 1f, \type
	.asciz "Xen"
1:
	.endm
	.macro note_end
2:	.balign 4
	.endm

	.section .note.Xen, "a"
	note_start XEN_ELFNOTE_GUEST_OS
	.asciz "umbra-minios"
	note_end
	note_start XEN_ELFNOTE_XEN_VERSION
	.asciz "xen-3.0"
	note_end
	note_start XEN_ELFNOTE_LOADER
	.asciz "generic"
	note_end
	note_start XEN_ELFNOTE_VIRT_BASE
	.quad 0
	note_end
	note_start XEN_ELFNOTE_ENTRY
	.quad _start
	note_end
	note_start XEN_ELFNOTE_HYPERCALL_PAGE
	.quad hypercall_page
	note_end

	.section .text.entry, "ax"
	.globl _start
_start:
	lea	minios_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	mov	%rsi, %rdi
	call	minios_start
1:	ud2
	jmp	1b

	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.section .bss
	.balign 16
minios_stack:
	.skip 16384
	.globl minios_stack_top
minios_stack_top:
