/* ptwork's page tables on a PV kernel (pt.h): the same walks as
 * tests/guests/lib/pt.c, with what PV adds: an entry's frame comes from
 * pt_frame() and goes back through pt_frame_va(); a page is made a table
 * (read-only to the guest on shared page tables) before it is linked and
 * made writable again when it is given back; every root is pinned. */
#include "cpu.h"
#include "pt.h"
#include "runtime.h"

#define TABLE_FLAGS	(PTE_P | PTE_W | PTE_U)
#define POOL_PAGES	192

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int pool_next;
static uint64_t tables;
static uint64_t *free_tables;
static uint64_t cur_root;

void *page_alloc(void)
{
	return pool_next < POOL_PAGES ? pool[pool_next++] : 0;
}

void pt_set_boot_root(uint64_t root);

void pt_set_boot_root(uint64_t root)
{
	cur_root = root;
}

uint64_t read_cr3(void)
{
	return cur_root;
}

void write_cr3(uint64_t root)
{
	long rc = 0;

	if (root == cur_root) {
		if (!pt_queue_tlb(MMUEXT_TLB_FLUSH_LOCAL, 0))
			rc = pt_flush();
	} else if (!pt_queue_tlb(MMUEXT_NEW_BASEPTR, pt_frame((void *)(uintptr_t)root) >> 12)) {
		rc = pt_switch((void *)(uintptr_t)root);
	}
	if (rc)
		con_printf("pvptwork: base pointer %#lx: error %ld\n", (unsigned long)root, rc);
	cur_root = root;
}

static unsigned int index_at(uint64_t va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t *table_of(uint64_t entry)
{
	return pt_frame_va(entry & PTE_ADDR);
}

/* A writable page for a table, zeroed: a given-back table first. */
static uint64_t *blank_page(void)
{
	uint64_t *t = free_tables;

	if (t) {
		free_tables = (uint64_t *)(uintptr_t)t[0];
		/* Whole entries: under shadow paging each store to a page that
		 * is still tracked as a table may be one emulated write. */
		for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
			((volatile uint64_t *)t)[i] = 0;
		return t;
	}
	t = page_alloc();
	if (t)
		tables++;
	return t;
}

static uint64_t *new_table(void)
{
	uint64_t *t = blank_page();

	if (t && pt_make_table(t))
		return 0;
	return t;
}

void pt_free_table(uint64_t *t)
{
	long rc;

	pt_sync(true);		/* unlinked everywhere before it is writable */
	rc = pt_unmake_table(t);

	if (rc)
		con_printf("pvptwork: table %p could not be made writable again: %ld\n", (void *)t, rc);
	t[0] = (uint64_t)(uintptr_t)free_tables;
	free_tables = t;
}

uint64_t *pt_new_root(void)
{
	const uint64_t *cur = (const uint64_t *)(uintptr_t)cur_root;
	uint64_t *root = blank_page();

	if (!root)
		return 0;
	root[0] = cur[0];
	if (pt_make_table(root) || pt_pin_l4(root))
		return 0;
	return root;
}

static uint64_t *descend(uint64_t *e, bool create)
{
	uint64_t *t;

	uint64_t entry = pt_get(e);

	if (entry & PTE_P)
		return (entry & PTE_PS) ? 0 : table_of(entry);
	if (!create)
		return 0;
	t = new_table();
	if (t && !pt_queue(e, pt_frame(t) | TABLE_FLAGS))
		*(volatile uint64_t *)e = pt_frame(t) | TABLE_FLAGS;
	return t;
}

static uint64_t *walk_to_leaf(uint64_t *root, uint64_t va, bool create)
{
	uint64_t *t = root;
	unsigned int level;

	for (level = 4; level > 1 && t; level--)
		t = descend(&t[index_at(va, level)], create);
	return t ? &t[index_at(va, 1)] : 0;
}

uint64_t *pt_leaf_make(uint64_t *root, uint64_t va)
{
	return walk_to_leaf(root, va, true);
}

uint64_t *pt_leaf(uint64_t *root, uint64_t va)
{
	return walk_to_leaf(root, va, false);
}

uint64_t *pt_entry(uint64_t *root, uint64_t va, unsigned int level)
{
	uint64_t *t = root;
	unsigned int l;

	for (l = 4; l > level && t; l--)
		t = descend(&t[index_at(va, l)], false);
	return t ? &t[index_at(va, level)] : 0;
}

uint64_t pt_tables_allocated(void)
{
	return tables;
}
