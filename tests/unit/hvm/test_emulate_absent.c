/* emulate_absent() and emulate_absent_string(): instructions given as
 * bytes, decoded, and completed as if their memory operand were absent
 * (loads all-ones, stores dropped); registers checked against what the
 * CPU would leave after reading 0xff bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/emulate_absent.h>
#include <asm/insn.h>
#include <umbra/errno.h>

#define FL_ZF	0x040ULL
#define FL_DF	0x400ULL
#define JUNK	0x1122334455667788ULL

static struct insn decode(const uint8_t *b, size_t n)
{
	struct insn insn;

	assert_int_equal(insn_decode(b, n, 64, &insn), (int)n);
	return insn;
}

static void fill(struct insn_regs *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned int i = 0; i < INSN_NR_GPRS; i++)
		r->gpr[i] = JUNK + i;
}

/* One instruction's result: the emulation's return and *r after it. */
static int run(const uint8_t *b, size_t n, struct insn_regs *r, uint64_t *fl,
	       struct absent_access *acc)
{
	struct insn insn = decode(b, n);

	return emulate_absent(&insn, r, fl, acc);
}

static void test_loads(void **state)
{
	struct insn_regs r;
	struct absent_access acc;
	uint64_t fl = 0;
	(void)state;

	fill(&r);	/* mov (%rsi),%rax */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x8b, 0x06 }, 3, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RAX], ~0ULL);
	assert_false(acc.write);
	assert_int_equal(acc.len, 8);
	fill(&r);	/* mov (%rsi),%eax: the upper half is cleared */
	assert_int_equal(run((const uint8_t[]){ 0x8b, 0x06 }, 2, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RAX], 0xffffffffULL);
	fill(&r);	/* mov (%rsi),%ah: only AH */
	assert_int_equal(run((const uint8_t[]){ 0x8a, 0x26 }, 2, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RAX], (JUNK & ~0xff00ULL) | 0xff00ULL);
	fill(&r);	/* movzbl (%rsi),%ecx */
	assert_int_equal(run((const uint8_t[]){ 0x0f, 0xb6, 0x0e }, 3, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RCX], 0xffULL);
	assert_int_equal(acc.len, 1);
	fill(&r);	/* movswq (%rsi),%rdx */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x0f, 0xbf, 0x16 }, 4, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RDX], ~0ULL);
	fill(&r);	/* movslq (%rsi),%rbx */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x63, 0x1e }, 3, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RBX], ~0ULL);
	fill(&r);	/* movabs 0x1000,%eax */
	assert_int_equal(run((const uint8_t[]){ 0xa1, 0, 0x10, 0, 0, 0, 0, 0, 0 }, 9,
			     &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RAX], 0xffffffffULL);
}

/* BT reads the bit: all-ones has it set, so CF comes out 1 and no
 * register changes (XSA-195's bt with a huge register offset). */
static void test_bit_test(void **state)
{
	struct insn_regs r, before;
	struct absent_access acc;
	uint64_t fl = FL_ZF;
	(void)state;

	fill(&r);
	before = r;	/* bt %rax,(%rsi) */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x0f, 0xa3, 0x06 }, 4, &r, &fl, &acc), 0);
	assert_memory_equal(&r, &before, sizeof(r));
	assert_int_equal(fl, FL_ZF | 1);
	assert_false(acc.write);
	assert_int_equal(acc.len, 8);
	fl = 0;		/* btl $3,(%rsi) */
	assert_int_equal(run((const uint8_t[]){ 0x0f, 0xba, 0x26, 0x03 }, 4, &r, &fl, &acc), 0);
	assert_int_equal(fl, 1);
	assert_int_equal(acc.len, 4);
	/* 0F BA /5 is BTS: a read-modify-write, its store dropped. */
	fl = 0;
	assert_int_equal(run((const uint8_t[]){ 0x0f, 0xba, 0x2e, 0x03 }, 4, &r, &fl, &acc), 0);
	assert_int_equal(fl, 1);
	assert_true(acc.write);
}

static void test_stores_dropped(void **state)
{
	struct insn_regs r, before;
	struct absent_access acc;
	uint64_t fl = 0;
	(void)state;

	fill(&r);
	before = r;	/* mov %rax,(%rdi) */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x89, 0x07 }, 3, &r, &fl, &acc), 0);
	assert_true(acc.write);
	assert_memory_equal(&r, &before, sizeof(r));
	/* movnti %eax,(%rdi) */
	assert_int_equal(run((const uint8_t[]){ 0x0f, 0xc3, 0x07 }, 3, &r, &fl, &acc), 0);
	assert_true(acc.write);
	assert_memory_equal(&r, &before, sizeof(r));
	/* xchg %rcx,(%rdi): RCX gets what memory "held" */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x87, 0x0f }, 3, &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RCX], ~0ULL);
	/* lock cmpxchg %rcx,(%rdi) with RAX != all-ones: RAX loads it, ZF clear */
	fl = FL_ZF;
	assert_int_equal(run((const uint8_t[]){ 0xf0, 0x48, 0x0f, 0xb1, 0x0f }, 5,
			     &r, &fl, &acc), 0);
	assert_int_equal(r.gpr[INSN_RAX], ~0ULL);
	assert_false(fl & FL_ZF);
}

static void test_refused(void **state)
{
	struct insn_regs r;
	struct absent_access acc;
	uint64_t fl = 0;
	(void)state;

	fill(&r);	/* add (%rsi),%rax; movups (%rsi),%xmm0; mov %rax,%rbx */
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x03, 0x06 }, 3, &r, &fl, &acc), -EINVAL);
	assert_int_equal(run((const uint8_t[]){ 0x0f, 0x10, 0x06 }, 3, &r, &fl, &acc), -EINVAL);
	assert_int_equal(run((const uint8_t[]){ 0x48, 0x89, 0xc3 }, 3, &r, &fl, &acc), -EINVAL);
}

/* A toy address space: [0x1000, 0x1100) is the domain's, the rest absent;
 * 0x9000 faults. */
static uint8_t ram[0x100];
static unsigned int accesses;

static int toy_read(void *ctx, uint64_t lin, void *buf, unsigned int len)
{
	(void)ctx;
	accesses++;
	if (lin == 0x9000)
		return -EFAULT;
	if (lin >= 0x1000 && lin + len <= 0x1100)
		memcpy(buf, ram + (lin - 0x1000), len);
	else
		memset(buf, 0xff, len);
	return 0;
}

static int toy_write(void *ctx, uint64_t lin, const void *buf, unsigned int len)
{
	(void)ctx;
	accesses++;
	if (lin == 0x9000)
		return -EFAULT;
	if (lin >= 0x1000 && lin + len <= 0x1100)
		memcpy(ram + (lin - 0x1000), buf, len);
	return 0;
}

static const struct absent_mem toy = { toy_read, toy_write, NULL };

static void test_strings(void **state)
{
	const uint8_t rep_movsb[] = { 0xf3, 0xa4 }, rep_stosq[] = { 0xf3, 0x48, 0xab };
	const uint8_t lodsl[] = { 0xad };
	struct insn insn;
	struct insn_regs r;
	(void)state;

	/* From absent memory into the domain's: 16 bytes of 0xff land. */
	memset(ram, 0, sizeof(ram));
	fill(&r);
	r.gpr[INSN_RSI] = 0x5000;
	r.gpr[INSN_RDI] = 0x1010;
	r.gpr[INSN_RCX] = 16;
	insn = decode(rep_movsb, sizeof(rep_movsb));
	assert_true(insn_is_absent_string(&insn));
	assert_int_equal(emulate_absent_string(&insn, &r, 0, &toy, 1024), 1);
	assert_int_equal(r.gpr[INSN_RCX], 0);
	assert_int_equal(r.gpr[INSN_RSI], 0x5010);
	assert_int_equal(r.gpr[INSN_RDI], 0x1020);
	assert_int_equal(ram[0x0f], 0);
	assert_int_equal(ram[0x10], 0xff);
	assert_int_equal(ram[0x1f], 0xff);
	assert_int_equal(ram[0x20], 0);

	/* A batch limit leaves the rest to the next run, going down with DF. */
	fill(&r);
	r.gpr[INSN_RDI] = 0x8000;
	r.gpr[INSN_RCX] = 10;
	insn = decode(rep_stosq, sizeof(rep_stosq));
	assert_int_equal(emulate_absent_string(&insn, &r, FL_DF, &toy, 4), 0);
	assert_int_equal(r.gpr[INSN_RCX], 6);
	assert_int_equal(r.gpr[INSN_RDI], 0x8000 - 32);

	/* A fault stops it where it is. */
	fill(&r);
	r.gpr[INSN_RDI] = 0x9000 - 2;
	r.gpr[INSN_RSI] = 0x5000;
	r.gpr[INSN_RCX] = 5;
	insn = decode(rep_movsb, sizeof(rep_movsb));
	assert_int_equal(emulate_absent_string(&insn, &r, 0, &toy, 1024), -EFAULT);
	assert_int_equal(r.gpr[INSN_RCX], 3);
	assert_int_equal(r.gpr[INSN_RDI], 0x9000);

	/* LODS without REP: one element, RCX untouched, EAX zero-extended. */
	fill(&r);
	r.gpr[INSN_RSI] = 0x7000;
	insn = decode(lodsl, sizeof(lodsl));
	assert_int_equal(emulate_absent_string(&insn, &r, 0, &toy, 1024), 1);
	assert_int_equal(r.gpr[INSN_RAX], 0xffffffffULL);
	assert_int_equal(r.gpr[INSN_RCX], JUNK + INSN_RCX);
	assert_int_equal(r.gpr[INSN_RSI], 0x7004);
	assert_true(accesses > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_bit_test),
		cmocka_unit_test(test_stores_dropped),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
