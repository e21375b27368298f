/*
 * Exceptions as tests see them: trap_catch() runs a function and, if it
 * raises an exception, returns what happened instead of crashing the
 * guest; user_call() runs a function at CPL 3.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

/* The DPL-3 gate that user-mode code returns through. */
#define USER_RETURN_VECTOR	0x80

#define TRAP_DE		0
#define TRAP_DB		1
#define TRAP_UD		6
#define TRAP_NM		7
#define TRAP_DF		8
#define TRAP_GP		13
#define TRAP_PF		14
#define TRAP_AC		17

/* #PF error code bits. */
#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_INSN	(1u << 4)

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

struct trap_record {
	uint64_t vector;
	uint64_t error;
	uint64_t rip;
	uint64_t cs;
	uint64_t cr2;
	uint64_t rax;		/* for the user-return gate: fn's result */
};

/* Run fn(arg). If it raises an exception, fill *rec, abandon fn and
 * return true; false if fn returned normally. Nests. */
bool trap_catch(void (*fn)(void *), void *arg, struct trap_record *rec);

/* Run fn(arg) at CPL 3 on a user stack. True with *ret = fn's result if
 * it returned; false with *rec filled if it raised an exception. */
bool user_call(long (*fn)(void *), void *arg, long *ret, struct trap_record *rec);

/* Load an IDT that cannot deliver anything: the next exception becomes
 * a triple fault. For the hostile guest. */
void traps_break_idt(void);

const char *trap_name(uint64_t vector);
#endif

#endif
