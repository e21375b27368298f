/* The naive scanner of reference.h, written from the SDM's encodings
 * without the library's helpers. */
#include <string.h>

#include "reference.h"

#define PAGE		4096
#define NEXT		14

static const uint8_t wrpkru[3] = { 0x0f, 0x01, 0xef };
static const uint8_t xrstor[2] = { 0x0f, 0xae };
static const uint8_t xrstors[2] = { 0x0f, 0xc7 };

static int kind_at(const uint8_t *p)
{
	unsigned int mod = p[2] >> 6, reg = (p[2] >> 3) & 7;

	if (memcmp(p, wrpkru, sizeof(wrpkru)) == 0)
		return PKSCAN_WRPKRU;
	if (memcmp(p, xrstor, sizeof(xrstor)) == 0 && mod != 3 && reg == 5)
		return PKSCAN_XRSTOR;
	if (memcmp(p, xrstors, sizeof(xrstors)) == 0 && mod != 3 && reg == 3)
		return PKSCAN_XRSTORS;
	return PKSCAN_NONE;
}

unsigned int reference_find(const uint8_t *page, const uint8_t *next,
			    struct pkscan_match *out, unsigned int max)
{
	uint8_t buf[PAGE + NEXT];
	unsigned int off, nr = 0, end = next ? PAGE : PAGE - 2;
	int kind;

	memcpy(buf, page, PAGE);
	if (next)
		memcpy(buf + PAGE, next, NEXT);
	for (off = 0; off < end; off++) {
		kind = kind_at(buf + off);
		if (kind == PKSCAN_NONE)
			continue;
		if (nr < max)
			out[nr] = (struct pkscan_match){ .offset = (uint16_t)off,
							 .kind = (uint8_t)kind };
		nr++;
	}
	return nr;
}
