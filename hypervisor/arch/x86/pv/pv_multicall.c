/*
 * multicall(call_list, nr_calls) for PV guests: Xen's batch of hypercalls,
 * each struct multicall_entry { op, result, args[6] } run in order, its
 * result stored in the entry. A call that must continue (a long
 * mmu_update batch, ...) has its updated arguments written back into its
 * entry and the multicall continues from there. A multicall inside a
 * multicall is -ENOSYS in its result; an iret is made and ends the
 * multicall (Xen since XSA-213: the calls after it would otherwise run
 * for guest user mode), its result (the RAX it restored) being the
 * multicall's; a list the guest cannot read or write is -EFAULT.
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include "pv_desc.h"
#include "pv_traps.h"

/* Entries run per call before the rest continues (HYPERCALL_CONTINUE,
 * as Xen's hypercall_preempt_check): nr_calls is the guest's, up to
 * 2^32, and the pCPU is never held for long. */
#define MULTICALL_BATCH	64

static long one_call(struct vcpu *v, struct multicall_entry *e)
{
	uint64_t a[HYPERCALL_ARGS];
	long rc;

	if (e->op == __HYPERVISOR_multicall)
		return -ENOSYS;
	for (unsigned int i = 0; i < HYPERCALL_ARGS; i++)
		a[i] = e->args[i];
	if (!pv_hypercall_arch(v, e->op, a, &rc))
		rc = do_hypercall(v, e->op, a);
	if (rc == HYPERCALL_CONTINUE)
		for (unsigned int i = 0; i < HYPERCALL_ARGS; i++)
			e->args[i] = a[i];
	return rc;
}

long pv_multicall(struct vcpu *v, uint64_t *args)
{
	struct multicall_entry e;
	uint64_t list = args[0];
	uint32_t n = (uint32_t)args[1];

	for (uint32_t i = 0; i < n; i++, list += sizeof(e)) {
		long rc;

		if (i == MULTICALL_BATCH) {
			args[0] = list;
			args[1] = n - i;
			return HYPERCALL_CONTINUE;
		}
		if (copy_from_guest(v, &e, list, sizeof(e)))
			return -EFAULT;
		if (e.op == __HYPERVISOR_iret) {
			pv_iret(v);
			e.result = v->pv.regs.rax;
			/* Best effort: the tables now live may be user mode's. */
			copy_to_guest(v, list + offsetof(struct multicall_entry, result), &e.result,
				      sizeof(e.result));
			return (long)e.result;
		}
		rc = one_call(v, &e);
		if (rc == HYPERCALL_CONTINUE) {
			if (copy_to_guest(v, list, &e, sizeof(e)))
				return -EFAULT;
			args[0] = list;
			args[1] = n - i;
			return HYPERCALL_CONTINUE;
		}
		e.result = (uint64_t)rc;
		if (copy_to_guest(v, list + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result)))
			return -EFAULT;
	}
	return 0;
}
