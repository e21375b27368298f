/*
 * libFuzzer target: pkscan_page() on a page the fuzzer writes (its input
 * repeated to fill the page and the next page's first bytes), with up to
 * three entry points and a mode from the input's first bytes. Accepted:
 * no sequence left at any offset and only site opcode bytes changed, to
 * UD1's, each decoding back to its kind. Refused: the page unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/pkscan.h>
#include <umbra/errno.h>

#define PAGE	4096u

static void check_accepted(const uint8_t *page, const uint8_t *orig, const uint8_t *next,
			   const struct pkscan_result *res, int mode)
{
	unsigned int i, s = 0;
	struct insn insn;

	if (pkscan_find(page, next, NULL, 0) != 0)
		abort();
	for (i = 0; i < PAGE; i++) {
		if (s < res->nr_sites && i == res->site[s].offset + 1u) {
			if (page[i] != PKSCAN_OP_UD1)
				abort();
			s++;
		} else if (page[i] != orig[i]) {
			abort();
		}
	}
	for (s = 0; s < res->nr_sites; s++) {
		const struct pkscan_match *m = &res->site[s];

		if (m->insn_start + m->insn_len > PAGE)
			continue;	/* runs into the next page */
		if (pkscan_trap_decode(page + m->insn_start, PAGE - m->insn_start, mode,
				       &insn) != m->kind || insn.len != m->insn_len)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[] = { 64, 32, 16, 64 };
	static uint8_t page[PAGE], orig[PAGE], next[PKSCAN_NEXT_BYTES];
	static struct pkscan_result res;
	uint16_t entries[3];
	unsigned int i, nr;
	int mode, rc;

	if (size < 8)
		return 0;
	mode = modes[data[0] & 3];
	nr = (data[0] >> 2) % 4;
	for (i = 0; i < 3; i++)
		entries[i] = (uint16_t)((data[1 + 2 * i] | data[2 + 2 * i] << 8) % PAGE);
	data += 7;
	size -= 7;
	for (i = 0; i < PAGE; i++)
		page[i] = data[i % size];
	for (i = 0; i < sizeof(next); i++)
		next[i] = data[(PAGE + i) % size];
	memcpy(orig, page, PAGE);
	rc = pkscan_page(page, (data[0] & 1) ? next : NULL, entries, nr, mode, &res);
	if (rc == 0)
		check_accepted(page, orig, (data[0] & 1) ? next : NULL, &res, mode);
	else if (rc != -EACCES || memcmp(page, orig, PAGE) != 0)
		abort();
	return 0;
}
