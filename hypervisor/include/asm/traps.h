/* The register frame every interrupt and exception entry builds. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <stdint.h>

struct cpu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors */
#define TRAP_DE		0	/* divide error */
#define TRAP_DB		1	/* debug */
#define TRAP_NMI	2
#define TRAP_BP		3	/* INT3 */
#define TRAP_OF		4	/* INTO */
#define TRAP_BR		5	/* BOUND */
#define TRAP_UD		6	/* invalid opcode */
#define TRAP_NM		7	/* device not available */
#define TRAP_DF		8	/* double fault */
#define TRAP_TS		10	/* invalid TSS */
#define TRAP_NP		11	/* segment not present */
#define TRAP_SS		12	/* stack fault */
#define TRAP_GP		13	/* general protection */
#define TRAP_PF		14	/* page fault */
#define TRAP_MF		16	/* x87 floating point */
#define TRAP_AC		17	/* alignment check */
#define TRAP_MC		18	/* machine check */
#define TRAP_XM		19	/* SIMD floating point */
/* Vectors below are the architecture's exceptions. */
#define FIRST_INTERRUPT_VECTOR	32

#define VECTOR_TIMER	0xf0
#define VECTOR_IPI	0xf1
#define VECTOR_SPURIOUS	0xff

typedef void (*irq_handler_t)(struct cpu_regs *regs);
void set_irq_handler(unsigned int vector, irq_handler_t fn);

void do_trap(struct cpu_regs *regs);
void __attribute__((noreturn)) fatal_trap(const struct cpu_regs *regs);
const char *trap_name(unsigned int vector);

#endif
