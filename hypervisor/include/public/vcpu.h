/*
 * vcpu_op(cmd, vcpu_id, arg): bring a domain's other vCPUs up and down
 * (Xen's numbering). For HVM and PVH guests VCPUOP_initialise takes a
 * struct vcpu_hvm_context (hvm/hvm_vcpu.h), for PV guests Xen's struct
 * vcpu_guest_context (arch-x86/vcpu-context.h).
 */
#ifndef UMBRA_PUBLIC_VCPU_H
#define UMBRA_PUBLIC_VCPU_H

#define VCPUOP_initialise	0	/* arg: the vCPU's first register state */
#define VCPUOP_up		1	/* start an initialised vCPU */
#define VCPUOP_down		2	/* stop it (PV domains; the last one: poweroff) */
#define VCPUOP_is_up		3	/* returns 1 if running, 0 if not */
#define VCPUOP_set_periodic_timer	6	/* not offered by Umbra */
#define VCPUOP_stop_periodic_timer	7	/* no periodic timer exists: 0 */
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

/* What a 32-bit caller passes (Xen's compat layout: no tail padding). */
struct compat_vcpu_set_singleshot_timer {
	compat_uint64_t timeout_abs_ns;
	uint32_t flags;
};
UMBRA_ABI_OFFSET(struct compat_vcpu_set_singleshot_timer, flags, 8);
UMBRA_ABI_SIZE(struct compat_vcpu_set_singleshot_timer, 12);
#endif

/* Time accounting and where a vCPU's shared state lives. */
#define VCPUOP_get_runstate_info		4	/* arg: struct vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area	5	/* arg: struct vcpu_register_runstate_memory_area */
#define VCPUOP_register_vcpu_info		10	/* arg: struct vcpu_register_vcpu_info */

/* vcpu_runstate_info.state */
#define RUNSTATE_running	0	/* on a physical CPU */
#define RUNSTATE_runnable	1	/* ready, waiting for one */
#define RUNSTATE_blocked	2	/* waiting for an event */
#define RUNSTATE_offline	3	/* down, or its domain paused */
/* Set in state_entry_time while a registered area is being rewritten
 * (with VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE	(1ULL << 63)

#ifndef __ASSEMBLY__
#include <stdint.h>
#include "abi.h"

/* Nanoseconds of guest system time spent in each RUNSTATE_*, and when
 * the current state began. */
struct vcpu_runstate_info {
	int32_t state;
	uint64_t state_entry_time;
	uint64_t time[4];
};
UMBRA_ABI_OFFSET64(struct vcpu_runstate_info, state_entry_time, 8);
UMBRA_ABI_OFFSET64(struct vcpu_runstate_info, time, 16);
UMBRA_ABI_SIZE64(struct vcpu_runstate_info, 48);

/* The same in Xen's compat layout (a 32-bit caller's, and the area a
 * 32-bit caller registered): the times follow state with no padding. */
struct compat_vcpu_runstate_info {
	int32_t state;
	compat_uint64_t state_entry_time;
	compat_uint64_t time[4];
};
UMBRA_ABI_OFFSET(struct compat_vcpu_runstate_info, state_entry_time, 4);
UMBRA_ABI_OFFSET(struct compat_vcpu_runstate_info, time, 12);
UMBRA_ABI_SIZE(struct compat_vcpu_runstate_info, 44);

/* A guest-virtual address the hypervisor keeps the runstate current at
 * (written whenever the vCPU is scheduled in or out). */
struct vcpu_register_runstate_memory_area {
	uint64_t addr;
};
UMBRA_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);

/* A 32-bit caller's: Xen reads only the 4-byte handle at offset 0 (the
 * union around it keeps the size at 8). */
struct compat_vcpu_register_runstate_memory_area {
	union {
		uint32_t h;
		compat_uint64_t p;
	} addr;
};
UMBRA_ABI_SIZE(struct compat_vcpu_register_runstate_memory_area, 8);

/* Move the vCPU's vcpu_info from its shared_info slot to byte offset of
 * frame mfn (a guest frame for HVM): it must not cross the page. Once. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;		/* zero */
};
UMBRA_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8);
UMBRA_ABI_SIZE(struct vcpu_register_vcpu_info, 16);
#endif

#endif
