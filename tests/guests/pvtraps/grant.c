/*
 * pvtraps' grant-table checks, the Xen way: the table frames are Umbra's
 * pages, handed out by machine frame (setup_table) and mapped by the
 * guest itself; version 2 and its status frames; a self-grant mapped host
 * and device, unmapped part by part; unmap_and_replace; and what each
 * must refuse with Xen's code. Translated (paging=shadow) the same checks
 * by guest frame (frames above its RAM; the p2m list and the M2P are the
 * identity, so mfn_of and the M2P give guest frames), and what a
 * mapping's entry names (check_window).
 */
#include <stdbool.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pvtraps.h"

#define TABLE_PTE(mfn)	(((mfn) << 12) | PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)

static uint8_t table_va[4096] __attribute__((aligned(4096)));
static uint8_t status_va[4096] __attribute__((aligned(4096)));
static uint8_t granted[4096] __attribute__((aligned(4096)));
static uint8_t host_va[4096] __attribute__((aligned(4096)));
static uint8_t other_va[4096] __attribute__((aligned(4096)));

static long gnttab(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static long uva(void *va, uint64_t pte)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)va, pte, UVMF_INVLPG);
}

static uint64_t va_pte(void *va, bool writable)
{
	return (mfn_of((uint64_t)(uintptr_t)va) << 12) | PT_P | PT_U | PT_A | PT_NX |
	       (writable ? PT_W | PT_D : 0);
}

/* Its own domain id: a loopback channel's status names it (the port is
 * closed again, so the event checks after find what they always did). */
static domid_t self_id(void)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct evtchn_close cl;
	long rc;

	if (hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au))
		return DOMID_SELF;
	st.port = au.port;
	cl.port = au.port;
	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_status, &st);
	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_close, &cl);
	return rc ? DOMID_SELF : st.u.unbound.dom;
}

static long pin_l1(uint64_t mfn)
{
	struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn };

	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
}

static uint64_t setup(uint32_t n, int16_t *status)
{
	uint64_t frames[2] = { ~0ULL, ~0ULL };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = n,
					 .frame_list = (uint64_t)(uintptr_t)frames };
	long rc = gnttab(GNTTABOP_setup_table, &st, 1);

	*status = rc ? -100 : st.status;
	return frames[0];
}

static void grant_self(domid_t self, uint32_t ref, void *page)
{
	volatile struct grant_entry_v1 *e = (volatile struct grant_entry_v1 *)table_va + ref;

	e->domid = self;
	e->frame = (uint32_t)mfn_of((uint64_t)(uintptr_t)page);
	__atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);
}

static void check_table_frames(uint64_t *frame)
{
	int16_t status;
	uint64_t f;

	setup(15, &status);
	expect(status == GNTST_general_error, "grant: setup_table for 15 frames: GNTST_general_error");
	f = setup(1, &status);
	expect(status == GNTST_okay && f != ~0ULL && f != mfn_of((uint64_t)(uintptr_t)table_va),
	       "grant: setup_table gives a machine frame of Umbra's, not one of its RAM");
	expect(uva(table_va, TABLE_PTE(f)) == 0,
	       "grant: its grant frame mapped read-write with update_va_mapping");
	expect(pin_l1(f) == -XEN_EINVAL, "grant: its grant frame pinned as a page table: -EINVAL");
	*frame = f;
}

/* A self-grant of `granted` mapped at host_va, host and device. */
static void check_device_map(domid_t self)
{
	struct gnttab_map_grant_ref map = { .host_addr = (uint64_t)(uintptr_t)host_va,
					    .flags = GNTMAP_host_map | GNTMAP_device_map,
					    .ref = 8, .dom = self };
	struct gnttab_unmap_grant_ref un = { .host_addr = (uint64_t)(uintptr_t)host_va };
	uint64_t maddr = mfn_of((uint64_t)(uintptr_t)granted) << 12;

	grant_self(self, 8, granted);
	granted[5] = 0x5a;
	expect(uva(granted, va_pte(granted, false)) == 0, "grant: its granted page made read-only");
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_okay &&
	       map.dev_bus_addr == maddr && host_va[5] == 0x5a,
	       "grant: a self-grant mapped host and device: dev_bus_addr is the machine address");
	expect(pin_l1(maddr >> 12) == -XEN_EINVAL, "grant: the mapped frame pinned as a page table: -EINVAL");
	un.handle = map.handle;
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_okay,
	       "grant: the host part unmapped alone");
	expect(pin_l1(maddr >> 12) == -XEN_EINVAL,
	       "grant: the device part still holds the writable type: pin -EINVAL");
	un = (struct gnttab_unmap_grant_ref){ .dev_bus_addr = maddr + 0x1000, .handle = map.handle };
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_bad_dev_addr,
	       "grant: a device unmap at another address: GNTST_bad_dev_addr");
	un.dev_bus_addr = maddr;
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_okay,
	       "grant: the device part unmapped");
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_bad_handle,
	       "grant: then the handle is gone: GNTST_bad_handle");
	expect(pin_l1(maddr >> 12) == 0, "grant: nothing holds the frame: it pins as a table");
	{
		struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = maddr >> 12 };

		hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	}
	expect(uva(granted, va_pte(granted, true)) == 0, "grant: its granted page writable again");
}

/* unmap_and_replace: the entry at new_addr moves over the grant's; an
 * entry the guest rewrote is not the grant's any more (XSA-234). */
static void check_replace(domid_t self)
{
	struct gnttab_map_grant_ref map = { .host_addr = (uint64_t)(uintptr_t)host_va,
					    .flags = GNTMAP_host_map | GNTMAP_readonly,
					    .ref = 8, .dom = self };
	struct gnttab_unmap_and_replace ur = { .host_addr = (uint64_t)(uintptr_t)host_va,
					       .new_addr = (uint64_t)(uintptr_t)other_va };
	struct gnttab_unmap_grant_ref un = { .host_addr = (uint64_t)(uintptr_t)host_va };

	other_va[7] = 0x77;
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_okay,
	       "grant: a read-only self-grant mapped");
	ur.handle = map.handle;
	un.handle = map.handle;
	ur.host_addr = 0;
	expect(gnttab(GNTTABOP_unmap_and_replace, &ur, 1) == 0 && ur.status == GNTST_general_error,
	       "grant: unmap_and_replace without a host address: GNTST_general_error");
	expect(uva(host_va, va_pte(granted, false) & ~PT_A) == 0 &&
	       gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_general_error,
	       "grant: an entry the guest rewrote is not the grant's: unmap GNTST_general_error");
	expect(uva(host_va, 0) == 0, "grant: that entry cleared by the guest");
	map.host_addr = (uint64_t)(uintptr_t)status_va;
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_okay,
	       "grant: mapped read-only again");
	ur = (struct gnttab_unmap_and_replace){ .host_addr = (uint64_t)(uintptr_t)status_va,
						.new_addr = (uint64_t)(uintptr_t)other_va,
						.handle = map.handle };
	expect(gnttab(GNTTABOP_unmap_and_replace, &ur, 1) == 0 && ur.status == GNTST_okay &&
	       status_va[7] == 0x77, "grant: unmap_and_replace moves new_addr's entry over the grant");
	expect(uva(other_va, va_pte(other_va, true)) == 0 && uva(status_va, va_pte(status_va, true)) == 0,
	       "grant: both pages mapped back");
	/* The first handle stayed (its unmap was refused); its entry went. */
	un.host_addr = 0;
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_okay,
	       "grant: the refused handle is still there");
}

#define RO_MPT		((const uint64_t *)0xffff800000000000ULL)	/* Xen's read-only M2P */

/* The machine address of the L1 entry that maps va, by a walk of its own
 * tables (read through the M2P: VIRT_BASE 0 maps every pfn at pfn << 12). */
static uint64_t l1_entry_maddr(const struct start_info *si, uint64_t va)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)si->pt_base;

	for (int level = 4; level > 1; level--) {
		uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(e & PT_P))
			return 0;
		if (level == 2)
			return (e & PT_ADDR) + ((va >> 12) & 511) * 8;
		t = (const uint64_t *)(uintptr_t)(RO_MPT[(e & PT_ADDR) >> 12] << 12);
	}
	return 0;
}

/* GNTMAP_contains_pte: the host mapping's L1 entry named by its machine
 * address; a misaligned one (XSA-227) or one in no L1 table is refused. */
static void check_pte_map(const struct start_info *si, domid_t self)
{
	uint64_t pte = l1_entry_maddr(si, (uint64_t)(uintptr_t)host_va);
	struct gnttab_map_grant_ref map = { .flags = GNTMAP_host_map | GNTMAP_contains_pte |
						     GNTMAP_readonly, .ref = 8, .dom = self };
	struct gnttab_unmap_grant_ref un = { .host_addr = pte };

	/* check_replace left host_va unmapped: its own page first. */
	expect(uva(host_va, va_pte(host_va, true)) == 0 && pte, "grant: found the L1 entry of a page");
	host_va[5] = 0x11;
	map.host_addr = pte + 2;
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_general_error &&
	       host_va[5] == 0x11,
	       "grant: contains_pte at a misaligned entry address: GNTST_general_error, the L1 intact");
	map.host_addr = mfn_of((uint64_t)(uintptr_t)other_va) << 12;
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_general_error,
	       "grant: contains_pte in a page that is no L1 table: GNTST_general_error");
	map.host_addr = pte;
	expect(gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_okay &&
	       host_va[5] == 0x5a, "grant: contains_pte at its own L1 entry maps the grant there");
	un.handle = map.handle;
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_okay &&
	       uva(host_va, va_pte(host_va, true)) == 0 && host_va[5] == 0x11,
	       "grant: unmapped by the entry's address, its own page mapped back");
}

/* Translated: a mapping's entry names a frame of its own above its RAM
 * that the p2m gives the granted page; a copy of that entry elsewhere
 * reaches the page with the grant's rights (read-only stays read-only)
 * and nothing once the grant is unmapped. */
static void check_window(const struct start_info *si, domid_t self, uint64_t frame)
{
	struct gnttab_map_grant_ref map = { .host_addr = (uint64_t)(uintptr_t)host_va,
					    .flags = GNTMAP_host_map | GNTMAP_readonly,
					    .ref = 8, .dom = self };
	struct gnttab_unmap_grant_ref un = { .host_addr = (uint64_t)(uintptr_t)host_va };
	volatile uint64_t *e = pvtraps_l1_entry((uint64_t)(uintptr_t)host_va);
	uint64_t pte;

	granted[9] = 0x99;
	expect(e && gnttab(GNTTABOP_map_grant_ref, &map, 1) == 0 && map.status == GNTST_okay &&
	       host_va[9] == 0x99, "grant: translated: a read-only self-grant mapped");
	pte = e ? *e : 0;
	expect((pte & PT_ADDR) >> 12 >= si->nr_pages && !(pte & PT_W) && (pte & PT_NX),
	       "grant: translated: its entry names a frame above its RAM, read-only, no-execute");
	expect(uva(other_va, pte | PT_W | PT_D) == 0 && other_va[9] == 0x99 &&
	       pvtraps_write_vector(other_va + 9) == 14 && granted[9] == 0x99,
	       "grant: translated: a writable copy of that entry reads the page, a write faults");
	un.handle = map.handle;
	expect(gnttab(GNTTABOP_unmap_grant_ref, &un, 1) == 0 && un.status == GNTST_okay,
	       "grant: translated: unmapped");
	expect(pvtraps_read_vector(other_va + 9) == 14,
	       "grant: translated: then the copy faults too: the frame left its physmap");
	/* jmp *%rax, which would go straight back (pvtraps_exec_vector). */
	table_va[0x800] = 0xff;
	table_va[0x801] = 0xe0;
	expect(uva(other_va, (frame << 12) | PT_P | PT_U | PT_A) == 0 &&
	       pvtraps_exec_vector(other_va + 0x800) == 14,
	       "grant: translated: its grant frame mapped executable: a fetch faults (only its RAM runs)");
	expect(uva(other_va, va_pte(other_va, true)) == 0 && uva(host_va, va_pte(host_va, true)) == 0,
	       "grant: translated: both pages mapped back");
}

static long set_version(uint32_t v, uint32_t *now)
{
	struct gnttab_set_version sv = { v };
	long rc = gnttab(GNTTABOP_set_version, &sv, 1);

	*now = sv.version;
	return rc;
}

/* Version 2: status frames, and no way back while one is mapped
 * (XSA-255). */
static void check_version2(void)
{
	uint64_t frames[2] = { 0 };
	struct gnttab_get_status_frames gs = { .dom = DOMID_SELF, .nr_frames = 1,
					       .frame_list = (uint64_t)(uintptr_t)frames };
	uint32_t now;

	expect(set_version(3, &now) == -XEN_EINVAL && now == 1, "grant: set_version 3: -EINVAL");
	expect(gnttab(GNTTABOP_get_status_frames, &gs, 1) == 0 && gs.status == GNTST_general_error,
	       "grant: status frames in version 1: GNTST_general_error");
	expect(set_version(2, &now) == 0 && now == 2, "grant: set_version 2");
	gs.nr_frames = 2;
	expect(gnttab(GNTTABOP_get_status_frames, &gs, 1) == 0 && gs.status == GNTST_general_error,
	       "grant: more status frames than there are: GNTST_general_error");
	gs.nr_frames = 1;
	expect(gnttab(GNTTABOP_get_status_frames, &gs, 1) == 0 && gs.status == GNTST_okay &&
	       uva(status_va, (frames[0] << 12) | PT_P | PT_U | PT_A | PT_NX) == 0,
	       "grant: its status frame mapped by machine frame");
	expect(set_version(1, &now) == -XEN_EBUSY && now == 2,
	       "grant: back to version 1 while the status frame is mapped: -EBUSY");
	expect(uva(status_va, va_pte(status_va, true)) == 0 && set_version(1, &now) == 0 && now == 1,
	       "grant: unmapped, back to version 1");
}

void check_grant_table(const struct start_info *si, bool translated)
{
	domid_t self = self_id();
	uint64_t frame;

	expect(self != DOMID_SELF, "grant: its domain id from a loopback channel's status");
	check_table_frames(&frame);
	check_version2();
	check_device_map(self);
	check_replace(self);
	if (translated)
		check_window(si, self, frame);
	check_pte_map(si, self);
}
