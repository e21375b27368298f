/*
 * pvmem: memory reservations of a PV domain (docs/pv.md, "Memory
 * reservations"), in both paging modes.
 *
 * Shared page tables (the guest names machine frames): a page it unmaps
 * and gives back (decrease_reservation by machine frame) leaves its
 * reservation, its M2P entry becomes INVALID_M2P_ENTRY, and mapping it
 * again is refused as Xen refuses a freed page; a page given back while
 * still mapped stays usable until its last mapping goes (Xen's page
 * lingers until then); populate_physmap (by pseudo-physical frame) and
 * increase_reservation give them back zeroed and write their machine
 * frames into the list; a pinned table given back loses its pin. Translated (paging=shadow): by guest frame, and
 * a store through the old mapping of a frame given back faults.
 * Then bad arguments, each answered with the extents done (0) and
 * nothing changed.
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

const char guest_name[] = "pvmem";

#define RO_MPT		0xffff800000000000ULL	/* Xen's read-only M2P */
#define HV_DIRECTMAP	0xffff830000100000ULL	/* the hypervisor's, slot 262 */
#define INVALID_M2P	(~0ULL)
#define PAGE_RW		(PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)

static bool xlat;
static const struct start_info *si;
/* A page given back unmapped, one given back while mapped, one kept. */
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t page_c[4096] __attribute__((aligned(4096)));
static uint8_t page_d[4096] __attribute__((aligned(4096)));	/* a pinned L1 */
static uint8_t page_e[4096] __attribute__((aligned(4096)));	/* its vcpu_info */
static uint64_t list_ro[512] __attribute__((aligned(4096)));	/* mapped read-only */

/* Another domain's frame (shared page tables): the first frame of an
 * extent the M2P numbers that is not one of its own. Looked for at the
 * start, while the neighbours surely still run; 0: none found. */
static uint64_t foreign;

static void find_foreign(void)
{
	const uint64_t *p2m = (const uint64_t *)si->mfn_list;

	/* The machine has 1 GiB (pv.sh), all of it in the table. */
	for (uint64_t m = 512; m < (1ULL << 18) && !foreign; m += 512) {
		uint64_t pfn = ((const volatile uint64_t *)RO_MPT)[m];

		if (pfn != INVALID_M2P && !(pfn < si->nr_pages && p2m[pfn] == m))
			foreign = m;
	}
}

static uint64_t pfn_of(const void *va)
{
	return (uint64_t)va >> 12;
}

static uint64_t mfn_of(const void *va)
{
	return ((const uint64_t *)si->mfn_list)[pfn_of(va)];
}

static uint64_t m2p(uint64_t mfn)
{
	return ((const volatile uint64_t *)RO_MPT)[mfn];
}

static long map_page(const void *va, uint64_t frame, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, flags ? (frame << 12) | flags : 0,
			  UVMF_INVLPG);
}

static long reservation(unsigned int cmd, uint64_t *list, unsigned int n, unsigned int order,
			domid_t dom)
{
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)list, .nr_extents = n, .extent_order = order,
		.domid = dom,
	};

	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static long current_pages(void)
{
	domid_t self = DOMID_SELF;

	return hypercall2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &self);
}

static bool all_zero(const uint8_t *p)
{
	for (unsigned int i = 0; i < 4096; i++)
		if (p[i])
			return false;
	return true;
}

/* The frame a list entry names: machine on shared page tables. */
static uint64_t frame_of(const void *va)
{
	return xlat ? pfn_of(va) : mfn_of(va);
}

static void give_back_unmapped(long pages)
{
	uint64_t mfn = mfn_of(page_a), list[1] = { mfn };
	uint64_t gdt[1] = { mfn };
	struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn };
	long rc;

	memset(page_a, 0x5a, sizeof(page_a));
	expect(map_page(page_a, 0, 0) == 0, "page A unmapped");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1, "decrease_reservation of page A by machine frame: 1 extent done");
	expect(current_pages() == pages - 1, "current_reservation is one page less");
	expect(m2p(mfn) == INVALID_M2P, "its M2P entry is INVALID_M2P_ENTRY");
	rc = map_page(page_a, mfn, PAGE_RW);
	expect(rc == -XEN_EBUSY, "mapping the frame given back: -EBUSY (a freed page)");
	rc = map_page(page_a, mfn, PT_P | PT_U | PT_A | PT_NX);
	expect(rc == -XEN_EBUSY, "mapping it read-only: -EBUSY");
	rc = hypercall4(__HYPERVISOR_mmuext_op, &pin, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "pinning it as a page table: -EINVAL");
	rc = hypercall2(__HYPERVISOR_set_gdt, gdt, 512);
	expect(rc == -XEN_EINVAL, "set_gdt on it: -EINVAL");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0 && current_pages() == pages - 1,
	       "giving it back again: 0 extents, nothing changed");
}

/* Xen drops the allocation reference of a page still mapped; it goes
 * when its last mapping does. */
static void give_back_mapped(long pages)
{
	uint64_t mfn = mfn_of(page_b), list[1] = { mfn };
	long rc;

	memset(page_b, 0x6b, sizeof(page_b));
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1, "decrease_reservation of page B, still mapped: 1 extent done (as Xen)");
	expect(page_b[100] == 0x6b && (page_b[200] = 0x77, page_b[200] == 0x77),
	       "page B still works through its mapping until that goes");
	expect(current_pages() == pages - 1 && m2p(mfn) == pfn_of(page_b),
	       "... and still counts (its M2P entry stays) while mapped");
	expect(map_page(page_b, 0, 0) == 0, "page B unmapped");
	expect(current_pages() == pages - 2 && m2p(mfn) == INVALID_M2P,
	       "its last mapping gone: out of the reservation, M2P INVALID_M2P_ENTRY");
	expect(map_page(page_b, mfn, PAGE_RW) == -XEN_EBUSY, "mapping page B again: -EBUSY");
}

static void populate_back(long pages)
{
	uint64_t mfn_a = mfn_of(page_a), mfn_b = mfn_of(page_b);
	uint64_t list[1] = { pfn_of(page_a) };
	long rc;

	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && list[0] == mfn_a,
	       "populate_physmap of page A's frame: 1 extent, its machine frame written back");
	expect(m2p(mfn_a) == pfn_of(page_a), "its M2P entry names the frame it asked for");
	expect(current_pages() == pages - 1, "current_reservation one page up");
	expect(map_page(page_a, list[0], PAGE_RW) == 0, "mapping it again: 0");
	expect(all_zero(page_a), "page A reads zeroed");
	page_a[7] = 0x11;
	expect(page_a[7] == 0x11, "page A is usable");
	list[0] = 0x5555;
	rc = reservation(XENMEM_increase_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && list[0] == mfn_b,
	       "increase_reservation: 1 extent, the frame given back written to the list");
	expect(m2p(mfn_b) == pfn_of(page_b) && current_pages() == pages,
	       "its M2P entry and the reservation are back");
	expect(map_page(page_b, mfn_b, PAGE_RW) == 0 && all_zero(page_b),
	       "page B mapped again, zeroed");
	rc = reservation(XENMEM_increase_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "increase_reservation with nothing given back: 0 (memory never grows)");
}

/* Extent lists at bad addresses while a frame is there to be given:
 * Xen refuses a list in the hypervisor's part of the address space (or
 * non-canonical) before it does anything; a list it cannot write after
 * increase_reservation gave a frame leaves the frame given, not counted. */
static void bad_lists(long pages)
{
	uint64_t mfn = mfn_of(page_a), list[1] = { mfn };
	long rc;

	expect(map_page(page_a, 0, 0) == 0 &&
	       reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF) == 1 &&
	       current_pages() == pages - 1, "page A given back again");
	rc = reservation(XENMEM_populate_physmap, (uint64_t *)HV_DIRECTMAP, 1, 0, DOMID_SELF);
	expect(rc == 0 && current_pages() == pages - 1,
	       "populate_physmap with its list in the hypervisor: 0, nothing given");
	rc = reservation(XENMEM_increase_reservation, (uint64_t *)HV_DIRECTMAP, 1, 0, DOMID_SELF);
	expect(rc == 0 && current_pages() == pages - 1,
	       "increase_reservation with its list in the hypervisor: 0, nothing given");
	rc = reservation(XENMEM_increase_reservation, (uint64_t *)0x8000000000000000ULL, 1, 0,
			 DOMID_SELF);
	expect(rc == 0 && current_pages() == pages - 1,
	       "increase_reservation with a non-canonical list: 0, nothing given");
	list_ro[0] = 0x1234;
	expect(map_page(list_ro, mfn_of(list_ro), PT_P | PT_U | PT_A | PT_NX) == 0,
	       "a list page mapped read-only");
	rc = reservation(XENMEM_increase_reservation, list_ro, 1, 0, DOMID_SELF);
	expect(rc == 0 && list_ro[0] == 0x1234 && current_pages() == pages,
	       "increase_reservation into a read-only list: 0, the frame given but not named (as Xen)");
	expect(map_page(page_a, mfn, PAGE_RW) == 0 && all_zero(page_a) &&
	       map_page(list_ro, mfn_of(list_ro), PAGE_RW) == 0, "page A mapped again, zeroed");
}

/* A pinned page table given back: Xen's guest_remove_page drops the pin;
 * its read-only mapping keeps the frame until that goes too. */
static void give_back_pinned(long pages)
{
	uint64_t mfn = mfn_of(page_d), list[1] = { mfn };
	struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn };
	long rc;

	memset(page_d, 0, sizeof(page_d));
	expect(map_page(page_d, mfn, PT_P | PT_U | PT_A | PT_NX) == 0 &&
	       hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF) == 0,
	       "page D pinned as an L1 table");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1, "decrease_reservation of the pinned L1: 1 extent done (as Xen)");
	op.cmd = MMUEXT_UNPIN_TABLE;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "its pin was dropped: unpinning it -EINVAL");
	expect(current_pages() == pages, "still mapped read-only: still counted");
	expect(map_page(page_d, 0, 0) == 0 && current_pages() == pages - 1 &&
	       m2p(mfn) == INVALID_M2P, "its mapping gone: out of the reservation, M2P invalid");
	list[0] = pfn_of(page_d);
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && list[0] == mfn && map_page(page_d, mfn, PAGE_RW) == 0 &&
	       all_zero(page_d) && current_pages() == pages,
	       "page D populated again: mapped writable, zeroed");
}

/* Xen holds the page of a registered vcpu_info for the domain's life:
 * given back, it lingers, still counted, and the hypervisor's event
 * writes keep reaching it. */
static void give_back_vcpu_info(long pages)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct vcpu_register_vcpu_info r = { .mfn = mfn_of(page_e), .offset = 0 };
	volatile struct vcpu_info *vi = (volatile struct vcpu_info *)page_e;
	struct shared_info *s = shared_info_map(si);
	uint64_t mfn = mfn_of(page_e), list[1] = { mfn };
	struct evtchn_send send;
	long rc;

	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au);
	bi.remote_port = au.port;
	if (!rc)
		rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &bi);
	expect(s && rc == 0 && bi.local_port < 64, "a loopback event channel");
	r.mfn = mfn_of((const void *)si->pt_base);
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == -XEN_EINVAL, "vcpu_info in its own L4 (a page table, no writable type): -EINVAL");
	r.mfn = mfn;
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == 0, "vcpu_info registered in page E");
	vi->evtchn_upcall_mask = 1;
	vi->evtchn_upcall_pending = 0;
	__atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	if (s)
		__atomic_fetch_and(&s->evtchn_pending[0], ~(1ULL << bi.local_port),
				   __ATOMIC_SEQ_CST);
	expect(map_page(page_e, 0, 0) == 0, "page E unmapped");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && current_pages() == pages && m2p(mfn) == pfn_of(page_e),
	       "page E given back: 1 extent, still counted while the hypervisor holds it (as Xen)");
	send.port = au.port;
	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
	expect(rc == 0 && map_page(page_e, mfn, PT_P | PT_U | PT_A | PT_NX) == 0,
	       "an event sent; page E, still referenced, may be mapped again");
	expect(vi->evtchn_upcall_pending == 1,
	       "the hypervisor's event write reached the vcpu_info in page E");
}

/* Translated: the list names guest frames; a frame given back is gone
 * from the physmap, so a store through its old mapping faults. */
static void translated_round_trip(long pages)
{
	uint64_t list[1] = { pfn_of(page_a) };
	long rc;

	memset(page_a, 0x5a, sizeof(page_a));
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && current_pages() == pages - 1,
	       "translated: decrease_reservation of page A by guest frame: 1 extent, one page less");
	expect(RAISES("movb $1, (%1)", "r"(page_a)) == 14,
	       "translated: a store through the old mapping faults (#PF), its shadow gone");
	expect(RAISES("movb (%1), %%cl", "r"(page_a)) == 14, "translated: so does a read");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "translated: giving it back again: 0 extents");
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && list[0] == pfn_of(page_a) && current_pages() == pages,
	       "translated: populate_physmap: 1 extent, the list unchanged");
	expect(all_zero(page_a), "translated: page A reads zeroed through its old mapping");
	page_a[9] = 0x22;
	expect(page_a[9] == 0x22, "translated: page A is usable");
	list[0] = pfn_of(page_b);
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 1, "translated: page B given back");
	rc = reservation(XENMEM_increase_reservation, (uint64_t *)HV_DIRECTMAP, 1, 0, DOMID_SELF);
	expect(rc == 0 && current_pages() == pages - 1,
	       "translated: increase_reservation with its list in the hypervisor: 0, nothing counted");
	rc = reservation(XENMEM_increase_reservation, NULL, 1, 0, DOMID_SELF);
	expect(rc == 1 && current_pages() == pages,
	       "translated: increase_reservation counts a page (no frame named)");
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "translated: populating page B past the maximum: 0 extents");
}

static void bad_arguments(long pages)
{
	uint64_t list[2] = { 0, 0 };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	long rc;

	/* Not its own: on shared page tables the hypervisor's image. */
	list[0] = xlat ? si->nr_pages + 0x100 : 0x200;
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "decrease_reservation of a frame not its own: 0 extents");
	if (!xlat) {
		list[0] = foreign;
		rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
		expect(foreign && rc == 0 && m2p(foreign) != INVALID_M2P,
		       "decrease_reservation of another domain's frame (found through the M2P): 0 extents, its M2P entry kept");
	}
	/* start_info names it by machine (translated: guest) address. */
	list[0] = si->shared_info >> 12;
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "decrease_reservation of its shared_info frame: 0 extents");
	/* Its grant table frame: a page of Umbra's shared with it (shared
	 * page tables), a frame above its RAM (translated). */
	st.frame_list = (uint64_t)(uintptr_t)&list[0];
	rc = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &st, 1);
	expect(rc == 0 && st.status == GNTST_okay, "grant table frame set up");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "decrease_reservation of its grant table frame: 0 extents");
	list[0] = frame_of(page_c);
	rc = reservation(XENMEM_decrease_reservation, list, 1, 10, DOMID_SELF);
	expect(rc == 0, "an extent order above 9: 0 extents");
	rc = reservation(XENMEM_decrease_reservation, list, 1, 0, 0);
	expect(rc == 0, "naming another domain: 0 extents");
	rc = reservation(XENMEM_decrease_reservation, (uint64_t *)HV_DIRECTMAP, 1, 0, DOMID_SELF);
	expect(rc == 0, "an extent list in the hypervisor: 0 extents");
	rc = reservation(XENMEM_decrease_reservation, (uint64_t *)0x7ff000000000ULL, 1, 0,
			 DOMID_SELF);
	expect(rc == 0, "an unmapped extent list: 0 extents");
	rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, HV_DIRECTMAP);
	expect(rc == -XEN_EFAULT || rc == 0, "a request in the hypervisor: no extent done");
	list[0] = pfn_of(page_c);
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "populate_physmap of a frame it has: 0 extents");
	list[0] = si->nr_pages + 1;
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 0, "populate_physmap beyond its RAM: 0 extents");
	/* An extent whose second entry is not its own stops after the first
	 * (on shared page tables page C unmapped first, so it goes at once). */
	expect(xlat || map_page(page_c, 0, 0) == 0, "page C unmapped");
	list[0] = frame_of(page_c);
	list[1] = xlat ? si->nr_pages + 0x100 : 0x200;
	rc = reservation(XENMEM_decrease_reservation, list, 2, 0, DOMID_SELF);
	expect(rc == 1 && current_pages() == pages - 1,
	       "two entries, the second not its own: stops after 1");
	list[0] = pfn_of(page_c);
	rc = reservation(XENMEM_populate_physmap, list, 1, 0, DOMID_SELF);
	expect(rc == 1 && (xlat || map_page(page_c, list[0], PAGE_RW) == 0), "page C populated again");
	page_c[0] = 0x3c;
	expect(page_c[0] == 0x3c && current_pages() == pages,
	       "page C untouched and the reservation unchanged by all that");
}

int guest_main(const struct start_info *start)
{
	long pages;

	si = start;
	xlat = xen_translated();
	con_printf("pvmem: paging %s\n", xlat ? "translated (shadow)" : "shared");
	expect(trap_init() == 0, "set_trap_table");
	trap_set_handler(14, probe_record);
	if (!xlat)
		find_foreign();
	pages = current_pages();
	expect(pages == (long)si->nr_pages, "current_reservation is its start_info pages");
	if (xlat) {
		translated_round_trip(pages);
	} else {
		give_back_unmapped(pages);
		give_back_mapped(pages);
		populate_back(pages);
		bad_lists(pages);
		give_back_pinned(pages);
		give_back_vcpu_info(pages);
	}
	bad_arguments(pages);
	con_printf("pvmem: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
