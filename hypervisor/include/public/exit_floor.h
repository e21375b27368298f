/*
 * The exit floor: only the test build (build/test/umbra.elf) has it. Its
 * VMRUN loop answers these four exits in assembly right after #VMEXIT and
 * enters the guest again, so a guest can time the emulator's bare round
 * trip beside Umbra's real one in the same run (make bench-hvm). Not part
 * of the guest ABI: the release build treats them as any other leaf,
 * hypercall, MSR or port (zeros, -ENOSYS, #GP, all-ones).
 *
 *   CPUID leaf EXIT_FLOOR_CPUID_LEAF: EAX = EXIT_FLOOR_SIGNATURE, EBX = ECX
 *     = EDX = 0 (the release build answers all zeros: a guest tells the
 *     two builds apart by EAX).
 *   VMMCALL with EAX = EXIT_FLOOR_HYPERCALL: RAX = -ENOSYS.
 *   RDMSR of EXIT_FLOOR_MSR: 0 (an MSR outside the permission map's
 *     ranges, so it always exits).
 *   IN AL from EXIT_FLOOR_PORT: 0xff.
 */
#ifndef UMBRA_PUBLIC_EXIT_FLOOR_H
#define UMBRA_PUBLIC_EXIT_FLOOR_H

#include "errno.h"

#define EXIT_FLOOR_CPUID_LEAF	0x4f4c0000	/* in the hypervisor range */
#define EXIT_FLOOR_SIGNATURE	0x524f4c46	/* "FLOR" */
#define EXIT_FLOOR_HYPERCALL	0x464c
#define EXIT_FLOOR_HYPERCALL_RET	(-XEN_ENOSYS)	/* as for any unknown number */
#define EXIT_FLOOR_MSR		0x4f4c0000
#define EXIT_FLOOR_PORT		0x5a5

#endif
