/* The virtual local APIC's arithmetic (vlapic_regs.c): vector maps,
 * PPR and what may be delivered, the divide configuration, the timer's
 * current count and deadlines, logical destinations; and emulate_mmio()
 * against a fake device, as the APIC page is completed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/emulate_absent.h>
#include <asm/insn.h>
#include <asm/vlapic.h>

static void set(uint32_t map[8], unsigned int vec)
{
	map[vec / 32] |= 1u << (vec % 32);
}

static void test_highest(void **state)
{
	uint32_t map[8] = { 0 };

	(void)state;
	assert_int_equal(vlapic_highest(map), -1);
	set(map, 0x20);
	assert_int_equal(vlapic_highest(map), 0x20);
	set(map, 0xff);
	set(map, 0x7f);
	assert_int_equal(vlapic_highest(map), 0xff);
}

static void test_priority(void **state)
{
	struct vlapic l;

	(void)state;
	memset(&l, 0, sizeof(l));
	set(l.irr, 0x45);
	assert_int_equal(vlapic_deliverable(&l), 0x45);
	l.tpr = 0x50;			/* class 5 holds class 4 back */
	assert_int_equal(vlapic_ppr(&l), 0x50);
	assert_int_equal(vlapic_deliverable(&l), -1);
	l.tpr = 0x45;			/* same class: held back too */
	assert_int_equal(vlapic_deliverable(&l), -1);
	l.tpr = 0x3f;
	assert_int_equal(vlapic_deliverable(&l), 0x45);
	set(l.isr, 0x48);		/* in service, class 4: PPR 0x40 */
	assert_int_equal(vlapic_ppr(&l), 0x40);
	assert_int_equal(vlapic_deliverable(&l), -1);
	set(l.irr, 0x61);		/* a higher class gets through */
	assert_int_equal(vlapic_deliverable(&l), 0x61);
	l.tpr = 0x70;
	assert_int_equal(vlapic_ppr(&l), 0x70);
	assert_int_equal(vlapic_deliverable(&l), -1);
}

static void test_divisor(void **state)
{
	(void)state;
	assert_int_equal(vlapic_divisor(0x0), 2);
	assert_int_equal(vlapic_divisor(0x1), 4);
	assert_int_equal(vlapic_divisor(0x3), 16);
	assert_int_equal(vlapic_divisor(0xa), 128);
	assert_int_equal(vlapic_divisor(0xb), 1);
}

static void test_timer(void **state)
{
	struct vlapic l;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.tmict = 1000;
	l.divisor = 4;
	l.period_ns = vlapic_period_ns(l.tmict, l.divisor, false);
	assert_int_equal(l.period_ns, 4000);
	l.start_ns = 10000;
	l.deadline_ns = 14000;
	assert_int_equal(vlapic_current_count(&l, 10000), 1000);
	assert_int_equal(vlapic_current_count(&l, 12000), 500);
	assert_int_equal(vlapic_current_count(&l, 5000), 1000);	/* time went back */
	assert_int_equal(vlapic_current_count(&l, 14000), 0);
	assert_int_equal(vlapic_next_deadline(&l, 14000), 0);		/* one-shot */
	/* Periodic: the count wraps; missed periods merge into one. */
	l.periodic = true;
	l.period_ns = vlapic_period_ns(l.tmict, l.divisor, true);
	assert_int_equal(l.period_ns, 100000);				/* Xen's floor */
	l.period_ns = 4000;
	assert_int_equal(vlapic_current_count(&l, 15000), 750);
	assert_int_equal(vlapic_next_deadline(&l, 14000), 18000);
	assert_int_equal(vlapic_next_deadline(&l, 25000), 26000);
	/* The largest count and divisor do not overflow. */
	assert_int_equal(vlapic_period_ns(0xffffffffu, 128, false), 0xffffffffULL * 128);
	l.tmict = 0;
	assert_int_equal(vlapic_current_count(&l, 15000), 0);
}

static void test_logical(void **state)
{
	(void)state;
	assert_true(vlapic_logical_match(0x01000000, 0xffffffff, 0x03));	/* flat */
	assert_false(vlapic_logical_match(0x04000000, 0xffffffff, 0x03));
	assert_true(vlapic_logical_match(0x21000000, 0x0fffffff, 0x23));	/* cluster 2 */
	assert_false(vlapic_logical_match(0x21000000, 0x0fffffff, 0x13));
	assert_false(vlapic_logical_match(0x21000000, 0x5fffffff, 0x21));	/* bad DFR */
}

/* A 4-byte device register, as the APIC page is to emulate_mmio(). */
struct fake {
	uint32_t reg;
	unsigned int reads, writes, last_len;
};

static uint64_t fake_read(void *ctx, unsigned int len)
{
	struct fake *f = ctx;

	f->reads++;
	f->last_len = len;
	return f->reg;
}

static void fake_write(void *ctx, unsigned int len, uint64_t val)
{
	struct fake *f = ctx;

	f->writes++;
	f->last_len = len;
	f->reg = (uint32_t)val;
}

static int run(const uint8_t *b, size_t n, struct insn_regs *r, uint64_t *fl, struct fake *f)
{
	const struct mmio_ops ops = { fake_read, fake_write, f };
	struct absent_access acc;
	struct insn insn;

	assert_int_equal(insn_decode(b, n, 64, &insn), (int)n);
	return emulate_mmio(&insn, r, fl, &ops, &acc);
}

static void test_emulate_mmio(void **state)
{
	static const uint8_t mov_load[] = { 0x8b, 0x07 };		/* mov (%rdi),%eax */
	static const uint8_t movzx[] = { 0x0f, 0xb6, 0x07 };		/* movzbl (%rdi),%eax */
	static const uint8_t mov_store[] = { 0x89, 0x37 };		/* mov %esi,(%rdi) */
	static const uint8_t or_imm[] = { 0x83, 0x0f, 0x10 };		/* orl $0x10,(%rdi) */
	static const uint8_t cmpxchg[] = { 0x0f, 0xb1, 0x37 };		/* cmpxchg %esi,(%rdi) */
	struct fake f = { .reg = 0x00050014 };
	struct insn_regs r;
	uint64_t fl = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.gpr[INSN_RAX] = ~0ULL;
	assert_int_equal(run(mov_load, sizeof(mov_load), &r, &fl, &f), 0);
	assert_int_equal(r.gpr[INSN_RAX], 0x00050014);	/* 32-bit load zero-extends */
	assert_int_equal(run(movzx, sizeof(movzx), &r, &fl, &f), 0);
	assert_int_equal(r.gpr[INSN_RAX], 0x14);
	assert_int_equal(f.last_len, 1);
	/* A plain store reads nothing of the device. */
	f.reads = 0;
	r.gpr[INSN_RSI] = 0x1ff;
	assert_int_equal(run(mov_store, sizeof(mov_store), &r, &fl, &f), 0);
	assert_int_equal(f.reads, 0);
	assert_int_equal(f.reg, 0x1ff);
	/* Read-modify-write: read once, written once. */
	assert_int_equal(run(or_imm, sizeof(or_imm), &r, &fl, &f), 0);
	assert_int_equal(f.reads, 1);
	assert_int_equal(f.reg, 0x1ff);
	f.reg = 0x100;
	assert_int_equal(run(or_imm, sizeof(or_imm), &r, &fl, &f), 0);
	assert_int_equal(f.reg, 0x110);
	/* CMPXCHG that does not match: RAX gets memory, nothing written. */
	f.writes = 0;
	r.gpr[INSN_RAX] = 5;
	assert_int_equal(run(cmpxchg, sizeof(cmpxchg), &r, &fl, &f), 0);
	assert_int_equal(f.writes, 0);
	assert_int_equal(r.gpr[INSN_RAX], 0x110);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_highest),
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_divisor),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_logical),
		cmocka_unit_test(test_emulate_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
