/*
 * What of Umbra a PV guest's address space holds (docs/pv.md, DESIGN.md
 * §4). Every shadow L4 carries the hypervisor's reserved slots. With the
 * boot option `xpti` (Xen's name; off by default: AMD CPUs do not
 * forward supervisor data to user-mode speculation, and the switch of
 * tables on every entry and exit costs a TLB flush each way) two of them
 * are narrowed for guests:
 *   - slot 260 (the frame table) is absent;
 *   - slot 262 (the direct map of all machine memory: every domain's RAM
 *     and Umbra's heap) holds only the pages of PV vCPU structures, whose
 *     register frames the CPU and the entry code write while the guest's
 *     tables are live (TSS.RSP0 points into them), at their direct-map
 *     addresses.
 * So the hypervisor switches to its own tables (pv_root_cr3) as soon as a
 * guest leaves (pv_run.c), and NMI, #MC and #DF, which can arrive with the
 * guest's tables live, switch and switch back (entry.S, pv_entry.S). The
 * image (slot 511: IDT, GDT, TSS, per-CPU areas, entry code) and the
 * per-CPU stacks (slot 261) stay, supervisor-only.
 */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/x86.h>
#include <umbra/cmdline.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include "shared-pt/layout.h"
#include "pv_view.h"

#define FRAMETABLE_SLOT	260

static bool opt_xpti;
param_bool("xpti", opt_xpti);

uint64_t pv_root_cr3 __attribute__((section(".bss.entry")));	/* entry.S, pv_entry.S; 0: no xpti */
static uint64_t view_l3;	/* the guests' slot 262 */
static spinlock_t view_lock = SPINLOCK_INIT;

static uint64_t zeroed_page(void)
{
	uint64_t pa = alloc_page_phys();

	if (pa)
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

extern char __entry_text_start[], __entry_text_end[];
extern char __entry_data_start[], __entry_data_end[];
extern char __entry_bss_start[], __entry_bss_end[];

static pte_t *next_table(pte_t *t, unsigned int i);

/* Pages [start, end) of the image into the guests' slot-511 tree, at
 * their own addresses. */
static int map_image(pte_t *l3, const char *start, const char *end, pte_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE) {
		pte_t *l2 = next_table(l3, pt_index(va, 3));
		pte_t *l1 = l2 ? next_table(l2, pt_index(va, 2)) : NULL;

		if (!l1)
			return -ENOMEM;
		l1[pt_index(va, 1)] = (va - HV_VIRT_BASE) | flags;
	}
	return 0;
}

/* The guests' slot 511: of the image only the entry code (executable),
 * the IDT, the GDTs, the per-CPU areas with their TSS, and the entry
 * code's variables (DESIGN.md §4's entry trampolines). */
static int image_view(pte_t *slot)
{
	uint64_t l3 = zeroed_page();
	pte_t *t;

	if (!l3)
		return -ENOMEM;
	t = phys_to_virt(l3);
	if (map_image(t, __entry_text_start, __entry_text_end, PTE_P) ||
	    map_image(t, __entry_data_start, __entry_data_end, PTE_P | PTE_W | PTE_NX) ||
	    map_image(t, __entry_bss_start, __entry_bss_end, PTE_P | PTE_W | PTE_NX))
		return -ENOMEM;
	*slot = l3 | PTE_P | PTE_W;
	return 0;
}

int pv_view_init(pte_t slots[SPT_HV_NR_SLOTS])
{
	if (!opt_xpti)
		return 0;
	view_l3 = zeroed_page();
	if (!view_l3)
		return -ENOMEM;
	pv_root_cr3 = paging_root();
	slots[spt_hv_slot_entry(FRAMETABLE_SLOT)] = 0;
	slots[spt_hv_slot_entry(DIRECTMAP_SLOT)] = view_l3 | PTE_P | PTE_W;
	if (image_view(&slots[spt_hv_slot_entry(SPT_HV_IMAGE_L4)]))
		return -ENOMEM;
	pr_info("pv: xpti: guests' tables hold Umbra's entry code and data (%llu KiB), "
		"its stacks, of the direct map only vCPU pages\n",
		(unsigned long long)((__entry_text_end - __entry_text_start) +
				     (__entry_data_end - __entry_data_start) +
				     (__entry_bss_end - __entry_bss_start)) >> 10);
	return 0;
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

/* Never unmapped: the entry maps the page exactly as the direct map does,
 * supervisor-only, so it stays harmless when the page is reused. */
int pv_view_map(const void *p)
{
	uint64_t va = (uint64_t)p & ~(PAGE_SIZE - 1), flags;
	pte_t *l2, *l1 = NULL;

	if (!opt_xpti)
		return 0;
	if (!view_l3)
		return -ENOMEM;
	if (va < DIRECTMAP_BASE || va >= DIRECTMAP_BASE + (1ULL << pt_level_shift(4)))
		return 0;	/* not in the direct map (the image): always there */
	flags = spin_lock_irqsave(&view_lock);
	l2 = next_table(phys_to_virt(view_l3), pt_index(va, 3));
	if (l2)
		l1 = next_table(l2, pt_index(va, 2));
	if (l1)
		l1[pt_index(va, 1)] = (va - DIRECTMAP_BASE) | PTE_P | PTE_W | PTE_NX;
	spin_unlock_irqrestore(&view_lock, flags);
	return l1 ? 0 : -ENOMEM;
}
