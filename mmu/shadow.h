/* Classic shadow paging (DESIGN.md §3 "Shadow scheme"; the lecture's
 * option 2; seed 000's φ and ω). Freestanding, host-testable.
 *
 * The guest keeps ordinary 4-level tables holding guest-physical frames
 * (or, outside long mode, 2-level or PAE tables: those run on PAE
 * shadows, see shadow_form.c); the processor runs on shadow tables that
 * map guest-virtual straight to machine frames. Shadows are filled on demand from hidden page faults,
 * and every guest page-table page that has a shadow is write-protected in
 * the shadow, so each guest write to a page table traps and is applied
 * with shadow_pt_write(): shadows never go stale.
 *
 *   φ  a bounded cache (guest CR3 root frame, PCID) → shadow root; a
 *      switch back to a cached address space rebuilds nothing;
 *   ω  for each shadow table, back-pointers to the shadow entries that
 *      reference it, so a guest write, an unshadow or an eviction touches
 *      exactly the affected entries.
 *
 * Shadow tables are shared by everything that maps the same guest table
 * (keyed by guest frame and level), so address spaces that share kernel
 * tables share their shadows. Accessed/dirty bits reach the guest's
 * entries: a shadow entry exists only while the guest entry has A set,
 * and a leaf is writable in the shadow only once the guest's D is set.
 * Guest 2 MiB pages become 2 MiB shadow pages when the p2m backs them
 * with an aligned machine extent (and no page table lives inside), else
 * they are split into 4 KiB entries; guest 1 GiB pages are always split.
 *
 * Usage (the hypervisor, or a host program with its own struct mmu_ops):
 *
 *	struct shadow_config cfg = { .roots = 16 };
 *	int err;
 *	struct shadow_domain *d = shadow_domain_create(&ops, &cfg, &err);
 *	struct shadow_vcpu *v = shadow_vcpu_create(d);
 *
 *	shadow_set_mode(v, &mode);		// guest CR0/CR4/EFER/PKRU
 *	shadow_write_cr3(v, guest_cr3, &hw_cr3);	// put hw_cr3 in the real CR3
 *	// on a #PF while the guest runs (hardware error code ec, guest
 *	// RFLAGS.AC in ac):
 *	shadow_page_fault(v, cr2, shadow_access_from_pf(ec, ac), &f);
 *	//   SHADOW_FIXED            resume the guest
 *	//   SHADOW_INJECT           inject #PF(f.error_code), CR2 = cr2
 *	//   SHADOW_EMULATE_PT_WRITE emulate the instruction; its store goes
 *	//                           through shadow_pt_write(d, f.gpa, val, len)
 *	//   SHADOW_EMULATE          emulate the access against f.maddr
 *	//   SHADOW_P2M_FAULT        f.gpa is not (writable) RAM: MMIO or kill
 *	shadow_invlpg(v, va);			// guest INVLPG
 *	shadow_pt_write(d, gpa, val, len);	// any write to a guest page table
 *	shadow_get_counters(d, &c);		// fills, faults, pages held, ...
 *	shadow_vcpu_destroy(v);
 *	shadow_domain_destroy(d);
 *
 * Rules for the caller:
 *  - calls for one domain are serialised (one lock per domain);
 *  - every write to guest memory that the guest did not make through the
 *    shadow (the hypervisor's own copies, DMA, emulation) must go through
 *    shadow_pt_write() if shadow_gfn_is_tracked() says the frame is a page
 *    table, or the shadow goes stale;
 *  - accessed/dirty updates that other walkers (mmu_walk with
 *    MMU_WALK_SET_AD on the guest's tables) make need no notification:
 *    they only ever make a shadow entry stricter than necessary;
 *  - after changing the p2m, call shadow_flush_all(); a machine frame must
 *    not back two guest frames while it is a guest page table;
 *  - after any call that can remove or restrict shadow entries, ops.flush_tlb
 *    is invoked (if set) before the call returns. */
#ifndef MMU_SHADOW_H
#define MMU_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mode.h"
#include "mmu/ops.h"
#include "mmu/walk.h"

#define SHADOW_MAX_ROOTS	64

struct shadow_config {
	unsigned int roots;		/* φ capacity: cached guest roots, 1..64 (0: 16) */
	uint64_t max_pages;		/* cap on shadow table pages held (0: none) */
	uint64_t pool_pages;		/* cap on every page held, tables and bookkeeping
					 * alike (0: none); see shadow_pool_min_pages() */
	unsigned int hash_pages;	/* pages of hash buckets per index, 1..64 (0: 8) */
	int hv_slot;			/* L4 slot reserved for the hypervisor, -1: none */
	uint64_t hv_entry;		/* the entry installed there in every shadow root */
	/* More reserved L4 slots (a PV guest's address space holds the
	 * hypervisor in several): bit n of hv_mask reserves slot n, whose
	 * entry in every shadow root is hv_table[n]. hv_table must stay
	 * valid while the domain exists; NULL: no such slots. */
	uint64_t hv_mask[8];
	const uint64_t *hv_table;
	/* 64-bit PV guests, whose kernel runs in ring 3 (Xen's
	 * adjust_guest_l*e): every present guest entry counts as user. The
	 * guest walk ignores U/S (MMU_WALK_FORCE_USER) and every shadow
	 * entry carries U; kernel and user are kept apart by their separate
	 * tables, not by the user bit. */
	bool force_user;
	/* PV guests' linear self-map (Xen allows a read-only one): an L4
	 * entry naming the L4 it sits in counts as read-only whatever its
	 * R/W (MMU_WALK_LINEAR_RO; its shadow entry has no W), and
	 * shadow_pt_write() refuses to make one writable in a table shadowed
	 * as an L4 (-EACCES). Long-mode guests only. */
	bool linear_l4;
	/* W^X with a gate on execution (PV guests' WRPKRU/XRSTOR scan,
	 * docs/pv.md; shared-pt's ops.may_exec): a guest frame is executable
	 * in a shadow leaf only after may_exec(ctx, mfn) approved it, and
	 * while it stays approved no shadow leaf maps it writable. A fetch
	 * from a frame not approved revokes its writable leaves, then asks;
	 * refused, the fetch is the guest's #PF (P, ID, U as accessed). A
	 * write to an approved frame (through the shadow or
	 * shadow_pt_write()) withdraws the approval and every executable
	 * leaf (a shadow_flush_all()), so it is asked again before it runs.
	 * With may_exec, guest memory is shadowed in 4 KiB leaves only, and
	 * the processor must run the shadows with EFER.NXE. NULL: off. */
	bool (*may_exec)(void *ctx, uint64_t mfn);
	/* One page of the caller's a guest may run but neither read nor
	 * write (PV guests' execute-only hypercall page, docs/pv.md): guest
	 * frame xonly_gfn is machine frame xonly_mfn. A shadow leaf mapping
	 * it is made on an instruction fetch only, user, never writable,
	 * under protection key xonly_key whatever the guest entry says (the
	 * guest's NX, caching and global bits still count); a read or write
	 * the guest's tables allow there is the guest's #PF with P, PK (U,
	 * W as accessed), which is what the processor reports once the
	 * caller keeps that key's access-disable set in the guest's PKRU.
	 * Nothing else reaches the frame: ops.p2m is not asked for
	 * xonly_gfn, which is no table (a walk through it is
	 * SHADOW_P2M_FAULT) and takes no shadow_pt_write (-ENOENT);
	 * may_exec is not asked either. ops.p2m must not name xonly_mfn.
	 * xonly_key 1..15; 0: none. */
	uint64_t xonly_gfn;
	uint64_t xonly_mfn;
	unsigned int xonly_key;
};

struct shadow_counters {
	uint64_t hidden_faults;		/* shadow_page_fault() calls */
	uint64_t fills;			/* faults resolved by filling the shadow */
	uint64_t entries_filled;	/* shadow entries written by fills */
	uint64_t injected;		/* faults that were the guest's own #PF */
	uint64_t pt_write_traps;	/* faults that were writes to guest page tables */
	uint64_t pt_writes;		/* guest page-table writes applied */
	uint64_t emulations;		/* SHADOW_EMULATE results */
	uint64_t p2m_faults;		/* SHADOW_P2M_FAULT results */
	uint64_t cr3_writes;
	uint64_t cache_hits;		/* φ: CR3 write found its shadow root */
	uint64_t cache_misses;		/* φ: a new shadow root was started */
	uint64_t root_evictions;	/* φ entries dropped to make room */
	uint64_t invlpgs;
	uint64_t write_protects;	/* writable mappings revoked: frame became a page table */
	uint64_t unshadows;		/* shadow pages removed through ω */
	uint64_t flushes;		/* shadow_flush_all() */
	uint64_t tlb_flushes;		/* ops.flush_tlb calls */
	uint64_t shadow_pages;		/* shadow table pages held now */
	uint64_t shadow_pages_peak;
	uint64_t meta_pages;		/* bookkeeping pages held now (descriptors, ω, hashes) */
	uint64_t pages_peak;		/* most pages held at once, tables and bookkeeping */
	uint64_t recycles;		/* shadow pages freed to make room (pool, cap, -ENOMEM) */
};

enum shadow_action {
	SHADOW_FIXED,		/* the shadow now maps the address: resume */
	SHADOW_INJECT,		/* the guest's own page fault: inject #PF(error_code) */
	SHADOW_EMULATE_PT_WRITE,/* a write to a guest page table at gpa: emulate it */
	SHADOW_EMULATE,		/* allowed by the guest (CR0.WP=0 supervisor write to a
				 * read-only page) but not expressible in the shadow */
	SHADOW_P2M_FAULT,	/* gpa is not backed by RAM, or not writable for a write */
};

struct shadow_fault {
	enum shadow_action action;
	uint32_t error_code;	/* INJECT */
	uint64_t gpa;		/* EMULATE*, P2M_FAULT: guest-physical address accessed */
	uint64_t maddr;		/* EMULATE*: machine address of the access */
	bool table;		/* P2M_FAULT: gpa is a guest page table's frame */
};

struct shadow_domain;
struct shadow_vcpu;

/* A domain's shadow state. cfg may be NULL (defaults). Returns NULL and
 * sets *err (-EINVAL for a bad config, -ENOMEM) on failure.
 *
 * With cfg.pool_pages the engine never holds more pages than that, its
 * bookkeeping included: before an operation that may allocate, it
 * recycles the domain's own shadows (idle roots first, then single
 * pages) until the operation's worst case fits, so with a pool of at
 * least shadow_pool_min_pages() no call fails for want of memory while
 * ops.alloc_page can still deliver the pool's pages. */
struct shadow_domain *shadow_domain_create(const struct mmu_ops *ops,
					   const struct shadow_config *cfg, int *err);
/* The smallest pool_pages cfg accepts: the fixed bookkeeping, every φ
 * root in use with what cannot be recycled, and one operation's worst
 * case. cfg may be NULL (defaults); 0 for a bad config. */
uint64_t shadow_pool_min_pages(const struct shadow_config *cfg);

/* Frees every shadow and bookkeeping page. vCPUs must be destroyed first
 * (-EBUSY otherwise, nothing freed). */
int shadow_domain_destroy(struct shadow_domain *d);

/* NULL on -ENOMEM or when the domain has as many vCPUs as φ slots. */
struct shadow_vcpu *shadow_vcpu_create(struct shadow_domain *d);
void shadow_vcpu_destroy(struct shadow_vcpu *v);

/* The vCPU's paging registers (CR0, CR4, EFER, PKRU, MAXPHYADDR). The
 * shadows are shared by the domain's vCPUs; a change of EFER.NXE flushes
 * them. -EINVAL if m is NULL. */
int shadow_set_mode(struct shadow_vcpu *v, const struct mmu_mode *m);

/* Guest MOV to CR3. Bits 11:0 are the PCID with CR4.PCIDE (bit 63, the
 * no-flush hint, is ignored: shadows are always in sync); outside long
 * mode only bits 31:0 count. On success *hw_cr3 is the machine address of
 * the shadow root to load (a PAE PDPT for a guest outside long mode). -EINVAL for
 * reserved bits, -ENOMEM, -EBUSY if every φ slot is in use by a vCPU. */
int shadow_write_cr3(struct shadow_vcpu *v, uint64_t cr3, uint64_t *hw_cr3);
/* The shadow root the vCPU runs on now (0 before the first CR3 write). */
uint64_t shadow_hw_cr3(const struct shadow_vcpu *v);

/* A page fault taken while the guest ran on the shadow: resolve it or
 * classify it. access is MMU_ACC_* as the faulting access was made.
 * Returns 0 with *f filled, or -EINVAL (non-canonical va, bad access,
 * no CR3 yet), -EPERM (va is in the hypervisor's slot), -ENOMEM. */
int shadow_page_fault(struct shadow_vcpu *v, uint64_t va, unsigned int access,
		      struct shadow_fault *f);

/* MMU_ACC_* of a hardware #PF error code, given the guest's RFLAGS.AC. */
static inline unsigned int shadow_access_from_pf(uint32_t error_code, bool ac)
{
	return (error_code & (MMU_PF_W | MMU_PF_U | MMU_PF_ID)) | (ac ? MMU_ACC_AC : 0);
}

/* Write len (1, 2, 4 or 8) bytes of value (little-endian) to guest memory
 * at gpa and bring every shadow of that page-table entry up to date.
 * The write must not cross an 8-byte boundary. -EINVAL, -ENOENT (gpa not
 * backed), -EACCES (cfg.linear_l4: a writable self-map in an L4); nothing
 * is written on error. */
int shadow_pt_write(struct shadow_domain *d, uint64_t gpa, uint64_t value,
		    unsigned int len);
/* The same for a store computed from what the entry held (an emulated
 * LOCK CMPXCHG, a read-modify-write, the other half of a 4-byte store):
 * the 8 bytes at gpa (8-byte aligned) become value only if they are
 * still expect, by one atomic compare-and-exchange, so an A/D update or
 * another store made since is not lost. *found gets what they held (the
 * store happened iff it equals expect; a mismatch is no error and
 * changes nothing). Errors as shadow_pt_write's, -EINVAL if unaligned. */
int shadow_pt_cmpxchg(struct shadow_domain *d, uint64_t gpa, uint64_t expect, uint64_t value,
		      uint64_t *found);

/* Guest INVLPG: drop the shadow leaf for va in the current root. */
int shadow_invlpg(struct shadow_vcpu *v, uint64_t va);

/* cfg.may_exec: is machine frame mfn approved for execution now? */
bool shadow_mfn_exec_ok(struct shadow_domain *d, uint64_t mfn);
/* cfg.may_exec: withdraw mfn's approval (the caller is about to write
 * it other than through the shadow); no-op when not approved. */
void shadow_exec_revoke(struct shadow_domain *d, uint64_t mfn);

/* Is guest frame gfn a shadowed page table (so guest writes to it trap)? */
bool shadow_gfn_is_tracked(struct shadow_domain *d, uint64_t gfn);

/* Remove every shadow of guest frame gfn through ω (the guest stopped
 * using it as a page table). Roots (φ) are not removed. Returns the
 * number of shadow pages removed. */
int shadow_unshadow_gfn(struct shadow_domain *d, uint64_t gfn);

/* Drop every shadow entry (roots stay, empty); needed after a p2m change. */
void shadow_flush_all(struct shadow_domain *d);

void shadow_get_counters(const struct shadow_domain *d, struct shadow_counters *c);

/* What the processor would do with the current shadow for this access,
 * without side effects: MMU_WALK_OK with *maddr, or MMU_WALK_PF (a hidden
 * or real fault: call shadow_page_fault). For host simulations and tests. */
int shadow_translate(const struct shadow_vcpu *v, uint64_t va, unsigned int access,
		     uint64_t *maddr);

/* Check the engine's internal invariants (ω, φ, write protection,
 * counters). 0, or -EFAULT with *why naming the first broken rule. */
int shadow_audit(struct shadow_domain *d, const char **why);

#endif
