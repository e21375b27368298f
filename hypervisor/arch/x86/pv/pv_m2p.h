/* Xen's read-only machine-to-phys table for PV guests (pv_m2p.c). */
#ifndef PV_M2P_H
#define PV_M2P_H

#include <stdbool.h>
#include <stdint.h>
#include "mmu/pte.h"

#define PV_M2P_SLOT	256	/* RO_MPT_VIRT_START's L4 slot */

/* Once: the table for nr_frames machine frames, all invalid, and its L4
 * entry (slot 256) in hv_slots, the entries every shadow L4 carries in
 * the hypervisor's slots. 0 or -ENOMEM. */
int pv_m2p_init(uint64_t nr_frames, pte_t *hv_slots);
/* Machine frames mfn.. are pseudo-physical pfn.. (n of them). */
void pv_m2p_set(uint64_t mfn, uint64_t pfn, uint64_t n);
void pv_m2p_clear(uint64_t mfn, uint64_t n);
/* The identity M2P of translated guests, covering at least nr_frames;
 * *l4e := its slot-256 entry. 0 or -ENOMEM. */
int pv_m2p_identity(uint64_t nr_frames, uint64_t *l4e);
struct domain;
/* A PV domain's extents entered (on) or taken out of the table. */
void pv_m2p_domain(const struct domain *d, bool on);

#endif
