/*
 * The exit path's re-read of the instruction a vCPU has just exited on,
 * in its usual case, inline (asm/guest_access.h's fetch_guest_insn_short
 * is the same with the general case behind it): bytes within one page of
 * an ordinary domain (no identity map, no frame given back), the guest's
 * 4-level tables followed with their present bits alone, since the CPU
 * has just fetched those bytes and checked their permissions. Inline:
 * each call and return on that path is a translation lookup under TCG
 * (umbra/hot.h).
 */
#ifndef ASM_GUEST_INSN_H
#define ASM_GUEST_INSN_H

#include <stdint.h>
#include <asm/layout.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include "mmu/pte.h"

/* The host address of the len bytes at gva, or NULL: the quick way does
 * not apply (then fetch_guest_insn_short decides) or the walk ends at an
 * absent entry or outside the domain's RAM. cr3 is the guest's own. As
 * few instructions as it takes (each costs several times its native
 * cost under TCG), the domain's layout read once. */
static inline __attribute__((always_inline)) const uint8_t *
guest_insn_bytes_quick(const struct domain *d, uint64_t cr0, uint64_t efer, uint64_t cr3,
		       uint64_t gva, unsigned int len)
{
	const uint64_t *ext = d->extents;
	uint64_t top = (uint64_t)d->nr_extents * EXTENT_SIZE, gpa, e;
	uint64_t table = cr3 & PTE_ADDR_MASK;
	unsigned int shift;

	if (d->identity || __atomic_load_n(&d->unbacked_pages, __ATOMIC_ACQUIRE) ||
	    (gva & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return NULL;
	if (d->mem_bytes < top)
		top = d->mem_bytes;
	if (!(cr0 & CR0_PG)) {
		gpa = (uint32_t)gva;
	} else if (!(efer & EFER_LMA)) {	/* 4-level: CR4.LA57 is not offered */
		return NULL;
	} else {
		for (shift = 39;; shift -= 9) {
			if (table + PAGE_SIZE > top)
				return NULL;
			e = __atomic_load_n((const uint64_t *)phys_to_virt(ext[table / EXTENT_SIZE] +
									     table % EXTENT_SIZE) +
					    ((gva >> shift) & 511), __ATOMIC_RELAXED);
			if (!(e & PTE_P))
				return NULL;
			if (shift == 12 || (shift < 39 && (e & PTE_PS)))
				break;
			table = e & PTE_ADDR_MASK;
		}
		/* A 4 KiB, 2 MiB or 1 GiB page (bit 12 of a large leaf is PAT). */
		gpa = (e & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) | (gva & ((1ULL << shift) - 1));
	}
	if (gpa + len > top)
		return NULL;
	return phys_to_virt(ext[gpa / EXTENT_SIZE] + gpa % EXTENT_SIZE);
}

#endif
