/*
 * Which frames a translated PV domain's own tables map (paging=shadow).
 * On shared page tables a frame's type count says at once whether the
 * guest maps it writable; the shadow engine keeps no types (and shadows
 * only what was used), so the few calls whose answer Xen gives from the
 * type count (a pin; set_version(1) while a status frame is mapped,
 * XSA-255; GNTMAP_contains_pte's L1 table) read the guest's tables
 * instead: every leaf (or table) reachable from
 * the kernel and user roots of each vCPU, the hypervisor's L4 slots left
 * out as the engine leaves them out. The tables are read as the engine
 * reads them (through the p2m, writable frames only).
 *
 * A table linked from many places is read each time; the whole walk
 * reads at most MAX_TABLES tables, and a domain whose tables need more
 * is answered "mapped" (the refusal), never walked without bound.
 */
#include <asm/layout.h>
#include <umbra/domain.h>
#include "mmu/pte.h"
#include "pv_mm.h"
#include "pv_traps.h"

#define MAX_TABLES	4096

struct scan {
	struct domain *d;
	uint64_t gfn, n;
	bool writable;
	int table_level;		/* 0: look for leaves; else for gfn as such a table */
	unsigned int tables;
};

enum { NOT_FOUND, FOUND, TOO_MANY };

static bool hv_slot(uint32_t idx)
{
	uint64_t va = (uint64_t)idx << 39;

	if (idx >= 256)
		va |= 0xffff000000000000ULL;
	return !pv_guest_va_ok(va);
}

static bool leaf_hits(const struct scan *s, uint64_t e, int level)
{
	uint64_t first = pte_leaf_addr(e, level) >> PAGE_SHIFT;
	uint64_t count = 1ULL << (9 * (level - 1));

	return first < s->gfn + s->n && s->gfn < first + count && (!s->writable || (e & PTE_W));
}

static int scan_table(struct scan *s, uint64_t gfn, int level)
{
	const uint64_t *t = pv_shadow_table(s->d, gfn);

	if (!t)
		return NOT_FOUND;	/* the engine does not run on it either */
	if (++s->tables > MAX_TABLES)
		return TOO_MANY;
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);
		int r;

		if (!(e & PTE_P) || (level == 4 && hv_slot(i)))
			continue;
		if (level == 1 || (level < 4 && (e & PTE_PS))) {
			if (!s->table_level && leaf_hits(s, e, level))
				return FOUND;
			continue;
		}
		if (s->table_level == level - 1 && (e & PTE_ADDR_MASK) >> PAGE_SHIFT == s->gfn)
			return FOUND;
		if (s->table_level == level - 1)
			continue;	/* nothing below is the table asked for */
		r = scan_table(s, (e & PTE_ADDR_MASK) >> PAGE_SHIFT, level - 1);
		if (r != NOT_FOUND)
			return r;
	}
	return NOT_FOUND;
}

static bool scan_roots(struct scan *s)
{
	struct domain *d = s->d;
	uint64_t done[2 * MAX_VCPUS_PER_DOMAIN];
	unsigned int ndone = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];
		uint64_t roots[2] = { v ? v->pv.guest_cr3 : 0, v ? v->pv.guest_user_cr3 : 0 };

		for (unsigned int k = 0; k < 2; k++) {
			bool seen = !roots[k];

			for (unsigned int j = 0; j < ndone && !seen; j++)
				seen = done[j] == roots[k];
			if (seen)
				continue;
			done[ndone++] = roots[k];
			if (scan_table(s, roots[k] >> PAGE_SHIFT, 4) != NOT_FOUND)
				return true;
		}
	}
	return false;
}

bool pv_shadow_maps(struct domain *d, uint64_t gfn, uint64_t n, bool writable)
{
	struct scan s = { .d = d, .gfn = gfn, .n = n, .writable = writable };

	return scan_roots(&s);
}

/* Too many tables to tell is no answer here: only a table found is. */
bool pv_shadow_has_table(struct domain *d, uint64_t gfn, int level)
{
	struct scan s = { .d = d, .gfn = gfn, .table_level = level };

	return scan_roots(&s) && s.tables <= MAX_TABLES;
}
