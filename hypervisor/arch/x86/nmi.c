/* NMIs in the hypervisor. dom0's NMIs are intercepted (its pCPUs are
 * otherwise its own), so an NMI Umbra sends on purpose ends dom0's run
 * and is taken here: one meant for a dom0 vCPU (svm_dom0_apic.c marked
 * the vCPU; it is injected at the next entry), or Umbra taking the pCPU
 * back to stop it (panic, fatal trap, power-off). Any other NMI is a
 * fatal trap, as before. */
#include <asm/apic.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>

#define STOP_WAIT_US	100000	/* NMIs are taken at once: 100 ms is plenty */

static int stopping = -1;	/* the CPU stopping the others, -1: none */

bool nmi_claim(void)
{
	struct percpu *p = this_cpu();

	if (__atomic_load_n(&p->nmi_stop, __ATOMIC_ACQUIRE)) {
		/* Umbra has stopped: this CPU holds still (with NMIs blocked:
		 * this handler never returns), and dom0 with it. */
		__atomic_store_n(&p->stopped, true, __ATOMIC_RELEASE);
		halt_forever();
	}
	return __atomic_exchange_n(&p->nmi_guest, false, __ATOMIC_SEQ_CST);
}

uint64_t nmi_stop_other_cpus(void)
{
	unsigned int self = smp_processor_id();
	int none = -1;
	uint64_t asked = 0, stopped = 0;

	/* Two CPUs in a panic at once: the first stops the other. */
	if (!__atomic_compare_exchange_n(&stopping, &none, (int)self, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpu == self || !percpu_area[cpu].online)
			continue;
		__atomic_store_n(&percpu_area[cpu].nmi_stop, true, __ATOMIC_SEQ_CST);
		apic_send_nmi(percpu_area[cpu].apic_id);
		asked |= 1ULL << cpu;
	}
	for (unsigned int waited = 0; waited < STOP_WAIT_US && stopped != asked; waited += 100) {
		udelay(100);
		for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
			if (__atomic_load_n(&percpu_area[cpu].stopped, __ATOMIC_ACQUIRE))
				stopped |= 1ULL << cpu;
	}
	return stopped;
}

void nmi_kick_cpu(unsigned int cpu)
{
	__atomic_store_n(&percpu_area[cpu].nmi_guest, true, __ATOMIC_SEQ_CST);
	apic_send_nmi(percpu_area[cpu].apic_id);
}
