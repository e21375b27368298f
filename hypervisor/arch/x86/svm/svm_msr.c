/* MSR accesses the permission map sends here. Known MSRs are emulated;
 * any other raises #GP in the guest, as on hardware without that MSR. */
#include <asm/hvm.h>
#include <asm/msr.h>
#include <asm/svm/exit_inline.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <public/arch-x86/cpuid.h>
#include <umbra/domain.h>
#include <umbra/evtchn.h>
#include <umbra/vcpu_shared.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/printk.h>
#include <umbra/hot.h>


/* Each byte a memory type: 0 (UC), 1 (WC), 4 (WT), 5 (WP), 6 (WB), 7 (UC-). */
bool svm_pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static __exit_domu bool is_mtrr(uint32_t msr)
{
	return (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST) ||
	       msr == MSR_MTRR_FIX64K_00000 || msr == MSR_MTRR_FIX16K_80000 ||
	       msr == MSR_MTRR_FIX16K_A0000 ||
	       (msr >= MSR_MTRR_FIX4K_FIRST && msr <= MSR_MTRR_FIX4K_LAST) ||
	       msr == MSR_MTRRCAP || msr == MSR_MTRR_DEF_TYPE;
}

static __exit_domu int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	const struct vmcb *vmcb = v->hvm.vmcb;

	switch (msr) {
	case MSR_EFER:
		*val = vmcb->efer & ~EFER_SVME;
		return 0;
	case MSR_TSC:
		*val = rdtsc() + vmcb->tsc_offset;
		return 0;
	case MSR_APIC_BASE:
		/* dom0 has its pCPU's APIC, where it is; writes are ignored.
		 * Other domains have their virtual one (asm/vlapic.h). */
		if (domain_is_dom0(v->domain))
			*val = rdmsr(MSR_APIC_BASE);
		else
			*val = vlapic_base_msr(v);
		return 0;
	case MSR_PAT:
		*val = vmcb->g_pat;
		return 0;
	case MSR_MISC_ENABLE:
		*val = MISC_ENABLE_FAST_STRINGS;
		return 0;
	case MSR_DEBUGCTL:
		*val = vmcb->dbgctl;
		return 0;
	}
	if (is_mtrr(msr)) {
		*val = 0;	/* no MTRRs: everything write-back */
		return 0;
	}
	return -EINVAL;
}

/* Not inlined: WRMSR is not on the fast path, whose pages it would
 * spread over (umbra/hot.h). */
static __attribute__((noinline)) int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	switch (msr) {
	case MSR_EFER:
		if (val & ~EFER_GUEST_MASK)
			return -EINVAL;
		/* LME may not change while paging is on (the CPU raises #GP). */
		if ((vmcb->cr0 & CR0_PG) && ((val ^ vmcb->efer) & EFER_LME))
			return -EINVAL;
		vmcb->efer = (val & ~EFER_LMA) | (vmcb->efer & EFER_LMA) | EFER_SVME;
		svm_shadow_mode_changed(v);
		return 0;
	case MSR_TSC:
		vmcb->tsc_offset = val - rdtsc();
		vcpu_time_publish(v);	/* its pvclock follows its TSC */
		return 0;
	case MSR_PAT:
		if (!svm_pat_valid(val))
			return -EINVAL;
		vmcb->g_pat = val;
		return 0;
	case MSR_DEBUGCTL:
		/* The bits AMD defines (Xen's answer on SVM). The value is
		 * kept in the VMCB, which the CPU only loads with LBR
		 * virtualisation, left off: the guest sees what it wrote,
		 * and no branch records (as Xen where LBRV is absent). */
		if (val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF))
			return -EINVAL;
		vmcb->dbgctl = val;
		return 0;
	case MSR_APIC_BASE:
		/* dom0's CPUID offers no x2APIC, whose ICR MSR would bypass the
		 * filter on its APIC page (svm_dom0_apic.c): setting EXTD is
		 * #GP, as on a CPU without x2APIC. Its other writes are ignored. */
		if (!domain_is_dom0(v->domain))
			return vlapic_set_base_msr(v, val);
		return val & APIC_BASE_X2APIC ? -EINVAL : 0;
	case MSR_MISC_ENABLE:
		return 0;
	case XEN_HYPERCALL_MSR:
		/* Xen latches the width of the domain's shared_info here. */
		evtchn_2l_latch(v, !svm_guest_is_64bit(v->hvm.vmcb));
		return hvm_write_hypercall_page(v, val);
	}
	return is_mtrr(msr) ? 0 : -1;
}

/* A domU's RDMSR of an MSR Umbra answers, and its value in *val: only
 * the VMCB and the TSC are read (dom0's APIC base is the host's, and a
 * #GP is logged). The fast path answers with it (svm_rdmsr_answer). */
__exit_domu bool svm_rdmsr_is_pure(struct vcpu *v, uint64_t *val)
{
	return v->hvm.vmcb->exit_info1 == EXITINFO1_MSR_RDMSR && !domain_is_dom0(v->domain) &&
	       !msr_read(v, (uint32_t)v->hvm.regs.rcx, val);
}

/* An MSR Umbra does not offer: #GP, as on hardware without it. */
static __attribute__((noinline)) void msr_refused(struct vcpu *v, uint32_t msr)
{
	v->stats.msr_unhandled++;
	gprintk(v->domain, LOG_DEBUG, "d%u v%u: %s of MSR %#x: #GP\n", v->domain->id, v->id,
		v->hvm.vmcb->exit_info1 != EXITINFO1_MSR_RDMSR ? "write" : "read", msr);
	hvm_inject_exception(v, TRAP_GP, 0);
}

/* Not inlined: WRMSR is not on the fast path, whose pages it would
 * spread over (umbra/hot.h). */
static __attribute__((noinline)) void exit_wrmsr(struct vcpu *v, uint32_t msr)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	if (msr_write(v, msr, (uint32_t)vmcb->rax | (v->hvm.regs.rdx << 32)))
		msr_refused(v, msr);
	else
		svm_skip_insn(v, INSN_WRMSR);
}

__exit_handler void svm_exit_msr(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint32_t msr = (uint32_t)v->hvm.regs.rcx;
	uint64_t val;

	if (vmcb->exit_info1 != EXITINFO1_MSR_RDMSR) {
		exit_wrmsr(v, msr);
	} else if (msr_read(v, msr, &val)) {
		msr_refused(v, msr);
	} else {
		svm_rdmsr_answer(v, val);
		svm_skip_usual(v, INSN_RDMSR);
	}
}
