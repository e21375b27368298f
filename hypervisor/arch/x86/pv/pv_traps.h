/* Inside arch/x86/pv/: exceptions bounced to the guest, and the
 * hypercalls only PV guests make. */
#ifndef PV_TRAPS_H
#define PV_TRAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/pv.h>	/* pv_guest_va_ok */

struct vcpu;

/* Exception `vec` (error code `err`, if the vector has one) raised by the
 * guest's own instruction: bounced to its trap table as Xen does, or the
 * domain crashed when it has no handler or no stack to take the frame. */
void pv_guest_exception(struct vcpu *v, unsigned int vec);
void pv_entry_fault(struct vcpu *v);
bool pv_gp_is_stack_fault(struct vcpu *v);

/* An event upcall due (pending, unmasked, a callback registered): the
 * vCPU enters its event callback at its next entry. False: no frame could
 * be written and the domain was crashed. */
bool pv_deliver_events(struct vcpu *v);

/* A registered callback (CALLBACKTYPE_syscall, ...) entered like an
 * exception without error code; false: the domain was crashed. */
bool pv_bounce_callback(struct vcpu *v, unsigned int type);

/* The failsafe callback entered with the selectors that could not be
 * loaded (DS, ES, FS, GS); false: none registered or no stack for the
 * frame, the domain was crashed. */
bool pv_bounce_failsafe(struct vcpu *v, const uint64_t segs[4]);

/* The iret hypercall: the guest's registers from the iret_context on
 * its stack (RAX included: no result), or the domain crashed. */
void pv_iret(struct vcpu *v);

/* The PV-only hypercalls other than iret (set_trap_table, mmu_update, ...): true and *rc when
 * nr is one of them. */
bool pv_hypercall_arch(struct vcpu *v, uint64_t nr, uint64_t *args, long *rc);

/* A #PF that is the guest's store to one of its own live page tables,
 * with writable page tables on: emulated through shared-pt, true. False:
 * the #PF is the guest's (pv_ptwr.c). */
bool pv_ptwr_fault(struct vcpu *v);

/* The guest's store at RIP, which faulted on the page-table entry at
 * gpa, decoded and computed (MOV, XCHG, locked RMW: asm/emulate_store.h)
 * from `seen`, the aligned 8 bytes holding it as read before, and handed
 * to commit(v, gpa, value, len, seen); then RIP moves past it. False
 * (nothing changed) when it cannot be decoded, crosses its 8 bytes, or
 * commit refuses it. Commit's -EAGAIN (the 8 bytes are no longer
 * `seen`): nothing changed, the guest runs the instruction again. */
typedef int (*pv_store_commit_fn)(struct vcpu *v, uint64_t gpa, uint64_t val,
				  unsigned int len, uint64_t seen);
bool pv_emulate_pt_store(struct vcpu *v, uint64_t gpa, pv_store_commit_fn commit);

/* A #UD at Xen's forced-emulation CPUID (ud2; "xen"; cpuid): answered
 * with the hypervisor's CPUID policy, true (pv_cpuid.c). */
bool pv_forced_cpuid(struct vcpu *v);

/* mmu_update, mmuext_op, update_va_mapping (pv_mmu.c). */
long pv_do_mmu_update(struct vcpu *v, uint64_t *args);
long pv_do_mmuext_op(struct vcpu *v, uint64_t *args);
long pv_do_update_va_mapping(struct vcpu *v, uint64_t *args);

#endif
