/*
 * What a PV guest's tables really hold of Umbra under xpti (pv_view.c):
 * a walk of the hypervisor slots of the tables the CPU is about to load
 * for it, every mapped page counted by the region it belongs to. The
 * line it prints is what tests/e2e/pv.sh checks: a main stack, the
 * direct map (with the vCPU structures), the frame table or any other
 * part of the image in a guest's tables shows up as a count above 0.
 */
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <umbra/printk.h>
#include "shared-pt/layout.h"
#include "pv_desc.h"
#include "pv_view.h"

#define STACKS_SLOT	261
#define FRAMETABLE_SLOT	260

enum region {
	R_ENTRY,	/* the entry code and data */
	R_DESC,		/* a CPU's GDT or LDT copy */
	R_ENTRY_STACK,	/* entry and IST stacks */
	R_MAIN_STACK,
	R_FRAMETABLE,
	R_DIRECTMAP,
	R_M2P,
	R_OTHER,	/* anything else: the rest of the image, guard pages */
	R_NR
};

extern char __entry_text_start[], __entry_text_end[];
extern char __entry_data_start[], __entry_data_end[];
extern char __entry_bss_start[], __entry_bss_end[];

static bool within(uint64_t va, const void *start, uint64_t bytes)
{
	return va >= (uint64_t)start && va - (uint64_t)start < bytes;
}

static bool in_entry_sections(uint64_t va)
{
	return within(va, __entry_text_start, __entry_text_end - __entry_text_start) ||
	       within(va, __entry_data_start, __entry_data_end - __entry_data_start) ||
	       within(va, __entry_bss_start, __entry_bss_end - __entry_bss_start);
}

static bool in_desc_tables(uint64_t va)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		uint64_t bytes;
		const void *ldt = pv_ldt_table(cpu, &bytes);

		if ((percpu_area[cpu].gdt && within(va, percpu_area[cpu].gdt, GDT_SIZE)) ||
		    within(va, ldt, bytes))
			return true;
	}
	return false;
}

static enum region stack_region(uint64_t va)
{
	uint64_t off = (va - STACKS_BASE) % STACKS_PER_CPU;

	if (off >= STACK_MAIN_OFF && off < STACK_MAIN_OFF + STACK_SIZE)
		return R_MAIN_STACK;
	if (off >= STACK_ENTRY_OFF && off < STACK_ENTRY_OFF + ENTRY_STACK_SIZE)
		return R_ENTRY_STACK;
	for (int i = 0; i < IST_STACKS; i++)
		if (off >= STACK_IST_OFF(i) && off < STACK_IST_OFF(i) + IST_STACK_SIZE)
			return R_ENTRY_STACK;
	return R_OTHER;
}

static enum region region_of(uint64_t va)
{
	switch ((va >> pt_level_shift(4)) & (PT_ENTRIES - 1)) {
	case RO_MPT_BASE >> 39 & (PT_ENTRIES - 1):
		return R_M2P;
	case FRAMETABLE_SLOT:
		return R_FRAMETABLE;
	case STACKS_SLOT:
		return stack_region(va);
	case DIRECTMAP_SLOT:
		return R_DIRECTMAP;
	case SPT_HV_IMAGE_L4:
		if (in_entry_sections(va))
			return R_ENTRY;
		return in_desc_tables(va) ? R_DESC : R_OTHER;
	default:
		return R_OTHER;
	}
}

struct tally {
	uint64_t pages[R_NR];
	uint64_t user;		/* user-accessible pages, the M2P's aside */
};

static uint64_t canonical(uint64_t va)
{
	return va & (1ULL << 47) ? va | 0xffff000000000000ULL : va;
}

static void walk(const pte_t *t, int level, uint64_t va, struct tally *n)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = t[i];
		uint64_t at = va + ((uint64_t)i << pt_level_shift(level));
		enum region r;

		if (!(e & PTE_P))
			continue;
		if (level > 1 && !(e & PTE_PS)) {
			walk(phys_to_virt(e & PTE_ADDR_MASK), level - 1, at, n);
			continue;
		}
		r = region_of(at);
		n->pages[r] += 1ULL << (pt_level_shift(level) - PAGE_SHIFT);
		if ((e & PTE_U) && r != R_M2P)
			n->user += 1ULL << (pt_level_shift(level) - PAGE_SHIFT);
	}
}

/* Is va mapped at all in the tables at root? */
static bool mapped(uint64_t root, uint64_t va)
{
	const pte_t *t = phys_to_virt(root & PTE_ADDR_MASK);

	for (int level = 4; level >= 1; level--) {
		pte_t e = t[pt_index(va, level)];

		if (!(e & PTE_P))
			return false;
		if (level == 1 || (level < 4 && (e & PTE_PS)))
			return true;
		t = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return false;
}

void pv_view_audit(unsigned int domid, uint64_t root, const void *frame)
{
	const pte_t *l4 = phys_to_virt(root & PTE_ADDR_MASK);
	struct tally n = { 0 };

	if (!pv_root_cr3)
		return;
	for (unsigned int i = 0; i < SPT_HV_NR_SLOTS; i++) {
		unsigned int slot = spt_hv_slot_index(i);
		pte_t e = l4[slot];

		if (e & PTE_P)
			walk(phys_to_virt(e & PTE_ADDR_MASK), 3,
			     canonical((uint64_t)slot << pt_level_shift(4)), &n);
	}
	pr_info("pv: xpti: d%u's tables hold of Umbra: entry code and data %llu pages, "
		"GDTs and LDTs %llu, entry and IST stacks %llu, main stacks %llu, "
		"frame table %llu, direct map %llu, other %llu, user-accessible %llu "
		"(and the read-only M2P, %llu); its vCPU structure: %s\n", domid,
		(unsigned long long)n.pages[R_ENTRY], (unsigned long long)n.pages[R_DESC],
		(unsigned long long)n.pages[R_ENTRY_STACK],
		(unsigned long long)n.pages[R_MAIN_STACK],
		(unsigned long long)n.pages[R_FRAMETABLE],
		(unsigned long long)n.pages[R_DIRECTMAP], (unsigned long long)n.pages[R_OTHER],
		(unsigned long long)n.user, (unsigned long long)n.pages[R_M2P],
		mapped(root, (uint64_t)frame) ? "mapped" : "absent");
}
