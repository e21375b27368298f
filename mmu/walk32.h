/* The page walks of a processor outside long mode (Intel SDM vol. 3
 * §4.3 and §4.4, AMD APM vol. 2 §5.2 and §5.3): 2-level paging with
 * 32-bit entries (4 MiB pages with CR4.PSE, PSE-36 address bits) and PAE
 * paging with 64-bit entries (a 4-entry PDPT, 2 MiB pages, NX with
 * EFER.NXE). Same permission rules and error codes as the 4-level walk
 * (walk.h), except protection keys, which only exist in long mode.
 * Freestanding.
 *
 * Choices where the architecture leaves freedom:
 *  - PDPTEs are read from memory at every walk, as AMD's processors do
 *    under nested paging (no PDPTE registers); a PDPTE that is not
 *    present or has a reserved bit set makes a #PF like any other entry,
 *    except the accessed bit (5), which is reserved but tolerated: QEMU
 *    7.2's TCG writes it into the guest's PDPTEs, and a walk that refused
 *    it made every hypercall buffer of a PAE guest under NPT -EFAULT (it
 *    carries no right, so tolerating it grants nothing);
 *  - accessed and dirty flags: as in walk.h (only when the whole walk
 *    succeeds, compare-exchange, restart if an entry changed); PDPTEs
 *    have no accessed flag under PAE and are never written. */
#ifndef MMU_WALK32_H
#define MMU_WALK32_H

#include <stdint.h>

#include "mmu/walk.h"

/* Translate the 32-bit `va` with CR4.PAE choosing PAE or 2-level paging.
 * Arguments, results and w's fields as mmu_walk (walk.h) with levels
 * numbered from the leaf: 2-level paging uses levels 2 and 1 (a 4 MiB
 * page is a level-2 leaf); PAE uses 3 (the PDPTE), 2 and 1. The tables
 * are reached through t->map with the address of their page; entries
 * are 4 bytes under 2-level paging. MMU_WALK_PHYS_INPUT is refused. */
int mmu_walk32(const struct mmu_mode *m, const struct mmu_tables *t, uint64_t cr3,
	       uint32_t va, unsigned int access, unsigned int flags, struct mmu_walk *w);

#endif
