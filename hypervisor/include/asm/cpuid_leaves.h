/* A domain's copy of the host CPUID leaves its guests read, filtered by
 * its policy (asm/cpuid_policy.h), made when it is created from the
 * leaves read at boot (svm_cpuid.c): in struct
 * domain, whose page the exit path reads anyway, rather than in a table
 * of its own (umbra/hot.h). Only leaves without sub-leaves that read
 * alike on every pCPU; dom0's leaf 1, with its pCPU's APIC ID, is read
 * live. */
#ifndef ASM_CPUID_LEAVES_H
#define ASM_CPUID_LEAVES_H

#include <stdint.h>
#include <asm/x86.h>

#define CPUID_DOMAIN_SPAN	0x20	/* leaves 0-0x1f and 0x80000000-0x8000001f */
#define CPUID_DOMAIN_LEAVES	24

struct cpuid_domain {
	/* Leaf n (n < SPAN) at leaves[slot[n] - 1], 0x80000000 + n at
	 * leaves[slot[SPAN + n] - 1]; 0: not here. */
	uint8_t slot[2 * CPUID_DOMAIN_SPAN];
	struct cpuid_regs leaves[CPUID_DOMAIN_LEAVES];
};

#endif
