/* x86-64 4-level page walk; the rules are summarised in walk.h. */
#include <stdbool.h>

#include "mmu/walk.h"
#include "base/errno.h"

/* Another agent may change an entry between our read and our A/D update;
 * the walk then starts again, as the processor's would. A recursive
 * mapping that uses one entry at several levels also needs a retry or
 * two, so allow a few before giving up on the update. */
#define WALK_AD_ATTEMPTS	16

#define RSVD_1G_LOW	0x3fffe000ULL	/* bits 29:13 of a 1 GiB leaf */
#define RSVD_2M_LOW	0x001fe000ULL	/* bits 20:13 of a 2 MiB leaf */

/* Reserved bits of entry e at `level`, given the bits reserved everywhere. */
static inline uint64_t reserved_at(const struct mmu_mode *m, uint64_t e, int level,
				   uint64_t everywhere)
{
	uint64_t rsvd = everywhere;

	if (level == 4)
		rsvd |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		rsvd |= m->no_1g_pages ? PTE_PS : RSVD_1G_LOW;
	else if (level == 2 && (e & PTE_PS))
		rsvd |= RSVD_2M_LOW;
	return e & rsvd;
}

static inline uint64_t reserved_everywhere(const struct mmu_mode *m)
{
	return mmu_phys_rsvd_mask(m) | ((m->efer & MMU_EFER_NXE) ? 0 : PTE_NX);
}

uint64_t mmu_pte_reserved(const struct mmu_mode *m, uint64_t e, int level)
{
	return reserved_at(m, e, level, reserved_everywhere(m));
}

uint32_t mmu_access_error_bits(const struct mmu_mode *m, unsigned int access)
{
	uint32_t ec = access & (MMU_PF_W | MMU_PF_U);

	if ((access & MMU_ACC_FETCH) &&
	    ((m->efer & MMU_EFER_NXE) || (m->cr4 & MMU_CR4_SMEP)))
		ec |= MMU_PF_ID;
	return ec;
}

/* PKRU applies to data accesses to user pages; write-disable binds
 * supervisor writes only under CR0.WP. */
static bool pkey_denies(const struct mmu_mode *m, const struct mmu_walk *w,
			unsigned int access)
{
	bool write = access & MMU_ACC_WRITE;

	if (!(m->cr4 & MMU_CR4_PKE) || !w->user || (access & MMU_ACC_FETCH))
		return false;
	if (m->pkru & MMU_PKRU_AD(w->pkey))
		return true;
	return write && (m->pkru & MMU_PKRU_WD(w->pkey)) &&
	       ((access & MMU_ACC_USER) || (m->cr0 & MMU_CR0_WP));
}

static bool user_access_denied(const struct mmu_walk *w, unsigned int access)
{
	if (!w->user)
		return true;
	if (access & MMU_ACC_FETCH)
		return !w->exec;
	return (access & MMU_ACC_WRITE) && !w->writable;
}

static bool supervisor_access_denied(const struct mmu_mode *m,
				     const struct mmu_walk *w, unsigned int access)
{
	bool smap_applies;

	if (access & MMU_ACC_FETCH)
		return !w->exec || (w->user && (m->cr4 & MMU_CR4_SMEP));
	smap_applies = (access & MMU_ACC_IMPLICIT) || !(access & MMU_ACC_AC);
	if (w->user && (m->cr4 & MMU_CR4_SMAP) && smap_applies)
		return true;
	return (access & MMU_ACC_WRITE) && (m->cr0 & MMU_CR0_WP) && !w->writable;
}

uint32_t mmu_access_fault(const struct mmu_mode *m, const struct mmu_walk *w,
			  unsigned int access)
{
	bool denied, pk;

	if (access & MMU_ACC_USER)
		denied = user_access_denied(w, access);
	else
		denied = supervisor_access_denied(m, w, access);
	pk = pkey_denies(m, w, access);
	if (!denied && !pk)
		return 0;
	return MMU_PF_P | mmu_access_error_bits(m, access) | (pk ? MMU_PF_PK : 0);
}

static uint64_t *table_ptr(const struct mmu_tables *t, uint64_t addr)
{
	if (!t->map)
		return (uint64_t *)(t->direct_base + (uintptr_t)addr);
	return t->map(t->ctx, addr);
}

void mmu_walk_account_entry(const struct mmu_mode *m, struct mmu_walk *w, uint64_t e)
{
	if (!(e & PTE_W))
		w->writable = 0;
	if (!(e & PTE_U))
		w->user = 0;
	if ((e & PTE_NX) && (m->efer & MMU_EFER_NXE))
		w->exec = 0;
}

static int fault(struct mmu_walk *w, uint32_t ec)
{
	w->error_code = ec;
	return MMU_WALK_PF;
}

/* The entry as its rights count (MMU_WALK_FORCE_USER, MMU_WALK_LINEAR_RO). */
static inline uint64_t rights_of(uint64_t e, int level, uint64_t table, uint64_t addr_mask,
				 unsigned int flags)
{
	if (flags & MMU_WALK_FORCE_USER)
		e |= PTE_U;
	if ((flags & MMU_WALK_LINEAR_RO) && level == 4 && (e & addr_mask) == table)
		e &= ~PTE_W;
	return e;
}

/* One pass over the tables; slot[level] receives the entry's location. */
static int walk_once(const struct mmu_mode *m, const struct mmu_tables *t,
		     uint64_t cr3, uint64_t va, unsigned int access, unsigned int flags,
		     struct mmu_walk *w, uint64_t **slot)
{
	uint64_t everywhere = reserved_everywhere(m);
	uint64_t addr_mask = PTE_ADDR_MASK & ~everywhere;
	uint64_t table = cr3 & addr_mask;
	uint32_t bits = mmu_access_error_bits(m, access);
	uint64_t e = 0;
	int level;

	w->writable = w->user = w->exec = 1;
	for (level = 4; level >= 1; level--) {
		uint64_t *tab = table_ptr(t, table);

		w->level = (uint8_t)level;
		w->table[level] = table;
		if (!tab)
			return MMU_WALK_NO_TABLE;
		slot[level] = &tab[pt_index(va, level)];
		e = __atomic_load_n(slot[level], __ATOMIC_RELAXED);
		w->entry[level] = e;
		if (!(e & PTE_P))
			return fault(w, bits);
		if (reserved_at(m, e, level, everywhere))
			return fault(w, MMU_PF_P | MMU_PF_RSVD | bits);
		mmu_walk_account_entry(m, w, rights_of(e, level, table, addr_mask, flags));
		if (level == 1 || (e & PTE_PS))
			break;
		table = e & addr_mask;
	}
	w->pkey = (uint8_t)pte_pkey(e);
	w->addr = pte_leaf_addr(e, level) |
		  (va & ((1ULL << pt_level_shift(level)) - 1));
	w->error_code = mmu_access_fault(m, w, access);
	return w->error_code ? MMU_WALK_PF : MMU_WALK_OK;
}

/* Set A in every entry used and D in a written leaf. False if an entry
 * changed under us. */
static bool update_ad(struct mmu_walk *w, uint64_t **slot, bool write)
{
	int level;

	for (level = 4; level >= w->level; level--) {
		uint64_t old = w->entry[level];
		uint64_t want = old | PTE_A;

		if (level == w->level && write)
			want |= PTE_D;
		if (want == old)
			continue;
		if (!__atomic_compare_exchange_n(slot[level], &old, want, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return false;
		w->entry[level] = want;
	}
	return true;
}

static bool access_is_valid(unsigned int access)
{
	if (access & ~MMU_ACC_MASK)
		return false;
	if ((access & MMU_ACC_USER) && (access & MMU_ACC_IMPLICIT))
		return false;
	return !((access & MMU_ACC_FETCH) && (access & MMU_ACC_WRITE));
}

static bool input_is_valid(uint64_t va, unsigned int flags)
{
	if (flags & MMU_WALK_PHYS_INPUT)
		return va < (1ULL << 48);
	return mmu_va_is_canonical(va);
}

int mmu_walk(const struct mmu_mode *m, const struct mmu_tables *t, uint64_t cr3,
	     uint64_t va, unsigned int access, unsigned int flags, struct mmu_walk *w)
{
	uint64_t *slot[5];
	int attempt, status = MMU_WALK_OK;

	if (!m || !t || !w || !access_is_valid(access) ||
	    (flags & ~(MMU_WALK_SET_AD | MMU_WALK_PHYS_INPUT | MMU_WALK_FORCE_USER |
		       MMU_WALK_LINEAR_RO)))
		return -EINVAL;
	w->level = 4;
	w->error_code = 0;
	w->addr = 0;
	if (!input_is_valid(va, flags))
		return MMU_WALK_NONCANONICAL;
	for (attempt = 0; attempt < WALK_AD_ATTEMPTS; attempt++) {
		status = walk_once(m, t, cr3, va, access, flags, w, slot);
		if (status != MMU_WALK_OK || !(flags & MMU_WALK_SET_AD))
			return status;
		if (update_ad(w, slot, access & MMU_ACC_WRITE))
			return status;
	}
	return status;
}
