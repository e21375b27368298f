/*
 * pvsmp: a PV domain with two vCPUs (boot it with vcpus=2; docs/pv.md).
 * vCPU 0 checks that vCPU 1 starts down, that VCPUOP_initialise refuses
 * bad contexts, bad vCPU ids and a CR3 that is not a valid L4 with Xen's
 * errors (and leaves vCPU 1 as it was), then brings vCPU 1 up with
 * VCPUOP_initialise and VCPUOP_up. Both count; they pass events to and
 * fro over IPI ports bound to each other; vCPU 0 changes the mapping of a
 * page vCPU 1 keeps reading and flushes every vCPU's TLB (three ways:
 * update_va_mapping with UVMF_ALL, with a vCPU mask, MMUEXT_INVLPG_ALL)
 * and vCPU 1 must see the new page at once. vCPU 1 runs on page tables,
 * a GDT and an LDT of its own (own.c: the LDT of its context, a
 * descriptor changed under it, grants mapped in its own tables). Then
 * VCPUOP_down and _up of
 * vCPU 1 from vCPU 0, vCPU 1 taking itself down, and the last vCPU up
 * going down, which powers the domain off. vCPU 1 prints nothing (the
 * console buffer is vCPU 0's); one line per check.
 */
#include <public/arch-x86/vcpu-context.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pvsmp.h"

const char guest_name[] = "pvsmp";

#define ROUNDS		20		/* events each way */
#define MAGIC_A		0xa1a1a1a1a1a1a1a1ULL
#define MAGIC_B		0xb2b2b2b2b2b2b2b2ULL
#define HV_ADDR		0xffff830000000000ULL	/* the hypervisor's direct map */
#define NONCANON	0x0000900000000000ULL

extern char minios_trap_6[], minios_trap_13[], minios_trap_14[];

static struct vcpu_guest_context ctx;
static struct shared_info *shared;
static const struct start_info *si;

/* Shared between the vCPUs. */
static volatile uint64_t count1, phase, acked, report[8];
static volatile uint32_t port_to1, port_to0, v1_received, v1_go_down;
static uint8_t stack1[16384] __attribute__((aligned(16)));
/* The window vCPU 1 reads, and the pages it is made to show. */
static volatile uint64_t window[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
static uint64_t bad_l4[512] __attribute__((aligned(4096)));


static long vcpu_op(unsigned int cmd, uint64_t id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static int pending(uint32_t port)
{
	return (int)((__atomic_load_n(&shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
		      (port % 64)) & 1);
}

static void take(uint32_t port)
{
	__atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1ULL << (port % 64)),
			   __ATOMIC_SEQ_CST);
}

static int wait_pending(uint32_t port)
{
	for (unsigned long i = 0; i < SPIN; i++)
		if (pending(port))
			return 1;
	return 0;
}

/* Was an upcall raised for vCPU id? Cleared as a kernel's upcall
 * handler does (the selector too, so that the next event raises it). */
static unsigned int ack_vcpu(unsigned int id)
{
	struct vcpu_info *vi = &shared->vcpu_info[id];
	unsigned int was = 0;

	/* The sender's pCPU sets the port's bit first, the vCPU's flag
	 * after: give it the time to. */
	for (unsigned long i = 0; i < 1000000 && !was; i++)
		was = __atomic_exchange_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);

	__atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	return was;
}

static void send(uint32_t port)
{
	struct evtchn_send s = { .port = port };

	evtchn_op(EVTCHNOP_send, &s);
}

/* vCPU 1: counts, answers each event on its port with one to vCPU 0,
 * reports what the window shows when the phase changes, and takes
 * itself down when told to. Never prints. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	uint64_t seen_phase = 0;

	own_vcpu1_start();
	for (;;) {
		uint64_t p = phase;

		count1++;
		own_vcpu1_poll();
		(void)window[0];		/* keep its translation cached */
		if (p != seen_phase) {
			report[p & 7] = window[0];
			seen_phase = p;
			acked = p;
		}
		if (port_to1 && pending(port_to1)) {
			/* Raised for this vCPU: its vcpu_info says so. */
			v1_received += ack_vcpu(1);
			take(port_to1);
			send(port_to0);
		}
		if (v1_go_down) {
			v1_go_down = 0;
			vcpu_op(VCPUOP_down, 1, NULL);
		}
	}
}

/* A context that brings vCPU 1 up at vcpu1_main, on its own tables,
 * GDT and LDT. */
static void good_context(void)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_IN_KERNEL;
	ctx.user_regs.rip = (uint64_t)(uintptr_t)vcpu1_main;
	/* As after a call: the return address slot below a 16-byte boundary. */
	ctx.user_regs.rsp = (uint64_t)(uintptr_t)(stack1 + sizeof(stack1)) - 8;
	ctx.user_regs.cs = FLAT_KERNEL_CS;
	ctx.user_regs.ss = FLAT_KERNEL_SS;
	ctx.user_regs.rflags = 0x200;
	ctx.kernel_ss = FLAT_KERNEL_SS;
	ctx.kernel_sp = ctx.user_regs.rsp;
	own_context(&ctx);
	ctx.trap_ctxt[6] = (struct trap_info){ 6, 0, FLAT_KERNEL_CS, (uint64_t)(uintptr_t)minios_trap_6 };
	ctx.trap_ctxt[13] = (struct trap_info){ 13, 0, FLAT_KERNEL_CS, (uint64_t)(uintptr_t)minios_trap_13 };
	ctx.trap_ctxt[14] = (struct trap_info){ 14, 0, FLAT_KERNEL_CS, (uint64_t)(uintptr_t)minios_trap_14 };
}

static void refused(long want, const char *what)
{
	long rc = vcpu_op(VCPUOP_initialise, 1, &ctx);

	con_printf("pvsmp: %s: VCPUOP_initialise with %s: %ld\n", rc == want ? "ok" : "FAIL",
		   what, rc);
	failures += rc != want;
	good_context();
}

/* Every refusal leaves vCPU 1 down and uninitialised (the good context
 * is accepted afterwards, not -EEXIST). */
static void hostile(void)
{
	good_context();
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "vCPU 1 is down at start");
	expect(vcpu_op(VCPUOP_is_up, 0, NULL) == 1, "vCPU 0 is up");
	expect(vcpu_op(VCPUOP_up, 1, NULL) == -XEN_EINVAL, "VCPUOP_up before VCPUOP_initialise: -EINVAL");
	expect(vcpu_op(VCPUOP_initialise, 2, &ctx) == -XEN_ENOENT, "vCPU 2 of 2: -ENOENT");
	expect(vcpu_op(VCPUOP_up, 0xffffffffULL, NULL) == -XEN_ENOENT, "vCPU 0xffffffff: -ENOENT");
	expect(vcpu_op(VCPUOP_initialise, 0, &ctx) == -XEN_EEXIST, "initialising the running vCPU 0: -EEXIST");
	expect(vcpu_op(VCPUOP_initialise, 1, (void *)HV_ADDR) == -XEN_EFAULT,
	       "a context in the hypervisor: -EFAULT");
	ctx.user_regs.rip = NONCANON;
	refused(-XEN_EINVAL, "a non-canonical RIP");
	ctx.kernel_sp = NONCANON;
	refused(-XEN_EINVAL, "a non-canonical kernel stack");
	ctx.event_callback_eip = HV_ADDR;
	refused(-XEN_EINVAL, "an event callback in the hypervisor");
	ctx.trap_ctxt[3] = (struct trap_info){ 3, 3, FLAT_KERNEL_CS, HV_ADDR };
	refused(-XEN_EINVAL, "a trap handler in the hypervisor");
	ctx.trap_ctxt[3] = (struct trap_info){ 3, 3, 0xe008, (uint64_t)(uintptr_t)minios_trap_6 };
	refused(-XEN_EINVAL, "a trap handler on the hypervisor's code segment");
	ctx.fs_base = HV_ADDR;
	refused(-XEN_EINVAL, "an FS base in the hypervisor");
	ctx.debugreg[0] = HV_ADDR;
	refused(-XEN_EINVAL, "a breakpoint address in the hypervisor");
	ctx.debugreg[7] = 1ULL << 13;
	refused(-XEN_EINVAL, "DR7.GD set");
	ctx.gdt_ents = 8000;
	refused(-XEN_EINVAL, "8000 GDT entries (7168 at most)");
	ctx.ldt_base = 0x1008;
	refused(-XEN_EINVAL, "an LDT base not page-aligned");
	own_hostile(&ctx, refused);
	ctx.flags = 0;
	refused(-XEN_EINVAL, "user mode without user page tables");
	/* No LDT in these: the L4 itself must be what is refused. */
	ctx.ldt_ents = 0;
	ctx.ctrlreg[3] = 0x7fff0000000ULL;
	refused(-XEN_EINVAL, "a CR3 beyond its memory");
	if (!pt_translated()) {
		/* Shared page tables validate the L4: a writable page, a
		 * frame that is not the domain's, a table naming another's
		 * frame. */
		ctx.ldt_ents = 0;
		ctx.ctrlreg[3] = pt_frame(page_a);
		refused(-XEN_EINVAL, "a CR3 that is a writable page of its own");
		ctx.ldt_ents = 0;
		ctx.ctrlreg[3] = 0x1000;
		refused(-XEN_EINVAL, "a CR3 that is not its own frame");
		bad_l4[5] = 0x2000 | PT_P | PT_W | PT_U;
		expect(pt_make_table(bad_l4) == 0, "a would-be L4 made read-only");
		ctx.ldt_ents = 0;
		ctx.ctrlreg[3] = pt_frame(bad_l4);
		refused(-XEN_EINVAL, "a CR3 whose L4 maps a frame not its own");
	}
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "vCPU 1 still down after the refusals");
}

static long map_window(uint64_t *page, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)window,
			  pt_frame(page) | PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX, flags);
}

static int phase_seen(uint64_t p)
{
	phase = p;
	for (unsigned long i = 0; i < SPIN; i++)
		if (acked == p)
			return 1;
	return 0;
}

/* Remap the window to the other page, flush every vCPU the way `how`
 * says, and check vCPU 1 reads the new page at once. */
static void shootdown(uint64_t p, uint64_t *page, uint64_t magic, int how, const char *what)
{
	static uint64_t mask = 1ULL << 1;
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_ALL };
	unsigned int done;
	long rc;

	if (how == 0)
		rc = map_window(page, UVMF_INVLPG | UVMF_ALL);
	else if (how == 1)
		rc = map_window(page, UVMF_INVLPG | (uint64_t)(uintptr_t)&mask);
	else {
		rc = map_window(page, UVMF_INVLPG);
		op.arg1.linear_addr = (uint64_t)(uintptr_t)window;
		if (!rc)
			rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
	}
	con_printf("pvsmp: %s: remapped with %s: %ld\n", rc ? "FAIL" : "ok", what, rc);
	failures += rc != 0;
	if (!phase_seen(p)) {
		expect(0, "vCPU 1 answers the phase change");
		return;
	}
	con_printf("pvsmp: %s: vCPU 1 sees the new page after %s (%#lx)\n",
		   report[p & 7] == magic ? "ok" : "FAIL", what, (unsigned long)report[p & 7]);
	failures += report[p & 7] != magic;
}

static void events(void)
{
	struct evtchn_bind_ipi to1 = { .vcpu = 1 }, to0 = { .vcpu = 0 };
	unsigned int back = 0, on0 = 0;

	expect(evtchn_op(EVTCHNOP_bind_ipi, &to0) == 0 && evtchn_op(EVTCHNOP_bind_ipi, &to1) == 0,
	       "IPI ports bound to vCPU 0 and to vCPU 1");
	port_to0 = to0.port;
	port_to1 = to1.port;
	for (unsigned int i = 0; i < ROUNDS; i++) {
		send(port_to1);
		if (!wait_pending(port_to0))
			break;
		on0 += ack_vcpu(0);
		take(port_to0);
		back++;
	}
	con_printf("pvsmp: %s: %u of %u events answered by vCPU 1\n",
		   back == ROUNDS ? "ok" : "FAIL", back, ROUNDS);
	failures += back != ROUNDS;
	expect(v1_received == ROUNDS, "each event to vCPU 1 was raised in vCPU 1's vcpu_info");
	expect(on0 == ROUNDS, "each answer was raised in vCPU 0's vcpu_info");
}

static int counting(void)
{
	uint64_t before = count1;

	for (unsigned long i = 0; i < SPIN; i++)
		if (count1 - before > 1000)
			return 1;
	return 0;
}

static void down_up(void)
{
	uint64_t c;

	expect(vcpu_op(VCPUOP_down, 1, NULL) == 0, "VCPUOP_down of vCPU 1 from vCPU 0");
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "vCPU 1 is down");
	/* It leaves its pCPU at the kick, a moment after the call (longer
	 * when the host is busy): it has stopped once its count holds
	 * still for a while. */
	for (unsigned int tries = 0; tries < 50; tries++) {
		c = count1;
		for (volatile unsigned long i = 0; i < 2000000; i++)
			;
		if (count1 == c)
			break;
	}
	expect(count1 == c, "vCPU 1 stopped counting");
	expect(vcpu_op(VCPUOP_up, 1, NULL) == 0 && vcpu_op(VCPUOP_is_up, 1, NULL) == 1,
	       "VCPUOP_up brings it back");
	expect(counting(), "vCPU 1 counts again, from where it stopped");
	v1_go_down = 1;
	for (unsigned long i = 0; i < SPIN && vcpu_op(VCPUOP_is_up, 1, NULL); i++)
		hv_sched_op(SCHEDOP_yield, NULL);
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "vCPU 1 took itself down");
}

int guest_main(const struct start_info *start)
{
	si = start;
	shared = shared_info_map(si);
	expect(shared && trap_init() == 0 && pt_init(si) == 0, "shared_info, trap table, paging");
	if (!shared)
		return SHUTDOWN_crash;
	expect(own_build(si) == 0, "vCPU 1's own page tables, GDT and LDT pages");
	page_a[0] = MAGIC_A;
	page_b[0] = MAGIC_B;
	hostile();
	good_context();
	expect(map_window(page_a, UVMF_INVLPG) == 0 && window[0] == MAGIC_A,
	       "the window shows page A");
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx) == 0, "VCPUOP_initialise of vCPU 1");
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx) == -XEN_EEXIST, "initialising it twice: -EEXIST");
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 0, "initialised, still down");
	expect(vcpu_op(VCPUOP_up, 1, NULL) == 0, "VCPUOP_up of vCPU 1");
	expect(vcpu_op(VCPUOP_is_up, 1, NULL) == 1, "vCPU 1 is up");
	expect(vcpu_op(VCPUOP_is_up, (1ULL << 32) | 1, NULL) == 1,
	       "the vCPU id is 32 bits, as in Xen: (1 << 32) | 1 is vCPU 1");
	expect(counting(), "vCPU 1 runs and counts");
	own_check_ldt();
	expect(phase_seen(1) && report[1] == MAGIC_A, "vCPU 1 reads page A through the window");
	events();
	shootdown(2, page_b, MAGIC_B, 0, "UVMF_ALL");
	shootdown(3, page_a, MAGIC_A, 1, "a vCPU mask");
	shootdown(4, page_b, MAGIC_B, 2, "MMUEXT_INVLPG_ALL");
	own_check_descriptors();
	own_check_grants();
	down_up();
	con_printf("pvsmp: %u checks failed; taking the last vCPU down\n", failures);
	vcpu_op(VCPUOP_down, 0, NULL);
	expect(0, "the last vCPU going down powers the domain off");
	return SHUTDOWN_crash;
}
