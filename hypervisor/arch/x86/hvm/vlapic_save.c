/* The virtual local APIC's state for save and restore (asm/vlapic.h):
 * the register file as the management ABI carries it, its timer relative
 * to the vCPU's guest time, so a restored timer keeps what was left of
 * its period whatever the new domain's clock reads. */
#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/vlapic.h>
#include <public/mgmt.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/sched.h>
#include <umbra/string.h>

/* The longest a timer period can be: 2^32 ticks of 128 ns. */
#define TIMER_MAX_NS	((1ULL << 32) * 128)

void vlapic_save(struct vcpu *v, struct umbra_lapic_state *s, uint64_t now_ns)
{
	struct vlapic *l = &v->hvm.vlapic;
	uint64_t f = spin_lock_irqsave(&l->lock);

	memset(s, 0, sizeof(*s));
	s->base_msr = l->base_msr;
	s->id = l->id;
	s->tpr = l->tpr;
	s->ldr = l->ldr;
	s->dfr = l->dfr;
	s->svr = l->svr;
	s->icr_lo = l->icr_lo;
	s->icr_hi = l->icr_hi;
	s->esr = l->esr;
	s->pending_esr = l->pending_esr;
	memcpy(s->lvt, l->lvt, sizeof(s->lvt));
	s->tmict = l->tmict;
	s->tdcr = l->tdcr;
	memcpy(s->irr, l->irr, sizeof(s->irr));
	memcpy(s->isr, l->isr, sizeof(s->isr));
	memcpy(s->tmr, l->tmr, sizeof(s->tmr));
	if (l->deadline_ns) {
		s->timer_flags = UMBRA_LAPIC_TIMER_RUNNING;
		s->timer_deadline_ns = (int64_t)(l->deadline_ns - now_ns);
		s->timer_start_ns = (int64_t)(l->start_ns - now_ns);
	}
	if (l->periodic)
		s->timer_flags |= UMBRA_LAPIC_TIMER_PERIODIC;
	s->timer_period_ns = l->period_ns;
	spin_unlock_irqrestore(&l->lock, f);
}

static bool regs_valid(const struct vcpu *v, const struct umbra_lapic_state *s)
{
	uint64_t base = s->base_msr & APIC_BASE_ADDR_MASK;

	if (s->base_msr & ~(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP))
		return false;
	if ((s->base_msr & APIC_BASE_ENABLE) && base < v->domain->mem_bytes)
		return false;
	if ((s->id & 0x00ffffffu) || s->tpr > 0xff || (s->ldr & 0x00ffffffu) ||
	    (s->dfr & 0x0fffffffu) != 0x0fffffffu || (s->svr & ~0x3ffu) ||
	    (s->icr_lo & APIC_ICR_BUSY) || (s->icr_hi & 0x00ffffffu) ||
	    (s->esr & ~0xffu) || (s->pending_esr & ~0xffu) || (s->tdcr & ~0xbu))
		return false;
	for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
		if (s->lvt[i] & ~vlapic_lvt_writable(i))
			return false;
	/* Vectors 0-15 can never be pending or in service. */
	return !(s->irr[0] & 0xffff) && !(s->isr[0] & 0xffff);
}

static bool timer_valid(const struct umbra_lapic_state *s)
{
	if (s->timer_flags & ~(UMBRA_LAPIC_TIMER_RUNNING | UMBRA_LAPIC_TIMER_PERIODIC))
		return false;
	if (s->timer_period_ns > TIMER_MAX_NS)
		return false;
	if (!(s->timer_flags & UMBRA_LAPIC_TIMER_RUNNING))
		return true;
	/* A running timer: counting, its period under way (start passed,
	 * its end at most a period after it). */
	return s->tmict && s->timer_period_ns && s->timer_start_ns <= 0 &&
	       s->timer_start_ns >= -(int64_t)TIMER_MAX_NS * 2 &&
	       s->timer_deadline_ns - s->timer_start_ns <= (int64_t)s->timer_period_ns;
}

int vlapic_check_state(const struct vcpu *v, const struct umbra_lapic_state *s)
{
	return regs_valid(v, s) && timer_valid(s) ? 0 : -EINVAL;
}

void vlapic_load(struct vcpu *v, const struct umbra_lapic_state *s, uint64_t now_ns)
{
	struct vlapic *l = &v->hvm.vlapic;
	uint64_t f = spin_lock_irqsave(&l->lock);

	l->base_msr = s->base_msr;
	l->id = s->id;
	l->tpr = s->tpr;
	l->ldr = s->ldr;
	l->dfr = s->dfr;
	l->svr = s->svr;
	l->icr_lo = s->icr_lo;
	l->icr_hi = s->icr_hi;
	l->esr = s->esr;
	l->pending_esr = s->pending_esr;
	memcpy(l->lvt, s->lvt, sizeof(l->lvt));
	l->tmict = s->tmict;
	l->tdcr = s->tdcr;
	l->divisor = vlapic_divisor(s->tdcr);
	memcpy(l->irr, s->irr, sizeof(l->irr));
	memcpy(l->isr, s->isr, sizeof(l->isr));
	memcpy(l->tmr, s->tmr, sizeof(l->tmr));
	l->periodic = s->timer_flags & UMBRA_LAPIC_TIMER_PERIODIC;
	l->period_ns = s->timer_period_ns;
	l->start_ns = 0;
	l->deadline_ns = 0;
	if (s->timer_flags & UMBRA_LAPIC_TIMER_RUNNING) {
		l->start_ns = now_ns + (uint64_t)s->timer_start_ns;
		/* 0 means "not running": an overdue deadline fires at once. */
		l->deadline_ns = now_ns + (uint64_t)s->timer_deadline_ns;
		if (!l->deadline_ns)
			l->deadline_ns = 1;
	}
	__atomic_store_n(&l->irr_pending, vlapic_highest(l->irr) >= 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&l->lock, f);
	sched_timer_armed(v, l->deadline_ns);
}
