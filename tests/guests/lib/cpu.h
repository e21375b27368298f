/* Descriptor tables and control registers of the test guests. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

/* Selectors in the runtime's GDT (cpu.c). The user ones carry RPL 3. */
#define SEL_KERNEL_CS	0x08
#define SEL_KERNEL_DS	0x10
#define SEL_USER_DS	(0x18 | 3)
#define SEL_USER_CS	(0x20 | 3)
#define SEL_TSS		0x28

#define CR0_WP		(1 << 16)
#define MSR_EFER	0xc0000080

#ifndef __ASSEMBLY__
#include <stdint.h>

void cpu_init(void);
/* Data and stack segments as the kernel expects them, after a trap from
 * CPL 3 left SS null. */
void kernel_segments_reload(void);

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

#endif /* !__ASSEMBLY__ */
#endif
