/* An IPI between two vCPUs through their own APICs: vCPU 1 (started with
 * VCPUOP_initialise/up, on the BSP's GDT and IDT) takes vector 0x30 sent
 * to APIC ID 1 and answers with vector 0x80 to APIC ID 0. */
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>

#include "cpu.h"
#include "hypercall.h"
#include "runtime.h"
#include "vlapic.h"

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct desc_ptr gdtr, idtr;
static volatile uint32_t ap_ready, ap_id, ap_got;

static void __attribute__((noreturn, used)) ap_main(void)
{
	uint32_t seen;

	__asm__ volatile("lgdt %0; lidt %1\n\t"
			 "pushq %2; lea 1f(%%rip), %%rax; pushq %%rax; lretq\n"
			 "1:\tmov %3, %%eax; mov %%eax, %%ss; mov %%eax, %%ds; mov %%eax, %%es"
			 : : "m"(gdtr), "m"(idtr), "i"(SEL_KERNEL_CS), "i"(SEL_KERNEL_DS)
			 : "rax", "memory");
	apic_wr(0xf0, 0x1ff);
	ap_id = apic_rd(0x20);
	seen = irq_count[0x30];
	__atomic_store_n(&ap_ready, 1, __ATOMIC_SEQ_CST);
	while (irq_count[0x30] == seen)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	ap_got = 1;
	apic_wr(0x310, 0);		/* APIC ID 0 */
	apic_wr(0x300, 0x80);
	for (;;)
		hv_sched_op(SCHEDOP_block, NULL);
}

static long vcpu_op(unsigned int cmd, uint64_t vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)(uintptr_t)arg);
}

static bool start_ap(void)
{
	uint8_t *stack = page_alloc();
	struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };
	struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;

	if (!stack)
		return false;
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	r->rip = (uint64_t)(uintptr_t)ap_main;
	r->rsp = (uint64_t)(uintptr_t)(stack + 4096 - 8);
	r->rflags = 0x2;
	r->cr0 = read_cr0();
	r->cr3 = read_cr3();
	r->cr4 = read_cr4();
	r->efer = rdmsr(MSR_EFER);
	return vcpu_op(VCPUOP_initialise, 1, &ctx) == 0 && vcpu_op(VCPUOP_up, 1, NULL) == 0;
}

void ipi_case(void)
{
	uint32_t before = irq_count[0x80];
	uint64_t t;

	if (!start_ap()) {
		check(false, "vCPU 1 started", 0);
		return;
	}
	t = guest_time_ns();
	while (!__atomic_load_n(&ap_ready, __ATOMIC_SEQ_CST) &&
	       guest_time_ns() - t < 5000 * NS_PER_MS)
		__asm__ volatile("pause");
	check(ap_ready && ap_id == 1u << 24, "vCPU 1 sees its own APIC (ID 1)", ap_id);
	__asm__ volatile("cli");
	apic_wr(0x310, 1u << 24);
	apic_wr(0x300, 0x30);		/* fixed, physical destination 1 */
	t = guest_time_ns();
	hv_set_timer_op(t + 2000 * NS_PER_MS);
	while (irq_count[0x80] == before && guest_time_ns() - t < 2000 * NS_PER_MS)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	hv_set_timer_op(0);
	check(ap_got && irq_count[0x80] == before + 1,
	      "IPI to vCPU 1 taken there, its answering IPI taken here once",
	      irq_count[0x80] - before);
}
