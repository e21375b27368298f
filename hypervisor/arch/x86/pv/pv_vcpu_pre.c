/*
 * VCPUOP_initialise's page tables validated a part at a time, so that
 * the call can be preempted as Xen's is (shared-pt validates a table's
 * whole subtree when its first type reference is taken: an L4 at once).
 *
 * Before the context's kernel L4 becomes the vCPU's base pointer, its
 * subtree is walked bottom up: each L1 under an L2 is held as an L1
 * (validated), then that L2 (its L1s typed already, so only its own
 * entries are looked at), then, its L2s done, the L3. Past PRE_BUDGET
 * L1 tables the call returns HYPERCALL_CONTINUE and the guest issues it
 * again with the same arguments; the walk's place and what it holds are
 * kept with the target vCPU, for that caller, context and L4 (another
 * request for the vCPU starts afresh). When the walk is done the L4 is
 * taken as always, finding everything below typed already, and the
 * held references go.
 *
 * Only links the L4's own validation takes as table links are followed:
 * present, writable (a read-only one may be a linear page-table map,
 * which is validated as its own level), no superpage, in a guest slot.
 * Whatever fails here is passed over: the L4's validation gives the
 * answer it always gave. A held table is one the guest links as a table
 * of that level; a caller that never comes back leaves it held until
 * the next request for that vCPU, or the domain's teardown.
 */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/hypercall.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "pv_mm.h"
#include "pv_traps.h"

#define PRE_BUDGET	16	/* L1 tables validated per call */
#define ENTRIES		512

struct pv_pre {
	uint64_t arg, l4;		/* what the walk is of */
	unsigned int caller;
	unsigned int steps;		/* calls so far */
	unsigned int next[5];		/* next entry at levels 4, 3, 2 */
	unsigned int held_n[4];		/* at levels 1, 2, 3 */
	uint64_t *held[4];		/* a pool page each */
};

static uint64_t entry_at(uint64_t mfn, unsigned int i)
{
	const uint64_t *t = phys_to_virt(mfn << PAGE_SHIFT);

	return __atomic_load_n(&t[i], __ATOMIC_RELAXED);
}

static bool own_frame(const struct domain *d, uint64_t mfn)
{
	uint16_t owner;

	return !spt_m2p(pv_mm_machine(), mfn, &owner, NULL) && owner == d->id;
}

/* A table link to a frame of the domain's own. */
static bool link(const struct domain *d, uint64_t e, uint64_t *mfn)
{
	if ((e & (PTE_P | PTE_W | PTE_PS)) != (PTE_P | PTE_W))
		return false;
	*mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	return own_frame(d, *mfn);
}

static bool guest_slot(unsigned int slot)
{
	uint64_t va = (uint64_t)slot << 39;

	return pv_guest_va_ok(slot >= 256 ? va | 0xffff000000000000ULL : va);
}

static void hold(struct domain *d, struct pv_pre *p, int level, uint64_t mfn)
{
	if (p->held_n[level] < ENTRIES && !spt_hold_table(&d->pv->spt, mfn, level))
		p->held[level][p->held_n[level]++] = mfn;
}

static void release(struct domain *d, struct pv_pre *p, int level)
{
	while (p->held_n[level])
		spt_release_table(&d->pv->spt, p->held[level][--p->held_n[level]], level);
}

/* Down from where it stopped; false: the budget ran out first. */
static bool walk(struct domain *d, struct pv_pre *p)
{
	unsigned int budget = PRE_BUDGET;
	uint64_t l3, l2, l1;

	for (; p->next[4] < ENTRIES; p->next[4]++, p->next[3] = 0) {
		if (!guest_slot(p->next[4]) || !link(d, entry_at(p->l4, p->next[4]), &l3))
			continue;
		for (; p->next[3] < ENTRIES; p->next[3]++, p->next[2] = 0) {
			if (!link(d, entry_at(l3, p->next[3]), &l2))
				continue;
			for (; p->next[2] < ENTRIES; p->next[2]++) {
				if (!link(d, entry_at(l2, p->next[2]), &l1))
					continue;
				if (!budget--)
					return false;
				hold(d, p, 1, l1);
			}
			hold(d, p, 2, l2);
			release(d, p, 1);
		}
		hold(d, p, 3, l3);
		release(d, p, 2);
	}
	return true;
}

static void pre_free(struct domain *d, struct pv_pre *p)
{
	for (int level = 1; level <= 3; level++) {
		release(d, p, level);
		if (p->held[level])
			domain_page_free(d, virt_to_phys(p->held[level]));
	}
	domain_page_free(d, virt_to_phys(p));
}

/* A fresh walk, or NULL: no pool pages (the L4 is then validated at
 * once, as before). */
static struct pv_pre *pre_new(struct domain *d)
{
	uint64_t pa = domain_page_alloc(d);
	struct pv_pre *p;

	if (!pa)
		return NULL;
	p = phys_to_virt(pa);
	memset(p, 0, sizeof(*p));
	for (int level = 1; level <= 3; level++) {
		pa = domain_page_alloc(d);
		if (!pa) {
			pre_free(d, p);
			return NULL;
		}
		p->held[level] = phys_to_virt(pa);
	}
	return p;
}

long pv_pre_validate(struct vcpu *caller, struct vcpu *v, uint64_t arg, uint64_t l4)
{
	struct domain *d = v->domain;
	struct pv_pre *p;
	bool done;

	if (pv_translated(d))
		return 0;		/* shadows are made as the guest runs */
	write_cr3(paging_root());	/* off the tables shared-pt may change */
	pv_mm_lock(d);
	p = v->pv.pre;
	if (p && (p->arg != arg || p->caller != caller->id || p->l4 != l4)) {
		pre_free(d, p);		/* another request: afresh */
		p = NULL;
	}
	if (!p) {
		p = pre_new(d);
		if (p) {
			p->arg = arg;
			p->caller = caller->id;
			p->l4 = l4;
		}
	}
	v->pv.pre = p;
	done = !p || !own_frame(d, l4) || walk(d, p);
	if (p)
		p->steps++;
	pv_mm_unlock();
	return done ? 0 : HYPERCALL_CONTINUE;
}

void pv_pre_finish(struct vcpu *v, bool taken)
{
	struct domain *d = v->domain;
	struct pv_pre *p = v->pv.pre;

	if (!p || !d->pv)
		return;		/* none; or the domain's pool went already */
	if (taken && p->steps > 1)
		pr_info("domain %u (%s) vcpu %u: VCPUOP_initialise: page tables validated in "
			"%u steps\n", d->id, d->name, v->id, p->steps);
	pv_mm_lock(d);
	pre_free(d, p);
	v->pv.pre = NULL;
	pv_mm_unlock();
}
