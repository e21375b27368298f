/* SVM exit codes by the management interface's exit reasons
 * (UMBRA_EXIT_* of public/mgmt.h): common code counts by reason and never
 * sees an SVM code. Plain, so host tests check every code. */
#include <asm/svm/vmcb.h>
#include <asm/svm/exit_category.h>
#include <public/mgmt.h>

#define VMEXIT_CR_LAST		0x01f	/* CR0..15 reads, then writes */
#define VMEXIT_EXCP_LAST	(VMEXIT_EXCP_BASE + 31)

unsigned int svm_exit_category(uint32_t code)
{
	if (code <= VMEXIT_CR_LAST)
		return UMBRA_EXIT_CR;
	if (code >= VMEXIT_EXCP_BASE && code <= VMEXIT_EXCP_LAST)
		return UMBRA_EXIT_EXCEPTION;
	switch (code) {
	case VMEXIT_CPUID:
		return UMBRA_EXIT_CPUID;
	case VMEXIT_MSR:
		return UMBRA_EXIT_MSR;
	case VMEXIT_IOIO:
		return UMBRA_EXIT_IO;
	case VMEXIT_NPF:
		return UMBRA_EXIT_NPF;
	case VMEXIT_VMMCALL:
		return UMBRA_EXIT_HYPERCALL;
	case VMEXIT_HLT:
		return UMBRA_EXIT_HLT;
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_SMI:
	case VMEXIT_INIT:
		return UMBRA_EXIT_INTR;
	default:
		return UMBRA_EXIT_OTHER;
	}
}
