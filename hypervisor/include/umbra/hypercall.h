/* Hypercall dispatch, common to every way a guest makes one. */
#ifndef UMBRA_HYPERCALL_H
#define UMBRA_HYPERCALL_H

#include <stdint.h>

struct vcpu;

#define HYPERCALL_MAX	64
#define HYPERCALL_ARGS	5

/* Run hypercall nr for v with args; the result goes back in the guest's
 * RAX (a negative errno on failure, as in Xen). */
long do_hypercall(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_ARGS]);

/* Handlers that live outside hypercall.c. */
long do_vcpu_op(struct vcpu *v, const uint64_t *args);
long do_hvm_op(struct vcpu *v, const uint64_t *args);

#endif
