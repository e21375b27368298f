/* Inside arch/x86/pv/: a PV guest's debug registers (pv_debug.c). */
#ifndef PV_DEBUG_H
#define PV_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* DR6 and DR7 at their reset values (vCPU creation). */
void pv_debug_init(struct vcpu *v);

/* set_debugreg's checks and effect: 0, -EPERM (an address outside the
 * guest's part, DR7.GD, an I/O breakpoint) or -ENODEV (no such register). */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t val);

/* The guest's view of DRreg; false: no such register. */
bool pv_get_debugreg(struct vcpu *v, unsigned int reg, uint64_t *val);

/* set_debugreg, get_debugreg: true and *rc when nr is one of them. */
bool pv_debug_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc);

/* Around each run: the guest's breakpoints into the CPU (when DR7
 * enables any) and out again; after a #DB (vec) the CPU's DR6 merged
 * into the guest's. */
void pv_debug_enter(struct vcpu *v);
void pv_debug_exit(struct vcpu *v, unsigned int vec);

/* QEMU's early #DB after MOV SS (pv_debug.c): a #DB from the guest held
 * back for one instruction, true; and after the next exit, whether it is
 * the held #DB to deliver now (TF taken out of the guest's state either
 * way). */
bool pv_debug_hold_movss(struct vcpu *v);
bool pv_debug_held_after(struct vcpu *v, unsigned int vec);

#endif
