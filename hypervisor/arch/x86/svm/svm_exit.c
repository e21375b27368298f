/* #VMEXIT dispatch: each exit is emulated, reflected to the guest, or
 * stops the domain with a reason; none can stop the hypervisor. */
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/exit_inline.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/hot.h>

/* HLT with interrupts off ends only at an NMI, SMI or INIT, which Umbra
 * never sends, or at the vCPU's own timer. Without a timer and with
 * nothing pending the vCPU is taken down, as Xen's hvm_vcpu_down does:
 * it is how a guest with no other way to power off ends (Linux PVH's
 * poweroff falls back to halting), so the last vCPU going down powers
 * the domain off. */
static void exit_hlt(struct vcpu *v)
{
	svm_skip_insn(v, INSN_HLT);
	if (v->hvm.vmcb->rflags & X86_EFLAGS_IF) {
		/* An APIC interrupt already deliverable ends the halt at once. */
		if (!domain_is_dom0(v->domain) && vlapic_has_pending(v))
			return;
		sched_vcpu_block(v);
	}
	else if (!sched_vcpu_block_if_wakeable(v))
		domain_vcpu_offline(v);
}

/* Every exit but those of the fast path: not inlined, so that its
 * switch stays out of the exit path's pages (umbra/hot.h). */
static __attribute__((noinline)) void handle_other_exit(struct vcpu *v, uint32_t code)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	switch (code) {
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_SMI:
	case VMEXIT_INIT:
		break;		/* the host takes it once GIF and IF are set */
	case VMEXIT_HLT:
		exit_hlt(v);
		break;
	case VMEXIT_INVD:
		svm_skip_insn(v, INSN_INVD);
		break;
	case VMEXIT_WBINVD:	/* TCG reports INVD as WBINVD too */
		svm_skip_insn(v, INSN_WBINVD);
		break;
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
	case VMEXIT_MONITOR:
	case VMEXIT_MWAIT:
	case VMEXIT_XSETBV:
	case VMEXIT_RSM:
		/* Not offered in CPUID: the guest gets what real hardware without
		 * the feature gives. */
		hvm_inject_exception(v, TRAP_UD, HVM_NO_ERROR_CODE);
		break;
	case VMEXIT_NPF:
		svm_exit_npf(v);
		break;
	case VMEXIT_CR0_READ:
	case VMEXIT_CR3_READ:
	case VMEXIT_CR4_READ:
	case VMEXIT_CR0_WRITE:
	case VMEXIT_CR3_WRITE:
	case VMEXIT_CR4_WRITE:
		svm_exit_cr_access(v);
		break;
	case VMEXIT_EXCP_PF:
		svm_exit_shadow_pf(v);
		break;
	case VMEXIT_EXCP_BASE + TRAP_DB:
	case VMEXIT_EXCP_BASE + TRAP_AC:
		svm_exit_reflect(v, code - VMEXIT_EXCP_BASE);
		break;
	case VMEXIT_INVLPG:
		svm_exit_invlpg(v);
		break;
	case VMEXIT_SHUTDOWN:
		domain_crash(v->domain, "triple fault (shutdown) at rip %#llx",
			     (unsigned long long)vmcb->rip);
		break;
	case VMEXIT_TASK_SWITCH:
		domain_crash(v->domain, "hardware task switch at rip %#llx",
			     (unsigned long long)vmcb->rip);
		break;
	case VMEXIT_INVALID:
		domain_crash(v->domain, "VMRUN refused the guest state (VMEXIT_INVALID)");
		break;
	default:
		domain_crash(v->domain, "unexpected exit %#x (info1 %#llx info2 %#llx) at rip %#llx",
			     code, (unsigned long long)vmcb->exit_info1,
			     (unsigned long long)vmcb->exit_info2,
			     (unsigned long long)vmcb->rip);
	}
}

__exit_full void svm_handle_exit(struct vcpu *v)
{
	uint32_t code = (uint32_t)v->hvm.vmcb->exit_code;

	svm_count_exit(v, code);
	/* The exits of the fast path (svm_run.c) by comparisons: a switch's
	 * jump table would be one more page and an indirect jump under
	 * TCG. */
	if (code == VMEXIT_CPUID)
		svm_exit_cpuid(v);
	else if (code == VMEXIT_MSR)
		svm_exit_msr(v);
	else if (code == VMEXIT_IOIO)
		svm_exit_io(v);
	else if (code == VMEXIT_VMMCALL)
		svm_exit_vmmcall(v);
	else if (code == VMEXIT_NPF)	/* dom0's APIC writes take the fast path too */
		svm_exit_npf(v);
	else
		handle_other_exit(v, code);
}
