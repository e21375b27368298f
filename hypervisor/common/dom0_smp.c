/* dom0 starts its own CPUs as Linux does on hardware: INIT, then startup
 * IPIs to each AP's APIC ID. Those never reach the hardware (an INIT would
 * reset a pCPU running Umbra): the APIC back end hands them here, and
 * Umbra starts dom0's vCPU on its pCPU in real mode at the SIPI vector,
 * where the CPU would have started (see umbra/dom0.h). */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <umbra/dom0.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/sched.h>

int dom0_pcpu_of_apic(uint32_t apic_id)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (percpu_area[cpu].online && percpu_area[cpu].apic_id == apic_id &&
		    sched_pcpu_is_dom0s(cpu))
			return (int)cpu;
	return -1;
}

int dom0_pcpu_of_logical(uint8_t dest)
{
	uint32_t known = 0;
	int first = -1;

	/* Flat model: an APIC takes it when its LDR shares a bit with it. */
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		uint32_t ldr = percpu_area[cpu].dom0_ldr >> 24;

		if (!percpu_area[cpu].online || !sched_pcpu_is_dom0s(cpu))
			continue;
		if ((dest & ldr) && first < 0)
			first = (int)cpu;
		known |= ldr;
	}
	return dest & ~known ? -1 : first;
}

/* vCPU i runs on pCPU i (dom0_build pins it there). */
static struct vcpu *vcpu_of_pcpu(struct domain *d, unsigned int pcpu)
{
	return pcpu < d->nr_vcpus ? d->vcpus[pcpu] : NULL;
}

int dom0_init_vcpu(struct domain *d, unsigned int pcpu)
{
	struct vcpu *v = vcpu_of_pcpu(d, pcpu);

	if (!v)
		return -ENOENT;
	/* A CPU that runs cannot be reset under its pCPU: Linux sends INIT
	 * only to one it has not started (CPU hot-plug is not offered). */
	return __atomic_load_n(&v->initialised, __ATOMIC_ACQUIRE) ? -EBUSY : 0;
}

int dom0_sipi_vcpu(struct domain *d, unsigned int pcpu, uint8_t vector)
{
	struct vcpu *v = vcpu_of_pcpu(d, pcpu);

	if (!v)
		return -ENOENT;
	/* Linux sends two SIPIs; the CPU takes the first. */
	if (__atomic_exchange_n(&v->initialised, true, __ATOMIC_ACQ_REL))
		return -EEXIST;
	hvm_vcpu_set_sipi_entry(v, vector);
	log_lifecycle(LOG_INFO, "dom0: vCPU %u started by dom0 on pCPU %u at %#x:0000\n",
		      v->id, pcpu, (unsigned int)vector << 8);
	sched_vcpu_start(v);
	/* Its pCPU waits in HLT with no timer (dom0's pCPUs keep none):
	 * Umbra's kick wakes it, in Umbra, before dom0 ever ran there. */
	apic_send_ipi(percpu_area[pcpu].apic_id, VECTOR_IPI);
	return 0;
}
