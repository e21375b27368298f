/* PV memory management inside arch/x86/pv/: the machine's shared-pt
 * state and the calls that need it. Every shared-pt call is made between
 * pv_mm_lock(d) and pv_mm_unlock(): the library keeps no locks of its own,
 * and pages it allocates come from domain d's pool. */
#ifndef PV_MM_H
#define PV_MM_H

#include <stdint.h>
#include "shared-pt/shared-pt.h"

struct domain;

struct pv_domain {
	struct spt_domain spt;
	struct spt_vcpu spt_vcpus[8];
	uint64_t *p2m;			/* per extent: first machine frame */
	bool writable_pt;		/* VMASST_TYPE_writable_pagetables */
};

/* The machine's frame table and hypervisor slots, once. 0 or -ENOMEM. */
int pv_mm_init(void);
void pv_mm_lock(struct domain *d);
void pv_mm_unlock(void);
struct spt_machine *pv_mm_machine(void);
/* The guest-physical address of machine address maddr if d owns it. */
int pv_maddr_to_gpa(const struct domain *d, uint64_t maddr, uint64_t *gpa);

#endif
