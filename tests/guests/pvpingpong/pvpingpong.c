/*
 * pvpingpong: two PV domains over an interdomain event channel and a
 * granted page (grant.c).
 *   role=server peer=N rounds=R   grants a page to domain N, allocates a
 *                                 port for it, answers each event: the
 *                                 ping the peer wrote in the page gets
 *                                 its answer there, and an event back
 *   role=client peer=N rounds=R   binds to N's port (the first of ports
 *                                 1-7 it may bind), maps the grant,
 *                                 writes R pings, each followed by an
 *                                 event, checks each answer; then
 *                                 unmaps and says so with one more event
 *   ... peer_translated / peer_shared: the pair in two paging modes
 *                                 (server shared, client translated):
 *                                 the client maps the grant read-only
 *                                 only and pings over the channel alone
 *   ... ptgrant                   a translated pair: the server grants
 *                                 one of its page tables and a page it
 *                                 then tries to make one (ptgrant.c)
 *   ... hold                      after the rounds the server keeps its
 *                                 grant and the client its mapping, to
 *                                 see the server destroyed (hold.c)
 *   peer=next, peer=prev          the domain id above or below mine
 *   role=victim rounds=R watch=M  a domain created after that (victim.c)
 * Both take events as upcalls (minios events.c). One line per check.
 */
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"
#include "pingpong.h"

const char guest_name[] = "pvpingpong";

#define WAIT_TRIES	100000

/* Both paging modes ping over a granted page; a translated
 * (paging=shadow) pair names guest frames where the other names machine
 * frames (grant.c). */
static const int grants = 1;
bool pp_translated;


static void server(const struct start_info *si, domid_t peer, unsigned int rounds)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = peer };
	struct pp_page *pg = grants ? grant_server_setup(si, peer) : NULL;

	if (guest_option("peer_translated"))
		pg = NULL;	/* granted, but the peer reads it only once */
	if (pg && guest_option("ptgrant"))
		ptgrant_server_setup(si, peer, pg);
	struct evtchn_send send;
	unsigned int answered = 0, right = 0;

	expect(evtchn_op(EVTCHNOP_alloc_unbound, &au) == 0, "server: alloc_unbound for the peer");
	con_printf("pvpingpong: server: port %u for domain %u\n", au.port, peer);
	send.port = au.port;
	while (answered < rounds && !events_wait(au.port, WAIT_TRIES)) {
		if (pg) {
			uint32_t ping = pg->ping;

			right += ping == answered + 1;
			pg->pong = PP_ANSWER(ping);
			if (!answered)
				grant_server_check_in_use();
		}
		if (evtchn_op(EVTCHNOP_send, &send))
			break;
		answered++;
	}
	expect(answered == rounds, "server: every event from the peer arrived and was answered");
	if (!pg)
		return;
	expect(right == rounds, "server: every ping arrived in the granted page, in order");
	if (guest_option("ptgrant"))
		ptgrant_server_mapped(pg);
	if (guest_option("hold")) {
		con_printf("pvpingpong: %u failed\n", failures);
		hold_server();
	}
	/* The peer's last event: it has unmapped the page. */
	expect(!events_wait(au.port, WAIT_TRIES), "server: the peer says it unmapped");
	grant_server_check_released();
	if (guest_option("ptgrant"))
		ptgrant_server_after(pg);
}

static void client(domid_t peer, unsigned int rounds)
{
	struct evtchn_bind_interdomain bi = { .remote_dom = peer };
	struct evtchn_send send;
	unsigned int done = 0, right = 0;
	struct pp_page *pg;
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
	/* The loop stepped past the server's port after the bind. */
	if (!guest_option("hold"))
		pp_foreign_ports(peer, bi.remote_port - 1, bi.local_port);
	pg = grants ? grant_client_map(peer) : NULL;
	if (grants && !pg && !guest_option("peer_shared"))
		return;
	send.port = bi.local_port;
	while (done < rounds) {
		if (pg)
			pg->ping = done + 1;
		if (evtchn_op(EVTCHNOP_send, &send) || events_wait(bi.local_port, WAIT_TRIES))
			break;
		right += pg && pg->pong == PP_ANSWER(done + 1);
		done++;
	}
	expect(done == rounds, "client: every event answered by the server");
	con_printf("pvpingpong: client: %u rounds, %u upcalls\n", done, events_upcalls());
	if (!pg)
		return;
	expect(right == rounds, "client: every answer read from the granted page");
	if (guest_option("hold")) {
		con_printf("pvpingpong: %u failed\n", failures);
		hold_client(pg);
	}
	if (guest_option("ptgrant"))
		ptgrant_client_unmap(pg);
	grant_client_unmap();
	evtchn_op(EVTCHNOP_send, &send);
}

int guest_main(const struct start_info *si)
{
	domid_t peer = pp_peer();
	unsigned int rounds = (unsigned int)guest_option_u64("rounds=", 100);

	pp_translated = xen_translated();
	con_printf("pvpingpong: paging %s\n", pp_translated ? "translated (shadow)" : "shared");
	expect(shared_info_map(si) != NULL, "shared_info mapped");
	expect(trap_init() == 0 && events_init() == 0, "trap table and event callback");
	if (guest_option("role=victim"))
		return victim(si);
	if (guest_option("role=server"))
		server(si, peer, rounds);
	else
		client(peer, rounds);
	con_printf("pvpingpong: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
