/* Deferred frees of shadow pages: a page goes back to the allocator only
 * once no CPU in the guest can still reach it through a stale TLB entry.
 * Cases by hand, then a model of vCPUs that cache whatever is mapped
 * while they run and forget it only when they flush. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/defer_free.h"

#define CAP	8

struct released {
	uint64_t page[64];
	unsigned int n;
};

static void note_release(void *ctx, uint64_t maddr)
{
	struct released *r = ctx;

	r->page[r->n++] = maddr;
}

static void test_waits_for_the_flush_of_a_running_cpu(void **state)
{
	struct defer_slot slots[CAP];
	struct defer_free q;
	struct released r = { .n = 0 };
	struct defer_cpu cpu[2] = { { true, 5 }, { false, 3 } };
	uint64_t gen = 5;

	(void)state;
	defer_free_init(&q, slots, CAP);
	assert_true(defer_free_push(&q, 0x1000, gen));
	/* Not before the flush that follows the free is even requested. */
	assert_int_equal(defer_free_release(&q, defer_free_safe_gen(gen, cpu, 2),
					    note_release, &r), 0);
	gen++;			/* flush requested */
	assert_int_equal(defer_free_safe_gen(gen, cpu, 2), 5);
	assert_int_equal(defer_free_release(&q, defer_free_safe_gen(gen, cpu, 2),
					    note_release, &r), 0);
	cpu[0].flushed_gen = 6;	/* the running CPU flushed */
	assert_int_equal(defer_free_release(&q, defer_free_safe_gen(gen, cpu, 2),
					    note_release, &r), 1);
	assert_int_equal(r.page[0], 0x1000);
	assert_int_equal(q.n, 0);
}

/* A CPU out of the guest holds nothing usable: its next entry flushes. */
static void test_cpu_out_of_guest_does_not_hold_up(void **state)
{
	struct defer_slot slots[CAP];
	struct defer_free q;
	struct released r = { .n = 0 };
	struct defer_cpu cpu[1] = { { false, 1 } };

	(void)state;
	defer_free_init(&q, slots, CAP);
	defer_free_push(&q, 0x2000, 9);
	assert_int_equal(defer_free_release(&q, defer_free_safe_gen(10, cpu, 1),
					    note_release, &r), 1);
	cpu[0].in_guest = true;
	defer_free_push(&q, 0x3000, 10);
	assert_int_equal(defer_free_release(&q, defer_free_safe_gen(11, cpu, 1),
					    note_release, &r), 0);
}

static void test_partial_release_keeps_order(void **state)
{
	struct defer_slot slots[CAP];
	struct defer_free q;
	struct released r = { .n = 0 };

	(void)state;
	defer_free_init(&q, slots, CAP);
	defer_free_push(&q, 0xa000, 1);
	defer_free_push(&q, 0xb000, 3);
	defer_free_push(&q, 0xc000, 1);
	defer_free_push(&q, 0xd000, 4);
	assert_int_equal(defer_free_release(&q, 2, note_release, &r), 2);
	assert_int_equal(r.page[0], 0xa000);
	assert_int_equal(r.page[1], 0xc000);
	assert_int_equal(q.n, 2);
	assert_int_equal(q.slot[0].maddr, 0xb000);
	assert_int_equal(q.slot[1].maddr, 0xd000);
	assert_int_equal(defer_free_release(&q, 5, note_release, &r), 2);
	assert_int_equal(r.page[3], 0xd000);
}

static void test_full_queue_refuses(void **state)
{
	struct defer_slot slots[2];
	struct defer_free q;

	(void)state;
	defer_free_init(&q, slots, 2);
	assert_true(defer_free_push(&q, 0x1000, 0));
	assert_true(defer_free_push(&q, 0x2000, 0));
	assert_false(defer_free_push(&q, 0x3000, 0));
	assert_int_equal(q.n, 2);
}

static void test_safe_gen_is_the_oldest_running(void **state)
{
	const struct defer_cpu cpu[4] = {
		{ true, 7 }, { false, 1 }, { true, 4 }, { true, 9 },
	};

	(void)state;
	assert_int_equal(defer_free_safe_gen(9, cpu, 4), 4);
	assert_int_equal(defer_free_safe_gen(9, cpu, 0), 9);
	assert_int_equal(defer_free_safe_gen(3, cpu, 4), 3);
}

/* ---- the model ---- */

#define PAGES	512
#define CPUS	3
#define STEPS	200000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

enum page_state { UNUSED, LIVE, QUEUED, RELEASED };

struct model {
	enum page_state page[PAGES];
	bool holds[CPUS][PAGES];	/* may have it cached */
	struct defer_cpu cpu[CPUS];
	uint64_t gen;
	struct defer_free q;
	struct defer_slot slots[PAGES];
	unsigned int released;
};

static void model_release(void *ctx, uint64_t maddr)
{
	struct model *m = ctx;
	unsigned int p = (unsigned int)(maddr >> 12);

	assert_int_equal(m->page[p], QUEUED);
	for (unsigned int c = 0; c < CPUS; c++) {
		if (m->cpu[c].in_guest && m->holds[c][p])
			fail_msg("page %u released while CPU %u in the guest may reach it", p, c);
	}
	m->page[p] = RELEASED;
	m->released++;
}

static void model_enter(struct model *m, unsigned int c)
{
	/* The entry path: in the guest first, then the generation read. */
	m->cpu[c].in_guest = true;
	if (m->cpu[c].flushed_gen != m->gen) {
		m->cpu[c].flushed_gen = m->gen;
		memset(m->holds[c], 0, sizeof(m->holds[c]));
	}
	for (unsigned int p = 0; p < PAGES; p++) {
		if (m->holds[c][p] && m->page[p] == RELEASED)
			fail_msg("CPU %u entered with a released page %u still cached", c, p);
	}
}

static void test_model_never_releases_a_reachable_page(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	unsigned int step, c, p;

	(void)state;
	defer_free_init(&m->q, m->slots, PAGES);
	for (step = 0; step < STEPS; step++) {
		switch (rnd(6)) {
		case 0:		/* a page comes into use (again, once given back) */
			p = rnd(PAGES);
			if (m->page[p] == UNUSED || m->page[p] == RELEASED) {
				m->page[p] = LIVE;
				/* Stale entries for it are now a leak of the new
				 * contents: none may exist in a running CPU. */
				for (c = 0; c < CPUS; c++)
					if (m->cpu[c].in_guest && m->holds[c][p] &&
					    m->cpu[c].flushed_gen < m->gen)
						fail_msg("page %u reused while CPU %u may reach it", p, c);
			}
			break;
		case 1:		/* the engine frees one (unlinked from the tables) */
			p = rnd(PAGES);
			if (m->page[p] == LIVE) {
				m->page[p] = QUEUED;
				assert_true(defer_free_push(&m->q, (uint64_t)p << 12, m->gen));
			}
			break;
		case 2:		/* flush requested */
			m->gen++;
			break;
		case 3:		/* a CPU enters, or caches what is mapped while in */
			c = rnd(CPUS);
			if (!m->cpu[c].in_guest)
				model_enter(m, c);
			for (p = 0; p < PAGES; p++) {
				if (m->page[p] == LIVE && rnd(4) == 0)
					m->holds[c][p] = true;
			}
			break;
		case 4:		/* a CPU leaves the guest, keeping its TLB */
			m->cpu[rnd(CPUS)].in_guest = false;
			break;
		default:	/* try to give pages back */
			defer_free_release(&m->q, defer_free_safe_gen(m->gen, m->cpu, CPUS),
					   model_release, m);
			break;
		}
	}
	/* Pages were given back, not just held forever. */
	assert_true(m->released > 1000);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waits_for_the_flush_of_a_running_cpu),
		cmocka_unit_test(test_cpu_out_of_guest_does_not_hold_up),
		cmocka_unit_test(test_partial_release_keeps_order),
		cmocka_unit_test(test_full_queue_refuses),
		cmocka_unit_test(test_safe_gen_is_the_oldest_running),
		cmocka_unit_test(test_model_never_releases_a_reachable_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
