/* Small kernel heap: slabs for size classes, whole pages above them
 * (see umbra/heap.h).
 *
 * A slab is one page: a 64-byte header, then objects of one class. The
 * header's bitmap says which objects are allocated; slabs with room are
 * on their class's list. Whole-page allocations are listed in table
 * pages so that a free can be checked. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/errno.h"
#include "umbra/heap.h"
#include "umbra/string.h"

#define SLAB_MAGIC	0x534c4142u	/* "SLAB" */
#define HEADER_SIZE	64
#define MAP_WORDS	4
#define PAGE_MASK	((uintptr_t)HEAP_PAGE_SIZE - 1)

static const uint16_t class_size[HEAP_NR_CLASSES] = {
	16, 32, 64, 128, 256, 512, 1024, HEAP_MAX_SMALL,
};

struct heap_slab {
	uint32_t magic;
	uint16_t class_idx;
	uint16_t nr_free;
	struct heap_slab *next, *prev;
	struct heap *heap;
	uint64_t used[MAP_WORDS];	/* 1 = object allocated */
};

#define LARGE_PER_TABLE ((HEAP_PAGE_SIZE - 2 * sizeof(void *)) / sizeof(void *))

struct heap_large_table {
	struct heap_large_table *next;
	size_t count;
	void *pages[LARGE_PER_TABLE];
};

_Static_assert(sizeof(struct heap_slab) <= HEADER_SIZE, "slab header fits");
_Static_assert((HEAP_PAGE_SIZE - HEADER_SIZE) / 16 <= MAP_WORDS * 64, "bitmap fits");
_Static_assert(sizeof(struct heap_large_table) <= HEAP_PAGE_SIZE, "table fits");
_Static_assert(HEAP_MAX_SMALL % 16 == 0, "classes keep 16-byte alignment");

static unsigned int objects_per_slab(unsigned int cls)
{
	return (HEAP_PAGE_SIZE - HEADER_SIZE) / class_size[cls];
}

static char *object_at(struct heap_slab *s, unsigned int i)
{
	return (char *)s + HEADER_SIZE + (size_t)i * class_size[s->class_idx];
}

static void heap_lock(struct heap *h)
{
	if (h->ops.lock)
		h->ops.lock(h->ops.ctx);
}

static void heap_unlock(struct heap *h)
{
	if (h->ops.unlock)
		h->ops.unlock(h->ops.ctx);
}

void heap_init(struct heap *h, const struct heap_ops *ops)
{
	memset(h, 0, sizeof(*h));
	h->ops = *ops;
}

static void slab_link(struct heap *h, struct heap_slab *s)
{
	s->prev = NULL;
	s->next = h->partial[s->class_idx];
	if (s->next)
		s->next->prev = s;
	h->partial[s->class_idx] = s;
}

static void slab_unlink(struct heap *h, struct heap_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		h->partial[s->class_idx] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void *page_get(struct heap *h)
{
	void *p = h->ops.alloc_page ? h->ops.alloc_page(h->ops.ctx) : NULL;

	if (p)
		h->stats.pages++;
	return p;
}

static void page_put(struct heap *h, void *page)
{
	h->ops.free_page(h->ops.ctx, page);
	h->stats.pages--;
}

static struct heap_slab *slab_new(struct heap *h, unsigned int cls)
{
	struct heap_slab *s = page_get(h);

	if (!s)
		return NULL;
	memset(s, 0, HEADER_SIZE);
	s->magic = SLAB_MAGIC;
	s->class_idx = (uint16_t)cls;
	s->nr_free = (uint16_t)objects_per_slab(cls);
	s->heap = h;
	slab_link(h, s);
	return s;
}

static void slab_release(struct heap *h, struct heap_slab *s)
{
	slab_unlink(h, s);
	s->magic = 0;		/* stale pointers into it no longer match */
	page_put(h, s);
}

static unsigned int first_clear_bit(const uint64_t *map)
{
	unsigned int w = 0;

	while (map[w] == ~0ULL)
		w++;
	return w * 64 + (unsigned int)__builtin_ctzll(~map[w]);
}

static void *alloc_small(struct heap *h, unsigned int cls)
{
	struct heap_slab *s = h->partial[cls];
	unsigned int i;

	if (!s)
		s = slab_new(h, cls);
	if (!s)
		return NULL;
	i = first_clear_bit(s->used);
	s->used[i / 64] |= 1ULL << (i % 64);
	if (--s->nr_free == 0)
		slab_unlink(h, s);
	h->stats.bytes_in_use += class_size[cls];
	return object_at(s, i);
}

static bool large_record(struct heap *h, void *page)
{
	struct heap_large_table *t = h->large;

	while (t && t->count == LARGE_PER_TABLE)
		t = t->next;
	if (!t) {
		t = page_get(h);
		if (!t)
			return false;
		t->next = h->large;
		t->count = 0;
		h->large = t;
	}
	t->pages[t->count++] = page;
	return true;
}

/* Removes page from the tables; false if it is not there. */
static bool large_forget(struct heap *h, void *page)
{
	for (struct heap_large_table *t = h->large; t; t = t->next) {
		for (size_t i = 0; i < t->count; i++) {
			if (t->pages[i] == page) {
				t->pages[i] = t->pages[--t->count];
				return true;
			}
		}
	}
	return false;
}

static void *alloc_large(struct heap *h)
{
	void *page = page_get(h);

	if (page && !large_record(h, page)) {
		page_put(h, page);
		page = NULL;
	}
	if (page)
		h->stats.bytes_in_use += HEAP_PAGE_SIZE;
	return page;
}

static int size_class(size_t size)
{
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++)
		if (size <= class_size[c])
			return (int)c;
	return -1;
}

void *heap_alloc(struct heap *h, size_t size)
{
	int cls = size_class(size);
	void *p = NULL;

	heap_lock(h);
	if (size == 0 || size > HEAP_MAX_ALLOC)
		p = NULL;
	else if (cls >= 0)
		p = alloc_small(h, (unsigned int)cls);
	else
		p = alloc_large(h);
	if (p)
		h->stats.allocs++;
	else
		h->stats.failed_allocs++;
	heap_unlock(h);
	return p;
}

void *heap_zalloc(struct heap *h, size_t size)
{
	void *p = heap_alloc(h, size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* The slab object at ptr, checked; its index, or -1 if ptr is not a live
 * object of a slab of this heap. */
static int slab_object_index(struct heap *h, struct heap_slab *s, const char *ptr)
{
	size_t off, size;

	if (s->magic != SLAB_MAGIC || s->heap != h || s->class_idx >= HEAP_NR_CLASSES ||
	    ptr < (const char *)s + HEADER_SIZE)
		return -1;
	off = (size_t)(ptr - ((const char *)s + HEADER_SIZE));
	size = class_size[s->class_idx];
	if (off % size || off / size >= objects_per_slab(s->class_idx))
		return -1;
	if (!(s->used[off / size / 64] >> (off / size % 64) & 1))
		return -1;	/* already free */
	return (int)(off / size);
}

static int free_small(struct heap *h, void *ptr)
{
	struct heap_slab *s = (struct heap_slab *)((uintptr_t)ptr & ~PAGE_MASK);
	int i = slab_object_index(h, s, ptr);
	unsigned int cls;

	if (i < 0)
		return -EINVAL;
	cls = s->class_idx;
	s->used[i / 64] &= ~(1ULL << (i % 64));
	if (s->nr_free++ == 0)
		slab_link(h, s);
	h->stats.bytes_in_use -= class_size[cls];
	/* Keep one empty slab per class to avoid churning pages. */
	if (s->nr_free == objects_per_slab(cls) && (h->partial[cls] != s || s->next))
		slab_release(h, s);
	return 0;
}

static int free_large(struct heap *h, void *ptr)
{
	if (!large_forget(h, ptr))
		return -EINVAL;
	page_put(h, ptr);
	h->stats.bytes_in_use -= HEAP_PAGE_SIZE;
	return 0;
}

int heap_free(struct heap *h, void *ptr)
{
	int rc;

	if (!ptr)
		return 0;
	heap_lock(h);
	if (((uintptr_t)ptr & PAGE_MASK) == 0)
		rc = free_large(h, ptr);
	else
		rc = free_small(h, ptr);
	if (rc)
		h->stats.bad_frees++;
	else
		h->stats.frees++;
	heap_unlock(h);
	if (rc && h->ops.bad_free)
		h->ops.bad_free(h->ops.ctx, ptr);
	return rc;
}

static void trim_large_tables(struct heap *h)
{
	struct heap_large_table **link = &h->large;

	while (*link) {
		struct heap_large_table *t = *link;

		if (t->count == 0) {
			*link = t->next;
			page_put(h, t);
		} else {
			link = &t->next;
		}
	}
}

void heap_trim(struct heap *h)
{
	heap_lock(h);
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		struct heap_slab *s = h->partial[c], *next;

		for (; s; s = next) {
			next = s->next;
			if (s->nr_free == objects_per_slab(c))
				slab_release(h, s);
		}
	}
	trim_large_tables(h);
	heap_unlock(h);
}

static struct heap kernel_heap;

void kheap_init(const struct heap_ops *ops)
{
	heap_init(&kernel_heap, ops);
}

struct heap *kheap(void)
{
	return &kernel_heap;
}

void *kmalloc(size_t size)
{
	return heap_alloc(&kernel_heap, size);
}

void *kzalloc(size_t size)
{
	return heap_zalloc(&kernel_heap, size);
}

void kfree(void *ptr)
{
	heap_free(&kernel_heap, ptr);
}
