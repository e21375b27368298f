/* x86-64 page-table entry format (4-level paging), shared by mmu/ and
 * shared-pt/. Freestanding. */
#ifndef MMU_PTE_H
#define MMU_PTE_H

#include <stdint.h>

typedef uint64_t pte_t;

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)
#define PAGE_SIZE_2M	(1ULL << 21)
#define PAGE_SIZE_1G	(1ULL << 30)
#define PT_ENTRIES	512
/* Physical addresses are at most 52 bits wide (MAXPHYADDR's ceiling):
 * a frame number at or past PFN_LIMIT names nothing on any x86-64. */
#define PADDR_BITS_MAX	52
#define PFN_LIMIT	(1ULL << (PADDR_BITS_MAX - PAGE_SHIFT))

#define PTE_P		(1ULL << 0)	/* present */
#define PTE_W		(1ULL << 1)	/* writable */
#define PTE_U		(1ULL << 2)	/* user */
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)	/* accessed */
#define PTE_D		(1ULL << 6)	/* dirty (leaf only) */
#define PTE_PS		(1ULL << 7)	/* large page (L2/L3); PAT in L1 */
#define PTE_PAT_4K	(1ULL << 7)
#define PTE_G		(1ULL << 8)	/* global (leaf only) */
#define PTE_PAT_LARGE	(1ULL << 12)	/* PAT bit of a 2 MiB / 1 GiB leaf */
#define PTE_NX		(1ULL << 63)	/* no-execute, needs EFER.NXE */
#define PTE_PKEY_SHIFT	59		/* protection key, bits 62:59 (leaf) */
#define PTE_PKEY_MASK	(0xfULL << PTE_PKEY_SHIFT)

/* Bits 11:9 and 58:52 are ignored by the MMU and free for software. */
#define PTE_AVAIL_LOW_MASK	(0x7ULL << 9)
#define PTE_AVAIL_HIGH_MASK	(0x7fULL << 52)

/* Frame address of a table pointer or 4 KiB leaf, for MAXPHYADDR 52. */
#define PTE_ADDR_MASK	0x000ffffffffff000ULL
#define PTE_ADDR_2M_MASK 0x000fffffffe00000ULL
#define PTE_ADDR_1G_MASK 0x000fffffc0000000ULL

/* Index of a virtual address in the table at `level` (1 = leaf, 4 = root). */
static inline unsigned int pt_index(uint64_t va, int level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static inline uint64_t pte_addr(pte_t e)
{
	return e & PTE_ADDR_MASK;
}

/* Shift of the area one entry at `level` maps (12, 21, 30, 39). */
static inline unsigned int pt_level_shift(int level)
{
	return PAGE_SHIFT + 9 * (unsigned int)(level - 1);
}

/* Protection key of a leaf entry (meaningful with CR4.PKE). */
static inline unsigned int pte_pkey(pte_t e)
{
	return (unsigned int)((e & PTE_PKEY_MASK) >> PTE_PKEY_SHIFT);
}

/* Frame address of a leaf at `level`: the low bits of a large page's
 * address field hold PAT and reserved bits, not address. */
static inline uint64_t pte_leaf_addr(pte_t e, int level)
{
	if (level == 3)
		return e & PTE_ADDR_1G_MASK;
	if (level == 2)
		return e & PTE_ADDR_2M_MASK;
	return e & PTE_ADDR_MASK;
}

#endif
