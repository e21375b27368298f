/* Hypercalls from 32-bit code (an HVM/PVH guest outside long mode).
 * Xen gives such callers its compat layouts: guest handles, longs and
 * xen_pfn_t are 4 bytes and uint64_t is 4-byte aligned. Most structures
 * Umbra takes are laid out the same either way (fixed-width fields,
 * explicit padding) and go to the ordinary handlers; the two that differ
 * and matter to a small guest (sched_poll, memory_map) are read in their
 * compat form by their handlers; the rest answer -ENOSYS for now rather
 * than misread a 32-bit structure. docs/hvm.md lists them. */
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
		return true;
	default:			/* handles and xen_ulong_t inside */
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
		return true;
	default:	/* initialise, runstate (uint64 at offset 4), singleshot (12 bytes) */
		return false;
	}
}

static bool grant_op_ok(uint64_t cmd)
{
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
	case GNTTABOP_unmap_grant_ref:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
	case GNTTABOP_cache_flush:
		return true;
	default:	/* setup_table (frame_list handle), copy (xen_pfn_t) */
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
		return true;
	case __HYPERVISOR_xen_version:
		return a[0] != XENVER_platform_parameters;	/* xen_ulong_t */
	case __HYPERVISOR_hvm_op:
		return a[0] == HVMOP_set_param || a[0] == HVMOP_get_param;
	case __HYPERVISOR_memory_op:
		return memory_op_ok(a[0] & MEMOP_CMD_MASK);
	case __HYPERVISOR_vcpu_op:
		return vcpu_op_ok(a[0]);
	case __HYPERVISOR_grant_table_op:
		return grant_op_ok(a[0]);
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
