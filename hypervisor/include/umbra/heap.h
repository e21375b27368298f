/* A small kernel heap over a source of 4 KiB pages
 * (hypervisor/common/heap.c).
 *
 * Requests up to HEAP_MAX_SMALL bytes come from per-size-class slabs: one
 * page each, with a header that records which objects are allocated, so
 * a double free or a pointer that is not an object start is refused.
 * Larger requests, up to HEAP_MAX_ALLOC, get a whole page of their own,
 * remembered in a table so that kfree() can check them too. Pointers are
 * 16-byte aligned (whole pages: page aligned). A bad pointer is found
 * "where cheaply possible": kfree() reads the header of the page the
 * pointer falls in, so a pointer into unmapped memory still faults.
 *
 * The heap_* functions work on any struct heap; kmalloc/kzalloc/kfree use
 * the one global heap set up by kheap_init(). Locking: the optional lock
 * and unlock operations are taken around every call; without them the
 * caller serialises. */
#ifndef UMBRA_HEAP_H
#define UMBRA_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE		4096
#define HEAP_NR_CLASSES		8
#define HEAP_MAX_SMALL		2016	/* largest size class */
#define HEAP_MAX_ALLOC		HEAP_PAGE_SIZE

struct heap_ops {
	/* A page-aligned HEAP_PAGE_SIZE page, or NULL when there is none. */
	void *(*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, void *page);
	void *ctx;
	/* Optional (may be NULL). */
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	/* Told about each kfree() of a pointer the heap did not hand out,
	 * or handed out and got back already. */
	void (*bad_free)(void *ctx, const void *ptr);
};

struct heap_stats {
	uint64_t pages;			/* held from the page source */
	uint64_t bytes_in_use;		/* by class size / whole pages */
	uint64_t allocs;
	uint64_t frees;
	uint64_t failed_allocs;		/* too large, or out of pages */
	uint64_t bad_frees;
};

struct heap_slab;
struct heap_large_table;

struct heap {
	struct heap_ops ops;
	struct heap_slab *partial[HEAP_NR_CLASSES];	/* slabs with room */
	struct heap_large_table *large;
	struct heap_stats stats;
};

void heap_init(struct heap *h, const struct heap_ops *ops);
/* NULL for size 0, above HEAP_MAX_ALLOC, or when out of pages. */
void *heap_alloc(struct heap *h, size_t size);
void *heap_zalloc(struct heap *h, size_t size);
/* 0, or -EINVAL (and ops.bad_free called) for a bad pointer; NULL is
 * accepted and ignored. */
int heap_free(struct heap *h, void *ptr);
/* Gives every page that holds no object back to the page source. */
void heap_trim(struct heap *h);

/* The global heap. */
void kheap_init(const struct heap_ops *ops);
struct heap *kheap(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

#endif
