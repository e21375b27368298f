/* Multiboot2: the header constants boot code needs, and a checked parser
 * for the boot information a multiboot2 loader hands over
 * (hypervisor/common/multiboot2.c). Numbers are those of the Multiboot2
 * specification, version 2.0.
 *
 * The constants are usable from assembly; the C part is hidden from it. */
#ifndef UMBRA_MULTIBOOT2_H
#define UMBRA_MULTIBOOT2_H

/* Image header: magic, architecture, length, checksum, then tags. */
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_ARCH_I386		0
#define MB2_HEADER_ALIGN	8

#define MB2_HEADER_TAG_END		0
#define MB2_HEADER_TAG_INFO_REQUEST	1
#define MB2_HEADER_TAG_ADDRESS		2
#define MB2_HEADER_TAG_ENTRY_ADDRESS	3
#define MB2_HEADER_TAG_CONSOLE_FLAGS	4
#define MB2_HEADER_TAG_FRAMEBUFFER	5
#define MB2_HEADER_TAG_MODULE_ALIGN	6
#define MB2_HEADER_TAG_EFI_BS		7
#define MB2_HEADER_TAG_ENTRY_EFI32	8
#define MB2_HEADER_TAG_ENTRY_EFI64	9
#define MB2_HEADER_TAG_RELOCATABLE	10

/* In EAX at entry; EBX holds the physical address of the information. */
#define MB2_BOOTLOADER_MAGIC	0x36d76289

/* Boot information tags. */
#define MB2_TAG_ALIGN		8
#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_BOOT_LOADER_NAME 2
#define MB2_TAG_MODULE		3
#define MB2_TAG_BASIC_MEMINFO	4
#define MB2_TAG_BOOTDEV		5
#define MB2_TAG_MMAP		6
#define MB2_TAG_VBE		7
#define MB2_TAG_FRAMEBUFFER	8
#define MB2_TAG_ELF_SECTIONS	9
#define MB2_TAG_APM		10
#define MB2_TAG_EFI32		11
#define MB2_TAG_EFI64		12
#define MB2_TAG_SMBIOS		13
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_NETWORK		16
#define MB2_TAG_EFI_MMAP	17
#define MB2_TAG_EFI_BS		18
#define MB2_TAG_EFI32_IH	19
#define MB2_TAG_EFI64_IH	20
#define MB2_TAG_LOAD_BASE_ADDR	21

/* Memory map entry types. */
#define MB2_MEMORY_AVAILABLE		1
#define MB2_MEMORY_RESERVED		2
#define MB2_MEMORY_ACPI_RECLAIMABLE	3
#define MB2_MEMORY_NVS			4
#define MB2_MEMORY_BADRAM		5

#ifndef __ASSEMBLY__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fixed capacities of struct boot_info; more entries than these are
 * dropped and flagged in boot_info.warnings, never an error. */
#define MB2_MAX_MMAP		128
#define MB2_MAX_MODULES		32
#define MB2_WHY_LEN		128

/* Sizes of the ACPI RSDP copies in tags 14 (ACPI 1.0) and 15 (2.0+). */
#define MB2_RSDP_V1_LEN		20
#define MB2_RSDP_V2_LEN		36

enum mb2_warning {
	MB2_WARN_MMAP_TRUNCATED = 1 << 0,	/* more than MB2_MAX_MMAP entries */
	MB2_WARN_MODULES_TRUNCATED = 1 << 1,	/* more than MB2_MAX_MODULES */
	MB2_WARN_DUPLICATE_TAG = 1 << 2,	/* a single-valued tag repeated;
						 * the first one is used */
};

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* MB2_MEMORY_* (others possible) */
};

struct mb2_module {
	uint64_t start;		/* physical, first byte */
	uint64_t end;		/* physical, one past the last byte */
	const char *cmdline;	/* inside the boot information, never NULL */
};

/* What mb2_parse() extracts. Pointers point into the boot information,
 * which the caller must keep mapped (and its pages reserved) for as long
 * as it uses them. */
struct boot_info {
	uint32_t total_size;		/* of the boot information */
	const char *cmdline;		/* NULL when there is no tag */
	const char *loader_name;	/* NULL when there is no tag */

	bool has_meminfo;
	uint32_t mem_lower_kib;		/* below 1 MiB */
	uint32_t mem_upper_kib;		/* from 1 MiB to the first hole */

	size_t mmap_count;		/* entries stored in mmap[] */
	size_t mmap_total;		/* entries in the tag */
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];

	size_t module_count;		/* entries stored in modules[] */
	size_t module_total;		/* module tags seen */
	struct mb2_module modules[MB2_MAX_MODULES];

	/* The loader's copy of the ACPI RSDP (tag 15 preferred over 14).
	 * acpi_version: 0 none, 1 from tag 14 (ACPI 1.0 RSDP), 2 from tag
	 * 15 (ACPI 2.0+ XSDP). Signature and checksum are not checked. */
	const void *rsdp;
	size_t rsdp_len;
	unsigned int acpi_version;

	const void *elf_sections;	/* the whole tag 9, NULL if absent */
	size_t elf_sections_size;

	unsigned int warnings;		/* enum mb2_warning bits */
	char why[MB2_WHY_LEN];		/* storage behind *why on failure */
};

/* Parses the boot information at mbi, of which the caller can read
 * `readable` bytes. Returns 0, or -EINVAL with *why (if why is not NULL)
 * pointing to a reason naming the offending tag and offset; out is then
 * unusable except for the reason text. Unknown tag types are skipped. */
int mb2_parse(const void *mbi, size_t readable, struct boot_info *out,
	      const char **why);

/* "available", "reserved", "ACPI reclaimable", "ACPI NVS", "bad RAM" or
 * "unknown", for printing the memory map. */
const char *mb2_memory_type_name(uint32_t type);

#endif /* __ASSEMBLY__ */

#endif
