/* Inside arch/x86/pv/: a PV guest's DS, ES, FS and GS selectors
 * (pv_seg.c). */
#ifndef PV_SEG_H
#define PV_SEG_H

#include <stdbool.h>

struct percpu;
struct vcpu;

/* The CPU's data selectors into v's state (end of its slice here). */
void pv_seg_save(struct vcpu *v);

/* Before entering v on this CPU: its selectors loaded, unless they are
 * live and its descriptor table unchanged. One that cannot be loaded
 * any more is loaded as null and the guest enters its failsafe callback;
 * false: no callback or no stack for it, the domain was crashed. */
bool pv_seg_load(struct vcpu *v, struct percpu *p);

#endif
