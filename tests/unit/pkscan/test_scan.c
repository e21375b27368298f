/*
 * The byte-offset scanner: which byte triples begin a PKRU-loading
 * instruction (every ModRM of 0F AE and 0F C7 against the SDM's rule),
 * look-alikes left alone, sequences straddling into the next page, and
 * the word-at-a-time scan against a byte-by-byte memcmp reference at every
 * alignment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/arch/x86/pkscan/pkscan_internal.h"
#include "reference.h"

#define PAGE	PKSCAN_PAGE

static uint8_t page[PAGE], next[PKSCAN_NEXT_BYTES];
static struct pkscan_match found[PAGE], expect[PAGE];

static void test_kind_of_every_modrm(void **state)
{
	unsigned int m, mod, reg;

	(void)state;
	for (m = 0; m < 256; m++) {
		mod = m >> 6;
		reg = (m >> 3) & 7;
		/* 0F AE /5: XRSTOR with memory; LFENCE (E8-EF) with a register. */
		assert_int_equal(pkscan_kind_of(0x0f, 0xae, (uint8_t)m),
				 mod != 3 && reg == 5 ? PKSCAN_XRSTOR : PKSCAN_NONE);
		/* 0F C7 /3: XRSTORS; /1 CMPXCHG8B/16B, /4 XSAVEC, /5 XSAVES,
		 * /6 /7 RDRAND RDSEED RDPID are not. */
		assert_int_equal(pkscan_kind_of(0x0f, 0xc7, (uint8_t)m),
				 mod != 3 && reg == 3 ? PKSCAN_XRSTORS : PKSCAN_NONE);
		/* 0F 01: only EF is WRPKRU (EE is RDPKRU). */
		assert_int_equal(pkscan_kind_of(0x0f, 0x01, (uint8_t)m),
				 m == 0xef ? PKSCAN_WRPKRU : PKSCAN_NONE);
		/* Without the escape, nothing. */
		assert_int_equal(pkscan_kind_of((uint8_t)m, 0x01, 0xef),
				 m == 0x0f ? PKSCAN_WRPKRU : PKSCAN_NONE);
	}
}

static unsigned int scan(const uint8_t *p, const uint8_t *n)
{
	return pkscan_find(p, n, found, PAGE);
}

static void place(unsigned int off, uint8_t b0, uint8_t b1, uint8_t b2)
{
	const uint8_t b[3] = { b0, b1, b2 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (off + i < PAGE)
			page[off + i] = b[i];
		else
			next[off + i - PAGE] = b[i];
	}
}

static void test_lookalikes_are_not_flagged(void **state)
{
	static const uint8_t benign[][3] = {
		{ 0x0f, 0x01, 0xee },	/* rdpkru */
		{ 0x0f, 0xae, 0x20 },	/* xsave (%rax) */
		{ 0x0f, 0xae, 0x30 },	/* xsaveopt (%rax) */
		{ 0x0f, 0xae, 0x08 },	/* fxrstor (%rax) */
		{ 0x0f, 0xae, 0xe8 },	/* lfence (/5, register form) */
		{ 0x0f, 0xae, 0xef },	/* lfence, other rm */
		{ 0x0f, 0xc7, 0x08 },	/* cmpxchg8b (%rax) */
		{ 0x0f, 0xc7, 0x20 },	/* xsavec (%rax) */
		{ 0x0f, 0xc7, 0x28 },	/* xsaves (%rax) */
		{ 0x0f, 0xc7, 0xd8 },	/* /3 register form: undefined, not XRSTORS */
		{ 0x0f, 0x01, 0xd9 },	/* vmmcall */
		{ 0x0f, 0xb9, 0xef },	/* ud1: the trap itself */
		{ 0x01, 0xef, 0x0f },
		{ 0xef, 0x01, 0x0f },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		memset(page, 0x90, PAGE);
		place(100, benign[i][0], benign[i][1], benign[i][2]);
		assert_int_equal(scan(page, NULL), 0);
	}
}

static void test_every_form_found(void **state)
{
	(void)state;
	memset(page, 0x90, PAGE);
	place(0, 0x0f, 0x01, 0xef);
	place(10, 0x0f, 0xae, 0x28);	/* xrstor (%rax) */
	place(20, 0x0f, 0xae, 0xac);	/* xrstor disp32(%rsp-based SIB) */
	place(30, 0x0f, 0xc7, 0x5c);	/* xrstors disp8(SIB) */
	place(PAGE - 3, 0x0f, 0x01, 0xef);
	assert_int_equal(scan(page, NULL), 5);
	assert_int_equal(found[0].offset, 0);
	assert_int_equal(found[0].kind, PKSCAN_WRPKRU);
	assert_int_equal(found[1].offset, 10);
	assert_int_equal(found[1].kind, PKSCAN_XRSTOR);
	assert_int_equal(found[2].offset, 20);
	assert_int_equal(found[2].kind, PKSCAN_XRSTOR);
	assert_int_equal(found[3].offset, 30);
	assert_int_equal(found[3].kind, PKSCAN_XRSTORS);
	assert_int_equal(found[4].offset, PAGE - 3);
	/* The count is of all matches, even past `max`. */
	assert_int_equal(pkscan_find(page, NULL, found, 2), 5);
	assert_int_equal(found[1].offset, 10);
}

/* A sequence that begins in the page and ends in the next one. */
static void test_straddling_sequences(void **state)
{
	unsigned int start;

	(void)state;
	for (start = PAGE - 2; start < PAGE; start++) {
		memset(page, 0x90, PAGE);
		memset(next, 0x90, sizeof(next));
		place(start, 0x0f, 0x01, 0xef);
		assert_int_equal(scan(page, next), 1);
		assert_int_equal(found[0].offset, start);
		/* Nothing executable follows: the sequence cannot run. */
		assert_int_equal(scan(page, NULL), 0);
		/* One that begins in the next page is the next page's. */
		memset(page, 0x90, PAGE);
		memset(next, 0x90, sizeof(next));
		place(PAGE, 0x0f, 0xae, 0x28);
		assert_int_equal(scan(page, next), 0);
	}
	memset(page, 0x90, PAGE);
	place(PAGE - 1, 0x0f, 0xc7, 0x1f);	/* xrstors (%rdi), 0F in this page */
	assert_int_equal(scan(page, next), 1);
	assert_int_equal(found[0].kind, PKSCAN_XRSTORS);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)rng;
}

/* Bytes dense in the values that matter, so that matches are common. */
static uint8_t interesting_byte(void)
{
	static const uint8_t pool[] = { 0x0f, 0x01, 0xef, 0xae, 0xc7, 0x28, 0x2f, 0x68,
					0xa8, 0x18, 0x5c, 0x9f, 0xe8, 0xee, 0x90 };

	return rnd() % 4 ? pool[rnd() % sizeof(pool)] : (uint8_t)rnd();
}

static void test_against_memcmp_reference(void **state)
{
	unsigned int round, i, n, ref;

	(void)state;
	for (round = 0; round < 300; round++) {
		for (i = 0; i < PAGE; i++)
			page[i] = interesting_byte();
		for (i = 0; i < sizeof(next); i++)
			next[i] = interesting_byte();
		n = scan(page, round & 1 ? next : NULL);
		ref = reference_find(page, round & 1 ? next : NULL, expect, PAGE);
		assert_int_equal(n, ref);
		for (i = 0; i < n; i++) {
			assert_int_equal(found[i].offset, expect[i].offset);
			assert_int_equal(found[i].kind, expect[i].kind);
		}
	}
}

/* A lone sequence at every offset: the word loop misses no alignment. */
static void test_every_offset(void **state)
{
	unsigned int off;

	(void)state;
	memset(next, 0, sizeof(next));
	for (off = 0; off < PAGE; off++) {
		memset(page, 0, PAGE);
		place(off, 0x0f, 0xae, 0x6f);	/* xrstor disp8(%rdi) */
		assert_int_equal(scan(page, next), 1);
		assert_int_equal(found[0].offset, off);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_of_every_modrm),
		cmocka_unit_test(test_lookalikes_are_not_flagged),
		cmocka_unit_test(test_every_form_found),
		cmocka_unit_test(test_straddling_sequences),
		cmocka_unit_test(test_against_memcmp_reference),
		cmocka_unit_test(test_every_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
