/*
 * Umbra's timer on the pCPUs it schedules, programmed one interrupt at a
 * time (the APIC's one-shot mode) rather than as a fixed 1 kHz tick.
 *
 * Every pCPU takes an interrupt every SCHED_TICK_US, as the periodic
 * tick gave, except one case: the timer pCPU (which fires every vCPU
 * timer) running one vCPU with no other waiting for it. Then its next
 * interrupt is the earliest armed vCPU timer (one-shot timers, SCHEDOP_poll
 * timeouts, HVM LAPIC timers: fired on time rather than at the next
 * tick), or SCHED_SLICE_US from now at the latest. A guest alone there
 * (the usual case with dom0 on pCPU 0 and domUs on pCPU 1) leaves its
 * pCPU when its own timer is due instead of every millisecond: under
 * QEMU's TCG each exit also flushes the whole TLB, which the guest then
 * refills. Debian's kernel booting as a PVH guest took ~2 800 tick exits
 * of its ~5 600; with this ~900 of ~3 900.
 *
 * Only the timer pCPU: with the same rule on the other pCPUs,
 * tests/e2e/vlapic.sh (three HVM domains on two pCPUs, no dom0) saw a
 * woken vCPU wait up to ~300 ms in about one run in three; the cause was
 * not found, and those pCPUs keep the 1 ms interrupt. Idle pCPUs keep it
 * too (a vCPU woken by another pCPU is picked at the next one; kicking
 * idle pCPUs by IPI instead also made that test fail).
 *
 * Arming a vCPU timer lowers timers_next_tsc; when that falls before the
 * timer pCPU's next interrupt, the timer pCPU reprograms itself (the
 * arming runs there, in an exit) or is kicked by IPI (sched_timer_kicked).
 * Each scan of the timers (sched_tick) recomputes timers_next_tsc: reset
 * first, then lowered to what the scan found, so that a timer armed
 * during the scan is not lost.
 */
#include <asm/apic.h>
#include <asm/guest.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/sched.h>

#define NS_PER_SEC	1000000000ull

static uint64_t timers_next_tsc = UINT64_MAX;
/* When each pCPU's timer fires next (TSC); 0: not in one-shot mode. */
static uint64_t fire_at[MAX_CPUS];

static uint64_t us_to_tsc(uint64_t us)
{
	return tsc_khz * us / 1000;
}

/* A guest-time deadline of v's as a TSC value, rounded up (a timer that
 * fires a hair early finds nothing due and costs a second interrupt). */
uint64_t sched_timer_deadline_tsc(const struct vcpu *v, uint64_t dl_ns)
{
	uint64_t now = rdtsc(), now_ns, left;

	if (!dl_ns)
		return UINT64_MAX;
	now_ns = guest_time_ns(v);
	if (dl_ns <= now_ns)
		return now;
	left = dl_ns - now_ns;
	if (left > NS_PER_SEC)
		left = NS_PER_SEC;
	return now + (left * tsc_khz + 999999) / 1000000;
}

static void lower(uint64_t *p, uint64_t val)
{
	uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST);

	while (val < old &&
	       !__atomic_compare_exchange_n(p, &old, val, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
}

static void program(unsigned int cpu, uint64_t at, uint64_t now)
{
	__atomic_store_n(&fire_at[cpu], at, __ATOMIC_SEQ_CST);
	apic_timer_fire_in(at > now ? at - now : 0);
}

/*
 * The timer pCPU's next interrupt: at `at`, or before if a vCPU timer is
 * due earlier. fire_at is stored before timers_next_tsc is read again:
 * an arming elsewhere lowers timers_next_tsc before it reads fire_at, so
 * either it sees the new fire_at (and kicks if it is due before) or this
 * read sees its deadline.
 */
static void program_timer_pcpu(unsigned int cpu, uint64_t at, uint64_t now)
{
	uint64_t next;

	for (;;) {
		next = __atomic_load_n(&timers_next_tsc, __ATOMIC_SEQ_CST);
		if (next < at)
			at = next;
		__atomic_store_n(&fire_at[cpu], at, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&timers_next_tsc, __ATOMIC_SEQ_CST) >= at)
			break;
	}
	apic_timer_fire_in(at > now ? at - now : 0);
}

void sched_timer_start_this_cpu(void)
{
	uint64_t now = rdtsc();

	apic_timer_start_oneshot();
	program(smp_processor_id(), now + us_to_tsc(SCHED_TICK_US), now);
}

void sched_timer_scan_begin(void)
{
	__atomic_store_n(&timers_next_tsc, UINT64_MAX, __ATOMIC_SEQ_CST);
}

void sched_timer_scan_found(uint64_t tsc)
{
	lower(&timers_next_tsc, tsc);
}

void sched_timer_rearm(unsigned int cpu, bool contended)
{
	uint64_t now = rdtsc(), at;

	if (!__atomic_load_n(&fire_at[cpu], __ATOMIC_ACQUIRE))
		return;		/* periodic (boot's self-test) or dom0's */
	if (cpu != sched_timer_pcpu()) {
		program(cpu, now + us_to_tsc(SCHED_TICK_US), now);
		return;
	}
	at = now + us_to_tsc(contended ? SCHED_TICK_US : SCHED_SLICE_US);
	program_timer_pcpu(cpu, at, now);
}

void sched_timer_idle(unsigned int cpu)
{
	uint64_t now = rdtsc(), at = now + us_to_tsc(SCHED_TICK_US);
	uint64_t fire = __atomic_load_n(&fire_at[cpu], __ATOMIC_ACQUIRE);

	if (!fire || fire <= at)
		return;
	if (cpu == sched_timer_pcpu())
		program_timer_pcpu(cpu, at, now);
	else
		program(cpu, at, now);
}

void sched_timer_armed(const struct vcpu *v, uint64_t dl_ns)
{
	unsigned int tp = sched_timer_pcpu();
	uint64_t at, fire;

	if (!dl_ns)
		return;
	at = sched_timer_deadline_tsc(v, dl_ns);
	lower(&timers_next_tsc, at);
	fire = __atomic_load_n(&fire_at[tp], __ATOMIC_SEQ_CST);
	if (!fire || at >= fire)
		return;		/* not one-shot yet, or it fires before anyway */
	/* In an exit, interrupts off: the timer pCPU's own interrupt cannot
	 * come between. */
	if (smp_processor_id() == tp)
		program_timer_pcpu(tp, at, rdtsc());
	else
		apic_send_ipi(percpu_area[tp].apic_id, VECTOR_IPI);
}

void sched_timer_kicked(void)
{
	unsigned int cpu = smp_processor_id();
	uint64_t fire = __atomic_load_n(&fire_at[cpu], __ATOMIC_SEQ_CST);

	if (!fire || cpu != sched_timer_pcpu())
		return;
	if (__atomic_load_n(&timers_next_tsc, __ATOMIC_SEQ_CST) < fire)
		program_timer_pcpu(cpu, fire, rdtsc());
}
