/* The shadow-engine differential model: the guest's operations and the
 * comparison of every access on both sides; see shadow_model.h. The
 * sequence itself is driven from shadow_model_run.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/mmu/shadow_model_priv.h"

#define USER_A	0x00007f0000000000ULL
#define USER_B	0x0000000000000000ULL
#define KDM	MM_KDM
#define URW	(PTE_P | PTE_W | PTE_U)

enum { KIND_ALLOWED, KIND_PF, KIND_P2M };

struct outcome {
	int kind;
	enum shadow_action action;	/* engine side: how it came about */
	uint64_t maddr, gpa;
	uint32_t ec;
};

/* ---- choices ---- */

static uint64_t pool_gpa(struct model *m)
{
	return (MM_POOL_FIRST + mm_rand(m, MM_POOL_FRAMES)) << 12;
}

uint64_t mm_used_pool_gfn(struct model *m)
{
	return MM_POOL_FIRST + mm_rand(m, m->next_pool - MM_POOL_FIRST);
}

static bool in_used_pool(const struct model *m, uint64_t gfn)
{
	return gfn >= MM_POOL_FIRST && gfn < m->next_pool;
}

static uint64_t user_va(struct model *m, int level)
{
	uint64_t va = mm_chance(m, 50) ? USER_A : USER_B;

	va += mm_rand(m, 2) << 30;
	if (level <= 2)
		va += mm_rand(m, 3) << 21;
	if (level == 1)
		va += mm_rand(m, 4) << 12;
	return va;
}

/* Remembered addresses carry their mapping level in bits 1:0. */
uint64_t mm_pick_va(struct model *m)
{
	uint64_t off = mm_rand(m, 512) * 8;

	int space = m->space_of[m->vcpu];

	if (m->nvas[space] && mm_chance(m, 55)) {
		uint64_t v = m->vas[space][mm_rand(m, m->nvas[space])];
		int level = (int)(v & 3);

		return (v & ~3ULL) + (mm_rand(m, 1ULL << (9 * (level - 1))) << 12) + off;
	}
	if (mm_chance(m, 25))
		return KDM + pool_gpa(m) + off;
	return user_va(m, 1) + off;
}

/* Mostly user addresses: operations that would wreck the guest's own
 * direct map (and with it every later store) only now and then. */
static uint64_t pick_user_va(struct model *m)
{
	uint64_t va;

	do
		va = mm_pick_va(m);
	while (va >= KDM && mm_chance(m, 95) && !m->exhausted);
	return va;
}

/* Is entry idx of gfn on the guest's direct-map path? */
static bool on_direct_map_path(const struct model *m, uint64_t gfn, uint64_t idx)
{
	int s;

	if (gfn >= MM_POOL_FIRST + 1 && gfn <= MM_POOL_FIRST + 3)
		return true;	/* its L3, L2 and L1 (see build_first_space) */
	for (s = 0; s < m->nspaces; s++)
		if (m->space_root[s] >> 12 == gfn && idx == pt_index(KDM, 4))
			return true;
	return false;
}

static void remember_va(struct model *m, uint64_t va, int level)
{
	int space = m->space_of[m->vcpu];
	unsigned int *n = &m->nvas[space];

	m->vas[space][*n < MM_VAS ? (*n)++ : mm_rand(m, MM_VAS)] = va | (uint64_t)level;
}

static unsigned int pick_access(struct model *m)
{
	unsigned int a = 0, kind = (unsigned int)mm_rand(m, 3);

	if (kind == 1)
		a |= MMU_ACC_WRITE;
	if (kind == 2)
		a |= MMU_ACC_FETCH;
	if (mm_chance(m, 50))
		a |= MMU_ACC_USER;
	else if (kind != 2 && mm_chance(m, 10))
		a |= MMU_ACC_IMPLICIT;
	if (mm_chance(m, 30))
		a |= MMU_ACC_AC;
	return a;
}

/* A frame for a leaf at `level`, aligned to its size. */
static uint64_t pick_frame(struct model *m, int level)
{
	uint64_t gfn;

	switch (mm_rand(m, 5)) {
	case 0:
		gfn = MM_POOL_FIRST + mm_rand(m, MM_POOL_FRAMES);	/* a page table */
		break;
	case 1:
		gfn = mm_rand(m, MM_LOW_FRAMES);
		break;
	default:
		gfn = MM_LOW_FRAMES + mm_rand(m, 1ULL << 20);
		break;
	}
	if (level == 2)
		gfn &= ~511ULL;
	if (level == 3)
		gfn &= ~((1ULL << 18) - 1);
	return gfn << 12;
}

static uint64_t leaf_flags(struct model *m, int level)
{
	uint64_t e = 0;

	e |= mm_chance(m, 95) ? PTE_P : 0;
	e |= mm_chance(m, 70) ? PTE_W : 0;
	e |= mm_chance(m, 70) ? PTE_U : 0;
	e |= mm_chance(m, 20) ? PTE_NX : 0;
	e |= mm_chance(m, 30) ? PTE_A : 0;
	e |= mm_chance(m, 20) ? PTE_D : 0;
	e |= mm_chance(m, 10) ? PTE_G | PTE_PCD : 0;
	if (mm_chance(m, 10))
		e |= level == 1 ? PTE_PAT_4K : PTE_PAT_LARGE;
	if (mm_chance(m, 30))
		e |= mm_rand(m, 16) << PTE_PKEY_SHIFT;
	return e | (level > 1 ? PTE_PS : 0);
}

static uint64_t table_flags(struct model *m)
{
	if (mm_chance(m, 85))
		return URW;
	return PTE_P | (mm_chance(m, 50) ? PTE_W : 0) | (mm_chance(m, 50) ? PTE_U : 0) |
	       (mm_chance(m, 30) ? PTE_NX : 0) | (mm_chance(m, 30) ? PTE_A : 0);
}

/* Anything at all, biased towards what makes walks interesting. */
static uint64_t random_entry(struct model *m)
{
	int level = 1 + (int)mm_rand(m, 3);
	uint64_t e;

	if (mm_chance(m, 35) && m->next_pool > MM_POOL_FIRST)
		e = (mm_used_pool_gfn(m) << 12) | table_flags(m);
	else
		e = pick_frame(m, level) | leaf_flags(m, level);
	if (mm_chance(m, 8))
		e |= 1ULL << (40 + mm_rand(m, 12));	/* reserved for some widths */
	if (mm_chance(m, 5))
		e |= 1ULL << (13 + mm_rand(m, 17));	/* reserved in large leaves */
	if (mm_chance(m, 5))
		e = (e & ~PTE_PS) | (mm_chance(m, 50) ? PTE_PS : 0);
	return e;
}

/* ---- one access, on both sides ---- */

static int engine_access(struct model *m, uint64_t va, unsigned int access,
			 struct outcome *o)
{
	struct shadow_vcpu *v = m->v[m->vcpu];
	int tries;

	*o = (struct outcome){ .kind = KIND_ALLOWED, .action = SHADOW_FIXED };
	for (tries = 0; tries < 6; tries++) {
		struct shadow_fault f;
		int err;

		if (shadow_translate(v, va, access, &o->maddr) == MMU_WALK_OK)
			return 0;
		err = shadow_page_fault(v, va, access, &f);
		if (err)
			return mm_fail(m, "shadow_page_fault(%#llx, %#x) = %d",
				       (unsigned long long)va, access, err);
		if (f.action == SHADOW_FIXED)
			continue;
		o->action = f.action;
		o->maddr = f.maddr;
		o->gpa = f.gpa;
		o->ec = f.error_code;
		if (f.action == SHADOW_INJECT)
			o->kind = KIND_PF;
		else if (f.action == SHADOW_P2M_FAULT)
			o->kind = KIND_P2M;
		return 0;
	}
	return mm_fail(m, "va %#llx access %#x: fixed faults never let it through",
		       (unsigned long long)va, access);
}

static struct ref_access ref_access_of(unsigned int a)
{
	return (struct ref_access){
		.write = a & MMU_ACC_WRITE, .fetch = a & MMU_ACC_FETCH,
		.user = a & MMU_ACC_USER, .implicit = a & MMU_ACC_IMPLICIT,
		.ac = a & MMU_ACC_AC,
	};
}

static void model_access(struct model *m, uint64_t va, unsigned int access,
			 struct outcome *o, struct ref_result *r)
{
	uint64_t root = m->space_root[m->space_of[m->vcpu]];
	struct mmu_p2m p;

	ref_walk(&m->cpu, mm_model_table, m, root, va, ref_access_of(access), true, r);
	*o = (struct outcome){ .kind = KIND_PF, .ec = r->error_code };
	if (r->outcome == REF_NO_TABLE) {
		*o = (struct outcome){ .kind = KIND_P2M, .gpa = r->bad_table };
	} else if (r->outcome == REF_OK) {
		o->gpa = r->addr;
		if (mm_p2m(m, r->addr >> 12, &p) ||
		    ((access & MMU_ACC_WRITE) && !p.writable)) {
			o->kind = KIND_P2M;
		} else {
			o->kind = KIND_ALLOWED;
			o->maddr = (p.mfn << 12) | (r->addr & 0xfff);
		}
	}
}

static void count_outcome(struct model *m, const struct outcome *e)
{
	uint64_t *c = m->totals.outcome;

	m->totals.accesses++;
	if (e->kind == KIND_P2M)
		c[MO_P2M_FAULT]++;
	else if (e->kind == KIND_ALLOWED)
		c[e->action == SHADOW_EMULATE_PT_WRITE ? MO_EMULATE_PT_WRITE :
		  e->action == SHADOW_EMULATE ? MO_EMULATE : MO_ALLOWED]++;
	else if (!(e->ec & MMU_PF_P))
		c[MO_PF_NOT_PRESENT]++;
	else if (e->ec & MMU_PF_RSVD)
		c[MO_PF_RSVD]++;
	else if (e->ec & MMU_PF_PK)
		c[MO_PF_PK]++;
	else if (e->ec & MMU_PF_ID)
		c[MO_PF_FETCH]++;
	else
		c[MO_PF_PROTECTION]++;
}

/* The walks left the same A/D bits in both copies of the tables. */
static int compare_path(struct model *m, const struct ref_result *r)
{
	int level;

	for (level = 1; level <= 4; level++) {
		uint64_t a = r->entry_addr[level], gfn = a >> 12;

		if (!a || gfn >= MM_LOW_FRAMES)
			continue;
		if (m->mmem[gfn][(a & 0xfff) / 8] != mm_guest_frame(m, gfn)[(a & 0xfff) / 8])
			return mm_fail(m, "guest entry at %#llx is %#llx, model says %#llx",
				       (unsigned long long)a,
				       (unsigned long long)mm_guest_frame(m, gfn)[(a & 0xfff) / 8],
				       (unsigned long long)m->mmem[gfn][(a & 0xfff) / 8]);
	}
	return 0;
}

static int compare(struct model *m, uint64_t va, unsigned int access,
		   const struct outcome *e, const struct outcome *o)
{
	static const char *const kinds[] = { "allowed", "#PF", "p2m fault" };
	bool same = e->kind == o->kind;

	if (same && e->kind == KIND_ALLOWED)
		same = e->maddr == o->maddr;
	else if (same && e->kind == KIND_PF)
		same = e->ec == o->ec;
	else if (same)
		same = e->gpa == o->gpa;
	if (!same)
		return mm_fail(m, "va %#llx access %#x: shadow says %s (maddr %#llx ec %#x gpa "
			       "%#llx), guest tables + p2m say %s (maddr %#llx ec %#x gpa %#llx)",
			       (unsigned long long)va, access, kinds[e->kind],
			       (unsigned long long)e->maddr, e->ec, (unsigned long long)e->gpa,
			       kinds[o->kind], (unsigned long long)o->maddr, o->ec,
			       (unsigned long long)o->gpa);
	if (e->action == SHADOW_EMULATE &&
	    (!(access & MMU_ACC_WRITE) || (access & MMU_ACC_USER) || (m->mode.cr0 & MMU_CR0_WP)))
		return mm_fail(m, "va %#llx access %#x: emulation asked for outside CR0.WP=0",
			       (unsigned long long)va, access);
	if (e->action == SHADOW_EMULATE_PT_WRITE &&
	    !shadow_gfn_is_tracked(m->d, e->gpa >> 12))
		return mm_fail(m, "va %#llx: page-table write trap on an untracked frame",
			       (unsigned long long)va);
	count_outcome(m, e);
	return 0;
}

static int access_both(struct model *m, uint64_t va, unsigned int access,
		       struct outcome *e, struct outcome *o)
{
	struct ref_result r;

	if (engine_access(m, va, access, e))
		return -1;
	model_access(m, va, access, o, &r);
	if (compare(m, va, access, e, o))
		return -1;
	return compare_path(m, &r);
}

int mm_check(struct model *m, uint64_t va)
{
	struct outcome e, o;

	return access_both(m, va, pick_access(m), &e, &o);
}

/* ---- guest stores to its page tables, through its direct map ---- */

/* *stored says whether the store happened (it may fault on both sides). */
static int guest_store(struct model *m, uint64_t gpa, uint64_t value, bool *stored)
{
	struct outcome e, o;
	uint64_t gfn, idx;

	*stored = false;
	if (access_both(m, KDM + gpa, MMU_ACC_WRITE, &e, &o))
		return -1;
	gfn = o.gpa >> 12;
	idx = (o.gpa & 0xfff) / 8;
	if (e.kind != KIND_ALLOWED || !in_used_pool(m, gfn) || (o.gpa & 7))
		return 0;
	m->mmem[gfn][idx] = value;
	if (e.action == SHADOW_EMULATE_PT_WRITE) {
		if (shadow_pt_write(m->d, o.gpa, value, 8))
			return mm_fail(m, "shadow_pt_write(%#llx) failed",
				       (unsigned long long)o.gpa);
	} else {
		if (shadow_gfn_is_tracked(m->d, gfn))
			return mm_fail(m, "store to page table gfn %#llx went through untrapped",
				       (unsigned long long)gfn);
		mm_guest_frame(m, gfn)[idx] = value;
	}
	*stored = true;
	return 0;
}

/* The guest kernel's table walk (on its own memory) for MAP/UNMAP/PROTECT:
 * gpa of the entry for va at `level`, or 0 if the way is not a pool table. */
static uint64_t find_entry(struct model *m, uint64_t va, int level)
{
	uint64_t table = m->space_root[m->space_of[m->vcpu]] >> 12;
	int l;

	for (l = 4; l > level; l--) {
		uint64_t e = m->mmem[table][pt_index(va, l)];

		if (!(e & PTE_P) || (e & PTE_PS) || !in_used_pool(m, pte_addr(e) >> 12))
			return 0;
		table = pte_addr(e) >> 12;
	}
	return (table << 12) + 8 * pt_index(va, level);
}

uint64_t mm_pool_alloc(struct model *m)
{
	if (m->next_pool >= MM_POOL_FIRST + MM_POOL_FRAMES)
		return 0;
	return m->next_pool++ << 12;
}

int mm_op_map(struct model *m, uint64_t *va_out)
{
	int level = mm_chance(m, 60) ? 1 : mm_chance(m, 65) ? 2 : 3;
	uint64_t va = user_va(m, level), frame = pick_frame(m, level);
	uint64_t leaf = frame | leaf_flags(m, level);
	uint64_t table = m->space_root[m->space_of[m->vcpu]];
	bool stored = true;
	int l;

	*va_out = va;
	for (l = 4; l > level; l--) {
		uint64_t at = table + 8 * pt_index(va, l), e = m->mmem[at >> 12][(at & 0xfff) / 8];
		uint64_t next;

		if ((e & PTE_P) && !(e & PTE_PS) && in_used_pool(m, pte_addr(e) >> 12)) {
			table = pte_addr(e);
			continue;
		}
		next = mm_pool_alloc(m);
		if (!next)
			return 0;
		if (guest_store(m, at, next | table_flags(m), &stored))
			return -1;
		if (!stored)
			return 0;
		table = next;
	}
	remember_va(m, va, level);
	return guest_store(m, table + 8 * pt_index(va, level), leaf, &stored);
}

int mm_op_unmap(struct model *m, uint64_t *va_out)
{
	uint64_t va = pick_user_va(m) & ~0xfffULL, at = find_entry(m, va, 1 + (int)mm_rand(m, 3));
	uint64_t e;
	bool stored;

	*va_out = va;
	if (!at)
		return 0;
	e = m->mmem[at >> 12][(at & 0xfff) / 8];
	return guest_store(m, at, mm_chance(m, 70) ? 0 : e & ~PTE_P, &stored);
}

int mm_op_protect(struct model *m, uint64_t *va_out)
{
	static const uint64_t bits[] = { PTE_W, PTE_U, PTE_NX, PTE_A, PTE_D, PTE_G,
					 1ULL << PTE_PKEY_SHIFT, 4ULL << PTE_PKEY_SHIFT };
	uint64_t va = pick_user_va(m) & ~0xfffULL, at = 0, e;
	bool stored;
	int level;

	*va_out = va;
	for (level = 4; level >= 1; level--) {
		at = find_entry(m, va, level);
		if (!at)
			return 0;
		e = m->mmem[at >> 12][(at & 0xfff) / 8];
		if (level == 1 || !(e & PTE_P) || (e & PTE_PS) || mm_chance(m, 15))
			break;
	}
	e = m->mmem[at >> 12][(at & 0xfff) / 8] ^ bits[mm_rand(m, 8)];
	return guest_store(m, at, e, &stored);
}

int mm_op_random_pte(struct model *m, uint64_t *va_out)
{
	uint64_t gfn, va, idx;
	bool stored;

	do {
		gfn = mm_used_pool_gfn(m);
		va = mm_pick_va(m);
		idx = mm_chance(m, 60) ? pt_index(va, 1 + (int)mm_rand(m, 4)) : mm_rand(m, 512);
	} while (on_direct_map_path(m, gfn, idx) && mm_chance(m, 95) && !m->exhausted);

	*va_out = va;
	return guest_store(m, (gfn << 12) + 8 * idx, random_entry(m), &stored);
}

/* ---- address spaces, vCPUs, mode, p2m ---- */

static int new_space(struct model *m, uint64_t *root)
{
	uint64_t kslot = pt_index(KDM, 4), r = mm_pool_alloc(m);
	bool stored;

	*root = 0;
	if (!r || m->nspaces >= MM_SPACES)
		return 0;
	if (guest_store(m, r + 8 * kslot, m->mmem[m->space_root[0] >> 12][kslot], &stored))
		return -1;
	m->space_root[m->nspaces++] = r;
	*root = r;
	return 0;
}

int mm_op_cr3(struct model *m)
{
	uint64_t root = 0, hw, cr3;
	int space = (int)mm_rand(m, (uint64_t)m->nspaces), err;

	m->vcpu = (int)mm_rand(m, (uint64_t)m->nvcpus);
	if (mm_chance(m, 30)) {
		if (new_space(m, &root))
			return -1;
		if (root)
			space = m->nspaces - 1;
	}
	cr3 = m->space_root[space];
	if (m->mode.cr4 & MMU_CR4_PCIDE)
		cr3 |= mm_rand(m, 4) | (mm_chance(m, 50) ? 1ULL << 63 : 0);
	err = shadow_write_cr3(m->v[m->vcpu], cr3, &hw);
	if (err)
		return mm_fail(m, "shadow_write_cr3(%#llx) = %d", (unsigned long long)cr3, err);
	m->space_of[m->vcpu] = space;
	return 0;
}

static void derive_cpu(struct model *m)
{
	const struct mmu_mode *md = &m->mode;

	m->cpu = (struct ref_cpu){
		.wp = md->cr0 & MMU_CR0_WP, .smep = md->cr4 & MMU_CR4_SMEP,
		.smap = md->cr4 & MMU_CR4_SMAP, .pke = md->cr4 & MMU_CR4_PKE,
		.nxe = md->efer & MMU_EFER_NXE, .gbpages = true,
		.maxphyaddr = mmu_maxphyaddr(md), .pkru = md->pkru,
	};
}

int mm_apply_mode(struct model *m)
{
	int i;

	derive_cpu(m);
	for (i = 0; i < m->nvcpus; i++)
		if (shadow_set_mode(m->v[i], &m->mode))
			return mm_fail(m, "shadow_set_mode failed");
	return 0;
}

int mm_op_mode(struct model *m)
{
	switch (mm_rand(m, 7)) {
	case 0:
		m->mode.cr0 ^= MMU_CR0_WP;
		break;
	case 1:
		m->mode.cr4 ^= MMU_CR4_SMEP;
		break;
	case 2:
		m->mode.cr4 ^= MMU_CR4_SMAP;
		break;
	case 3:
		m->mode.cr4 ^= MMU_CR4_PKE;
		break;
	case 4:
		m->mode.pkru = (uint32_t)mm_rand(m, 1ULL << 32);
		break;
	case 5:
		if (mm_chance(m, 30))
			m->mode.efer ^= MMU_EFER_NXE;
		break;
	default:
		m->mode.pkru = 0;
		break;
	}
	return mm_apply_mode(m);
}

void mm_op_p2m(struct model *m)
{
	m->region[2 + mm_rand(m, MM_REGIONS - 2)] = (uint8_t)mm_rand(m, RM_KINDS);
	shadow_flush_all(m->d);
}

