/* Turn SVM on, one CPU at a time. */
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/string.h>

void svm_detect(struct svm_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	if (cpuid(CPUID_EXT_MAX).eax < CPUID_SVM_FEATURES)
		return;
	caps->svm = cpuid(CPUID_EXT_FEATURES).ecx & X1_ECX_SVM;
	if (!caps->svm)
		return;
	caps->disabled_by_bios = rdmsr(MSR_VM_CR) & VM_CR_SVMDIS;
	struct cpuid_regs r = cpuid(CPUID_SVM_FEATURES);
	caps->npt = r.edx & SVM_EDX_NP;
	caps->nrip_save = r.edx & SVM_EDX_NRIPS;
	caps->nr_asids = r.ebx;
}

int svm_enable_this_cpu(void)
{
	struct percpu *p = this_cpu();
	struct svm_caps caps;

	svm_detect(&caps);
	if (!caps.svm || caps.disabled_by_bios)
		return -ENODEV;
	if (!p->hsave_pa) {
		p->hsave_pa = alloc_page_phys();
		if (!p->hsave_pa)
			return -ENOMEM;
		memset(phys_to_virt(p->hsave_pa), 0, 4096);
	}
	if (!p->host_save_pa) {
		p->host_save_pa = alloc_page_phys();
		if (!p->host_save_pa)
			return -ENOMEM;
		memset(phys_to_virt(p->host_save_pa), 0, 4096);
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, p->hsave_pa);
	p->svm_enabled = true;
	return 0;
}
