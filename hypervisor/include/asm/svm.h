/* AMD SVM: per-CPU enablement. VMCBs and the run loop come with HVM domains. */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <stdbool.h>

struct svm_caps {
	bool svm;		/* CPUID 8000_0001h ECX.SVM */
	bool disabled_by_bios;	/* VM_CR.SVMDIS */
	bool npt;		/* CPUID 8000_000Ah EDX.NP */
	bool nrip_save;
	unsigned int nr_asids;
};

void svm_detect(struct svm_caps *caps);
/* Set EFER.SVME and the host save area on this CPU; 0 or -errno. */
int svm_enable_this_cpu(void);

#endif
