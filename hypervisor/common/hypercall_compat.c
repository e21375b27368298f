/* Hypercalls from 32-bit code (an HVM/PVH guest outside long mode: the
 * vCPU's mode at the call decides, as Xen decides for HVM).
 * Xen gives such callers its compat layouts: guest handles, longs and
 * xen_pfn_t are 4 bytes and uint64_t is 4-byte aligned. Most structures
 * Umbra takes are laid out the same either way (fixed-width fields,
 * explicit padding) and go to the ordinary handlers; those that differ
 * are read and written in their compat form by their handlers when
 * v->hypercall_compat is set (the public headers: struct compat_...). What is
 * left here is the list of what 32-bit code is offered; anything else
 * is -ENOSYS rather than a misread structure. docs/hvm.md lists them. */
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/memory.h>
#include <public/umbra.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

static bool memory_op_ok(uint64_t cmd)
{
	switch (cmd) {
	case XENMEM_maximum_ram_page:
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
	case XENMEM_memory_map:		/* compat layouts in memory_op.c */
	case XENMEM_add_to_physmap:
	case XENMEM_increase_reservation:	/* ... memory_reservation.c */
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return true;
	default:			/* nothing else is offered at all */
		return false;
	}
}

static bool vcpu_op_ok(uint64_t cmd)
{
	switch (cmd) {
	case VCPUOP_up:
	case VCPUOP_is_up:
	case VCPUOP_stop_singleshot_timer:
	case VCPUOP_register_vcpu_info:	/* uint64, uint32, uint32: same */
	case VCPUOP_initialise:		/* vcpu_hvm_context: explicit padding, same */
	case VCPUOP_set_singleshot_timer:	/* compat layouts in hypercall_hvm.c */
	case VCPUOP_get_runstate_info:	/* ... and runstate.c */
	case VCPUOP_register_runstate_memory_area:
		return true;
	default:
		return false;
	}
}

static bool grant_op_ok(uint64_t cmd)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref:	/* the same in both layouts */
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
	case GNTTABOP_cache_flush:
	case GNTTABOP_setup_table:	/* compat layouts in grant_op.c */
	case GNTTABOP_copy:
		return true;
	default:
		return false;
	}
}

static bool compat_ok(uint64_t nr, const uint64_t *a)
{
	switch (nr) {
	case __HYPERVISOR_console_io:
	case __HYPERVISOR_sched_op:		/* poll: compat layout in event_poll.c */
	case __HYPERVISOR_event_channel_op:	/* every structure is the same */
	case __HYPERVISOR_umbra_op:
	case __HYPERVISOR_set_timer_op:		/* EBX low, ECX high: see below */
	case __HYPERVISOR_vm_assist:		/* two integers */
		return true;
	case __HYPERVISOR_xen_version:		/* platform_parameters: hypercall.c */
		return true;
	case __HYPERVISOR_hvm_op:		/* every structure is the same */
		return a[0] == HVMOP_set_param || a[0] == HVMOP_get_param ||
		       a[0] == HVMOP_set_evtchn_upcall_vector;
	case __HYPERVISOR_memory_op:
		return memory_op_ok(a[0] & MEMOP_CMD_MASK);
	case __HYPERVISOR_vcpu_op:
		return vcpu_op_ok(a[0]);
	case __HYPERVISOR_grant_table_op:
		return grant_op_ok(a[0] & 0xfffu);	/* above: cache_flush continuation */
	default:				/* the management ABI is dom0's */
		return false;
	}
}

long hypercall_compat_enter(struct vcpu *v, uint64_t nr, uint64_t *a)
{
	(void)v;
	if (!compat_ok(nr, a))
		return -ENOSYS;
	/* A 32-bit caller passes the 64-bit timeout in two registers. */
	if (nr == __HYPERVISOR_set_timer_op)
		a[0] = (uint32_t)a[0] | (a[1] << 32);
	return 0;
}
