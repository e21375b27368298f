/*
 * pvpingpong's granted page (grant tables between two PV domains): the
 * server places a grant table frame, grants one page of its image to the
 * peer (machine frame in the entry, Xen's PV ABI) and answers each ping
 * written there; the client maps it over a page of its own image
 * (GNTMAP_host_map: a virtual address, its L1 entry gets the frame),
 * writes pings and reads the answers, and tries what a hostile guest
 * would: refs out of range, another domain's grant, an entry not
 * granted, unmapping twice, event-channel ports out of range.
 */
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/errno.h>
#include <public/memory.h>
#include "hypercall.h"
#include "minios.h"
#include "pingpong.h"

#define REF_SHARED	8	/* granted to the peer */
#define REF_OTHER	9	/* granted to another domain */
#define REF_EMPTY	10	/* never granted */

static uint8_t table_page[4096] __attribute__((aligned(4096)));
static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static uint8_t map_page[4096] __attribute__((aligned(4096)));
static uint8_t spare_page[4096] __attribute__((aligned(4096)));
static grant_handle_t handle;

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static uint64_t pfn_of(const void *p)
{
	return (uint64_t)(uintptr_t)p >> 12;	/* VIRT_BASE 0 */
}

void pp_grant(uint32_t ref, uint16_t domid, uint64_t mfn)
{
	volatile struct grant_entry_v1 *e = (volatile struct grant_entry_v1 *)table_page + ref;

	e->domid = domid;
	e->frame = (uint32_t)mfn;
	__atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);
}

static long uva(void *va, uint64_t pte)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)va, pte, 2);
}

long pp_uva(void *va, uint64_t pte)
{
	return uva(va, pte);
}

/* Its second grant frame the Xen way: not placed, so setup_table hands
 * out a machine frame of Umbra's, which it maps itself (read-write) and
 * its peer may not map at all. Translated: a guest frame just above its
 * RAM (16 MiB: frame 0x1000 and on), mapped the same way, which names
 * nothing of the server's in the peer's physmap. */
static uint64_t grant_server_frame(void)
{
	uint64_t frames[2] = { 0, 0 };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2,
					 .frame_list = (uint64_t)(uintptr_t)frames };
	volatile uint64_t *page = (volatile uint64_t *)spare_page;

	expect(gnttab_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay &&
	       frames[0] == pfn_of(table_page) && frames[1] && frames[1] != ~0ULL &&
	       uva(spare_page, frames[1] << 12 | 0x67 | (1ULL << 63)) == 0,
	       pp_translated ? "server: translated: a second grant frame above its RAM, mapped read-write"
			     : "server: a second grant frame by machine frame, mapped read-write");
	if (pp_translated) {
		page[0] = 0x5eed;
		expect(frames[1] == 0x1001 && page[0] == 0x5eed,
		       "server: translated: that frame is 0x1001, and it reads back what it wrote");
	}
	return frames[1];
}

struct pp_page *grant_server_setup(const struct start_info *si, domid_t peer)
{
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
					   .idx = 0, .gpfn = pfn_of(table_page) };
	const uint64_t *p2m = (const uint64_t *)(uintptr_t)si->mfn_list;
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct pp_page *pg = (struct pp_page *)shared_page;
	uint64_t frame = 0;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
					 .frame_list = (uint64_t)(uintptr_t)&frame };

	expect(hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp) == 0,
	       "server: grant table frame placed");
	expect(gnttab_op(GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay &&
	       frame == pfn_of(table_page), "server: setup_table names the placed frame");
	expect(gnttab_op(GNTTABOP_query_size, &qs, 1) == 0 && qs.status == GNTST_okay &&
	       qs.nr_frames == 1 && qs.max_nr_frames >= 1, "server: query_size");
	pg->table_mfn = grant_server_frame();
	pg->page_mfn = p2m[pfn_of(shared_page)];
	memcpy(pg->msg, "granted by the server", 22);
	pp_grant(REF_SHARED, peer, p2m[pfn_of(shared_page)]);
	pp_grant(REF_OTHER, (domid_t)(peer + 40), p2m[pfn_of(table_page) + 1]);
	return pg;
}

/* While the peer maps it writable, the entry says so: the granter cannot
 * revoke it (Xen's rule: flags may go to 0 only when neither is set). */
void grant_server_check_in_use(void)
{
	volatile struct grant_entry_v1 *e = (volatile struct grant_entry_v1 *)table_page + REF_SHARED;
	uint16_t flags = e->flags;

	expect((flags & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
	       "server: the mapped grant is marked in use (cannot be revoked)");
}

void grant_server_check_released(void)
{
	volatile struct grant_entry_v1 *e = (volatile struct grant_entry_v1 *)table_page + REF_SHARED;
	uint16_t want = GTF_permit_access;

	expect(__atomic_compare_exchange_n(&e->flags, &want, 0, 0, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST),
	       "server: after the peer's unmap the grant is revoked");
}

int16_t pp_map(domid_t dom, uint32_t ref, void *at, uint32_t flags, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = { .host_addr = (uint64_t)(uintptr_t)at, .flags = flags,
					   .ref = ref, .dom = dom };

	if (gnttab_op(GNTTABOP_map_grant_ref, &op, 1))
		return -100;
	*h = op.handle;
	return op.status;
}

static int16_t unmap(void *at, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = (uint64_t)(uintptr_t)at, .handle = h };

	if (gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1))
		return -100;
	return op.status;
}

/* The pages above serve only the server and the client. */
bool pp_page_unused(uint64_t pfn)
{
	return pfn == pfn_of(table_page) || pfn == pfn_of(shared_page) ||
	       pfn == pfn_of(map_page) || pfn == pfn_of(spare_page);
}

int16_t pp_unmap(void *at, grant_handle_t h)
{
	return unmap(at, h);
}

grant_handle_t grant_client_handle(void)
{
	return handle;
}

static void hostile_maps(domid_t peer)
{
	grant_handle_t h;

	expect(pp_map(peer, 100000, map_page, GNTMAP_host_map, &h) == GNTST_bad_gntref,
	       "client: a ref out of range: GNTST_bad_gntref");
	expect(pp_map(peer, REF_OTHER, map_page, GNTMAP_host_map, &h) == GNTST_general_error,
	       "client: a grant made to another domain: GNTST_general_error");
	expect(pp_map(peer, REF_EMPTY, map_page, GNTMAP_host_map, &h) == GNTST_general_error,
	       "client: an entry never granted: GNTST_general_error");
	expect(pp_map(DOMID_SELF, REF_SHARED, map_page, GNTMAP_host_map, &h) == GNTST_bad_domain,
	       "client: DOMID_SELF as the granter: GNTST_bad_domain");
	expect(pp_map(peer, REF_SHARED, (void *)0xffff830000000000ULL, GNTMAP_host_map, &h) ==
	       GNTST_general_error, "client: a host address in the hypervisor: GNTST_general_error");
}

static void hostile_ports(domid_t peer)
{
	struct evtchn_send send = { .port = 5000 };
	struct evtchn_bind_interdomain bi = { .remote_dom = peer, .remote_port = 70000 };

	expect(evtchn_op(EVTCHNOP_send, &send) == -XEN_EINVAL,
	       "client: send on a port out of range: -EINVAL");
	expect(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL,
	       "client: bind to a port out of range: -EINVAL");
}

/* The server's port (bound to the client's local one) and the server's
 * table, used as if they were the client's: a port number names a port
 * of the caller's own table only, another domain's table may be looked
 * at or changed by nobody but its owner (Xen's XSM_TARGET: -EPERM). The
 * channel still works afterwards (the round trips follow). */
void pp_foreign_ports(domid_t peer, uint32_t server_port, uint32_t local_port)
{
	struct evtchn_status st = { .dom = peer, .port = server_port };
	struct evtchn_alloc_unbound au = { .dom = peer, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = peer, .remote_port = server_port };
	uint32_t free_port = local_port + 1;
	struct evtchn_send send = { .port = free_port };
	struct evtchn_close cl = { .port = free_port };
	struct evtchn_unmask um = { .port = free_port };
	struct evtchn_bind_vcpu bv = { .port = free_port, .vcpu = 0 };

	con_printf("pvpingpong: client: the server's port %u\n", server_port);
	expect(evtchn_op(EVTCHNOP_status, &st) == -XEN_EPERM,
	       "client: status of the server's port in the server's table: -EPERM");
	expect(evtchn_op(EVTCHNOP_alloc_unbound, &au) == -XEN_EPERM,
	       "client: alloc_unbound in the server's table: -EPERM");
	expect(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL,
	       "client: binding the server's port, already bound to it: -EINVAL");
	bi.remote_port = 0;
	expect(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_EINVAL,
	       "client: binding the server's reserved port 0: -EINVAL");
	bi.remote_dom = 999;
	bi.remote_port = server_port;
	expect(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -XEN_ESRCH,
	       "client: binding a port of a domain that does not exist: -ESRCH");
	expect(evtchn_op(EVTCHNOP_send, &send) == -XEN_EINVAL &&
	       evtchn_op(EVTCHNOP_close, &cl) == -XEN_EINVAL &&
	       evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL,
	       "client: send, close, bind_vcpu on a port free in its own table: -EINVAL");
	expect(evtchn_op(EVTCHNOP_unmask, &um) == 0,
	       "client: unmask of a port free in its own table: 0, as in Xen");
}

/* Translated, its peer on shared page tables (peer_shared): a writable
 * mapping of the peer's frame is refused, as nothing would keep the peer
 * from making it a page table its engine trusts; read-only it maps. */
static void mixed_map(domid_t peer)
{
	struct pp_page *pg = (struct pp_page *)map_page;
	grant_handle_t h = 0;

	expect(pp_map(peer, REF_SHARED, map_page, GNTMAP_host_map, &h) == GNTST_general_error,
	       "client: translated, a writable mapping of a shared-page-table peer's frame: "
	       "GNTST_general_error");
	expect(pp_map(peer, REF_SHARED, map_page, GNTMAP_host_map | GNTMAP_readonly, &h) ==
	       GNTST_okay && !memcmp(pg->msg, "granted by the server", 22),
	       "client: translated, read-only it maps and shows the server's bytes");
	expect(unmap(map_page, h) == GNTST_okay, "client: translated, the read-only mapping unmapped");
}

struct pp_page *grant_client_map(domid_t peer)
{
	struct pp_page *pg = (struct pp_page *)map_page;
	int16_t st;

	hostile_maps(peer);
	hostile_ports(peer);
	if (guest_option("peer_shared")) {
		mixed_map(peer);
		return NULL;
	}
	st = pp_map(peer, REF_SHARED, map_page, GNTMAP_host_map, &handle);
	expect(st == GNTST_okay, "client: the peer's grant mapped over a page of its own");
	if (st != GNTST_okay)
		return NULL;
	if (guest_option("ptgrant"))
		ptgrant_client_map(peer);
	expect(!memcmp(pg->msg, "granted by the server", 22),
	       "client: the mapping shows the server's bytes");
	/* Translated, the server's frame number is one of the client's own
	 * guest frames; an entry naming it is the guest's business. */
	if (!pp_translated)
		expect(uva(spare_page, pg->table_mfn << 12 | 0x25 | (1ULL << 63)) == -XEN_EPERM &&
		       uva(spare_page, pg->table_mfn << 12 | 0x67 | (1ULL << 63)) == -XEN_EPERM,
		       "client: the server's grant frame mapped by machine frame: -EPERM");
	return pg;
}

void grant_client_unmap(void)
{
	expect(unmap(map_page, handle) == GNTST_okay, "client: unmapped");
	expect(unmap(map_page, handle) == GNTST_bad_handle,
	       "client: unmapping twice: GNTST_bad_handle");
}
