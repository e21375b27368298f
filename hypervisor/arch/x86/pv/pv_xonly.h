/* The execute-only hypervisor for PV guests (DESIGN.md §4, docs/pv.md):
 * the hypercall page under a protection key the guest cannot read or
 * write through, the guest's PKRU with that key forced shut, and the
 * WRPKRU/XRSTOR scanner at the one place guest pages become executable. */
#ifndef PV_XONLY_H
#define PV_XONLY_H

#include <stdbool.h>
#include <stdint.h>
#include "mmu/pte.h"

struct vcpu;
struct domain;

/* The protection key reserved for the hypervisor's pages in PV guests. */
#define PV_PKEY_HV	15

/* Once per CPU, before any guest: CR4.PKE when the CPU has PKU. */
void pv_xonly_cpu_init(void);
/* Once, after the frame table exists: the hypervisor's hypercall page
 * (Xen's stubs), owned by the hypervisor in the frame table. 0 or -ENOMEM. */
int pv_xonly_init(void);
/* The L1 entry a PV guest maps the hypercall page with: present, user,
 * executable, read-only, under PV_PKEY_HV. 0 before pv_xonly_init(). */
pte_t pv_hypercall_page_pte(void);
/* Before every entry into the guest: its PKRU, the reserved key shut. */
void pv_xonly_load(struct vcpu *v);
/* spt_ops hooks (pv_mm.c). */
bool pv_xonly_may_exec(void *ctx, uint16_t dom, uint64_t mfn, bool writable);
bool pv_xonly_hv_leaf(void *ctx, uint16_t dom, uint64_t mfn, pte_t e);
/* After the domain is built: the hypervisor's writes into a W^X domain's
 * memory refuse its executable pages (struct domain.write_gpa). */
void pv_xonly_domain_ready(struct domain *d);
/* memory_op from a PV guest: true and *rc when refused here (placing a
 * hypervisor-written page onto code), false: the common memory_op. */
bool pv_xonly_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, long *rc);
/* The hypercall page's machine frame, 0 before pv_xonly_init(). */
uint64_t pv_hypercall_page_mfn(void);

/* paging=shadow (pv_shadow_xonly.c): the page at a guest frame of its
 * own above the domain's RAM, mapped by the shadow engine execute-only. */
struct shadow_config;
uint64_t pv_shadow_hypercall_gfn(const struct domain *d);
/* shadow_config.xonly_* for domain d (nothing before pv_xonly_init()). */
void pv_shadow_xonly_config(const struct domain *d, struct shadow_config *c);
/* The builder's L1 entry for it: pv_hypercall_page_pte() by guest frame. */
pte_t pv_shadow_hypercall_pte(const struct domain *d);
/* Is the frame at gpa approved for execution now (may run)? */
bool pv_shadow_gpa_is_code(struct domain *d, uint64_t gpa);

/* A #UD at a trap the rewriter wrote: emulated (true), or *vec changed to
 * the exception the original instruction gives (false: bounce *vec). */
bool pv_xonly_ud(struct vcpu *v, unsigned int *vec);

#endif
