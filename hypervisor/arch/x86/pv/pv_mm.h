/* PV memory management inside arch/x86/pv/: the machine's shared-pt
 * state and the calls that need it. Every shared-pt call is made between
 * pv_mm_lock(d) and pv_mm_unlock(): the library keeps no locks of its own,
 * and pages it allocates come from domain d's pool. */
#ifndef PV_MM_H
#define PV_MM_H

#include <stdint.h>
#include <umbra/domain_limits.h>
#include "shared-pt/shared-pt.h"

struct domain;
struct percpu;
struct vcpu;
struct shadow_domain;
struct shadow_vcpu;

#define PV_GRANT_WINDOWS	128	/* GRANT_MAPTRACK_MAX */

struct pv_domain {
	struct spt_domain spt;
	struct spt_vcpu spt_vcpus[MAX_VCPUS_PER_DOMAIN];
	uint64_t *p2m;			/* per extent: first machine frame */
	bool writable_pt;		/* VMASST_TYPE_writable_pagetables */
	/* paging=shadow (pv_shadow.c): mmu/'s engine, each vCPU's state and
	 * the guest L4 its current shadow root is of. */
	struct shadow_domain *shadow;
	struct shadow_vcpu *shadow_vcpu[MAX_VCPUS_PER_DOMAIN];
	uint64_t shadow_root_gpa[MAX_VCPUS_PER_DOMAIN];
	bool build_tried;		/* pv_domain_build runs once per domain */
	bool initdomain;		/* built with SIF_INITDOMAIN (XENFEAT_dom0) */
	/* paging=shadow: per maptrack slot, the granted machine frame its
	 * window frame above RAM maps (| 1: writable), 0: none
	 * (pv_grant_shadow.c); read by the p2m without a lock. */
	uint64_t grant_window[PV_GRANT_WINDOWS];
	/* VCPUOP_register_vcpu_info on shared page tables: per vCPU, the
	 * machine frame the hypervisor holds for it (pv_vcpu_info.c); 0:
	 * none. */
	uint64_t vcpu_info_mfn[MAX_VCPUS_PER_DOMAIN];
};

/* TLB flushes across pCPUs (pv_flush.c). Around each entry into the
 * guest (interrupts off): enter may move the CPU off the guest's tables
 * so that pv_enter loads them afresh. pv_flush_all: every PV vCPU on the
 * machine (shared-pt's flush_tlbs); pv_flush_domain: d's vCPUs. Both
 * return once every other pCPU has left the guest or entered it again
 * with a flushed TLB; this CPU is flushed too. */
void pv_flush_enter(struct vcpu *v, struct percpu *p);
void pv_flush_leave(struct percpu *p);
void pv_flush_all(void);
void pv_flush_domain(struct domain *d);
/* The same for d's vCPUs in mask (bit i: vCPU i) on other pCPUs, without
 * flushing this one: each has left the guest, or entered it again past
 * pv_vcpu_run's checks, when this returns (pv_desc.c: a descriptor
 * change reaches them at once). */
void pv_kick_vcpus(struct domain *d, uint64_t mask);

/* VCPUOP_initialise's page tables validated a part at a time
 * (pv_vcpu_pre.c): pv_pre_validate walks the subtree of the kernel L4
 * (machine frame l4) of caller's context at arg for v, 0 once done (or
 * nothing to do: translated, no memory for the walk), HYPERCALL_CONTINUE
 * while not; pv_pre_finish lets go of what the walk held (after the L4
 * was taken, saying in how many steps, or refused, and at teardown). */
long pv_pre_validate(struct vcpu *caller, struct vcpu *v, uint64_t arg, uint64_t l4);
void pv_pre_finish(struct vcpu *v, bool taken);

/* The machine's frame table and hypervisor slots, once. 0 or -ENOMEM. */
int pv_mm_init(void);
void pv_mm_lock(struct domain *d);
void pv_mm_unlock(void);
struct spt_machine *pv_mm_machine(void);
/* The machine address of the L1 entry that maps va in v's (kernel)
 * guest tables, or in those at root (an L4's machine address), or 0
 * (pv_mmu.c). Under pv_mm_lock. */
uint64_t pv_l1_entry_of(struct vcpu *v, uint64_t va);
uint64_t pv_l1_entry_at(struct domain *d, uint64_t root, uint64_t va);
/* shared-pt's `granted` hook (pv_grant.c). */
bool pv_grant_allowed(void *ctx, uint16_t owner, uint16_t grantee, uint64_t mfn, bool writable);
/* shared-pt's `gone` hook (pv_reservation.c): a frame given back lost
 * its last reference. */
void pv_frame_gone(void *ctx, uint16_t owner, uint64_t mfn);
/* The guest-physical address of machine address maddr if d owns it. */
int pv_maddr_to_gpa(const struct domain *d, uint64_t maddr, uint64_t *gpa);

/* paging=shadow (pv_shadow.c). pv_translated: the guest's tables hold
 * pseudo-physical frames and run on mmu/'s shadows. */
bool pv_translated(const struct domain *d);
uint64_t pv_shadow_pool_pages(struct domain *d, uint64_t shadow_bytes);
int pv_shadow_init(struct domain *d);
void pv_shadow_destroy(struct domain *d);
int pv_shadow_set_base(struct vcpu *v, uint64_t gpa);
bool pv_shadow_fault(struct vcpu *v);
int pv_shadow_translate(struct vcpu *v, uint64_t root, uint64_t gva, bool write, uint64_t *gpa);
/* The guest-physical address of the L1 entry for va in v's kernel
 * tables (no large page on the way), or 0. */
uint64_t pv_shadow_l1_entry(struct vcpu *v, uint64_t va);
/* An 8-byte store at gpa in its RAM, through the engine when the frame
 * is a shadowed page table: 0, -EACCES (a writable L4 self-map) or
 * another negative errno. */
int pv_shadow_store(struct domain *d, uint64_t gpa, uint64_t val);
/* Its p2m lost a frame: every shadow entry and TLB entry goes. */
void pv_shadow_p2m_changed(struct domain *d);
/* The machine frame behind a grant window frame gfn, 0 if none
 * (pv_grant_shadow.c). */
uint64_t pv_grant_window(const struct domain *d, uint64_t gfn, bool *writable);
/* A guest table at gfn as the engine reads it (a writable frame through
 * the p2m), or NULL. */
const uint64_t *pv_shadow_table(struct domain *d, uint64_t gfn);
/* Does a leaf of the tables its vCPUs run on (kernel and user) map a
 * frame in [gfn, gfn + n), with writable: a writable leaf? True also
 * when there are too many tables to tell (pv_shadow_maps.c). */
bool pv_shadow_maps(struct domain *d, uint64_t gfn, uint64_t n, bool writable);
/* Is gfn a table of that level (1-3) in those tables? */
bool pv_shadow_has_table(struct domain *d, uint64_t gfn, int level);
/* gfn is a page table the engine shadows (tracked for its writes). */
bool pv_shadow_is_pt(struct domain *d, uint64_t gfn);
/* Before an entry: the shadow root of the tables of the mode the vCPU
 * enters (kernel or user) in v->pv.cr3 or user_cr3. False: the domain
 * was crashed (no memory for it). */
bool pv_shadow_sync_root(struct vcpu *v);
int pv_shadow_mmu_update(struct vcpu *v, const void *req, unsigned int n, unsigned int *done);
int pv_shadow_mmuext(struct vcpu *v, const void *req, unsigned int n, unsigned int *done);
long pv_shadow_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val);
void pv_shadow_print_stats(const struct domain *d);

#endif
