/*
 * Building the PVH start of day (public/hvm/start_info.h) in a domain's
 * guest-physical memory: struct hvm_start_info at an address the caller
 * picks, followed by the module list, the memory map and the strings it
 * points to. The guest is then entered with EBX = that address.
 *
 * Layout from `info_paddr`, each part 8-byte aligned:
 *   struct hvm_start_info
 *   struct hvm_modlist_entry[nr_modules]
 *   struct hvm_memmap_table_entry[nr_memmap]
 *   kernel command line, NUL-terminated (if any)
 *   module command lines, NUL-terminated (those given)
 */
#ifndef UMBRA_PVH_H
#define UMBRA_PVH_H

#include <stdint.h>
#include <umbra/elf_loader.h>
#include <public/hvm/start_info.h>

/* Limits that keep a hostile or broken configuration bounded. */
#define PVH_CMDLINE_MAX		4096	/* bytes, without the NUL */
#define PVH_MAX_MODULES		16
#define PVH_MAX_MEMMAP		128

/* A module the caller already placed in guest memory. */
struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	const char *cmdline;	/* NULL: none */
};

struct pvh_start_params {
	uint64_t info_paddr;	/* where to build; non-zero, 8-byte aligned */
	uint64_t area_size;	/* bytes usable from info_paddr */
	uint64_t mem_size;	/* the domain's guest-physical memory size */
	uint32_t flags;		/* SIF_* */
	uint64_t rsdp_paddr;	/* 0: no ACPI tables */
	const char *cmdline;	/* NULL: none */
	const struct pvh_module *modules;
	unsigned int nr_modules;
	const struct hvm_memmap_table_entry *memmap;
	unsigned int nr_memmap;
};

/*
 * Write the start info. Returns the number of bytes used from
 * info_paddr (> 0), or -EINVAL with *why naming the problem (nothing
 * written), or a callback's error (*why says so).
 */
long pvh_build_start_info(const struct pvh_start_params *p,
			  const struct guest_writer *gw, const char **why);

/*
 * The memory map of a domain with `mem_size` bytes of RAM starting at 0,
 * less `reserved_size` bytes at `reserved_paddr` (the start info area or
 * other hypervisor-owned pages; 0 bytes: none). Fills up to `max` entries
 * of out[] in address order and returns how many, or -EINVAL if the
 * reserved range is not inside RAM or max is too small.
 */
int pvh_ram_memmap(uint64_t mem_size, uint64_t reserved_paddr,
		   uint64_t reserved_size, struct hvm_memmap_table_entry *out,
		   unsigned int max);

#endif
