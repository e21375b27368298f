/*
 * A store client over the domain's ring, as a guest kernel's xenbus is:
 * requests into req[], replies and watch events out of rsp[], each side
 * notifying the other through the store event channel. The port stays
 * masked: the guest waits with SCHEDOP_poll on it (its pending bit in
 * shared_info says the back end notified), re-checking the ring each
 * time, with a timeout so a silent back end fails the check instead of
 * hanging the guest.
 */
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/xen.h>

#include "hypercall.h"
#include "runtime.h"
#include "xs.h"

#define EVENTS_MAX	8
#define WAIT_MS		20000

static struct xenstore_domain_interface *intf;
static struct shared_info *shinfo;
static uint64_t store_gfn;
static uint32_t store_port, req_id, notified;
static char rbuf[XENSTORE_PAYLOAD_MAX + 1];
static struct {
	char data[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t len;
} events[EVENTS_MAX];
static unsigned int nevents;

static long get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long rc = hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p);

	*value = p.value;
	return rc;
}

bool xs_init(void)
{
	struct xen_add_to_physmap xatp = { .domid = DOMID_SELF,
					   .space = XENMAPSPACE_shared_info };
	uint64_t port;
	void *page = page_alloc();

	if (get_param(HVM_PARAM_STORE_PFN, &store_gfn) ||
	    get_param(HVM_PARAM_STORE_EVTCHN, &port) || !page) {
		con_printf("xs: no store ring (HVM parameters) or no page\n");
		return false;
	}
	xatp.gpfn = (uint64_t)(uintptr_t)page >> 12;
	if (hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
		       (uint64_t)(uintptr_t)&xatp)) {
		con_printf("xs: shared_info not placed\n");
		return false;
	}
	shinfo = page;
	store_port = (uint32_t)port;
	/* Masked: polled, never an upcall. */
	__atomic_fetch_or(&shinfo->evtchn_mask[store_port / 64], 1ULL << (store_port % 64),
			  __ATOMIC_SEQ_CST);
	intf = (struct xenstore_domain_interface *)(uintptr_t)(store_gfn << 12);
	return true;
}

uint64_t xs_store_gfn(void)
{
	return store_gfn;
}

uint32_t xs_store_port(void)
{
	return store_port;
}

void xs_mask(uint32_t port)
{
	__atomic_fetch_or(&shinfo->evtchn_mask[port / 64], 1ULL << (port % 64),
			  __ATOMIC_SEQ_CST);
}

void xs_clear_pending(uint32_t port)
{
	__atomic_fetch_and(&shinfo->evtchn_pending[port / 64], ~(1ULL << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

unsigned int xs_notifications(void)
{
	return notified;
}

static void notify(void)
{
	struct evtchn_send s = { .port = store_port };

	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&s);
}

/* Wait for the back end's next notification, or until `until`. */
static void wait_event(uint64_t until)
{
	uint64_t bit = 1ULL << (store_port % 64);
	uint32_t ports[1] = { store_port };
	struct sched_poll p = { .ports = (uint64_t)(uintptr_t)ports, .nr_ports = 1,
				.timeout = until };

	hv_sched_op(SCHEDOP_poll, &p);
	if (__atomic_fetch_and(&shinfo->evtchn_pending[store_port / 64], ~bit,
			       __ATOMIC_SEQ_CST) & bit)
		notified++;
}

static void put_bytes(const void *data, uint32_t len)
{
	const char *p = data;
	uint64_t until = guest_time_ns() + WAIT_MS * NS_PER_MS;

	while (len) {
		XENSTORE_RING_IDX cons = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX prod = intf->req_prod;
		uint32_t room = XENSTORE_RING_SIZE - (prod - cons);

		if (!room) {
			notify();
			if (guest_time_ns() > until)
				return;
			wait_event(guest_time_ns() + 10 * NS_PER_MS);
			continue;
		}
		for (; room && len; room--, len--, prod++)
			intf->req[MASK_XENSTORE_IDX(prod)] = *p++;
		__atomic_store_n(&intf->req_prod, prod, __ATOMIC_RELEASE);
	}
	notify();
}

/* Read exactly len bytes of the response ring, waiting as needed. */
static bool get_bytes(void *data, uint32_t len, uint64_t until)
{
	char *p = data;

	while (len) {
		XENSTORE_RING_IDX prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX cons = intf->rsp_cons;

		if (prod == cons) {
			if (guest_time_ns() > until)
				return false;
			wait_event(guest_time_ns() + 50 * NS_PER_MS);
			continue;
		}
		for (; cons != prod && len; cons++, len--)
			*p++ = intf->rsp[MASK_XENSTORE_IDX(cons)];
		__atomic_store_n(&intf->rsp_cons, cons, __ATOMIC_RELEASE);
		notify();	/* room for the back end */
	}
	return true;
}

/* One message from the ring; watch events are kept aside. */
static int get_msg(struct xsd_sockmsg *h, uint64_t until)
{
	if (!get_bytes(h, sizeof(*h), until) || h->len > XENSTORE_PAYLOAD_MAX ||
	    !get_bytes(rbuf, h->len, until))
		return -1;
	rbuf[h->len] = 0;
	if (h->type == XS_WATCH_EVENT && nevents < EVENTS_MAX) {
		memcpy(events[nevents].data, rbuf, h->len + 1);
		events[nevents++].len = h->len;
	}
	return 0;
}

int xs_talk(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
	    const char **reply, uint32_t *reply_len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = ++req_id, .tx_id = tx, .len = len };
	uint64_t until = guest_time_ns() + WAIT_MS * NS_PER_MS;

	put_bytes(&h, sizeof(h));
	put_bytes(payload, len);
	for (;;) {
		if (get_msg(&h, until))
			return -1;
		if (h.type != XS_WATCH_EVENT)
			break;
	}
	*reply = rbuf;
	if (reply_len)
		*reply_len = h.len;
	return (int)h.type;
}

int xs_req2(uint32_t type, uint32_t tx, const char *a, const char *b, const char **reply)
{
	char msg[512];
	uint32_t la = (uint32_t)guest_strlen(a), lb = b ? (uint32_t)guest_strlen(b) : 0;
	uint32_t len = la + 1;

	memcpy(msg, a, la + 1);
	if (b) {
		memcpy(msg + len, b, lb);
		len += lb;
		/* WRITE's value is not NUL-terminated; WATCH's token is. */
		if (type != XS_WRITE)
			msg[len++] = 0;
	}
	return xs_talk(type, tx, msg, len, reply, NULL);
}

bool xs_next_event(const char **path, const char **token, unsigned int ms)
{
	static char last[XENSTORE_PAYLOAD_MAX + 1];
	uint64_t until = guest_time_ns() + ms * NS_PER_MS;
	struct xsd_sockmsg h;

	while (!nevents)
		if (get_msg(&h, until))
			return false;
	memcpy(last, events[0].data, events[0].len + 1);
	for (unsigned int i = 1; i < nevents; i++)
		events[i - 1] = events[i];
	nevents--;
	*path = last;
	*token = last + guest_strlen(last) + 1;
	return true;
}
