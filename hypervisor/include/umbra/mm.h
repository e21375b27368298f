/* The hypervisor's memory: the machine page allocator (page_alloc.h) set
 * up from the boot memory map, behind a lock, and the global heap. */
#ifndef UMBRA_MM_H
#define UMBRA_MM_H

#include <stdint.h>

struct boot_info;

/* Build the allocator from the memory map, excluding the hypervisor image,
 * the boot information, the modules and the first MiB. */
void mm_init(const struct boot_info *bi, uint64_t mbi_phys, uint64_t mbi_size);

uint64_t alloc_page_phys(void);		/* 0 when out of memory */
uint64_t alloc_extent_2m_phys(void);	/* 2 MiB-aligned; 0 when none */
void free_page_phys(uint64_t pa);
void free_extent_2m_phys(uint64_t pa);
/*
 * A domain's RAM: an extent that is all zeroes, zeroed here only if it was
 * not known to be; and the way back for an extent the caller has zeroed
 * (a destroyed domain's, scrubbed), so the next domain does not zero it
 * again. Any other allocation touching an extent forgets it was clean.
 */
uint64_t alloc_extent_2m_zeroed(void);
void free_extent_2m_zeroed(uint64_t pa);
uint64_t mm_free_bytes(void);
uint64_t mm_total_bytes(void);
/* End of the highest RAM range (XENMEM_maximum_ram_page). */
uint64_t mm_ram_end(void);
/* phys_to_virt() works below this machine address. */
uint64_t mm_directmap_end(void);

#endif
