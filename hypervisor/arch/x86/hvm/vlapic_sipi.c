/*
 * INIT and STARTUP IPIs between a domain's vCPUs: how an HVM guest that
 * boots its processors the PC way (INIT, then STARTUP with a vector)
 * starts them, besides Xen's VCPUOP_initialise/up.
 *
 * As Xen's vlapic: a STARTUP starts its target only while that vCPU is
 * down and was never initialised (a second STARTUP, or one to a running
 * vCPU, does nothing), in real mode at CS = vector << 8, IP 0; it needs
 * no INIT before it. An INIT with level de-assert (what the old MP
 * sequence sends after INIT) is ignored; an INIT to a vCPU that was
 * never started has nothing to reset. Where Umbra differs: INIT to a
 * vCPU that runs is ignored too (Xen resets it to wait for a STARTUP),
 * since a vCPU cannot be stopped under its pCPU here yet.
 */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <umbra/domain.h>
#include <umbra/guest_log.h>
#include <umbra/sched.h>
#include <umbra/spinlock.h>

void vlapic_init_ipi(struct vcpu *src, struct vcpu *t, uint32_t icr_lo)
{
	if ((icr_lo & (APIC_ICR_LEVEL | APIC_ICR_ASSERT)) == APIC_ICR_LEVEL)
		return;		/* INIT de-assert */
	if (__atomic_load_n(&t->initialised, __ATOMIC_ACQUIRE))
		gprintk(src->domain, LOG_DEBUG,
			"d%u v%u: INIT to running v%u ignored (no vCPU reset yet)\n",
			src->domain->id, src->id, t->id);
}

void vlapic_startup_ipi(struct vcpu *src, struct vcpu *t, uint8_t vector)
{
	struct domain *d = t->domain;
	bool start = false;
	uint64_t f;

	/* The lock VCPUOP_initialise/up take: one of them wins. */
	f = spin_lock_irqsave(&d->vcpu_op_lock);
	if (t->state == VCPU_DOWN && !t->initialised) {
		hvm_vcpu_set_sipi_entry(t, vector);
		__atomic_store_n(&t->initialised, true, __ATOMIC_RELEASE);
		start = true;
	}
	spin_unlock_irqrestore(&d->vcpu_op_lock, f);
	if (!start)
		return;
	gprintk(d, LOG_DEBUG, "d%u v%u: STARTUP IPI starts v%u at %#x:0000\n",
		d->id, src->id, t->id, (unsigned int)vector << 8);
	sched_vcpu_start(t);
}
