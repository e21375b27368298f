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
/* A CPU that came up after pv_view_init: its part into guests' tables. */
void pv_view_cpu(unsigned int cpu);
/* Count, by region, the pages of Umbra mapped in the hypervisor slots of
 * the tables at root (machine address) and print them for domain domid;
 * frame: an address that must not be mapped (its vCPU structure).
 * pv_view_audit.c; with xpti only. */
void pv_view_audit(unsigned int domid, uint64_t root, const void *frame);

#endif
