/* The x86-64 4-level page walk with the architecture's permission rules
 * (Intel SDM vol. 3 §4.6, AMD APM vol. 2 §5.6): P, R/W, U/S, NX with
 * EFER.NXE, reserved bits, CR0.WP, CR4.SMEP, CR4.SMAP with RFLAGS.AC,
 * CR4.PKE with PKRU, and accessed/dirty updates. A failed walk yields the
 * error code the processor would push with #PF. Freestanding.
 *
 * The walker reads tables through struct mmu_tables, so the same code
 * walks machine tables (direct map), guest tables through a p2m (shadow
 * paging) and guest tables through an NPT (walk2d.h).
 *
 * Choices where the architecture leaves freedom:
 *  - accessed and dirty flags are written only when the whole walk
 *    succeeds, with a compare-exchange that restarts the walk if another
 *    agent changed the entry meanwhile; a faulting walk has no side effect;
 *  - the I/D error bit is reported for fetches when EFER.NXE or CR4.SMEP
 *    is set, as Intel documents;
 *  - reserved bits follow Intel: bits 51:MAXPHYADDR everywhere, bit 63
 *    without NXE, PS in a PML4E, PS in a PDPTE without 1 GiB page support,
 *    bits 29:13 of a 1 GiB leaf and bits 20:13 of a 2 MiB leaf. */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include <stdint.h>

#include "mmu/mode.h"
#include "mmu/pte.h"

/* What kind of access is translated. The first three have the value of
 * the error-code bit they produce. Implicit supervisor accesses (GDT, IDT,
 * TSS, ...) are made at any CPL, are never USER, and SMAP blocks them
 * from user pages whatever RFLAGS.AC says. */
#define MMU_ACC_WRITE		MMU_PF_W
#define MMU_ACC_USER		MMU_PF_U	/* CPL 3 */
#define MMU_ACC_FETCH		MMU_PF_ID
#define MMU_ACC_IMPLICIT	(1u << 8)
#define MMU_ACC_AC		(1u << 9)	/* RFLAGS.AC at the time of the access */
#define MMU_ACC_MASK		(MMU_ACC_WRITE | MMU_ACC_USER | MMU_ACC_FETCH | \
				 MMU_ACC_IMPLICIT | MMU_ACC_AC)

/* How to reach a table. With map == NULL the table at address A is at
 * direct_base + A (a direct map); otherwise map() returns the table's 512
 * entries, or NULL if A cannot be read (walk status MMU_WALK_NO_TABLE). */
struct mmu_tables {
	uint64_t *(*map)(void *ctx, uint64_t table_addr);
	void *ctx;
	uintptr_t direct_base;
};

enum mmu_walk_status {
	MMU_WALK_OK = 0,
	MMU_WALK_PF = 1,		/* page fault: see error_code */
	MMU_WALK_NO_TABLE = 2,		/* a table address could not be read */
	MMU_WALK_NONCANONICAL = 3,	/* #GP, not #PF */
};

/* Walk flags. */
#define MMU_WALK_SET_AD		(1u << 0)	/* update accessed/dirty flags */
#define MMU_WALK_PHYS_INPUT	(1u << 1)	/* input is a 48-bit physical address (NPT) */
/* For 64-bit PV guests, whose kernel runs in ring 3 (Xen's
 * adjust_guest_l*e): every present entry counts as user (U/S ignored). */
#define MMU_WALK_FORCE_USER	(1u << 2)
/* An L4 entry that names the L4 it sits in (a linear self-map) counts as
 * read-only, whatever its R/W: everything reached through it is. */
#define MMU_WALK_LINEAR_RO	(1u << 3)

struct mmu_walk {
	uint64_t addr;		/* OK: the translated address */
	/* Levels 4 down to `level` only; the rest is left as it was. */
	uint64_t table[5];	/* [level]: address of the table read at that level */
	uint64_t entry[5];	/* [level]: entry used there (after A/D update) */
	uint32_t error_code;	/* PF: what the CPU would push */
	uint8_t level;		/* OK: leaf level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB);
				 * otherwise the level where the walk stopped */
	uint8_t writable;	/* R/W set at every level */
	uint8_t user;		/* U/S set at every level */
	uint8_t exec;		/* no level forbids execution */
	uint8_t pkey;		/* protection key of the leaf */
};

/* Translate `va` under mode `m` with the root table at `cr3` (PCID and
 * flag bits are ignored). Returns an enum mmu_walk_status, or -EINVAL for
 * a bad argument (unknown access bits, USER with IMPLICIT, FETCH with
 * WRITE). `w` is always filled as far as the walk got. */
int mmu_walk(const struct mmu_mode *m, const struct mmu_tables *t, uint64_t cr3,
	     uint64_t va, unsigned int access, unsigned int flags, struct mmu_walk *w);

/* Reserved bits of entry `e` at `level` under mode `m` (0 if none). */
uint64_t mmu_pte_reserved(const struct mmu_mode *m, uint64_t e, int level);

/* Narrow w's writable, user and exec by one entry of the walk (any
 * paging form: W, U and NX sit at the same bits). */
void mmu_walk_account_entry(const struct mmu_mode *m, struct mmu_walk *w, uint64_t e);

/* Permission check of a completed translation: the error code of the
 * fault (always with MMU_PF_P) or 0 if the access is allowed. `w` needs
 * only writable, user, exec and pkey. */
uint32_t mmu_access_fault(const struct mmu_mode *m, const struct mmu_walk *w,
			  unsigned int access);

/* Error-code bits that describe the access itself (W, U, I/D). */
uint32_t mmu_access_error_bits(const struct mmu_mode *m, unsigned int access);

static inline int mmu_va_is_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

#endif
