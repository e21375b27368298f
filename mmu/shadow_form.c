/* Guests outside long mode: 2-level and PAE paging on the same shadows.
 *
 * The processor cannot walk 4-level tables outside long mode, and
 * running a 32-bit guest in compatibility mode would change its
 * interrupts and segments; so a 32-bit guest runs on PAE shadows: the
 * CPU is put in PAE mode whatever the guest chose (the caller shows the
 * guest its own CR4), with CR3 at a 4-entry shadow PDPT. PAE directories
 * and tables have the long-mode entry format, so below the root they are
 * the engine's ordinary level-2 and level-1 shadow pages, shared with
 * long-mode shadows of the same frames, filled, tracked and recycled by
 * the same code (φ, ω, write protection).
 *
 *  - A PAE guest's PDPT is 32 bytes anywhere in a page: its shadow root
 *    is keyed by (frame, slot in the page) and its 4 entries point to
 *    the shadows of the guest's directories. Guest writes to the PDPT
 *    trap like any page-table write and update the shadow at once, so
 *    the PDPTEs are in effect read at every walk (as AMD's CPUs do under
 *    nested paging, and as mmu_walk32 does).
 *  - A 2-level guest's directory (1024 PDEs, 4 GiB) is shadowed by four
 *    level-2 pages (one per GiB: 256 guest PDEs of 4 MiB, each two 2 MiB
 *    shadow PDEs) under a root PDPT made for it; each of its
 *    tables (1024 PTEs, 4 MiB) by two level-1 pages. A 4 MiB page becomes
 *    two 2 MiB shadow leaves, or two split tables. Whether PS counts in
 *    a PDE depends on CR4.PSE, so the directory's shadows carry it in
 *    their key (SH_FMT_2LEVEL or SH_FMT_2LEVEL_PSE).
 *
 * Xen makes the same choice for HVM guests (2-level guests on 3-level
 * shadows, "2-on-3"). The shadow root must be below 4 GiB (a PAE CR3 has
 * 32 bits); the caller checks the address it loads. */
#include "mmu/shadow_priv.h"
#include "mmu/walk32.h"
#include "base/errno.h"

#define ADDR32_MASK	0xfffff000ULL
#define PAE_CR3_MASK	0xffffffe0ULL
#define PDE32_4M_MASK	0xffc00000ULL
#define PDE32_HI_SHIFT	13		/* PSE-36: PDE bits 20:13 are address bits 39:32 */
#define PDE32_HI_MASK	0xffULL

/* A guest table is a frame the p2m gives writable: the walk writes A/D
 * into it, which a read-only frame (another domain's page granted
 * read-only) must not take; such a table is none (the p2m fault), and
 * so is one the caller says may not be a table (ops.may_be_table). */
static uint64_t *guest_table(void *ctx, uint64_t gpa)
{
	struct shadow_domain *d = ctx;
	struct mmu_p2m p;

	if (sh_p2m(d, gpa >> PAGE_SHIFT, &p) || !p.writable ||
	    (d->ops.may_be_table && !d->ops.may_be_table(d->ops.ctx, gpa >> PAGE_SHIFT)))
		return NULL;
	return d->ops.map(d->ops.ctx, p.mfn << PAGE_SHIFT);
}

static bool fmt_2level(unsigned int fmt)
{
	return fmt == SH_FMT_2LEVEL || fmt == SH_FMT_2LEVEL_PSE;
}

void sh_root_id(const struct mmu_mode *m, uint64_t cr3, struct sh_root_id *id)
{
	uint32_t low = (uint32_t)cr3;	/* outside long mode CR3 has 32 bits */

	switch (mmu_paging_form(m)) {
	case MMU_FORM_PAE:
		id->table = low & PAE_CR3_MASK;
		id->key = SH_KEY(SH_FMT_PAE_ROOT, (id->table & (PAGE_SIZE - 1)) >> 5);
		id->level = 3;
		break;
	case MMU_FORM_2LEVEL:
		id->table = low & ADDR32_MASK;
		id->key = SH_KEY((m->cr4 & MMU_CR4_PSE) ? SH_FMT_2LEVEL_PSE : SH_FMT_2LEVEL, 0);
		id->level = 3;
		break;
	default:
		id->table = cr3 & PTE_ADDR_MASK & ((1ULL << mmu_maxphyaddr(m)) - 1);
		id->key = SH_KEY(SH_FMT_LONG, 0);
		id->level = 4;
		break;
	}
	id->gfn = id->table >> PAGE_SHIFT;
}

bool sh_is_root(const struct sh_page *sp)
{
	if (sp->split)
		return false;
	if (SH_KEY_FMT(sp->attrs) == SH_FMT_LONG)
		return sp->level == 4;
	return sp->level == 3;
}

int sh_guest_walk(struct shadow_domain *d, const struct mmu_mode *m, uint64_t table,
		  uint64_t va, unsigned int access, struct mmu_walk *w)
{
	struct mmu_tables t = { .map = guest_table, .ctx = d };

	if (mmu_paging_form(m) == MMU_FORM_LONG)
		return mmu_walk(m, &t, table, va, access, MMU_WALK_SET_AD | sh_walk_flags(d), w);
	if (va >> 32)
		return -EINVAL;
	return mmu_walk32(m, &t, table, (uint32_t)va, access, MMU_WALK_SET_AD, w);
}

/* The key of the shadow that entry pt_index(va) of sp points to, for the
 * guest table entry g (unused under a 2-level root, which has none). */
void sh_child_key(const struct sh_page *sp, uint64_t va, uint64_t g, uint64_t *gfn,
		  uint64_t *key)
{
	unsigned int fmt = SH_KEY_FMT(sp->attrs);

	if (!fmt_2level(fmt)) {
		*gfn = pte_addr(g) >> PAGE_SHIFT;
		*key = SH_KEY(SH_FMT_LONG, 0);
	} else if (sp->level == 3) {
		*gfn = sp->gfn;
		*key = SH_KEY(fmt, pt_index(va, 3));
	} else {
		*gfn = (g & ADDR32_MASK) >> PAGE_SHIFT;
		*key = SH_KEY(SH_FMT_2LEVEL, (va >> 21) & 1);
	}
}

/* A PDPTE has no rights and no accessed bit: those bits are reserved. */
uint64_t sh_link_entry(const struct shadow_domain *d, const struct sh_page *sp, uint64_t g,
		       const struct sh_page *child)
{
	if (sp->level == 3 && SH_KEY_FMT(sp->attrs) != SH_FMT_LONG)
		return child->maddr | PTE_P;
	if (sh_linear_self(d, sp, child))
		return sh_table_entry(d, g, child) & ~PTE_W;
	return sh_table_entry(d, g, child);
}

static void write_pae_root(struct shadow_domain *d, uint64_t gfn, const uint8_t *page,
			   unsigned int off)
{
	struct sh_page *sp = sh_page_find(d, gfn, 3, false,
					  SH_KEY(SH_FMT_PAE_ROOT, off >> 5));
	const uint64_t *e = (const uint64_t *)(page + (off & ~7u));

	if (sp)
		sh_resync(d, sp, (off >> 3) & 3, *e);
}

/* Guest PDE k (4 MiB) is shadow PDEs 2k and 2k+1 (2 MiB each) of its
 * quarter of the directory (256 PDEs, 1 GiB). */
static void write_pde32(struct shadow_domain *d, uint64_t gfn, unsigned int k, uint64_t g)
{
	static const unsigned int fmts[] = { SH_FMT_2LEVEL, SH_FMT_2LEVEL_PSE };

	for (unsigned int i = 0; i < 2; i++) {
		struct sh_page *sp = sh_page_find(d, gfn, 2, false, SH_KEY(fmts[i], k >> 8));
		uint32_t idx = (k & 255) * 2;

		if (sp && !sh_resync(d, sp, idx, g))
			sh_resync(d, sp, idx + 1, g);
	}
}

void sh_pt_write_legacy(struct shadow_domain *d, uint64_t gfn, const uint8_t *page,
			unsigned int off, unsigned int len)
{
	const uint32_t *e32 = (const uint32_t *)page;

	write_pae_root(d, gfn, page, off);
	for (unsigned int k = off >> 2; k <= (off + len - 1) >> 2; k++) {
		struct sh_page *sp = sh_page_find(d, gfn, 1, false,
						  SH_KEY(SH_FMT_2LEVEL, k >> 9));

		if (sp)
			sh_resync(d, sp, k & 511, e32[k]);
		write_pde32(d, gfn, k, e32[k]);
	}
}

static uint64_t pde32_4m_gfn(uint64_t g)
{
	uint64_t a = (g & PDE32_4M_MASK) | (((g >> PDE32_HI_SHIFT) & PDE32_HI_MASK) << 32);

	return a >> PAGE_SHIFT;
}

static void view_2level(const struct sh_page *sp, const uint32_t *t, uint32_t idx,
			struct sh_guest_view *gv)
{
	unsigned int fmt = SH_KEY_FMT(sp->attrs), part = SH_KEY_PART(sp->attrs);

	if (sp->level == 1) {
		gv->g = t[part * 512 + idx];
		gv->leaf_gfn = pte_addr(gv->g) >> PAGE_SHIFT;
		return;
	}
	gv->g = t[part * 256 + idx / 2];
	gv->large = fmt == SH_FMT_2LEVEL_PSE && (gv->g & PTE_PS);
	gv->table_gfn = (gv->g & ADDR32_MASK) >> PAGE_SHIFT;
	gv->table_key = SH_KEY(SH_FMT_2LEVEL, idx & 1);
	gv->leaf_gfn = pde32_4m_gfn(gv->g) + ((idx & 1) << 9);
}

void sh_guest_view(struct shadow_domain *d, const struct sh_page *sp, uint32_t idx,
		   struct sh_guest_view *gv)
{
	unsigned int fmt = SH_KEY_FMT(sp->attrs);
	struct mmu_p2m p;
	uint8_t *t;

	*gv = (struct sh_guest_view){ 0 };
	if (sh_p2m(d, sp->gfn, &p) || !(t = d->ops.map(d->ops.ctx, p.mfn << PAGE_SHIFT)))
		return;
	gv->ok = true;
	if (fmt_2level(fmt) && sp->level == 3) {
		/* No guest entry: the quarters of the directory itself. */
		gv->g = PTE_P | PTE_A | PTE_W | PTE_U;
		gv->table_gfn = sp->gfn;
		gv->table_key = SH_KEY(fmt, idx);
		return;
	}
	if (fmt_2level(fmt)) {
		view_2level(sp, (const uint32_t *)t, idx, gv);
		return;
	}
	if (fmt == SH_FMT_PAE_ROOT)
		gv->g = ((const uint64_t *)t)[SH_KEY_PART(sp->attrs) * 4 + (idx & 3)];
	else
		gv->g = ((const uint64_t *)t)[idx];
	gv->table_gfn = pte_addr(gv->g) >> PAGE_SHIFT;
	gv->table_key = SH_KEY(SH_FMT_LONG, 0);
	gv->large = fmt == SH_FMT_LONG && sp->level >= 2 && (gv->g & PTE_PS);
	gv->leaf_gfn = pte_leaf_addr(gv->g, sp->level) >> PAGE_SHIFT;
}
