/* Inside arch/x86/pv/: a PV guest's virtual IOPL (pv_io.c). */
#ifndef PV_IO_H
#define PV_IO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* A #GP(0) at CLI, STI, IN or OUT the vCPU's virtual IOPL allows:
 * completed (nothing, or all ones read), RIP past it, true. */
bool pv_emulate_io(struct vcpu *v);

/* physdev_op(PHYSDEVOP_set_iopl): true and *rc; other physdev_op
 * commands are not PV-specific (false). */
bool pv_io_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc);

/* The iret hypercall's RFLAGS: with VMASST_TYPE_architectural_iopl, the
 * new virtual IOPL. */
void pv_io_iret(struct vcpu *v, uint64_t rflags);

/* The IOPL bits a bounce frame's RFLAGS carries (architectural_iopl). */
uint64_t pv_io_bounce_flags(const struct vcpu *v);

#endif
