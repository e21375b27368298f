/* Round-robin scheduling of vCPUs over all pCPUs. */
#include <asm/apic.h>
#include <asm/guest.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/debug_exit.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/sched_keep.h>
#include <umbra/vcpu_shared.h>

static struct vcpu *runq_head, *runq_tail;
static spinlock_t runq_lock = SPINLOCK_INIT;
static bool opt_exit_when_idle;

#include <umbra/cmdline.h>
#include <umbra/hot.h>
/* Tests: power QEMU off once every domain has stopped. */
param_bool("exit_when_idle", opt_exit_when_idle);

/* Every change of a vCPU's state goes here: its runstate follows. */
static void set_state(struct vcpu *v, enum vcpu_state s)
{
	vcpu_runstate_change(v, s);
	v->state = s;
}

static void runq_push(struct vcpu *v)
{
	v->runq_next = NULL;
	if (runq_tail)
		runq_tail->runq_next = v;
	else
		runq_head = v;
	runq_tail = v;
}

/* The pCPUs dom0 owns (vCPU i on pCPU i): nothing else runs there, and
 * Umbra keeps no timer there. */
static uint64_t dom0_pcpus;

void sched_give_pcpu_to_dom0(unsigned int cpu)
{
	__atomic_or_fetch(&dom0_pcpus, 1ULL << cpu, __ATOMIC_SEQ_CST);
}

bool sched_pcpu_is_dom0s(unsigned int cpu)
{
	return cpu < 64 && (__atomic_load_n(&dom0_pcpus, __ATOMIC_ACQUIRE) >> cpu) & 1;
}

/* The pCPU that fires vCPU timers: the first online one Umbra keeps. */
unsigned int sched_timer_pcpu(void)
{
	uint64_t mine = sched_cpus_online() & ~__atomic_load_n(&dom0_pcpus, __ATOMIC_ACQUIRE);

	return mine ? (unsigned int)__builtin_ctzll(mine) : 0;
}

/* May v run on cpu? Its affinity says, and dom0's pCPU is dom0's alone. */
static bool may_run(const struct vcpu *v, unsigned int cpu)
{
	if (!(__atomic_load_n(&v->affinity, __ATOMIC_ACQUIRE) & (1ULL << cpu)))
		return false;
	if (!sched_domain_may_run(v))
		return false;
	return sched_pcpu_is_dom0s(cpu) == domain_is_dom0(v->domain);
}

/* Set while the pCPU waits in HLT with nothing to run. */
static bool idle_wait[MAX_CPUS];

static bool in_idle_loop(unsigned int cpu)
{
	return __atomic_load_n(&idle_wait[cpu], __ATOMIC_RELAXED);
}

/* Does a vCPU wait that may run on cpu? (Idle, cpu looks for one at
 * every tick, as before: common/sched_timer.c.) */
static bool runq_waiting(unsigned int cpu)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);
	bool waiting = false;

	for (struct vcpu *v = runq_head; v && !waiting; v = v->runq_next)
		waiting = may_run(v, cpu);
	spin_unlock_irqrestore(&runq_lock, f);
	return waiting;
}

/* Take the first runnable vCPU that may run on this pCPU. */
static struct vcpu *runq_pick(unsigned int cpu)
{
	struct vcpu *prev = NULL;
	uint64_t f = spin_lock_irqsave(&runq_lock);

	for (struct vcpu *v = runq_head; v; prev = v, v = v->runq_next) {
		if (!may_run(v, cpu))
			continue;
		if (prev)
			prev->runq_next = v->runq_next;
		else
			runq_head = v->runq_next;
		if (runq_tail == v)
			runq_tail = prev;
		set_state(v, VCPU_RUNNING);
		v->processor = (int)cpu;
		spin_unlock_irqrestore(&runq_lock, f);
		return v;
	}
	spin_unlock_irqrestore(&runq_lock, f);
	return NULL;
}

uint64_t sched_cpus_online(void)
{
	uint64_t mask = 0;

	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (percpu_area[cpu].online)
			mask |= 1ULL << cpu;
	return mask;
}

void sched_init(void)
{
	runq_head = runq_tail = NULL;
}

uint64_t guest_time_ns(const struct vcpu *v)
{
	return tsc_to_ns(rdtsc() + arch_vcpu_tsc_offset(v));
}

void sched_vcpu_start(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	/* Only a vCPU that is down, of a domain still running: queuing one
	 * twice would corrupt the run queue. domain_shutdown() sets the state
	 * before it takes each vCPU down under this lock, so a start racing
	 * with it is either refused here or undone there. */
	if (v->state == VCPU_DOWN && v->domain->state < DOMAIN_SHUTDOWN) {
		set_state(v, VCPU_RUNNABLE);
		v->processor = -1;
		runq_push(v);
	}
	spin_unlock_irqrestore(&runq_lock, f);
}

static void block_locked(struct vcpu *v)
{
	/* An event that arrived since the guest decided to wait (a timer that
	 * expired while it ran) is consumed instead: the wait ends at once. */
	if (v->event_pending)
		v->event_pending = false;
	else if (v->state == VCPU_RUNNING)
		set_state(v, VCPU_BLOCKED);
}

void sched_vcpu_block(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	block_locked(v);
	spin_unlock_irqrestore(&runq_lock, f);
}

bool sched_vcpu_block_if_wakeable(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);
	/* check_timers() clears an expired deadline and marks the event under
	 * this lock, so one of the two is seen here. */
	bool wakeable = v->event_pending ||
			__atomic_load_n(&v->timer_deadline_ns, __ATOMIC_ACQUIRE);

	if (wakeable)
		block_locked(v);
	spin_unlock_irqrestore(&runq_lock, f);
	return wakeable;
}

static void wake_locked(struct vcpu *v)
{
	if (v->state != VCPU_BLOCKED) {
		v->event_pending = true;	/* for its next block */
	} else {
		set_state(v, VCPU_RUNNABLE);
		/* Still leaving its pCPU: put_back() queues it, or a second pCPU
		 * could enter it while the first is still on its way out. */
		if (v->processor < 0)
			runq_push(v);
	}
}

void sched_vcpu_wake(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	wake_locked(v);
	spin_unlock_irqrestore(&runq_lock, f);
}

void sched_vcpu_poll_prepare(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	v->event_pending = false;
	__atomic_store_n(&v->poll_deadline_ns, 0, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&runq_lock, f);
}

void sched_vcpu_yield(struct vcpu *v)
{
	v->needs_resched = true;
}

void sched_vcpu_down(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);
	struct vcpu *prev = NULL;

	if (v->state == VCPU_RUNNABLE) {
		for (struct vcpu *q = runq_head; q; prev = q, q = q->runq_next) {
			if (q != v)
				continue;
			if (prev)
				prev->runq_next = q->runq_next;
			else
				runq_head = q->runq_next;
			if (runq_tail == q)
				runq_tail = prev;
			break;
		}
	}
	set_state(v, VCPU_DOWN);
	spin_unlock_irqrestore(&runq_lock, f);
}

/* The one-shot timer (set_timer_op, VCPUOP_set_singleshot_timer). The
 * deadline is cleared and a running vCPU marked under runq_lock, which
 * sched_vcpu_block_if_wakeable() relies on; VIRQ_TIMER, if bound, is
 * raised after (event channels take their own locks, then this one). A
 * blocked vCPU waiting for it (SCHEDOP_poll on its port) is woken only
 * once the port is pending: woken first, it could look too early. */
static void check_vcpu_timer(struct vcpu *v)
{
	uint64_t dl = __atomic_load_n(&v->timer_deadline_ns, __ATOMIC_ACQUIRE);
	bool fired = false, bound = false, wake_after = false;

	/* The vCPU may set a new deadline meanwhile: fire only the one that
	 * expired. */
	if (!dl || guest_time_ns(v) < dl)
		return;
	uint64_t f = spin_lock_irqsave(&runq_lock);

	if (__atomic_compare_exchange_n(&v->timer_deadline_ns, &dl, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		fired = true;
		bound = evtchn_virq_bound(v, VIRQ_TIMER);
		if (!bound)
			arch_vcpu_upcall_raise(v);
		if (bound && v->state == VCPU_BLOCKED)
			wake_after = true;
		else
			wake_locked(v);
	}
	spin_unlock_irqrestore(&runq_lock, f);
	if (fired && bound)
		evtchn_send_virq(v, VIRQ_TIMER);
	if (wake_after)
		sched_vcpu_wake(v);
}

/* The deadline is replaced (0: cancelled) by v itself. One that passed
 * and that the timer pCPU has not fired yet fires first: on Xen it would
 * have fired at its expiry on v's own pCPU, and here the timer pCPU's
 * interrupt can come late (QEMU's timers wait for the host: tens of ms
 * under load), which let a guest that spun past its deadline and then
 * set a new one lose the expiry (tests/e2e/hvm.sh, "an expiry while the
 * vCPU runs is not lost"). check_vcpu_timer() fires a deadline once,
 * whichever pCPU gets there first. */
void sched_vcpu_timer_set(struct vcpu *v, uint64_t dl_ns)
{
	check_vcpu_timer(v);
	__atomic_store_n(&v->timer_deadline_ns, dl_ns, __ATOMIC_RELEASE);
	sched_timer_armed(v, dl_ns);
}

/* SCHEDOP_poll's timeout: the wait ends, no event. */
static void check_poll_timeout(struct vcpu *v)
{
	uint64_t dl = __atomic_load_n(&v->poll_deadline_ns, __ATOMIC_ACQUIRE);

	if (!dl || guest_time_ns(v) < dl)
		return;
	uint64_t f = spin_lock_irqsave(&runq_lock);

	if (__atomic_compare_exchange_n(&v->poll_deadline_ns, &dl, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&v->polling, false, __ATOMIC_SEQ_CST))
		wake_locked(v);
	spin_unlock_irqrestore(&runq_lock, f);
}

/* Fire what is due, and tell the timer the earliest deadline left. */
static void check_domain_timers(struct domain *d, void *arg)
{
	(void)arg;
	if (d->state >= DOMAIN_SHUTDOWN)
		return;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		check_vcpu_timer(v);
		check_poll_timeout(v);
		sched_timer_scan_found(sched_timer_deadline_tsc(v,
			__atomic_load_n(&v->timer_deadline_ns, __ATOMIC_ACQUIRE)));
		sched_timer_scan_found(sched_timer_deadline_tsc(v,
			__atomic_load_n(&v->poll_deadline_ns, __ATOMIC_ACQUIRE)));
		if (!domain_is_dom0(d))
			sched_timer_scan_found(sched_timer_deadline_tsc(v,
				vlapic_check_timer(v)));
	}
}

/* Wake blocked vCPUs whose one-shot timer has passed. The walk holds the
 * domain table's lock, so a domain being destroyed is never looked at
 * after it left the table. */
static void check_timers(void)
{
	sched_timer_scan_begin();
	domains_walk(check_domain_timers, NULL);
}

void sched_tick(void)
{
	unsigned int cpu = smp_processor_id();

	if (cpu == sched_timer_pcpu()) {
		check_timers();
		stats_every_tick();
	}
	sched_timer_rearm(cpu, in_idle_loop(cpu) || runq_waiting(cpu));
}

static __exit_full __attribute__((noinline)) void run_slice(struct vcpu *v)
{
	uint64_t slice = tsc_khz * SCHED_SLICE_US / 1000;
	uint64_t start = rdtsc();
	unsigned int cpu = smp_processor_id();
	bool dom0 = domain_is_dom0(v->domain);

	v->needs_resched = false;
	v->slice_start_tsc = start;
	while (sched_vcpu_keep_running(v, cpu)) {
		/* A simple exit (CPUID, a hypercall, ...) brings nothing of the
		 * host's: timers and kicks arrive as interrupts, which end the
		 * guest's run with an exit of their own, and a pending one
		 * does so at the next entry. So only then is the window opened
		 * and the slice looked at. On dom0's pCPU every interrupt is
		 * dom0's (it stays pending for its IDT): the slice is looked
		 * at after every exit there. */
		if (!arch_vcpu_run(v) && !dom0)
			continue;
		/* STI only opens the window after the next instruction, hence
		 * the NOP. */
		if (!dom0)
			__asm__ volatile("sti; nop; cli" ::: "memory");
		if (rdtsc() - start >= slice)
			break;
	}
	arch_vcpu_put(v);
	v->stats.cpu_time_ns += tsc_to_ns(rdtsc() - start);
}

void sched_vcpu_kick(struct vcpu *v)
{
	int cpu;

	sched_vcpu_wake(v);
	cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
	/* Every interrupt on dom0's pCPU is dom0's own: no kick there. */
	if (cpu >= 0 && (unsigned int)cpu != smp_processor_id() &&
	    !sched_pcpu_is_dom0s((unsigned int)cpu))
		apic_send_ipi(percpu_area[cpu].apic_id, VECTOR_IPI);
}

static void put_back(struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	v->processor = -1;
	if (v->state == VCPU_RUNNING || v->state == VCPU_RUNNABLE) {
		set_state(v, VCPU_RUNNABLE);
		runq_push(v);
	}
	spin_unlock_irqrestore(&runq_lock, f);
}

/* Make every vCPU of d that is in the guest on another pCPU exit now,
 * rather than at its pCPU's next tick. */
static void kick_domain(struct domain *d)
{
	unsigned int self = smp_processor_id();

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		int cpu = __atomic_load_n(&d->vcpus[i]->processor, __ATOMIC_ACQUIRE);

		if (cpu >= 0 && (unsigned int)cpu != self)
			apic_send_ipi(percpu_area[cpu].apic_id, VECTOR_IPI);
	}
}

#define STOP_NOW_WAIT_US	100000

uint64_t sched_domain_stop_now(struct domain *d)
{
	unsigned int self = smp_processor_id();
	uint64_t asked = 0, gone = 0;

	for (unsigned int i = 0; i < d->nr_vcpus && i < 64; i++) {
		int cpu = __atomic_load_n(&d->vcpus[i]->processor, __ATOMIC_ACQUIRE);

		if (cpu < 0 || (unsigned int)cpu == self)
			continue;
		if (sched_pcpu_is_dom0s((unsigned int)cpu))
			nmi_kick_cpu((unsigned int)cpu);
		else
			apic_send_ipi(percpu_area[cpu].apic_id, VECTOR_IPI);
		asked |= 1ULL << i;
	}
	for (unsigned int waited = 0; gone != asked && waited < STOP_NOW_WAIT_US; waited += 100) {
		udelay(100);
		for (unsigned int i = 0; i < d->nr_vcpus && i < 64; i++)
			if ((asked >> i & 1) &&
			    __atomic_load_n(&d->vcpus[i]->processor, __ATOMIC_ACQUIRE) < 0)
				gone |= 1ULL << i;
	}
	return gone;
}

/* The state moves under d->lock (as shutdown and crash move it) and
 * runq_lock (as runq_pick reads it): a stopped domain is never paused, and
 * nothing picks a vCPU of a paused one. */
static int set_paused(struct domain *d, bool pause)
{
	uint64_t f = spin_lock_irqsave(&d->lock);
	enum domain_state from = pause ? DOMAIN_RUNNING : DOMAIN_PAUSED;
	int rc = 0;

	if (d->state >= DOMAIN_SHUTDOWN) {
		rc = -EINVAL;
	} else if (d->state == from || d->state == DOMAIN_BLOCKED) {
		uint64_t g = spin_lock_irqsave(&runq_lock);

		__atomic_store_n(&d->state, pause ? DOMAIN_PAUSED : DOMAIN_RUNNING,
				 __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&runq_lock, g);
	}
	spin_unlock_irqrestore(&d->lock, f);
	return rc;
}

int sched_domain_pause(struct domain *d)
{
	int rc = set_paused(d, true);

	if (!rc)
		kick_domain(d);
	return rc;
}

int sched_domain_unpause(struct domain *d)
{
	return set_paused(d, false);
}

bool sched_domain_on_pcpus(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);
	bool on = false;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		on |= d->vcpus[i]->processor >= 0;
	spin_unlock_irqrestore(&runq_lock, f);
	if (on)
		kick_domain(d);
	return on;
}

void sched_vcpu_pin(struct vcpu *v, uint64_t affinity)
{
	uint64_t f = spin_lock_irqsave(&runq_lock);

	__atomic_store_n(&v->affinity, affinity, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&runq_lock, f);
	kick_domain(v->domain);
}

static void maybe_exit_when_idle(void)
{
	/* Domains are built before any pCPU schedules, so none alive here
	 * means every one stopped, or none could be created. */
	if (opt_exit_when_idle && !domains_alive()) {
		log_lifecycle(LOG_INFO, "sched: every domain has stopped; exiting (exit_when_idle)\n");
		debug_exit(DEBUG_EXIT_SUCCESS);
	}
}

void sched_run_this_cpu(void)
{
	unsigned int cpu = smp_processor_id();

	for (;;) {
		struct vcpu *v;

		local_irq_disable();
		v = runq_pick(cpu);
		if (!v) {
			if (cpu == sched_timer_pcpu())
				maybe_exit_when_idle();
			/* sti; hlt: the next tick or IPI ends the wait. An idle
			 * pCPU ticks every SCHED_TICK_US, as it always did: a
			 * vCPU woken meanwhile waits at most that long. */
			sched_timer_idle(cpu);
			__atomic_store_n(&idle_wait[cpu], true, __ATOMIC_RELAXED);
			__asm__ volatile("sti; hlt" ::: "memory");
			__atomic_store_n(&idle_wait[cpu], false, __ATOMIC_RELAXED);
			continue;
		}
		vcpu_runstate_publish(v);	/* scheduled in */
		run_slice(v);
		put_back(v);
		vcpu_runstate_publish(v);	/* and out */
	}
}
