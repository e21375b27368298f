/* Starting another vCPU of the domain as a PVH kernel does on Xen:
 * VCPUOP_initialise with a 64-bit vcpu_hvm_context, then VCPUOP_up. */
#ifndef GUEST_VCPU_UP_H
#define GUEST_VCPU_UP_H

#include <stdint.h>
#include <public/hvm/hvm_vcpu.h>

typedef void (*vcpu_entry_fn)(uint64_t arg);

/* A context that enters entry(arg) on a fresh page of stack, in this
 * vCPU's mode and address space (its CR0, CR3, CR4 and EFER). */
void vcpu_context_here(struct vcpu_hvm_context *ctx, vcpu_entry_fn entry, uint64_t arg);

/* vCPU vcpu initialised with such a context and brought up: 0, or the
 * error of the first hypercall that failed. */
long vcpu_start(unsigned int vcpu, vcpu_entry_fn entry, uint64_t arg);

#endif
