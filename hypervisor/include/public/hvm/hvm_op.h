/*
 * hvm_op(op, arg): HVM-specific requests (Xen's numbering). Umbra offers
 * reading and setting parameters (hvm/params.h) of the calling domain.
 */
#ifndef UMBRA_PUBLIC_HVM_HVM_OP_H
#define UMBRA_PUBLIC_HVM_HVM_OP_H

#include "../abi.h"

#define HVMOP_set_param		0
#define HVMOP_get_param		1
/* A vCPU's own upcall vector (>= 0x10), used instead of the domain's
 * HVM_PARAM_CALLBACK_IRQ vector for that vCPU's events. */
#define HVMOP_set_evtchn_upcall_vector	23

#ifndef __ASSEMBLY__
#include <stdint.h>

struct xen_hvm_param {
	uint16_t domid;		/* DOMID_SELF or the caller's own id */
	uint16_t pad;
	uint32_t index;		/* HVM_PARAM_* */
	uint64_t value;
};
UMBRA_ABI_OFFSET(struct xen_hvm_param, index, 4);
UMBRA_ABI_OFFSET(struct xen_hvm_param, value, 8);
UMBRA_ABI_SIZE(struct xen_hvm_param, 16);

struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
};
UMBRA_ABI_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);

#endif /* !__ASSEMBLY__ */

#endif
