/*
 * The first register state of a secondary HVM/PVH vCPU, as Xen defines
 * it. A 64-bit context starts the vCPU directly in long mode with flat
 * segments; a 32-bit context gives segment bases, limits and attributes.
 * The _ar fields hold descriptor bits 40-47 in bits 0-7 and bits 52-55
 * in bits 8-11 (the same packing as an SVM VMCB's attrib).
 */
#ifndef UMBRA_PUBLIC_HVM_HVM_VCPU_H
#define UMBRA_PUBLIC_HVM_HVM_VCPU_H

#include "../abi.h"

#ifndef __ASSEMBLY__
#include <stdint.h>

struct vcpu_hvm_x86_32 {
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags;
	uint32_t cr0, cr3, cr4;
	uint32_t pad1;
	uint64_t efer;
	uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
	uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
	uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
	uint16_t pad2[3];
};
UMBRA_ABI_OFFSET(struct vcpu_hvm_x86_32, efer, 56);
UMBRA_ABI_SIZE(struct vcpu_hvm_x86_32, 120);

struct vcpu_hvm_x86_64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
};
UMBRA_ABI_SIZE(struct vcpu_hvm_x86_64, 112);

#define VCPU_HVM_MODE_32B	0
#define VCPU_HVM_MODE_64B	1

struct vcpu_hvm_context {
	uint32_t mode;		/* VCPU_HVM_MODE_* */
	uint32_t pad;
	union {
		struct vcpu_hvm_x86_32 x86_32;
		struct vcpu_hvm_x86_64 x86_64;
	} cpu_regs;
};
UMBRA_ABI_OFFSET(struct vcpu_hvm_context, cpu_regs, 8);
UMBRA_ABI_SIZE(struct vcpu_hvm_context, 128);

#endif /* !__ASSEMBLY__ */

#endif
