/*
 * The byte-offset scanner: every offset of a page where WRPKRU, XRSTOR or
 * XRSTORS begins, whatever the code around it. A guest can jump to any
 * byte, so no offset is skipped. Eight offsets at a time look for the 0F
 * escape all three begin with followed by one of their second bytes; only
 * those few offsets are checked in full.
 */
#include "pkscan_internal.h"

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
#define LOWS	0x7f7f7f7f7f7f7f7fULL

enum pkscan_kind pkscan_kind_of(uint8_t b0, uint8_t b1, uint8_t b2)
{
	unsigned int mod = b2 >> 6, reg = (b2 >> 3) & 7;

	if (b0 != PKSCAN_ESCAPE)
		return PKSCAN_NONE;
	if (b1 == PKSCAN_OP_GRP7 && b2 == PKSCAN_MODRM_WRPKRU)
		return PKSCAN_WRPKRU;
	if (mod == 3)	/* register forms: LFENCE, RDRAND, ... */
		return PKSCAN_NONE;
	if (b1 == PKSCAN_OP_GRP15 && reg == PKSCAN_GRP15_XRSTOR)
		return PKSCAN_XRSTOR;
	if (b1 == PKSCAN_OP_GRP9 && reg == PKSCAN_GRP9_XRSTORS)
		return PKSCAN_XRSTORS;
	return PKSCAN_NONE;
}

/* The sequence starting at `off`; none if it would run past what is known. */
static enum pkscan_kind kind_at(const struct pkscan_bytes *b, unsigned int off)
{
	uint8_t b1, b2;

	if (off + 2 < PKSCAN_PAGE)
		return pkscan_kind_of(b->page[off], b->page[off + 1], b->page[off + 2]);
	if (!pkscan_byte(b, off + 1, &b1) || !pkscan_byte(b, off + 2, &b2))
		return PKSCAN_NONE;
	return pkscan_kind_of(b->page[off], b1, b2);
}

static unsigned int note(struct pkscan_match *out, unsigned int max, unsigned int nr,
			 unsigned int off, enum pkscan_kind kind)
{
	if (nr < max) {
		out[nr] = (struct pkscan_match){
			.offset = (uint16_t)off,
			.kind = (uint8_t)kind,
		};
	}
	return nr + 1;
}

/* 0x80 in each byte of w that equals b, 0 in the others (exact: no
 * carry crosses a byte). */
static inline uint64_t bytes_equal(uint64_t w, uint8_t b)
{
	uint64_t x = w ^ (ONES * b);

	return ~(((x & LOWS) + LOWS) | x) & HIGHS;
}

/* Offsets i..i+7 whose byte is 0F and whose next byte is 01, AE or C7: a
 * superset of the matches there (code has a 0F in about every twenty
 * bytes, but these pairs are rare). Reads page[i..i+8]. */
static inline uint64_t candidates(const uint8_t *at)
{
	uint64_t w, w1;

	__builtin_memcpy(&w, at, sizeof(w));
	__builtin_memcpy(&w1, at + 1, sizeof(w1));
	return bytes_equal(w, PKSCAN_ESCAPE) &
	       (bytes_equal(w1, PKSCAN_OP_GRP7) | bytes_equal(w1, PKSCAN_OP_GRP15) |
		bytes_equal(w1, PKSCAN_OP_GRP9));
}

static unsigned int check(const struct pkscan_bytes *b, unsigned int off,
			  struct pkscan_match *out, unsigned int max, unsigned int nr)
{
	enum pkscan_kind kind = kind_at(b, off);

	return kind == PKSCAN_NONE ? nr : note(out, max, nr, off, kind);
}

unsigned int pkscan_find_bytes(const struct pkscan_bytes *b, struct pkscan_match *out,
			       unsigned int max)
{
	unsigned int nr = 0, i;
	uint64_t c;

	/* Little-endian: byte k of a word is bits 8k..8k+7. */
	for (i = 0; i + 8 < PKSCAN_PAGE; i += 8) {
		for (c = candidates(b->page + i); c; c &= c - 1)
			nr = check(b, i + (unsigned int)__builtin_ctzll(c) / 8, out, max, nr);
	}
	/* The last word, whose successor bytes are the next page's. */
	for (; i < PKSCAN_PAGE; i++) {
		if (b->page[i] == PKSCAN_ESCAPE)
			nr = check(b, i, out, max, nr);
	}
	return nr;
}

unsigned int pkscan_find(const uint8_t *page, const uint8_t *next,
			 struct pkscan_match *out, unsigned int max)
{
	const struct pkscan_bytes b = { .page = page, .next = next };

	return pkscan_find_bytes(&b, out, max);
}
