/* Telling dom0 that something changed: a generation count, and at most
 * one interrupt per events call (common/mgmt.c, docs/mgmt.md). */
#include <asm/apic.h>
#include <asm/percpu.h>
#include <umbra/dom0.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>

static uint64_t generation;
/* The vector to send at the next change, 0: none. Sending disarms it, and
 * only an events call arms it again: however chatty a guest, dom0 takes
 * no more interrupts than it asks for. */
static uint32_t armed_vector;

uint64_t mgmt_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
}

void mgmt_notify(void)
{
	uint32_t vec;

	__atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
	vec = __atomic_exchange_n(&armed_vector, 0, __ATOMIC_SEQ_CST);
	/* A fixed IPI to dom0's pCPU, whose local APIC dom0 drives: the
	 * vector is one its driver installed. On that pCPU (a command of
	 * dom0's own), by shorthand: dom0 may be between its two ICR writes. */
	if (!vec)
		return;
	if (smp_processor_id() == DOM0_PCPU)
		apic_send_self_ipi((uint8_t)vec);
	else
		apic_send_ipi(percpu_area[DOM0_PCPU].apic_id, (uint8_t)vec);
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
