/* Hypercalls with Xen's numbers and semantics, for the services Umbra
 * offers so far. Every guest pointer goes through the fault-safe copies. */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/pv.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/version.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/guest_log.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/hot.h>

#define CONSOLE_CHUNK	128
#define CONSOLE_MAX	(1u << 20)
#define CONSOLE_CHUNKS_PER_CALL	32	/* 4 KiB, then the call continues */

typedef long (*hypercall_fn)(struct vcpu *v, uint64_t *a);

static long do_console_io(struct vcpu *v, uint64_t *a)
{
	char buf[CONSOLE_CHUNK];
	uint64_t gva = a[2], left = a[1];
	unsigned int chunks = 0;

	if (a[0] == CONSOLEIO_read)
		return -EPERM;		/* the hypervisor console is dom0's */
	if (a[0] != CONSOLEIO_write)
		return -ENOSYS;
	if (left > CONSOLE_MAX)
		return -EINVAL;
	while (left) {
		uint64_t n = left < CONSOLE_CHUNK ? left : CONSOLE_CHUNK;

		if (chunks++ == CONSOLE_CHUNKS_PER_CALL) {
			a[1] = left;
			a[2] = gva;
			return HYPERCALL_CONTINUE;
		}
		if (copy_from_guest(v, buf, gva, n))
			return -EFAULT;
		domain_console_write(v->domain, buf, n);
		gva += n;
		left -= n;
	}
	return 0;
}

static long sched_shutdown_op(struct vcpu *v, uint64_t arg)
{
	struct sched_shutdown s;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
	domain_shutdown(v->domain, s.reason);
	return 0;
}

/* Only dom0 may stop others; Xen reads the request before it asks. */
static long sched_remote_shutdown_op(struct vcpu *v, uint64_t arg)
{
	struct sched_remote_shutdown s;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	return -EPERM;
}

static long do_sched_op(struct vcpu *v, uint64_t *a)
{
	switch (a[0]) {
	case SCHEDOP_yield:
		sched_vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		evtchn_poll_cancel(v);
		sched_vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return sched_shutdown_op(v, a[1]);
	case SCHEDOP_poll:
		return evtchn_poll(v, a[1]);
	case SCHEDOP_remote_shutdown:
		return sched_remote_shutdown_op(v, a[1]);
	default:
		return -ENOSYS;
	}
}

/* A NUL-padded string field of `size` bytes in guest memory: the string,
 * then zeros to the end of the field (nothing of the hypervisor's). */
static long copy_string_out(struct vcpu *v, uint64_t gva, const char *s, size_t size)
{
	static const char zeros[64];
	size_t len = strlen(s) < size ? strlen(s) : size - 1;

	if (copy_to_guest(v, gva, s, len))
		return -EFAULT;
	for (size_t done = len; done < size; ) {
		size_t n = size - done < sizeof(zeros) ? size - done : sizeof(zeros);

		if (copy_to_guest(v, gva + done, zeros, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}

/* Every field a NUL-padded string: nothing of the stack reaches the
 * guest (XSA-122). No build date or host: the build is reproducible. */
static long compile_info_out(struct vcpu *v, uint64_t gva)
{
	const struct xen_compile_info *ci = NULL;
	long rc;

	rc = copy_string_out(v, gva + offsetof(struct xen_compile_info, compiler),
			     "gcc " __VERSION__, sizeof(ci->compiler));
	if (!rc)
		rc = copy_string_out(v, gva + offsetof(struct xen_compile_info, compile_by),
				     "umbra", sizeof(ci->compile_by));
	if (!rc)
		rc = copy_string_out(v, gva + offsetof(struct xen_compile_info, compile_domain),
				     "", sizeof(ci->compile_domain));
	if (!rc)
		rc = copy_string_out(v, gva + offsetof(struct xen_compile_info, compile_date),
				     "unknown", sizeof(ci->compile_date));
	return rc;
}

/* What Xen reports to an HVM guest, and what a Linux PVH guest looks for
 * before it uses the callback vector and pvclock. dom0 runs as a native
 * kernel on its own memory: none. PV domains: by paging mode (pv_shadow.c). */
static uint32_t hvm_features(const struct domain *d)
{
	if (domain_is_dom0(d))
		return 0;
	if (domain_is_pv(d))
		return pv_xen_features(d);
	return (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
	       (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock);
}

static __attribute__((noinline)) long xen_version_info(struct vcpu *v, uint64_t *a)
{
	switch (a[0]) {
	case XENVER_extraversion:
		return copy_string_out(v, a[1], ".0-umbra", XEN_EXTRAVERSION_LEN);
	case XENVER_capabilities:
		/* Xen's list of the guest kinds the host runs, the same for
		 * every caller: 64-bit PV (no 32-bit PV), HVM in each mode. */
		return copy_string_out(v, a[1], "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p "
				       "hvm-3.0-x86_64", XEN_CAPABILITIES_INFO_LEN);
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(v, &fi, a[1], sizeof(fi)))
			return -EFAULT;
		fi.submap = fi.submap_idx == 0 ? hvm_features(v->domain) : 0;
		return copy_to_guest(v, a[1], &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_compile_info:
		return compile_info_out(v, a[1]);
	case XENVER_changeset:
		/* Xen's words when it was built outside a repository. */
		return copy_string_out(v, a[1], "unavailable", XEN_CHANGESET_INFO_LEN);
	case XENVER_platform_parameters: {
		/* Xen's hole for PV guests; meaningless to an HVM guest,
		 * given as Xen gives it: the 64-bit value, and 0 in the
		 * 4-byte compat layout to 32-bit code. */
		struct xen_platform_parameters pp = { .virt_start = XEN_HYPERVISOR_VIRT_START };
		struct compat_platform_parameters cp = { .virt_start = 0 };

		if (v->hypercall_compat)
			return copy_to_guest(v, a[1], &cp, sizeof(cp)) ? -EFAULT : 0;
		return copy_to_guest(v, a[1], &pp, sizeof(pp)) ? -EFAULT : 0;
	}
	case XENVER_guest_handle: {
		/* No toolstack has given a boot-module domain a handle. */
		static const uint8_t handle[XEN_DOMAIN_HANDLE_LEN];

		return copy_to_guest(v, a[1], handle, sizeof(handle)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
	case XENVER_build_id:
		return -EPERM;		/* Xen: the control domain's only */
	default:
		return -ENOSYS;
	}
}

/* The version alone (the null hypercall guests and benchmarks use) is
 * answered here, on the exit path's pages; the rest by the function
 * above, its switch's table and its copies elsewhere. */
static __exit_domu long do_xen_version(struct vcpu *v, uint64_t *a)
{
	if (a[0] == XENVER_version)
		return UMBRA_XEN_COMPAT_VERSION;
	return xen_version_info(v, a);
}

static long do_set_timer_op(struct vcpu *v, uint64_t *a)
{
	sched_vcpu_timer_set(v, a[0]);	/* 0 cancels */
	return 0;
}

static long do_umbra_op(struct vcpu *v, uint64_t *a)
{
	const struct domain *d = v->domain;
	struct umbra_identity id;

	switch (a[0]) {
	case UMBRAOP_version:
		return UMBRA_VERSION;
	case UMBRAOP_identity:
		memset(&id, 0, sizeof(id));
		memcpy(id.signature, UMBRA_CPUID_SIGNATURE, sizeof(id.signature));
		id.version = UMBRA_VERSION;
		id.domid = d->id;
		id.vcpu_id = (uint16_t)v->id;
		id.nr_vcpus = d->nr_vcpus;
		id.paging = d->paging;
		id.mem_bytes = d->mem_bytes;
		memcpy(id.name, d->name, sizeof(id.name));
		return copy_to_guest(v, a[1], &id, sizeof(id)) ? -EFAULT : 0;
	default:
		return -ENOSYS;
	}
}

static const hypercall_fn hypercalls[HYPERCALL_MAX] = {
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_sched_op] = do_sched_op,
	[__HYPERVISOR_xen_version] = do_xen_version,
	[__HYPERVISOR_set_timer_op] = do_set_timer_op,
	[__HYPERVISOR_umbra_op] = do_umbra_op,
	[__HYPERVISOR_vcpu_op] = do_vcpu_op,
	[__HYPERVISOR_hvm_op] = do_hvm_op,
	[__HYPERVISOR_memory_op] = do_memory_op,
	[__HYPERVISOR_event_channel_op] = do_event_channel_op,
	[__HYPERVISOR_grant_table_op] = do_grant_table_op,
	[__HYPERVISOR_vm_assist] = do_vm_assist,
	[__HYPERVISOR_umbra_mgmt] = do_umbra_mgmt,
};

/* Also reached from the SVM exit fast path for the null hypercall,
 * before the host's %gs is back: nothing on that way may use this_cpu(). */
__exit_domu long do_hypercall(struct vcpu *v, uint64_t nr, uint64_t args[HYPERCALL_ARGS])
{
	/* xen_version (the null hypercall) without the table: it is
	 * another page, and the indirect call a translation lookup, on the
	 * exit path. */
	bool version = nr == __HYPERVISOR_xen_version;

	if (!version && (nr >= HYPERCALL_MAX || !hypercalls[nr])) {
		v->stats.hypercalls_bad++;
		gprintk(v->domain, LOG_DEBUG, "d%u v%u: hypercall %llu (%#llx): -ENOSYS\n",
			v->domain->id, v->id, (unsigned long long)nr,
			(unsigned long long)args[0]);
		return -ENOSYS;
	}
	v->stats.hypercalls[nr]++;
	if (v->hypercall_compat) {
		long rc = hypercall_compat_enter(v, nr, args);

		if (rc)
			return rc;
	}
	return version ? do_xen_version(v, args) : hypercalls[nr](v, args);
}
