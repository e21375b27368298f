/*
 * What of Umbra a PV guest's address space holds (docs/pv.md, DESIGN.md
 * §4). Every shadow L4 carries the hypervisor's reserved slots. With the
 * boot option `xpti` (Xen's name; on by default, as DESIGN.md §4 asks;
 * `xpti=0` leaves the whole hypervisor in them as supervisor pages,
 * which AMD CPUs do not forward to user-mode speculation, and saves the
 * switch of tables on every entry and exit, a TLB flush each way without
 * PCID) they are narrowed for guests to what the CPU and the entry code
 * touch while a guest's tables are live:
 *   - slot 261: of each CPU that exists its entry stack (TSS.RSP0 while
 *     a guest runs) and its IST stacks (NMI, #DF, #MC, #DB), not its
 *     main stack;
 *   - slot 511 (the image): the entry code (.text.entry), the IDT, the
 *     per-CPU areas with their TSS, the entry code's variables
 *     (.data.entry, .bss.entry), and the GDT and LDT copy of each CPU
 *     that exists;
 *   - slots 260 (the frame table) and 262 (the direct map: every
 *     domain's RAM, Umbra's heap, the vCPU structures) are absent.
 * So the hypervisor switches to its own tables (pv_root_cr3) as soon as a
 * guest leaves, before it copies the guest's registers from the entry
 * stack into the vCPU structure (pv_entry.S), and NMI, #MC and #DF, which
 * can arrive with the guest's tables live, switch and switch back
 * (entry.S, pv_entry.S). All of it supervisor-only.
 */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <umbra/cmdline.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include "shared-pt/layout.h"
#include "pv_desc.h"
#include "pv_view.h"

#define FRAMETABLE_SLOT	260
#define STACKS_SLOT	261

static bool opt_xpti = true;
param_bool("xpti", opt_xpti);

uint64_t pv_root_cr3 __attribute__((section(".bss.entry")));	/* entry.S, pv_entry.S; 0: no xpti */
static uint64_t image_l3, stacks_l3;	/* the guests' slots 511 and 261 */
static spinlock_t view_lock = SPINLOCK_INIT;

extern char __entry_text_start[], __entry_text_end[];
extern char __entry_data_start[], __entry_data_end[];
extern char __entry_bss_start[], __entry_bss_end[];

static uint64_t zeroed_page(void)
{
	uint64_t pa = alloc_page_phys();

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static pte_t *next_table(pte_t *t, unsigned int i)
{
	uint64_t pa;

	if (!(t[i] & PTE_P)) {
		pa = zeroed_page();
		if (!pa)
			return NULL;
		t[i] = pa | PTE_P | PTE_W;
	}
	return phys_to_virt(t[i] & PTE_ADDR_MASK);
}

/* The leaf entry mapping va in the tables at root (machine address), or
 * 0; *shift: the size of what it maps. */
static pte_t leaf_of(uint64_t root, uint64_t va, unsigned int *shift)
{
	const pte_t *t = phys_to_virt(root & PTE_ADDR_MASK);

	for (int level = 4; level >= 1; level--) {
		pte_t e = t[pt_index(va, level)];

		if (!(e & PTE_P))
			return 0;
		*shift = pt_level_shift(level);
		if (level == 1 || (level < 4 && (e & PTE_PS)))
			return e;
		t = phys_to_virt(e & PTE_ADDR_MASK);
	}
	return 0;
}

/* Pages [va, va + bytes) into the guests' tree under slot l3, at the
 * machine frames Umbra's own tables give them. */
static int map_range(uint64_t l3, uint64_t va, uint64_t bytes, pte_t flags)
{
	for (uint64_t end = va + bytes; va < end; va += PAGE_SIZE) {
		unsigned int shift = PAGE_SHIFT;
		pte_t e = leaf_of(paging_root(), va, &shift);
		pte_t *l2 = next_table(phys_to_virt(l3), pt_index(va, 3));
		pte_t *l1 = l2 ? next_table(l2, pt_index(va, 2)) : NULL;

		if (!e || !l1)
			return -ENOMEM;
		l1[pt_index(va, 1)] = ((e & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) +
				       (va & ((1ULL << shift) - 1))) | flags;
	}
	return 0;
}

static int map_image(const char *start, const char *end, pte_t flags)
{
	return map_range(image_l3, (uint64_t)start, (uint64_t)(end - start), flags);
}

#define VIEW_DATA	(PTE_P | PTE_W | PTE_NX)

/* What the CPU and the entry code use of CPU cpu while a guest's tables
 * are live: its GDT and LDT copy, its IST stacks and entry stack. */
static int view_cpu(unsigned int cpu)
{
	const struct percpu *p = &percpu_area[cpu];
	uint64_t base = STACKS_BASE + cpu * STACKS_PER_CPU, ldt_bytes;
	const char *ldt = pv_ldt_table(cpu, &ldt_bytes);

	if (map_image((const char *)p->gdt, (const char *)p->gdt + GDT_SIZE, VIEW_DATA) ||
	    map_image(ldt, ldt + ldt_bytes, VIEW_DATA) ||
	    map_range(stacks_l3, base + STACK_ENTRY_OFF, ENTRY_STACK_SIZE, VIEW_DATA))
		return -ENOMEM;
	for (int i = 0; i < IST_STACKS; i++)
		if (map_range(stacks_l3, base + STACK_IST_OFF(i), IST_STACK_SIZE, VIEW_DATA))
			return -ENOMEM;
	return 0;
}

/* Has CPU cpu its stacks and GDT yet (paging_map_stacks, gdt.c)? */
static bool cpu_exists(unsigned int cpu)
{
	return percpu_area[cpu].pv_entry_top && percpu_area[cpu].gdt;
}

void pv_view_cpu(unsigned int cpu)
{
	uint64_t flags;
	int err;

	if (!pv_root_cr3)
		return;
	flags = spin_lock_irqsave(&view_lock);
	err = view_cpu(cpu);
	spin_unlock_irqrestore(&view_lock, flags);
	if (err)
		panic("pv: xpti: no memory for cpu%u's part of guests' tables", cpu);
}

int pv_view_init(pte_t slots[SPT_HV_NR_SLOTS])
{
	unsigned int cpus = 0;
	uint64_t flags;
	int err;

	if (!opt_xpti)
		return 0;
	image_l3 = zeroed_page();
	stacks_l3 = zeroed_page();
	if (!image_l3 || !stacks_l3)
		return -ENOMEM;
	flags = spin_lock_irqsave(&view_lock);
	err = map_image(__entry_text_start, __entry_text_end, PTE_P) ||
	      map_image(__entry_data_start, __entry_data_end, VIEW_DATA) ||
	      map_image(__entry_bss_start, __entry_bss_end, VIEW_DATA) ? -ENOMEM : 0;
	for (unsigned int cpu = 0; cpu < MAX_CPUS && !err; cpu++)
		if (cpu_exists(cpu)) {
			err = view_cpu(cpu);
			cpus++;
		}
	/* CPUs that come up later add theirs (pv_cpu_init). */
	if (!err)
		pv_root_cr3 = paging_root();
	spin_unlock_irqrestore(&view_lock, flags);
	if (err)
		return -ENOMEM;
	slots[spt_hv_slot_entry(FRAMETABLE_SLOT)] = 0;
	slots[spt_hv_slot_entry(DIRECTMAP_SLOT)] = 0;
	slots[spt_hv_slot_entry(STACKS_SLOT)] = stacks_l3 | PTE_P | PTE_W;
	slots[spt_hv_slot_entry(SPT_HV_IMAGE_L4)] = image_l3 | PTE_P | PTE_W;
	pr_info("pv: xpti: guests' tables hold Umbra's entry code and data (%llu KiB), "
		"of %u CPUs the GDT, LDT, entry and IST stacks, no main stack, no direct map\n",
		(unsigned long long)((__entry_text_end - __entry_text_start) +
				     (__entry_data_end - __entry_data_start) +
				     (__entry_bss_end - __entry_bss_start)) >> 10, cpus);
	return 0;
}
