/* Page-table helpers for shared and translated PV paging (pagetable.h). */
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

static const uint64_t *p2m;
static uint64_t nr_pages;
static bool translated;

long pt_init(const struct start_info *si)
{
	uint32_t submap;
	long rc = xen_features(&submap);

	if (rc)
		return rc;
	p2m = (const uint64_t *)si->mfn_list;
	nr_pages = si->nr_pages;
	translated = submap & (1u << XENFEAT_auto_translated_physmap);
	if (translated)
		return 0;
	return hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			  VMASST_TYPE_writable_pagetables);
}

bool pt_translated(void)
{
	return translated;
}

uint64_t pt_frame(const void *va)
{
	uint64_t pfn = (uint64_t)(uintptr_t)va >> 12;

	return (translated ? pfn : p2m[pfn]) << 12;
}

/* Shared: the machine frame back to its pfn. The domain's memory is 2 MiB
 * extents, each one 2 MiB-aligned machine extent (DESIGN.md §3), so the
 * first entry of each extent in the p2m list finds it. */
void *pt_frame_va(uint64_t addr)
{
	uint64_t mfn = addr >> 12;

	if (translated)
		return mfn < nr_pages ? (void *)(uintptr_t)(mfn << 12) : 0;
	for (uint64_t x = 0; x < nr_pages; x += 512) {
		uint64_t pfn = x + (mfn & 511);

		if ((p2m[x] >> 9) == (mfn >> 9) && pfn < nr_pages && p2m[pfn] == mfn)
			return (void *)(uintptr_t)(pfn << 12);
	}
	return 0;
}

/* Data, never code (W^X on shared page tables). */
static long remap(void *va, uint64_t bits)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)va,
			  pt_frame(va) | PT_P | PT_U | PT_A | PT_NX | bits, UVMF_INVLPG);
}

long pt_make_table(void *va)
{
	return translated ? 0 : remap(va, 0);
}

long pt_unmake_table(void *va)
{
	return translated ? 0 : remap(va, PT_W | PT_D);
}

static long mmuext(unsigned int cmd, uint64_t arg1)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.linear_addr = arg1 };

	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, 0, DOMID_SELF);
}

long pt_pin_l4(void *va)
{
	return translated ? 0 : mmuext(MMUEXT_PIN_L4_TABLE, pt_frame(va) >> 12);
}

long pt_unpin(void *va)
{
	return translated ? 0 : mmuext(MMUEXT_UNPIN_TABLE, pt_frame(va) >> 12);
}

long pt_switch(void *l4)
{
	return mmuext(MMUEXT_NEW_BASEPTR, pt_frame(l4) >> 12);
}

long pt_flush(void)
{
	return mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

long pt_invlpg(uint64_t va)
{
	return mmuext(MMUEXT_INVLPG_LOCAL, va);
}
