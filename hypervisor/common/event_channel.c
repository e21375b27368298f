/*
 * event_channel_op. Umbra has no event channels yet; what is here are
 * the answers Xen gives that do not need them: the FIFO ABI's calls
 * check their arguments as Xen does (a guest probing with bad ones gets
 * Xen's error), and a well-formed init_control is refused with -ENOSYS,
 * the answer a guest takes as "no FIFO ABI, use 2-level". Everything
 * else is -ENOSYS.
 */
#include <asm/guest_access.h>
#include <public/event_channel.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>

#define PAGE_BYTES	4096ULL

static long init_control(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct evtchn_init_control ic;

	if (copy_from_guest(v, &ic, arg, sizeof(ic)))
		return -EFAULT;
	/* Xen's order: offset, then vCPU, then the frame. */
	if (ic.offset > PAGE_BYTES - EVTCHN_FIFO_CONTROL_BLOCK_SIZE || (ic.offset & 7))
		return -EINVAL;
	if (ic.vcpu >= d->nr_vcpus)
		return -ENOENT;
	if (ic.control_gfn >= (1ULL << 52) / PAGE_BYTES ||
	    !domain_owns_gpa_range(d, ic.control_gfn * PAGE_BYTES, PAGE_BYTES))
		return -EINVAL;
	return -ENOSYS;
}

long do_event_channel_op(struct vcpu *v, uint64_t *a)
{
	if (a[0] == EVTCHNOP_init_control)
		return init_control(v, a[1]);
	return -ENOSYS;		/* expand_array, set_priority: no FIFO ABI */
}
