/*
 * Bad pointers and lengths in every hypercall, table-driven: each pointer
 * argument of each hypercall a PV guest may make is given, in turn, an
 * address in the hypervisor's direct map and in its image, an unmapped
 * guest address, the hypercall page (execute-only: the hypervisor does
 * not read or write it for the guest) and a non-canonical address; then
 * counts and lengths that run off the end of what is mapped or past the
 * ABI's limits. Each call must get Xen's answer (-EFAULT, -EINVAL, or for
 * a batch the part done before the bad entry, as Xen reports it), change
 * nothing else, and the domain runs on. Failures are printed one each;
 * each class ends with one "ok:" (or "FAIL:") line, for pv.sh.
 * Both paging modes: frames are machine frames on shared page tables,
 * pseudo-physical ones (an identity p2m list) when translated.
 */
#include <stdbool.h>
#include <stddef.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/vcpu.h>
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pvtraps.h"

#define NONCANON	0x0000900000000000ULL
#define SENTINEL	0x5a5a5a5au

/* The pointer classes. */
static const struct {
	const char *what;
	uint64_t addr;		/* 0: the hypercall page */
	bool guest;		/* a guest address (Xen's guest_handle_okay) */
} classes[] = {
	{ "an address in the hypervisor's direct map (slot 262)", 0xffff830000100000ULL, false },
	{ "an address in the hypervisor's image (slot 511)", 0xffffffff80210000ULL, false },
	{ "an unmapped guest address", 0x7ff000000000ULL, true },
	{ "the hypercall page (execute-only)", 0, true },
	{ "a non-canonical address", NONCANON, false },
};
#define NR_CLASSES	(sizeof(classes) / sizeof(classes[0]))

static unsigned int cls;	/* the class being tried */
static unsigned int bad;	/* failures in this class */

static uint64_t class_addr(void)
{
	return classes[cls].addr ? classes[cls].addr : (uint64_t)(uintptr_t)hypercall_page;
}

static void fail(const char *row, long rc, const char *why)
{
	con_printf("pvtraps: FAIL: badptr: %s: %s: rc %ld%s%s\n", classes[cls].what, row, rc,
		   why ? ", " : "", why ? why : "");
	bad++;
}

/* A page of its own whose L1 entry mmu_update rewrites, and two pages of
 * which the second is unmapped while counts run off the first. */
static uint8_t spare[4096] __attribute__((aligned(4096)));
static uint8_t edge[2][4096] __attribute__((aligned(4096)));

static uint64_t frame_addr(const void *va)
{
	return mfn_of((uint64_t)(uintptr_t)va) << 12;
}

#define DATA_FLAGS	(PT_P | PT_U | PT_A | PT_NX)
#define RW_FLAGS	(DATA_FLAGS | PT_W | PT_D)

/* The request making spare read-only or writable (the entry's address
 * by machine or, translated, pseudo-physical frame). */
static struct mmu_update spare_update(bool writable)
{
	uint64_t e = (uint64_t)(uintptr_t)pvtraps_l1_entry((uint64_t)(uintptr_t)spare);

	return (struct mmu_update){ frame_addr((void *)(e & ~0xfffULL)) | (e & 0xfff),
				    frame_addr(spare) | (writable ? RW_FLAGS : DATA_FLAGS) };
}

static uint64_t spare_entry(void)
{
	return *pvtraps_l1_entry((uint64_t)(uintptr_t)spare) & ~(PT_A | PT_D);
}

/* Does spare's entry say read-only / writable, as spare_update made it? */
static bool spare_is(bool writable)
{
	return spare_entry() == (spare_update(writable).val & ~(PT_A | PT_D));
}

static void spare_set(bool writable)
{
	struct mmu_update u = spare_update(writable);

	hypercall4(__HYPERVISOR_mmu_update, &u, 1, NULL, DOMID_SELF);
}

/* A row: the call with p in the argument it names; ok() says whether
 * rc (and whatever else the row looks at) is Xen's answer. */
struct row {
	const char *what;
	long (*call)(uint64_t p);
	long want;			/* when ok is NULL */
	bool (*ok)(long rc, uint64_t p);
};

/* Rows whose answer is -EFAULT whatever the class. */
static long r_console(uint64_t p)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 16, p);
}

static long r_trap_table(uint64_t p)
{
	return hypercall1(__HYPERVISOR_set_trap_table, p);
}

static bool traps_intact(long rc, uint64_t p)
{
	(void)p;
	return rc == -XEN_EFAULT && RAISES("ud2", "i"(0)) == 6;
}

static unsigned int done_word;

/* mmu_update / mmuext_op with the request array at p: -EFAULT; the done
 * count is written back (0) when p is a guest address, left alone when
 * Xen's guest_handle_okay refuses p first. */
static long r_mmu_array(uint64_t p)
{
	done_word = SENTINEL;
	return hypercall4(__HYPERVISOR_mmu_update, p, 1, &done_word, DOMID_SELF);
}

static long r_mmuext_array(uint64_t p)
{
	done_word = SENTINEL;
	return hypercall4(__HYPERVISOR_mmuext_op, p, 1, &done_word, DOMID_SELF);
}

static bool array_refused(long rc, uint64_t p)
{
	(void)p;
	return rc == -XEN_EFAULT && done_word == (classes[cls].guest ? 0 : SENTINEL);
}

/* The done count at p: Xen makes the updates and ignores a count it
 * cannot write (0). */
static long r_mmu_pdone(uint64_t p)
{
	struct mmu_update u = spare_update(false);
	long rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, p, DOMID_SELF);

	if (rc == 0 && !spare_is(false))
		rc = 1;		/* not applied */
	spare_set(true);
	return rc;
}

static long r_mmuext_pdone(uint64_t p)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, p, DOMID_SELF);
}

/* MMUEXT_{TLB_FLUSH,INVLPG}_MULTI with the vCPU bitmap at p: Xen's
 * -EINVAL; the ops before it in the batch done. */
static long multi_op(unsigned int cmd, uint64_t p)
{
	struct mmuext_op op[2] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL }, { .cmd = cmd } };
	long rc;

	op[1].arg1.linear_addr = (uint64_t)(uintptr_t)spare;
	op[1].arg2.vcpumask = p;
	done_word = SENTINEL;
	rc = hypercall4(__HYPERVISOR_mmuext_op, op, 2, &done_word, DOMID_SELF);
	return rc == -XEN_EINVAL && done_word != 1 ? 1 : rc;
}

static long r_flush_multi(uint64_t p)
{
	return multi_op(MMUEXT_TLB_FLUSH_MULTI, p);
}

static long r_invlpg_multi(uint64_t p)
{
	return multi_op(MMUEXT_INVLPG_MULTI, p);
}

/* update_va_mapping with its vCPU bitmap (UVMF_MULTI) at p: -EFAULT, the
 * entry unchanged (Umbra reads the bitmap before it changes anything). */
static long r_uvm_mask(uint64_t p)
{
	uint64_t before = spare_entry();
	long rc = hypercall3(__HYPERVISOR_update_va_mapping, spare, frame_addr(spare) | DATA_FLAGS,
			     p | UVMF_INVLPG);

	return spare_entry() != before ? 1 : rc;
}

static long r_set_gdt(uint64_t p)
{
	return hypercall2(__HYPERVISOR_set_gdt, p, 16);
}

static long r_multicall(uint64_t p)
{
	return hypercall2(__HYPERVISOR_multicall, p, 1);
}

/* A call inside a multicall with its pointer at p: its -EFAULT in its
 * entry, the multicall itself 0. */
static long r_multicall_entry(uint64_t p)
{
	struct multicall_entry mc = { .op = __HYPERVISOR_console_io,
				      .args = { CONSOLEIO_write, 16, p } };
	long rc = hypercall2(__HYPERVISOR_multicall, &mc, 1);

	return rc ? rc : (long)mc.result;
}

static long r_callback_reg(uint64_t p)
{
	return hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, p);
}

static long r_callback_unreg(uint64_t p)
{
	return hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, p);
}

static long r_iopl(uint64_t p)
{
	return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, p);
}

static long vcpu_op(unsigned int cmd, uint64_t p)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, 0, p);
}

static long r_vcpu_info(uint64_t p) { return vcpu_op(VCPUOP_register_vcpu_info, p); }
static long r_vcpu_init(uint64_t p) { return vcpu_op(VCPUOP_initialise, p); }
static long r_vcpu_timer(uint64_t p) { return vcpu_op(VCPUOP_set_singleshot_timer, p); }
static long r_vcpu_runstate(uint64_t p) { return vcpu_op(VCPUOP_get_runstate_info, p); }
static long r_vcpu_runstate_area(uint64_t p) { return vcpu_op(VCPUOP_register_runstate_memory_area, p); }

static long version(unsigned int cmd, uint64_t p)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, p);
}

static long r_ver_extra(uint64_t p) { return version(XENVER_extraversion, p); }
static long r_ver_caps(uint64_t p) { return version(XENVER_capabilities, p); }
static long r_ver_compile(uint64_t p) { return version(XENVER_compile_info, p); }
static long r_ver_changeset(uint64_t p) { return version(XENVER_changeset, p); }
static long r_ver_platform(uint64_t p) { return version(XENVER_platform_parameters, p); }
static long r_ver_features(uint64_t p) { return version(XENVER_get_features, p); }
static long r_ver_handle(uint64_t p) { return version(XENVER_guest_handle, p); }
static long r_ver_version(uint64_t p) { return version(XENVER_version, p); }

static long memory_op(unsigned int cmd, uint64_t p)
{
	return hypercall2(__HYPERVISOR_memory_op, cmd, p);
}

static long r_mem_current(uint64_t p) { return memory_op(XENMEM_current_reservation, p); }
static long r_mem_maximum(uint64_t p) { return memory_op(XENMEM_maximum_reservation, p); }
static long r_mem_gpfn(uint64_t p) { return memory_op(XENMEM_maximum_gpfn, p); }
static long r_mem_map(uint64_t p) { return memory_op(XENMEM_memory_map, p); }
static long r_mem_physmap(uint64_t p) { return memory_op(XENMEM_add_to_physmap, p); }
static long r_mem_decrease(uint64_t p) { return memory_op(XENMEM_decrease_reservation, p); }

static long r_mem_map_buffer(uint64_t p)
{
	struct xen_memory_map m = { .nr_entries = 4, .buffer = p };

	return memory_op(XENMEM_memory_map, (uint64_t)(uintptr_t)&m);
}

/* decrease_reservation with its extent list at p: Xen stops at the
 * first extent it cannot read, 0 done. */
static long r_mem_extents(uint64_t p)
{
	struct xen_memory_reservation r = { p, 1, 0, 0, DOMID_SELF };

	return memory_op(XENMEM_decrease_reservation, (uint64_t)(uintptr_t)&r);
}

static long grant_op(unsigned int cmd, uint64_t p, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, p, count);
}

static long r_gnt_map(uint64_t p) { return grant_op(GNTTABOP_map_grant_ref, p, 1); }
static long r_gnt_unmap(uint64_t p) { return grant_op(GNTTABOP_unmap_grant_ref, p, 1); }
static long r_gnt_replace(uint64_t p) { return grant_op(GNTTABOP_unmap_and_replace, p, 1); }
static long r_gnt_copy(uint64_t p) { return grant_op(GNTTABOP_copy, p, 1); }
static long r_gnt_setup(uint64_t p) { return grant_op(GNTTABOP_setup_table, p, 1); }
static long r_gnt_query(uint64_t p) { return grant_op(GNTTABOP_query_size, p, 1); }
static long r_gnt_version(uint64_t p) { return grant_op(GNTTABOP_set_version, p, 1); }
static long r_gnt_get_version(uint64_t p) { return grant_op(GNTTABOP_get_version, p, 1); }
static long r_gnt_status(uint64_t p) { return grant_op(GNTTABOP_get_status_frames, p, 1); }

/* setup_table with its frame list at p: a list Xen's guest_handle_okay
 * refuses is -EFAULT; one at a guest address it cannot write is
 * GNTST_bad_virt_addr in the status. */
static int16_t setup_status;

static long r_gnt_frames(uint64_t p)
{
	struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = p };
	long rc = grant_op(GNTTABOP_setup_table, (uint64_t)(uintptr_t)&s, 1);

	setup_status = s.status;
	return rc;
}

static bool frames_refused(long rc, uint64_t p)
{
	(void)p;
	if (!classes[cls].guest)
		return rc == -XEN_EFAULT;
	return rc == 0 && setup_status == GNTST_bad_virt_addr;
}

static long evtchn(unsigned int cmd, uint64_t p)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, p);
}

static long r_ev_alloc(uint64_t p) { return evtchn(EVTCHNOP_alloc_unbound, p); }
static long r_ev_interdomain(uint64_t p) { return evtchn(EVTCHNOP_bind_interdomain, p); }
static long r_ev_virq(uint64_t p) { return evtchn(EVTCHNOP_bind_virq, p); }
static long r_ev_ipi(uint64_t p) { return evtchn(EVTCHNOP_bind_ipi, p); }
static long r_ev_close(uint64_t p) { return evtchn(EVTCHNOP_close, p); }
static long r_ev_send(uint64_t p) { return evtchn(EVTCHNOP_send, p); }
static long r_ev_status(uint64_t p) { return evtchn(EVTCHNOP_status, p); }
static long r_ev_vcpu(uint64_t p) { return evtchn(EVTCHNOP_bind_vcpu, p); }
static long r_ev_unmask(uint64_t p) { return evtchn(EVTCHNOP_unmask, p); }
static long r_ev_reset(uint64_t p) { return evtchn(EVTCHNOP_reset, p); }
static long r_ev_init(uint64_t p) { return evtchn(EVTCHNOP_init_control, p); }

static long r_sched_shutdown(uint64_t p) { return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, p); }
static long r_sched_poll(uint64_t p) { return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, p); }
static long r_sched_remote(uint64_t p) { return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, p); }

static long r_poll_ports(uint64_t p)
{
	struct sched_poll s = { .ports = p, .nr_ports = 1, .timeout = 0 };

	return hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &s);
}

static long r_umbra_identity(uint64_t p)
{
	return hypercall2(__HYPERVISOR_umbra_op, UMBRAOP_identity, p);
}

static bool version_ignores(long rc, uint64_t p)
{
	(void)p;
	return rc == 0x40011;
}

static bool zero_done(long rc, uint64_t p)
{
	(void)p;
	return rc == 0;
}

#define EFAULT_ROW(w, fn)	{ w, fn, -XEN_EFAULT, NULL }

static const struct row rows[] = {
	EFAULT_ROW("console_io write: its buffer", r_console),
	{ "set_trap_table: its table (the old one still works)", r_trap_table, 0, traps_intact },
	{ "mmu_update: its request array", r_mmu_array, 0, array_refused },
	{ "mmu_update: its done count (ignored, the update made)", r_mmu_pdone, 0, NULL },
	{ "mmuext_op: its op array", r_mmuext_array, 0, array_refused },
	{ "mmuext_op: its done count (ignored)", r_mmuext_pdone, 0, NULL },
	{ "mmuext_op TLB_FLUSH_MULTI: its vCPU bitmap (the op before it done)", r_flush_multi,
	  -XEN_EINVAL, NULL },
	{ "mmuext_op INVLPG_MULTI: its vCPU bitmap (the op before it done)", r_invlpg_multi,
	  -XEN_EINVAL, NULL },
	EFAULT_ROW("update_va_mapping UVMF_MULTI: its vCPU bitmap (the entry unchanged)", r_uvm_mask),
	EFAULT_ROW("set_gdt: its frame list", r_set_gdt),
	EFAULT_ROW("multicall: its call list", r_multicall),
	EFAULT_ROW("multicall: a console_io in it (the entry's result)", r_multicall_entry),
	EFAULT_ROW("callback_op register", r_callback_reg),
	EFAULT_ROW("callback_op unregister", r_callback_unreg),
	EFAULT_ROW("physdev_op set_iopl", r_iopl),
	EFAULT_ROW("vcpu_op register_vcpu_info", r_vcpu_info),
	EFAULT_ROW("vcpu_op initialise (vCPU 0: read before -EEXIST)", r_vcpu_init),
	EFAULT_ROW("vcpu_op set_singleshot_timer", r_vcpu_timer),
	EFAULT_ROW("vcpu_op get_runstate_info", r_vcpu_runstate),
	EFAULT_ROW("vcpu_op register_runstate_memory_area", r_vcpu_runstate_area),
	EFAULT_ROW("xen_version extraversion", r_ver_extra),
	EFAULT_ROW("xen_version capabilities", r_ver_caps),
	EFAULT_ROW("xen_version compile_info", r_ver_compile),
	EFAULT_ROW("xen_version changeset", r_ver_changeset),
	EFAULT_ROW("xen_version platform_parameters", r_ver_platform),
	EFAULT_ROW("xen_version get_features", r_ver_features),
	EFAULT_ROW("xen_version guest_handle", r_ver_handle),
	{ "xen_version version (no pointer: ignored)", r_ver_version, 0, version_ignores },
	EFAULT_ROW("memory_op current_reservation", r_mem_current),
	EFAULT_ROW("memory_op maximum_reservation", r_mem_maximum),
	EFAULT_ROW("memory_op maximum_gpfn", r_mem_gpfn),
	EFAULT_ROW("memory_op memory_map", r_mem_map),
	EFAULT_ROW("memory_op memory_map: its buffer", r_mem_map_buffer),
	EFAULT_ROW("memory_op add_to_physmap", r_mem_physmap),
	{ "memory_op decrease_reservation (Xen: 0 extents done)", r_mem_decrease, 0, zero_done },
	{ "memory_op decrease_reservation: its extent list (0 done)", r_mem_extents, 0, zero_done },
	EFAULT_ROW("grant_table_op map_grant_ref: its op array", r_gnt_map),
	EFAULT_ROW("grant_table_op unmap_grant_ref: its op array", r_gnt_unmap),
	EFAULT_ROW("grant_table_op unmap_and_replace: its op array", r_gnt_replace),
	EFAULT_ROW("grant_table_op copy: its op array", r_gnt_copy),
	EFAULT_ROW("grant_table_op setup_table", r_gnt_setup),
	{ "grant_table_op setup_table: its frame list", r_gnt_frames, 0, frames_refused },
	EFAULT_ROW("grant_table_op query_size", r_gnt_query),
	EFAULT_ROW("grant_table_op set_version", r_gnt_version),
	EFAULT_ROW("grant_table_op get_version", r_gnt_get_version),
	EFAULT_ROW("grant_table_op get_status_frames", r_gnt_status),
	EFAULT_ROW("event_channel_op alloc_unbound", r_ev_alloc),
	EFAULT_ROW("event_channel_op bind_interdomain", r_ev_interdomain),
	EFAULT_ROW("event_channel_op bind_virq", r_ev_virq),
	EFAULT_ROW("event_channel_op bind_ipi", r_ev_ipi),
	EFAULT_ROW("event_channel_op close", r_ev_close),
	EFAULT_ROW("event_channel_op send", r_ev_send),
	EFAULT_ROW("event_channel_op status", r_ev_status),
	EFAULT_ROW("event_channel_op bind_vcpu", r_ev_vcpu),
	EFAULT_ROW("event_channel_op unmask", r_ev_unmask),
	EFAULT_ROW("event_channel_op reset", r_ev_reset),
	EFAULT_ROW("event_channel_op init_control", r_ev_init),
	EFAULT_ROW("sched_op shutdown", r_sched_shutdown),
	EFAULT_ROW("sched_op poll", r_sched_poll),
	EFAULT_ROW("sched_op poll: its port list", r_poll_ports),
	EFAULT_ROW("sched_op remote_shutdown (read before the permission check)", r_sched_remote),
	EFAULT_ROW("umbra_op identity", r_umbra_identity),
};
#define NR_ROWS		(sizeof(rows) / sizeof(rows[0]))

static void run_class(void)
{
	uint64_t p = class_addr();
	unsigned int before = failures;

	bad = 0;
	for (unsigned int i = 0; i < NR_ROWS; i++) {
		long rc = rows[i].call(p);
		bool ok = rows[i].ok ? rows[i].ok(rc, p) : rc == rows[i].want;

		if (!ok)
			fail(rows[i].what, rc, NULL);
	}
	failures = before;
	con_printf("pvtraps: %s: badptr: %s: %u pointer arguments, each refused as Xen refuses it\n",
		   bad ? "FAIL" : "ok", classes[cls].what, (unsigned int)NR_ROWS);
	failures += bad != 0;
}

/* The second edge page unmapped while a count runs off the first; the
 * last `bytes` of the first page are what the call can read. */
static void *edge_tail(size_t bytes)
{
	return &edge[0][4096 - bytes];
}

static long edge_unmap(void)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, edge[1], 0, UVMF_INVLPG);
}

static long edge_remap(void)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, edge[1], frame_addr(edge[1]) | RW_FLAGS,
			  UVMF_INVLPG);
}

static const char *group = "counts";	/* of the checks below */

static void check(bool ok, const char *what, long rc)
{
	if (!ok) {
		con_printf("pvtraps: FAIL: badptr: %s: %s: rc %ld\n", group, what, rc);
		bad++;
	}
}

/* mmu_update, mmuext_op, multicall, grant maps, set_trap_table with a
 * count that runs off the mapped page: the entries before it are done
 * and reported as Xen reports them, then -EFAULT. */
static void check_runoff(void)
{
	struct mmu_update *u = edge_tail(3 * sizeof(*u));
	struct mmuext_op *op = edge_tail(3 * sizeof(*op));
	struct multicall_entry *mc = edge_tail(2 * sizeof(*mc));
	struct gnttab_map_grant_ref *m = edge_tail(2 * sizeof(*m));
	struct trap_info *t = edge_tail(sizeof(*t));
	extern char minios_trap_6[];
	char *text = edge_tail(16);
	long rc;

	for (unsigned int i = 0; i < 3; i++)
		u[i] = spare_update(i != 2);
	done_word = SENTINEL;
	rc = hypercall4(__HYPERVISOR_mmu_update, u, 0x7fffffff, &done_word, DOMID_SELF);
	check(rc == -XEN_EFAULT && done_word == 3 && spare_is(false),
	      "mmu_update of 2^31-1 requests, 3 readable: -EFAULT, 3 done and reported", rc);
	if (done_word != 3)
		con_printf("pvtraps: (done %u)\n", done_word);
	spare_set(true);

	for (unsigned int i = 0; i < 3; i++)
		op[i] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	done_word = SENTINEL;
	rc = hypercall4(__HYPERVISOR_mmuext_op, op, 0x7fffffff, &done_word, DOMID_SELF);
	check(rc == -XEN_EFAULT && done_word == 3,
	      "mmuext_op of 2^31-1 ops, 3 readable: -EFAULT, 3 done and reported", rc);

	for (unsigned int i = 0; i < 2; i++)
		mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
						  .result = SENTINEL, .args = { XENVER_version } };
	rc = hypercall2(__HYPERVISOR_multicall, mc, 0xffffffffu);
	check(rc == -XEN_EFAULT && mc[0].result == 0x40011 && mc[1].result == 0x40011,
	      "multicall of 2^32-1 entries, 2 readable: -EFAULT, both results written", rc);

	for (unsigned int i = 0; i < 2; i++)
		m[i] = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)(uintptr_t)spare,
						      .flags = GNTMAP_host_map, .ref = 1,
						      .dom = DOMID_SELF, .status = 1 };
	rc = grant_op(GNTTABOP_map_grant_ref, (uint64_t)(uintptr_t)m, 0x7fffffff);
	check(rc == -XEN_EFAULT && m[0].status == GNTST_bad_domain && m[1].status == GNTST_bad_domain,
	      "grant map of 2^31-1 ops, 2 readable: -EFAULT, both statuses written", rc);
	rc = grant_op(GNTTABOP_map_grant_ref, (uint64_t)(uintptr_t)m, 0x80000000u);
	check(rc == -XEN_EINVAL, "grant map with a negative count (2^31): -EINVAL", rc);

	/* A trap table without its terminator: the entry read is taken
	 * (Xen's loop sets each as it reads it), then -EFAULT. */
	*t = (struct trap_info){ 6, 0, FLAT_KERNEL_CS, (uint64_t)(uintptr_t)minios_trap_6 };
	rc = hypercall1(__HYPERVISOR_set_trap_table, t);
	check(rc == -XEN_EFAULT && RAISES("ud2", "i"(0)) == 6,
	      "set_trap_table running off the page before its terminator: -EFAULT, #UD still bounced", rc);

	memcpy(text, "badptr: partial\n", 16);
	rc = hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 64, text);
	check(rc == -XEN_EFAULT, "console_io of 64 bytes, 16 readable: -EFAULT", rc);
}

/* Counts and lengths past the ABI's limits. */
static void check_limits(void)
{
	uint32_t port = 1;
	struct sched_poll s = { .ports = (uint64_t)(uintptr_t)&port, .nr_ports = 129 };
	uint64_t list[1] = { 0 };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 0xffffffffu,
					 .frame_list = (uint64_t)(uintptr_t)list };
	long rc;

	rc = hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, ~0ULL, spare);
	check(rc == -XEN_EINVAL, "console_io of 2^64-1 bytes: -EINVAL", rc);
	rc = hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &s);
	check(rc == -XEN_EINVAL, "sched_op poll of 129 ports: -EINVAL", rc);
	s.nr_ports = 0xffffffffu;
	rc = hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &s);
	check(rc == -XEN_EINVAL, "sched_op poll of 2^32-1 ports: -EINVAL", rc);
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 0xffffffffu);
	check(rc == -XEN_EINVAL, "set_gdt of 2^32-1 entries: -EINVAL", rc);
	rc = grant_op(GNTTABOP_setup_table, (uint64_t)(uintptr_t)&st, 1);
	check(rc == 0 && st.status == GNTST_general_error && list[0] == 0,
	      "grant setup_table of 2^32-1 frames: GNTST_general_error, nothing written", rc);
	rc = grant_op(GNTTABOP_query_size, (uint64_t)(uintptr_t)&st, 2);
	check(rc == -XEN_EINVAL, "grant query_size with count 2: -EINVAL", rc);
	/* A count saying "continued" whose done count cannot be read back:
	 * Xen starts from 0 and makes the request. */
	{
		struct mmu_update u = spare_update(false);

		rc = hypercall4(__HYPERVISOR_mmu_update, &u, 0x80000001u, classes[2].addr, DOMID_SELF);
		check(rc == 0 && spare_is(false),
		      "mmu_update continued with its done count unmapped: the request made, 0", rc);
		spare_set(true);
	}
}

/* What the hypervisor writes, asked to write into a page of its own the
 * guest has mapped read-only: -EFAULT (or Xen's answer for that
 * argument), and not a byte of the page changes. The page holds a
 * multicall entry (a harmless xen_version) and a pattern. */
static uint8_t ro_page[4096] __attribute__((aligned(4096)));

static long ro_remap(uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, ro_page, frame_addr(ro_page) | flags,
			  UVMF_INVLPG);
}

static void check_read_only(void)
{
	uint64_t p = (uint64_t)(uintptr_t)ro_page;
	struct multicall_entry *mc = (struct multicall_entry *)ro_page;
	struct xen_memory_map mm = { .nr_entries = 4, .buffer = p };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = p };
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	static const unsigned int ver[] = { XENVER_extraversion, XENVER_capabilities,
					    XENVER_compile_info, XENVER_changeset,
					    XENVER_platform_parameters, XENVER_get_features,
					    XENVER_guest_handle };
	struct mmu_update u = spare_update(false);
	bool same = true;
	long rc;

	group = "a read-only page of its own";
	memset(ro_page, 0xa5, sizeof(ro_page));
	*mc = (struct multicall_entry){ .op = __HYPERVISOR_xen_version, .result = SENTINEL,
					.args = { XENVER_version } };
	check(ro_remap(DATA_FLAGS) == 0, "the page remapped read-only", 0);
	for (unsigned int i = 0; i < sizeof(ver) / sizeof(ver[0]); i++) {
		rc = version(ver[i], p);
		check(rc == -XEN_EFAULT, "xen_version's answer into it: -EFAULT", rc);
	}
	rc = vcpu_op(VCPUOP_get_runstate_info, p);
	check(rc == -XEN_EFAULT, "vcpu_op get_runstate_info into it: -EFAULT", rc);
	rc = r_umbra_identity(p);
	check(rc == -XEN_EFAULT, "umbra_op identity into it: -EFAULT", rc);
	rc = memory_op(XENMEM_memory_map, (uint64_t)(uintptr_t)&mm);
	check(rc == -XEN_EFAULT, "memory_map's entries into it: -EFAULT", rc);
	rc = grant_op(GNTTABOP_setup_table, (uint64_t)(uintptr_t)&st, 1);
	check(rc == 0 && st.status == GNTST_bad_virt_addr,
	      "setup_table's frame list in it: GNTST_bad_virt_addr", rc);
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, p, DOMID_SELF);
	check(rc == 0 && spare_is(false), "mmu_update's done count in it: passed over, the update made", rc);
	spare_set(true);
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, p, DOMID_SELF);
	check(rc == 0, "mmuext_op's done count in it: passed over", rc);
	rc = hypercall2(__HYPERVISOR_multicall, p, 1);
	check(rc == -XEN_EFAULT, "a multicall list in it (its result cannot be written): -EFAULT", rc);
	same = mc->op == __HYPERVISOR_xen_version && mc->result == SENTINEL;
	for (unsigned int i = sizeof(*mc); i < sizeof(ro_page); i++)
		same = same && ro_page[i] == 0xa5;
	check(same, "not a byte of the page changed", 0);
	check(ro_remap(RW_FLAGS) == 0, "the page writable again", 0);
}

void check_bad_pointers(void)
{
	unsigned int before;

	for (cls = 0; cls < NR_CLASSES; cls++)
		run_class();
	before = failures;
	bad = 0;
	check(edge_unmap() == 0, "the edge's second page unmapped", 0);
	check_runoff();
	check(edge_remap() == 0, "the edge's second page mapped back", 0);
	check_limits();
	failures = before + (bad != 0);
	con_printf("pvtraps: %s: badptr: counts and lengths that run off the mapped page or past the "
		   "ABI's limits: the part before it done and reported, then -EFAULT or -EINVAL\n",
		   bad ? "FAIL" : "ok");
	bad = 0;
	check_read_only();
	failures = before + (bad != 0);
	con_printf("pvtraps: %s: badptr: answers written into a read-only page of its own: -EFAULT "
		   "(done counts passed over, a frame list GNTST_bad_virt_addr), the page unchanged\n",
		   bad ? "FAIL" : "ok");
	expect(RAISES("ud2", "i"(0)) == 6 && spare_is(true),
	       "badptr: after it all its trap table and page tables are as they were");
}
