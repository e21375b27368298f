/*
 * Guest memory as the start info's memory map describes it, and a page
 * pool for what guests build at run time (page tables, data pages): the
 * RAM after the image, up to the end of the RAM entry that holds it.
 */
#include <public/hvm/start_info.h>

#include "runtime.h"

#define PAGE_SIZE	4096ULL

extern char guest_image_end[];

static uint64_t pool_next, pool_end, mem_end;

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

void guest_mem_init(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *e =
		(const void *)(uintptr_t)si->memmap_paddr;
	uint64_t image_end = (uint64_t)(uintptr_t)guest_image_end;
	unsigned int i, n = si->version >= 1 ? si->memmap_entries : 0;

	for (i = 0; e && i < n; i++) {
		uint64_t end = e[i].addr + e[i].size;

		if (end > mem_end)
			mem_end = end;
		if (e[i].type == XEN_HVM_MEMMAP_TYPE_RAM && e[i].addr <= image_end &&
		    end > image_end) {
			pool_next = page_up(image_end);
			pool_end = end & ~(PAGE_SIZE - 1);
		}
	}
}

uint64_t guest_mem_end(void)
{
	return mem_end;
}

void *page_alloc(void)
{
	void *p;

	if (pool_next >= pool_end)
		return NULL;
	p = (void *)(uintptr_t)pool_next;
	pool_next += PAGE_SIZE;
	memset(p, 0, PAGE_SIZE);
	return p;
}

uint64_t pages_free(void)
{
	return (pool_end - pool_next) / PAGE_SIZE;
}
