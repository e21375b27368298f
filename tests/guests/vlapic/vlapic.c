/*
 * vlapic: the virtual local APIC through its xAPIC page, as a Xen HVM
 * guest uses it: registers at reset, self-IPIs (IRR, ISR, EOI, once
 * each), priority order, TPR masking, ESR, the LVT timer one-shot and
 * periodic, an APIC vector and the event callback vector pending
 * together, and the APIC base MSR. hostile.c tries odd accesses.
 *   slack_ms=N   timer lateness tolerated (default 300)
 *   ipi=1        (with vcpus=2) an IPI to vCPU 1 and its answer (ipi.c)
 *   sipi=1       (with vcpus=2) only this: vCPU 1 started by INIT and
 *                STARTUP IPIs into real mode (sipi.c)
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>

#include "cpu.h"
#include "hypercall.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"
#include "vlapic.h"

const char guest_name[] = "vlapic";

#define MSR_APIC_BASE	0x1b
#define CALLBACK_VECTOR	0xf3

volatile uint32_t irq_count[256];
static volatile uint32_t order[8], norder;
static volatile bool isr_seen_bad, no_eoi;
static unsigned int passed, failed;

void irq_stub_0x30(void), irq_stub_0x45(void), irq_stub_0x50(void), irq_stub_0x51(void);
void irq_stub_0x60(void), irq_stub_0x70(void), irq_stub_0x80(void), irq_stub_0xf3(void);

void check(bool ok, const char *what, uint64_t got)
{
	con_printf("vlapic: %s %s (%#lx)\n", ok ? "PASS" : "FAIL", what, (unsigned long)got);
	if (ok)
		passed++;
	else
		failed++;
}

static bool isr_has(unsigned int vec)
{
	return (apic_rd(0x100 + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

static bool irr_has(unsigned int vec)
{
	return (apic_rd(0x200 + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

void __attribute__((used)) vlapic_irq(uint64_t vec)
{
	irq_count[vec]++;
	if (norder < 8)
		order[norder++] = (uint32_t)vec;
	if (vec == CALLBACK_VECTOR)
		return;		/* the upcall: V_IRQ, no EOI */
	if (!isr_has((unsigned int)vec))
		isr_seen_bad = true;
	apic_wr(0xb0, 0);
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void open_window(void)
{
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
}

static void self_ipi(uint8_t vec)
{
	apic_wr(0x300, 0x40000u | vec);
}

static void reset_cases(void)
{
	check(rdmsr(MSR_APIC_BASE) == 0xfee00900, "APIC base MSR at reset", rdmsr(MSR_APIC_BASE));
	check(apic_rd(0x20) == 0, "ID of vCPU 0", apic_rd(0x20));
	check(apic_rd(0x30) == 0x00050014, "version as Xen's", apic_rd(0x30));
	check(apic_rd(0xf0) == 0xff, "SVR at reset: software disabled", apic_rd(0xf0));
	check(apic_rd(0x320) == 0x10000, "LVT timer masked at reset", apic_rd(0x320));
	check(apic_rd(0xe0) == 0xffffffff, "DFR flat", apic_rd(0xe0));
	apic_wr(0xf0, 0x1ff);
	check(apic_rd(0xf0) == 0x1ff, "SVR software enabled", apic_rd(0xf0));
}

static void self_ipi_cases(void)
{
	__asm__ volatile("cli");
	self_ipi(0x60);
	check(irr_has(0x60) && !isr_has(0x60), "self-IPI pending in IRR, not in ISR",
	      apic_rd(0x230));
	open_window();
	check(irq_count[0x60] == 1 && !isr_seen_bad, "self-IPI delivered once, ISR set in handler",
	      irq_count[0x60]);
	check(!isr_has(0x60) && !irr_has(0x60), "EOI cleared ISR", apic_rd(0x130));
	open_window();
	check(irq_count[0x60] == 1, "no second delivery", irq_count[0x60]);

	/* Priority: the highest vector first. */
	norder = 0;
	self_ipi(0x30);
	self_ipi(0x80);
	self_ipi(0x60);
	for (int i = 0; i < 4; i++)
		open_window();
	check(norder == 3 && order[0] == 0x80 && order[1] == 0x60 && order[2] == 0x30,
	      "three self-IPIs taken highest first", ((uint64_t)order[0] << 16) |
	      (order[1] << 8) | order[2]);

	/* TPR masks its class and below. */
	apic_wr(0x80, 0x50);
	self_ipi(0x45);
	open_window();
	check(irq_count[0x45] == 0 && irr_has(0x45), "TPR 0x50 holds vector 0x45 back",
	      irq_count[0x45]);
	check(apic_rd(0xa0) == 0x50, "PPR follows TPR", apic_rd(0xa0));
	apic_wr(0x80, 0);
	open_window();
	check(irq_count[0x45] == 1, "TPR 0: vector 0x45 delivered", irq_count[0x45]);

	/* CR8 is the TPR's priority class, both ways; a CR8 write counts
	 * from the next exit (it does not exit itself). */
	__asm__ volatile("mov %0, %%cr8" : : "r"(5UL) : "memory");
	check(apic_rd(0x80) == 0x50, "CR8 write seen as TPR 0x50", apic_rd(0x80));
	self_ipi(0x45);
	open_window();
	check(irq_count[0x45] == 1, "CR8 5 holds vector 0x45 back", irq_count[0x45]);
	apic_wr(0x80, 0x30);
	{
		uint64_t cr8;

		__asm__ volatile("mov %%cr8, %0" : "=r"(cr8));
		check(cr8 == 3, "TPR write seen as CR8 3", cr8);
	}
	apic_wr(0x80, 0);
	open_window();
	check(irq_count[0x45] == 2, "TPR 0 again: vector 0x45 delivered", irq_count[0x45]);
}

static void esr_cases(void)
{
	apic_wr(0x280, 0);
	self_ipi(0x05);
	check(apic_rd(0x280) == 0, "ESR reads the latched value until written", apic_rd(0x280));
	apic_wr(0x280, 0);
	check(apic_rd(0x280) == 0x20, "illegal vector sent: ESR send-illegal", apic_rd(0x280));
	apic_wr(0x280, 0);
	check(apic_rd(0x280) == 0, "ESR write clears", apic_rd(0x280));
	/* XSA-462's shape: an illegal LVTERR vector folds into receive-illegal. */
	apic_wr(0x370, 0x0f);
	self_ipi(0x0f);
	apic_wr(0x280, 0);
	check(apic_rd(0x280) == 0x60, "LVTERR with an illegal vector: ESR 0x60", apic_rd(0x280));
	apic_wr(0x370, 0x10000);
}

/* Halt until vec was taken want times; a one-shot hypervisor timer at
 * the guard wakes the vCPU if nothing else does. */
static uint64_t wait_irqs(unsigned int vec, uint32_t want, uint64_t guard_ns)
{
	uint64_t start = guest_time_ns();

	hv_set_timer_op(start + guard_ns);
	while (irq_count[vec] < want && guest_time_ns() - start < guard_ns)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	hv_set_timer_op(0);
	return guest_time_ns() - start;
}

static void timer_cases(uint64_t slack_ms)
{
	uint64_t t, el;
	uint32_t ccr;

	/* One-shot, divide by 1: 20 ms is 20,000,000 bus ticks of 1 ns. */
	apic_wr(0x3e0, 0xb);
	apic_wr(0x320, 0x50);
	t = guest_time_ns();
	apic_wr(0x380, 20000000);
	ccr = apic_rd(0x390);
	el = guest_time_ns() - t;
	/* A busy host may hold the vCPU back past the expiry itself. */
	check(ccr ? ccr <= 20000000 && ccr + el >= 20000000 : el >= 20 * NS_PER_MS,
	      "one-shot: current count counting down", ccr);
	wait_irqs(0x50, 1, (20 + slack_ms) * NS_PER_MS);
	el = guest_time_ns() - t;
	check(irq_count[0x50] == 1 && el >= 20 * NS_PER_MS && el <= (20 + slack_ms) * NS_PER_MS,
	      "one-shot 20 ms fired once, on time (us)", el / 1000);
	check(apic_rd(0x390) == 0, "one-shot: count 0 after expiry", apic_rd(0x390));
	wait_irqs(0x50, 2, 30 * NS_PER_MS);
	check(irq_count[0x50] == 1, "one-shot: no second interrupt", irq_count[0x50]);

	/* Periodic, divide by 16: 5 ms periods over 60 ms. */
	apic_wr(0x3e0, 0x3);
	check(apic_rd(0x3e0) == 0x3, "divide configuration read back", apic_rd(0x3e0));
	apic_wr(0x320, 0x20051);
	t = guest_time_ns();
	apic_wr(0x380, 312500);
	wait_irqs(0x51, 1000, 60 * NS_PER_MS);
	el = guest_time_ns() - t;
	{
		uint32_t n = irq_count[0x51], most = (uint32_t)(el / (5 * NS_PER_MS));

		check(n >= 3 && n <= most, "periodic 5 ms: interrupts in 60 ms within bounds", n);
	}
	apic_wr(0x380, 0);
	/* A period that ended before the write may still wait in the IRR
	 * (interrupts are off here, as on hardware): taken now, it does not
	 * count as one after the stop. Umbra fires timers on time, so the
	 * guard timer that ended the wait and the last period can fall
	 * microseconds apart. */
	__asm__ volatile("sti; nop; cli" ::: "memory");
	{
		uint32_t n = irq_count[0x51];

		wait_irqs(0x51, n + 1, 20 * NS_PER_MS);
		check(irq_count[0x51] == n, "initial count 0 stops the periodic timer",
		      irq_count[0x51] - n);
	}
	/* Masked LVT: the timer runs, nothing arrives. */
	apic_wr(0x320, 0x10050);
	apic_wr(0x3e0, 0xb);
	apic_wr(0x380, 2000000);
	wait_irqs(0x50, 2, 10 * NS_PER_MS);
	check(irq_count[0x50] == 1, "masked LVT timer raises nothing", irq_count[0x50]);
}

static long hvm_param_set(uint64_t value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = value };

	return hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)(uintptr_t)&p);
}

/* The callback vector and an APIC vector pending at once: both arrive. */
static void upcall_case(void)
{
	uint32_t apic0, upcall0;
	uint64_t t;

	hvm_param_set(((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
		       HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | CALLBACK_VECTOR);
	/* The guard timers of wait_irqs() that expired raised upcalls (an
	 * unbound VIRQ_TIMER does) with no vector to take them: one is
	 * pending now. Take it first: if the host runs the timer below late,
	 * it would be a second upcall rather than merge with this one. */
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	apic0 = irq_count[0x70];
	upcall0 = irq_count[CALLBACK_VECTOR];
	self_ipi(0x70);
	hv_set_timer_op(guest_time_ns() + NS_PER_MS);
	t = guest_time_ns();
	while (guest_time_ns() - t < 10 * NS_PER_MS)
		__asm__ volatile("pause");
	t = guest_time_ns();
	while ((irq_count[0x70] == apic0 || irq_count[CALLBACK_VECTOR] == upcall0) &&
	       guest_time_ns() - t < 200 * NS_PER_MS)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	check(irq_count[0x70] - apic0 == 1 && irq_count[CALLBACK_VECTOR] - upcall0 == 1,
	      "APIC vector and upcall pending together: both arrive once",
	      ((uint64_t)(irq_count[0x70] - apic0) << 8) | (irq_count[CALLBACK_VECTOR] - upcall0));
}

/* Page the upcall below is delivered onto, through a fresh alias. */
static uint8_t fresh_stack[4096] __attribute__((aligned(4096)));

/*
 * An upcall whose delivery faults: the stack is a page the guest never
 * touched at that address, so under shadow paging the frame push takes a
 * hidden fault that Umbra fills and re-delivers. QEMU clears V_IRQ only
 * once a delivery completes, so then both the re-delivery and V_IRQ
 * would offer it: it must arrive once.
 */
static void upcall_fresh_stack_case(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t va = PML4_SLOT_VA(3), t;
	uint32_t n;

	if (!pt_map(root, va, pt_frame_of(fresh_stack), PTE_W | PTE_NX)) {
		check(false, "upcall onto a fresh stack page: alias mapped", 0);
		return;
	}
	invlpg(va);
	__asm__ volatile("cli");
	n = irq_count[CALLBACK_VECTOR];
	/* An unbound VIRQ_TIMER raises the upcall; replacing a deadline that
	 * passed fires it at once. */
	hv_set_timer_op(guest_time_ns() + 1);
	t = guest_time_ns();
	while (guest_time_ns() - t < 1000)
		__asm__ volatile("pause");
	hv_set_timer_op(0);
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %0, %%rsp\n\t"
			 "sti; nop; nop; cli\n\t"
			 "mov %%rbx, %%rsp"
			 : : "r"(va + sizeof(fresh_stack)) : "rbx", "memory");
	check(irq_count[CALLBACK_VECTOR] - n == 1,
	      "an upcall whose delivery faults (fresh stack page) arrives once",
	      irq_count[CALLBACK_VECTOR] - n);
}

static void gp_wrmsr(void *arg)
{
	wrmsr(MSR_APIC_BASE, *(uint64_t *)arg);
}

static void msr_cases(void)
{
	struct trap_record rec = { .vector = ~0ULL };
	uint64_t v = 0x00100900;

	bool trapped = trap_catch(gp_wrmsr, &v, &rec);

	check(trapped && rec.vector == TRAP_GP, "APIC base moved into RAM: #GP", rec.vector);
	v = 0xfee00d00;
	trapped = trap_catch(gp_wrmsr, &v, &rec);
	check(trapped && rec.vector == TRAP_GP, "x2APIC mode (not offered): #GP", rec.vector);
	wrmsr(MSR_APIC_BASE, 0xfee00100);
	check(apic_rd(0x30) == 0xffffffff, "globally disabled: the page reads all-ones",
	      apic_rd(0x30));
	wrmsr(MSR_APIC_BASE, 0xfe000900);
	check(*(volatile uint32_t *)0xfe000030UL == 0x00050014,
	      "relocated to 0xfe000000: version there", *(volatile uint32_t *)0xfe000030UL);
	check(*(volatile uint32_t *)0xfe0000f0UL == 0xff, "re-enabled from reset: SVR 0xff",
	      *(volatile uint32_t *)0xfe0000f0UL);
	wrmsr(MSR_APIC_BASE, 0xfee00900);
	check(rdmsr(MSR_APIC_BASE) == 0xfee00900, "back at 0xfee00000", rdmsr(MSR_APIC_BASE));
	apic_wr(0xf0, 0x1ff);
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t slack_ms = guest_option_u64("slack_ms=", 300);

	guest_mem_init(si);
	if (guest_option("sipi=")) {	/* only this: vCPU 1 started by IPIs */
		sipi_case();
		con_printf("vlapic: %u passed, %u failed\n", passed, failed);
		return failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
	}
	irq_set_gate(0x30, irq_stub_0x30);
	irq_set_gate(0x45, irq_stub_0x45);
	irq_set_gate(0x50, irq_stub_0x50);
	irq_set_gate(0x51, irq_stub_0x51);
	irq_set_gate(0x60, irq_stub_0x60);
	irq_set_gate(0x70, irq_stub_0x70);
	irq_set_gate(0x80, irq_stub_0x80);
	irq_set_gate(CALLBACK_VECTOR, irq_stub_0xf3);
	reset_cases();
	self_ipi_cases();
	esr_cases();
	timer_cases(slack_ms);
	upcall_case();
	upcall_fresh_stack_case();
	hostile_cases();
	msr_cases();
	if (guest_option("ipi="))
		ipi_case();
	con_printf("vlapic: %u passed, %u failed\n", passed, failed);
	return failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
