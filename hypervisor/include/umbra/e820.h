/*
 * E820-style memory maps (hypervisor/common/e820.c): what a domain is told
 * about its physical address space. dom0's map starts from the machine's
 * and has Umbra's memory and other domains' carved out as reserved.
 *
 * A map is kept sorted by address with no overlaps and adjacent ranges of
 * the same type merged, whatever order ranges are added in. Types are the
 * ACPI/E820 numbers the Linux boot protocol carries.
 */
#ifndef UMBRA_E820_H
#define UMBRA_E820_H

#include <stdint.h>

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_NVS	4
#define E820_UNUSABLE	5

/* The zero page holds at most 128 entries; a map never grows beyond. */
#define E820_MAX_ENTRIES 128

struct e820_range {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_map {
	unsigned int nr;
	/* Two spare slots: an update may split one range and add one before
	 * merging brings the count back to at most E820_MAX_ENTRIES. */
	struct e820_range r[E820_MAX_ENTRIES + 2];
};

/* A range of physical addresses, [start, end). */
struct mem_range {
	uint64_t start, end;
};

void e820_init(struct e820_map *m);

/*
 * Set [addr, addr+size) to `type`, replacing whatever the map said about
 * that range (a later call wins). 0, -EINVAL for an empty or wrapping
 * range or type 0, -ENOSPC if the result would need more than
 * E820_MAX_ENTRIES entries (the map is then unchanged).
 */
int e820_set(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type);

/* Bytes of type E820_RAM in the map. */
uint64_t e820_ram_bytes(const struct e820_map *m);

/*
 * The lowest address >= `min`, aligned to `align` (a power of two), where
 * `size` bytes of E820_RAM lie below `limit` in one range; 0 if none.
 * With `highest`, the highest such address instead.
 */
uint64_t e820_find_ram(const struct e820_map *m, uint64_t min, uint64_t limit,
		       uint64_t size, uint64_t align, int highest);

#endif
