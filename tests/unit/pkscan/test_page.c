/*
 * pkscan_page(): which matches are real instructions and get rewritten,
 * which are hidden and refuse the page; the page untouched on refusal;
 * straddling, several entry points, prefixes; the trap's decoding for the
 * emulator; and random pages against the library's promises.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pkscan.h>
#include <umbra/errno.h>
#include "mmu/mode.h"

#define PAGE		4096u
#define NOP		0x90
#define BYTES(...)	((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static uint8_t page[PAGE], saved[PAGE], next[PKSCAN_NEXT_BYTES];
static struct pkscan_result res;

static void fill(void)
{
	memset(page, NOP, PAGE);
	memset(next, NOP, sizeof(next));
}

static void put(unsigned int off, const uint8_t *b, size_t n)
{
	memcpy(page + off, b, n);
}

static int run(const uint16_t *entries, unsigned int nr)
{
	memcpy(saved, page, PAGE);
	return pkscan_page(page, next, entries, nr, 64, &res);
}

/* Refused with `class` at `offset`, and the page exactly as it was. */
static void expect_refused(int rc, enum pkscan_class class, unsigned int offset)
{
	assert_int_equal(rc, -EACCES);
	assert_int_equal(res.refused.class, class);
	assert_int_equal(res.refused.offset, offset);
	assert_int_equal(res.nr_sites, 0);
	assert_memory_equal(page, saved, PAGE);
}

/* Accepted; only the opcode bytes of the sites changed, to UD1's. */
static void expect_rewritten(int rc, unsigned int nr_sites)
{
	unsigned int i, s = 0;

	assert_int_equal(rc, 0);
	assert_int_equal(res.nr_sites, nr_sites);
	for (i = 0; i < PAGE; i++) {
		if (s < res.nr_sites && i == res.site[s].offset + 1u) {
			assert_int_equal(res.site[s].class, PKSCAN_REAL);
			assert_int_equal(page[i], PKSCAN_OP_UD1);
			s++;
		} else {
			assert_int_equal(page[i], saved[i]);
		}
	}
	assert_int_equal(pkscan_find(page, next, NULL, 0), 0);
}

static void test_real_wrpkru_rewritten(void **state)
{
	(void)state;
	fill();
	put(100, BYTES(0x31, 0xc9, 0x31, 0xd2, 0x0f, 0x01, 0xef, 0xc3));
	expect_rewritten(run(NULL, 0), 1);
	assert_int_equal(res.site[0].offset, 104);
	assert_int_equal(res.site[0].kind, PKSCAN_WRPKRU);
	assert_int_equal(res.site[0].insn_start, 104);
	assert_int_equal(res.site[0].insn_len, 3);
	/* Again: nothing left to do, nothing changes. */
	expect_rewritten(run(NULL, 0), 0);
}

static void test_prefixed_forms(void **state)
{
	(void)state;
	fill();
	put(0, BYTES(0x48, 0x0f, 0x01, 0xef));			/* rex.W wrpkru */
	put(4, BYTES(0x64, 0x67, 0x0f, 0x01, 0xef));		/* fs addr32 wrpkru */
	put(9, BYTES(0x4b, 0x0f, 0xae, 0x6c, 0xec, 0x80));	/* xrstor64 -0x80(%r12,%r13,8) */
	put(15, BYTES(0x48, 0x0f, 0xc7, 0x5c, 0x77, 0x10));	/* xrstors64 0x10(%rdi,%rsi,2) */
	put(21, BYTES(0xf3, 0x0f, 0x01, 0xef));			/* stui: still 0F 01 EF inside */
	expect_rewritten(run(NULL, 0), 5);
	assert_int_equal(res.site[0].insn_start, 0);
	assert_int_equal(res.site[0].insn_len, 4);
	assert_int_equal(res.site[1].insn_start, 4);
	assert_int_equal(res.site[1].insn_len, 5);
	assert_int_equal(res.site[2].kind, PKSCAN_XRSTOR);
	assert_int_equal(res.site[2].insn_len, 6);
	assert_int_equal(res.site[3].kind, PKSCAN_XRSTORS);
	assert_int_equal(res.site[4].insn_start, 21);
}

/* Entering on a prefix or on the 0F: the same opcode byte either way. */
static void test_entries_on_prefix_and_opcode_agree(void **state)
{
	static const uint16_t entries[] = { 0, 1, 2 };

	(void)state;
	fill();
	put(0, BYTES(0x2e, 0x3e, 0x0f, 0x01, 0xef));
	expect_rewritten(run(entries, 3), 1);
	assert_int_equal(res.site[0].insn_start, 0);
	assert_int_equal(res.site[0].insn_len, 5);
}

static void test_hidden_in_immediate(void **state)
{
	(void)state;
	fill();
	put(10, BYTES(0xb8, 0x0f, 0x01, 0xef, 0x00));	/* mov $0xef010f, %eax */
	expect_refused(run(NULL, 0), PKSCAN_HIDDEN, 11);
	assert_int_equal(res.refused.kind, PKSCAN_WRPKRU);
	/* movabs $imm64 with an XRSTOR inside. */
	fill();
	put(0, BYTES(0x48, 0xb8, 0x11, 0x0f, 0xae, 0x28, 0x22, 0x33, 0x44, 0x55));
	expect_refused(run(NULL, 0), PKSCAN_HIDDEN, 3);
	assert_int_equal(res.refused.kind, PKSCAN_XRSTOR);
}

static void test_hidden_in_displacement(void **state)
{
	(void)state;
	fill();
	put(0, BYTES(0x8b, 0x88, 0x0f, 0x01, 0xef, 0x00));	/* mov 0xef010f(%rax), %ecx */
	expect_refused(run(NULL, 0), PKSCAN_HIDDEN, 2);
	/* A real XRSTOR whose own displacement hides a WRPKRU: the XRSTOR
	 * could be rewritten, the WRPKRU cannot, so the page is refused. */
	fill();
	put(0, BYTES(0x0f, 0xae, 0xa8, 0x0f, 0x01, 0xef, 0x00));	/* xrstor 0xef010f(%rax) */
	expect_refused(run(NULL, 0), PKSCAN_HIDDEN, 3);
}

/* 0F as a ModRM byte, 01 EF as the next instruction: bytes of two. */
static void test_spanning_two_instructions(void **state)
{
	(void)state;
	fill();
	put(0, BYTES(0x03, 0x0f, 0x01, 0xef));	/* add (%rdi),%ecx; add %ebp,%edi */
	expect_refused(run(NULL, 0), PKSCAN_HIDDEN, 1);
}

/* Real for one entry point, hidden for another: refused. */
static void test_entries_disagree(void **state)
{
	static const uint16_t entries[] = { 0, 1 };

	(void)state;
	fill();
	put(0, BYTES(0xb8, 0x0f, 0x01, 0xef, 0x00));
	expect_refused(run(entries, 2), PKSCAN_HIDDEN, 1);
	/* From the second entry alone it is real. */
	expect_rewritten(run(entries + 1, 1), 1);
}

/* After bytes that do not decode, nothing is known: refused, unless an
 * entry point says where code goes on. */
static void test_unreached(void **state)
{
	static const uint16_t entries[] = { 0, 20 };

	(void)state;
	fill();
	put(10, BYTES(0x06));				/* push %es: #UD in 64-bit mode */
	put(20, BYTES(0x0f, 0x01, 0xef));
	expect_refused(run(NULL, 0), PKSCAN_UNREACHED, 20);
	expect_rewritten(run(entries, 2), 1);
	/* Prefixes WRPKRU does not take make it undefined from its start. */
	fill();
	put(20, BYTES(0x66, 0x0f, 0x01, 0xef));
	expect_refused(run(NULL, 0), PKSCAN_UNREACHED, 21);
	fill();
	put(20, BYTES(0xf0, 0x0f, 0x01, 0xef));		/* lock */
	expect_refused(run(NULL, 0), PKSCAN_UNREACHED, 21);
	/* An entry after the match: the bytes before it are nobody's code. */
	fill();
	put(8, BYTES(0x0f, 0x01, 0xef));
	expect_refused(run(entries + 1, 1), PKSCAN_UNREACHED, 8);
}

static void test_straddling_page_end(void **state)
{
	(void)state;
	/* The 0F is the page's last byte, 01 EF the next page's first: its
	 * opcode byte is not this page's to rewrite. */
	fill();
	page[PAGE - 1] = 0x0f;
	next[0] = 0x01;
	next[1] = 0xef;
	expect_refused(run(NULL, 0), PKSCAN_STRADDLE, PAGE - 1);
	/* Nothing executable follows: it cannot run, the page is fine. */
	assert_int_equal(pkscan_page(page, NULL, NULL, 0, 64, &res), 0);
	assert_int_equal(res.nr_sites, 0);
	/* XRSTOR with its ModRM in the next page: the opcode is here. */
	fill();
	page[PAGE - 2] = 0x0f;
	page[PAGE - 1] = 0xae;
	next[0] = 0x6f;
	next[1] = 0x10;	/* xrstor 0x10(%rdi) */
	expect_rewritten(run(NULL, 0), 1);
	assert_int_equal(res.site[0].insn_len, 4);
	assert_int_equal(res.next_entry, 2);
	/* A mov whose immediate runs over the end hides one. */
	fill();
	put(PAGE - 3, BYTES(0xb8, 0x11, 0x0f));
	next[0] = 0x01;
	next[1] = 0xef;
	expect_refused(run(NULL, 0), PKSCAN_STRADDLE, PAGE - 1);
}

static void test_next_entry(void **state)
{
	(void)state;
	fill();
	put(0, BYTES(0x0f, 0x01, 0xef));	/* a match: the page is swept */
	put(PAGE - 2, BYTES(0xb8, 0x11));	/* mov $imm32: 3 more bytes */
	assert_int_equal(run(NULL, 0), 0);
	assert_int_equal(res.next_entry, 3);
	fill();
	put(0, BYTES(0x0f, 0x01, 0xef));
	assert_int_equal(run(NULL, 0), 0);
	assert_int_equal(res.next_entry, 0);
	/* Without the next page the last instruction cannot be decoded. */
	put(0, BYTES(0x0f, 0x01, 0xef));
	put(PAGE - 2, BYTES(0xb8, 0x11));
	assert_int_equal(pkscan_page(page, NULL, NULL, 0, 64, &res), 0);
	assert_int_equal(res.next_entry, PKSCAN_NO_NEXT_ENTRY);
	/* No match: not swept, no entry to give. */
	fill();
	assert_int_equal(run(NULL, 0), 0);
	assert_int_equal(res.next_entry, PKSCAN_NO_NEXT_ENTRY);
}

static void test_too_many(void **state)
{
	unsigned int i;

	(void)state;
	fill();
	for (i = 0; i <= PKSCAN_MAX_SITES; i++)
		put(i * 3, BYTES(0x0f, 0x01, 0xef));
	expect_refused(run(NULL, 0), PKSCAN_TOO_MANY, 0);
	page[PKSCAN_MAX_SITES * 3] = NOP;
	expect_rewritten(run(NULL, 0), PKSCAN_MAX_SITES);
}

static void test_bad_arguments(void **state)
{
	static const uint16_t bad_entry = PAGE;

	(void)state;
	fill();
	put(0, BYTES(0x0f, 0x01, 0xef));
	memcpy(saved, page, PAGE);
	assert_int_equal(pkscan_page(NULL, NULL, NULL, 0, 64, &res), -EINVAL);
	assert_int_equal(pkscan_page(page, NULL, NULL, 0, 64, NULL), -EINVAL);
	assert_int_equal(pkscan_page(page, NULL, NULL, 1, 64, &res), -EINVAL);
	assert_int_equal(pkscan_page(page, NULL, &bad_entry, 1, 64, &res), -EINVAL);
	assert_int_equal(pkscan_page(page, NULL, NULL, 0, 48, &res), -EINVAL);
	assert_memory_equal(page, saved, PAGE);
}

/* 32-bit code: 40 is INC %eax there, so 40 0F 01 EF is two instructions
 * and the WRPKRU is real in both modes. */
static void test_compat_mode(void **state)
{
	(void)state;
	fill();
	put(0, BYTES(0x40, 0x0f, 0x01, 0xef));
	memcpy(saved, page, PAGE);
	assert_int_equal(pkscan_page(page, next, NULL, 0, 32, &res), 0);
	assert_int_equal(res.site[0].insn_start, 1);
	assert_int_equal(res.site[0].insn_len, 3);
	memcpy(page, saved, PAGE);
	assert_int_equal(pkscan_page(page, next, NULL, 0, 64, &res), 0);
	assert_int_equal(res.site[0].insn_start, 0);
	assert_int_equal(res.site[0].insn_len, 4);
}

static void expect_trap(const uint8_t *b, size_t n, int kind, unsigned int len)
{
	struct insn orig;

	assert_int_equal(pkscan_trap_decode(b, n, 64, &orig), kind);
	if (kind > 0)
		assert_int_equal(orig.len, len);
}

static void test_trap_decode(void **state)
{
	struct insn orig;

	(void)state;
	expect_trap(BYTES(0x0f, 0xb9, 0xef), PKSCAN_WRPKRU, 3);
	expect_trap(BYTES(0x48, 0x0f, 0xb9, 0xef), PKSCAN_WRPKRU, 4);
	expect_trap(BYTES(0x4b, 0x0f, 0xb9, 0x6c, 0xec, 0x80), PKSCAN_XRSTOR, 6);
	expect_trap(BYTES(0x0f, 0xb9, 0x1f), PKSCAN_XRSTORS, 3);
	/* Not traps: UD2, UD1 with other ModRMs, a prefix WRPKRU rejects. */
	expect_trap(BYTES(0x0f, 0x0b), 0, 0);
	expect_trap(BYTES(0x0f, 0xb9, 0x40, 0x10), 0, 0);	/* ud1 0x10(%rax),%eax */
	expect_trap(BYTES(0x0f, 0xb9, 0xe8), 0, 0);		/* /5 register, not EF */
	expect_trap(BYTES(0x66, 0x0f, 0xb9, 0xef), 0, 0);
	expect_trap(BYTES(0x90), 0, 0);
	/* Too few bytes: the decoder's -EFAULT, fetch more. */
	expect_trap(BYTES(0x0f, 0xb9), -EFAULT, 0);
	/* The original's operand comes back: xrstor %fs:0x10(%rdi). */
	assert_int_equal(pkscan_trap_decode(BYTES(0x64, 0x0f, 0xb9, 0x6f, 0x10), 64, &orig),
			 PKSCAN_XRSTOR);
	assert_int_equal(orig.opcode, PKSCAN_OP_GRP15);
	assert_true(orig.has_mem);
	assert_int_equal(orig.base, INSN_RDI);
	assert_int_equal(orig.disp, 0x10);
	assert_int_equal(orig.seg, INSN_SEG_FS);
	/* STUI's trap decodes to STUI: the emulator sees the F3 and gives #UD. */
	assert_int_equal(pkscan_trap_decode(BYTES(0xf3, 0x0f, 0xb9, 0xef), 64, &orig),
			 PKSCAN_WRPKRU);
	assert_int_equal(orig.rep, INSN_PFX_REP);
}

/* Every site of a rewritten page decodes back to exactly its original. */
static void test_rewrite_round_trip(void **state)
{
	struct insn orig, before;
	unsigned int i;

	(void)state;
	fill();
	put(0, BYTES(0x48, 0x0f, 0x01, 0xef));
	put(10, BYTES(0x0f, 0xae, 0xac, 0x24, 0x00, 0x01, 0x00, 0x00));	/* xrstor 0x100(%rsp) */
	put(30, BYTES(0x65, 0x48, 0x0f, 0xc7, 0x1c, 0x25, 0x00, 0x10, 0x00, 0x00));
	assert_int_equal(run(NULL, 0), 0);
	assert_int_equal(res.nr_sites, 3);
	for (i = 0; i < res.nr_sites; i++) {
		const struct pkscan_match *s = &res.site[i];

		assert_int_equal(pkscan_trap_decode(page + s->insn_start, PAGE - s->insn_start,
						    64, &orig), s->kind);
		assert_int_equal(insn_decode(saved + s->insn_start, PAGE - s->insn_start, 64,
					     &before), s->insn_len);
		assert_int_equal(orig.len, before.len);
		assert_int_equal(orig.modrm, before.modrm);
		assert_int_equal(orig.opcode, before.opcode);
		assert_int_equal(orig.disp, before.disp);
		assert_int_equal(orig.rex, before.rex);
		assert_int_equal(orig.seg, before.seg);
	}
}

static void test_pkru_forced(void **state)
{
	(void)state;
	assert_int_equal(pkscan_pkru_forced(0, 15), MMU_PKRU_AD(15) | MMU_PKRU_WD(15));
	assert_int_equal(pkscan_pkru_forced(0x55555554, 1), 0x5555555c);
	assert_int_equal(pkscan_pkru_forced(0xffffffff, 7), 0xffffffff);
	/* Keys are 4 bits: no undefined shift for a bad one. */
	assert_int_equal(pkscan_pkru_forced(0, 16), MMU_PKRU_AD(0) | MMU_PKRU_WD(0));
}

static void test_emulate_wrpkru(void **state)
{
	struct insn orig;
	uint32_t pkru = 0x12345678;

	(void)state;
	assert_int_equal(pkscan_trap_decode(BYTES(0x48, 0x0f, 0xb9, 0xef), 64, &orig),
			 PKSCAN_WRPKRU);
	assert_int_equal(pkscan_emulate_wrpkru(&orig, 0xffffffff00000004ULL,
					       0xffffffff00000000ULL, 0x100000000ULL, 15, &pkru),
			 PKSCAN_EMUL_DONE);
	assert_int_equal(pkru, 0xc0000004);
	pkru = 7;
	assert_int_equal(pkscan_emulate_wrpkru(&orig, 0, 1, 0, 15, &pkru), PKSCAN_EMUL_GP);
	assert_int_equal(pkscan_emulate_wrpkru(&orig, 0, 0, 0x80000000, 15, &pkru),
			 PKSCAN_EMUL_GP);
	assert_int_equal(pkru, 7);
	/* STUI's trap: #UD, PKRU untouched. */
	assert_int_equal(pkscan_trap_decode(BYTES(0xf3, 0x0f, 0xb9, 0xef), 64, &orig),
			 PKSCAN_WRPKRU);
	assert_int_equal(pkscan_emulate_wrpkru(&orig, 0, 0, 0, 15, &pkru), PKSCAN_EMUL_UD);
	assert_int_equal(pkru, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_wrpkru_rewritten),
		cmocka_unit_test(test_prefixed_forms),
		cmocka_unit_test(test_entries_on_prefix_and_opcode_agree),
		cmocka_unit_test(test_hidden_in_immediate),
		cmocka_unit_test(test_hidden_in_displacement),
		cmocka_unit_test(test_spanning_two_instructions),
		cmocka_unit_test(test_entries_disagree),
		cmocka_unit_test(test_unreached),
		cmocka_unit_test(test_straddling_page_end),
		cmocka_unit_test(test_next_entry),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_compat_mode),
		cmocka_unit_test(test_trap_decode),
		cmocka_unit_test(test_rewrite_round_trip),
		cmocka_unit_test(test_pkru_forced),
		cmocka_unit_test(test_emulate_wrpkru),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
