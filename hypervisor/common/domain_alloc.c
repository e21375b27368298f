/* A domain's structure, console ring and RAM (for dom0: the RAM set aside
 * at boot), allocated and freed; common/domain.c does the rest of
 * creating and destroying it. */
#include <asm/layout.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/string.h>
#include "mmu/pte.h"

/* A domain's own structures are a page each, straight from the page
 * allocator: destroying a domain gives back exactly what creating it
 * took (the heap keeps a spare slab per size class). */
_Static_assert(sizeof(struct domain) <= PAGE_SIZE, "a domain fits one page");
_Static_assert(DOMAIN_MAX_EXTENTS * sizeof(uint64_t) <= PAGE_SIZE, "extents fit one page");
_Static_assert(CONSOLE_RING_SIZE == PAGE_SIZE, "the console ring is one page");

static void *page_zalloc(void)
{
	uint64_t pa = alloc_page_phys();

	if (!pa)
		return NULL;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

static void page_free(void *p)
{
	if (p)
		free_page_phys(virt_to_phys(p));
}

static void free_memory(struct domain *d)
{
	/* Those a destroy scrubbed go back known to be zero. */
	for (unsigned int i = 0; i < d->nr_extents; i++) {
		if (i < d->scrubbed)
			free_extent_2m_zeroed(d->extents[i]);
		else
			free_extent_2m_phys(d->extents[i]);
	}
	d->nr_extents = 0;
	if (d->extents != d->extents_inline)
		page_free(d->extents);
	d->extents = NULL;
	for (unsigned int i = 0; i < DOMAIN_UNBACKED_MAP_PAGES; i++) {
		page_free(d->unbacked[i]);
		d->unbacked[i] = NULL;
	}
}

/* A bit per frame: 64 bytes per extent, a page per 64 extents. */
static int alloc_unbacked_map(struct domain *d, unsigned int nr_extents)
{
	unsigned int pages = (nr_extents * (EXTENT_SIZE / PAGE_SIZE / 8) + PAGE_SIZE - 1) /
			     PAGE_SIZE;

	for (unsigned int i = 0; i < pages; i++) {
		d->unbacked[i] = page_zalloc();
		if (!d->unbacked[i])
			return -ENOMEM;
	}
	return 0;
}

/* Back [0, mem_bytes) with 2 MiB-aligned machine extents, zeroed so that
 * no domain sees another's old data. */
static int alloc_memory(struct domain *d, uint64_t mem_bytes)
{
	unsigned int n;

	/* Checked before any arithmetic: no size may wrap or be cut short. */
	if (!mem_bytes || mem_bytes > DOMAIN_MAX_MEM)
		return -EINVAL;
	n = (unsigned int)((mem_bytes + EXTENT_SIZE - 1) / EXTENT_SIZE);
	/* Refused at once when it cannot fit, rather than after zeroing
	 * every extent there is. */
	if ((uint64_t)n * EXTENT_SIZE > mm_free_bytes())
		return -ENOMEM;
	d->extents = n <= DOMAIN_INLINE_EXTENTS ? d->extents_inline : page_zalloc();
	if (!d->extents || alloc_unbacked_map(d, n)) {
		free_memory(d);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint64_t m = alloc_extent_2m_zeroed();

		if (!m) {
			free_memory(d);
			return -ENOMEM;
		}
		d->extents[d->nr_extents++] = m;
	}
	d->mem_bytes = (uint64_t)n * EXTENT_SIZE;
	return 0;
}

/* dom0's RAM is machine RAM that mm_init() set aside: nothing to allocate,
 * and its guest-physical top is that of its highest range. */
static int use_identity_memory(struct domain *d)
{
	const struct identity_map *id = d->identity;

	if (!id->nr_ram)
		return -EINVAL;
	d->mem_bytes = id->ram[id->nr_ram - 1].end;
	return 0;
}

/* The structure, its console ring and its RAM; an error and nothing
 * held on failure. */
int domain_alloc_structures(const struct domain_config *cfg, struct domain **out,
			    const char **why)
{
	struct domain *d = page_zalloc();
	int err;

	if (!d) {
		*why = "out of memory for the domain structure";
		return -ENOMEM;
	}
	memcpy(d->name, cfg->name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->paging = cfg->paging;
	d->type = cfg->type;
	d->state = DOMAIN_PAUSED;
	d->console_ring = page_zalloc();
	d->identity = cfg->identity;
	if (!d->console_ring)
		err = -ENOMEM;
	else if (d->identity)
		err = use_identity_memory(d);
	else
		err = alloc_memory(d, cfg->mem_bytes);
	if (err) {
		*why = err == -EINVAL ? "memory size must be 2 MiB to 1 GiB"
				      : "not enough free memory";
		page_free(d->console_ring);
		page_free(d);
		return err;
	}
	*out = d;
	return 0;
}

void domain_free_structures(struct domain *d)
{
	free_memory(d);
	page_free(d->console_ring);
	page_free(d);
}
