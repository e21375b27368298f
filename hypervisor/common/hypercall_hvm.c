/* vcpu_op (secondary vCPUs) and hvm_op (parameters) for HVM domains. */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/pv.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/hypercall.h>
#include <umbra/sched.h>
#include <umbra/vcpu_shared.h>

static long vcpu_initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_hvm_context ctx;
	long err;

	if (domain_is_pv(v->domain))	/* Xen's vcpu_guest_context */
		return pv_vcpu_initialise(caller, v, arg);
	if (copy_from_guest(caller, &ctx, arg, sizeof(ctx)))
		return -EFAULT;
	if (v->state != VCPU_DOWN || v->initialised)
		return -EEXIST;
	err = hvm_vcpu_load_context(v, &ctx);
	if (!err)
		v->initialised = true;
	return err;
}

/* The caller's own timer only, as in Xen; the deadline is the one
 * set_timer_op sets (0 there means "none", so a deadline of 0 is 1 ns). */
static int read_singleshot(struct vcpu *caller, uint64_t arg, struct vcpu_set_singleshot_timer *t)
{
	struct compat_vcpu_set_singleshot_timer c;

	if (!caller->hypercall_compat)
		return copy_from_guest(caller, t, arg, sizeof(*t));
	if (copy_from_guest(caller, &c, arg, sizeof(c)))
		return -EFAULT;
	*t = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = c.timeout_abs_ns,
						 .flags = c.flags };
	return 0;
}

static long singleshot_timer(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	if (v != caller)
		return -EINVAL;
	if (read_singleshot(caller, arg, &t))
		return -EFAULT;
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < guest_time_ns(v))
		return -ETIME;
	sched_vcpu_timer_set(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
	return 0;
}

/* A vCPU taken down may still be leaving its pCPU: it must be off it
 * before it is queued again (queued twice, it would run twice). */
#define DOWN_WAIT_MS	100

static bool vcpu_off_pcpus(struct vcpu *v)
{
	uint64_t end = rdtsc() + tsc_khz * DOWN_WAIT_MS;

	while (__atomic_load_n(&v->processor, __ATOMIC_ACQUIRE) >= 0) {
		if (v->state != VCPU_DOWN || rdtsc() >= end)
			return v->state != VCPU_DOWN;	/* up already: nothing to do */
		cpu_relax();
	}
	return true;
}

/* VCPUOP_down, as Xen 4.17: the vCPU stops where it is (VCPUOP_up
 * resumes it there); the last vCPU up going down powers the domain off.
 * A vCPU in the guest on another pCPU leaves it now; the caller taking
 * itself down leaves when the hypercall returns. PV domains only: an
 * HVM vCPU's way down is its own (INIT, or halting). */
static long vcpu_down(struct vcpu *caller, struct vcpu *v)
{
	struct domain *d = v->domain;

	if (!domain_is_pv(d))
		return -ENOSYS;
	if (!domain_other_vcpus_up(v)) {
		domain_shutdown(d, SHUTDOWN_poweroff);
		return 0;
	}
	if (v->state == VCPU_DOWN)
		return 0;
	sched_vcpu_down(v);
	if (v != caller)
		sched_vcpu_kick(v);
	return 0;
}

static long vcpu_op_locked(struct vcpu *caller, struct vcpu *v, const uint64_t *a)
{
	switch (a[0]) {
	case VCPUOP_set_singleshot_timer:
		return singleshot_timer(caller, v, a[2]);
	case VCPUOP_stop_singleshot_timer:
		if (v != caller)
			return -EINVAL;
		sched_vcpu_timer_set(v, 0);
		return 0;
	case VCPUOP_stop_periodic_timer:
		/* Umbra gives no vCPU a periodic timer: there is none to
		 * stop. Linux asks, and uses its one-shot VCPUOP timer only
		 * when this succeeds (else the older set_timer_op). */
		return 0;
	case VCPUOP_initialise:
		return vcpu_initialise(caller, v, a[2]);
	case VCPUOP_up:
		if (!v->initialised)
			return -EINVAL;
		if (!vcpu_off_pcpus(v))
			return -EBUSY;
		sched_vcpu_start(v);	/* no-op if it is up, or its domain stopped */
		return 0;
	case VCPUOP_down:
		return vcpu_down(caller, v);
	case VCPUOP_is_up:
		return v->state != VCPU_DOWN;
	case VCPUOP_register_vcpu_info:
		return vcpu_register_info(caller, v, a[2]);
	case VCPUOP_get_runstate_info:
		return vcpu_get_runstate(caller, v, a[2]);
	case VCPUOP_register_runstate_memory_area:
		return vcpu_register_runstate(caller, v, a[2]);
	default:
		return -ENOSYS;
	}
}

long do_vcpu_op(struct vcpu *caller, uint64_t *a)
{
	struct domain *d = caller->domain;
	/* Xen's vcpu_op takes the id as an unsigned int. */
	uint32_t id = (uint32_t)a[1];
	uint64_t f;
	long rc;

	if (id >= d->nr_vcpus)
		return -ENOENT;
	/* Two vCPUs may work on the same target at once: one at a time. */
	f = spin_lock_irqsave(&d->vcpu_op_lock);
	rc = vcpu_op_locked(caller, d->vcpus[id], a);
	spin_unlock_irqrestore(&d->vcpu_op_lock, f);
	return rc;
}

/* The store and console parameters: the rings dom0 set up for the
 * domain (common/domain_rings.c), read-only for the guest. A domain
 * without them (built from a boot module: nobody serves a ring) gets
 * -ENOENT rather than Xen's 0 for a parameter never set (frame 0, port
 * 0, which a guest would then use): one that can do without (XTF's
 * console) carries on, one that cannot (XTF's xenstore) stops clearly. */
static long ring_param(const struct domain *d, uint32_t index, uint64_t *value)
{
	const struct domain_rings *r = &d->rings;

	if (!r->present)
		return -ENOENT;
	switch (index) {
	case HVM_PARAM_STORE_PFN:
		*value = r->gfn[DOMAIN_RING_STORE];
		return 0;
	case HVM_PARAM_STORE_EVTCHN:
		*value = r->port[DOMAIN_RING_STORE];
		return 0;
	case HVM_PARAM_CONSOLE_PFN:
		*value = r->gfn[DOMAIN_RING_CONSOLE];
		return 0;
	default:
		*value = r->port[DOMAIN_RING_CONSOLE];
		return 0;
	}
}

static bool is_ring_param(uint32_t index)
{
	return index == HVM_PARAM_STORE_PFN || index == HVM_PARAM_STORE_EVTCHN ||
	       index == HVM_PARAM_CONSOLE_PFN || index == HVM_PARAM_CONSOLE_EVTCHN;
}

static long get_ring_param(struct vcpu *v, uint64_t arg, struct xen_hvm_param *p, bool set)
{
	long rc;

	if (set)
		return v->domain->rings.present ? -EPERM : -ENOENT;
	rc = ring_param(v->domain, p->index, &p->value);
	if (rc)
		return rc;
	return copy_to_guest(v, arg, p, sizeof(*p)) ? -EFAULT : 0;
}

static long hvm_param(struct vcpu *v, uint64_t arg, bool set)
{
	struct domain *d = v->domain;
	struct xen_hvm_param p;
	uint64_t type;

	if (copy_from_guest(v, &p, arg, sizeof(p)))
		return -EFAULT;
	if (p.domid != DOMID_SELF && p.domid != d->id)
		return -EPERM;		/* only dom0 may touch other domains */
	if (is_ring_param(p.index))
		return get_ring_param(v, arg, &p, set);
	if (p.index != HVM_PARAM_CALLBACK_IRQ)
		return -EINVAL;
	if (!set) {
		p.value = d->callback_vector ? ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
						HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) |
					       d->callback_vector : 0;
		return copy_to_guest(v, arg, &p, sizeof(p)) ? -EFAULT : 0;
	}
	type = p.value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
	/* Vectors below 32 are exceptions; 0 turns the callback off. */
	if (p.value && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR ||
			(p.value & 0xff) < 32 || (p.value & ~(0xffULL << 56) & ~0xffULL)))
		return -EINVAL;
	d->callback_vector = (uint8_t)p.value;
	evtchn_2l_latch(v, v->hypercall_compat);	/* as Xen: the caller's width */
	return 0;
}

/* Xen's checks: a vector below 0x10 is refused, then an unknown vCPU. */
static long set_evtchn_upcall_vector(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct xen_hvm_evtchn_upcall_vector u;

	if (copy_from_guest(v, &u, arg, sizeof(u)))
		return -EFAULT;
	if (u.vector < 0x10)
		return -EINVAL;
	if (u.vcpu >= d->nr_vcpus)
		return -ENOENT;
	__atomic_store_n(&d->vcpus[u.vcpu]->upcall_vector, u.vector, __ATOMIC_RELEASE);
	evtchn_upcall_reassert(d->vcpus[u.vcpu]);
	return 0;
}

long do_hvm_op(struct vcpu *v, uint64_t *a)
{
	switch (a[0]) {
	case HVMOP_set_evtchn_upcall_vector:
		return set_evtchn_upcall_vector(v, a[1]);
	case HVMOP_set_param:
		return hvm_param(v, a[1], true);
	case HVMOP_get_param:
		return hvm_param(v, a[1], false);
	default:
		return -ENOSYS;
	}
}
