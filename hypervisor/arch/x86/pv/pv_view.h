/* What of Umbra a PV guest's address space holds (pv_view.c). */
#ifndef PV_VIEW_H
#define PV_VIEW_H

#include <stdint.h>
#include "mmu/pte.h"
#include "shared-pt/layout.h"

/* Umbra's own root, for the entry code (entry.S, pv_entry.S). */
extern uint64_t pv_root_cr3;

/* Narrow the reserved slots every shadow L4 carries (before
 * spt_machine_init). 0 or -ENOMEM. */
int pv_view_init(pte_t slots[SPT_HV_NR_SLOTS]);
/* Make the page of p (a PV vCPU structure) visible in guests' slot 262. */
int pv_view_map(const void *p);

#endif
