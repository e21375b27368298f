/*
 * pvpingpong: two PV domains over an interdomain event channel.
 *   role=server peer=N rounds=R   allocates a port for domain N, answers
 *                                 each event with one of its own
 *   role=client peer=N rounds=R   binds to N's port (the first of ports
 *                                 1-7 it may bind), sends R events, waits
 *                                 for each answer
 * Both take events as upcalls (minios events.c). One line per check.
 */
#include <public/event_channel.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"

const char guest_name[] = "pvpingpong";

#define WAIT_TRIES	100000

static unsigned int failures;

static void expect(int ok, const char *what)
{
	con_printf("pvpingpong: %s: %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

static void server(domid_t peer, unsigned int rounds)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = peer };
	struct evtchn_send send;
	unsigned int answered = 0;

	expect(evtchn_op(EVTCHNOP_alloc_unbound, &au) == 0, "server: alloc_unbound for the peer");
	con_printf("pvpingpong: server: port %u for domain %u\n", au.port, peer);
	send.port = au.port;
	while (answered < rounds && !events_wait(au.port, WAIT_TRIES)) {
		if (evtchn_op(EVTCHNOP_send, &send))
			break;
		answered++;
	}
	expect(answered == rounds, "server: every event from the peer arrived and was answered");
}

static void client(domid_t peer, unsigned int rounds)
{
	struct evtchn_bind_interdomain bi = { .remote_dom = peer };
	struct evtchn_send send;
	unsigned int done = 0;
	long rc = -1;

	for (unsigned int tries = 0; tries < 20000 && rc; tries++) {
		for (bi.remote_port = 1; bi.remote_port < 8 && rc; bi.remote_port++)
			rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
		if (rc)
			hv_sched_op(SCHEDOP_yield, NULL);
	}
	expect(rc == 0, "client: bind_interdomain to the server's port");
	if (rc)
		return;
	/* Binding marks the new port pending (as Xen does, so that no
	 * wake-up is lost); its upcall came on the way back from the call. */
	events_forget(bi.local_port);
	send.port = bi.local_port;
	while (done < rounds && !evtchn_op(EVTCHNOP_send, &send) &&
	       !events_wait(bi.local_port, WAIT_TRIES))
		done++;
	expect(done == rounds, "client: every event answered by the server");
	con_printf("pvpingpong: client: %u rounds, %u upcalls\n", done, events_upcalls());
}

int guest_main(const struct start_info *si)
{
	domid_t peer = (domid_t)guest_option_u64("peer=", 0);
	unsigned int rounds = (unsigned int)guest_option_u64("rounds=", 100);

	expect(shared_info_map(si) != NULL, "shared_info mapped");
	expect(trap_init() == 0 && events_init() == 0, "trap table and event callback");
	if (guest_option("role=server"))
		server(peer, rounds);
	else
		client(peer, rounds);
	con_printf("pvpingpong: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
