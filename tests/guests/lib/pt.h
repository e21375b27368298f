/*
 * 4-level page tables built by the guest itself (ptwork, hostile).
 * Every address space shares PML4 slot 0, the boot identity map of the
 * low 4 GiB where code, data and page-table pages live (so a table's
 * physical address is also where the guest writes it); other slots are
 * the caller's to fill.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SIZE	4096ULL
#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_U		(1ULL << 2)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL

/* What an entry holds for the page at p: its physical address, which
 * the boot identity map makes its address. PT_LEAF_BITS: bits every
 * leaf the kernel uses needs (none at CPL 0); PT_PFEC_KERNEL: bits of
 * the error code of every #PF of the kernel's own accesses (none). A PV
 * runtime (tests/guests/pvptwork/pt.h) has U in both. */
static inline uint64_t pt_frame_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}
/* The table an entry above a leaf points to. */
static inline uint64_t *pt_table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}
#define PT_LEAF_BITS	0
#define PT_PFEC_KERNEL	0

/* VA of PML4 slot n: slots 1..255 are free for the callers. */
#define PML4_SLOT_VA(n)	((uint64_t)(n) << 39)

/* A fresh PML4 sharing slot 0 with the running one, or NULL (no memory). */
uint64_t *pt_new_root(void);
/* Map 4 KiB at va to pa with flags (PTE_P implied), allocating tables
 * (present, writable, user) on the way. The old entry is replaced; the
 * caller flushes. False if out of memory or a 2 MiB page is in the way. */
bool pt_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t flags);
/* The leaf entry for va, its tables made if missing; NULL if out of
 * memory or a 2 MiB page is in the way. The caller writes the entry. */
uint64_t *pt_leaf_make(uint64_t *root, uint64_t va);
/* The leaf entry for va (4 KiB level), or NULL if a table is missing. */
uint64_t *pt_leaf(uint64_t *root, uint64_t va);
/* The entry for va at level 4..1 (PML4..PT), or NULL if a table above
 * it is missing. */
uint64_t *pt_entry(uint64_t *root, uint64_t va, unsigned int level);
/* Give back a table page the caller has unlinked (and flushed). */
void pt_free_table(uint64_t *t);
/* Table pages allocated so far by pt_map/pt_new_root. */
uint64_t pt_tables_allocated(void);

#endif
