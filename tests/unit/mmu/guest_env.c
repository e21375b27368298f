/* Test guest for the shadow engine; see guest_env.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/mmu/guest_env.h"

uint64_t genv_maddr(uint64_t gpa)
{
	return gpa + (GENV_RAM_MFN << 12);
}

uint64_t *genv_ptr(struct genv *e, uint64_t gpa)
{
	return (uint64_t *)(e->hm->mem + genv_maddr(gpa));
}

static uint64_t *ptb_ptr(void *ctx, uint64_t gpa)
{
	return genv_ptr(ctx, gpa & ~0xfffULL);
}

static uint64_t ptb_alloc(void *ctx)
{
	return genv_new_table(ctx);
}

uint64_t genv_new_table(struct genv *e)
{
	uint64_t gpa = e->next_table_gfn++ << 12;

	assert_true(e->next_table_gfn < 512);
	memset(genv_ptr(e, gpa), 0, 4096);
	return gpa;
}

bool (*genv_may_be_table)(void *ctx, uint64_t gfn);

struct genv *genv_create(const struct shadow_config *cfg)
{
	struct genv *e = calloc(1, sizeof(*e));
	uint64_t g;
	int err;

	e->hm = hm_create(GENV_FRAMES, GENV_FRAMES / 2, GENV_FRAMES / 2);
	for (g = 0; g < GENV_RAM_FRAMES; g++)
		hm_p2m_set(e->hm, g, GENV_RAM_MFN + g, 9, true);
	e->baseline_pages = e->hm->in_use;
	e->next_table_gfn = GENV_TABLE_GFN;
	e->b = (struct ptb){ .ptr = ptb_ptr, .alloc = ptb_alloc, .ctx = e };
	e->hm->ops.may_be_table = genv_may_be_table;
	e->d = shadow_domain_create(&e->hm->ops, cfg, &err);
	assert_non_null(e->d);
	assert_int_equal(err, 0);
	e->v = shadow_vcpu_create(e->d);
	assert_non_null(e->v);
	e->mode = (struct mmu_mode){ .cr0 = MMU_CR0_WP, .efer = MMU_EFER_NXE };
	assert_int_equal(shadow_set_mode(e->v, &e->mode), 0);
	return e;
}

void genv_destroy(struct genv *e)
{
	const char *why = NULL;

	if (shadow_audit(e->d, &why))
		fail_msg("audit at teardown: %s", why);
	shadow_vcpu_destroy(e->v);
	assert_int_equal(shadow_domain_destroy(e->d), 0);
	assert_int_equal(e->hm->in_use, e->baseline_pages);
	hm_destroy(e->hm);
	free(e);
}

uint64_t genv_new_space(struct genv *e)
{
	uint64_t root = genv_new_table(e);

	assert_int_equal(genv_switch(e, root), 0);
	return root;
}

int genv_switch(struct genv *e, uint64_t root_gpa)
{
	e->b.root = root_gpa & ~0xfffULL;
	return shadow_write_cr3(e->v, root_gpa, &e->hw_cr3);
}

uint64_t genv_entry_gpa(struct genv *e, uint64_t va, int level)
{
	uint64_t *p = ptb_entry(&e->b, va, level);

	if (!p)
		return 0;
	return (uint64_t)((uint8_t *)p - e->hm->mem) - (GENV_RAM_MFN << 12);
}

uint64_t genv_entry(struct genv *e, uint64_t va, int level)
{
	uint64_t gpa = genv_entry_gpa(e, va, level);

	assert_true(gpa != 0);
	return *genv_ptr(e, gpa);
}

void genv_write(struct genv *e, uint64_t gpa, uint64_t value)
{
	if (shadow_gfn_is_tracked(e->d, gpa >> 12))
		assert_int_equal(shadow_pt_write(e->d, gpa, value, 8), 0);
	else
		*genv_ptr(e, gpa) = value;
}

void genv_set_entry(struct genv *e, uint64_t va, int level, uint64_t value)
{
	uint64_t gpa = genv_entry_gpa(e, va, level);

	assert_true(gpa != 0);
	genv_write(e, gpa, value);
}

int genv_access(struct genv *e, uint64_t va, unsigned int access, struct gaccess *out)
{
	int tries;

	*out = (struct gaccess){ 0 };
	for (tries = 0; tries < 6; tries++) {
		struct shadow_fault f;
		int err;

		if (shadow_translate(e->v, va, access, &out->maddr) == MMU_WALK_OK) {
			out->action = SHADOW_FIXED;
			return 0;
		}
		err = shadow_page_fault(e->v, va, access, &f);
		if (err)
			return err;
		out->hidden_faults++;
		if (f.action != SHADOW_FIXED) {
			out->action = f.action;
			out->maddr = f.maddr;
			out->gpa = f.gpa;
			out->error_code = f.error_code;
			return 0;
		}
	}
	fail_msg("va %#llx: the shadow never came to allow the access",
		 (unsigned long long)va);
	return -1;
}

struct gaccess genv_acc(struct genv *e, uint64_t va, unsigned int access)
{
	struct gaccess a;

	assert_int_equal(genv_access(e, va, access, &a), 0);
	return a;
}

void genv_expect_fixed(struct genv *e, uint64_t va, unsigned int access, uint64_t gpa)
{
	struct gaccess a = genv_acc(e, va, access);

	assert_int_equal(a.action, SHADOW_FIXED);
	assert_int_equal(a.maddr, genv_maddr(gpa));
}

void genv_expect_inject(struct genv *e, uint64_t va, unsigned int access, uint32_t ec)
{
	struct gaccess a = genv_acc(e, va, access);

	assert_int_equal(a.action, SHADOW_INJECT);
	assert_int_equal(a.error_code, ec);
}

int genv_hw_allows(struct genv *e, uint64_t va, unsigned int access)
{
	uint64_t maddr;

	return shadow_translate(e->v, va, access, &maddr) == MMU_WALK_OK;
}
