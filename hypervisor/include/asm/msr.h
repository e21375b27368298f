/* Model-specific registers: their numbers, the fields the hypervisor
 * uses, and RDMSR/WRMSR. The EFER bits are control-register bits and
 * live with CR0/CR4 in asm/x86.h. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#define MSR_TSC			0x00000010
#define MSR_APIC_BASE		0x0000001b
#define MSR_MTRRCAP		0x000000fe
#define MSR_SYSENTER_CS		0x00000174
#define MSR_SYSENTER_ESP	0x00000175
#define MSR_SYSENTER_EIP	0x00000176
#define MSR_MISC_ENABLE		0x000001a0
#define MSR_DEBUGCTL		0x000001d9
#define MSR_MTRR_PHYS_FIRST	0x00000200	/* PHYSBASE0 .. PHYSMASK7 */
#define MSR_MTRR_PHYS_LAST	0x0000020f
#define MSR_MTRR_FIX64K_00000	0x00000250
#define MSR_MTRR_FIX16K_80000	0x00000258
#define MSR_MTRR_FIX16K_A0000	0x00000259
#define MSR_MTRR_FIX4K_FIRST	0x00000268	/* FIX4K_C0000 .. FIX4K_F8000 */
#define MSR_MTRR_FIX4K_LAST	0x0000026f
#define MSR_PAT			0x00000277
#define MSR_MTRR_DEF_TYPE	0x000002ff
#define MSR_X2APIC_FIRST	0x00000800	/* x2APIC register r at FIRST + r / 16 */
#define MSR_X2APIC_ICR		0x00000830
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_VM_CR		0xc0010114
#define MSR_VM_HSAVE_PA		0xc0010117

/* MSR_APIC_BASE */
#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_X2APIC	(1ULL << 10)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ULL
#define APIC_BASE_DEFAULT	0xfee00000ULL

/* MSR_DEBUGCTL: last-branch recording, single-step on branches */
#define DEBUGCTL_LBR		(1ULL << 0)
#define DEBUGCTL_BTF		(1ULL << 1)

/* MSR_MISC_ENABLE */
#define MISC_ENABLE_FAST_STRINGS	(1ULL << 0)

/* MSR_VM_CR */
#define VM_CR_SVMDIS		(1ULL << 4)

#ifndef __ASSEMBLY__

#include <stdint.h>

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32)) : "memory");
}

#endif /* !__ASSEMBLY__ */

#endif
