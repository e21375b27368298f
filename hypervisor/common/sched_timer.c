/*
 * Umbra's timer on the pCPUs it schedules, programmed one interrupt at a
 * time (the APIC's one-shot mode) rather than as a fixed 1 kHz tick.
 *
 * Each interrupt programs the next (sched_timer_next_at(),
 * umbra/sched_timer_rule.h):
 *  - SCHED_TICK_US ahead while the pCPU is contended: idle (it looks at
 *    the run queue at every interrupt: a vCPU woken by another pCPU waits
 *    at most that long) or another vCPU waits for it (the slice is then
 *    measured as finely as the periodic tick measured it);
 *  - SCHED_SLICE_US ahead on a pCPU that runs one vCPU nothing else waits
 *    for: the slice's end. A vCPU woken meanwhile is seen at that
 *    interrupt, no later than the running slice would have ended anyway
 *    (run_slice() looks at the slice only at interrupts);
 *  - on the timer pCPU (which fires every vCPU timer), never after the
 *    earliest armed vCPU timer (one-shot timers, SCHEDOP_poll timeouts,
 *    HVM LAPIC timers): fired on time rather than at the next tick.
 * A guest alone on its pCPU leaves it when its own timer is due or its
 * slice ends instead of every millisecond: under QEMU's TCG each exit
 * also flushes the whole TLB, which the guest then refills. Debian's
 * kernel booting as a PVH guest took ~2 800 tick exits of its ~5 600;
 * with this ~900 of ~3 900.
 *
 * The rule first held on the timer pCPU only: on the others,
 * tests/e2e/vlapic.sh had seen a woken vCPU wait 60-300 ms. Traced
 * (docs/linux-pvh.md, "The scheduler timer"), that was the host: both
 * pCPUs idle in HLT with 1 ms timers programmed, both interrupts came
 * ~58 ms late together, QEMU's timers not run meanwhile; Umbra 1 ms-tick
 * builds failed the same way under the same load.
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
#include <umbra/sched_timer_rule.h>

static uint64_t timers_next_tsc = UINT64_MAX;
/* When each pCPU's timer fires next (TSC); 0: not in one-shot mode. */
static uint64_t fire_at[MAX_CPUS];

static uint64_t us_to_tsc(uint64_t us)
{
	return tsc_khz * us / 1000;
}

/* A guest-time deadline of v's as a TSC value. The guest clock is read
 * from the same TSC value as the result is counted from: read apart,
 * the two could put the interrupt a little before the deadline. */
uint64_t sched_timer_deadline_tsc(const struct vcpu *v, uint64_t dl_ns)
{
	uint64_t now = rdtsc();

	return sched_timer_tsc_for(now, tsc_to_ns(now + arch_vcpu_tsc_offset(v)), dl_ns,
				   tsc_khz);
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
	at = sched_timer_next_at(now, us_to_tsc(SCHED_TICK_US), us_to_tsc(SCHED_SLICE_US),
				 contended, UINT64_MAX);
	if (cpu == sched_timer_pcpu())
		program_timer_pcpu(cpu, at, now);
	else
		program(cpu, at, now);
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
