/* The processor state that decides how a linear address is translated
 * and checked: the few control-register bits paging looks at, PKRU, and
 * the page-fault error code a failed translation produces. Freestanding.
 *
 * Names carry an MMU_ prefix so that they never collide with other
 * register definitions; the hypervisor's asm/x86.h names these same bits
 * after them. The register bits are usable from assembly too. */
#ifndef MMU_MODE_H
#define MMU_MODE_H

#ifdef __ASSEMBLY__
#define MMU_REG_BIT(n)	(1 << (n))
#else
#define MMU_REG_BIT(n)	(1ULL << (n))
#endif

#define MMU_CR0_WP	MMU_REG_BIT(16)	/* supervisor writes honour R/W */
#define MMU_CR0_PG	MMU_REG_BIT(31)	/* paging */
#define MMU_CR4_PSE	MMU_REG_BIT(4)	/* 4 MiB pages under 2-level paging */
#define MMU_CR4_PAE	MMU_REG_BIT(5)	/* PAE paging when not in long mode */
#define MMU_CR4_PGE	MMU_REG_BIT(7)
#define MMU_CR4_PCIDE	MMU_REG_BIT(17)	/* CR3 bits 11:0 are a PCID */
#define MMU_CR4_SMEP	MMU_REG_BIT(20)
#define MMU_CR4_SMAP	MMU_REG_BIT(21)
#define MMU_CR4_PKE	MMU_REG_BIT(22)
#define MMU_EFER_LMA	MMU_REG_BIT(10)	/* long mode active: 4-level paging */
#define MMU_EFER_NXE	MMU_REG_BIT(11)

#ifndef __ASSEMBLY__

#include <stdbool.h>
#include <stdint.h>
#include "mmu/pte.h"

/* Page-fault error code (pushed with #PF, also AMD's EXITINFO1 for #NPF). */
#define MMU_PF_P	(1u << 0)	/* 0: not present, 1: protection / reserved */
#define MMU_PF_W	(1u << 1)	/* the access was a write */
#define MMU_PF_U	(1u << 2)	/* the access was a user-mode access */
#define MMU_PF_RSVD	(1u << 3)	/* a reserved bit was set in an entry */
#define MMU_PF_ID	(1u << 4)	/* instruction fetch (with NXE or SMEP) */
#define MMU_PF_PK	(1u << 5)	/* protection-key violation */

/* #NPF EXITINFO1 bits above the error code: which translation failed. */
#define MMU_NPF_FINAL	(1ULL << 32)	/* translating the final guest-physical address */
#define MMU_NPF_TABLE	(1ULL << 33)	/* translating a guest page-table address */

/* PKRU: two bits per protection key. */
#define MMU_PKRU_AD(key)	(1u << (2 * (key)))	/* access disable */
#define MMU_PKRU_WD(key)	(1u << (2 * (key) + 1))	/* write disable */

struct mmu_mode {
	uint64_t cr0;
	uint64_t cr4;
	uint64_t efer;
	uint32_t pkru;
	uint8_t maxphyaddr;	/* physical-address width; 0 means 52 */
	bool no_1g_pages;	/* CPU lacks 1 GiB pages: PS in an L3 entry is reserved */
};

/* Which tables the processor walks. EFER.LMA: 4-level; otherwise with
 * CR0.PG, CR4.PAE picks PAE or 2-level paging. A mode with neither LMA
 * nor PG names no paging form: it counts as 4-level, so that callers
 * describing only the bits the 4-level walk looks at (host tests) keep
 * meaning long mode. */
enum mmu_paging_form { MMU_FORM_LONG, MMU_FORM_PAE, MMU_FORM_2LEVEL };

static inline enum mmu_paging_form mmu_paging_form(const struct mmu_mode *m)
{
	if ((m->efer & MMU_EFER_LMA) || !(m->cr0 & MMU_CR0_PG))
		return MMU_FORM_LONG;
	return (m->cr4 & MMU_CR4_PAE) ? MMU_FORM_PAE : MMU_FORM_2LEVEL;
}

static inline unsigned int mmu_maxphyaddr(const struct mmu_mode *m)
{
	return m->maxphyaddr ? m->maxphyaddr : PADDR_BITS_MAX;
}

/* Address bits at or above MAXPHYADDR (up to bit 51) are reserved in
 * every paging-structure entry. */
static inline uint64_t mmu_phys_rsvd_mask(const struct mmu_mode *m)
{
	unsigned int width = mmu_maxphyaddr(m);

	if (width >= PADDR_BITS_MAX)
		return 0;
	return ((1ULL << PADDR_BITS_MAX) - 1) & ~((1ULL << width) - 1);
}

#endif /* !__ASSEMBLY__ */

#endif
