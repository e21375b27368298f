/* Telling dom0 that something changed: a generation count, and at most
 * one interrupt per events call (common/mgmt.c, docs/mgmt.md), sent to
 * the CPU and vector of dom0's event interrupt when its driver named one
 * (event_irq: an I/O APIC input Linux programmed), else to dom0's first
 * CPU. */
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/percpu.h>
#include <umbra/dom0.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/printk.h>
#include <umbra/sched.h>

static uint64_t generation;
/* The vector to send at the next change, 0: none. Sending disarms it, and
 * only an events call arms it again: however chatty a guest, dom0 takes
 * no more interrupts than it asks for. */
static uint32_t armed_vector;
/* The pCPU it goes to: dom0's first, or the event interrupt's. */
static unsigned int event_pcpu = DOM0_PCPU;

uint64_t mgmt_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
}

/* A fixed IPI to dom0's pCPU, whose local APIC dom0 drives: the vector is
 * one its driver installed. On that pCPU (a command of dom0's own) by
 * shorthand; from another of dom0's pCPUs with dom0's ICR_HI put back
 * (an exit there may come between dom0's two ICR writes). */
static void send_event(unsigned int cpu, uint8_t vec)
{
	uint32_t hi;

	if (smp_processor_id() == cpu) {
		apic_send_self_ipi(vec);
		return;
	}
	hi = apic_reg_read(APIC_ICR_HI);
	apic_send_ipi(percpu_area[cpu].apic_id, vec);
	if (sched_pcpu_is_dom0s(smp_processor_id()))
		apic_reg_write(APIC_ICR_HI, hi);
}

void mgmt_notify(void)
{
	uint32_t vec;

	__atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
	vec = __atomic_exchange_n(&armed_vector, 0, __ATOMIC_SEQ_CST);
	if (vec)
		send_event(__atomic_load_n(&event_pcpu, __ATOMIC_ACQUIRE), (uint8_t)vec);
}

/* Armed before the count is read: a change after the read finds the
 * vector armed and interrupts, one before it is in the count returned. */
long mgmt_events(struct mgmt_call *c)
{
	struct umbra_mgmt_events *e = &c->req.u.events;

	if (mgmt_check_vector(e->vector))
		return -EINVAL;
	__atomic_store_n(&armed_vector, e->vector, __ATOMIC_SEQ_CST);
	e->generation = mgmt_generation();
	return 0;
}

long mgmt_event_irq(struct mgmt_call *c)
{
	struct umbra_mgmt_event_irq *e = &c->req.u.event_irq;
	uint64_t rte;
	uint32_t dest;
	int cpu;

	if (e->gsi == UMBRA_EVENT_IRQ_NONE) {
		__atomic_store_n(&event_pcpu, DOM0_PCPU, __ATOMIC_RELEASE);
		return 0;
	}
	if (ioapic_read_rte(e->gsi, &rte))
		return -ENOENT;
	if (mgmt_check_event_rte(rte))
		return -EINVAL;
	dest = (uint32_t)(rte >> IOAPIC_RTE_DEST_SHIFT);
	cpu = rte & IOAPIC_RTE_LOGICAL ? dom0_pcpu_of_logical((uint8_t)dest)
				       : dom0_pcpu_of_apic(dest);
	if (cpu < 0)
		return -EINVAL;
	e->vector = (uint32_t)(rte & IOAPIC_RTE_VECTOR_MASK);
	e->apic_id = percpu_area[cpu].apic_id;
	__atomic_store_n(&event_pcpu, (unsigned int)cpu, __ATOMIC_RELEASE);
	pr_info("mgmt: dom0's event interrupt: GSI %u, vector %#x, to its pCPU %d\n",
		e->gsi, e->vector, cpu);
	return 0;
}
