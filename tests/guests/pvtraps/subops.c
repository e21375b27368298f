/* pvtraps: the start-of-day queries a PV guest makes. memory_op (Linux's
 * xen_memory_setup asks for its map, then the reservation): answered for
 * what the domain was built with (start_info.nr_pages). xen_version: the
 * capabilities and the feature bits of a 64-bit PV guest, by paging mode. */
#include <public/memory.h>
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"
#include "pvtraps.h"

#define E820_RAM	1

static long memory_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

void check_memory_op(const struct start_info *si)
{
	struct e820entry map[4];
	struct xen_memory_map mm = { .nr_entries = 4, .buffer = (uint64_t)(uintptr_t)map };
	domid_t self = DOMID_SELF;
	long rc;

	memset(map, 0xff, sizeof(map));
	rc = memory_op(XENMEM_memory_map, &mm);
	con_printf("pvtraps: memory map: %ld, %u entries; [0] %#lx+%#lx type %u\n", rc, mm.nr_entries,
		   (unsigned long)map[0].addr, (unsigned long)map[0].size, map[0].type);
	expect(rc == 0 && mm.nr_entries == 1 && map[0].addr == 0 &&
	       map[0].size == si->nr_pages * 4096 && map[0].type == E820_RAM,
	       "XENMEM_memory_map: one RAM entry, all of its nr_pages from 0");
	mm.nr_entries = 0;
	rc = memory_op(XENMEM_memory_map, &mm);
	expect(rc == 0 && mm.nr_entries == 0, "XENMEM_memory_map with room for none: 0 entries");
	rc = memory_op(XENMEM_maximum_reservation, &self);
	con_printf("pvtraps: maximum reservation %ld pages, nr_pages %lu\n", rc,
		   (unsigned long)si->nr_pages);
	expect(rc > 0 && (uint64_t)rc == si->nr_pages,
	       "XENMEM_maximum_reservation: the nr_pages it was built with");
}

#define FEAT(x)		(1u << XENFEAT_##x)
#define HIGHMEM_ASSIST	(1u << 6)	/* Xen's; not offered */
#define MAP_AVAIL_BITS	(1u << 7)	/* Xen's; not offered */

static uint32_t features(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	return hv_xen_version(XENVER_get_features, &fi) ? ~0u : fi.submap;
}

static long pae_assist(unsigned int cmd)
{
	return hypercall2(__HYPERVISOR_vm_assist, cmd, VMASST_TYPE_pae_extended_cr3);
}

void check_xen_version(bool translated)
{
	char caps[XEN_CAPABILITIES_INFO_LEN];
	uint32_t f = features();
	long rc;

	rc = hv_xen_version(XENVER_capabilities, caps);
	con_printf("pvtraps: capabilities \"%s\", features %#x\n", rc ? "?" : caps, f);
	expect(rc == 0 && !strncmp(caps, "xen-3.0-x86_64 ", 15),
	       "XENVER_capabilities begins with xen-3.0-x86_64 (64-bit PV)");
	if (translated)
		expect(f != ~0u && (f & FEAT(writable_page_tables)) && (f & FEAT(auto_translated_physmap)) &&
		       !(f & FEAT(mmu_pt_update_preserve_ad)),
		       "translated features: writable_page_tables, auto_translated_physmap; no preserve_ad");
	else
		expect(f != ~0u && (f & FEAT(mmu_pt_update_preserve_ad)) &&
		       !(f & (FEAT(writable_page_tables) | FEAT(auto_translated_physmap))),
		       "shared features: mmu_pt_update_preserve_ad; machine frames, not translated");
	expect(f != ~0u && !(f & (HIGHMEM_ASSIST | MAP_AVAIL_BITS | FEAT(dom0))),
	       "features: no highmem_assist, no gnttab_map_avail_bits (not offered); not dom0");
	rc = pae_assist(VMASST_CMD_enable);
	expect(rc == 0 && (features() & FEAT(pae_pgdir_above_4gb)),
	       "vm_assist pae_extended_cr3 on: XENFEAT_pae_pgdir_above_4gb, as Xen");
	rc = pae_assist(VMASST_CMD_disable);
	expect(rc == 0 && !(features() & FEAT(pae_pgdir_above_4gb)),
	       "vm_assist pae_extended_cr3 off: the feature goes");
}
