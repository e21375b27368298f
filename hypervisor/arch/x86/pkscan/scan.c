/*
 * The byte-offset scanner: every offset of a page where WRPKRU, XRSTOR or
 * XRSTORS begins, whatever the code around it. A guest can jump to any
 * byte, so no offset is skipped. Eight bytes at a time look for the 0F
 * escape all three begin with (code has one in roughly twenty bytes);
 * only words holding one are checked byte by byte.
 */
#include "pkscan_internal.h"

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

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

/* Nonzero exactly when some byte of w is 0F (which bits are set is not exact). */
static inline uint64_t has_escape(uint64_t w)
{
	uint64_t x = w ^ (ONES * PKSCAN_ESCAPE);

	return (x - ONES) & ~x & HIGHS;
}

unsigned int pkscan_find_bytes(const struct pkscan_bytes *b, struct pkscan_match *out,
			       unsigned int max)
{
	unsigned int nr = 0, i, j;
	enum pkscan_kind kind;
	uint64_t w;

	for (i = 0; i < PKSCAN_PAGE; i += 8) {
		__builtin_memcpy(&w, b->page + i, sizeof(w));
		if (!has_escape(w))
			continue;
		for (j = i; j < i + 8; j++) {
			if (b->page[j] != PKSCAN_ESCAPE)
				continue;
			kind = kind_at(b, j);
			if (kind != PKSCAN_NONE)
				nr = note(out, max, nr, j, kind);
		}
	}
	return nr;
}

unsigned int pkscan_find(const uint8_t *page, const uint8_t *next,
			 struct pkscan_match *out, unsigned int max)
{
	const struct pkscan_bytes b = { .page = page, .next = next };

	return pkscan_find_bytes(&b, out, max);
}
