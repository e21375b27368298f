/*
 * insn_mov_store32() (the exit fast path's reading of dom0's APIC
 * stores) against the decoder: for every ModRM and SIB byte, with no
 * REX and with each REX, it must give insn_decode()'s length and source
 * register for a 32-bit MOV to memory, and refuse everything else: a
 * register destination, REX.W, any other opcode or a legacy prefix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/insn.h>

/* What the decoder says the fast path should accept. */
static bool decoder_says_mov_store32(const uint8_t *b, size_t n, struct insn *in)
{
	return insn_decode(b, n, 64, in) > 0 && in->encoding == INSN_ENC_LEGACY &&
	       in->map == INSN_MAP_1BYTE && in->opcode == 0x89 && in->has_mem &&
	       in->op_bytes == 4 && in->nr_prefixes == (in->rex ? 1 : 0);
}

/* bytes: [rex] 89 modrm sib, then displacement bytes (filler). */
static void check(int rex, unsigned int modrm, unsigned int sib, unsigned int *accepted)
{
	uint8_t b[16];
	unsigned int i = 0, gpr = 99;
	struct insn in;
	int n;

	memset(b, 0xcc, sizeof(b));
	if (rex >= 0)
		b[i++] = (uint8_t)rex;
	b[i++] = 0x89;
	b[i++] = (uint8_t)modrm;
	b[i++] = (uint8_t)sib;
	n = insn_mov_store32(b, INSN_MOV_STORE32_MAX, &gpr);
	if (decoder_says_mov_store32(b, sizeof(b), &in)) {
		assert_int_equal(n, in.len);
		assert_int_equal(gpr, in.reg);
		(*accepted)++;
	} else {
		assert_int_equal(n, -1);
	}
}

static void test_every_modrm_sib_rex(void **state)
{
	unsigned int accepted = 0;

	(void)state;
	for (int rex = -1; rex < 16; rex++)
		for (unsigned int modrm = 0; modrm < 256; modrm++)
			for (unsigned int sib = 0; sib < 256; sib++)
				check(rex < 0 ? -1 : 0x40 + rex, modrm, sib, &accepted);
	/* No REX and REX 40-47 (not W): 9 * 192 memory ModRMs * 256. */
	assert_int_equal(accepted, 9 * 192 * 256);
}

static void test_others_refused(void **state)
{
	static const uint8_t cases[][INSN_MOV_STORE32_MAX] = {
		{ 0x88, 0x07 },				/* mov %al,(%rdi): 8-bit */
		{ 0x66, 0x89, 0x07 },			/* mov %ax,(%rdi): 16-bit */
		{ 0x48, 0x89, 0x07 },			/* mov %rax,(%rdi): REX.W */
		{ 0x89, 0xc7 },				/* mov %eax,%edi: no memory */
		{ 0x8b, 0x07 },				/* a load */
		{ 0xc7, 0x07, 0, 0, 0, 0 },		/* movl $0,(%rdi) */
		{ 0x87, 0x07 },				/* xchg */
		{ 0x3e, 0x89, 0x07 },			/* a segment prefix */
		{ 0x67, 0x89, 0x07 },			/* 32-bit addressing */
		{ 0xf0, 0x89, 0x07 },			/* lock */
		{ 0x40, 0x40, 0x89, 0x07 },		/* two REX */
	};
	unsigned int gpr;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(insn_mov_store32(cases[i], INSN_MOV_STORE32_MAX, &gpr), -1);
	/* Fewer bytes than the longest form may need: refused, not read past. */
	assert_int_equal(insn_mov_store32(cases[0], INSN_MOV_STORE32_MAX - 1, &gpr), -1);
}

static void test_linux_apic_writes(void **state)
{
	/* Debian 6.1's native_apic_mem_write and its inlined copies. */
	static const uint8_t abs_disp32[] = { 0x89, 0x34, 0x25, 0xb0, 0xc0, 0x5f, 0xff, 0xcc };
	static const uint8_t base_disp32[] = { 0x41, 0x89, 0xb4, 0x24, 0x80, 0x03, 0x00, 0x00 };
	static const uint8_t base_only[] = { 0x89, 0x37, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
	unsigned int gpr;

	(void)state;
	assert_int_equal(insn_mov_store32(abs_disp32, sizeof(abs_disp32), &gpr), 7);
	assert_int_equal(gpr, INSN_RSI);
	assert_int_equal(insn_mov_store32(base_disp32, sizeof(base_disp32), &gpr), 8);
	assert_int_equal(gpr, INSN_RSI);
	assert_int_equal(insn_mov_store32(base_only, sizeof(base_only), &gpr), 2);
	assert_int_equal(gpr, INSN_RSI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_modrm_sib_rex),
		cmocka_unit_test(test_others_refused),
		cmocka_unit_test(test_linux_apic_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
