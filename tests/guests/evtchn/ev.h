/* The evtchn guest's helpers: its shared_info, the event bits in it, the
 * upcall handler, and the calls by name (ev.c, upcall.S). */
#ifndef EV_H
#define EV_H

#include <stdbool.h>
#include <stdint.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define NS_PER_MS	1000000ULL
#define UPCALL_VECTOR	0xf3
#define VCPU_UPCALL_VECTOR	0xf5

extern struct shared_info *shinfo;
/* Upcalls taken (upcall.S): the handler clears evtchn_upcall_pending. */
extern volatile uint32_t upcalls;
extern volatile uint8_t *upcall_pending_byte;
/* Upcalls taken on the vCPU's own vector, once ev_set_vcpu_vector() set it. */
extern volatile uint32_t vcpu_upcalls;
long ev_set_vcpu_vector(uint32_t vcpu, uint8_t vector);

/* Place shared_info, install the upcall handler and register the
 * callback vector; false (and a message) on failure. */
bool ev_setup(void);

bool ev_pending(uint32_t port);
bool ev_clear(uint32_t port);		/* true if it was pending */
void ev_mask(uint32_t port);
void ev_unmask_local(uint32_t port);	/* the bit only; EVTCHNOP_unmask does the rest */

long ev_op(unsigned int cmd, void *arg);
long ev_alloc_unbound(domid_t remote, uint32_t *port);
long ev_bind_interdomain(domid_t dom, uint32_t rport, uint32_t *lport);
long ev_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
long ev_bind_ipi(uint32_t vcpu, uint32_t *port);
long ev_send(uint32_t port);
long ev_close(uint32_t port);
long ev_unmask(uint32_t port);
long ev_status(domid_t dom, uint32_t port, struct evtchn_status *st);
/* SCHEDOP_poll on ports with an absolute timeout (0: none). */
long ev_poll(uint32_t *ports, uint32_t nr, uint64_t timeout);
long ev_singleshot(uint64_t at, uint32_t flags);	/* vCPU 0's */
long ev_singleshot_on(uint32_t vcpu, uint64_t at, uint32_t flags);
long ev_stop_singleshot(void);

/* This domain's id (umbra_op identity). */
unsigned int ev_domid(void);

/* One check: prints "evtchn: ok: what" or a FAIL line; counted. */
void ev_check(bool ok, const char *what, long got);
unsigned int ev_failures(void);
unsigned int ev_checks(void);

#endif
