/*
 * CPUID for PV guests. The instruction itself is not intercepted in ring
 * 3: a PV guest sees the CPU's leaves. Xen's forced-emulation prefix
 * `ud2; .ascii "xen"; cpuid` asks for the hypervisor's view instead: it
 * raises #UD, and the #UD path answers with the policy SVM guests get
 * (asm/cpuid_policy.h: Umbra's and Xen's leaves, host leaves filtered).
 */
#include <asm/cpuid_policy.h>
#include <asm/guest_access.h>
#include <asm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>
#include <umbra/domain.h>
#include <umbra/string.h>
#include "pv_traps.h"

static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };

static void policy(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if (leaf >= UMBRA_CPUID_BASE && leaf <= UMBRA_CPUID_MAX_LEAF)
		cpuid_umbra_leaves(v, leaf, r);
	else if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_NUM_LEAVES)
		cpuid_xen_leaves(v, leaf, r);
	else if ((leaf & CPUID_HV_RANGE_MASK) == CPUID_HV_RANGE)
		*r = (struct cpuid_regs){ 0 };
	else {
		*r = cpuid_count(leaf, sub);
		cpuid_filter_host_leaf(v, leaf, r);
	}
}

bool pv_forced_cpuid(struct vcpu *v)
{
	struct cpu_regs *regs = &v->pv.regs;
	uint8_t bytes[sizeof(forced_cpuid)];
	struct cpuid_regs r;

	if (fetch_from_guest(v, bytes, regs->rip, sizeof(bytes)) ||
	    memcmp(bytes, forced_cpuid, sizeof(bytes)))
		return false;
	policy(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, &r);
	regs->rax = r.eax;
	regs->rbx = r.ebx;
	regs->rcx = r.ecx;
	regs->rdx = r.edx;
	regs->rip += sizeof(forced_cpuid);
	return true;
}
