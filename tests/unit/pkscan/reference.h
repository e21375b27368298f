/* A deliberately naive scanner for the tests and the benchmark: at each
 * offset, memcmp against WRPKRU and the XRSTOR/XRSTORS opcode pairs, then
 * the ModRM rule, on a copy of the page with its neighbour's bytes. */
#ifndef PKSCAN_TEST_REFERENCE_H
#define PKSCAN_TEST_REFERENCE_H

#include <asm/pkscan.h>

unsigned int reference_find(const uint8_t *page, const uint8_t *next,
			    struct pkscan_match *out, unsigned int max);

#endif
