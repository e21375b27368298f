/* Linker script for umbra.elf: a multiboot2 image whose 32-bit boot code
 * runs where GRUB loads it (physical = virtual) and whose body runs in the
 * higher half. */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)

SECTIONS
{
	. = HV_LOAD_PHYS;
	__image_start_phys = .;

	.boot : {
		KEEP(*(.multiboot2))
		*(.boot.text)
		*(.boot.data)
		. = ALIGN(16);
		__trampoline_lma = .;
	}
	/* The AP start-up code runs at AP_TRAMPOLINE_PHYS after being copied. */
	.trampoline AP_TRAMPOLINE_PHYS : AT(__trampoline_lma) {
		__trampoline_start = .;
		*(.trampoline)
		__trampoline_end = .;
	}
	. = __trampoline_lma + SIZEOF(.trampoline);
	. = ALIGN(4096);

	. += HV_VIRT_BASE;
	.text : AT(ADDR(.text) - HV_VIRT_BASE) {
		__text_start = .;
		*(.text.hot)	/* the exit path first: umbra/hot.h */
		*(.text.hot.domu)
		/* Port I/O's handlers on the next page whole, rather than
		 * across the two (its exit would go back and forth). */
		. = ALIGN(4096);
		*(.text.hot.domu.io)
		*(.text.hot.handler)
		*(.text.hot.full)
		/* Code a PV guest's tables hold with xpti (pv/pv_view.c), on
		 * pages of its own. */
		. = ALIGN(4096);
		__entry_text_start = .;
		*(.text.entry)
		. = ALIGN(4096);
		__entry_text_end = .;
		*(.text .text.*)
		__text_end = .;
	}
	/* Page-aligned section borders: arch/x86/paging.c maps .text read-only
	 * and executable, .rodata and .ksyms read-only, the rest writable, all
	 * but .text no-execute. */
	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - HV_VIRT_BASE) {
		__rodata_start = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__start_ex_table = .;
		KEEP(*(ex_table))
		__stop_ex_table = .;
	}
	/* Symbol table for backtraces. It names only .text, which comes
	 * before it, so filling it in the second link pass moves nothing
	 * that it names. */
	.ksyms : AT(ADDR(.ksyms) - HV_VIRT_BASE) {
		KEEP(*(.ksyms))
	}
	. = ALIGN(4096);
	__rodata_end = .;
	.data : AT(ADDR(.data) - HV_VIRT_BASE) {
		__data_start = .;
		/* Data a PV guest's tables hold with xpti (pv/pv_view.c). */
		__entry_data_start = .;
		*(.data.entry)
		. = ALIGN(4096);
		__entry_data_end = .;
		*(.data .data.*)
		. = ALIGN(8);
		__start_umbra_params = .;
		KEEP(*(umbra_params))
		__stop_umbra_params = .;
	}
	. = ALIGN(4096);
	.bss : AT(ADDR(.bss) - HV_VIRT_BASE) {
		__bss_start = .;
		__entry_bss_start = .;	/* with xpti in PV guests' tables */
		*(.bss.entry)
		. = ALIGN(4096);
		__entry_bss_end = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	}
	__image_end = .;
	__image_end_phys = . - HV_VIRT_BASE;

	/DISCARD/ : {
		*(.comment) *(.note.*) *(.eh_frame) *(.eh_frame_hdr)
	}
}
