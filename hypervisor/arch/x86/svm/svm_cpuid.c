/* CPUID as an SVM guest sees it (the leaves' policy is
 * arch/x86/cpuid_policy.c, shared with PV guests): dispatch, and the
 * host leaves cached at boot. */
#include <asm/cpuid_policy.h>
#include <asm/svm/svm.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>
#include <umbra/domain.h>
#include <umbra/hot.h>

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
		cpuid_umbra_leaves(v, leaf, &r);
	} else if ((leaf & 0xf0000000u) == 0x40000000u && domain_is_dom0(v->domain)) {
		r = (struct cpuid_regs){ 0 };
	} else if (leaf >= XEN_CPUID_BASE &&
		   leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_NUM_LEAVES) {
		cpuid_xen_leaves(v, leaf, &r);
	} else if ((leaf & CPUID_HV_RANGE_MASK) == CPUID_HV_RANGE) {
		r = (struct cpuid_regs){ 0 };
	} else {
		if (!host_leaf_cached(v, leaf, &r))
			r = cpuid_count(leaf, sub);
		cpuid_filter_host_leaf(v, leaf, &r);
	}
	vmcb->rax = r.eax;
	v->hvm.regs.rbx = r.ebx;
	v->hvm.regs.rcx = r.ecx;
	v->hvm.regs.rdx = r.edx;
	svm_skip_insn(v, INSN_CPUID);
}
