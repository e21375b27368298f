/*
 * What the exit fast path (svm_run.c: svm_exit_fast) and the handlers of
 * its exits share, inline: under TCG each call and return after an exit
 * is a translation lookup, and each page it touches a TLB refill
 * (umbra/hot.h). The out-of-line versions (svm_skip_insn, svm_exit_cpuid)
 * take whatever these leave.
 */
#ifndef ASM_SVM_EXIT_INLINE_H
#define ASM_SVM_EXIT_INLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/cpuid_policy.h>
#include <asm/guest_insn.h>
#include <asm/svm/svm.h>
#include <asm/svm/vmcb.h>
#include <public/version.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/hot.h>
#include <umbra/hypercall.h>

/* Every exit counted, by its code (the vCPU's stats and the mgmt ABI). */
static __exit_inline void svm_count_exit(struct vcpu *v, uint32_t code)
{
	v->stats.exits++;
	if (code < 128)
		v->stats.exits_by_code[code]++;
	else if (code == VMEXIT_NPF)
		v->stats.exits_npf++;
	else if (code == VMEXIT_VMMCALL)
		v->stats.exits_vmmcall++;
	else
		v->stats.exits_other++;
}

/* The guest's own CR3 (the VMCB holds the shadow root in shadow mode). */
static __exit_inline uint64_t svm_guest_cr3_of(const struct vcpu *v)
{
	return v->domain->shadow ? v->hvm.guest_cr3 : v->hvm.vmcb->cr3;
}

/* svm_skip_insn() for an instruction in its usual encoding within one
 * page of an ordinary domain: its bytes re-read (asm/guest_insn.h) and
 * compared, RIP moved on. Anything else (prefixes, an opcode rewritten
 * since the exit, bytes across a page border, dom0, a domain that gave
 * frames back) goes to svm_skip_insn(), which reads them again and
 * decodes them when they differ: the outcome is its in every case. The
 * VMCB's CR0 differs from the guest's in WP alone (svm_shadow.c), which
 * the re-read does not look at. */
static __exit_inline void svm_skip_usual(struct vcpu *v, uint32_t usual)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	unsigned int len = SVM_INSN_LEN(usual);
	const uint8_t *b = guest_insn_bytes_quick(v->domain, vmcb->cr0, vmcb->efer,
						  svm_guest_cr3_of(v),
						  vmcb->cs.base + vmcb->rip, len);
	uint32_t bytes;

	if (!b) {
		svm_skip_insn(v, usual);
		return;
	}
	bytes = b[0];
	if (len > 1)
		bytes |= (uint32_t)b[1] << 8;
	if (len > 2)
		bytes |= (uint32_t)b[2] << 16;
	if (bytes != (usual & 0xffffff)) {
		svm_skip_insn(v, usual);
		return;
	}
	vmcb->rip += len;
	if (!svm_guest_is_64bit(vmcb))
		vmcb->rip &= 0xffffffffULL;
}

/* A CPUID exit answered from the domain's copy of the host leaves
 * (asm/cpuid_leaves.h), as svm_exit_cpuid() would, RIP left to the
 * caller; false when the leaf is not there, and svm_exit_cpuid()
 * answers it. */
static __exit_inline bool svm_cpuid_answer(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct cpuid_regs r;

	if (!cpuid_domain_leaf(v, (uint32_t)vmcb->rax, &r))
		return false;
	vmcb->rax = r.eax;
	v->hvm.regs.rbx = r.ebx;
	v->hvm.regs.rcx = r.ecx;
	v->hvm.regs.rdx = r.edx;
	return true;
}

/* RDMSR's value to the guest (EDX:EAX). */
static __exit_inline void svm_rdmsr_answer(struct vcpu *v, uint64_t val)
{
	v->hvm.vmcb->rax = (uint32_t)val;
	v->hvm.regs.rdx = val >> 32;
}

/* The null hypercall, xen_version(XENVER_version) from a 64-bit guest
 * kernel: a constant, the call counted (svm_vmmcall_null_answer). */
static __exit_inline bool svm_vmmcall_is_null(const struct vcpu *v)
{
	const struct vmcb *vmcb = v->hvm.vmcb;

	return vmcb->rax == __HYPERVISOR_xen_version && v->hvm.regs.rdi == XENVER_version &&
	       svm_guest_is_64bit(vmcb) && svm_guest_cpl(vmcb) == 0;
}

/* What svm_exit_vmmcall() does for it, RIP left to the caller: a 64-bit
 * kernel's call, which never continues, without the argument tables. */
static __exit_inline void svm_vmmcall_null_answer(struct vcpu *v)
{
	struct guest_regs *r = &v->hvm.regs;
	uint64_t args[HYPERCALL_ARGS] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 };

	v->hypercall_compat = false;
	v->hvm.vmcb->rax = (uint64_t)do_hypercall(v, __HYPERVISOR_xen_version, args);
}

#endif
