/* The vCPU scheduler: one FIFO run queue shared by every pCPU, fixed time
 * slices from the LAPIC timer, affinity masks, idle pCPUs halt. */
#ifndef UMBRA_SCHED_H
#define UMBRA_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct domain;

#define SCHED_TICK_US		1000	/* LAPIC timer period */
#define SCHED_SLICE_US		10000	/* time slice */

void sched_init(void);
/* From now on cpu runs dom0's vCPU and nothing else, with no Umbra timer. */
void sched_give_pcpu_to_dom0(unsigned int cpu);
bool sched_pcpu_is_dom0s(unsigned int cpu);
/* Bitmap of the pCPUs that run vCPUs (bit n: CPU n); affinity masks are
 * checked against it. */
uint64_t sched_cpus_online(void);
/* Make a new vCPU runnable. */
void sched_vcpu_start(struct vcpu *v);
/* The running vCPU waits (HLT, SCHEDOP_block) until woken or its timer fires. */
void sched_vcpu_block(struct vcpu *v);
/* The same for a wait only the vCPU's own timer or a pending event can end
 * (HLT with interrupts off); false, and nothing done, if neither exists. */
bool sched_vcpu_block_if_wakeable(struct vcpu *v);
void sched_vcpu_wake(struct vcpu *v);
/* The same, and a vCPU in the guest on another pCPU leaves it now, to
 * take a new upcall (event channels). */
void sched_vcpu_kick(struct vcpu *v);
/* SCHEDOP_poll starts: forget wakes that came before it and an old
 * poll timeout. */
void sched_vcpu_poll_prepare(struct vcpu *v);
/* v's one-shot timer (set_timer_op, VCPUOP_*_singleshot_timer) now
 * falls at guest time dl_ns (0: none); an earlier deadline already
 * passed fires first, if the timer pCPU has not fired it yet. */
void sched_vcpu_timer_set(struct vcpu *v, uint64_t dl_ns);
/* Give up the rest of the slice. */
void sched_vcpu_yield(struct vcpu *v);
/* May v, running on pCPU cpu, go on running there after this exit?
 * sched_vcpu_keep_running(), inline in umbra/sched_keep.h. */
/* Never run the vCPU again (its domain stopped). */
void sched_vcpu_down(struct vcpu *v);
/* Management (common/mgmt_domain.c). Pause: no vCPU of d is picked from
 * now on and those in the guest are kicked out; -EINVAL if d stopped.
 * Unpause: they may run again. Both do nothing if already so. */
int sched_domain_pause(struct domain *d);
/* After d's vCPUs were taken down: make each that is in the guest on
 * another pCPU exit now (on dom0's pCPUs by NMI, which a vCPU halted
 * with interrupts off still takes), and wait up to 100 ms for them to
 * leave. The vCPUs that left, as a mask. */
uint64_t sched_domain_stop_now(struct domain *d);
int sched_domain_unpause(struct domain *d);
/* Is a vCPU of d on a pCPU now (then it is kicked)? false: none is, and
 * none will be while d stays paused or stopped. */
bool sched_domain_on_pcpus(struct domain *d);
/* New affinity for v; if it runs where it may no longer, it leaves. */
void sched_vcpu_pin(struct vcpu *v, uint64_t affinity);
/* Guest time in ns for v: its TSC (which the guest may write) scaled. */
uint64_t guest_time_ns(const struct vcpu *v);
/* Run vCPUs on this pCPU forever. */
void __attribute__((noreturn)) sched_run_this_cpu(void);
/* Called by the LAPIC timer interrupt on every pCPU. */
void sched_tick(void);
/* The pCPU that fires every vCPU timer. */
unsigned int sched_timer_pcpu(void);
/* Umbra's one-shot timer (common/sched_timer.c): start it on this pCPU
 * (instead of a periodic tick); a vCPU timer of v's armed at guest time
 * dl_ns (0: none), which the timer pCPU then fires on time; an IPI
 * arrived (the timer pCPU looks whether a timer armed elsewhere is due
 * before its next interrupt). */
void sched_timer_start_this_cpu(void);
void sched_timer_armed(const struct vcpu *v, uint64_t dl_ns);
void sched_timer_kicked(void);
/* For sched_tick(): the scan of the vCPU timers begins, found one due at
 * TSC value tsc, and this pCPU's next interrupt is programmed
 * (contended: it is idle or a vCPU waits for it: SCHED_TICK_US). */
void sched_timer_scan_begin(void);
void sched_timer_scan_found(uint64_t tsc);
void sched_timer_rearm(unsigned int cpu, bool contended);
/* cpu goes idle: it looks at the run queue every SCHED_TICK_US. */
void sched_timer_idle(unsigned int cpu);
/* A guest-time deadline of v's as a TSC value (UINT64_MAX for 0). */
uint64_t sched_timer_deadline_tsc(const struct vcpu *v, uint64_t dl_ns);
/* stats_every=N: the periodic counter report (common/stats_every.c). */
void stats_every_tick(void);

#endif
