/* The hostile guest's attacks and how they report (hostile.c). */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include "trap.h"

/* Xen's errno values, as hypercalls return them negated. */
#define XEN_EPERM	1
#define XEN_EFAULT	14
#define XEN_EINVAL	22
#define XEN_ENOSYS	38

#define NO_TRAP		(-1)

/* What the hypervisor's counters for this domain must show at the end:
 * every attack adds what it provokes. */
struct expected_counters {
	uint64_t guest_faults;		/* bad pointers refused */
	uint64_t hypercalls_bad;	/* unknown hypercall numbers */
	uint64_t msr_unhandled;		/* MSR accesses answered with #GP */
	uint64_t io_unhandled;		/* port accesses outside COM1 */
};
extern struct expected_counters expected;

/* One check inside the running attack: prints "ok" or a FAIL line. */
void check_rc(const char *what, long got, long want);
void check_trap(const char *what, bool caught, const struct trap_record *rec, int want);
void check_that(const char *what, bool ok, uint64_t got);

/* Run fn at CPL 0 (or CPL 3) and check the exception it raises. */
void expect_trap(const char *what, void (*fn)(void *), void *arg, int want);
void expect_user_trap(const char *what, long (*fn)(void *), void *arg, int want);

/* Run fn(arg) at CPL 3 with IOPL 3; true if it returned (state.c). */
bool user_call_iopl(long (*fn)(void *), void *arg, struct trap_record *rec);

/* The domain's memory size: everything at and above it is not RAM. */
uint64_t domain_mem_end(void);

/* Non-fatal attacks: the guest survives and checks what it saw. */
void attack_badptr(void);
void attack_badnr(void);
void attack_user(void);
void attack_svm(void);
void attack_msr(void);
void attack_io(void);
void attack_mgmt(void);

/* Fatal attacks: the hypervisor must crash the domain (fatal.c). */
void attack_read_oob(void);
void attack_write_oob(void);
void attack_exec_oob(void);
void attack_write_lapic(void);
void attack_write_high(void);
void attack_cr3_oob(void);
void attack_triple_fault(void);

/* Named-only attacks on CPU state and event delivery (state.c). */
void attack_xsave(void);
void attack_pcid(void);
void attack_cr3_reserved(void);
void attack_hcpage_wrap(void);
void attack_iopl_ins(void);
void attack_int_twice(void);
void attack_upcall_spin(void);
void attack_stain(void);
void attack_sniff(void);
void attack_cr4_reserved(void);

/* Guest-memory copies at page edges, HLT with interrupts off (edges.c). */
void attack_xpage(void);
void attack_strio_np(void);
void attack_pte_ones(void);
void attack_halt_cli(void);

/* Named-only: the event-channel calls' errors and limits (evtchn.c). */
void attack_evtchn(void);

/* Named-only: page tables by the thousand, for the shadow pool (flood.c). */
void attack_pt_flood(void);

/* Named-only: a flood of exits the hypervisor logs (logflood.c). */
void attack_log_flood(void);

/* #DB and #AC, which the hypervisor intercepts and gives back (debug.c). */
void attack_db_step(void);
void attack_ac_user(void);
void attack_db_watch(void);

#endif
