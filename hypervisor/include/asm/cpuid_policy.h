/* What a guest's CPUID says beyond the host's own answer, for every kind
 * of guest (SVM: svm_cpuid.c; PV: pv/pv_cpuid.c): Umbra's and Xen's
 * hypervisor leaves, and the host leaves with what Umbra does not
 * virtualise taken out. */
#ifndef ASM_CPUID_POLICY_H
#define ASM_CPUID_POLICY_H

#include <stdint.h>
#include <asm/x86.h>

struct vcpu;

void cpuid_umbra_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);
void cpuid_xen_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);
void cpuid_filter_host_leaf(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);

#endif
