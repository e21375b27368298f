/*
 * pkscan_edges(): for a caller that does not know a page's neighbours,
 * every sequence that straddles two pages is flagged on one side. Checked
 * exhaustively against the scanner itself (pkscan_find with the next
 * page's bytes) over every pair of two-byte page ends and page starts
 * drawn from the bytes that matter, and every ModRM byte; ordinary code
 * edges are not flagged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pkscan.h>

#define PAGE	4096u
#define NOP	0x90

static uint8_t a[PAGE], b[PAGE];

static void nops(void)
{
	memset(a, NOP, PAGE);
	memset(b, NOP, PAGE);
}

/* Does a match begin in the last two bytes of a, completed by b? */
static bool straddles(void)
{
	struct pkscan_match m[8];
	unsigned int n = pkscan_find(a, b, m, 8);

	for (unsigned int i = 0; i < n && i < 8; i++)
		if (m[i].offset >= PAGE - 2)
			return true;
	return false;
}

static bool flagged(void)
{
	return pkscan_edges(a) == PKSCAN_EDGE_TAIL || pkscan_edges(b) == PKSCAN_EDGE_HEAD;
}

/* Every split of WRPKRU, XRSTOR and XRSTORS with every ModRM byte. */
static void test_every_split_flagged(void **state)
{
	static const uint8_t ops[] = { PKSCAN_OP_GRP7, PKSCAN_OP_GRP15, PKSCAN_OP_GRP9 };
	unsigned int found = 0;

	(void)state;
	for (unsigned int o = 0; o < sizeof(ops); o++) {
		for (unsigned int modrm = 0; modrm < 256; modrm++) {
			const uint8_t seq[3] = { PKSCAN_ESCAPE, ops[o], (uint8_t)modrm };

			for (unsigned int k = 1; k <= 2; k++) {	/* bytes in a */
				nops();
				memcpy(a + PAGE - k, seq, k);
				memcpy(b, seq + k, 3 - k);
				if (!straddles())
					continue;
				found++;
				assert_true(flagged());
			}
		}
	}
	/* WRPKRU twice (two splits), XRSTOR and XRSTORS: 24 memory forms
	 * of their reg field each, two splits each. */
	assert_int_equal(found, 2 + 2 * 24 * 2);
}

/* Exhaustive over the bytes that matter: no straddle goes unflagged. */
static void test_edges_cover_the_scanner(void **state)
{
	static const uint8_t alphabet[] = { PKSCAN_ESCAPE, PKSCAN_OP_GRP7, PKSCAN_MODRM_WRPKRU,
					    PKSCAN_OP_GRP15, PKSCAN_OP_GRP9, 0x28, 0x18, 0x2d,
					    0xe8, 0x66, 0x48, NOP };
	const unsigned int n = sizeof(alphabet);
	unsigned int straddling = 0;

	(void)state;
	for (unsigned int i = 0; i < n * n * n * n; i++) {
		nops();
		a[PAGE - 2] = alphabet[i % n];
		a[PAGE - 1] = alphabet[i / n % n];
		b[0] = alphabet[i / n / n % n];
		b[1] = alphabet[i / n / n / n];
		if (straddles()) {
			straddling++;
			assert_true(flagged());
		}
	}
	assert_true(straddling > 0);
}

/* Ordinary edges: code running over the end, fences, a page of NOPs. */
static void test_ordinary_edges(void **state)
{
	(void)state;
	nops();
	assert_int_equal(pkscan_edges(a), PKSCAN_EDGE_NONE);
	a[PAGE - 1] = PKSCAN_ESCAPE;	/* a two-byte opcode split after 0F */
	assert_int_equal(pkscan_edges(a), PKSCAN_EDGE_NONE);
	b[0] = 0x1f;			/* ... nopl */
	b[1] = 0x44;
	assert_int_equal(pkscan_edges(b), PKSCAN_EDGE_NONE);
	b[0] = PKSCAN_OP_GRP15;		/* AE E8 completes LFENCE: no memory operand */
	b[1] = 0xe8;
	assert_int_equal(pkscan_edges(b), PKSCAN_EDGE_NONE);
	b[1] = 0x28;			/* AE /5 (%rax): XRSTOR's tail */
	assert_int_equal(pkscan_edges(b), PKSCAN_EDGE_HEAD);
	b[0] = PKSCAN_OP_GRP7;
	b[1] = PKSCAN_MODRM_WRPKRU;
	assert_int_equal(pkscan_edges(b), PKSCAN_EDGE_HEAD);
	a[PAGE - 2] = PKSCAN_ESCAPE;
	a[PAGE - 1] = PKSCAN_OP_GRP7;
	assert_int_equal(pkscan_edges(a), PKSCAN_EDGE_TAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split_flagged),
		cmocka_unit_test(test_edges_cover_the_scanner),
		cmocka_unit_test(test_ordinary_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
