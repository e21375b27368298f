/*
 * The guest's IDT. An exception inside trap_catch() is recorded and the
 * caught function abandoned; any other exception prints what happened
 * and shuts the domain down as crashed, so a failing test guest says why
 * instead of triple-faulting.
 */
#include <public/sched.h>

#include "cpu.h"
#include "runtime.h"
#include "trap.h"

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
#define NR_VECTORS	256
#define GATE_KERNEL	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER	0xee	/* present, DPL 3: `int` from CPL 3 allowed */

extern const uint64_t trap_stubs[NR_EXCEPTIONS];
extern const char trap_stub_user_return[];
static struct idt_gate idt[NR_VECTORS] __attribute__((aligned(16)));

/* Where a caught exception resumes (jump.S). */
typedef uint64_t guest_jmp_buf[8];
int guest_setjmp(guest_jmp_buf buf) __attribute__((returns_twice));
void guest_longjmp(guest_jmp_buf buf, int val) __attribute__((noreturn));

struct catch_point {
	guest_jmp_buf jb;
	struct trap_record *rec;
};

static struct catch_point *catching;

static void set_gate(unsigned int vec, uint64_t handler, uint8_t type)
{
	idt[vec].offset_low = (uint16_t)handler;
	idt[vec].selector = SEL_KERNEL_CS;
	idt[vec].type = type;
	idt[vec].offset_mid = (uint16_t)(handler >> 16);
	idt[vec].offset_high = (uint32_t)(handler >> 32);
}

static void load_idt(uint16_t limit)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { limit, (uint64_t)(uintptr_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(desc) : "memory");
}

void traps_init(void)
{
	unsigned int i;

	for (i = 0; i < NR_EXCEPTIONS; i++)
		set_gate(i, trap_stubs[i], GATE_KERNEL);
	set_gate(USER_RETURN_VECTOR, (uint64_t)(uintptr_t)trap_stub_user_return,
		 GATE_USER);
	load_idt(sizeof(idt) - 1);
}

void irq_set_gate(unsigned int vector, void (*stub)(void))
{
	set_gate(vector, (uint64_t)(uintptr_t)stub, GATE_KERNEL);
}

void traps_break_idt(void)
{
	load_idt(0);
}

bool trap_catch(void (*fn)(void *), void *arg, struct trap_record *rec)
{
	struct catch_point cp = { .rec = rec };
	struct catch_point *outer = catching;

	if (guest_setjmp(cp.jb)) {
		catching = outer;
		return true;
	}
	catching = &cp;
	fn(arg);
	catching = outer;
	return false;
}

const char *trap_name(uint64_t vector)
{
	static const char *const names[NR_EXCEPTIONS] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
		"CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "?15", "#MF", "#AC",
		"#MC", "#XM", "#VE", "#CP",
	};

	if (vector == USER_RETURN_VECTOR)
		return "user-return";
	if (vector < NR_EXCEPTIONS && names[vector])
		return names[vector];
	return "?";
}

void guest_trap(const struct trap_frame *f) __attribute__((noreturn));

void guest_trap(const struct trap_frame *f)
{
	struct catch_point *cp = catching;
	uint64_t cr2 = read_cr2();

	if (cp) {
		catching = NULL;
		*cp->rec = (struct trap_record){
			.vector = f->vector, .error = f->error, .rip = f->rip,
			.cs = f->cs, .cr2 = cr2, .rax = f->rax,
		};
		guest_longjmp(cp->jb, 1);
	}
	con_printf("%s: exception %lu error %#lx at rip %#lx (cr2 %#lx, rsp %#lx)\n",
		   guest_name, (unsigned long)f->vector, (unsigned long)f->error,
		   (unsigned long)f->rip, (unsigned long)cr2, (unsigned long)f->rsp);
	guest_exit(SHUTDOWN_crash);
}
