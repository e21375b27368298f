/*
 * Where dom0's memory is (hypervisor/common/dom0_layout.c). dom0's
 * guest-physical addresses are machine addresses, so its RAM is a set of
 * machine ranges: the lowest usable RAM, skipping what Umbra occupies
 * (its image, the boot information, the boot modules, the allocator's
 * metadata), up to the size dom0_mem= asked for. Low RAM goes to dom0
 * because Linux needs it (real-mode trampoline below 1 MiB, ISA DMA
 * below 16 MiB); Umbra and the other domains live above.
 *
 * Page 0 is never dom0's RAM (an address of 0 means "none" to the domain
 * code); it is mapped like the other non-RAM ranges.
 *
 * dom0's e820 is the machine's with every RAM byte that is not dom0's
 * marked reserved: dom0 sees where devices are, never Umbra's memory.
 */
#ifndef UMBRA_DOM0_LAYOUT_H
#define UMBRA_DOM0_LAYOUT_H

#include <stdint.h>
#include <umbra/e820.h>

#define DOM0_MAX_RANGES	32

struct dom0_layout {
	unsigned int nr;
	struct mem_range ram[DOM0_MAX_RANGES];	/* ascending, page-aligned */
	uint64_t bytes;
	struct e820_map e820;			/* what dom0 is told */
	const char *error;
};

/*
 * machine: the machine's memory map; busy: ranges Umbra keeps (any order,
 * may overlap). Gives dom0 `size` bytes. 0, or -ENOMEM (not enough free
 * RAM) / -ENOSPC (too fragmented) with layout->error set.
 */
int dom0_layout_build(const struct e820_map *machine, const struct mem_range *busy,
		      unsigned int nr_busy, uint64_t size, struct dom0_layout *layout);

#endif
