/*
 * Is a match the opcode of real code, or bytes hidden inside something
 * else? The rewrite changes one byte, the match's second (the opcode after
 * the 0F), so it keeps the guest's code intact exactly when every decoded
 * instruction that covers that byte is the matched instruction itself,
 * with its opcode there. Prefixed forms count: a sweep that starts on a
 * prefix and one that starts on the 0F see the same opcode byte.
 */
#include "pkscan_internal.h"

/* Is `insn`, decoded at `start`, the matched instruction at `offset`? */
static bool is_the_match(const struct insn *insn, unsigned int start, unsigned int offset)
{
	return insn->encoding == INSN_ENC_LEGACY && insn->map == INSN_MAP_0F &&
	       start + insn->opcode_offset == offset;
}

void pkscan_classify(const struct pkscan_map *m, const struct pkscan_bytes *b,
		     int mode, struct pkscan_match *match)
{
	unsigned int opcode = match->offset + 1u, s;
	unsigned int first = opcode >= INSN_MAX_LEN ? opcode - (INSN_MAX_LEN - 1) : 0;
	bool real = false, other = false;
	struct insn insn;
	int len;

	if (opcode >= PKSCAN_PAGE) {
		match->class = PKSCAN_STRADDLE;
		return;
	}
	/* Every start within an instruction's reach before the opcode byte. */
	for (s = first; s <= opcode; s++) {
		if (!pkscan_is_start(m, s))
			continue;
		len = pkscan_decode_at(b, s, mode, &insn);
		if (len <= 0 || s + (unsigned int)len <= opcode)
			continue;
		if (!is_the_match(&insn, s, match->offset)) {
			other = true;
		} else if (!real) {
			real = true;
			match->insn_start = (uint16_t)s;
			match->insn_len = (uint8_t)len;
		}
	}
	if (real && !other)
		match->class = PKSCAN_REAL;
	else
		match->class = real || other ? PKSCAN_HIDDEN : PKSCAN_UNREACHED;
}
