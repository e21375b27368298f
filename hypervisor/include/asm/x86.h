/* Thin wrappers around x86 instructions the hypervisor uses. */
#ifndef ASM_X86_H
#define ASM_X86_H

/* The paging bits the walker reads are mmu/'s: mmu/ is freestanding and
 * includes nothing of the hypervisor, so the hypervisor takes them from
 * it rather than stating them a second time. */
#include "mmu/mode.h"

/* Bit n of a register, usable from C and from assembly (GAS has no ULL). */
#ifdef __ASSEMBLY__
#define X86_BIT(n)	(1 << (n))
#else
#define X86_BIT(n)	(1ULL << (n))
#endif

/* CR0 */
#define CR0_PE		X86_BIT(0)	/* protected mode */
#define CR0_MP		X86_BIT(1)
#define CR0_EM		X86_BIT(2)
#define CR0_TS		X86_BIT(3)	/* task switched: FPU use traps */
#define CR0_ET		X86_BIT(4)	/* hard-wired to 1 */
#define CR0_NE		X86_BIT(5)
#define CR0_WP		MMU_CR0_WP	/* supervisor writes honour R/W */
#define CR0_AM		X86_BIT(18)
#define CR0_NW		X86_BIT(29)
#define CR0_CD		X86_BIT(30)
#define CR0_PG		MMU_CR0_PG	/* paging */

/* CR4 */
#define CR4_VME		X86_BIT(0)
#define CR4_PVI		X86_BIT(1)
#define CR4_TSD		X86_BIT(2)
#define CR4_DE		X86_BIT(3)
#define CR4_PSE		MMU_CR4_PSE
#define CR4_PAE		MMU_CR4_PAE
#define CR4_MCE		X86_BIT(6)
#define CR4_PGE		MMU_CR4_PGE
#define CR4_PCE		X86_BIT(8)
#define CR4_OSFXSR	X86_BIT(9)	/* FXSAVE/FXRSTOR and SSE */
#define CR4_OSXMMEXCPT	X86_BIT(10)	/* SIMD floating-point exceptions */
#define CR4_UMIP	X86_BIT(11)
#define CR4_FSGSBASE	X86_BIT(16)
#define CR4_PCIDE	MMU_CR4_PCIDE
#define CR4_OSXSAVE	X86_BIT(18)
#define CR4_SMEP	MMU_CR4_SMEP
#define CR4_SMAP	MMU_CR4_SMAP
#define CR4_PKE		MMU_CR4_PKE

/* EFER (MSR_EFER) */
#define EFER_SCE	X86_BIT(0)	/* SYSCALL */
#define EFER_LME	X86_BIT(8)	/* long mode enable */
#define EFER_LMA	MMU_EFER_LMA	/* long mode active (read-only) */
#define EFER_NXE	MMU_EFER_NXE
#define EFER_SVME	X86_BIT(12)

/* RFLAGS */
#define X86_EFLAGS_CF		X86_BIT(0)
#define X86_EFLAGS_FIXED	X86_BIT(1)	/* always 1 */
#define X86_EFLAGS_PF		X86_BIT(2)
#define X86_EFLAGS_AF		X86_BIT(4)
#define X86_EFLAGS_ZF		X86_BIT(6)
#define X86_EFLAGS_SF		X86_BIT(7)
#define X86_EFLAGS_TF		X86_BIT(8)
#define X86_EFLAGS_IF		X86_BIT(9)
#define X86_EFLAGS_DF		X86_BIT(10)	/* string instructions go down */
#define X86_EFLAGS_OF		X86_BIT(11)
#define X86_EFLAGS_IOPL		(3 * X86_BIT(12))
#define X86_EFLAGS_NT		X86_BIT(14)	/* nested task */
#define X86_EFLAGS_RF		X86_BIT(16)	/* resume: no instruction breakpoint */
#define X86_EFLAGS_VM		X86_BIT(17)	/* virtual-8086 mode */
#define X86_EFLAGS_AC		X86_BIT(18)	/* alignment check; SMAP override */

/* DR6, DR7 */
#define DR6_DEFAULT		0xffff0ff0ULL	/* at reset: the reserved-one bits */
#define DR7_DEFAULT		0x400ULL	/* at reset: bit 10 reads as one */
#define DR7_GD			X86_BIT(13)	/* general detect; a #DB clears it */

/* CPUID leaves and the feature bits the hypervisor reads or hides */
#define CPUID_FEATURES		0x00000001u
#define CPUID_EXT_FEATURES_7	0x00000007u
#define CPUID_XSAVE_STATE	0x0000000du
#define CPUID_HV_RANGE_MASK	0xf0000000u	/* 4000_0000h-4FFF_FFFFh: hypervisors */
#define CPUID_HV_RANGE		0x40000000u
#define CPUID_EXT_MAX		0x80000000u
#define CPUID_EXT_FEATURES	0x80000001u
#define CPUID_EXT_POWER	0x80000007u	/* EDX: power management, invariant TSC */
#define CPUID_EXT_POWER_INVARIANT_TSC	(1u << 8)	/* in EDX: constant rate, never stops */
#define CPUID_EXT_ADDR_SIZES	0x80000008u	/* EAX 7:0: MAXPHYADDR */
#define CPUID_SVM_FEATURES	0x8000000au	/* EBX: ASIDs, EDX: features */

#define L1_ECX_MONITOR		(1u << 3)
#define L1_ECX_VMX		(1u << 5)
#define L1_ECX_X2APIC		(1u << 21)
#define L1_ECX_XSAVE		(1u << 26)
#define L1_ECX_OSXSAVE		(1u << 27)
#define L1_ECX_AVX		(1u << 28)
#define L1_ECX_HYPERVISOR	(1u << 31)
#define L1_EDX_MCE		(1u << 7)
#define L1_EDX_MCA		(1u << 14)
#define L7_EBX_AVX2		(1u << 5)
#define L7_EBX_AVX512F		(1u << 16)
#define L7_ECX_PKU		(1u << 3)
#define L7_ECX_OSPKE		(1u << 4)
#define L7_ECX_RDPID		(1u << 22)
#define X1_ECX_SVM		(1u << 2)
#define X1_ECX_MWAITX		(1u << 29)
#define X1_EDX_PDPE1GB		(1u << 26)	/* 1 GiB pages */
#define X1_EDX_RDTSCP		(1u << 27)
#define SVM_EDX_NP		(1u << 0)	/* nested paging */
#define SVM_EDX_NRIPS		(1u << 3)	/* next-RIP save */

#ifndef __ASSEMBLY__

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_READ_CR(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void clts(void)
{
	__asm__ volatile("clts" ::: "memory");
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline uint64_t local_save_flags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f) : : "memory");
	return f;
}

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void __attribute__((noreturn)) halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

#endif /* !__ASSEMBLY__ */

#endif
