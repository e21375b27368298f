/* Hidden page faults: walk the guest's tables (setting its A/D bits as
 * the processor would), then either reflect the guest's own fault or
 * fill the shadow path for the address, creating shadow tables on the
 * way, and say what the caller must do. */
#include "mmu/shadow_priv.h"
#include "base/errno.h"

struct fill {
	struct shadow_domain *d;
	uint64_t va;
	const struct mmu_walk *w;
	const struct mmu_p2m *final;	/* p2m of the frame the access reaches */
	struct sh_page *path[8];	/* pages marked busy, to release */
	int npath;
	uint64_t entries;		/* shadow entries written */
};

static void hold(struct fill *f, struct sh_page *sp)
{
	if (sp->busy)
		return;
	sp->busy = true;
	f->path[f->npath++] = sp;
}

static void release(struct fill *f)
{
	while (f->npath) {
		struct sh_page *sp = f->path[--f->npath];

		sp->busy = false;
		sh_put(f->d, sp);
	}
}

/* Point entry idx of sp at child (a page just found or created). */
static int link_child(struct fill *f, struct sh_page *sp, uint32_t idx,
		      struct sh_page *child, uint64_t e)
{
	int err = sh_link(f->d, sp, idx, child, e);

	if (err) {
		sh_put(f->d, child);
		return err;
	}
	hold(f, child);
	f->entries++;
	return 0;
}

static int set_leaf(struct fill *f, struct sh_page *sp, uint32_t idx, uint64_t e)
{
	f->entries++;
	return sh_set_leaf(f->d, sp, idx, e);
}

/* The 4 KiB leaf (or 2 MiB leaf when possible) inside a split table. */
static int fill_split(struct fill *f, struct sh_page *sp)
{
	uint32_t idx = pt_index(f->va, sp->level);
	uint64_t gfn = sp->gfn + (sp->level == 2 ? (uint64_t)idx << 9 : idx);
	struct shadow_domain *d = f->d;
	struct sh_page *child;
	struct mmu_p2m p;
	int err;

	if (sp->level == 2 && sh_large_ok(d, gfn, &p))
		return set_leaf(f, sp, idx, sh_split_leaf(d, sp, 2, p.mfn, p.writable));
	if (sp->level == 1) {
		if (sh_p2m_leaf(d, gfn, &p))
			return 0;
		return set_leaf(f, sp, idx, sh_split_leaf(d, sp, 1, p.mfn,
				p.writable && !sh_mfn_is_pt(d, p.mfn)));
	}
	err = sh_page_get(d, gfn, 1, true, sp->attrs, &child);
	if (!err)
		err = link_child(f, sp, idx, child, sh_split_table_entry(child));
	return err ? err : fill_split(f, child);
}

/* The guest's leaf at `level` into sp, the shadow of its table. */
static int fill_leaf(struct fill *f, struct sh_page *sp, int level)
{
	uint64_t g = f->w->entry[level];
	/* The first frame of the area this shadow entry maps: all of a
	 * guest large page, or the half of a 2-level 4 MiB page at va. */
	uint64_t gfn = (f->w->addr >> PAGE_SHIFT) & ~((1ULL << (9 * (level - 1))) - 1);
	uint32_t idx = pt_index(f->va, level);
	struct shadow_domain *d = f->d;
	struct sh_page *child;
	struct mmu_p2m p;
	int err;

	if (level == 1)
		return set_leaf(f, sp, idx, sh_guest_leaf(d, g, 1, f->final->mfn,
				f->final->writable && !sh_mfn_is_pt(d, f->final->mfn)));
	if (level == 2 && sh_large_ok(d, gfn, &p))
		return set_leaf(f, sp, idx, sh_guest_leaf(d, g, 2, p.mfn, p.writable));
	err = sh_page_get(d, gfn, level - 1, true, sh_leaf_attrs(g, level), &child);
	if (!err)
		err = link_child(f, sp, idx, child, sh_split_parent_entry(d, g, child));
	return err ? err : fill_split(f, child);
}

static int root_track(struct shadow_domain *d, struct sh_page *root)
{
	struct mmu_p2m p;
	int err;

	if (root->tracked || sh_p2m(d, root->gfn, &p))
		return 0;
	err = sh_track(d, p.mfn);
	if (!err) {
		root->tracked = true;
		root->mfn = p.mfn;
	}
	return err;
}

static int fill_path(struct fill *f, struct sh_page *root)
{
	const struct mmu_walk *w = f->w;
	struct sh_page *sp = root;
	int level, err;

	hold(f, root);
	err = root_track(f->d, root);
	for (level = root->level; !err && level > w->level; level--) {
		/* 0 at the root of a 2-level guest, which has no level 3. */
		uint64_t g = w->entry[level], gfn, key;
		uint32_t idx = pt_index(f->va, level);
		struct sh_page *child = sp->child[idx];

		sh_child_key(sp, f->va, g, &gfn, &key);
		if (!child || child->split || child->gfn != gfn || child->attrs != key)
			err = sh_page_get(f->d, gfn, level - 1, false, key, &child);
		if (!err)
			err = link_child(f, sp, idx, child, sh_link_entry(f->d, sp, g, child));
		if (err)
			break;
		sp = child;
		sp->writes = 0;
	}
	if (!err)
		err = fill_leaf(f, sp, w->level);
	release(f);
	return err;
}

static void classify(struct shadow_vcpu *v, const struct mmu_walk *w, unsigned int access,
		     const struct mmu_p2m *p, struct shadow_fault *out)
{
	struct shadow_domain *d = v->d;
	struct mmu_mode hw = v->mode;
	bool write = access & MMU_ACC_WRITE;

	out->gpa = w->addr;
	out->maddr = (p->mfn << PAGE_SHIFT) | (w->addr & (PAGE_SIZE - 1));
	hw.cr0 |= MMU_CR0_WP;		/* the processor always runs the shadow with WP */
	if (write && !p->writable) {
		out->action = SHADOW_P2M_FAULT;
		out->table = false;
		d->stats.p2m_faults++;
	} else if (write && sh_mfn_is_pt(d, p->mfn)) {
		out->action = SHADOW_EMULATE_PT_WRITE;
		d->stats.pt_write_traps++;
	} else if (mmu_access_fault(&hw, w, access)) {
		out->action = SHADOW_EMULATE;
		d->stats.emulations++;
	} else {
		out->action = SHADOW_FIXED;
		d->stats.fills++;
	}
}

static int fault_once(struct shadow_vcpu *v, uint64_t va, unsigned int access,
		      struct shadow_fault *out)
{
	struct shadow_domain *d = v->d;
	struct sh_root *root = &d->roots[v->root];
	struct mmu_walk w = { 0 };
	struct mmu_p2m p;
	struct fill f = { .d = d, .va = va, .w = &w, .final = &p };
	struct sh_root_id id;
	int st, err;

	/* A change of paging form needs a CR3 write before the next fault. */
	sh_root_id(&v->mode, root->table, &id);
	if (id.level != root->sp->level || id.key != root->sp->attrs)
		return -EINVAL;
	st = sh_guest_walk(d, &v->mode, root->table, va, access, &w);
	if (st < 0)
		return st;
	if (st == MMU_WALK_PF) {
		out->action = SHADOW_INJECT;
		out->error_code = w.error_code;
		d->stats.injected++;
		return 0;
	}
	if (st == MMU_WALK_NO_TABLE || (st == MMU_WALK_OK && sh_p2m_leaf(d, w.addr >> PAGE_SHIFT, &p))) {
		out->action = SHADOW_P2M_FAULT;
		out->gpa = st == MMU_WALK_OK ? w.addr : w.table[w.level];
		out->table = st != MMU_WALK_OK;
		d->stats.p2m_faults++;
		return 0;
	}
	if (st != MMU_WALK_OK)
		return -EINVAL;
	err = sh_exec_fault(d, access, &p, out);
	if (err)
		return err < 0 ? err : 0;
	err = fill_path(&f, root->sp);
	if (err)
		return err;
	d->stats.entries_filled += f.entries;
	classify(v, &w, access, &p, out);
	return 0;
}

int shadow_page_fault(struct shadow_vcpu *v, uint64_t va, unsigned int access,
		      struct shadow_fault *f)
{
	struct shadow_domain *d;
	int err;

	if (!v || !f || v->root < 0 || !mmu_va_is_canonical(va) ||
	    (access & ~MMU_ACC_MASK) || ((access & MMU_ACC_USER) && (access & MMU_ACC_IMPLICIT)) ||
	    ((access & MMU_ACC_FETCH) && (access & MMU_ACC_WRITE)))
		return -EINVAL;
	d = v->d;
	if (d->roots[v->root].sp->level == 4 && sh_hv_slot(d, (uint32_t)pt_index(va, 4)))
		return -EPERM;
	d->stats.hidden_faults++;
	*f = (struct shadow_fault){ 0 };
	err = sh_make_room(d, SH_OP_PAGES);
	if (!err)
		err = fault_once(v, va, access, f);
	if (err == -ENOMEM) {
		/* Start again from empty shadows rather than fail the guest. */
		shadow_flush_all(d);
		*f = (struct shadow_fault){ 0 };
		err = fault_once(v, va, access, f);
	}
	sh_flush_tlb(d);
	return err;
}
