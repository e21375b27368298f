/*
 * Linear-sweep decoding from known instruction boundaries: which offsets
 * of the page start an instruction of the code the guest says it runs.
 * A sweep stops at the page end, at bytes that do not decode (executing
 * them would raise #UD, so nothing after them is reached that way), or
 * where an earlier sweep already went (decoding is deterministic: the
 * rest would be the same).
 */
#include <umbra/string.h>
#include "pkscan_internal.h"

int pkscan_decode_at(const struct pkscan_bytes *b, unsigned int off, int mode,
		     struct insn *insn)
{
	uint8_t window[INSN_MAX_LEN];
	unsigned int n;

	if (off + INSN_MAX_LEN <= PKSCAN_PAGE)
		return insn_decode(b->page + off, INSN_MAX_LEN, mode, insn);
	/* Near the end: the instruction may continue into the next page. */
	for (n = 0; n < INSN_MAX_LEN && pkscan_byte(b, off + n, &window[n]); n++)
		;
	return insn_decode(window, n, mode, insn);
}

/* One sweep; returns where it ended (an offset, maybe past the page). */
static unsigned int sweep_one(struct pkscan_map *m, const struct pkscan_bytes *b,
			      unsigned int off, int mode)
{
	struct insn insn;
	int len;

	while (off < PKSCAN_PAGE && !pkscan_is_start(m, off)) {
		len = pkscan_decode_at(b, off, mode, &insn);
		if (len <= 0)
			return off;
		pkscan_set_start(m, off);
		off += (unsigned int)len;
	}
	return off;
}

int pkscan_sweep(struct pkscan_map *m, const struct pkscan_bytes *b,
		 const uint16_t *entries, unsigned int nr_entries, int mode)
{
	unsigned int i, end;
	int next_entry = PKSCAN_NO_NEXT_ENTRY;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < nr_entries; i++) {
		end = sweep_one(m, b, entries[i], mode);
		if (i == 0 && end >= PKSCAN_PAGE)
			next_entry = (int)(end - PKSCAN_PAGE);
	}
	return next_entry;
}
