/* Sequences split between two pages whose adjacency is not known.
 *
 * pkscan_page() sees a straddling sequence only when it is given the next
 * page's first bytes. A caller validating a frame does not know which
 * page follows it (one frame may be mapped at many places, and its
 * neighbour may become executable later). Every split of WRPKRU (0F 01 EF),
 * XRSTOR (0F AE /5, memory) and XRSTORS (0F C7 /3, memory) across a page
 * end falls after its first byte or after its second (prefixes come
 * before the 0F and leave the whole sequence in the second page):
 *   after the second: the first page ends with 0F 01, 0F AE or 0F C7;
 *   after the first:  the second page begins with 01 EF, AE /5 or C7 /3.
 * So if no executable page ends like the first nor begins like the second,
 * no sequence can straddle two executable pages. Each form is rare in
 * real code; refusing it costs little. */
#include "pkscan_internal.h"

static bool modrm_mem_reg(uint8_t modrm, unsigned int reg)
{
	return (modrm >> 6) != 3 && ((modrm >> 3) & 7) == reg;
}

enum pkscan_edge pkscan_edges(const uint8_t *page)
{
	const uint8_t *t = page + PKSCAN_PAGE - 2;

	if (t[0] == PKSCAN_ESCAPE && (t[1] == PKSCAN_OP_GRP7 || t[1] == PKSCAN_OP_GRP15 ||
				      t[1] == PKSCAN_OP_GRP9))
		return PKSCAN_EDGE_TAIL;
	if ((page[0] == PKSCAN_OP_GRP7 && page[1] == PKSCAN_MODRM_WRPKRU) ||
	    (page[0] == PKSCAN_OP_GRP15 && modrm_mem_reg(page[1], PKSCAN_GRP15_XRSTOR)) ||
	    (page[0] == PKSCAN_OP_GRP9 && modrm_mem_reg(page[1], PKSCAN_GRP9_XRSTORS)))
		return PKSCAN_EDGE_HEAD;
	return PKSCAN_EDGE_NONE;
}
