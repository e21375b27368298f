/* ptwork's CPU operations for a PV kernel (tests/guests/ptwork uses the
 * names of tests/guests/lib/cpu.h): CR3 is the root this guest asked for
 * with MMUEXT_NEW_BASEPTR, INVLPG is MMUEXT_INVLPG_LOCAL; each queued
 * while updates are batched (pt.h). */
#ifndef PVPTWORK_CPU_H
#define PVPTWORK_CPU_H

#include <stdint.h>
#include "pagetable.h"
#include "pt.h"

/* The running root's address (its VA: minios maps itself 1:1). */
uint64_t read_cr3(void);
/* Another root: NEW_BASEPTR; the same one: a local TLB flush. */
void write_cr3(uint64_t root);

static inline void invlpg(uint64_t va)
{
	if (!pt_queue_tlb(MMUEXT_INVLPG_LOCAL, va))
		pt_invlpg(va);
}

#endif
