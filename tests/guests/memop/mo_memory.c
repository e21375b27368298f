/* memory_op round trips: the memory map, a page given back and populated
 * again (reads all-ones while gone, zeroed when back), a 2 MiB extent,
 * 100 extents in one call (continued by the hypervisor), the
 * reservation counts following each step. */
#include <public/hvm/start_info.h>

#include "mo.h"
#include "runtime.h"

#define EXTENT_PAGES	512
#define ONES		0xffffffffffffffffULL

static long max_pages;

static void counts(long expect, const char *what)
{
	long cur = mo_current_reservation();

	mo_check(cur == expect, what, cur);
}

static void memory_map_cases(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)si->memmap_paddr;
	struct e820entry e[8];
	struct xen_memory_map map = { .nr_entries = 8, .buffer = (uint64_t)(uintptr_t)e };
	bool same = true;
	long rc = mo_memory_op(XENMEM_memory_map, &map);

	mo_check(rc == 0 && map.nr_entries == si->memmap_entries,
		 "memory_map gives as many entries as the start info", (long)map.nr_entries);
	for (unsigned int i = 0; i < map.nr_entries && i < si->memmap_entries; i++)
		same = same && e[i].addr == mm[i].addr && e[i].size == mm[i].size &&
		       e[i].type == mm[i].type;
	mo_check(same, "memory_map matches the start info's map", rc);
	e[1].addr = 0x1234;
	map.nr_entries = 1;
	rc = mo_memory_op(XENMEM_memory_map, &map);
	mo_check(rc == 0 && map.nr_entries == 1 && e[1].addr == 0x1234,
		 "memory_map with room for one entry writes one", (long)map.nr_entries);
}

static void page_round_trip(void)
{
	uint64_t *p = page_alloc();
	uint64_t list[2];
	bool zero = true;

	for (unsigned int i = 0; i < PAGE_BYTES / 8; i++)
		p[i] = 0x5a5a5a5a5a5a5a5aULL;
	list[0] = mo_gfn(p);
	mo_check(mo_reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF) == 1,
		 "decrease_reservation of one page: 1 extent", 0);
	counts(max_pages - 1, "current_reservation one lower");
	mo_check(mo_pages_read(p, 1, ONES), "the page given back reads all-ones", (long)p[0]);
	*(volatile uint64_t *)p = 1;
	mo_check(mo_pages_read(p, 1, ONES), "a write there is dropped", (long)p[0]);
	mo_check(mo_reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF) == 0,
		 "giving it back again: 0 extents (XSA-277)", 0);
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF) == 1,
		 "populate_physmap of it: 1 extent", 0);
	counts(max_pages, "current_reservation back at the maximum");
	for (unsigned int i = 0; i < PAGE_BYTES / 8; i++)
		zero = zero && ((volatile uint64_t *)p)[i] == 0;
	mo_check(zero, "the populated page is zeroed", (long)p[0]);
	p[7] = 77;
	mo_check(((volatile uint64_t *)p)[7] == 77, "and takes writes again", (long)p[7]);
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF) == 0,
		 "populate of a backed frame over the maximum: 0 extents", 0);
	list[1] = list[0];
	mo_check(mo_reservation(XENMEM_decrease_reservation, list, 2, 0, DOMID_SELF) == 1,
		 "the same frame twice in one list: the call stops after 1", 0);
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF) == 1,
		 "and it is populated again", 0);
}

/* 2 MiB of the page pool, 2 MiB-aligned. */
static uint8_t *aligned_extent(void)
{
	uint8_t *p = page_alloc();

	while (p && ((uintptr_t)p & (EXTENT_PAGES * PAGE_BYTES - 1)))
		p = page_alloc();
	for (unsigned int i = 1; p && i < EXTENT_PAGES; i++)
		if (!page_alloc())
			return NULL;
	return p;
}

static void extent_round_trips(void)
{
	uint8_t *x = aligned_extent();
	uint64_t list[100];

	if (!x) {
		mo_check(false, "a 2 MiB-aligned extent of the page pool (mem too small)", 0);
		return;
	}
	for (unsigned int i = 0; i < EXTENT_PAGES; i++)
		*(uint64_t *)(x + i * PAGE_BYTES) = 0x77;
	list[0] = mo_gfn(x);
	mo_check(mo_reservation(XENMEM_decrease_reservation, list, 1, 9, DOMID_SELF) == 1,
		 "decrease_reservation of an order-9 extent", 0);
	counts(max_pages - EXTENT_PAGES, "current_reservation 512 lower");
	mo_check(mo_pages_read(x, EXTENT_PAGES, ONES), "all 512 pages read all-ones", 0);
	list[0] = mo_gfn(x) + 1;
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 9, DOMID_SELF) == 0,
		 "populate of an order-9 extent not aligned to it: 0", 0);
	list[0] = mo_gfn(x);
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 9, DOMID_SELF) == 1,
		 "populate of the order-9 extent", 0);
	mo_check(mo_pages_read(x, EXTENT_PAGES, 0), "all 512 pages back and zeroed", 0);
	counts(max_pages, "current_reservation back at the maximum");
	for (unsigned int i = 0; i < 100; i++)
		list[i] = mo_gfn(x) + i;
	mo_check(mo_reservation(XENMEM_decrease_reservation, list, 100, 0, DOMID_SELF) == 100,
		 "100 extents in one call (continued past 64): 100", 0);
	counts(max_pages - 100, "current_reservation 100 lower");
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 100, 0, DOMID_SELF) == 100,
		 "100 populated in one call", 0);
	counts(max_pages, "current_reservation back at the maximum");
}

/* Xen's accounting for a translated guest: increase_reservation takes
 * pages it cannot map, and they count against the maximum. */
static void increase_case(void)
{
	uint64_t *p = page_alloc();
	uint64_t list[1] = { mo_gfn(p) };

	mo_check(mo_reservation(XENMEM_increase_reservation, list, 1, 0, DOMID_SELF) == 0,
		 "increase_reservation at the maximum: 0", 0);
	mo_reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	mo_check(mo_reservation(XENMEM_increase_reservation, list, 1, 0, DOMID_SELF) == 1,
		 "increase_reservation with room for one: 1", 0);
	counts(max_pages, "current_reservation counts the increased page");
	mo_check(mo_reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF) == 0,
		 "populate then exceeds the maximum: 0", 0);
}

void memory_cases(const struct hvm_start_info *si)
{
	uint16_t self = DOMID_SELF;
	long gpfn;

	max_pages = mo_memory_op(XENMEM_maximum_reservation, &self);
	mo_check(max_pages == (long)(guest_mem_end() / PAGE_BYTES),
		 "maximum_reservation is its RAM", max_pages);
	counts(max_pages, "current_reservation starts at the maximum");
	gpfn = mo_memory_op(XENMEM_maximum_gpfn, &self);
	mo_check(gpfn == max_pages - 1, "maximum_gpfn is its last frame", gpfn);
	mo_check(mo_memory_op(XENMEM_maximum_ram_page, NULL) > 0,
		 "maximum_ram_page answers", 0);
	memory_map_cases(si);
	page_round_trip();
	extent_round_trips();
	increase_case();
}
