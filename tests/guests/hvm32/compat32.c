/*
 * Xen's compat layouts from 32-bit code: the structures whose i386 layout
 * differs from x86-64's (memory reservations with 4-byte extent lists,
 * the singleshot timer and runstate records, grant setup_table and copy,
 * platform_parameters) and the compat shared_info a domain gets when it
 * sets HVM_PARAM_CALLBACK_IRQ from 32-bit code. Each structure sits where
 * the native layout would read or write past it into the window's
 * unmapped page (so a misread shows as -EFAULT), or before a sentinel
 * that must survive; bad pointers get Xen's answers.
 */
#include <stddef.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#include "hvm32.h"

#define EFAULT_RC	(-14)
#define ENOENT_RC	(-2)
#define EINVAL_RC	(-22)
#define ETIME_RC	(-62)
#define SENTINEL	0xa5a5a5a5u
#define NS_50_DAYS	(1ULL << 52)	/* more than any test's system time */

/* What 32-bit code passes unconverted must lay out on i386 (this file's
 * compiler) as on x86-64: Xen's compat checks say the same. */
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map dev_bus_addr");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "cache_flush");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info");
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control");
/* ... and what differs is taken in the compat layout. */
_Static_assert(sizeof(struct compat_memory_reservation) == 20, "compat reservation");
_Static_assert(sizeof(struct compat_gnttab_copy) == 24, "compat copy");
_Static_assert(sizeof(struct compat_vcpu_runstate_info) == 44, "compat runstate");

static uint8_t balloon[2][4096] __attribute__((aligned(4096)));
static uint8_t grant_frame[4096] __attribute__((aligned(4096)));
static uint8_t copy_src[4096] __attribute__((aligned(4096)));
static uint8_t copy_dst[4096] __attribute__((aligned(4096)));

static void *at(uint32_t va)
{
	return (void *)(uintptr_t)va;
}

static uint32_t pfn(const void *p)
{
	return (uint32_t)(uintptr_t)p >> 12;
}

static long vcpu_op(uint32_t cmd, uint32_t arg)
{
	return hcall(__HYPERVISOR_vcpu_op, cmd, 0, arg);
}

static long memop(uint32_t cmd, uint32_t arg)
{
	return hcall(__HYPERVISOR_memory_op, cmd, arg, 0);
}

static volatile uint32_t *word0(void *page)
{
	return (volatile uint32_t *)page;
}

static void check_version(uint32_t w, bool paged)
{
	uint32_t *p = at(w + 0x500);
	long rc;

	p[0] = 0xdeadbeef;
	p[1] = SENTINEL;
	rc = hcall(__HYPERVISOR_xen_version, XENVER_platform_parameters, w + 0x500, 0);
	check(rc == 0 && p[0] == 0 && p[1] == SENTINEL,
	      "xen_version platform_parameters: 4 bytes (compat), virt_start 0", rc);
	if (paged) {
		rc = hcall(__HYPERVISOR_xen_version, XENVER_platform_parameters, HOLE_VA, 0);
		check(rc == EFAULT_RC, "platform_parameters to a hole: -EFAULT", rc);
	}
}

/* Two frames given back and populated again through a 4-byte list whose
 * entries sit on either side of the window's page boundary. */
static void check_reservation(uint32_t w, bool paged)
{
	struct compat_memory_reservation *r = at(w + 0x600);
	uint32_t *list = at(w + 4096 - 4);
	long rc;

	*word0(balloon[0]) = 0x11111111;
	*word0(balloon[1]) = 0x22222222;
	list[0] = pfn(balloon[0]);
	list[1] = pfn(balloon[1]);
	*r = (struct compat_memory_reservation){ .extent_start = w + 4096 - 4, .nr_extents = 2,
						 .domid = DOMID_SELF };
	rc = memop(XENMEM_decrease_reservation, w + 0x600);
	check(rc == 2 && *word0(balloon[0]) == 0xffffffffu && *word0(balloon[1]) == 0xffffffffu,
	      "decrease_reservation (compat): 4-byte entries across the window's pages", rc);
	rc = memop(XENMEM_populate_physmap, w + 0x600);
	check(rc == 2 && *word0(balloon[0]) == 0 && *word0(balloon[1]) == 0,
	      "populate_physmap (compat): both frames back, zeroed", rc);
	r->nr_extents = 1;
	rc = memop(XENMEM_increase_reservation, w + 0x600);
	check(rc == 0, "increase_reservation (compat) at the maximum: 0 extents", rc);
	r->domid = 1000;
	rc = memop(XENMEM_decrease_reservation, w + 0x600);
	check(rc == 0 && *word0(balloon[0]) == 0,
	      "decrease_reservation naming another domain: 0 extents, nothing given back", rc);
	r->domid = DOMID_SELF;
	r->extent_order = 10;
	rc = memop(XENMEM_decrease_reservation, w + 0x600);
	check(rc == 0 && *word0(balloon[0]) == 0, "decrease_reservation of order 10: 0 extents", rc);
	r->extent_order = 0;
	if (!paged)
		return;
	/* Entry 0 readable, entry 1 in the unmapped page: one extent done. */
	list = at(w + 8192 - 4);
	list[0] = pfn(balloon[0]);
	*r = (struct compat_memory_reservation){ .extent_start = w + 8192 - 4, .nr_extents = 2,
						 .domid = DOMID_SELF };
	rc = memop(XENMEM_decrease_reservation, w + 0x600);
	check(rc == 1 && *word0(balloon[0]) == 0xffffffffu && *word0(balloon[1]) == 0,
	      "decrease_reservation with its second entry unmapped: stops after 1", rc);
	r->nr_extents = 1;
	rc = memop(XENMEM_populate_physmap, w + 0x600);
	check(rc == 1 && *word0(balloon[0]) == 0, "populate_physmap brings it back", rc);
	rc = memop(XENMEM_decrease_reservation, HOLE_VA);
	check(rc == 0 && *word0(balloon[0]) == 0, "a reservation request in a hole: 0 extents", rc);
}

static void check_vcpu_op(uint32_t w, bool paged)
{
	uint32_t ta = paged ? w + 8192 - 12 : w + 0x700;
	uint32_t ra = paged ? w + 8192 - 44 : w + 0x780;
	uint32_t ha = paged ? w + 8192 - 4 : w + 0x7f8;
	struct compat_vcpu_set_singleshot_timer *t = at(ta);
	struct compat_vcpu_runstate_info *ri = at(ra), *area = at(w + 0x800);
	uint32_t *h = at(ha), *after = at(w + 0x780 + 44);
	long rc;

	/* 12 bytes at the window's end: a 16-byte read would fault. */
	*t = (struct compat_vcpu_set_singleshot_timer){ .timeout_abs_ns = 1,
							.flags = VCPU_SSHOTTMR_future };
	rc = vcpu_op(VCPUOP_set_singleshot_timer, ta);
	check(rc == ETIME_RC, "set_singleshot_timer (compat, 12 bytes): a past time is -ETIME", rc);
	rc = vcpu_op(VCPUOP_stop_singleshot_timer, 0);
	check(rc == 0, "stop_singleshot_timer", rc);

	if (!paged)
		*after = SENTINEL;
	rc = vcpu_op(VCPUOP_get_runstate_info, ra);
	check(rc == 0 && ri->state == RUNSTATE_running && ri->time[RUNSTATE_running] > 0 &&
	      ri->state_entry_time < NS_50_DAYS && (paged || *after == SENTINEL),
	      "get_runstate_info in the compat layout (44 bytes)", rc);

	for (uint32_t i = 0; i < sizeof(*area) / 4; i++)
		((uint32_t *)area)[i] = 0xffffffffu;
	*h = w + 0x800;
	rc = vcpu_op(VCPUOP_register_runstate_memory_area, ha);
	check(rc == 0 && area->state == RUNSTATE_running && area->state_entry_time < NS_50_DAYS &&
	      area->time[RUNSTATE_running] > 0,
	      "register_runstate_memory_area (4-byte handle): written at once, compat layout", rc);
	*h = 0;
	rc = vcpu_op(VCPUOP_register_runstate_memory_area, ha);
	check(rc == 0, "runstate area unregistered (handle 0)", rc);
	if (!paged)
		return;
	rc = vcpu_op(VCPUOP_set_singleshot_timer, HOLE_VA);
	rc |= vcpu_op(VCPUOP_get_runstate_info, HOLE_VA) ^ EFAULT_RC;
	rc |= vcpu_op(VCPUOP_register_runstate_memory_area, HOLE_VA) ^ EFAULT_RC;
	check(rc == EFAULT_RC, "singleshot, runstate and area from a hole: -EFAULT each", rc);
}

static long gnttab(uint32_t cmd, uint32_t arg, uint32_t count)
{
	return hcall(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static void check_setup_table(uint32_t w, bool paged)
{
	struct compat_gnttab_setup_table *st = at(w + 0xb00);
	uint32_t *fl = at(w + 0xb80);
	long rc;

	fl[0] = 0;
	fl[1] = SENTINEL;
	*st = (struct compat_gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 1,
						  .status = 99, .frame_list = w + 0xb80 };
	rc = gnttab(GNTTABOP_setup_table, w + 0xb00, 1);
	check(rc == 0 && st->status == GNTST_okay && fl[0] == pfn(grant_frame) && fl[1] == SENTINEL,
	      "grant setup_table (compat): a 4-byte frame number", rc);
	st->nr_frames = 2;
	rc = gnttab(GNTTABOP_setup_table, w + 0xb00, 1);
	check(rc == 0 && st->status == GNTST_address_too_big,
	      "setup_table: a frame not placed (~0) does not fit: GNTST_address_too_big", rc);
	if (!paged)
		return;
	st->nr_frames = 1;
	st->frame_list = HOLE_VA;
	rc = gnttab(GNTTABOP_setup_table, w + 0xb00, 1);
	check(rc == 0 && st->status == GNTST_bad_virt_addr,
	      "setup_table with its frame list in a hole: GNTST_bad_virt_addr", rc);
	rc = gnttab(GNTTABOP_setup_table, HOLE_VA, 1);
	check(rc == EFAULT_RC, "setup_table from a hole: -EFAULT", rc);
}

/* Two 24-byte operations, one on each side of the window's page
 * boundary: the first copies, the second runs past its page. */
static void check_copy(uint32_t w, bool paged)
{
	static const char msg[] = "compat copy ok!";
	struct compat_gnttab_copy *c = at(w + 4096 - 24);
	bool same = true;
	long rc;

	mem_copy(copy_src + 8, msg, sizeof(msg));
	for (uint32_t i = 0; i < sizeof(msg); i++)
		copy_dst[100 + i] = 0;
	c[0] = (struct compat_gnttab_copy){
		.source = { .u.gmfn = pfn(copy_src), .domid = DOMID_SELF, .offset = 8 },
		.dest = { .u.gmfn = pfn(copy_dst), .domid = DOMID_SELF, .offset = 100 },
		.len = sizeof(msg), .status = 99,
	};
	c[1] = c[0];
	c[1].dest.offset = 4090;
	rc = gnttab(GNTTABOP_copy, w + 4096 - 24, 2);
	for (uint32_t i = 0; i < sizeof(msg); i++)
		same = same && copy_dst[100 + i] == (uint8_t)msg[i];
	check(rc == 0 && c[0].status == GNTST_okay && same && c[1].status == GNTST_bad_copy_arg,
	      "grant copy (compat, 24-byte ops across pages): bytes moved, each its status", rc);
	c[0].dest.domid = 1000;
	c[0].status = 99;
	rc = gnttab(GNTTABOP_copy, w + 4096 - 24, 1);
	check(rc == 0 && c[0].status == GNTST_permission_denied,
	      "copy into another domain's frame by number: GNTST_permission_denied", rc);
	if (paged) {
		rc = gnttab(GNTTABOP_copy, w + 8192 - 24, 2);
		check(rc == EFAULT_RC, "copy whose second op is unmapped: -EFAULT", rc);
	}
}

void check_compat(uint32_t w, bool paged)
{
	check_version(w, paged);
	check_reservation(w, paged);
	check_vcpu_op(w, paged);
	check_setup_table(w, paged);
	check_copy(w, paged);
}

static long evtchn(uint32_t cmd, uint32_t arg)
{
	return hcall(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

static long set_callback(uint32_t w, uint64_t value)
{
	struct xen_hvm_param *p = at(w + 0x480);

	*p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				     .value = value };
	return hcall(__HYPERVISOR_hvm_op, HVMOP_set_param, w + 0x480, 0);
}

/* Setting the callback from 32-bit code lays shared_info out the compat
 * way: the wall clock moves to 2304.., a port's selector bit is
 * port / 32 in the 4-byte word at offset 4 of vcpu_info. Interrupts stay
 * off, so the upcall is never taken; the callback is turned off again. */
static void check_shared_info_layout(uint32_t w)
{
	volatile struct compat_shared_info *s = (volatile struct compat_shared_info *)shared_page;
	struct evtchn_alloc_unbound *u = at(w + 0x200);
	struct evtchn_bind_interdomain *b = at(w + 0x210);
	struct evtchn_send *sd = at(w + 0x220);
	struct evtchn_close *c = at(w + 0x230);
	uint32_t a, bp, ver;
	long rc;

	rc = set_callback(w, (2ULL << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | 0xf3);
	ver = s->wc_version;
	check(rc == 0 && ver && !(ver & 1) && s->wc_sec,
	      "HVM_PARAM_CALLBACK_IRQ from 32-bit code: the wall clock in the compat place", rc);
	*u = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	rc = evtchn(EVTCHNOP_alloc_unbound, w + 0x200);
	a = u->port;
	*b = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = a };
	rc |= evtchn(EVTCHNOP_bind_interdomain, w + 0x210);
	bp = b->local_port;
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	s->vcpu_info[0].evtchn_pending_sel = 0;
	sd->port = bp;
	rc |= evtchn(EVTCHNOP_send, w + 0x220);
	check(rc == 0 && (s->evtchn_pending[a / 32] & (1u << (a % 32))) &&
	      s->vcpu_info[0].evtchn_pending_sel == 1u << (a / 32) &&
	      s->vcpu_info[0].evtchn_upcall_pending == 1,
	      "an event in the compat layout: 32-bit selector at offset 4", rc);
	c->port = bp;
	rc = evtchn(EVTCHNOP_close, w + 0x230);
	c->port = a;
	rc |= evtchn(EVTCHNOP_close, w + 0x230);
	rc |= set_callback(w, 0);
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	check(rc == 0, "ports closed, callback off", rc);
}

static void check_upcall_vector(uint32_t w)
{
	struct xen_hvm_evtchn_upcall_vector *uv = at(w + 0x4c0);
	long rc;

	*uv = (struct xen_hvm_evtchn_upcall_vector){ .vcpu = 5, .vector = 0xf3 };
	rc = hcall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, w + 0x4c0, 0);
	check(rc == ENOENT_RC, "set_evtchn_upcall_vector for a vCPU it lacks: -ENOENT", rc);
	uv->vcpu = 0;
	uv->vector = 0x0f;
	rc = hcall(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, w + 0x4c0, 0);
	check(rc == EINVAL_RC, "set_evtchn_upcall_vector below 0x10: -EINVAL", rc);
}

/* vCPU 0's vcpu_info moved out of shared_info (the structure reads the
 * same in both layouts): refused across the page's end and with the
 * reserved word set; then in place, it holds the compat layout's
 * selector (all ones at offset 4, so the guest rescans every word) and
 * a time record; a second move is refused. */
static void check_register_vcpu_info(uint32_t w)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	volatile struct compat_vcpu_info *vi = (volatile struct compat_vcpu_info *)(page + 0x40);
	struct vcpu_register_vcpu_info *r = at(w + 0x4e0);
	long rc;

	*r = (struct vcpu_register_vcpu_info){ .mfn = pfn(page), .offset = 4096 - 32 };
	rc = vcpu_op(VCPUOP_register_vcpu_info, w + 0x4e0);
	check(rc == EINVAL_RC, "register_vcpu_info across the page's end: -EINVAL", rc);
	r->offset = 0x40;
	r->rsvd = 1;
	rc = vcpu_op(VCPUOP_register_vcpu_info, w + 0x4e0);
	check(rc == EINVAL_RC, "register_vcpu_info with rsvd set: -EINVAL", rc);
	r->rsvd = 0;
	rc = vcpu_op(VCPUOP_register_vcpu_info, w + 0x4e0);
	check(rc == 0 && vi->evtchn_upcall_pending == 1 && vi->evtchn_pending_sel == 0xffffffffu &&
	      vi->time.version && !(vi->time.version & 1) && vi->time.tsc_to_system_mul,
	      "register_vcpu_info: compat selector all ones at offset 4, time record there", rc);
	rc = vcpu_op(VCPUOP_register_vcpu_info, w + 0x4e0);
	check(rc == EINVAL_RC, "a second register_vcpu_info: -EINVAL", rc);
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
}

/* Once, with paging off: a grant frame placed (compat add_to_physmap)
 * for setup_table to report, and the shared_info layout switch. */
void compat_setup(uint32_t w)
{
	struct compat_add_to_physmap *x = at(w + 0x440);
	long rc;

	*x = (struct compat_add_to_physmap){ .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
					     .idx = 0, .gpfn = pfn(grant_frame) };
	rc = memop(XENMEM_add_to_physmap, w + 0x440);
	check(rc == 0, "add_to_physmap grant frame 0 (compat layout)", rc);
	check_upcall_vector(w);
	check_shared_info_layout(w);
	check_register_vcpu_info(w);
}
