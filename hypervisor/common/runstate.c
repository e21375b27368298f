/*
 * A vCPU's runstate (Xen's vcpu_runstate_info): the guest system time it
 * spent running, runnable (waiting for a pCPU), blocked and offline. The
 * scheduler reports each change of state; the guest reads the result
 * with VCPUOP_get_runstate_info or in an area it registered, which is
 * written when the vCPU is scheduled in and out (Linux's steal time).
 */
#include <asm/guest_access.h>
#include <public/vcpu.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/vcpu_shared.h>

static int runstate_of(enum vcpu_state s)
{
	switch (s) {
	case VCPU_RUNNING:
		return RUNSTATE_running;
	case VCPU_RUNNABLE:
		return RUNSTATE_runnable;
	case VCPU_BLOCKED:
		return RUNSTATE_blocked;
	default:
		return RUNSTATE_offline;
	}
}

void vcpu_runstate_init(struct vcpu *v)
{
	v->runstate = (struct vcpu_runstate_info){
		.state = RUNSTATE_offline,
		.state_entry_time = domain_system_time_ns(v->domain),
	};
}

void vcpu_runstate_change(struct vcpu *v, enum vcpu_state s)
{
	struct vcpu_runstate_info *r = &v->runstate;
	uint64_t now = domain_system_time_ns(v->domain);
	int to = runstate_of(s);

	if (r->state == to)
		return;
	if (now > r->state_entry_time)
		r->time[r->state] += now - r->state_entry_time;
	r->state = to;
	r->state_entry_time = now;
}

/* The record as of now: the current state's time runs up to now. */
static struct vcpu_runstate_info snapshot(const struct vcpu *v)
{
	struct vcpu_runstate_info r = v->runstate;
	uint64_t now = domain_system_time_ns(v->domain);

	if (r.state >= RUNSTATE_running && r.state <= RUNSTATE_offline &&
	    now > r.state_entry_time)
		r.time[r.state] += now - r.state_entry_time;
	return r;
}

/* On v's own pCPU, as it is scheduled in or out: the area is addressed
 * through v's page tables. A fault there is the guest's problem. */
void vcpu_runstate_publish(struct vcpu *v)
{
	struct vcpu_runstate_info r;

	if (!v->runstate_gva)
		return;
	r = snapshot(v);
	copy_to_guest(v, v->runstate_gva, &r, sizeof(r));
}

long vcpu_get_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info r = snapshot(v);

	return copy_to_guest(caller, arg, &r, sizeof(r)) ? -EFAULT : 0;
}

/* Xen: 0 for any address (a bad one just goes unwritten); another vCPU
 * only while it is down; the area is written at once for the caller. */
long vcpu_register_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_runstate_memory_area a;

	if (copy_from_guest(caller, &a, arg, sizeof(a)))
		return -EFAULT;
	if (v != caller && v->state != VCPU_DOWN)
		return -EINVAL;
	v->runstate_gva = a.addr;
	if (v == caller)
		vcpu_runstate_publish(v);
	return 0;
}
