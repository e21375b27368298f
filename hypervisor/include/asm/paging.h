/* The hypervisor's own page tables: one set, shared by every CPU. */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/* Build the final tables (image by section, direct map, nothing in the
 * lower half) and switch the calling CPU to them. After mm_init(). */
void paging_init(void);
/* The root for CR3 (below 4 GiB: the AP trampoline loads it in 32-bit mode). */
uint64_t paging_root(void);

/* Map [pa, pa + size) at va, read-write, not executable, in 4 KiB pages
 * (a hypervisor data area outside the direct map: the PV frame table). */
void paging_map_data(uint64_t va, uint64_t pa, uint64_t size);

/* Map this CPU's stacks in the stack area (a guard page below each) and
 * record their tops in its struct percpu. */
void paging_map_stacks(unsigned int cpu);
/* The CPU whose stack guard page holds va, or -1. */
int paging_stack_guard_cpu(uint64_t va);

/* The AP trampoline page at its physical address, read-only and
 * executable, only while APs start; unmap_low drops the whole lower half
 * again (the APs flush when they are released). */
void paging_map_trampoline(void);
void paging_unmap_low(void);

#endif
