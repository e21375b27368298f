/* SVM back end internals shared by hypervisor/arch/x86/svm/. */
#ifndef ASM_SVM_SVM_H
#define ASM_SVM_SVM_H

#include <stdint.h>
#include <asm/hvm_vcpu.h>
#include <asm/svm/vmcb.h>

struct vcpu;

extern uint64_t svm_iopm_pa;
extern uint64_t svm_msrpm_pa;

void svm_vmrun(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa);
void svm_handle_exit(struct vcpu *v);

/* Advance RIP past the instruction that caused the exit; its length is
 * decoded from guest memory (TCG has no NRIP save). */
void svm_skip_insn(struct vcpu *v, unsigned int usual_len);

void svm_exit_cpuid(struct vcpu *v);
void svm_exit_msr(struct vcpu *v);
void svm_exit_io(struct vcpu *v);
void svm_exit_vmmcall(struct vcpu *v);

/* Guest's 64-bit mode: EFER.LMA and CS.L. */
static inline int svm_guest_is_64bit(const struct vmcb *vmcb)
{
	return (vmcb->efer & (1ULL << 10)) && (vmcb->cs.attrib & (1u << 9));
}

#endif
