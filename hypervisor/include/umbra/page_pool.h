/* A reservation of machine pages (hypervisor/common/page_pool.c): taken
 * from the machine allocator all at once, handed out and taken back one
 * page at a time, and given back whole when its owner goes. A domain
 * spends nothing on paging or vCPU state but its pool, so what it does
 * can never take memory from another domain, and it is created only if
 * its whole pool fits. Callers serialise (the domain's lock). Pure
 * logic: also built for host tests. */
#ifndef UMBRA_PAGE_POOL_H
#define UMBRA_PAGE_POOL_H

#include <stdint.h>

struct page_pool_ops {
	uint64_t (*alloc)(void);	/* one machine page, 0 if none */
	void (*free)(uint64_t pa);
	void *(*map)(uint64_t pa);	/* the page as a pointer */
};

struct page_pool {
	const struct page_pool_ops *ops;
	uint64_t reserved;		/* pages taken at init */
	uint64_t used;			/* handed out now */
	uint64_t peak;			/* most handed out at once */
	uint64_t free_list;		/* a free page, linked through its first word */
};

/* Take pages from ops: all of them, or none and -ENOMEM. */
int page_pool_init(struct page_pool *p, const struct page_pool_ops *ops, uint64_t pages);
/* Every free page back to ops. Returns how many are still handed out:
 * the owner should have freed them first; they stay allocated. */
uint64_t page_pool_fini(struct page_pool *p);
/* A zeroed page of the pool, or 0 when every page is handed out. */
uint64_t page_pool_alloc(struct page_pool *p);
void page_pool_free(struct page_pool *p, uint64_t pa);

#endif
