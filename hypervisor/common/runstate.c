/*
 * A vCPU's runstate (Xen's vcpu_runstate_info): the guest system time it
 * spent running, runnable (waiting for a pCPU), blocked and offline. The
 * scheduler reports each change of state; the guest reads the result
 * with VCPUOP_get_runstate_info or in an area it registered, which is
 * written when the vCPU is scheduled in and out (Linux's steal time).
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
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

/* The record to `gva` through v's tables, in the native layout or, for
 * 32-bit code, Xen's compat one (no padding after state). */
static int runstate_out(struct vcpu *v, uint64_t gva, const struct vcpu_runstate_info *r,
			bool compat)
{
	struct compat_vcpu_runstate_info c;

	if (!compat)
		return copy_to_guest(v, gva, r, sizeof(*r));
	c.state = r->state;
	c.state_entry_time = r->state_entry_time;
	for (unsigned int i = 0; i < 4; i++)
		c.time[i] = r->time[i];
	return copy_to_guest(v, gva, &c, sizeof(c));
}

/* Where state_entry_time is in the area, in either layout. */
static uint64_t entry_time_gva(const struct vcpu *v)
{
	return v->runstate_gva + (v->runstate_compat ?
				  offsetof(struct compat_vcpu_runstate_info, state_entry_time) :
				  offsetof(struct vcpu_runstate_info, state_entry_time));
}

/* On v's own pCPU, as it is scheduled in or out: the area is addressed
 * through v's page tables. A fault there is the guest's problem. With
 * VMASST_TYPE_runstate_update_flag, as Xen's update_runstate_area():
 * XEN_RUNSTATE_UPDATE is set in state_entry_time before the record
 * changes and cleared after, so a reader on another vCPU (Linux's steal
 * time of a remote vCPU) knows to read again. */
void vcpu_runstate_publish(struct vcpu *v)
{
	bool flag = v->domain->vm_assist & (1ULL << VMASST_TYPE_runstate_update_flag);
	struct vcpu_runstate_info r;
	uint64_t t;

	if (!v->runstate_gva)
		return;
	r = snapshot(v);
	if (flag) {
		t = r.state_entry_time | XEN_RUNSTATE_UPDATE;
		if (copy_to_guest(v, entry_time_gva(v), &t, sizeof(t)))
			return;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r.state_entry_time = t;
	}
	runstate_out(v, v->runstate_gva, &r, v->runstate_compat);
	if (!flag)
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t = r.state_entry_time & ~XEN_RUNSTATE_UPDATE;
	copy_to_guest(v, entry_time_gva(v), &t, sizeof(t));
}

/* vm_assist(cmd, type) of an HVM or PVH domain: of Xen's assists only
 * runstate_update_flag applies there (Xen's HVM_VM_ASSIST_MASK); any
 * other type is -EINVAL, an unknown command -ENOSYS, as in Xen. */
long do_vm_assist(struct vcpu *v, uint64_t *a)
{
	struct domain *d = v->domain;
	uint64_t bit = 1ULL << VMASST_TYPE_runstate_update_flag;

	if (a[1] != VMASST_TYPE_runstate_update_flag)
		return -EINVAL;
	switch (a[0]) {
	case VMASST_CMD_enable:
		__atomic_fetch_or(&d->vm_assist, bit, __ATOMIC_ACQ_REL);
		return 0;
	case VMASST_CMD_disable:
		__atomic_fetch_and(&d->vm_assist, ~bit, __ATOMIC_ACQ_REL);
		return 0;
	default:
		return -ENOSYS;
	}
}

long vcpu_get_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info r = snapshot(v);

	return runstate_out(caller, arg, &r, caller->hypercall_compat) ? -EFAULT : 0;
}

/* The area's address in the caller's layout: a 32-bit caller's handle
 * is the 4 bytes at offset 0 (Xen reads no more). */
static int read_area(struct vcpu *caller, uint64_t arg, uint64_t *gva)
{
	struct vcpu_register_runstate_memory_area a;
	uint32_t h;

	if (!caller->hypercall_compat) {
		if (copy_from_guest(caller, &a, arg, sizeof(a)))
			return -EFAULT;
		*gva = a.addr;
		return 0;
	}
	if (copy_from_guest(caller, &h, arg, sizeof(h)))
		return -EFAULT;
	*gva = h;
	return 0;
}

/* Xen: 0 for any address (a bad one just goes unwritten); another vCPU
 * only while it is down; the area is written at once for the caller.
 * The layout is the registering code's (Xen picks it by the domain's
 * latched shared_info width, which a guest sets from the same mode). */
long vcpu_register_runstate(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	uint64_t gva;

	if (read_area(caller, arg, &gva))
		return -EFAULT;
	if (v != caller && v->state != VCPU_DOWN)
		return -EINVAL;
	v->runstate_compat = caller->hypercall_compat;
	v->runstate_gva = gva;
	if (v == caller)
		vcpu_runstate_publish(v);
	return 0;
}
