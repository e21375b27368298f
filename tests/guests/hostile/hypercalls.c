/*
 * Hypercall attacks: bad pointers to every hypercall that takes one
 * (-EFAULT, nothing written), invalid hypercall numbers (-ENOSYS) and
 * invalid sub-operations (-ENOSYS, -EINVAL, -EPERM).
 */
#include <public/event_channel.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/version.h>
#include <public/xen.h>

#include "cpu.h"
#include "hostile.h"
#include "hypercall.h"
#include "pt.h"
#include "runtime.h"

#define RO_ALIAS_VA	PML4_SLOT_VA(2)
#define FILL		0x5a

struct bad_pointer {
	const char *what;
	uint64_t va;
};

typedef long (*pointer_call)(uint64_t va);

static long console_write_at(uint64_t va)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 16, va);
}

static long shutdown_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, va);
}

static long extraversion_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion, va);
}

static long capabilities_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_capabilities, va);
}

static long get_features_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_get_features, va);
}

static long compile_info_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_compile_info, va);
}

static long changeset_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_changeset, va);
}

static long platform_parameters_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_platform_parameters, va);
}

static long guest_handle_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_guest_handle, va);
}

static long add_to_physmap_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, va);
}

static long current_reservation_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_memory_op, XENMEM_current_reservation, va);
}

static long init_control_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_init_control, va);
}

static long identity_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_umbra_op, UMBRAOP_identity, va);
}

struct pointer_hypercall {
	const char *name;
	pointer_call call;
	uint64_t size;		/* bytes it reads or writes at the pointer */
	bool writes;		/* it writes there (so a read-only page is bad) */
};

static const struct pointer_hypercall calls[] = {
	{ "console_io(write)", console_write_at, 16, false },
	{ "sched_op(shutdown)", shutdown_at, sizeof(struct sched_shutdown), false },
	{ "xen_version(extraversion)", extraversion_at, XEN_EXTRAVERSION_LEN, true },
	{ "xen_version(capabilities)", capabilities_at, XEN_CAPABILITIES_INFO_LEN, true },
	{ "xen_version(get_features)", get_features_at, 8, true },
	{ "xen_version(compile_info)", compile_info_at, sizeof(struct xen_compile_info), true },
	{ "xen_version(changeset)", changeset_at, XEN_CHANGESET_INFO_LEN, true },
	{ "xen_version(platform_parameters)", platform_parameters_at,
	  sizeof(struct xen_platform_parameters), true },
	{ "xen_version(guest_handle)", guest_handle_at, XEN_DOMAIN_HANDLE_LEN, true },
	{ "memory_op(add_to_physmap)", add_to_physmap_at, sizeof(struct xen_add_to_physmap),
	  false },
	{ "memory_op(current_reservation)", current_reservation_at, sizeof(domid_t), false },
	{ "event_channel_op(init_control)", init_control_at,
	  sizeof(struct evtchn_init_control), false },
	{ "umbra_op(identity)", identity_at, sizeof(struct umbra_identity), true },
};
#define NR_CALLS	(sizeof(calls) / sizeof(calls[0]))

static void describe(char *buf, size_t size, const char *call, const char *ptr)
{
	size_t n = 0;

	for (; *call && n + 1 < size; call++)
		buf[n++] = *call;
	for (const char *s = " with "; *s && n + 1 < size; s++)
		buf[n++] = *s;
	for (; *ptr && n + 1 < size; ptr++)
		buf[n++] = *ptr;
	buf[n] = '\0';
}

static void expect_efault(const struct pointer_hypercall *c, const char *ptr, uint64_t va)
{
	char what[96];

	describe(what, sizeof(what), c->name, ptr);
	check_rc(what, c->call(va), -XEN_EFAULT);
	expected.guest_faults++;
}

/* A read-only alias of a page, with CR0.WP set so that it binds the
 * kernel too: a hypercall writing there must fail and write nothing. */
static void read_only_target(const struct pointer_hypercall *c, uint8_t *page)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	unsigned int i;
	bool intact = true;

	memset(page, FILL, PAGE_SIZE);
	if (!pt_map(root, RO_ALIAS_VA, (uint64_t)(uintptr_t)page, 0)) {
		check_that("map a read-only alias", false, 0);
		return;
	}
	invlpg(RO_ALIAS_VA);
	expect_efault(c, "a read-only page", RO_ALIAS_VA);
	for (i = 0; i < PAGE_SIZE; i++)
		intact &= page[i] == FILL;
	check_that("the read-only page is unchanged", intact, 0);
}

/* A string the hypervisor writes into a fixed-size field: the string, its
 * NUL, then zeros to the end of the field, never other hypervisor bytes. */
static void string_field_clean(const char *name, pointer_call call, uint8_t *buf,
			       uint64_t size)
{
	uint64_t i, len = 0;
	bool clean = true;

	memset(buf, FILL, size);
	check_rc(name, call((uint64_t)(uintptr_t)buf), 0);
	while (len < size && buf[len])
		len++;
	for (i = len; i < size; i++)
		clean &= buf[i] == 0;
	check_that(name, len > 0 && len < size && clean, len);
}

void attack_badptr(void)
{
	uint64_t end = domain_mem_end();
	const struct bad_pointer bad[] = {
		{ "the first byte past RAM", end },
		{ "the LAPIC page", 0xfee00000 },
		{ "an unmapped address (4 GiB)", 1ULL << 32 },
		{ "a non-canonical address", 0x8000000000000000ULL },
		{ "an unmapped kernel address", 0xffff800000000000ULL },
	};
	uint8_t *page = page_alloc();
	unsigned int c, b;

	write_cr0(read_cr0() | CR0_WP);
	for (c = 0; c < NR_CALLS; c++) {
		for (b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
			expect_efault(&calls[c], bad[b].what, bad[b].va);
		/* Starts in RAM, ends past it. */
		expect_efault(&calls[c], "a buffer straddling the end of RAM",
			      end - calls[c].size / 2);
		if (calls[c].writes && page)
			read_only_target(&calls[c], page);
	}
	if (page) {
		string_field_clean("xen_version(extraversion)", extraversion_at, page,
				   XEN_EXTRAVERSION_LEN);
		string_field_clean("xen_version(capabilities)", capabilities_at, page,
				   XEN_CAPABILITIES_INFO_LEN);
		string_field_clean("xen_version(changeset)", changeset_at, page,
				   XEN_CHANGESET_INFO_LEN);
		/* compile_info's first field, then the other three. */
		string_field_clean("xen_version(compile_info).compiler", compile_info_at, page,
				   sizeof(((struct xen_compile_info *)0)->compiler));
	}
}

struct bad_call {
	const char *what;
	uint64_t nr, a1, a2, a3;
	long want;
};

void attack_badnr(void)
{
	static const char text[] = "0123456789abcdef";
	struct sched_shutdown bad_reason = { .reason = 99 };
	const uint64_t text_va = (uint64_t)(uintptr_t)text;
	const struct bad_call unknown[] = {
		{ "hypercall 0 (set_trap_table, PV only)", 0, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 2 (set_gdt, PV only)", 2, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 23 (iret, PV only)", 23, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 47 (unassigned)", 47, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 64 (past the table)", 64, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 1000", 1000, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 0xffffffff", 0xffffffffULL, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall 2^32 + xen_version (no truncation)",
		  (1ULL << 32) | __HYPERVISOR_xen_version, 0, 0, 0, -XEN_ENOSYS },
		{ "hypercall -1", ~0ULL, 0, 0, 0, -XEN_ENOSYS },
	};
	const uint64_t beyond = domain_mem_end() >> 12;
	/* memory_op(add_to_physmap) and init_control with bad arguments,
	 * answered with Xen's codes. */
	static struct xen_add_to_physmap xatp[6];
	static struct evtchn_init_control ic[5];
	const uint64_t own = (uint64_t)(uintptr_t)&ic[0] >> 12;

	xatp[0] = (struct xen_add_to_physmap){ DOMID_SELF, 0, XENMAPSPACE_shared_info, 1, own };
	xatp[1] = (struct xen_add_to_physmap){ DOMID_SELF, 0, 99, 0, own };
	xatp[2] = (struct xen_add_to_physmap){ DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, beyond };
	xatp[3] = (struct xen_add_to_physmap){ 1000, 0, XENMAPSPACE_shared_info, 0, own };
	xatp[4] = (struct xen_add_to_physmap){ DOMID_SELF, 0, XENMAPSPACE_grant_table, 64, own };
	xatp[5] = (struct xen_add_to_physmap){ DOMID_SELF, 0, XENMAPSPACE_grant_table,
					       0x80000000, own };
	ic[0] = (struct evtchn_init_control){ .control_gfn = own, .offset = 4096 - 64 };
	ic[1] = (struct evtchn_init_control){ .control_gfn = own, .offset = 4 };
	ic[2] = (struct evtchn_init_control){ .control_gfn = own, .vcpu = 99 };
	ic[3] = (struct evtchn_init_control){ .control_gfn = beyond };
	ic[4] = (struct evtchn_init_control){ .control_gfn = ~0ULL - 1 };
	static const domid_t self = DOMID_SELF, nobody = 1000;
	const struct bad_call subops[] = {
		{ "memory_op(99)", __HYPERVISOR_memory_op, 99, 0, 0, -XEN_ENOSYS },
		{ "current_reservation(self) is its RAM", __HYPERVISOR_memory_op,
		  XENMEM_current_reservation, (uint64_t)(uintptr_t)&self, 0,
		  (long)(domain_mem_end() >> 12) },
		{ "maximum_gpfn(self)", __HYPERVISOR_memory_op, XENMEM_maximum_gpfn,
		  (uint64_t)(uintptr_t)&self, 0, (long)(domain_mem_end() >> 12) - 1 },
		{ "current_reservation(domain 1000)", __HYPERVISOR_memory_op,
		  XENMEM_current_reservation, (uint64_t)(uintptr_t)&nobody, 0, -XEN_ESRCH },
		{ "add_to_physmap(shared_info, idx 1)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[0], 0, -XEN_EINVAL },
		{ "add_to_physmap(space 99)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[1], 0, -XEN_EINVAL },
		{ "add_to_physmap(shared_info past RAM)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[2], 0, -XEN_EINVAL },
		{ "add_to_physmap(domain 1000)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[3], 0, -XEN_ESRCH },
		{ "add_to_physmap(grant frame 64)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[4], 0, -XEN_EINVAL },
		{ "add_to_physmap(grant status frame)", __HYPERVISOR_memory_op,
		  XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&xatp[5], 0, -XEN_EINVAL },
		{ "init_control(offset past the page)", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_init_control, (uint64_t)(uintptr_t)&ic[0], 0, -XEN_EINVAL },
		{ "init_control(offset 4)", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_init_control, (uint64_t)(uintptr_t)&ic[1], 0, -XEN_EINVAL },
		{ "init_control(vcpu 99)", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_init_control, (uint64_t)(uintptr_t)&ic[2], 0, -XEN_ENOENT },
		{ "init_control(frame past RAM)", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_init_control, (uint64_t)(uintptr_t)&ic[3], 0, -XEN_EINVAL },
		{ "init_control(frame ~1)", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_init_control, (uint64_t)(uintptr_t)&ic[4], 0, -XEN_EINVAL },
		{ "event_channel_op(expand_array): no FIFO ABI", __HYPERVISOR_event_channel_op,
		  EVTCHNOP_expand_array, text_va, 0, -XEN_ENOSYS },
		{ "xen_version(build_id)", __HYPERVISOR_xen_version, XENVER_build_id,
		  text_va, 0, -XEN_EPERM },
		{ "console_io(read)", __HYPERVISOR_console_io, CONSOLEIO_read, 16, text_va,
		  -XEN_EPERM },
		{ "console_io(cmd 7)", __HYPERVISOR_console_io, 7, 16, text_va, -XEN_ENOSYS },
		{ "console_io(write, 1 MiB + 1 bytes)", __HYPERVISOR_console_io,
		  CONSOLEIO_write, (1ULL << 20) + 1, text_va, -XEN_EINVAL },
		{ "console_io(write, 2^63 bytes)", __HYPERVISOR_console_io, CONSOLEIO_write,
		  1ULL << 63, text_va, -XEN_EINVAL },
		{ "sched_op(99)", __HYPERVISOR_sched_op, 99, 0, 0, -XEN_ENOSYS },
		{ "sched_op(remote_shutdown)", __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
		  text_va, 0, -XEN_EPERM },
		{ "sched_op(shutdown, reason 99)", __HYPERVISOR_sched_op, SCHEDOP_shutdown,
		  (uint64_t)(uintptr_t)&bad_reason, 0, -XEN_EINVAL },
		{ "xen_version(99)", __HYPERVISOR_xen_version, 99, 0, 0, -XEN_ENOSYS },
		{ "xen_version(commandline)", __HYPERVISOR_xen_version, XENVER_commandline,
		  text_va, 0, -XEN_EPERM },
		{ "umbra_op(99)", __HYPERVISOR_umbra_op, 99, 0, 0, -XEN_ENOSYS },
	};
	unsigned int i;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		check_rc(unknown[i].what, hypercall_raw(unknown[i].nr, 0, 0, 0),
			 unknown[i].want);
		expected.hypercalls_bad++;
	}
	for (i = 0; i < sizeof(subops) / sizeof(subops[0]); i++)
		check_rc(subops[i].what, hypercall_raw(subops[i].nr, subops[i].a1,
						       subops[i].a2, subops[i].a3),
			 subops[i].want);
}
