/*
 * pvring: a PV domain created by `vmctl create` (type = "pv") on the
 * store and console rings dom0 serves, found as a Xen PV guest finds
 * them: start_info's machine frames and ports. Each ring page is mapped
 * over a page of the image with update_va_mapping (the frames are the
 * domain's own). On the console ring it writes a greeting and answers
 * each typed line until "quit"; through the store ring it writes a key,
 * reads it back and reads the name vmctl recorded. Events arrive as
 * upcalls (minios events.c). Checks are printed with console_io, so a
 * failure shows even when the rings do not work.
 */
#include <public/event_channel.h>
#include <public/io/xs_wire.h>
#include <public/sched.h>
#include "consring.h"
#include "hypercall.h"
#include "minios.h"

const char guest_name[] = "pvring";

#define WAKEUPS		2000	/* SCHEDOP_block wake-ups a reply may take */
#define LINE_MAX	128

static uint8_t store_page[4096] __attribute__((aligned(4096)));
static struct xenstore_domain_interface *store;
static uint32_t store_port, req_id;
static char reply[XENSTORE_PAYLOAD_MAX + 1];


static void *map_frame(void *page, uint64_t mfn)
{
	/* present, writable, user, accessed, dirty; no-execute (W^X) */
	uint64_t pte = mfn << 12 | 0x67 | 1ULL << 63;

	if (hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)page, pte,
		       UVMF_INVLPG))
		return NULL;
	return page;
}

static void notify(uint32_t port)
{
	struct evtchn_send s = { .port = port };

	evtchn_op(EVTCHNOP_send, &s);
}

/* ---- the store ring -------------------------------------------------------- */

static int put_bytes(const void *data, uint32_t len)
{
	const char *s = data;
	unsigned int waits = 0;

	while (len) {
		XENSTORE_RING_IDX c = __atomic_load_n(&store->req_cons, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX p = store->req_prod;
		uint32_t room = XENSTORE_RING_SIZE - (p - c);

		if (!room) {
			notify(store_port);
			if (++waits > WAKEUPS)
				return -1;
			events_wait(store_port, 1);
			continue;
		}
		for (; room && len; room--, len--, p++)
			store->req[MASK_XENSTORE_IDX(p)] = *s++;
		__atomic_store_n(&store->req_prod, p, __ATOMIC_RELEASE);
	}
	notify(store_port);
	return 0;
}

static int get_bytes(void *data, uint32_t len)
{
	char *d = data;
	unsigned int waits = 0;

	while (len) {
		XENSTORE_RING_IDX p = __atomic_load_n(&store->rsp_prod, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX c = store->rsp_cons;

		if (p == c) {
			if (++waits > WAKEUPS)
				return -1;
			events_wait(store_port, 1);
			continue;
		}
		for (; c != p && len; c++, len--)
			*d++ = store->rsp[MASK_XENSTORE_IDX(c)];
		__atomic_store_n(&store->rsp_cons, c, __ATOMIC_RELEASE);
		notify(store_port);
	}
	return 0;
}

/* One request (strings a and b joined with NULs as the protocol wants; b
 * may be NULL); the reply's type, its payload in reply[], or -1. */
static int xs_req(uint32_t type, const char *a, const char *b)
{
	uint32_t la = (uint32_t)strlen(a) + 1, lb = b ? (uint32_t)strlen(b) : 0;
	struct xsd_sockmsg h = { .type = type, .req_id = ++req_id, .len = la + lb };

	if (put_bytes(&h, sizeof(h)) || put_bytes(a, la) || (lb && put_bytes(b, lb)))
		return -1;
	do {
		if (get_bytes(&h, sizeof(h)) || h.len > XENSTORE_PAYLOAD_MAX ||
		    get_bytes(reply, h.len))
			return -1;
		reply[h.len] = '\0';
	} while (h.type == XS_WATCH_EVENT);
	return (int)h.type;
}

static void store_checks(void)
{
	static const char value[] = "written by a PV guest";
	int t;

	t = xs_req(XS_WRITE, "data/pvring", value);
	expect(t == XS_WRITE, "store: WRITE data/pvring");
	t = xs_req(XS_READ, "data/pvring", NULL);
	expect(t == XS_READ && !memcmp(reply, value, sizeof(value)),
	       "store: READ data/pvring gives back what was written");
	t = xs_req(XS_READ, "name", NULL);
	expect(t == XS_READ, "store: READ name");
	if (t == XS_READ)
		con_printf("pvring: my name in the store: %s\n", reply);
	t = xs_req(XS_READ, "data/absent", NULL);
	expect(t == XS_ERROR && !memcmp(reply, "ENOENT", 7), "store: READ of an absent key: ENOENT");
}

static void console_loop(void)
{
	char line[LINE_MAX];
	unsigned int lines = 0;

	consring_puts("pvring: hello on the console ring; type a line (quit ends)\r\n");
	for (;;) {
		consring_read_line(line, sizeof(line));
		if (!memcmp(line, "quit", 5))
			break;
		consring_puts("pvring: got ");
		consring_puts(line);
		consring_puts("\r\n");
		lines++;
	}
	consring_puts("pvring: bye\r\n");
	con_printf("pvring: %u lines typed on the console ring\n", lines);
}

int guest_main(const struct start_info *si)
{
	expect(shared_info_map(si) != NULL, "shared_info mapped");
	expect(trap_init() == 0 && events_init() == 0, "trap table and event callback");
	con_printf("pvring: store mfn %#lx port %u, console mfn %#lx port %u\n",
		   (uint64_t)si->store_mfn, si->store_evtchn, (uint64_t)si->console.domU.mfn,
		   si->console.domU.evtchn);
	expect(si->store_mfn && si->console.domU.mfn && si->store_evtchn &&
	       si->console.domU.evtchn, "start_info names both rings");
	if (!si->store_mfn || !si->console.domU.mfn)
		return SHUTDOWN_crash;
	store = map_frame(store_page, si->store_mfn);
	store_port = si->store_evtchn;
	expect(store && consring_init(si) == 0, "both ring pages mapped by their machine frames");
	if (!store)
		return SHUTDOWN_crash;
	store_checks();
	con_printf("pvring: %u failed\n", failures);
	if (!guest_option("noconsole"))
		console_loop();
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
