/* Hypercall dispatch, common to every way a guest makes one. */
#ifndef UMBRA_HYPERCALL_H
#define UMBRA_HYPERCALL_H

#include <stdint.h>

struct vcpu;

#define HYPERCALL_MAX	64
#define HYPERCALL_ARGS	5

/* A handler that did part of a long request returns HYPERCALL_CONTINUE
 * after updating args: the guest re-executes the call with them (Xen's
 * continuations), so a pCPU is never held for long and interrupts and
 * preemption happen between the parts. */
#define HYPERCALL_CONTINUE	(-85L)	/* Xen's internal ERESTART */

/* Run hypercall nr for v with args; the result goes back in the guest's
 * RAX (a negative errno on failure, as in Xen). */
long do_hypercall(struct vcpu *v, uint64_t nr, uint64_t args[HYPERCALL_ARGS]);

/* Handlers that live outside hypercall.c. */
long do_vcpu_op(struct vcpu *v, uint64_t *args);
long do_hvm_op(struct vcpu *v, uint64_t *args);
long do_memory_op(struct vcpu *v, uint64_t *args);
long do_event_channel_op(struct vcpu *v, uint64_t *args);
/* memory_op's increase_reservation, decrease_reservation and
 * populate_physmap (cmd): extents done, or HYPERCALL_CONTINUE. */
long memory_reservation_op(struct vcpu *v, uint64_t *args, unsigned int cmd);
long do_grant_table_op(struct vcpu *v, uint64_t *args);
long do_vm_assist(struct vcpu *v, uint64_t *args);	/* HVM: runstate.c */

/* A 32-bit caller's hypercall (v->hypercall_compat): 0 if nr with args
 * reads the same in Xen's compat layouts or has a compat handler (args
 * may be rearranged), -ENOSYS if it is not offered to 32-bit code yet. */
long hypercall_compat_enter(struct vcpu *v, uint64_t nr, uint64_t *args);

#endif
