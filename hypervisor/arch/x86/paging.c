/* The hypervisor's own address space, W^X: .text read-only and executable;
 * .rodata read-only (in the direct map too); data, bss, stacks and the
 * direct map writable and no-execute; nothing in the lower half once the
 * APs are up. Leaves carry the permissions (directory entries allow
 * everything), so what a leaf says is what holds. CR0.WP (set at boot)
 * makes read-only bind the hypervisor too. Boot-time code only, except
 * paging_stack_guard_cpu(). */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/sections.h>
#include <asm/x86.h>
#include <umbra/mm.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define DIR_FLAGS	(PTE_P | PTE_W)
#define LEAF_RX		(PTE_P)
#define LEAF_R		(PTE_P | PTE_NX)
#define LEAF_RW		(PTE_P | PTE_W | PTE_NX)

/* In the image, so below 4 GiB physical. */
static uint64_t root[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

uint64_t paging_root(void)
{
	return virt_to_phys(root);
}

static uint64_t *table_at(uint64_t entry)
{
	return phys_to_virt(pte_addr(entry));
}

/* The entry for va in its table at `level`, making the tables above. */
static uint64_t *entry_for(uint64_t va, int level)
{
	uint64_t *t = root;

	for (int l = 4; l > level; l--) {
		uint64_t *e = &t[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa = alloc_page_phys();

			if (!pa)
				panic("paging: no memory for a page table");
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
			*e = pa | DIR_FLAGS;
		}
		if (*e & PTE_PS)
			panic("paging: %#llx is inside a large page", (unsigned long long)va);
		t = table_at(*e);
	}
	return &t[pt_index(va, level)];
}

/* Map [va, va + size) to pa; with `large`, in 1 GiB / 2 MiB leaves where
 * both addresses and the size allow. */
static void map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool large)
{
	bool gib = large && (cpuid(CPUID_EXT_FEATURES).edx & X1_EDX_PDPE1GB);

	while (size) {
		int level = 1;

		if (gib && !((va | pa) & ((1ULL << 30) - 1)) && size >= 1ULL << 30)
			level = 3;
		else if (large && !((va | pa) & ((1ULL << 21) - 1)) && size >= 1ULL << 21)
			level = 2;
		uint64_t step = 1ULL << pt_level_shift(level);
		uint64_t *e = entry_for(va, level);

		if (*e & PTE_P)
			panic("paging: %#llx mapped twice", (unsigned long long)va);
		*e = pa | flags | (level > 1 ? PTE_PS : 0);
		va += step;
		pa += step;
		size -= step;
	}
}

static void map_image_part(const char *start, const char *end, uint64_t flags)
{
	uint64_t s = (uint64_t)start, e = ((uint64_t)end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	map(s, virt_to_phys(start), e - s, flags, false);
}

/* All of machine memory, read-write, except that the image's .text and
 * .rodata frames stay read-only here too: no second, writable way to them. */
static void map_directmap(void)
{
	uint64_t ro_start = virt_to_phys(__text_start), ro_end = virt_to_phys(__rodata_end);

	map(DIRECTMAP_BASE, 0, ro_start, LEAF_RW, true);
	map(DIRECTMAP_BASE + ro_start, ro_start, ro_end - ro_start, LEAF_R, true);
	map(DIRECTMAP_BASE + ro_end, ro_end, mm_directmap_end() - ro_end, LEAF_RW, true);
}

void paging_init(void)
{
	map_image_part(__text_start, __text_end, LEAF_RX);
	map_image_part(__rodata_start, __rodata_end, LEAF_R);
	map_image_part(__data_start, __image_end, LEAF_RW);
	map_directmap();
	write_cr3(paging_root());
	pr_info("paging: hypervisor tables at %#llx: text %#llx-%#llx RX, "
		"direct map 0-%#llx RW+NX, no lower half\n",
		(unsigned long long)paging_root(), (unsigned long long)__text_start,
		(unsigned long long)__text_end, (unsigned long long)mm_directmap_end());
}

void paging_map_data(uint64_t va, uint64_t pa, uint64_t size)
{
	map(va, pa, size, LEAF_RW, false);
}

static uint64_t stack_pages(uint64_t va, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = alloc_page_phys();

		if (!pa)
			panic("paging: no memory for a stack");
		map(va + off, pa, PAGE_SIZE, LEAF_RW, false);
	}
	return va + size;
}

_Static_assert(STACK_ENTRY_OFF >= STACK_IST_OFF(IST_STACKS) &&
	       STACK_ENTRY_OFF + ENTRY_STACK_SIZE <= STACKS_PER_CPU,
	       "the entry stack sits over a guard page, inside the CPU's stack area");

void paging_map_stacks(unsigned int cpu)
{
	struct percpu *p = &percpu_area[cpu];
	uint64_t base = STACKS_BASE + cpu * STACKS_PER_CPU;

	p->stack_top = stack_pages(base + STACK_MAIN_OFF, STACK_SIZE);
	for (int i = 0; i < IST_STACKS; i++)
		p->ist_top[i] = stack_pages(base + STACK_IST_OFF(i), IST_STACK_SIZE);
	p->pv_entry_top = stack_pages(base + STACK_ENTRY_OFF, ENTRY_STACK_SIZE);
}

int paging_stack_guard_cpu(uint64_t va)
{
	uint64_t off;

	if (va < STACKS_BASE || va >= STACKS_BASE + MAX_CPUS * STACKS_PER_CPU)
		return -1;
	off = (va - STACKS_BASE) % STACKS_PER_CPU;
	if (off < STACK_MAIN_OFF)
		return (int)((va - STACKS_BASE) / STACKS_PER_CPU);
	for (int i = 0; i < IST_STACKS; i++)
		if (off >= STACK_IST_OFF(i) - PAGE_SIZE && off < STACK_IST_OFF(i))
			return (int)((va - STACKS_BASE) / STACKS_PER_CPU);
	if (off >= STACK_ENTRY_OFF - PAGE_SIZE && off < STACK_ENTRY_OFF)
		return (int)((va - STACKS_BASE) / STACKS_PER_CPU);
	return -1;
}

void paging_map_trampoline(void)
{
	if (__trampoline_end - __trampoline_start > (long)PAGE_SIZE)
		panic("paging: the AP trampoline is larger than a page");
	map(AP_TRAMPOLINE_PHYS, AP_TRAMPOLINE_PHYS, PAGE_SIZE, LEAF_RX, false);
}

/* Free a lower-half table and the tables below it (no large leaves there). */
static void free_tables(uint64_t entry, int level)
{
	uint64_t *t = table_at(entry);

	if (level > 1)
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			if (t[i] & PTE_P)
				free_tables(t[i], level - 1);
	free_page_phys(pte_addr(entry));
}

void paging_unmap_low(void)
{
	for (unsigned int i = 0; i < PT_ENTRIES / 2; i++) {
		uint64_t e = root[i];

		if (!(e & PTE_P))
			continue;
		root[i] = 0;
		write_cr3(paging_root());
		free_tables(e, 3);
	}
}
