/*
 * vcpu_op(cmd, vcpu_id, arg): bring a domain's other vCPUs up and down
 * (Xen's numbering). For HVM and PVH guests VCPUOP_initialise takes a
 * struct vcpu_hvm_context (hvm/hvm_vcpu.h).
 */
#ifndef UMBRA_PUBLIC_VCPU_H
#define UMBRA_PUBLIC_VCPU_H

#define VCPUOP_initialise	0	/* arg: the vCPU's first register state */
#define VCPUOP_up		1	/* start an initialised vCPU */
#define VCPUOP_down		2	/* stop it (not offered by Umbra yet) */
#define VCPUOP_is_up		3	/* returns 1 if running, 0 if not */

#endif
