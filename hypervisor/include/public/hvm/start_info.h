/*
 * Start of day for PVH guests (Xen's "x86/HVM direct boot ABI", from
 * docs/misc/pvh.pandoc and public/arch-x86/hvm/start_info.h).
 *
 * The kernel is entered at its XEN_ELFNOTE_PHYS32_ENTRY address in 32-bit
 * protected mode: CR0.PE set and every other writable CR0 bit clear, CR4
 * zero, paging off; CS a flat 32-bit code segment, DS/ES flat 32-bit data
 * segments, TR a 32-bit TSS with base 0 and limit 0x67; EFLAGS with VM,
 * IF and TF clear; EBX the physical address of struct hvm_start_info.
 * Everything else (stack, GDT, IDT) is the kernel's job.
 *
 * All addresses below are guest-physical; 0 means "not present" because
 * nothing is ever placed at address 0. Strings are NUL-terminated ASCII.
 */
#ifndef UMBRA_PUBLIC_HVM_START_INFO_H
#define UMBRA_PUBLIC_HVM_START_INFO_H

#include "../abi.h"

/* "xEn3" with the high bit of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE	0x336ec578

/* Version 1 added the memory map; guests must check memmap_entries. */
#define XEN_HVM_START_INFO_VERSION	1

/* Memory map entry types: the ACPI address range types. */
#define XEN_HVM_MEMMAP_TYPE_RAM		1
#define XEN_HVM_MEMMAP_TYPE_RESERVED	2
#define XEN_HVM_MEMMAP_TYPE_ACPI	3
#define XEN_HVM_MEMMAP_TYPE_NVS		4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE	5
#define XEN_HVM_MEMMAP_TYPE_DISABLED	6
#define XEN_HVM_MEMMAP_TYPE_PMEM	7

#ifndef __ASSEMBLY__

struct hvm_start_info {
	uint32_t magic;			/* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;		/* newer versions only append */
	uint32_t flags;			/* SIF_* (xen.h) */
	uint32_t nr_modules;
	uint64_t modlist_paddr;		/* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;		/* kernel command line */
	uint64_t rsdp_paddr;		/* ACPI RSDP */
	/* version >= 1 */
	uint64_t memmap_paddr;		/* struct hvm_memmap_table_entry[] */
	uint32_t memmap_entries;	/* 0: no memory map given */
	uint32_t reserved;		/* zero */
};
UMBRA_ABI_OFFSET(struct hvm_start_info, version, 4);
UMBRA_ABI_OFFSET(struct hvm_start_info, flags, 8);
UMBRA_ABI_OFFSET(struct hvm_start_info, nr_modules, 12);
UMBRA_ABI_OFFSET(struct hvm_start_info, modlist_paddr, 16);
UMBRA_ABI_OFFSET(struct hvm_start_info, cmdline_paddr, 24);
UMBRA_ABI_OFFSET(struct hvm_start_info, rsdp_paddr, 32);
UMBRA_ABI_OFFSET(struct hvm_start_info, memmap_paddr, 40);
UMBRA_ABI_OFFSET(struct hvm_start_info, memmap_entries, 48);
UMBRA_ABI_OFFSET(struct hvm_start_info, reserved, 52);
UMBRA_ABI_SIZE(struct hvm_start_info, 56);

/* Size of the version 0 structure (everything before memmap_paddr). */
#define XEN_HVM_START_INFO_V0_SIZE	40

struct hvm_modlist_entry {
	uint64_t paddr;			/* module contents */
	uint64_t size;			/* in bytes */
	uint64_t cmdline_paddr;		/* module command line, or 0 */
	uint64_t reserved;
};
UMBRA_ABI_OFFSET(struct hvm_modlist_entry, size, 8);
UMBRA_ABI_OFFSET(struct hvm_modlist_entry, cmdline_paddr, 16);
UMBRA_ABI_SIZE(struct hvm_modlist_entry, 32);

struct hvm_memmap_table_entry {
	uint64_t addr;			/* base of the range */
	uint64_t size;			/* in bytes */
	uint32_t type;			/* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved;		/* zero */
};
UMBRA_ABI_OFFSET(struct hvm_memmap_table_entry, size, 8);
UMBRA_ABI_OFFSET(struct hvm_memmap_table_entry, type, 16);
UMBRA_ABI_SIZE(struct hvm_memmap_table_entry, 24);

#endif /* !__ASSEMBLY__ */

#endif
