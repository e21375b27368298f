/* A reservation of machine pages (see umbra/page_pool.h). Free pages are
 * listed through their first word, so the pool needs no memory of its own;
 * handed-out pages are only counted. */
#include <stddef.h>
#include <umbra/errno.h>
#include <umbra/page_pool.h>
#include <umbra/string.h>

#define POOL_PAGE_SIZE	4096

static void push(struct page_pool *p, uint64_t pa)
{
	*(uint64_t *)p->ops->map(pa) = p->free_list;
	p->free_list = pa;
}

static uint64_t pop(struct page_pool *p)
{
	uint64_t pa = p->free_list;

	if (pa)
		p->free_list = *(uint64_t *)p->ops->map(pa);
	return pa;
}

static void drain(struct page_pool *p)
{
	uint64_t pa;

	while ((pa = pop(p)))
		p->ops->free(pa);
}

int page_pool_init(struct page_pool *p, const struct page_pool_ops *ops, uint64_t pages)
{
	*p = (struct page_pool){ .ops = ops };
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa = ops->alloc();

		if (!pa) {
			drain(p);
			*p = (struct page_pool){ .ops = ops };
			return -ENOMEM;
		}
		push(p, pa);
	}
	p->reserved = pages;
	return 0;
}

uint64_t page_pool_alloc(struct page_pool *p)
{
	uint64_t pa = pop(p);

	if (!pa)
		return 0;
	memset(p->ops->map(pa), 0, POOL_PAGE_SIZE);
	if (++p->used > p->peak)
		p->peak = p->used;
	return pa;
}

void page_pool_free(struct page_pool *p, uint64_t pa)
{
	push(p, pa);
	p->used--;
}

uint64_t page_pool_fini(struct page_pool *p)
{
	uint64_t leaked = p->used;

	drain(p);
	p->reserved = p->used = 0;
	return leaked;
}
