/* The kernel heap over a host page source that counts its pages: size
 * classes, whole pages, zeroing, bad and double frees, exhaustion, page
 * accounting, locking, and a random sequence whose objects are filled
 * with patterns that must survive every other allocation. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/errno.h"
#include "umbra/heap.h"

#define MAX_PAGES 4096

struct source {
	void *pages[MAX_PAGES];
	size_t outstanding;
	/* Returned pages stay allocated, as the direct map stays mapped, so a
	 * stale pointer reads the poison rather than freed host memory. */
	void **retired;
	size_t nretired;
	size_t limit;		/* pages it will hand out at once */
	int locks, unlocks, depth;
	const void *bad[16];
	int nbad;
};

static void *src_alloc(void *ctx)
{
	struct source *s = ctx;
	void *p;

	assert_int_equal(s->depth, 1);	/* called with the heap locked */
	if (s->outstanding >= s->limit)
		return NULL;
	p = aligned_alloc(HEAP_PAGE_SIZE, HEAP_PAGE_SIZE);
	memset(p, 0xaa, HEAP_PAGE_SIZE);	/* pages come dirty */
	for (size_t i = 0; i < MAX_PAGES; i++) {
		if (!s->pages[i]) {
			s->pages[i] = p;
			s->outstanding++;
			return p;
		}
	}
	fail_msg("page source full");
	return NULL;
}

static void src_free(void *ctx, void *page)
{
	struct source *s = ctx;

	for (size_t i = 0; i < MAX_PAGES; i++) {
		if (s->pages[i] == page) {
			s->pages[i] = NULL;
			s->outstanding--;
			memset(page, 0xdd, HEAP_PAGE_SIZE);
			s->retired = realloc(s->retired, (s->nretired + 1) * sizeof(void *));
			s->retired[s->nretired++] = page;
			return;
		}
	}
	fail_msg("free_page(%p): not a page of this source", page);
}

static void src_lock(void *ctx)
{
	struct source *s = ctx;

	assert_int_equal(s->depth, 0);
	s->depth++;
	s->locks++;
}

static void src_unlock(void *ctx)
{
	struct source *s = ctx;

	assert_int_equal(s->depth, 1);
	s->depth--;
	s->unlocks++;
}

static void src_bad_free(void *ctx, const void *ptr)
{
	struct source *s = ctx;

	assert_int_equal(s->depth, 0);	/* reported outside the lock */
	if (s->nbad < 16)
		s->bad[s->nbad] = ptr;
	s->nbad++;
}

struct fixture {
	struct source src;
	struct heap heap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct heap_ops ops = {
		.alloc_page = src_alloc, .free_page = src_free, .ctx = &f->src,
		.lock = src_lock, .unlock = src_unlock, .bad_free = src_bad_free,
	};

	f->src.limit = MAX_PAGES;
	heap_init(&f->heap, &ops);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < MAX_PAGES; i++)
		free(f->src.pages[i]);
	for (size_t i = 0; i < f->src.nretired; i++)
		free(f->src.retired[i]);
	free(f->src.retired);
	free(f);
	return 0;
}

static void test_sizes_and_alignment(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 32, 100, 1000, 1024, 1025, 2016 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = heap_alloc(&f->heap, sizes[i]);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_int_not_equal((uintptr_t)p % HEAP_PAGE_SIZE, 0);
		/* The object fits in its page. */
		assert_true(((uintptr_t)p & (HEAP_PAGE_SIZE - 1)) + sizes[i] <= HEAP_PAGE_SIZE);
		memset(p, 0x11, sizes[i]);
	}
	for (size_t size = 2017; size <= HEAP_MAX_ALLOC; size += 1000) {
		char *p = heap_alloc(&f->heap, size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % HEAP_PAGE_SIZE, 0);
		memset(p, 0x22, size);
	}
	assert_non_null(heap_alloc(&f->heap, HEAP_MAX_ALLOC));
	assert_int_equal(f->heap.stats.failed_allocs, 0);
	assert_null(heap_alloc(&f->heap, 0));
	assert_null(heap_alloc(&f->heap, HEAP_MAX_ALLOC + 1));
	assert_null(heap_alloc(&f->heap, SIZE_MAX));
	assert_int_equal(f->heap.stats.failed_allocs, 3);
	assert_int_equal(f->src.locks, f->src.unlocks);
}

static void test_zalloc_zeroes_dirty_pages(void **state)
{
	struct fixture *f = *state;

	for (size_t size = 1; size <= HEAP_MAX_ALLOC; size = size * 3 + 1) {
		unsigned char *p = heap_zalloc(&f->heap, size);

		assert_non_null(p);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xff, size);
		assert_int_equal(heap_free(&f->heap, p), 0);
		p = heap_zalloc(&f->heap, size);	/* the same object, reused */
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], 0);
	}
	assert_null(heap_zalloc(&f->heap, 0));
}

static void test_bad_and_double_frees(void **state)
{
	struct fixture *f = *state;
	char *a = heap_alloc(&f->heap, 32);
	char *b = heap_alloc(&f->heap, 32);
	char *big = heap_alloc(&f->heap, 3000);
	char *foreign = aligned_alloc(HEAP_PAGE_SIZE, HEAP_PAGE_SIZE);
	struct heap other;
	struct heap_ops ops = f->heap.ops;
	struct heap_stats before;

	heap_init(&other, &ops);
	memset(foreign, 0, HEAP_PAGE_SIZE);
	before = f->heap.stats;

	assert_int_equal(heap_free(&f->heap, a + 1), -EINVAL);	/* inside an object */
	assert_int_equal(heap_free(&f->heap, a + 16), -EINVAL);	/* not an object start */
	assert_int_equal(heap_free(&f->heap, (char *)((uintptr_t)a & ~4095UL) + 8),
			 -EINVAL);				/* the slab header */
	assert_int_equal(heap_free(&f->heap, (char *)((uintptr_t)a | 4080)), -EINVAL);
								/* past the last object */
	assert_int_equal(heap_free(&f->heap, big + 64), -EINVAL);	/* inside a page */
	assert_int_equal(heap_free(&f->heap, foreign), -EINVAL);	/* not ours */
	assert_int_equal(heap_free(&f->heap, foreign + 96), -EINVAL);
	assert_int_equal(heap_free(&other, a), -EINVAL);		/* another heap's */
	assert_int_equal(f->heap.stats.bad_frees, 7);
	assert_int_equal(f->src.nbad, 8);
	assert_ptr_equal(f->src.bad[0], a + 1);
	assert_ptr_equal(f->src.bad[5], foreign);
	assert_int_equal(f->heap.stats.bytes_in_use, before.bytes_in_use);
	assert_int_equal(f->heap.stats.frees, 0);

	/* Nothing was disturbed: the real frees work, once. */
	assert_int_equal(heap_free(&f->heap, a), 0);
	assert_int_equal(heap_free(&f->heap, a), -EINVAL);
	assert_int_equal(heap_free(&f->heap, big), 0);
	assert_int_equal(heap_free(&f->heap, big), -EINVAL);
	assert_int_equal(heap_free(&f->heap, b), 0);
	assert_int_equal(heap_free(&f->heap, b), -EINVAL);
	assert_int_equal(heap_free(&f->heap, NULL), 0);
	assert_int_equal(f->heap.stats.bytes_in_use, 0);
	assert_int_equal(f->heap.stats.frees, 3);
	assert_int_equal(f->heap.stats.bad_frees, 10);
	/* A freed-and-released slab no longer looks like one. */
	heap_trim(&f->heap);
	assert_int_equal(f->src.outstanding, 0);
	assert_int_equal(f->src.locks, f->src.unlocks);
	free(foreign);
}

static void test_pages_return_to_source(void **state)
{
	struct fixture *f = *state;
	void *p[600];

	/* One object: its slab stays cached when emptied, until a trim. */
	p[0] = heap_alloc(&f->heap, 8);
	assert_int_equal(f->src.outstanding, 1);
	heap_free(&f->heap, p[0]);
	assert_int_equal(f->src.outstanding, 1);
	assert_ptr_equal(heap_alloc(&f->heap, 8), p[0]);
	heap_free(&f->heap, p[0]);
	heap_trim(&f->heap);
	assert_int_equal(f->src.outstanding, 0);
	assert_int_equal(f->heap.stats.pages, 0);

	/* More whole pages than one table holds. */
	for (size_t i = 0; i < 600; i++)
		assert_non_null(p[i] = heap_alloc(&f->heap, 4000));
	assert_int_equal(f->heap.stats.pages, 600 + 2);	/* + 2 table pages */
	assert_int_equal(f->src.outstanding, 602);
	for (size_t i = 0; i < 600; i += 2)
		assert_int_equal(heap_free(&f->heap, p[i]), 0);
	for (size_t i = 1; i < 600; i += 2)
		assert_int_equal(heap_free(&f->heap, p[i]), 0);
	heap_trim(&f->heap);
	assert_int_equal(f->src.outstanding, 0);

	/* Many slabs of one class: emptied ones beyond the first go back. */
	for (size_t i = 0; i < 600; i++)
		assert_non_null(p[i] = heap_alloc(&f->heap, 64));
	assert_int_equal(f->src.outstanding, (600 + 62) / 63);
	for (size_t i = 0; i < 600; i++)
		assert_int_equal(heap_free(&f->heap, p[i]), 0);
	assert_int_equal(f->src.outstanding, 1);
	heap_trim(&f->heap);
	assert_int_equal(f->src.outstanding, 0);
	assert_int_equal(f->heap.stats.bytes_in_use, 0);
}

static void test_exhaustion(void **state)
{
	struct fixture *f = *state;
	size_t n = 0;

	f->src.limit = 3;
	while (heap_alloc(&f->heap, 1024))
		n++;
	assert_int_equal(n, 3 * 3);
	assert_int_equal(f->heap.stats.failed_allocs, 1);
	/* No page left for a whole page or its table: nothing leaks. */
	assert_null(heap_alloc(&f->heap, 4000));
	assert_int_equal(f->src.outstanding, 3);
	f->src.limit = 4;		/* room for the page, not for a table */
	assert_null(heap_alloc(&f->heap, 4000));
	assert_int_equal(f->src.outstanding, 3);
	assert_int_equal(f->heap.stats.pages, 3);
	f->src.limit = 5;
	assert_non_null(heap_alloc(&f->heap, 4000));
	/* A first object of another class needs a page: none left. */
	assert_null(heap_alloc(&f->heap, 16));
}

static void test_uninitialised_source(void **state)
{
	struct heap h;
	struct heap_ops none = { 0 };

	(void)state;
	heap_init(&h, &none);
	assert_null(heap_alloc(&h, 16));
	assert_null(heap_alloc(&h, 4000));
	assert_int_equal(heap_free(&h, NULL), 0);
}

struct live {
	unsigned char *p;
	size_t size;
	unsigned char pattern;
};

static void check_pattern(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != l->pattern)
			fail_msg("object %p (%zu bytes) corrupted at %zu", (void *)l->p,
				 l->size, i);
}

static void test_random_sequence(void **state)
{
	enum { MAX_LIVE = 1500 };
	struct fixture *f = *state;
	static struct live live[MAX_LIVE];
	size_t nlive = 0;

	srand(31337);
	for (int step = 0; step < 20000; step++) {
		if (nlive < MAX_LIVE && (nlive == 0 || rand() % 100 < 55)) {
			struct live *l = &live[nlive];
			int r = rand() % 100;

			l->size = r < 70 ? 1 + (size_t)rand() % 128 :
				  r < 95 ? 1 + (size_t)rand() % HEAP_MAX_SMALL :
				  1 + (size_t)rand() % HEAP_MAX_ALLOC;
			l->pattern = (unsigned char)rand();
			l->p = heap_alloc(&f->heap, l->size);
			assert_non_null(l->p);
			memset(l->p, l->pattern, l->size);
			nlive++;
		} else {
			size_t i = (size_t)rand() % nlive;

			check_pattern(&live[i]);
			assert_int_equal(heap_free(&f->heap, live[i].p), 0);
			if (rand() % 10 == 0)
				assert_int_equal(heap_free(&f->heap, live[i].p), -EINVAL);
			live[i] = live[--nlive];
		}
	}
	for (size_t i = 0; i < nlive; i++)
		check_pattern(&live[i]);
	while (nlive) {
		nlive--;
		assert_int_equal(heap_free(&f->heap, live[nlive].p), 0);
	}
	assert_int_equal(f->heap.stats.bytes_in_use, 0);
	assert_int_equal(f->heap.stats.allocs, f->heap.stats.frees);
	heap_trim(&f->heap);
	assert_int_equal(f->src.outstanding, 0);
	assert_int_equal(f->src.locks, f->src.unlocks);
}

static void test_global_heap(void **state)
{
	struct fixture *f = *state;
	struct heap_ops ops = f->heap.ops;
	char *p, *z;

	kheap_init(&ops);
	assert_non_null(kheap());
	p = kmalloc(40);
	z = kzalloc(3000);
	assert_non_null(p);
	assert_non_null(z);
	assert_int_equal(z[2999], 0);
	assert_int_equal(kheap()->stats.allocs, 2);
	kfree(p);
	kfree(z);
	kfree(NULL);
	kfree(p);			/* double free: reported, not fatal */
	assert_int_equal(f->src.nbad, 1);
	assert_ptr_equal(f->src.bad[0], p);
	assert_int_equal(kheap()->stats.bad_frees, 1);
	heap_trim(kheap());
	assert_int_equal(f->src.outstanding, 0);
	assert_true(f->src.locks > 0);
	assert_int_equal(f->src.locks, f->src.unlocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sizes_and_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zalloc_zeroes_dirty_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_and_double_frees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_return_to_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test(test_uninitialised_source),
		cmocka_unit_test_setup_teardown(test_random_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_heap, setup, teardown),
	};

	return cmocka_run_group_tests_name("hv-common/heap", tests, NULL, NULL);
}
