/* The virtual local APIC of HVM domains (asm/vlapic.h): the register
 * file behind MMIO, IPIs within the domain, the error status, the timer.
 * Registers and their quirks are Xen's vLAPIC's; where Xen crashes the
 * domain for an odd access (an unaligned or 8-byte read, an unsupported
 * delivery mode), this one completes it harmlessly instead. */
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/msr.h>
#include <asm/vlapic.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/sched.h>
#include <umbra/string.h>

#define LVT_BASE_MASK	(APIC_LVT_MASKED | 0xffu)
#define LVT_DM_MASK	(7u << 8)
/* LINT0/1: delivery mode, polarity, remote IRR, trigger mode. */
#define LVT_LINT_MASK	(LVT_BASE_MASK | LVT_DM_MASK | (7u << 13))

/* What a write may change in each LVT entry. The timer has no
 * TSC-deadline mode: CPUID does not offer it. */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
	LVT_BASE_MASK | APIC_LVT_PERIODIC,
	LVT_BASE_MASK | LVT_DM_MASK,
	LVT_BASE_MASK | LVT_DM_MASK,
	LVT_LINT_MASK,
	LVT_LINT_MASK,
	LVT_BASE_MASK,
};

uint32_t vlapic_lvt_writable(unsigned int i)
{
	return i < VLAPIC_NR_LVT ? lvt_writable[i] : 0;
}

static struct vlapic *vl(struct vcpu *v)
{
	return &v->hvm.vlapic;
}

static bool hw_enabled(const struct vlapic *l)
{
	return l->base_msr & APIC_BASE_ENABLE;
}

static bool enabled(const struct vlapic *l)
{
	return hw_enabled(l) && (l->svr & APIC_SVR_ENABLE);
}

static void set_bit256(uint32_t map[8], unsigned int vec)
{
	map[vec / 32] |= 1u << (vec % 32);
}

static void clear_bit256(uint32_t map[8], unsigned int vec)
{
	map[vec / 32] &= ~(1u << (vec % 32));
}

static void note_irr(struct vlapic *l)
{
	__atomic_store_n(&l->irr_pending, vlapic_highest(l->irr) >= 0, __ATOMIC_RELEASE);
}

/* The register state after reset or INIT; the MSR is the caller's. */
static void reset_regs(struct vlapic *l, unsigned int vcpu_id)
{
	uint64_t base = l->base_msr;
	spinlock_t lock = l->lock;	/* held by the caller, or never used yet */

	memset(l, 0, sizeof(*l));
	l->lock = lock;
	l->base_msr = base;
	l->id = vcpu_id << 24;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
		l->lvt[i] = APIC_LVT_MASKED;
	l->divisor = vlapic_divisor(0);
}

void vlapic_init(struct vcpu *v)
{
	struct vlapic *l = vl(v);

	l->base_msr = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (v->id == 0 ? APIC_BASE_BSP : 0);
	reset_regs(l, v->id);
}

bool vlapic_covers(struct vcpu *v, uint64_t gpa)
{
	const struct vlapic *l = vl(v);

	return !domain_is_dom0(v->domain) && hw_enabled(l) &&
	       (gpa & APIC_BASE_ADDR_MASK) == (l->base_msr & APIC_BASE_ADDR_MASK);
}

/* SDM 10.5.3 as Xen models it: each error bit raises LVTERR once until
 * the ESR is written; an illegal LVTERR vector folds into "receive
 * illegal vector" instead of recursing. */
static void error_locked(struct vlapic *l, uint32_t mask)
{
	uint32_t lvterr = l->lvt[VLAPIC_NR_LVT - 1];
	bool inject = false;

	if ((l->pending_esr & mask) == mask)
		return;
	if (!(lvterr & APIC_LVT_MASKED)) {
		if ((lvterr & 0xff) >= 16)
			inject = true;
		else
			mask |= APIC_ESR_RECV_ILLEGAL;
	}
	l->pending_esr |= mask;
	if (inject) {
		set_bit256(l->irr, lvterr & 0xff);
		note_irr(l);
	}
}

static void set_irq_locked(struct vlapic *l, unsigned int vec)
{
	if (vec < 16) {
		error_locked(l, APIC_ESR_RECV_ILLEGAL);
		return;
	}
	set_bit256(l->irr, vec);
	note_irr(l);
}

/* A fixed interrupt for v from anywhere: dropped while v's APIC is
 * disabled, as Xen drops it. */
static void accept_fixed(struct vcpu *v, unsigned int vec)
{
	struct vlapic *l = vl(v);
	uint64_t f = spin_lock_irqsave(&l->lock);
	bool on = enabled(l);

	if (on)
		set_irq_locked(l, vec);
	spin_unlock_irqrestore(&l->lock, f);
	if (on)
		sched_vcpu_kick(v);
}

static bool dest_match(struct vcpu *t, struct vcpu *src, uint32_t lo, uint32_t hi)
{
	const struct vlapic *l = vl(t);
	uint8_t dest = (uint8_t)(hi >> APIC_ICR_DEST_SHIFT);

	switch ((lo & APIC_ICR_SHORTHAND_MASK) >> APIC_ICR_SHORTHAND_SHIFT) {
	case APIC_SH_SELF:
		return t == src;
	case APIC_SH_ALL:
		return true;
	case APIC_SH_OTHERS:
		return t != src;
	}
	if (lo & APIC_ICR_LOGICAL)
		return vlapic_logical_match(l->ldr, l->dfr, dest);
	return dest == APIC_DEST_BROADCAST || dest == (uint8_t)(l->id >> 24);
}

static void send_one(struct vcpu *src, struct vcpu *t, uint32_t lo)
{
	switch ((lo & APIC_ICR_MODE_MASK) >> APIC_ICR_MODE_SHIFT) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		accept_fixed(t, lo & APIC_ICR_VECTOR_MASK);
		break;
	case APIC_DM_NMI:
		__atomic_store_n(&t->hvm.nmi_pending, true, __ATOMIC_SEQ_CST);
		sched_vcpu_kick(t);
		break;
	case APIC_DM_INIT:
		vlapic_init_ipi(src, t, lo);
		break;
	case APIC_DM_STARTUP:
		vlapic_startup_ipi(src, t, lo & APIC_ICR_VECTOR_MASK);
		break;
	default:
		/* SMI, remote read, ExtINT: not offered here; ignored. */
		gprintk(src->domain, LOG_DEBUG, "d%u v%u: APIC IPI %#x to v%u ignored\n",
			src->domain->id, src->id, lo, t->id);
		break;
	}
}

/* An ICR write: Xen's checks, then every matching vCPU of the domain
 * (lowest priority: the first that matches). */
static void send_ipi(struct vcpu *v, uint32_t lo, uint32_t hi)
{
	struct domain *d = v->domain;
	unsigned int mode = (lo & APIC_ICR_MODE_MASK) >> APIC_ICR_MODE_SHIFT;

	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) &&
	    (lo & APIC_ICR_VECTOR_MASK) < 16) {
		struct vlapic *l = vl(v);
		uint64_t f = spin_lock_irqsave(&l->lock);

		error_locked(l, APIC_ESR_SEND_ILLEGAL);
		spin_unlock_irqrestore(&l->lock, f);
		sched_vcpu_kick(v);
		return;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpus[i];

		if (!t || !dest_match(t, v, lo, hi))
			continue;
		send_one(v, t, lo);
		if (mode == APIC_DM_LOWEST)
			break;
	}
}

static uint32_t read_reg(struct vcpu *v, struct vlapic *l, unsigned int off)
{
	if (off >= APIC_ISR && off < APIC_ISR + 0x80)
		return l->isr[(off - APIC_ISR) >> 4];
	if (off >= APIC_TMR && off < APIC_TMR + 0x80)
		return l->tmr[(off - APIC_TMR) >> 4];
	if (off >= APIC_IRR && off < APIC_IRR + 0x80)
		return l->irr[(off - APIC_IRR) >> 4];
	if (off >= APIC_LVT_TIMER && off <= APIC_LVT_ERROR)
		return l->lvt[(off - APIC_LVT_TIMER) >> 4];
	switch (off) {
	case APIC_ID:		return l->id;
	case APIC_LVR:		return VLAPIC_VERSION;
	case APIC_TPR:		return l->tpr;
	case APIC_PPR:		return vlapic_ppr(l);
	case APIC_LDR:		return l->ldr;
	case APIC_DFR:		return l->dfr;
	case APIC_SVR:		return l->svr;
	case APIC_ESR:		return l->esr;
	case APIC_ICR_LO:	return l->icr_lo;
	case APIC_ICR_HI:	return l->icr_hi;
	case APIC_TIMER_INIT:	return l->tmict;
	case APIC_TIMER_CUR:	return vlapic_current_count(l, guest_time_ns(v));
	case APIC_TIMER_DIV:	return l->tdcr;
	}
	return 0;	/* APR, EOI, RRD, reserved: as Xen */
}

/* One dword of the page; the 12 bytes after each register read 0. */
static uint32_t read_dword(struct vcpu *v, struct vlapic *l, unsigned int off)
{
	return (off & 0xf) || off > APIC_TIMER_DIV ? 0 : read_reg(v, l, off);
}

uint64_t vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int len)
{
	struct vlapic *l = vl(v);
	unsigned int off = gpa & 0xfff;
	uint64_t val = 0;
	uint64_t f = spin_lock_irqsave(&l->lock);

	for (unsigned int i = 0; i < len && off + i < 0x1000; i++) {
		unsigned int at = off + i;
		uint32_t dw = read_dword(v, l, at & ~3u);

		val |= (uint64_t)((dw >> (8 * (at & 3))) & 0xff) << (8 * i);
	}
	spin_unlock_irqrestore(&l->lock, f);
	return val;
}

static void timer_arm(struct vcpu *v, struct vlapic *l)
{
	uint64_t now = guest_time_ns(v);

	l->periodic = l->lvt[0] & APIC_LVT_PERIODIC;
	l->period_ns = vlapic_period_ns(l->tmict, l->divisor, l->periodic);
	l->start_ns = now;
	l->deadline_ns = l->tmict ? now + l->period_ns : 0;
	sched_timer_armed(v, l->deadline_ns);
}

/* LVTT changes between one-shot and periodic: the count goes on from
 * where it is, in the new mode. */
static void timer_mode(struct vcpu *v, struct vlapic *l)
{
	bool periodic = l->lvt[0] & APIC_LVT_PERIODIC;
	uint64_t now = guest_time_ns(v), left;

	if (periodic == l->periodic || !l->deadline_ns) {
		l->periodic = periodic;
		return;
	}
	left = (uint64_t)vlapic_current_count(l, now) * l->divisor;
	l->periodic = periodic;
	l->period_ns = vlapic_period_ns(l->tmict, l->divisor, periodic);
	l->deadline_ns = now + (left ? left : l->period_ns);
	l->start_ns = l->deadline_ns - l->period_ns;
	sched_timer_armed(v, l->deadline_ns);
}

static void write_lvt(struct vcpu *v, struct vlapic *l, unsigned int i, uint32_t val)
{
	if (!(l->svr & APIC_SVR_ENABLE))
		val |= APIC_LVT_MASKED;
	l->lvt[i] = val & lvt_writable[i];
	if (i == 0)
		timer_mode(v, l);
}

static void write_svr(struct vlapic *l, uint32_t val)
{
	l->svr = val & 0x3ff;
	if (!(val & APIC_SVR_ENABLE))
		for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
			l->lvt[i] |= APIC_LVT_MASKED;
}

static void eoi(struct vlapic *l)
{
	int vec = vlapic_highest(l->isr);

	if (vec < 0)
		return;
	clear_bit256(l->isr, (unsigned int)vec);
	clear_bit256(l->tmr, (unsigned int)vec);
}

/* Returns true when the write was to ICR_LO: an IPI to send unlocked. */
static bool write_reg(struct vcpu *v, struct vlapic *l, unsigned int off, uint32_t val)
{
	if (off >= APIC_LVT_TIMER && off <= APIC_LVT_ERROR) {
		write_lvt(v, l, (off - APIC_LVT_TIMER) >> 4, val);
		return false;
	}
	switch (off) {
	case APIC_TPR:		l->tpr = val & 0xff; break;
	case APIC_EOI:		eoi(l); break;
	case APIC_LDR:		l->ldr = val & 0xff000000u; break;
	case APIC_DFR:		l->dfr = val | 0x0fffffffu; break;
	case APIC_SVR:		write_svr(l, val); break;
	case APIC_ESR:
		/* The write latches what happened since the last one. */
		l->esr = l->pending_esr;
		l->pending_esr = 0;
		break;
	case APIC_ICR_LO:
		l->icr_lo = val & ~APIC_ICR_BUSY;	/* sent at once: never busy */
		return true;
	case APIC_ICR_HI:	l->icr_hi = val & 0xff000000u; break;
	case APIC_TIMER_INIT:
		l->tmict = val;
		timer_arm(v, l);
		break;
	case APIC_TIMER_DIV:
		l->tdcr = val & 0xb;
		l->divisor = vlapic_divisor(l->tdcr);
		break;
	default:
		break;	/* ID, version, PPR, ISR, TMR, IRR, count: read-only, as Xen */
	}
	return false;
}

/* Xen's rules for partial writes: a byte or word merges into its
 * register, a dword or qword must be aligned (else dropped); a qword
 * writes its low half, the rest of a register's 16 bytes is reserved. */
static bool merge_write(struct vcpu *v, struct vlapic *l, unsigned int *off, unsigned int len,
			uint64_t *val)
{
	unsigned int shift = 8 * (*off & 3);
	uint64_t mask;

	if (len >= 4) {
		if (*off & (len - 1))
			return false;
		*val &= 0xffffffffu;
		return !(*off & 0xf);
	}
	if ((*off & 3) + len > 4 || (*off & 0xc))
		return false;
	mask = ((1ULL << (8 * len)) - 1) << shift;
	*off &= ~3u;
	*val = (read_dword(v, l, *off) & ~mask) | ((*val << shift) & mask);
	return true;
}

void vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int len, uint64_t val)
{
	struct vlapic *l = vl(v);
	unsigned int off = gpa & 0xfff;
	uint32_t lo = 0, hi = 0;
	bool ipi = false;
	uint64_t f = spin_lock_irqsave(&l->lock);

	if (merge_write(v, l, &off, len, &val) && off <= APIC_TIMER_DIV) {
		ipi = write_reg(v, l, off, (uint32_t)val);
		lo = l->icr_lo;
		hi = l->icr_hi;
	}
	note_irr(l);
	spin_unlock_irqrestore(&l->lock, f);
	if (ipi)
		send_ipi(v, lo, hi);
}

uint64_t vlapic_base_msr(struct vcpu *v)
{
	return vl(v)->base_msr;
}

int vlapic_set_base_msr(struct vcpu *v, uint64_t val)
{
	struct vlapic *l = vl(v);
	uint64_t base = val & APIC_BASE_ADDR_MASK, f;
	bool was_on, on = val & APIC_BASE_ENABLE;

	/* Reserved bits, x2APIC (not offered), or a page over the domain's
	 * RAM, which nested paging maps and so could not trap. */
	if (val & ~(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP))
		return -EINVAL;
	if (on && base < v->domain->mem_bytes)
		return -EINVAL;
	f = spin_lock_irqsave(&l->lock);
	was_on = hw_enabled(l);
	l->base_msr = base | (on ? APIC_BASE_ENABLE : 0) | (l->base_msr & APIC_BASE_BSP);
	/* Disabled is as if the CPU had no APIC; enabling again starts
	 * from the reset state (SDM 10.4.3). */
	if (was_on != on)
		reset_regs(l, v->id);
	note_irr(l);
	spin_unlock_irqrestore(&l->lock, f);
	return 0;
}

int vlapic_pending_vector(struct vcpu *v)
{
	struct vlapic *l = vl(v);
	int vec;

	if (!__atomic_load_n(&l->irr_pending, __ATOMIC_ACQUIRE))
		return -1;
	uint64_t f = spin_lock_irqsave(&l->lock);

	vec = enabled(l) ? vlapic_deliverable(l) : -1;
	spin_unlock_irqrestore(&l->lock, f);
	return vec;
}

bool vlapic_has_pending(struct vcpu *v)
{
	return vlapic_pending_vector(v) >= 0;
}

void vlapic_ack(struct vcpu *v, unsigned int vector)
{
	struct vlapic *l = vl(v);
	uint64_t f = spin_lock_irqsave(&l->lock);

	clear_bit256(l->irr, vector & 0xff);
	set_bit256(l->isr, vector & 0xff);
	note_irr(l);
	spin_unlock_irqrestore(&l->lock, f);
}

uint8_t vlapic_cr8(struct vcpu *v)
{
	return (uint8_t)(__atomic_load_n(&vl(v)->tpr, __ATOMIC_ACQUIRE) >> 4);
}

void vlapic_set_cr8(struct vcpu *v, uint8_t cr8)
{
	struct vlapic *l = vl(v);
	uint64_t f = spin_lock_irqsave(&l->lock);

	l->tpr = (uint32_t)(cr8 & 0xf) << 4;
	spin_unlock_irqrestore(&l->lock, f);
}

uint64_t vlapic_check_timer(struct vcpu *v)
{
	struct vlapic *l = vl(v);
	uint64_t now, f, next;
	bool raised = false;

	if (!__atomic_load_n(&l->deadline_ns, __ATOMIC_ACQUIRE))
		return 0;
	now = guest_time_ns(v);
	f = spin_lock_irqsave(&l->lock);
	if (l->deadline_ns && now >= l->deadline_ns) {
		l->deadline_ns = vlapic_next_deadline(l, now);
		if (enabled(l) && !(l->lvt[0] & APIC_LVT_MASKED)) {
			set_irq_locked(l, l->lvt[0] & 0xff);
			raised = true;
		}
	}
	next = l->deadline_ns;
	spin_unlock_irqrestore(&l->lock, f);
	if (raised)
		sched_vcpu_kick(v);
	return next;
}
