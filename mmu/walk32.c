/* 2-level and PAE page walks; the rules are summarised in walk32.h. */
#include <stdbool.h>

#include "mmu/walk32.h"
#include "base/errno.h"

#define WALK_AD_ATTEMPTS	16

#define PDE32_PS_RSVD	(1ULL << 21)		/* reserved in a 4 MiB leaf */
#define PDE32_4M_MASK	0xffc00000ULL		/* address bits 31:22 of a 4 MiB leaf */
#define PDE32_HI_SHIFT	13			/* PSE-36: bits 20:13 are address 39:32 */
#define PDE32_HI_MASK	0xffULL
#define ADDR32_MASK	0xfffff000ULL
/* PDPTE bits 2:1 and 8:6 are reserved, and NX: PDPTEs have no
 * permissions. Bit 5 (A) is reserved too, but QEMU 7.2's TCG sets it in
 * the guest's PDPTEs at its own walks (under NPT as without): refusing
 * it would fail every walk of a PAE guest after the CPU's first (walk32.h). */
#define PDPTE_RSVD	(0x1c6ULL | PTE_NX)
#define PAE_CR3_MASK	0xffffffe0ULL
#define RSVD_2M_LOW	0x001fe000ULL		/* bits 20:13 of a 2 MiB leaf */

struct slot {
	void *p;		/* the entry's location */
	bool wide;		/* 8 bytes (PAE) or 4 */
};

static void *table_page(const struct mmu_tables *t, uint64_t addr)
{
	if (!t->map)
		return (void *)(t->direct_base + (uintptr_t)addr);
	return t->map(t->ctx, addr);
}

static uint64_t load_entry(const struct slot *s)
{
	if (s->wide)
		return __atomic_load_n((uint64_t *)s->p, __ATOMIC_RELAXED);
	return __atomic_load_n((uint32_t *)s->p, __ATOMIC_RELAXED);
}

static int pf(struct mmu_walk *w, uint32_t ec)
{
	w->error_code = ec;
	return MMU_WALK_PF;
}

/* Reserved bits of a 2-level entry: only a 4 MiB leaf has any. */
static bool rsvd32(const struct mmu_mode *m, uint64_t e, bool big)
{
	uint64_t hi = ((e >> PDE32_HI_SHIFT) & PDE32_HI_MASK) << 32;

	return big && ((e & PDE32_PS_RSVD) || (hi & mmu_phys_rsvd_mask(m)) ||
		       (hi >> mmu_maxphyaddr(m)));
}

static uint64_t rsvd_pae(const struct mmu_mode *m, uint64_t e, int level)
{
	uint64_t rsvd = mmu_phys_rsvd_mask(m);

	if (level == 3)
		return e & (rsvd | PDPTE_RSVD);
	if (!(m->efer & MMU_EFER_NXE))
		rsvd |= PTE_NX;
	if (level == 2 && (e & PTE_PS))
		rsvd |= RSVD_2M_LOW;
	return e & rsvd;
}

/* The location of the entry for va in the table at `table`, or NULL. */
static bool entry_at(const struct mmu_tables *t, bool pae, uint64_t table,
		     unsigned int idx, struct slot *s)
{
	uint8_t *page = table_page(t, table & ~(PAGE_SIZE - 1));

	if (!page)
		return false;
	s->wide = pae;
	s->p = page + (table & (PAGE_SIZE - 1)) + idx * (pae ? 8u : 4u);
	return true;
}

static unsigned int index_of(bool pae, uint32_t va, int level)
{
	if (!pae)
		return level == 2 ? va >> 22 : (va >> 12) & 0x3ff;
	if (level == 3)
		return va >> 30;
	return (va >> (level == 2 ? 21 : 12)) & 0x1ff;
}

static bool is_leaf(const struct mmu_mode *m, bool pae, uint64_t e, int level)
{
	if (level == 1)
		return true;
	if (level == 3)
		return false;
	return (e & PTE_PS) && (pae || (m->cr4 & MMU_CR4_PSE));
}

static uint64_t leaf_addr(bool pae, uint64_t e, int level, uint32_t va)
{
	if (level == 1)
		return (e & (pae ? PTE_ADDR_MASK : ADDR32_MASK)) | (va & 0xfff);
	if (pae)
		return (e & PTE_ADDR_2M_MASK) | (va & 0x1fffff);
	return (e & PDE32_4M_MASK) | (((e >> PDE32_HI_SHIFT) & PDE32_HI_MASK) << 32) |
	       (va & 0x3fffff);
}

static uint64_t next_table(bool pae, uint64_t e)
{
	return e & (pae ? PTE_ADDR_MASK : ADDR32_MASK);
}

static int walk_once(const struct mmu_mode *m, const struct mmu_tables *t, uint64_t cr3,
		     uint32_t va, unsigned int access, struct mmu_walk *w,
		     struct slot *slot)
{
	bool pae = m->cr4 & MMU_CR4_PAE;
	uint32_t bits = mmu_access_error_bits(m, access);
	uint64_t table = pae ? cr3 & PAE_CR3_MASK : cr3 & ADDR32_MASK;
	uint64_t e = 0;
	int level;

	w->writable = w->user = w->exec = 1;
	w->pkey = 0;
	for (level = pae ? 3 : 2; level >= 1; level--) {
		bool leaf;

		w->level = (uint8_t)level;
		w->table[level] = table;
		if (!entry_at(t, pae, table, index_of(pae, va, level), &slot[level]))
			return MMU_WALK_NO_TABLE;
		e = load_entry(&slot[level]);
		w->entry[level] = e;
		if (!(e & PTE_P))
			return pf(w, bits);
		leaf = is_leaf(m, pae, e, level);
		/* Only a 4 MiB PDE has reserved bits: in a PTE, bits 21:13
		 * are address bits. */
		if (pae ? rsvd_pae(m, e, level) != 0 : rsvd32(m, e, leaf && level == 2))
			return pf(w, MMU_PF_P | MMU_PF_RSVD | bits);
		if (level != 3)
			mmu_walk_account_entry(m, w, e);
		if (leaf)
			break;
		table = next_table(pae, e);
	}
	w->addr = leaf_addr(pae, e, level, va);
	w->error_code = mmu_access_fault(m, w, access);
	return w->error_code ? MMU_WALK_PF : MMU_WALK_OK;
}

static bool cas_entry(const struct slot *s, uint64_t old, uint64_t want)
{
	if (s->wide)
		return __atomic_compare_exchange_n((uint64_t *)s->p, &old, want, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	uint32_t o = (uint32_t)old;

	return __atomic_compare_exchange_n((uint32_t *)s->p, &o, (uint32_t)want, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

/* Set A in every entry used from level `top` down (never a PDPTE) and D
 * in a written leaf. False if an entry changed under us. */
static bool update_ad(struct mmu_walk *w, const struct slot *slot, int top, bool write)
{
	for (int level = top; level >= w->level; level--) {
		uint64_t old = w->entry[level];
		uint64_t want = old | PTE_A;

		if (level == w->level && write)
			want |= PTE_D;
		if (want == old)
			continue;
		if (!cas_entry(&slot[level], old, want))
			return false;
		w->entry[level] = want;
	}
	return true;
}

static bool access_ok(unsigned int access, unsigned int flags)
{
	if ((access & ~MMU_ACC_MASK) || (flags & ~MMU_WALK_SET_AD))
		return false;
	if ((access & MMU_ACC_USER) && (access & MMU_ACC_IMPLICIT))
		return false;
	return !((access & MMU_ACC_FETCH) && (access & MMU_ACC_WRITE));
}

int mmu_walk32(const struct mmu_mode *m, const struct mmu_tables *t, uint64_t cr3,
	       uint32_t va, unsigned int access, unsigned int flags, struct mmu_walk *w)
{
	struct mmu_mode mode;
	struct slot slot[4];
	int status = MMU_WALK_OK;

	if (!m || !t || !w || !access_ok(access, flags))
		return -EINVAL;
	/* Protection keys exist only in long mode. */
	mode = *m;
	mode.cr4 &= ~MMU_CR4_PKE;
	w->error_code = 0;
	w->addr = 0;
	for (int attempt = 0; attempt < WALK_AD_ATTEMPTS; attempt++) {
		status = walk_once(&mode, t, cr3, va, access, w, slot);
		if (status != MMU_WALK_OK || !(flags & MMU_WALK_SET_AD))
			return status;
		if (update_ad(w, slot, 2, access & MMU_ACC_WRITE))
			return status;
	}
	return status;
}
