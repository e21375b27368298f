/* pvtraps' parts (pvtraps.c: the checks' output and the p2m list;
 * grant.c: grant tables; subops.c: memory_op and xen_version queries). */
#ifndef PVTRAPS_H
#define PVTRAPS_H

#include <stdbool.h>
#include <stdint.h>

/* One line: "pvtraps: ok: WHAT" or "pvtraps: FAIL: WHAT". */
/* The machine frame behind one of its virtual addresses (VIRT_BASE 0). */
uint64_t mfn_of(uint64_t va);
struct start_info;
/* memory_op's map and reservation queries, xen_version's capabilities
 * and features (subops.c). */
void check_memory_op(const struct start_info *si);
void check_xen_version(bool translated);
/* Grant tables in either paging mode (translated: paging=shadow). */
void check_grant_table(const struct start_info *si, bool translated);
/* Bad pointers and lengths in every hypercall (badptr.c). */
void check_bad_pointers(void);
/* The L1 entry that maps va (bootstrap tables), or NULL; the vector a
 * one-byte read or write at p raised (~0: none). */
volatile uint64_t *pvtraps_l1_entry(uint64_t va);
uint64_t pvtraps_read_vector(const volatile uint8_t *p);
uint64_t pvtraps_write_vector(volatile uint8_t *p);
/* The vector a jump to p raised (~0: none; RAX holds the way back). */
uint64_t pvtraps_exec_vector(const volatile uint8_t *p);

#endif
