/*
 * A minimal IDT: every exception prints what happened and shuts the
 * domain down as crashed, so a failing test guest says why instead of
 * triple-faulting.
 */
#include <public/sched.h>

#include "runtime.h"

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

#define NR_EXCEPTIONS	32
#define CODE_SELECTOR	0x08
#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */

extern const uint64_t trap_stubs[NR_EXCEPTIONS];
static struct idt_gate idt[NR_EXCEPTIONS] __attribute__((aligned(16)));

void traps_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	unsigned int i;

	for (i = 0; i < NR_EXCEPTIONS; i++) {
		idt[i].offset_low = (uint16_t)trap_stubs[i];
		idt[i].selector = CODE_SELECTOR;
		idt[i].type = GATE_INTERRUPT;
		idt[i].offset_mid = (uint16_t)(trap_stubs[i] >> 16);
		idt[i].offset_high = (uint32_t)(trap_stubs[i] >> 32);
	}
	__asm__ __volatile__("lidt %0" : : "m"(desc));
}

void guest_trap(const struct trap_frame *f) __attribute__((noreturn));

void guest_trap(const struct trap_frame *f)
{
	uint64_t cr2;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	con_printf("%s: exception %lu error %#lx at rip %#lx (cr2 %#lx, rsp %#lx)\n",
		   guest_name, (unsigned long)f->vector, (unsigned long)f->error,
		   (unsigned long)f->rip, (unsigned long)cr2, (unsigned long)f->rsp);
	guest_exit(SHUTDOWN_crash);
}
