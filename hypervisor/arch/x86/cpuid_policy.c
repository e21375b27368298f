/* The guest CPUID policy shared by SVM and PV guests (asm/cpuid_policy.h):
 * the hypervisor leaves, and the host leaves less what Umbra does not
 * virtualise. */
#include <asm/cpuid_policy.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>
#include <umbra/domain.h>

void cpuid_umbra_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	const struct domain *d = v->domain;

	*r = (struct cpuid_regs){ 0 };
	if (leaf == UMBRA_CPUID_BASE) {
		r->eax = UMBRA_CPUID_MAX_LEAF;
		r->ebx = UMBRA_CPUID_SIGNATURE_EBX;
		r->ecx = UMBRA_CPUID_SIGNATURE_ECX;
		r->edx = UMBRA_CPUID_SIGNATURE_EDX;
	} else if (leaf == UMBRA_CPUID_LEAF_IDENTITY) {
		r->eax = UMBRA_VERSION;
		r->ebx = (domain_is_dom0(d) ? 0 : UMBRA_CPUID_F_XEN_LEAVES) |
			 (d->paging == UMBRA_PAGING_NESTED ? UMBRA_CPUID_F_NESTED_PAGING
							   : UMBRA_CPUID_F_SHADOW_PAGING);
		r->ecx = d->id;
		r->edx = v->id;
	}
}

void cpuid_xen_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	switch (leaf - XEN_CPUID_BASE) {
	case 0:
		r->eax = XEN_CPUID_BASE + XEN_CPUID_MAX_NUM_LEAVES;
		r->ebx = XEN_CPUID_SIGNATURE_EBX;
		r->ecx = XEN_CPUID_SIGNATURE_ECX;
		r->edx = XEN_CPUID_SIGNATURE_EDX;
		break;
	case XEN_CPUID_LEAF_VERSION:
		r->eax = UMBRA_XEN_COMPAT_VERSION;
		break;
	case XEN_CPUID_LEAF_HYPERCALL:
		r->eax = 1;			/* hypercall pages */
		r->ebx = XEN_HYPERCALL_MSR;
		break;
	case XEN_CPUID_LEAF_TIME:
		r->ecx = (uint32_t)tsc_khz;	/* sub-leaf 0: TSC frequency */
		break;
	case XEN_CPUID_LEAF_HVM:
		r->eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
		r->ebx = v->id;
		r->ecx = v->domain->id;
		break;
	}
}

/* Hide what the guest cannot use here: nested SVM, MONITOR/MWAIT, x2APIC
 * (the virtual local APIC is xAPIC only), XSAVE-managed state (QEMU cannot intercept
 * XSETBV, so the host could not keep it apart between guests) and
 * protection keys (PKRU is not switched between guests). A domU also
 * sees no machine-check architecture (no MCG_* or bank MSRs are
 * offered: Linux panics "MCA architectural violation" at the #GP) and
 * no RDTSCP/RDPID (TSC_AUX is not switched between guests, and Linux
 * writes it whenever either is listed); dom0 keeps the real ones. */
void cpuid_filter_domain_leaf(const struct domain *d, uint32_t leaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case CPUID_FEATURES:
		r->ecx &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_X2APIC | L1_ECX_XSAVE |
			    L1_ECX_OSXSAVE | L1_ECX_AVX);
		/* dom0 drives its pCPU's real local APIC: it keeps the real APIC
		 * ID, and sees no hypervisor, so it takes no Xen or KVM paths. */
		if (domain_is_dom0(d))
			break;
		r->ecx |= L1_ECX_HYPERVISOR;
		r->edx &= ~(L1_EDX_MCE | L1_EDX_MCA);
		break;
	case CPUID_EXT_FEATURES_7:
		r->ebx &= ~(L7_EBX_AVX2 | L7_EBX_AVX512F);
		r->ecx &= ~(L7_ECX_PKU | L7_ECX_OSPKE);
		if (!domain_is_dom0(d))
			r->ecx &= ~L7_ECX_RDPID;
		break;
	case CPUID_XSAVE_STATE:
		*r = (struct cpuid_regs){ 0 };
		break;
	case CPUID_EXT_FEATURES:
		r->ecx &= ~(X1_ECX_SVM | X1_ECX_MWAITX);
		if (!domain_is_dom0(d))
			r->edx &= ~(L1_EDX_MCE | L1_EDX_MCA | X1_EDX_RDTSCP);
		break;
	case CPUID_SVM_FEATURES:
		*r = (struct cpuid_regs){ 0 };
		break;
	}
}

void cpuid_filter_host_leaf(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	cpuid_filter_domain_leaf(v->domain, leaf, r);
	cpuid_vcpu_leaf(v, leaf, r);
}
