/*
 * event_channel_op(cmd, arg): event channels, the guest's interrupts.
 * Numbers and structures follow Xen's public event_channel.h. A port is
 * a small integer local to a domain; both ends of an interdomain channel
 * have their own port.
 */
#ifndef UMBRA_PUBLIC_EVENT_CHANNEL_H
#define UMBRA_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain	0
#define EVTCHNOP_bind_virq		1
#define EVTCHNOP_bind_pirq		2
#define EVTCHNOP_close			3
#define EVTCHNOP_send			4
#define EVTCHNOP_status			5
#define EVTCHNOP_alloc_unbound		6
#define EVTCHNOP_bind_ipi		7
#define EVTCHNOP_bind_vcpu		8
#define EVTCHNOP_unmask			9
#define EVTCHNOP_reset			10
#define EVTCHNOP_init_control		11
#define EVTCHNOP_expand_array		12
#define EVTCHNOP_set_priority		13
#define EVTCHNOP_reset_cont		14

/* evtchn_status.status */
#define EVTCHNSTAT_closed	0	/* port not in use */
#define EVTCHNSTAT_unbound	1	/* waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain	2	/* connected to another domain's port */
#define EVTCHNSTAT_pirq		3	/* bound to a physical IRQ */
#define EVTCHNSTAT_virq		4	/* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi		5	/* bound to an inter-vCPU interrupt */

#define BIND_PIRQ__WILL_SHARE	1

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* Allocate a port that `remote_dom` may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom;		/* in: owner, normally DOMID_SELF */
	domid_t remote_dom;	/* in */
	evtchn_port_t port;	/* out */
};
UMBRA_ABI_SIZE(struct evtchn_alloc_unbound, 8);
UMBRA_ABI_OFFSET(struct evtchn_alloc_unbound, port, 4);

/* Connect to a port that another domain allocated for us. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;		/* in */
	evtchn_port_t remote_port;	/* in */
	evtchn_port_t local_port;	/* out */
};
UMBRA_ABI_SIZE(struct evtchn_bind_interdomain, 12);
UMBRA_ABI_OFFSET(struct evtchn_bind_interdomain, remote_port, 4);

/* Bind a VIRQ_* to a new port on the given vCPU. */
struct evtchn_bind_virq {
	uint32_t virq;		/* in */
	uint32_t vcpu;		/* in */
	evtchn_port_t port;	/* out */
};
UMBRA_ABI_SIZE(struct evtchn_bind_virq, 12);

struct evtchn_bind_pirq {
	uint32_t pirq;		/* in */
	uint32_t flags;		/* in: BIND_PIRQ__* */
	evtchn_port_t port;	/* out */
};
UMBRA_ABI_SIZE(struct evtchn_bind_pirq, 12);

struct evtchn_bind_ipi {
	uint32_t vcpu;		/* in */
	evtchn_port_t port;	/* out */
};
UMBRA_ABI_SIZE(struct evtchn_bind_ipi, 8);

/* Close a port; the remote end of an interdomain channel becomes unbound. */
struct evtchn_close {
	evtchn_port_t port;
};
UMBRA_ABI_SIZE(struct evtchn_close, 4);

/* Raise an event at the other end of the channel. */
struct evtchn_send {
	evtchn_port_t port;
};
UMBRA_ABI_SIZE(struct evtchn_send, 4);

/* State of <dom, port>; only privileged callers may ask about others. */
struct evtchn_status {
	domid_t dom;		/* in */
	evtchn_port_t port;	/* in */
	uint32_t status;	/* out: EVTCHNSTAT_* */
	uint32_t vcpu;		/* out: vCPU notified */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};
UMBRA_ABI_SIZE(struct evtchn_status, 24);
UMBRA_ABI_OFFSET(struct evtchn_status, port, 4);
UMBRA_ABI_OFFSET(struct evtchn_status, status, 8);
UMBRA_ABI_OFFSET(struct evtchn_status, u, 16);

/* Notify another vCPU for this port (not for VIRQ/IPI ports). */
struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
UMBRA_ABI_SIZE(struct evtchn_bind_vcpu, 8);

/* Unmask a port and deliver the event if it is pending. */
struct evtchn_unmask {
	evtchn_port_t port;
};
UMBRA_ABI_SIZE(struct evtchn_unmask, 4);

/* Close every port of a domain. */
struct evtchn_reset {
	domid_t dom;
};
UMBRA_ABI_SIZE(struct evtchn_reset, 2);

/* The FIFO ABI: register vcpu's control block, at offset in frame
 * control_gfn (8-byte aligned, the whole block inside the page). */
struct evtchn_init_control {
	uint64_t control_gfn;	/* in */
	uint32_t offset;	/* in */
	uint32_t vcpu;		/* in */
	uint8_t link_bits;	/* out */
	uint8_t pad[7];
};
UMBRA_ABI_OFFSET(struct evtchn_init_control, offset, 8);
UMBRA_ABI_OFFSET(struct evtchn_init_control, link_bits, 16);
UMBRA_ABI_SIZE(struct evtchn_init_control, 24);

/* The FIFO ABI: one more page of event words. */
struct evtchn_expand_array {
	uint64_t array_gfn;	/* in */
};
UMBRA_ABI_SIZE(struct evtchn_expand_array, 8);

/* Size of the FIFO control block: ready word, reserved, 16 queue heads. */
#define EVTCHN_FIFO_CONTROL_BLOCK_SIZE	72

#endif /* !__ASSEMBLY__ */

#endif
