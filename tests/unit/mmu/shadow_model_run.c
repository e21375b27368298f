/* One sequence of the shadow-engine model: set up a guest, run random
 * operations checking every access, audit, compare all of memory, tear
 * down and check that every page came back. See shadow_model.h. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/mmu/shadow_model_priv.h"

#define HV_SLOT		511
#define HV_ENTRY	(0x1234000ULL | PTE_P | PTE_W)
#define AUDIT_EVERY	25

struct model *model_create(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m || mm_init(m)) {
		free(m);
		return NULL;
	}
	return m;
}

void model_destroy(struct model *m)
{
	if (!m)
		return;
	mm_fini(m);
	free(m);
}

const char *model_error(const struct model *m)
{
	return m->err;
}

const struct model_totals *model_totals(const struct model *m)
{
	return &m->totals;
}

/* Written straight into both copies: only before the engine sees it. */
static void write_both(struct model *m, uint64_t gpa, uint64_t value)
{
	m->mmem[gpa >> 12][(gpa & 0xfff) / 8] = value;
	mm_guest_frame(m, gpa >> 12)[(gpa & 0xfff) / 8] = value;
}

/* Space 0: a root and a supervisor direct map of the whole table pool. */
static uint64_t build_first_space(struct model *m)
{
	uint64_t root = mm_pool_alloc(m), l3 = mm_pool_alloc(m);
	uint64_t l2 = mm_pool_alloc(m), l1 = mm_pool_alloc(m), g;
	uint64_t kflags = PTE_P | PTE_W;

	write_both(m, root + 8 * pt_index(MM_KDM, 4), l3 | kflags);
	write_both(m, l3 + 8 * pt_index(MM_KDM, 3), l2 | kflags);
	write_both(m, l2 + 8 * pt_index(MM_KDM + (MM_POOL_FIRST << 12), 2), l1 | kflags);
	for (g = MM_POOL_FIRST; g < MM_POOL_FIRST + MM_POOL_FRAMES; g++)
		write_both(m, l1 + 8 * pt_index(MM_KDM + (g << 12), 1), (g << 12) | kflags);
	return root;
}

static void random_mode(struct model *m)
{
	static const uint8_t widths[] = { 40, 46, 52 };

	m->mode = (struct mmu_mode){
		.cr0 = mm_chance(m, 85) ? MMU_CR0_WP : 0,
		.cr4 = (mm_chance(m, 40) ? MMU_CR4_SMEP : 0) |
		       (mm_chance(m, 40) ? MMU_CR4_SMAP : 0) |
		       (mm_chance(m, 40) ? MMU_CR4_PKE : 0) |
		       (mm_chance(m, 30) ? MMU_CR4_PCIDE : 0),
		.efer = mm_chance(m, 85) ? MMU_EFER_NXE : 0,
		.pkru = mm_chance(m, 50) ? (uint32_t)mm_rand(m, 1ULL << 32) : 0,
		.maxphyaddr = widths[mm_rand(m, 3)],
	};
}

static int setup(struct model *m)
{
	static const unsigned int roots[] = { 3, 4, 8, 16 };
	static const uint64_t caps[] = { 0, 0, 0, 8, 16, 40 };
	struct shadow_config cfg = { .hv_slot = -1 };
	uint64_t root, hw;
	int i, err;

	mm_reset(m);
	m->low_shift = mm_chance(m, 30);
	for (i = 0; i < MM_REGIONS; i++)
		m->region[i] = (uint8_t)mm_rand(m, RM_KINDS);
	m->nvcpus = 1 + mm_chance(m, 30);
	cfg.roots = roots[mm_rand(m, 4)];
	cfg.max_pages = caps[mm_rand(m, 6)];
	cfg.hash_pages = mm_chance(m, 50) ? 1 : 0;
	/* A pool at its minimum must still serve every operation. */
	if (mm_chance(m, 40))
		cfg.pool_pages = shadow_pool_min_pages(&cfg) + (mm_chance(m, 50) ? 0 : 24);
	if (mm_chance(m, 25)) {
		cfg.hv_slot = HV_SLOT;
		cfg.hv_entry = HV_ENTRY;
	}
	m->d = shadow_domain_create(&m->ops, &cfg, &err);
	if (!m->d)
		return mm_fail(m, "shadow_domain_create = %d", err);
	for (i = 0; i < m->nvcpus; i++) {
		m->v[i] = shadow_vcpu_create(m->d);
		if (!m->v[i])
			return mm_fail(m, "shadow_vcpu_create failed");
		m->space_of[i] = 0;
	}
	random_mode(m);
	if (mm_apply_mode(m))
		return -1;
	root = build_first_space(m);
	m->space_root[0] = root;
	m->nspaces = 1;
	memset(m->nvas, 0, sizeof(m->nvas));
	m->vcpu = 0;
	for (i = 0; i < m->nvcpus; i++)
		if ((err = shadow_write_cr3(m->v[i], root, &hw)))
			return mm_fail(m, "first CR3 write = %d", err);
	return 0;
}

static int step(struct model *m)
{
	unsigned int k = (unsigned int)mm_rand(m, 100);
	uint64_t va = 0;
	int err = 0;

	if (k < 20) {
		m->op = "access";
		va = mm_pick_va(m);
	} else if (k < 38) {
		m->op = "map";
		err = mm_op_map(m, &va);
	} else if (k < 46) {
		m->op = "unmap";
		err = mm_op_unmap(m, &va);
	} else if (k < 54) {
		m->op = "protect";
		err = mm_op_protect(m, &va);
	} else if (k < 66) {
		m->op = "write pte";
		err = mm_op_random_pte(m, &va);
	} else if (k < 74) {
		m->op = "cr3";
		err = mm_op_cr3(m);
	} else if (k < 80) {
		m->op = "invlpg";
		va = mm_pick_va(m);
		err = shadow_invlpg(m->v[m->vcpu], va) ? mm_fail(m, "invlpg failed") : 0;
	} else if (k < 87) {
		m->op = "mode";
		err = mm_op_mode(m);
	} else if (k < 90) {
		m->op = "p2m";
		mm_op_p2m(m);
	} else if (k < 94) {
		m->op = "unshadow";
		err = shadow_unshadow_gfn(m->d, mm_used_pool_gfn(m)) < 0 ?
		      mm_fail(m, "unshadow failed") : 0;
	} else if (k < 96) {
		m->op = "flush";
		shadow_flush_all(m->d);
	} else {
		m->op = "vcpu";
		m->vcpu = (int)mm_rand(m, (uint64_t)m->nvcpus);
	}
	if (err)
		return err;
	m->op = "check";
	if (va && mm_check(m, va))
		return -1;
	return mm_check(m, mm_pick_va(m));
}

static int audit(struct model *m)
{
	const char *why = NULL;

	if (shadow_audit(m->d, &why))
		return mm_fail(m, "shadow_audit: %s", why);
	return 0;
}

static uint64_t count_large(struct model *m, uint64_t maddr, int level)
{
	uint64_t *t = (uint64_t *)(m->hm->mem + maddr), n = 0;
	int i;

	for (i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P) || (level == 4 && i == HV_SLOT && t[i] == HV_ENTRY))
			continue;
		if (level == 2 && (t[i] & PTE_PS))
			n++;
		else if (level > 1 && !(t[i] & PTE_PS))
			n += count_large(m, pte_addr(t[i]), level - 1);
	}
	return n;
}

/* Whole-memory comparison and shadow statistics at the end. */
static int finish(struct model *m)
{
	uint64_t g;
	int i;

	m->op = "finish";
	if (audit(m))
		return -1;
	for (g = MM_POOL_FIRST; g < MM_POOL_FIRST + MM_POOL_FRAMES; g++)
		if (memcmp(m->mmem[g], mm_guest_frame(m, g), 4096))
			return mm_fail(m, "guest frame %#llx differs from the model",
				       (unsigned long long)g);
	for (i = 0; i < m->nvcpus; i++)
		m->totals.large_leaves += count_large(m, shadow_hw_cr3(m->v[i]), 4);
	return 0;
}

static void add_counters(struct model *m)
{
	struct shadow_counters c;
	uint64_t *sum = (uint64_t *)&m->totals.engine, *add = (uint64_t *)&c;
	size_t i;

	shadow_get_counters(m->d, &c);
	for (i = 0; i < sizeof(c) / sizeof(uint64_t); i++)
		sum[i] += add[i];
}

static int teardown(struct model *m)
{
	int i, err = 0;

	if (m->d)
		add_counters(m);
	for (i = 0; i < MM_VCPUS; i++) {
		shadow_vcpu_destroy(m->v[i]);
		m->v[i] = NULL;
	}
	if (m->d && shadow_domain_destroy(m->d))
		err = mm_fail(m, "shadow_domain_destroy failed");
	m->d = NULL;
	if (!err && m->hm->in_use)
		err = mm_fail(m, "%llu machine pages not given back",
			      (unsigned long long)m->hm->in_use);
	return err;
}

int model_run(struct model *m, uint64_t seed, const uint8_t *data, size_t len, int steps)
{
	int err;

	m->seed = seed;
	m->rng = seed;
	m->data = data;
	m->len = len;
	m->pos = 0;
	m->exhausted = false;
	m->err[0] = 0;
	m->op = NULL;
	m->step = 0;
	err = setup(m);
	for (m->step = 1; !err && m->step <= steps && !m->exhausted; m->step++) {
		err = step(m);
		m->totals.steps++;
		if (!err && m->step % AUDIT_EVERY == 0)
			err = audit(m);
	}
	if (!err)
		err = finish(m);
	if (teardown(m) && !err)
		err = -1;
	m->totals.sequences++;
	return err ? -1 : 0;
}
