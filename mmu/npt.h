/* Nested page tables (AMD NPT): a domain's guest-physical address space
 * mapped to machine memory, in the ordinary 4-level long-mode format.
 * Extents use 2 MiB entries wherever both addresses are 2 MiB-aligned and
 * the extent covers the whole 2 MiB, and 4 KiB entries otherwise.
 * Freestanding; memory through struct mmu_ops (p2m unused).
 *
 * Every nested access is a user access (AMD APM §15.25.5), so every entry
 * has U set; tables are P|W|U and the leaf carries the permissions. NPT
 * cannot express write-only or execute-only memory: R is required.
 * Entries are built with A (and D when writable) already set, so the
 * processor never has to write them back. */
#ifndef MMU_NPT_H
#define MMU_NPT_H

#include <stdint.h>

#include "mmu/ops.h"

#define NPT_R	(1u << 0)
#define NPT_W	(1u << 1)
#define NPT_X	(1u << 2)
#define NPT_RWX	(NPT_R | NPT_W | NPT_X)

/* Guest-physical addresses an NPT can map (4 levels: 48 bits). */
#define NPT_GPA_LIMIT	(1ULL << 48)

struct npt {
	struct mmu_ops ops;
	uint64_t root;		/* machine address of the PML4: the nCR3 value */
	uint64_t tables;	/* table pages held, root included */
	uint64_t leaves_4k;	/* present 4 KiB entries */
	uint64_t leaves_2m;	/* present 2 MiB entries */
};

/* 0 or -ENOMEM / -EINVAL (ops missing alloc_page, free_page or map). */
int npt_init(struct npt *n, const struct mmu_ops *ops);
/* Frees every table, root included. */
void npt_destroy(struct npt *n);

/* Map [gpa, gpa + len) to [maddr, maddr + len). Everything 4 KiB-aligned,
 * len > 0, the range unmapped (-EEXIST otherwise), perm ⊆ NPT_RWX with
 * NPT_R set. -EINVAL for bad arguments, -ENOMEM; on error nothing changes. */
int npt_map(struct npt *n, uint64_t gpa, uint64_t maddr, uint64_t len,
	    unsigned int perm);

/* Set the permissions of [gpa, gpa + len), which must be fully mapped
 * (-ENOENT). 2 MiB entries that straddle the range's ends are split.
 * On -ENOMEM some entries may have been split (the translation is the
 * same) but no permission has changed. */
int npt_protect(struct npt *n, uint64_t gpa, uint64_t len, unsigned int perm);

/* Remove whatever is mapped in [gpa, gpa + len), splitting straddling
 * 2 MiB entries, and free tables left empty. -EINVAL, -ENOMEM (then
 * nothing is unmapped). */
int npt_unmap(struct npt *n, uint64_t gpa, uint64_t len);

/* The mapping of gpa: 0 with machine address, permissions and leaf level
 * (1: 4 KiB, 2: 2 MiB), or -ENOENT. Output pointers may be NULL. */
int npt_lookup(const struct npt *n, uint64_t gpa, uint64_t *maddr,
	       unsigned int *perm, int *level);

#endif
