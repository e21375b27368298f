/* Hooks that only the test build (hypervisor/test/) gives a body; the
 * release build links weak empty ones. */
#ifndef UMBRA_TEST_HOOKS_H
#define UMBRA_TEST_HOOKS_H

/* Called once boot is done, just before "ready". */
void test_hooks_before_ready(void);

struct boot_info;
/* Called on the boot CPU once the other CPUs schedule, before it becomes
 * dom0's or schedules itself: a test may take it over (and not return). */
void test_hooks_after_release(const struct boot_info *bi);

/* test_reap_stopped (hypervisor/test/test_reap.c, test build only): take
 * the boot CPU and destroy each domain once it stops; returns at once
 * when the option is off. */
void test_reap_stopped_domains(void);

struct domain;
/* Called when a domain has shut down (its lifecycle line and counters
 * printed), on the CPU that shut it down. */
void test_hooks_domain_shutdown(const struct domain *d);

struct vcpu;
struct cpu_regs;
/* Called just before a PV vCPU enters its guest, its frame sanitized: a
 * test may spoil the frame so that the entry's IRETQ faults
 * (test_pv_bad_cs, arch/x86/pv/pv_entry.S's pv_enter_fault). */
void test_hooks_pv_enter(const struct vcpu *v, struct cpu_regs *r);
/* Called between the read of a trapped page-table store's entry and its
 * commit: a test may change the entry there, as another vCPU or the
 * MMU's A/D update could (test_pv_ptwr_race). */
void test_hooks_pv_ptwr(struct vcpu *v, uint64_t gpa, uint64_t seen);

#endif
