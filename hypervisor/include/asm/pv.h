/* PV domains: what common code asks of arch/x86/pv/ (docs/pv.md). The
 * same jobs as asm/hvm.h, for guests that run in ring 3 on shared page
 * tables instead of inside the hardware's guest mode. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct domain_config;
struct vcpu;

/* Pool pages a PV domain needs (vCPU state, shadow L4s); 0 and *why if
 * cfg asks for what PV cannot do. */
uint64_t pv_domain_pool_pages(struct domain *d, const struct domain_config *cfg,
			      const char **why);
int pv_domain_init(struct domain *d, const char **why);
/* Drop the references its page tables and descriptor pages hold, before
 * its memory is scrubbed: shared-pt finds them by reading those tables. */
void pv_domain_relinquish(struct domain *d);
void pv_domain_destroy(struct domain *d);
int pv_vcpu_init(struct vcpu *v, struct domain *d, unsigned int id);
void pv_vcpu_destroy(struct vcpu *v);
/* VCPUOP_initialise of v (down, never initialised, else -EEXIST) from
 * Xen's struct vcpu_guest_context at the caller's arg
 * (public/arch-x86/vcpu-context.h): 0, -EFAULT, -EINVAL (a bad context),
 * -EOPNOTSUPP (an LDT), -ENOMEM; v unchanged on error. */
long pv_vcpu_initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg);

/* Build the domain from a kernel with Xen's PV ELF notes, as Xen's
 * domain builder does (start_info, p2m list, page tables, stack), and set
 * vCPU 0 up to enter it. 0, or a negative errno with *why saying what
 * was refused. */
struct pv_build_params {
	const void *image;
	size_t size;
	const char *cmdline;		/* NULL: none */
	uint32_t si_flags;		/* SIF_* */
};
int pv_domain_build(struct domain *d, const struct pv_build_params *p, const char **why);

/* Grant mappings of a PV mapper (arch/x86/pv/pv_grant.c): the L1 entry
 * for va in the calling vCPU v's tables (with pte: the entry at machine
 * address va, in a live L1 table of its domain's own,
 * GNTMAP_contains_pte) := the granted frame maddr of domain owner, or
 * taken down again (it must still be what the map made; with no caller,
 * a teardown, in whichever of ld's vCPUs' tables hold it); 0 or a
 * negative errno. */
int pv_grant_map(struct vcpu *v, uint16_t owner, uint64_t va, uint64_t maddr, bool writable,
		 bool pte);
int pv_grant_unmap(struct domain *ld, struct vcpu *v, uint64_t va, uint64_t maddr, bool writable,
		   bool pte);
/* GNTTABOP_unmap_and_replace: the grant's entry at va in v's tables
 * (which must still be what pv_grant_map made) := the entry that maps
 * new_va there, which is cleared. 0 or a negative errno. */
int pv_grant_replace(struct vcpu *v, uint64_t va, uint64_t maddr, bool writable,
		     uint64_t new_va);
/* A device mapping (GNTMAP_device_map): the frame held for ld outside
 * its page tables, writable or not, until released. */
int pv_grant_hold(struct domain *ld, uint16_t owner, uint64_t maddr, bool writable);
void pv_grant_release(struct domain *ld, uint64_t maddr, bool writable);
/* A PV domain on shared page tables: its grant frames are pages of its
 * pool that it maps by machine frame (Xen's PV ABI), shared with it by
 * pv_grant_share and taken back by pv_grant_unshare (-EBUSY while it
 * still maps the page). */
bool pv_grant_machine(const struct domain *d);
int pv_grant_share(struct domain *d, uint64_t maddr);
int pv_grant_unshare(struct domain *d, uint64_t maddr);

/* A translated PV mapper (paging=shadow, arch/x86/pv/pv_grant_shadow.c):
 * the granted frame appears at a guest frame of its own above its RAM,
 * one per maptrack slot, which the L1 entry for va in the calling vCPU
 * v's tables (with pte: the entry at guest-physical address va, in an L1
 * table of its own) is made to name (read-only for !writable). Unmap
 * (with new_va: unmap_and_replace) checks the
 * entry is still the grant's, as Xen does; every call that ends a
 * mapping takes the frame out of the p2m and flushes. 0 or a negative
 * errno. revoke: teardown, whatever the entry holds now. */
bool pv_grant_translated(const struct domain *d);
int pv_grant_map_slot(struct vcpu *v, unsigned int slot, uint64_t va, uint64_t maddr,
		      bool writable, bool pte);
int pv_grant_unmap_slot(struct vcpu *v, unsigned int slot, uint64_t va, bool writable,
			bool pte, uint64_t new_va);
void pv_grant_revoke_slot(struct domain *ld, unsigned int slot);
/* Such a domain's grant frames above its RAM: does its own page tables
 * map one of [gfn, gfn + n) (XSA-255's check)? And: frames left its p2m
 * (every shadow and TLB entry of them goes). */
bool pv_grant_frames_mapped(struct domain *d, uint64_t gfn, uint64_t n);
void pv_grant_frames_gone(struct domain *d);
/* Is d's frame gfn one of its page tables, so that Xen's type conflict
 * refuses a writable grant mapping of it? Only a translated domain's
 * are asked here (on shared page tables shared-pt's types refuse). */
bool pv_grant_frame_is_table(struct domain *d, uint64_t gfn);

/* One entry into the guest and the trap or SYSCALL that ends it; true
 * when that was a host interrupt (the caller looks at the time). */
bool pv_vcpu_run(struct vcpu *v);
/* End of the vCPU's slice on this pCPU: its FPU back to memory, the
 * CPU off its page tables. */
void pv_vcpu_put(struct vcpu *v);
void pv_vcpu_upcall_raise(struct vcpu *v);

/* Guest-virtual to guest-physical through the vCPU's page tables (which
 * hold machine frames), for asm/guest_access.h. */
int pv_translate(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa);
/* A guest-virtual address the guest may use for code, stacks and
 * hypercall buffers: the lower half, or the upper half outside the
 * hypervisor's L4 slots (256-271 and 511, shared-pt/layout.h). */
bool pv_guest_va_ok(uint64_t va);

/* The guest frame of the frame a PV guest names (a machine frame of its
 * own; a translated domain's own guest frame), or -EINVAL. */
int pv_frame_gfn(const struct domain *d, uint64_t frame, uint64_t *gfn);

/* Memory reservations (arch/x86/pv/pv_reservation.c, for
 * common/memory_reservation.c, which keeps the unbacked map). A domain on
 * shared page tables names machine frames (pv_gfn_mfn: the one behind
 * its guest frame; translated: the guest frame itself). Under the
 * domain's p2m_lock: remove gives [gfn, gfn + n) back in the frame
 * table (each leaves the domain's memory and the M2P once nothing
 * references it: domain_frame_gone; 0 or a negative errno, nothing
 * changed);
 * frames_ready says whether nothing references them any more (and
 * flushes every TLB that might still map one); restore gives them back
 * to the guest (after frames_ready). flush_tlbs, without the lock,
 * returns once a translated domain has no shadow or TLB entry of what
 * was removed (on shared page tables frames_ready flushes instead). */
bool pv_names_machine_frames(const struct domain *d);
uint64_t pv_gfn_mfn(const struct domain *d, uint64_t gfn);
int pv_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n);
bool pv_p2m_frames_ready(struct domain *d, uint64_t gfn, uint64_t n);
int pv_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n);
void pv_p2m_flush_tlbs(struct domain *d);

/* The frame of a registered vcpu_info (guest frame gfn), held by the
 * hypervisor as Xen holds it (pv_vcpu_info.c): 0 or -EINVAL; released
 * by a registration that failed, and at the domain's teardown. */
int pv_vcpu_info_hold(struct vcpu *v, uint64_t gfn);
void pv_vcpu_info_release(struct vcpu *v);

/* XENVER_get_features word 0 for a PV domain. */
uint32_t pv_xen_features(const struct domain *d);

void pv_print_vcpu_stats(const struct vcpu *v, bool lifecycle);
void pv_print_paging_stats(const struct domain *d);

/* This CPU's SYSCALL entry (before any guest runs on it). */
void pv_cpu_init(void);

#endif
