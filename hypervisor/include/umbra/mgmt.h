/* The management hypercall (public/mgmt.h) inside the hypervisor:
 * common/mgmt.c reads and checks the request and dispatches it to the
 * command handlers in common/mgmt_*.c. docs/mgmt.md tells the design. */
#ifndef UMBRA_MGMT_H
#define UMBRA_MGMT_H

#include <stdbool.h>
#include <stdint.h>
#include <public/mgmt.h>

struct vcpu;
struct domain;

/* __HYPERVISOR_umbra_mgmt: args[0] is the request's guest-virtual address. */
long do_umbra_mgmt(struct vcpu *v, uint64_t *args);

/* One command being served: the caller (dom0's vCPU) and its request,
 * read once; handlers fill the results into req, which is written back
 * when the handler returns (also before a continuation). */
struct mgmt_call {
	struct vcpu *v;
	struct umbra_mgmt req;
};

/* Plain checks (common/mgmt_check.c, host-tested). The request's header:
 * -EACCES (other interface version), -ENOSYS (no such command), -EINVAL
 * (a reserved field set), -E2BIG (buf_len above UMBRA_MGMT_BUF_MAX). */
int mgmt_check_request(const struct umbra_mgmt *req);
/* domain_create's arguments, with the pCPUs a domain may use; *why says
 * what is wrong: -EINVAL, or -EOPNOTSUPP for a type or paging mode Umbra
 * does not run yet. */
int mgmt_check_create(const struct umbra_mgmt_create *c, uint64_t cpus, const char **why);
/* An events vector: 0 or 0x20..0xff. */
int mgmt_check_vector(uint32_t vector);
/* An I/O APIC redirection entry dom0 names as its event interrupt: fixed
 * or lowest-priority, edge, unmasked, vector 0x20..0xff; 0 or -EINVAL.
 * The destination is checked against dom0's CPUs by the caller. */
int mgmt_check_event_rte(uint64_t rte);

/* Serve c's command, already checked, under the mgmt lock: one command
 * at a time, from dom0's hypercall or the test build's toolstack
 * (hypervisor/test/test_reap.c). Its handler's result. */
long mgmt_run(struct mgmt_call *c);

/* The handlers; each returns the hypercall's result or HYPERCALL_CONTINUE. */
long mgmt_physinfo(struct mgmt_call *c);
long mgmt_domain_create(struct mgmt_call *c);
long mgmt_memory_write(struct mgmt_call *c);
long mgmt_vcpu_start(struct mgmt_call *c);
long mgmt_domain_unpause(struct mgmt_call *c);
long mgmt_domain_pause(struct mgmt_call *c);
long mgmt_domain_shutdown(struct mgmt_call *c);
long mgmt_domain_destroy(struct mgmt_call *c);
long mgmt_domain_list(struct mgmt_call *c);
long mgmt_vcpu_pin(struct mgmt_call *c);
long mgmt_console_read(struct mgmt_call *c);
long mgmt_log_read(struct mgmt_call *c);
long mgmt_log_clear(struct mgmt_call *c);
long mgmt_domain_counters(struct mgmt_call *c);
long mgmt_events(struct mgmt_call *c);
long mgmt_event_irq(struct mgmt_call *c);
long mgmt_snapshot(struct mgmt_call *c);
long mgmt_domain_rings(struct mgmt_call *c);
long mgmt_ring_map(struct mgmt_call *c);
long mgmt_evtchn_op(struct mgmt_call *c);
long mgmt_evtchn_pending(struct mgmt_call *c);
/* A PV domain's build (common/mgmt_pv.c). */
long mgmt_pv_build(struct mgmt_call *c);
/* Save and restore (common/mgmt_save.c). */
long mgmt_memory_read(struct mgmt_call *c);
long mgmt_vcpu_context_get(struct mgmt_call *c);
long mgmt_vcpu_context_set(struct mgmt_call *c);
long mgmt_domain_state(struct mgmt_call *c);
/* Its grant table (common/mgmt_grant.c). */
long mgmt_grant_state(struct mgmt_call *c);
/* The domain of a save/restore command: paused, off every pCPU (-EBUSY
 * otherwise), not PV (-EOPNOTSUPP), not dom0. */
int mgmt_paused_target(const struct mgmt_call *c, struct domain **d);
/* A kind of a paused domain's state read (UMBRA_DOMAIN_STATE_GET) or
 * loaded (_SET) as u.state.op says; -EINVAL for another op. */
typedef long (*mgmt_state_fn)(struct mgmt_call *c, struct domain *d);
long mgmt_state_op(struct mgmt_call *c, mgmt_state_fn get, mgmt_state_fn set);

/* The domain a command names: not dom0 unless allow_dom0; -ESRCH if none. */
int mgmt_target(const struct mgmt_call *c, bool allow_dom0, struct domain **out);
/* The pCPUs other domains may run on: online, not dom0's. */
uint64_t mgmt_domu_cpus(void);

/* Something dom0's tools watch changed (a domain's state, console output):
 * the event generation moves, and dom0 is interrupted if it asked to be
 * (common/mgmt_events.c). Callable from any pCPU, any context. */
void mgmt_notify(void);
uint64_t mgmt_generation(void);

#endif
