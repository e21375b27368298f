/*
 * Random pages of instruction-like bytes, dense in the sequences and in
 * immediates and displacements that hide them, against what pkscan_page()
 * promises, checked with an independent sweep of the test's own:
 *   accepted: no sequence left at any byte offset; only opcode bytes of
 *     sites changed; every sweep from the entries sees the same
 *     instructions before and after, each site's being the trap of the
 *     original;
 *   refused: the page unchanged, the refused match really in it and not
 *     a rewritable one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pkscan.h>
#include <umbra/errno.h>

#define PAGE	4096u
#define ROUNDS	3000

static uint8_t page[PAGE], orig[PAGE], next[PKSCAN_NEXT_BYTES];
static uint16_t entries[4];
static struct pkscan_result res;
static struct pkscan_match matches[PAGE];
static uint64_t rng = 0x243f6a8885a308d3ULL;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 11);
}

static const uint8_t *const danger[] = {
	(const uint8_t[]){ 3, 0x0f, 0x01, 0xef },
	(const uint8_t[]){ 3, 0x0f, 0xae, 0x28 },
	(const uint8_t[]){ 4, 0x0f, 0xae, 0x6f, 0x10 },
	(const uint8_t[]){ 3, 0x0f, 0xc7, 0x1f },
};

/* Templates: a length byte, then the instruction; 0xAA bytes are filled
 * with random bytes or, rarely, with a dangerous sequence. */
static const uint8_t *const benign[] = {
	(const uint8_t[]){ 1, 0x90 },
	(const uint8_t[]){ 1, 0xc3 },
	(const uint8_t[]){ 3, 0x0f, 0x01, 0xee },			/* rdpkru */
	(const uint8_t[]){ 3, 0x0f, 0xae, 0x20 },			/* xsave */
	(const uint8_t[]){ 3, 0x0f, 0xae, 0xe8 },			/* lfence */
	(const uint8_t[]){ 3, 0x0f, 0xb9, 0xef },			/* ud1 */
	(const uint8_t[]){ 5, 0xb8, 0xaa, 0xaa, 0xaa, 0xaa },		/* mov imm32 */
	(const uint8_t[]){ 10, 0x48, 0xb8, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa },
	(const uint8_t[]){ 6, 0x8b, 0x88, 0xaa, 0xaa, 0xaa, 0xaa },	/* mov d32(%rax) */
	(const uint8_t[]){ 3, 0x8b, 0x48, 0xaa },			/* mov d8(%rax) */
	(const uint8_t[]){ 2, 0x01, 0xef },				/* add %ebp,%edi */
	(const uint8_t[]){ 5, 0xe8, 0xaa, 0xaa, 0xaa, 0xaa },		/* call */
	(const uint8_t[]){ 2, 0x2e, 0x3e },				/* prefixes */
};

static const uint8_t *const dangerous[] = {
	(const uint8_t[]){ 3, 0x0f, 0x01, 0xef },			/* wrpkru */
	(const uint8_t[]){ 4, 0x48, 0x0f, 0x01, 0xef },			/* rex.W wrpkru */
	(const uint8_t[]){ 3, 0x0f, 0xae, 0x28 },			/* xrstor (%rax) */
	(const uint8_t[]){ 4, 0x0f, 0xae, 0x6f, 0xaa },			/* xrstor d8(%rdi) */
	(const uint8_t[]){ 7, 0x0f, 0xae, 0xa8, 0xaa, 0xaa, 0xaa, 0xaa },
	(const uint8_t[]){ 4, 0x48, 0x0f, 0xc7, 0x1f },			/* xrstors64 (%rdi) */
};

/* Rare: bytes that break the sweep or split a sequence over two. */
static const uint8_t *const rare[] = {
	(const uint8_t[]){ 1, 0x06 },					/* #UD in 64-bit */
	(const uint8_t[]){ 1, 0x0f },
	(const uint8_t[]){ 2, 0x03, 0x0f },				/* add (%rdi),%ecx */
};

#define PICK(a)	((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

static void emit(unsigned int *off)
{
	unsigned int r = rnd() % 1000, i, k = 0;
	const uint8_t *t = r < 6 ? PICK(dangerous) : r < 8 ? PICK(rare) : PICK(benign);
	const uint8_t *d = PICK(danger);
	bool hide = rnd() % 400 == 0;

	for (i = 0; i < t[0] && *off < PAGE; i++, (*off)++) {
		uint8_t b = t[1 + i];

		if (b == 0xaa)
			b = hide && k < d[0] ? d[1 + k++] : (uint8_t)rnd();
		page[*off] = b;
	}
}

static void make_page(void)
{
	unsigned int off = 0, i, nr;

	if (rnd() % 16 == 0) {
		for (off = 0; off < PAGE; off++)
			page[off] = (uint8_t)rnd();
	}
	while (off < PAGE)
		emit(&off);
	for (i = 0; i < sizeof(next); i++)
		next[i] = rnd() % 2 ? 0x90 : (uint8_t)rnd();
	nr = rnd() % 4;
	for (i = 0; i < nr; i++)
		entries[i] = (uint16_t)(rnd() % PAGE);
}

/* The test's own linear sweep from `e`: compares the original and the
 * rewritten page instruction by instruction. */
static void same_sweep(unsigned int e, const uint8_t *nextp)
{
	uint8_t a[PAGE + PKSCAN_NEXT_BYTES], b[PAGE + PKSCAN_NEXT_BYTES];
	size_t span = nextp ? sizeof(a) : PAGE;
	struct insn ia, ib;
	unsigned int s = 0;
	int la, lb, kind;

	memcpy(a, orig, PAGE);
	memcpy(b, page, PAGE);
	if (nextp) {
		memcpy(a + PAGE, nextp, PKSCAN_NEXT_BYTES);
		memcpy(b + PAGE, nextp, PKSCAN_NEXT_BYTES);
	}
	while (e < PAGE) {
		la = insn_decode(a + e, span - e, 64, &ia);
		lb = insn_decode(b + e, span - e, 64, &ib);
		assert_int_equal(la, lb);
		if (la <= 0)
			return;
		kind = pkscan_trap_decode(b + e, span - e, 64, &ib);
		while (s < res.nr_sites && res.site[s].offset < e + ia.opcode_offset)
			s++;
		if (ia.map == INSN_MAP_0F && ia.encoding == INSN_ENC_LEGACY &&
		    pkscan_kind_of(a[e + ia.opcode_offset], a[e + ia.opcode_offset + 1],
				   a[e + ia.opcode_offset + 2]) != PKSCAN_NONE) {
			/* A dangerous instruction of this sweep: a site, now a trap. */
			assert_true(s < res.nr_sites);
			assert_int_equal(res.site[s].offset, e + ia.opcode_offset);
			assert_int_equal(kind, res.site[s].kind);
			assert_int_equal(ib.len, ia.len);
		} else {
			assert_memory_equal(a + e, b + e, (size_t)la);
		}
		e += (unsigned int)la;
	}
}

static void check_accepted(const uint16_t *e, unsigned int nr_e, const uint8_t *nextp)
{
	unsigned int i, s = 0;

	assert_int_equal(pkscan_find(page, nextp, NULL, 0), 0);
	for (i = 0; i < PAGE; i++) {
		if (s < res.nr_sites && i == res.site[s].offset + 1u) {
			assert_int_equal(page[i], PKSCAN_OP_UD1);
			s++;
		} else {
			assert_int_equal(page[i], orig[i]);
		}
	}
	if (!nr_e)
		same_sweep(0, nextp);
	for (i = 0; i < nr_e; i++)
		same_sweep(e[i], nextp);
}

static void check_refused(const uint8_t *nextp)
{
	unsigned int nr, i;

	assert_memory_equal(page, orig, PAGE);
	assert_int_not_equal(res.refused.class, PKSCAN_REAL);
	nr = pkscan_find(orig, nextp, matches, PAGE);
	for (i = 0; i < nr && matches[i].offset != res.refused.offset; i++)
		;
	assert_true(i < nr);
	assert_int_equal(matches[i].kind, res.refused.kind);
}

static void test_random_pages(void **state)
{
	unsigned int round, accepted = 0, refused = 0, sites = 0, nr_e;
	const uint8_t *nextp;
	int rc;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		make_page();
		memcpy(orig, page, PAGE);
		nr_e = rnd() % 3 ? 0 : rnd() % 4;
		nextp = rnd() % 2 ? next : NULL;
		rc = pkscan_page(page, nextp, entries, nr_e, 64, &res);
		if (rc == 0) {
			check_accepted(entries, nr_e, nextp);
			accepted++;
			sites += res.nr_sites;
		} else {
			assert_int_equal(rc, -EACCES);
			check_refused(nextp);
			refused++;
		}
	}
	/* The generator must exercise both outcomes and real rewrites. */
	assert_true(accepted > ROUNDS / 20);
	assert_true(refused > ROUNDS / 20);
	assert_true(sites > ROUNDS / 10);
	print_message("%u accepted (%u rewrites), %u refused\n", accepted, sites, refused);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
