/* The virtual local APIC's arithmetic: vector maps, priorities, timer
 * counts, logical destinations. Pure logic, host-tested
 * (tests/unit/hvm/test_vlapic_regs.c). */
#include <asm/vlapic.h>

/* Minimum period of a periodic timer, as Xen's: a guest cannot make the
 * timer pCPU raise its interrupt more often than this. */
#define VLAPIC_MIN_PERIOD_NS	100000ULL

int vlapic_highest(const uint32_t map[8])
{
	for (int i = 7; i >= 0; i--)
		if (map[i])
			return i * 32 + 31 - __builtin_clz(map[i]);
	return -1;
}

/* Intel SDM 10.8.3.1: the task priority, or the class of the highest
 * in-service vector when that is higher. */
uint32_t vlapic_ppr(const struct vlapic *l)
{
	int isr = vlapic_highest(l->isr);
	uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr;

	if ((l->tpr & 0xf0) >= (isrv & 0xf0))
		return l->tpr & 0xff;
	return isrv & 0xf0;
}

int vlapic_deliverable(const struct vlapic *l)
{
	int irr = vlapic_highest(l->irr);

	if (irr < 0 || ((uint32_t)irr & 0xf0) <= vlapic_ppr(l))
		return -1;
	return irr;
}

uint32_t vlapic_divisor(uint32_t tdcr)
{
	uint32_t shift = ((tdcr & 3) | ((tdcr & 8) >> 1)) + 1;

	return 1u << (shift & 7);
}

uint64_t vlapic_period_ns(uint32_t tmict, uint32_t divisor, bool periodic)
{
	uint64_t ns = (uint64_t)tmict * divisor;

	if (periodic && ns && ns < VLAPIC_MIN_PERIOD_NS)
		ns = VLAPIC_MIN_PERIOD_NS;
	return ns;
}

uint32_t vlapic_current_count(const struct vlapic *l, uint64_t now_ns)
{
	uint64_t elapsed, left;

	if (!l->tmict || !l->period_ns)
		return 0;
	/* Guest time can go back (the guest writes its TSC): nothing passed. */
	elapsed = now_ns > l->start_ns ? now_ns - l->start_ns : 0;
	if (l->periodic)
		elapsed %= l->period_ns;
	else if (elapsed >= l->period_ns || !l->deadline_ns)
		return 0;
	left = (l->period_ns - elapsed) / l->divisor;
	return left > l->tmict ? l->tmict : (uint32_t)left;
}

uint64_t vlapic_next_deadline(const struct vlapic *l, uint64_t now_ns)
{
	uint64_t periods;

	if (!l->periodic || !l->period_ns)
		return 0;
	if (now_ns < l->deadline_ns)
		return l->deadline_ns;
	periods = (now_ns - l->deadline_ns) / l->period_ns + 1;
	return l->deadline_ns + periods * l->period_ns;
}

bool vlapic_logical_match(uint32_t ldr, uint32_t dfr, uint8_t mda)
{
	uint8_t id = (uint8_t)(ldr >> 24);

	if ((dfr >> 28) == 0xf)		/* flat */
		return (id & mda) != 0;
	if ((dfr >> 28) == 0x0)		/* cluster */
		return (id >> 4) == (mda >> 4) && (id & mda & 0xf);
	return false;
}
