/* tests/guests/lib/trap.h's trap_catch for a PV kernel (pvptwork.c):
 * exceptions come through minios's trap table, CR2 from vcpu_info. */
#ifndef PVPTWORK_TRAP_H
#define PVPTWORK_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#define TRAP_PF		14
#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_INSN	(1u << 4)

struct trap_record {
	uint64_t vector;
	uint64_t error;
	uint64_t rip;
	uint64_t cs;
	uint64_t cr2;
};

bool trap_catch(void (*fn)(void *), void *arg, struct trap_record *rec);
const char *trap_name(uint64_t vector);

#endif
