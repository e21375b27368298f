/* pvtraps' parts (pvtraps.c: the checks' output and the p2m list;
 * grant.c: grant tables on shared page tables). */
#ifndef PVTRAPS_H
#define PVTRAPS_H

#include <stdint.h>

/* One line: "pvtraps: ok: WHAT" or "pvtraps: FAIL: WHAT". */
/* The machine frame behind one of its virtual addresses (VIRT_BASE 0). */
uint64_t mfn_of(uint64_t va);
struct start_info;
void check_grant_table(const struct start_info *si);

#endif
