/*
 * pkscan_page(): scan, classify every match, and either rewrite them all
 * or refuse the page untouched. The rewrite is one byte per site, the
 * opcode byte after the 0F becoming UD1's B9 (asm/pkscan.h has the trap
 * and its emulation contract).
 */
#include <umbra/errno.h>
#include <umbra/string.h>
#include "pkscan_internal.h"

static const uint8_t original_opcode[] = {
	[PKSCAN_WRPKRU] = PKSCAN_OP_GRP7,
	[PKSCAN_XRSTOR] = PKSCAN_OP_GRP15,
	[PKSCAN_XRSTORS] = PKSCAN_OP_GRP9,
};

static bool args_ok(const uint8_t *page, const uint16_t *entries, unsigned int nr_entries,
		    int mode, const struct pkscan_result *res)
{
	unsigned int i;

	if (!page || !res || (nr_entries && !entries))
		return false;
	if (mode != 64 && mode != 32 && mode != 16)
		return false;
	for (i = 0; i < nr_entries; i++) {
		if (entries[i] >= PKSCAN_PAGE)
			return false;
	}
	return true;
}

static int refuse(struct pkscan_result *res, const struct pkscan_match *why)
{
	res->refused = *why;
	res->nr_sites = 0;
	return -EACCES;
}

/* Rewrite every site; undo all and refuse if any sequence is left. */
static int rewrite(uint8_t *page, const struct pkscan_bytes *b, struct pkscan_result *res)
{
	struct pkscan_match left;
	unsigned int i;

	for (i = 0; i < res->nr_sites; i++)
		page[res->site[i].offset + 1] = PKSCAN_OP_UD1;
	if (pkscan_find_bytes(b, &left, 1) == 0)
		return 0;
	/* Cannot happen (B9 neither begins nor completes a sequence), but the
	 * promise is "none left", so keep it even then. */
	for (i = 0; i < res->nr_sites; i++)
		page[res->site[i].offset + 1] = original_opcode[res->site[i].kind];
	left.class = PKSCAN_HIDDEN;
	return refuse(res, &left);
}

int pkscan_page(uint8_t *page, const uint8_t *next, const uint16_t *entries,
		unsigned int nr_entries, int mode, struct pkscan_result *res)
{
	static const uint16_t page_start = 0;
	const struct pkscan_bytes b = { .page = page, .next = next };
	struct pkscan_map map;
	unsigned int i, nr;

	if (!args_ok(page, entries, nr_entries, mode, res))
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->next_entry = PKSCAN_NO_NEXT_ENTRY;
	if (!nr_entries) {
		entries = &page_start;
		nr_entries = 1;
	}
	nr = pkscan_find_bytes(&b, res->site, PKSCAN_MAX_SITES);
	/* Nothing to classify: the decoder sweep (most of the cost) is not
	 * needed. */
	if (nr == 0)
		return 0;
	if (nr > PKSCAN_MAX_SITES) {
		res->site[0].class = PKSCAN_TOO_MANY;
		return refuse(res, &res->site[0]);
	}
	res->next_entry = pkscan_sweep(&map, &b, entries, nr_entries, mode);
	res->nr_sites = nr;
	for (i = 0; i < nr; i++) {
		pkscan_classify(&map, &b, mode, &res->site[i]);
		if (res->site[i].class != PKSCAN_REAL)
			return refuse(res, &res->site[i]);
	}
	return rewrite(page, &b, res);
}
