/*
 * The ELF note that makes a test guest a PVH kernel (assembler only):
 * XEN_ELFNOTE_PHYS32_ENTRY naming the 32-bit entry point. Shared by the
 * 64-bit runtime (lib/head.S) and the 32-bit guest (hvm32/head32.S).
 */
#ifndef GUEST_PVH_NOTE_H
#define GUEST_PVH_NOTE_H

#include <public/elfnote.h>

.macro PVH_ENTRY_NOTE entry
	.pushsection .note.Xen, "a", @note
	.p2align 2
	.long 4				/* namesz: "Xen\0" */
	.long 4				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long \entry
	.p2align 2
	.popsection
.endm

#endif
