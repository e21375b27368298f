/* CPUID as the guest sees it: the host's, less what Umbra does not
 * virtualise, plus the hypervisor leaves (Umbra's and Xen's). */
#include <asm/svm/svm.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>
#include <umbra/domain.h>
#include <umbra/hot.h>

static void umbra_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
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

static void xen_leaves(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
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
static __exit_path void filter_host_leaf(struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	switch (leaf) {
	case CPUID_FEATURES:
		r->ecx &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_X2APIC | L1_ECX_XSAVE |
			    L1_ECX_OSXSAVE | L1_ECX_AVX);
		/* dom0 drives its pCPU's real local APIC: it keeps the real APIC
		 * ID, and sees no hypervisor, so it takes no Xen or KVM paths. */
		if (domain_is_dom0(v->domain))
			break;
		r->ecx |= L1_ECX_HYPERVISOR;
		r->edx &= ~(L1_EDX_MCE | L1_EDX_MCA);
		r->ebx = (r->ebx & 0x0000ffffu) | (v->id << 24) |
			 (v->domain->nr_vcpus << 16);
		break;
	case CPUID_EXT_FEATURES_7:
		r->ebx &= ~(L7_EBX_AVX2 | L7_EBX_AVX512F);
		r->ecx &= ~(L7_ECX_PKU | L7_ECX_OSPKE);
		if (!domain_is_dom0(v->domain))
			r->ecx &= ~L7_ECX_RDPID;
		break;
	case CPUID_XSAVE_STATE:
		*r = (struct cpuid_regs){ 0 };
		break;
	case CPUID_EXT_FEATURES:
		r->ecx &= ~(X1_ECX_SVM | X1_ECX_MWAITX);
		if (!domain_is_dom0(v->domain))
			r->edx &= ~(L1_EDX_MCE | L1_EDX_MCA | X1_EDX_RDTSCP);
		break;
	case CPUID_SVM_FEATURES:
		*r = (struct cpuid_regs){ 0 };
		break;
	}
}

/* Host leaves read once at boot: CPUID costs a guest exit's worth of work
 * under TCG. Only leaves that have no sub-leaves and read the same on
 * every pCPU; leaf 1 carries the pCPU's APIC ID, which dom0 keeps, so
 * dom0 reads it live (a domU's is replaced by filter_host_leaf). */
#define CACHED_SPAN	0x20
static struct cpuid_regs cached_base[CACHED_SPAN], cached_ext[CACHED_SPAN];
static uint32_t cached_base_mask, cached_ext_mask;	/* bit n: leaf n cached */

static const uint32_t cacheable_leaves[] = {
	0x0, 0x1, 0x2, 0x3, 0x5, 0x6, 0xa, 0x16,
	0x80000000, 0x80000001, 0x80000002, 0x80000003, 0x80000004,
	0x80000005, 0x80000006, 0x80000007, 0x80000008, 0x8000000a,
	0x80000019, 0x8000001a, 0x8000001f,
};

void svm_cpuid_init(void)
{
	for (unsigned int i = 0; i < sizeof(cacheable_leaves) / sizeof(cacheable_leaves[0]); i++) {
		uint32_t leaf = cacheable_leaves[i], n = leaf % CACHED_SPAN;
		bool ext = leaf & 0x80000000u;

		(ext ? cached_ext : cached_base)[n] = cpuid_count(leaf, 0);
		*(ext ? &cached_ext_mask : &cached_base_mask) |= 1u << n;
	}
}

static __exit_path bool host_leaf_cached(const struct vcpu *v, uint32_t leaf, struct cpuid_regs *r)
{
	uint32_t n = leaf % CACHED_SPAN;

	if (leaf < CACHED_SPAN && (cached_base_mask & (1u << n))) {
		if (leaf == CPUID_FEATURES && domain_is_dom0(v->domain))
			return false;
		*r = cached_base[n];
		return true;
	}
	if (leaf - 0x80000000u < CACHED_SPAN && (cached_ext_mask & (1u << n))) {
		*r = cached_ext[n];
		return true;
	}
	return false;
}

__exit_path void svm_exit_cpuid(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint32_t leaf = (uint32_t)vmcb->rax;
	uint32_t sub = (uint32_t)v->hvm.regs.rcx;
	struct cpuid_regs r;

	/* dom0 sees Umbra's own leaves, so its /dev/umbra driver can tell
	 * it runs on Umbra before it makes a management hypercall, and no
	 * other hypervisor leaf: Linux finds no signature it knows (Xen's,
	 * KVM's) and takes no paravirtual path. */
	if (leaf >= UMBRA_CPUID_BASE && leaf <= UMBRA_CPUID_MAX_LEAF) {
		umbra_leaves(v, leaf, &r);
	} else if ((leaf & 0xf0000000u) == 0x40000000u && domain_is_dom0(v->domain)) {
		r = (struct cpuid_regs){ 0 };
	} else if (leaf >= XEN_CPUID_BASE &&
		   leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_NUM_LEAVES) {
		xen_leaves(v, leaf, &r);
	} else if ((leaf & CPUID_HV_RANGE_MASK) == CPUID_HV_RANGE) {
		r = (struct cpuid_regs){ 0 };
	} else {
		if (!host_leaf_cached(v, leaf, &r))
			r = cpuid_count(leaf, sub);
		filter_host_leaf(v, leaf, &r);
	}
	vmcb->rax = r.eax;
	v->hvm.regs.rbx = r.ebx;
	v->hvm.regs.rcx = r.ecx;
	v->hvm.regs.rdx = r.edx;
	svm_skip_insn(v, INSN_CPUID);
}
