/* What the scanner's files share: the page with its neighbour's first
 * bytes, and the instruction-boundary map of the linear sweeps. */
#ifndef UMBRA_PKSCAN_INTERNAL_H
#define UMBRA_PKSCAN_INTERNAL_H

#include <asm/pkscan.h>

#define PKSCAN_PAGE	((unsigned int)PAGE_SIZE)
#define PKSCAN_SPAN	(PKSCAN_PAGE + PKSCAN_NEXT_BYTES)

/* A page and, if executable, the first bytes of the next one. */
struct pkscan_bytes {
	const uint8_t *page;
	const uint8_t *next;	/* NULL, or PKSCAN_NEXT_BYTES */
};

/* The byte at `off` of page+next; false past what is known. */
static inline bool pkscan_byte(const struct pkscan_bytes *b, unsigned int off,
			       uint8_t *val)
{
	if (off < PKSCAN_PAGE) {
		*val = b->page[off];
		return true;
	}
	if (!b->next || off >= PKSCAN_SPAN)
		return false;
	*val = b->next[off - PKSCAN_PAGE];
	return true;
}

/* Decode the instruction at `off` (it may run into the next page). */
int pkscan_decode_at(const struct pkscan_bytes *b, unsigned int off, int mode,
		     struct insn *insn);

/* Instruction starts found by the sweeps, one bit per byte of the page. */
struct pkscan_map {
	uint64_t start[PKSCAN_PAGE / 64];
};

static inline bool pkscan_is_start(const struct pkscan_map *m, unsigned int off)
{
	return off < PKSCAN_PAGE && (m->start[off / 64] >> (off % 64)) & 1;
}

static inline void pkscan_set_start(struct pkscan_map *m, unsigned int off)
{
	m->start[off / 64] |= 1ULL << (off % 64);
}

/*
 * Linear sweeps from each entry until the page ends, an instruction fails
 * to decode, or the sweep meets a start an earlier sweep found. Returns
 * where the first entry's sweep ended in the next page, or
 * PKSCAN_NO_NEXT_ENTRY.
 */
int pkscan_sweep(struct pkscan_map *m, const struct pkscan_bytes *b,
		 const uint16_t *entries, unsigned int nr_entries, int mode);

/* Classify one match against the map; fills class, insn_start, insn_len. */
void pkscan_classify(const struct pkscan_map *m, const struct pkscan_bytes *b,
		     int mode, struct pkscan_match *match);

/* pkscan_find() over page+next. */
unsigned int pkscan_find_bytes(const struct pkscan_bytes *b, struct pkscan_match *out,
			       unsigned int max);

#endif
