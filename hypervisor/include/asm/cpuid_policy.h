/* What a guest's CPUID says beyond the host's own answer, for every kind
 * of guest (SVM: svm_cpuid.c; PV: pv/pv_cpuid.c): Umbra's and Xen's
 * hypervisor leaves, and the host leaves with what Umbra does not
 * virtualise taken out. */
#ifndef ASM_CPUID_POLICY_H
#define ASM_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/cpuid_leaves.h>
#include <asm/x86.h>
#include <umbra/domain.h>

void cpuid_umbra_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);
void cpuid_xen_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);
/* A host leaf as v sees it: the domain's part of the filter, then the
 * vCPU's own (cpuid_vcpu_leaf). */
void cpuid_filter_host_leaf(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r);
/* The part of that filter that depends on the domain alone, which its
 * copy of the leaves (struct cpuid_domain) holds already applied. */
void cpuid_filter_domain_leaf(const struct domain *d, uint32_t leaf, struct cpuid_regs *r);

/* The vCPU's part: a domU's leaf 1 gives its vCPU number as the initial
 * APIC ID and the domain's vCPU count as its logical processor count
 * (dom0 keeps its pCPU's, read live). */
static inline __attribute__((always_inline)) void cpuid_vcpu_leaf(const struct vcpu *v,
								  uint32_t leaf,
								  struct cpuid_regs *r)
{
	if (leaf == CPUID_FEATURES && !domain_is_dom0(v->domain))
		r->ebx = (r->ebx & 0x0000ffffu) | (v->id << 24) | (v->domain->nr_vcpus << 16);
}

/* A host leaf from v's domain's copy, fully filtered (false: not there,
 * ask the CPU and cpuid_filter_host_leaf). Inline: the exit path's
 * CPUID reads nothing but the domain's page for it (umbra/hot.h). */
static inline __attribute__((always_inline)) bool cpuid_domain_leaf(const struct vcpu *v,
								    uint32_t leaf,
								    struct cpuid_regs *r)
{
	const struct cpuid_domain *c = &v->domain->cpuid;
	unsigned int i;

	if (leaf < CPUID_DOMAIN_SPAN)
		i = c->slot[leaf];
	else if (leaf - 0x80000000u < CPUID_DOMAIN_SPAN)
		i = c->slot[CPUID_DOMAIN_SPAN + leaf - 0x80000000u];
	else
		return false;
	if (!i)
		return false;
	*r = c->leaves[i - 1];
	cpuid_vcpu_leaf(v, leaf, r);
	return true;
}

#endif
