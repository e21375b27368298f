/* Application-processor bring-up: INIT-SIPI-SIPI into the real-mode
 * trampoline, one CPU at a time, each reporting in before the next. The
 * trampoline page is mapped at its physical address only meanwhile. */
#include <asm/apic.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/sections.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>

#define AP_BOOT_TIMEOUT_US	1000000

static volatile unsigned int ap_started;
static bool smp_go;

/* A trampoline variable's address where the copy at AP_TRAMPOLINE_PHYS
 * lives (its link address is already in that range). */
static uint64_t *tramp_var(char *sym)
{
	return phys_to_virt((uint64_t)sym);
}

static void copy_trampoline(void)
{
	size_t len = (size_t)(__trampoline_end - __trampoline_start);

	memcpy(phys_to_virt(AP_TRAMPOLINE_PHYS),
	       phys_to_virt((uint64_t)__trampoline_lma), len);
	*tramp_var(tramp_cr3) = paging_root();
	*tramp_var(tramp_target) = (uint64_t)ap_start64;
}

/* C entry of an AP, on its own stack, in long mode on the hypervisor's
 * tables. */
void start_secondary(uint64_t cpu)
{
	percpu_init((unsigned int)cpu, 0);
	cpu_early_init_this_cpu((unsigned int)cpu);
	cpu_init_this_cpu((unsigned int)cpu);
	__atomic_store_n(&ap_started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&smp_go, __ATOMIC_ACQUIRE)) {
		local_irq_enable();
		halt();
	}
	/* The boot CPU dropped the trampoline's mapping meanwhile. */
	write_cr3(read_cr3());
	/* A pCPU of dom0's keeps no timer of Umbra's: it waits for dom0 to
	 * start its vCPU there (common/dom0_smp.c). */
	if (!sched_pcpu_is_dom0s((unsigned int)cpu))
		sched_timer_start_this_cpu();
	sched_run_this_cpu();
}

void smp_release_secondaries(void)
{
	__atomic_store_n(&smp_go, true, __ATOMIC_RELEASE);
	/* They wait in HLT with nothing else to wake them: kick each one. */
	for (unsigned int cpu = 1; cpu < MAX_CPUS; cpu++)
		if (percpu_area[cpu].online)
			apic_send_ipi(percpu_area[cpu].apic_id, VECTOR_IPI);
}

static bool boot_one(unsigned int cpu, uint32_t apic)
{
	uint64_t waited = 0;

	ap_started = 0;
	if (!percpu_area[cpu].stack_top)
		paging_map_stacks(cpu);
	*tramp_var(tramp_stack) = percpu_area[cpu].stack_top;
	*tramp_var(tramp_arg) = cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	apic_send_init(apic);
	udelay(10000);
	for (int i = 0; i < 2 && !ap_started; i++) {
		apic_send_startup(apic, AP_TRAMPOLINE_PHYS >> 12);
		udelay(200);
	}
	while (!__atomic_load_n(&ap_started, __ATOMIC_ACQUIRE) && waited < AP_BOOT_TIMEOUT_US) {
		udelay(100);
		waited += 100;
	}
	return ap_started;
}

unsigned int smp_boot_secondaries(const struct acpi_cpus *cpus)
{
	uint32_t self = apic_id();
	unsigned int next = 1;

	copy_trampoline();
	paging_map_trampoline();
	for (unsigned int i = 0; i < cpus->count && next < MAX_CPUS; i++) {
		if (cpus->apic_id[i] == self)
			continue;
		if (boot_one(next, cpus->apic_id[i]))
			next++;
		else
			pr_err("smp: CPU with APIC ID %u did not start\n", cpus->apic_id[i]);
	}
	paging_unmap_low();
	return next - 1;
}
