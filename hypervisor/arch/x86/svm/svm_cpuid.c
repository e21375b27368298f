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
 * every pCPU; each domain gets them filtered by its policy in its own
 * page (asm/cpuid_leaves.h), but for dom0's leaf 1, which carries the
 * pCPU's APIC ID that dom0 keeps, and is read live. */
static const uint32_t cacheable_leaves[] = {
	0x0, 0x1, 0x2, 0x3, 0x5, 0x6, 0xa, 0x16,
	0x80000000, 0x80000001, 0x80000002, 0x80000003, 0x80000004,
	0x80000005, 0x80000006, 0x80000007, 0x80000008, 0x8000000a,
	0x80000019, 0x8000001a, 0x8000001f,
};
#define NR_CACHEABLE	(sizeof(cacheable_leaves) / sizeof(cacheable_leaves[0]))
_Static_assert(NR_CACHEABLE <= CPUID_DOMAIN_LEAVES, "struct cpuid_domain holds them all");
_Static_assert(CPUID_DOMAIN_LEAVES < 256, "a slot is a byte");

static struct cpuid_regs boot_leaves[NR_CACHEABLE];

void svm_cpuid_init(void)
{
	for (unsigned int i = 0; i < NR_CACHEABLE; i++)
		boot_leaves[i] = cpuid_count(cacheable_leaves[i], 0);
}

void svm_cpuid_domain_init(struct domain *d)
{
	struct cpuid_domain *c = &d->cpuid;
	unsigned int n = 0;

	*c = (struct cpuid_domain){ 0 };
	for (unsigned int i = 0; i < NR_CACHEABLE; i++) {
		uint32_t leaf = cacheable_leaves[i];
		bool ext = leaf & 0x80000000u;

		if (leaf == CPUID_FEATURES && domain_is_dom0(d))
			continue;
		c->leaves[n] = boot_leaves[i];
		cpuid_filter_domain_leaf(d, leaf, &c->leaves[n]);
		c->slot[(ext ? CPUID_DOMAIN_SPAN : 0) + leaf % CPUID_DOMAIN_SPAN] = (uint8_t)++n;
	}
}

/* Every CPUID exit the fast path (svm_cpuid_answer) does not answer. */
__exit_handler void svm_exit_cpuid(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint32_t leaf = (uint32_t)vmcb->rax;
	uint32_t sub = (uint32_t)v->hvm.regs.rcx;
	struct cpuid_regs r;

	/* The domain's copy holds host leaves only (below 0x20 and from
	 * 0x80000000), filtered. dom0 sees Umbra's own leaves, so its
	 * /dev/umbra driver can tell it runs on Umbra before it makes a
	 * management hypercall, and no other hypervisor leaf: Linux finds
	 * no signature it knows (Xen's, KVM's) and takes no paravirtual
	 * path. */
	if (cpuid_domain_leaf(v, leaf, &r)) {
		/* as the last branch would give */
	} else if (leaf >= UMBRA_CPUID_BASE && leaf <= UMBRA_CPUID_MAX_LEAF) {
		cpuid_umbra_leaves(v, leaf, &r);
	} else if ((leaf & 0xf0000000u) == 0x40000000u && domain_is_dom0(v->domain)) {
		r = (struct cpuid_regs){ 0 };
	} else if (leaf >= XEN_CPUID_BASE &&
		   leaf <= XEN_CPUID_BASE + XEN_CPUID_MAX_NUM_LEAVES) {
		cpuid_xen_leaves(v, leaf, &r);
	} else if ((leaf & CPUID_HV_RANGE_MASK) == CPUID_HV_RANGE) {
		r = (struct cpuid_regs){ 0 };
	} else {
		r = cpuid_count(leaf, sub);
		cpuid_filter_host_leaf(v, leaf, &r);
	}
	vmcb->rax = r.eax;
	v->hvm.regs.rbx = r.ebx;
	v->hvm.regs.rcx = r.ecx;
	v->hvm.regs.rdx = r.edx;
	svm_skip_insn(v, INSN_CPUID);
}
