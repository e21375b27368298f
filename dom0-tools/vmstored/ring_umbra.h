/*
 * Guests' store rings under Umbra, served from dom0 (docs/rings.md): for
 * an INTRODUCEd domain, its ring page (Umbra maps it into dom0; /dev/umbra
 * maps it into this process) and a dom0 event-channel port bound to the
 * domain's store port. Notifications from guests arrive as Umbra's events
 * (poll() on /dev/umbra) and are sorted by port; the daemon notifies a
 * guest with an event-channel send.
 */
#ifndef VMSTORED_RING_UMBRA_H
#define VMSTORED_RING_UMBRA_H

struct ep_loop;

/*
 * Serve introduced domains' rings through /dev/umbra (path NULL: the
 * default). Domains already introduced (restored from the state file) are
 * attached now; one that no longer exists, or no longer has its ring, is
 * released. 0, or -1 with the reason logged.
 */
int ring_umbra_enable(struct ep_loop *loop, const char *dev);

#endif
