/* The machine page allocator: rounding, reserved ranges, alignment,
 * exhaustion, bad and double frees, counters, 2 MiB extents surviving
 * 4 KiB churn, and a long random sequence checked against a model. The
 * metadata buffer is allocated at exactly the size asked for, so that
 * AddressSanitizer catches any access past it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/errno.h"
#include "umbra/page_alloc.h"

#define KIB 1024ULL
#define MIB (1024 * KIB)
#define FRAME PA_FRAME_SIZE
#define EXTENT PA_EXTENT_SIZE

struct fixture {
	struct page_alloc pa;
	void *meta;
	uint64_t max_addr;
};

static struct fixture *make(uint64_t max_addr)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t size = page_alloc_meta_size(max_addr);

	f->max_addr = max_addr;
	f->meta = malloc(size ? size : 1);	/* malloc aligns to 16 */
	memset(f->meta, 0xa5, size);	/* init must not rely on zeroed memory */
	page_alloc_init(&f->pa, f->meta, max_addr);
	return f;
}

static void destroy(struct fixture *f)
{
	free(f->meta);
	free(f);
}

static uint64_t count_state(const struct fixture *f, enum pa_frame_state s)
{
	uint64_t n = 0;

	for (uint64_t a = 0; a < f->max_addr; a += FRAME)
		n += page_alloc_frame_state(&f->pa, a) == s;
	return n;
}

static void check_counters(const struct fixture *f)
{
	assert_int_equal(f->pa.free_pages, count_state(f, PA_FRAME_FREE));
	assert_int_equal(f->pa.used_pages, count_state(f, PA_FRAME_USED));
}

static void test_meta_size(void **state)
{
	size_t one_gib = page_alloc_meta_size(1ULL << 30);

	(void)state;
	/* Two bits per frame, plus a little per extent. */
	assert_true(one_gib >= 64 * KIB && one_gib <= 70 * KIB);
	assert_true(page_alloc_meta_size(1) > 0);
	assert_int_equal(page_alloc_meta_size(1), page_alloc_meta_size(EXTENT));
	assert_true(page_alloc_meta_size(EXTENT + 1) > page_alloc_meta_size(EXTENT));
	assert_int_equal(page_alloc_meta_size(0), 0);
	assert_int_equal(page_alloc_meta_size(UINT64_MAX),
			 page_alloc_meta_size(PAGE_ALLOC_MAX_ADDR));
}

static void test_starts_reserved(void **state)
{
	struct fixture *f = make(16 * MIB);

	(void)state;
	assert_int_equal(f->pa.free_pages, 0);
	assert_int_equal(f->pa.used_pages, 0);
	assert_int_equal(f->pa.free_extents, 0);
	assert_int_equal(count_state(f, PA_FRAME_RESERVED), 16 * MIB / FRAME);
	assert_int_equal(page_alloc_4k(&f->pa), 0);
	assert_int_equal(page_alloc_2m(&f->pa), 0);
	destroy(f);

	f = make(0);
	page_alloc_add_free(&f->pa, 0, 16 * MIB);
	assert_int_equal(f->pa.free_pages, 0);
	assert_int_equal(page_alloc_4k(&f->pa), 0);
	assert_int_equal(page_free_4k(&f->pa, FRAME), -EINVAL);
	destroy(f);
}

static void test_basic_allocations(void **state)
{
	struct fixture *f = make(64 * MIB);

	(void)state;
	page_alloc_add_free(&f->pa, 0, 64 * MIB);
	assert_int_equal(f->pa.free_pages, 64 * MIB / FRAME - 1);	/* not frame 0 */
	assert_int_equal(f->pa.free_extents, 31);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0), PA_FRAME_RESERVED);
	/* 4 KiB from the extent that is already broken (by frame 0). */
	assert_int_equal(page_alloc_4k(&f->pa), FRAME);
	assert_int_equal(page_alloc_4k(&f->pa), 2 * FRAME);
	assert_int_equal(page_alloc_2m(&f->pa), EXTENT);
	assert_int_equal(page_alloc_frame_state(&f->pa, EXTENT + 5 * FRAME), PA_FRAME_USED);
	assert_int_equal(f->pa.used_pages, 2 + 512);
	assert_int_equal(f->pa.free_extents, 30);
	check_counters(f);
	destroy(f);
}

static void test_rounding(void **state)
{
	struct fixture *f = make(8 * MIB);

	(void)state;
	/* add_free rounds inward: only [0x2000, 0x3000) is whole. */
	page_alloc_add_free(&f->pa, 0x1001, 0x2000);
	assert_int_equal(f->pa.free_pages, 1);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x1000), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x2000), PA_FRAME_FREE);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x3000), PA_FRAME_RESERVED);
	page_alloc_add_free(&f->pa, 0x10001, 0xfff);		/* no whole frame */
	page_alloc_add_free(&f->pa, 0x20000, 0);
	assert_int_equal(f->pa.free_pages, 1);

	/* reserve rounds outward. */
	page_alloc_add_free(&f->pa, 0x100000, 0x100000);
	assert_int_equal(f->pa.free_pages, 257);
	page_alloc_reserve(&f->pa, 0x105001, 1);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x105000), PA_FRAME_RESERVED);
	page_alloc_reserve(&f->pa, 0x107fff, 2);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x107000), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x108000), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x106000), PA_FRAME_FREE);
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x109000), PA_FRAME_FREE);
	page_alloc_reserve(&f->pa, 0x10a000, 0);			/* empty */
	assert_int_equal(page_alloc_frame_state(&f->pa, 0x10a000), PA_FRAME_FREE);
	assert_int_equal(f->pa.free_pages, 254);
	check_counters(f);
	destroy(f);
}

static void test_ranges_beyond_max_addr_and_overflow(void **state)
{
	/* 5 MiB + 6 KiB: the last frame is cut by max_addr, the last extent
	 * is never whole. */
	struct fixture *f = make(5 * MIB + 6 * KIB);

	(void)state;
	page_alloc_add_free(&f->pa, 0, UINT64_MAX);		/* wraps: clamped */
	assert_int_equal(f->pa.free_pages, (5 * MIB + 4 * KIB) / FRAME - 1);
	assert_int_equal(f->pa.free_extents, 1);		/* 2-4 MiB only */
	page_alloc_add_free(&f->pa, UINT64_MAX - 10, 100);	/* nothing to add */
	page_alloc_reserve(&f->pa, UINT64_MAX - 10, 100);	/* nothing to take */
	assert_int_equal(f->pa.free_pages, (5 * MIB + 4 * KIB) / FRAME - 1);
	assert_int_equal(page_alloc_frame_state(&f->pa, 5 * MIB + 4 * KIB),
			 PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 1ULL << 40), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_2m(&f->pa), 2 * MIB);
	assert_int_equal(page_alloc_2m(&f->pa), 0);
	check_counters(f);
	/* Reserving up to the end of the address space takes the tail. */
	page_alloc_reserve(&f->pa, 4 * MIB, UINT64_MAX);
	assert_int_equal(page_alloc_frame_state(&f->pa, 4 * MIB), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 5 * MIB), PA_FRAME_RESERVED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 4 * MIB - FRAME), PA_FRAME_USED);
	assert_int_equal(page_alloc_frame_state(&f->pa, 2 * MIB - FRAME), PA_FRAME_FREE);
	assert_int_equal(f->pa.free_pages, 511);
	check_counters(f);
	destroy(f);
}

static void test_reserved_ranges_never_handed_out(void **state)
{
	static const struct {
		uint64_t base, len;
	} holes[] = {
		{ 0, MIB },			/* low memory */
		{ 0x1000000, 0x345678 },	/* the image */
		{ 0x2234567, 0x10 },		/* boot information */
		{ 0x3000000, 0x800000 },	/* a module */
	};
	struct fixture *f = make(64 * MIB);
	uint64_t a, n = 0;

	(void)state;
	page_alloc_add_free(&f->pa, 0, 64 * MIB);
	for (size_t i = 0; i < 4; i++)
		page_alloc_reserve(&f->pa, holes[i].base, holes[i].len);
	check_counters(f);
	while ((a = page_alloc_4k(&f->pa)) != 0) {
		assert_int_equal(a % FRAME, 0);
		assert_true(a < 64 * MIB);
		for (size_t i = 0; i < 4; i++)
			assert_false(a + FRAME > holes[i].base &&
				     a < holes[i].base + holes[i].len);
		n++;
	}
	assert_int_equal(f->pa.free_pages, 0);
	assert_int_equal(f->pa.used_pages, n);
	assert_int_equal(count_state(f, PA_FRAME_RESERVED), 64 * MIB / FRAME - n);
	destroy(f);
}

static void test_extent_alignment_and_exhaustion(void **state)
{
	struct fixture *f = make(32 * MIB);
	uint64_t got[16], a;
	size_t n = 0;

	(void)state;
	page_alloc_add_free(&f->pa, 0x1000, 32 * MIB);
	page_alloc_reserve(&f->pa, 9 * MIB, 1);	/* breaks the 8-10 MiB extent */
	while ((a = page_alloc_2m(&f->pa)) != 0) {
		assert_int_equal(a % EXTENT, 0);
		assert_true(a != 0 && a != 8 * MIB);
		assert_true(n < 16);
		got[n++] = a;
	}
	assert_int_equal(n, 14);
	assert_int_equal(f->pa.free_extents, 0);
	assert_int_equal(f->pa.free_pages, 511 + 511);
	/* The rest is still there in 4 KiB frames. */
	for (size_t i = 0; i < 511 + 511; i++)
		assert_int_not_equal(page_alloc_4k(&f->pa), 0);
	assert_int_equal(page_alloc_4k(&f->pa), 0);
	assert_int_equal(f->pa.used_pages, 32 * MIB / FRAME - 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(page_free_2m(&f->pa, got[i]), 0);
	assert_int_equal(f->pa.free_extents, 14);
	check_counters(f);
	destroy(f);
}

static void test_bad_frees_change_nothing(void **state)
{
	struct fixture *f = make(16 * MIB);
	uint64_t p, big, free_before, used_before;

	(void)state;
	page_alloc_add_free(&f->pa, 0, 16 * MIB);
	page_alloc_reserve(&f->pa, 4 * MIB, 64 * KIB);
	p = page_alloc_4k(&f->pa);
	big = page_alloc_2m(&f->pa);
	assert_int_not_equal(p, 0);
	assert_int_not_equal(big, 0);
	free_before = f->pa.free_pages;
	used_before = f->pa.used_pages;

	static const uint64_t bad_4k[] = {
		0x1001, 0x800, 0,			/* misaligned; frame 0 */
		16 * MIB, 1ULL << 40, UINT64_MAX & ~0xfffULL,	/* out of range */
		4 * MIB, 4 * MIB + 60 * KIB,		/* reserved */
		12 * MIB,				/* free, never allocated */
	};

	for (size_t i = 0; i < sizeof(bad_4k) / sizeof(bad_4k[0]); i++)
		assert_int_equal(page_free_4k(&f->pa, bad_4k[i]), -EINVAL);
	/* A frame of a 2 MiB allocation is not freed alone. */
	assert_int_equal(page_free_4k(&f->pa, big), -EINVAL);
	assert_int_equal(page_free_4k(&f->pa, big + 17 * FRAME), -EINVAL);

	static const uint64_t bad_2m[] = {
		EXTENT + FRAME, 3 * MIB, 16 * MIB, 1ULL << 50,	/* misaligned, range */
		0,						/* has frame 0 */
		4 * MIB,					/* has reserved */
		14 * MIB,					/* free */
	};

	for (size_t i = 0; i < sizeof(bad_2m) / sizeof(bad_2m[0]); i++)
		assert_int_equal(page_free_2m(&f->pa, bad_2m[i]), -EINVAL);
	/* p's extent was broken into 4 KiB frames, not allocated whole. */
	assert_int_equal(page_free_2m(&f->pa, p & ~(EXTENT - 1)), -EINVAL);
	assert_int_equal(f->pa.free_pages, free_before);
	assert_int_equal(f->pa.used_pages, used_before);
	assert_int_equal(page_alloc_frame_state(&f->pa, p), PA_FRAME_USED);

	/* Double frees. */
	assert_int_equal(page_free_4k(&f->pa, p), 0);
	assert_int_equal(page_free_4k(&f->pa, p), -EINVAL);
	assert_int_equal(page_free_2m(&f->pa, big), 0);
	assert_int_equal(page_free_2m(&f->pa, big), -EINVAL);
	assert_int_equal(page_free_4k(&f->pa, big), -EINVAL);
	assert_int_equal(f->pa.used_pages, 0);
	check_counters(f);
	destroy(f);
}

static void test_reserve_and_add_free_leave_used_frames(void **state)
{
	struct fixture *f = make(8 * MIB);
	uint64_t p, big;

	(void)state;
	page_alloc_add_free(&f->pa, 0, 8 * MIB);
	p = page_alloc_4k(&f->pa);
	big = page_alloc_2m(&f->pa);
	page_alloc_reserve(&f->pa, 0, 8 * MIB);
	assert_int_equal(f->pa.free_pages, 0);
	assert_int_equal(page_alloc_frame_state(&f->pa, p), PA_FRAME_USED);
	page_alloc_add_free(&f->pa, 0, 8 * MIB);
	assert_int_equal(page_alloc_frame_state(&f->pa, p), PA_FRAME_USED);
	assert_int_equal(page_alloc_frame_state(&f->pa, big), PA_FRAME_USED);
	assert_int_equal(f->pa.used_pages, 513);
	check_counters(f);
	assert_int_equal(page_free_4k(&f->pa, p), 0);
	assert_int_equal(page_free_2m(&f->pa, big), 0);
	assert_int_equal(f->pa.free_pages, 8 * MIB / FRAME - 1);
	destroy(f);
}

static uint64_t rand64(void)
{
	return ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ (uint64_t)rand();
}

/* 4 KiB churn must not eat 2 MiB extents: a whole extent is broken only
 * when every broken one is full, so at most max_live/512 + 1 are broken. */
static void test_extents_survive_4k_churn(void **state)
{
	enum { MAX_LIVE = 3000 };
	struct fixture *f = make(128 * MIB);
	static uint64_t live[MAX_LIVE];
	size_t nlive = 0, max_live = 0;
	const uint64_t whole_at_start = 63;

	(void)state;
	srand(4242);
	page_alloc_add_free(&f->pa, 0, 128 * MIB);
	assert_int_equal(f->pa.free_extents, whole_at_start);
	for (int step = 0; step < 30000; step++) {
		if (nlive < MAX_LIVE && (nlive == 0 || rand() % 100 < 55)) {
			live[nlive] = page_alloc_4k(&f->pa);
			assert_int_not_equal(live[nlive], 0);
			nlive++;
		} else {
			size_t i = (size_t)rand() % nlive;

			assert_int_equal(page_free_4k(&f->pa, live[i]), 0);
			live[i] = live[--nlive];
		}
		if (nlive > max_live)
			max_live = nlive;
		assert_true(f->pa.free_extents + max_live / 512 + 1 >= whole_at_start);
	}
	assert_true(max_live > 1500);
	while (nlive)
		assert_int_equal(page_free_4k(&f->pa, live[--nlive]), 0);
	assert_int_equal(f->pa.free_extents, whole_at_start);
	assert_int_equal(f->pa.used_pages, 0);
	destroy(f);
}

/* The model: one state per frame, and what each allocation was. */
struct model {
	enum pa_frame_state *state;
	size_t frames;
	uint64_t *allocs;	/* address | 1 for 2 MiB allocations */
	size_t nallocs;
};

static bool model_extent_whole(const struct model *m, size_t ext)
{
	for (size_t i = 0; i < 512; i++)
		if (ext * 512 + i >= m->frames || m->state[ext * 512 + i] != PA_FRAME_FREE)
			return false;
	return true;
}

static size_t model_extent_free(const struct model *m, size_t ext)
{
	size_t n = 0;

	for (size_t i = 0; i < 512 && ext * 512 + i < m->frames; i++)
		n += m->state[ext * 512 + i] == PA_FRAME_FREE;
	return n;
}

static void model_check(const struct fixture *f, const struct model *m)
{
	uint64_t nfree = 0, nused = 0, whole = 0;

	for (size_t i = 0; i < m->frames; i++) {
		assert_int_equal(page_alloc_frame_state(&f->pa, (uint64_t)i * FRAME),
				 m->state[i]);
		nfree += m->state[i] == PA_FRAME_FREE;
		nused += m->state[i] == PA_FRAME_USED;
	}
	for (size_t e = 0; e * 512 < m->frames; e++)
		whole += model_extent_whole(m, e);
	assert_int_equal(f->pa.free_pages, nfree);
	assert_int_equal(f->pa.used_pages, nused);
	assert_int_equal(f->pa.free_extents, whole);
}

static void model_alloc_4k(struct fixture *f, struct model *m)
{
	bool any_free = false, any_partial = false;
	uint64_t a;

	for (size_t e = 0; e * 512 < m->frames; e++) {
		size_t n = model_extent_free(m, e);

		any_free |= n > 0;
		any_partial |= n > 0 && !model_extent_whole(m, e);
	}
	a = page_alloc_4k(&f->pa);
	if (!any_free) {
		assert_int_equal(a, 0);
		return;
	}
	assert_int_not_equal(a, 0);
	assert_int_equal(a % FRAME, 0);
	assert_int_equal(m->state[a / FRAME], PA_FRAME_FREE);
	if (any_partial)	/* broken extents are used first */
		assert_false(model_extent_whole(m, a / EXTENT));
	m->state[a / FRAME] = PA_FRAME_USED;
	m->allocs[m->nallocs++] = a;
}

static void model_alloc_2m(struct fixture *f, struct model *m)
{
	bool any_whole = false;
	uint64_t a;

	for (size_t e = 0; e * 512 < m->frames; e++)
		any_whole |= model_extent_whole(m, e);
	a = page_alloc_2m(&f->pa);
	if (!any_whole) {
		assert_int_equal(a, 0);
		return;
	}
	assert_int_equal(a % EXTENT, 0);
	assert_true(model_extent_whole(m, a / EXTENT));
	for (size_t i = 0; i < 512; i++)
		m->state[a / FRAME + i] = PA_FRAME_USED;
	m->allocs[m->nallocs++] = a | 1;
}

static void model_free(struct fixture *f, struct model *m)
{
	size_t i = (size_t)rand() % m->nallocs;
	uint64_t a = m->allocs[i] & ~1ULL;
	bool big = m->allocs[i] & 1;

	/* The wrong size first: refused, nothing changes. */
	if (big)
		assert_int_equal(page_free_4k(&f->pa, a + FRAME * (rand() % 512)), -EINVAL);
	else if (a % EXTENT == 0)
		assert_int_equal(page_free_2m(&f->pa, a), -EINVAL);
	assert_int_equal(big ? page_free_2m(&f->pa, a) : page_free_4k(&f->pa, a), 0);
	for (size_t k = 0; k < (big ? 512u : 1u); k++)
		m->state[a / FRAME + k] = PA_FRAME_FREE;
	m->allocs[i] = m->allocs[--m->nallocs];
	/* And again: a double free. */
	assert_int_equal(big ? page_free_2m(&f->pa, a) : page_free_4k(&f->pa, a), -EINVAL);
}

static void model_bad_free(struct fixture *f, const struct model *m)
{
	uint64_t a = rand64() % (f->max_addr + 4 * MIB);
	bool big = rand() % 2;
	bool ok;

	if (rand() % 2)
		a &= big ? ~(EXTENT - 1) : ~(FRAME - 1);
	/* Expected to succeed only if it is exactly a live allocation. */
	ok = false;
	for (size_t i = 0; i < m->nallocs; i++)
		ok |= m->allocs[i] == (big ? (a | 1) : a);
	if (!ok)
		assert_int_equal(big ? page_free_2m(&f->pa, a) : page_free_4k(&f->pa, a),
				 -EINVAL);
}

static void test_random_against_model(void **state)
{
	const uint64_t max_addr = 24 * MIB + 40 * KIB;
	struct fixture *f = make(max_addr);
	struct model m;

	(void)state;
	srand(777);
	m.frames = (max_addr + FRAME - 1) / FRAME;
	m.state = calloc(m.frames, sizeof(*m.state));
	m.allocs = calloc(m.frames, sizeof(*m.allocs));
	m.nallocs = 0;
	for (size_t i = 0; i < m.frames; i++)
		m.state[i] = PA_FRAME_RESERVED;

	/* RAM with holes, then reserved ranges on top (rounding as documented). */
	for (int r = 0; r < 12; r++) {
		uint64_t base = rand64() % max_addr, len = rand64() % (6 * MIB);
		uint64_t s = (base + FRAME - 1) / FRAME;
		uint64_t e = (base + len) / FRAME;

		page_alloc_add_free(&f->pa, base, len);
		for (uint64_t i = s ? s : 1; i < e && i < max_addr / FRAME; i++)
			m.state[i] = PA_FRAME_FREE;
	}
	for (int r = 0; r < 4; r++) {
		uint64_t base = rand64() % max_addr, len = rand64() % (600 * KIB);
		uint64_t s = base / FRAME;
		uint64_t e = (base + len + FRAME - 1) / FRAME;

		page_alloc_reserve(&f->pa, base, len);
		for (uint64_t i = s; i < e && i < m.frames && len; i++)
			m.state[i] = PA_FRAME_RESERVED;
	}
	model_check(f, &m);

	for (int step = 0; step < 6000; step++) {
		int op = rand() % 100;

		if (op < 45)
			model_alloc_4k(f, &m);
		else if (op < 52)
			model_alloc_2m(f, &m);
		else if (op < 95 && m.nallocs)
			model_free(f, &m);
		else
			model_bad_free(f, &m);
		if (step % 150 == 0)
			model_check(f, &m);
	}
	while (m.nallocs)
		model_free(f, &m);
	model_check(f, &m);
	free(m.state);
	free(m.allocs);
	destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_size),
		cmocka_unit_test(test_starts_reserved),
		cmocka_unit_test(test_basic_allocations),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_ranges_beyond_max_addr_and_overflow),
		cmocka_unit_test(test_reserved_ranges_never_handed_out),
		cmocka_unit_test(test_extent_alignment_and_exhaustion),
		cmocka_unit_test(test_bad_frees_change_nothing),
		cmocka_unit_test(test_reserve_and_add_free_leave_used_frames),
		cmocka_unit_test(test_extents_survive_4k_churn),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests_name("hv-common/page_alloc", tests, NULL, NULL);
}
