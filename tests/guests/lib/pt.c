/* Page-table construction for the test guests (see pt.h). */
#include "cpu.h"
#include "pt.h"
#include "runtime.h"

#define TABLE_FLAGS	(PTE_P | PTE_W | PTE_U)

static uint64_t tables;
/* Freed tables, linked through their first word, reused before new pages. */
static uint64_t *free_tables;

static unsigned int index_at(uint64_t va, unsigned int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

static uint64_t *new_table(void)
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

void pt_free_table(uint64_t *t)
{
	t[0] = (uint64_t)(uintptr_t)free_tables;
	free_tables = t;
}

uint64_t *pt_new_root(void)
{
	const uint64_t *cur = (const uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *root = new_table();

	if (root)
		root[0] = cur[0];
	return root;
}

/* The next-level table for va below entry *e, made if missing. */
static uint64_t *descend(uint64_t *e, bool create)
{
	uint64_t *t;

	if (*e & PTE_P)
		return (*e & PTE_PS) ? NULL : table_of(*e);
	if (!create)
		return NULL;
	t = new_table();
	if (t)
		*e = (uint64_t)(uintptr_t)t | TABLE_FLAGS;
	return t;
}

static uint64_t *walk_to_leaf(uint64_t *root, uint64_t va, bool create)
{
	uint64_t *t = root;
	unsigned int level;

	for (level = 4; level > 1 && t; level--)
		t = descend(&t[index_at(va, level)], create);
	return t ? &t[index_at(va, 1)] : NULL;
}

uint64_t *pt_leaf_make(uint64_t *root, uint64_t va)
{
	return walk_to_leaf(root, va, true);
}

bool pt_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *e = walk_to_leaf(root, va, true);

	if (!e)
		return false;
	*(volatile uint64_t *)e = (pa & PTE_ADDR) | flags | PTE_P;
	return true;
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
	return t ? &t[index_at(va, level)] : NULL;
}

uint64_t pt_tables_allocated(void)
{
	return tables;
}
