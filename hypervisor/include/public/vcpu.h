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
/* The calling vCPU's one-shot timer (the one set_timer_op sets too): at
 * timeout_abs_ns (guest system time) VIRQ_TIMER is raised. */
#define VCPUOP_set_singleshot_timer	8	/* arg: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer	9	/* arg unused */

/* A timeout already past is refused (-ETIME) instead of firing at once. */
#define VCPU_SSHOTTMR_future	(1U << 0)

#ifndef __ASSEMBLY__
#include <stdint.h>
#include "abi.h"

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags;		/* VCPU_SSHOTTMR_* */
};
UMBRA_ABI_SIZE64(struct vcpu_set_singleshot_timer, 16);
#endif

#endif
