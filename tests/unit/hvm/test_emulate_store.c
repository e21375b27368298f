/* emulate_store() against the CPU: every case is an instruction the test
 * both executes (inline assembly on a memory word) and feeds, as bytes,
 * through the decoder and the emulator, with random memory, registers and
 * flags; memory, RAX, RCX and the flags the instruction defines must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <asm/emulate_store.h>
#include <asm/insn.h>

#define FL_CF	0x001ULL
#define FL_PF	0x004ULL
#define FL_AF	0x010ULL
#define FL_ZF	0x040ULL
#define FL_SF	0x080ULL
#define FL_OF	0x800ULL
#define FL_ALL	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_LOGIC (FL_CF | FL_PF | FL_ZF | FL_SF | FL_OF)	/* AF undefined */
#define ROUNDS	20000

struct cpu_state {
	uint64_t mem, rax, rcx, rflags;
};

/* Runs one instruction with the given state; below the red zone, since
 * the sequence pushes. */
#define RUNNER(fn, text)						\
static void fn(struct cpu_state *s)					\
{									\
	__asm__ volatile("sub $128, %%rsp\n\t"				\
			 "pushfq\n\t"					\
			 "pushq %[fl]\n\t"				\
			 "popfq\n\t"					\
			 text "\n\t"					\
			 "pushfq\n\t"					\
			 "popq %[fl]\n\t"				\
			 "popfq\n\t"					\
			 "add $128, %%rsp"				\
			 : [fl] "+r"(s->rflags), "+a"(s->rax), "+c"(s->rcx) \
			 : "D"(&s->mem) : "memory", "cc");		\
}

RUNNER(run_cmpxchg64, "lock cmpxchgq %%rcx, (%%rdi)")
RUNNER(run_cmpxchg32, "lock cmpxchgl %%ecx, (%%rdi)")
RUNNER(run_cmpxchg8, "lock cmpxchgb %%cl, (%%rdi)")
RUNNER(run_xchg64, "xchgq %%rcx, (%%rdi)")
RUNNER(run_xchg16, "xchgw %%cx, (%%rdi)")
RUNNER(run_xor64, "lock xorq %%rcx, (%%rdi)")
RUNNER(run_xor8, "lock xorb %%cl, (%%rdi)")
RUNNER(run_or32, "lock orl %%ecx, (%%rdi)")
RUNNER(run_and64, "lock andq %%rcx, (%%rdi)")
RUNNER(run_and_imm8, "lock andq $-8, (%%rdi)")
RUNNER(run_or_imm32, "lock orq $0x12345678, (%%rdi)")
RUNNER(run_btr64, "lock btrq %%rcx, (%%rdi)")
RUNNER(run_bts_imm, "lock btsq $37, (%%rdi)")
RUNNER(run_btc_imm32, "lock btcl $3, (%%rdi)")
RUNNER(run_mov64, "movq %%rcx, (%%rdi)")
RUNNER(run_mov_imm32, "movl $0x89abcdef, (%%rdi)")
RUNNER(run_mov_imm8, "movb $0x5a, (%%rdi)")

struct store_case {
	const char *name;
	uint8_t bytes[15];
	unsigned int len;
	void (*run)(struct cpu_state *);
	uint64_t flags_defined;
	bool bit_offset_in_rcx;		/* keep RCX inside the operand */
};

static const struct store_case cases[] = {
	{ "cmpxchg64", { 0xf0, 0x48, 0x0f, 0xb1, 0x0f }, 5, run_cmpxchg64, FL_ALL, false },
	{ "cmpxchg32", { 0xf0, 0x0f, 0xb1, 0x0f }, 4, run_cmpxchg32, FL_ALL, false },
	{ "cmpxchg8", { 0xf0, 0x0f, 0xb0, 0x0f }, 4, run_cmpxchg8, FL_ALL, false },
	{ "xchg64", { 0x48, 0x87, 0x0f }, 3, run_xchg64, FL_ALL, false },
	{ "xchg16", { 0x66, 0x87, 0x0f }, 3, run_xchg16, FL_ALL, false },
	{ "xor64", { 0xf0, 0x48, 0x31, 0x0f }, 4, run_xor64, FL_LOGIC, false },
	{ "xor8", { 0xf0, 0x30, 0x0f }, 3, run_xor8, FL_LOGIC, false },
	{ "or32", { 0xf0, 0x09, 0x0f }, 3, run_or32, FL_LOGIC, false },
	{ "and64", { 0xf0, 0x48, 0x21, 0x0f }, 4, run_and64, FL_LOGIC, false },
	{ "and_imm8", { 0xf0, 0x48, 0x83, 0x27, 0xf8 }, 5, run_and_imm8, FL_LOGIC, false },
	{ "or_imm32", { 0xf0, 0x48, 0x81, 0x0f, 0x78, 0x56, 0x34, 0x12 }, 8, run_or_imm32,
	  FL_LOGIC, false },
	{ "btr64", { 0xf0, 0x48, 0x0f, 0xb3, 0x0f }, 5, run_btr64, FL_CF, true },
	{ "bts_imm", { 0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x25 }, 6, run_bts_imm, FL_CF, false },
	{ "btc_imm32", { 0xf0, 0x0f, 0xba, 0x3f, 0x03 }, 5, run_btc_imm32, FL_CF, false },
	{ "mov64", { 0x48, 0x89, 0x0f }, 3, run_mov64, FL_ALL, false },
	{ "mov_imm32", { 0xc7, 0x07, 0xef, 0xcd, 0xab, 0x89 }, 6, run_mov_imm32, FL_ALL, false },
	{ "mov_imm8", { 0xc6, 0x07, 0x5a }, 3, run_mov_imm8, FL_ALL, false },
};

static uint64_t rand64(void)
{
	return ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
}

/* Emulate: memory value afterwards and the registers/flags it left. */
static void emulate(const struct store_case *c, const struct insn *insn,
		    struct cpu_state *s)
{
	struct insn_regs regs = { 0 };
	struct emulated_store st;
	uint64_t m;

	regs.gpr[INSN_RAX] = s->rax;
	regs.gpr[INSN_RCX] = s->rcx;
	assert_int_equal(emulate_store(insn, &regs, &s->rflags, s->mem, &st), 0);
	m = st.len == 8 ? ~0ULL : (1ULL << (8 * st.len)) - 1;
	if (st.write)
		s->mem = (s->mem & ~m) | (st.value & m);
	s->rax = regs.gpr[INSN_RAX];
	s->rcx = regs.gpr[INSN_RCX];
	(void)c;
}

static void check_case(const struct store_case *c)
{
	struct insn insn;

	assert_int_equal(insn_decode(c->bytes, c->len, 64, &insn), (int)c->len);
	for (int i = 0; i < ROUNDS; i++) {
		struct cpu_state in = {
			.mem = rand64(), .rax = rand64(), .rcx = rand64(),
			.rflags = 0x2 | (rand64() & FL_ALL),
		};
		struct cpu_state cpu, emu;

		if (i & 1)
			in.rax = in.mem;	/* CMPXCHG: the equal case too */
		if (c->bit_offset_in_rcx)
			in.rcx &= 63;
		cpu = emu = in;
		c->run(&cpu);
		emulate(c, &insn, &emu);
		if (cpu.mem != emu.mem || cpu.rax != emu.rax || cpu.rcx != emu.rcx ||
		    (cpu.rflags & c->flags_defined) != (emu.rflags & c->flags_defined))
			fail_msg("%s: mem %#lx rax %#lx rcx %#lx fl %#lx -> cpu mem %#lx "
				 "rax %#lx rcx %#lx fl %#lx, emulated mem %#lx rax %#lx "
				 "rcx %#lx fl %#lx", c->name, in.mem, in.rax, in.rcx,
				 in.rflags, cpu.mem, cpu.rax, cpu.rcx, cpu.rflags, emu.mem,
				 emu.rax, emu.rcx, emu.rflags);
	}
}

static void test_against_cpu(void **state)
{
	(void)state;
	srand(12345);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

/* CMPXCHG8B uses EDX:EAX and ECX:EBX and only ZF: its own runner. */
struct cx8b_state {
	uint64_t mem, rax, rdx, rcx, rbx, rflags;
};

static void run_cmpxchg8b(struct cx8b_state *s)
{
	__asm__ volatile("sub $128, %%rsp\n\t"
			 "pushfq\n\t"
			 "pushq %[fl]\n\t"
			 "popfq\n\t"
			 "lock cmpxchg8b (%%rdi)\n\t"
			 "pushfq\n\t"
			 "popq %[fl]\n\t"
			 "popfq\n\t"
			 "add $128, %%rsp"
			 : [fl] "+r"(s->rflags), "+a"(s->rax), "+d"(s->rdx), "+c"(s->rcx),
			   "+b"(s->rbx)
			 : "D"(&s->mem) : "memory", "cc");
}

static void test_cmpxchg8b_against_cpu(void **state)
{
	static const uint8_t bytes[] = { 0xf0, 0x0f, 0xc7, 0x0f };	/* lock cmpxchg8b (%rdi) */
	struct insn insn;

	(void)state;
	srand(54321);
	assert_int_equal(insn_decode(bytes, sizeof(bytes), 64, &insn), (int)sizeof(bytes));
	for (int i = 0; i < ROUNDS; i++) {
		struct cx8b_state in = {
			.mem = rand64(), .rax = rand64(), .rdx = rand64(), .rcx = rand64(),
			.rbx = rand64(), .rflags = 0x2 | (rand64() & FL_ALL),
		};
		struct cx8b_state cpu, emu;
		struct insn_regs regs = { 0 };
		struct emulated_store st;

		if (i & 1) {	/* the equal case, upper register halves random */
			in.rax = (in.rax & ~0xffffffffULL) | (in.mem & 0xffffffffULL);
			in.rdx = (in.rdx & ~0xffffffffULL) | (in.mem >> 32);
		}
		cpu = emu = in;
		run_cmpxchg8b(&cpu);
		regs.gpr[INSN_RAX] = emu.rax;
		regs.gpr[INSN_RDX] = emu.rdx;
		regs.gpr[INSN_RCX] = emu.rcx;
		regs.gpr[INSN_RBX] = emu.rbx;
		assert_int_equal(emulate_store(&insn, &regs, &emu.rflags, emu.mem, &st), 0);
		assert_int_equal(st.len, 8);
		if (st.write)
			emu.mem = st.value;
		emu.rax = regs.gpr[INSN_RAX];
		emu.rdx = regs.gpr[INSN_RDX];
		emu.rcx = regs.gpr[INSN_RCX];
		emu.rbx = regs.gpr[INSN_RBX];
		if (cpu.mem != emu.mem || cpu.rax != emu.rax || cpu.rdx != emu.rdx ||
		    cpu.rcx != emu.rcx || cpu.rbx != emu.rbx ||
		    (cpu.rflags & FL_ALL) != (emu.rflags & FL_ALL))
			fail_msg("cmpxchg8b: mem %#lx edx:eax %#lx:%#lx -> cpu mem %#lx rax %#lx "
				 "rdx %#lx fl %#lx, emulated mem %#lx rax %#lx rdx %#lx fl %#lx",
				 in.mem, in.rdx, in.rax, cpu.mem, cpu.rax, cpu.rdx, cpu.rflags,
				 emu.mem, emu.rax, emu.rdx, emu.rflags);
	}
}

/* Instructions that write memory but are not handled are refused. */
static void test_refuses_others(void **state)
{
	static const uint8_t add[] = { 0xf0, 0x48, 0x01, 0x0f };	/* lock add */
	static const uint8_t inc[] = { 0xf0, 0x48, 0xff, 0x07 };	/* lock inc */
	static const uint8_t bt[] = { 0x48, 0x0f, 0xba, 0x27, 0x03 };	/* bt: no write */
	static const uint8_t movreg[] = { 0x48, 0x89, 0xc8 };		/* mov %rcx,%rax */
	static const uint8_t cx16b[] = { 0xf0, 0x48, 0x0f, 0xc7, 0x0f };	/* cmpxchg16b */
	const uint8_t *all[] = { add, inc, bt, movreg, cx16b };
	const unsigned int lens[] = { 4, 4, 5, 3, 5 };
	struct insn_regs regs = { 0 };
	struct emulated_store st;
	uint64_t fl = 2;

	(void)state;
	for (int i = 0; i < 5; i++) {
		struct insn insn;

		assert_int_equal(insn_decode(all[i], lens[i], 64, &insn), (int)lens[i]);
		assert_int_not_equal(emulate_store(&insn, &regs, &fl, 0, &st), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_cpu),
		cmocka_unit_test(test_cmpxchg8b_against_cpu),
		cmocka_unit_test(test_refuses_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
