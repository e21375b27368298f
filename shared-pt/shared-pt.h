/* shared-pt: PV page tables whose leaves are shared between guest and MMU.
 *
 * A domain's pseudo-physical memory is a list of 2 MiB extents, each backed
 * by a 2 MiB-aligned machine extent. The guest's leaf tables (L1) hold
 * machine frames and are walked by the MMU directly once validated. Its
 * directories come in one of two forms, chosen per domain:
 *
 *   SPT_DIRS_PSEUDO   directories (L4/L3/L2) hold pseudo-physical
 *                     addresses and are shadowed: one hypervisor page per
 *                     guest directory holds the translated, validated copy
 *                     (shared L1s referenced directly, 2 MiB superpages
 *                     rebased onto the machine extent, the hypervisor's
 *                     reserved L4 slots filled in);
 *   SPT_DIRS_MACHINE  Xen's PV ABI: directories hold machine addresses, so
 *                     a validated L3 or L2 already is what the MMU needs
 *                     and is shared like an L1; only the L4 is shadowed
 *                     (for the hypervisor's slots, which the guest never
 *                     sees).
 *
 * Every machine frame has an owner, a type (none, L1..L4, writable,
 * segment descriptor) with a type count, and a general reference count,
 * in the manner of Xen's page_info: a frame changes type only when its type
 * count is zero, so no frame is ever a page table and writably mapped.
 *
 * The library touches memory only through struct spt_ops. It keeps no
 * locks: the caller serialises all calls on one machine. Freestanding.
 */
#ifndef SHARED_PT_H
#define SHARED_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/pte.h"
#include "shared-pt/layout.h"
#include "public/xen.h"

#define SPT_INVALID_MFN		(~0ULL)
#define SPT_EXTENT_FRAMES	512ULL		/* 4 KiB frames per 2 MiB */
#define SPT_EXTENT_SHIFT	9
#define SPT_OWNER_NONE		DOMID_INVALID
#define SPT_OWNER_XEN		DOMID_XEN

enum spt_type {
	SPT_TYPE_NONE = 0,
	SPT_TYPE_L1 = 1,	/* the numbers of L1..L4 are their levels */
	SPT_TYPE_L2 = 2,
	SPT_TYPE_L3 = 3,
	SPT_TYPE_L4 = 4,
	SPT_TYPE_WRITABLE,	/* mapped writable somewhere */
	SPT_TYPE_SEG,		/* GDT/LDT page */
	SPT_TYPE_SHADOW,	/* hypervisor page holding a shadow directory */
	SPT_TYPE_EXEC,		/* mapped executable somewhere (W^X domains) */
};

/* Why the last request was refused; each maps to one errno (see
 * spt_reason_errno), the reason is for diagnostics and tests. */
enum spt_reason {
	SPT_R_NONE = 0,
	SPT_R_NO_FRAME,		/* not RAM, or pseudo-physical hole: -EINVAL */
	SPT_R_NOT_OWNER,	/* frame belongs to someone else: -EPERM */
	SPT_R_RESERVED_BITS,	/* reserved bits set: -EINVAL */
	SPT_R_PT_WRITABLE,	/* writable mapping of a page table: -EACCES */
	SPT_R_SEG_WRITABLE,	/* writable mapping of a GDT/LDT page: -EACCES */
	SPT_R_LINEAR_WRITABLE,	/* recursive mapping, writable: -EACCES */
	SPT_R_LINEAR,		/* recursive mapping, read-only: -EPERM */
	SPT_R_SUPERPAGE_PT,	/* writable 2 MiB page over a page table: -EACCES */
	SPT_R_SUPERPAGE_1G,	/* 1 GiB pages are not offered to PV: -EINVAL */
	SPT_R_HV_SLOT,		/* entry in the hypervisor's L4 slots: -EPERM */
	SPT_R_TYPE_CONFUSION,	/* table linked at the wrong level: -EBUSY */
	SPT_R_TYPE_IN_USE,	/* type change while in use: -EBUSY */
	SPT_R_NOT_PT,		/* write trapped on a non-page-table: -EFAULT */
	SPT_R_ALREADY_PINNED,	/* -EINVAL */
	SPT_R_NOT_PINNED,	/* -EINVAL */
	SPT_R_OVERFLOW,		/* reference count would overflow: -EOVERFLOW */
	SPT_R_NO_MEMORY,	/* no page for a shadow directory: -ENOMEM */
	SPT_R_BAD_REQUEST,	/* malformed argument: -EINVAL */
	SPT_R_UNSUPPORTED,	/* command not offered: -ENOSYS */
	SPT_R_P2M_FIXED,	/* m2p of an aligned extent is fixed: -EINVAL */
	SPT_R_IN_USE,		/* frames still referenced: -EBUSY */
	SPT_R_EXEC_REFUSED,	/* ops.may_exec said no: -EPERM */
	SPT_R_WX,		/* W^X: one entry writable and executable: -EINVAL */
	SPT_R_WX_TYPE,		/* W^X: executable here, writable elsewhere
				 * (or the other way round): -EPERM */
	SPT_R_GONE_LEAF,	/* leaf entry naming a frame given back: -EBUSY */
	SPT_R_GONE,		/* any other use of a frame given back: -EINVAL */
	SPT_R_COUNT
};

struct spt_refusal {
	enum spt_reason reason;
	uint64_t mfn;		/* frame the refused entry lives in or names */
	unsigned int index;	/* entry index within that frame */
};

/* What the caller must flush before the guest runs again. */
#define SPT_FLUSH_LOCAL		(1u << 0)	/* calling vCPU's whole TLB */
#define SPT_FLUSH_ALL		(1u << 1)	/* every vCPU of the domain */
#define SPT_FLUSH_GLOBAL	(1u << 2)	/* including global entries */
#define SPT_FLUSH_VA_LOCAL	(1u << 3)	/* just `va`, calling vCPU */
#define SPT_FLUSH_VA_ALL	(1u << 4)	/* just `va`, every vCPU */

struct spt_flush {
	uint32_t flags;
	uint64_t va;
};

struct spt_ops {
	/* Pointer to machine frame `mfn`, or NULL if it is not RAM. */
	void *(*map)(void *ctx, uint64_t mfn);
	void (*unmap)(void *ctx, void *p);	/* may be NULL */
	/* A page for a shadow directory; SPT_INVALID_MFN when out of memory.
	 * It must lie in the frame table and be owned by nobody. */
	uint64_t (*alloc_page)(void *ctx);
	/* Give a shadow page back. Stale TLB entries may still reference it:
	 * the allocator must flush before handing it out again. */
	void (*free_page)(void *ctx, uint64_t mfn);
	/* Flush every TLB on the machine now, synchronously. Called before a
	 * frame takes a new type while an old mapping may still be cached. */
	void (*flush_tlbs)(void *ctx);
	/* May `grantee` map `owner`'s frame `mfn` (writable)? May be NULL. */
	bool (*granted)(void *ctx, uint16_t owner, uint16_t grantee,
			uint64_t mfn, bool writable);
	/* May domain `dom` map frame `mfn` executable (a leaf entry without
	 * NX; `writable`: writable at the same time)? Every guest page that
	 * becomes executable passes here first, which is where a W^X policy
	 * and the WRPKRU/XRSTOR scanner (DESIGN.md §4) plug in. Conservative:
	 * NX in a directory above is not looked at. NULL: all allowed. */
	bool (*may_exec)(void *ctx, uint16_t dom, uint64_t mfn, bool writable);
	/* May domain `dom` have leaf entry `e` naming the hypervisor's own
	 * frame `mfn` (owner SPT_OWNER_XEN)? The execute-only hypercall page
	 * of DESIGN.md §4: the hook checks the entry's bits (no W, the
	 * reserved protection key). No references are taken on such a frame:
	 * it outlives every domain. NULL: never. */
	bool (*hv_leaf)(void *ctx, uint16_t dom, uint64_t mfn, pte_t e);
	/* Frame `mfn`, which domain `owner` gave back (spt_give_back), has
	 * no reference left: Xen would free it now. Called once, from
	 * spt_give_back or from the put of its last reference (any
	 * domain's, a grant mapper's too). May be NULL. */
	void (*gone)(void *ctx, uint16_t owner, uint64_t mfn);
};

#define SPT_FRAME_PINNED	(1u << 0)
#define SPT_FRAME_STALE		(1u << 1)	/* type count fell to zero */
#define SPT_FRAME_SHARED	(1u << 2)	/* a hypervisor page shared with
						 * its owner (spt_share_page) */
#define SPT_FRAME_GONE		(1u << 3)	/* given back by its owner
						 * (spt_give_back) */

struct spt_frame {
	uint64_t pfn;		/* owner's pseudo-physical frame (m2p); for a
				 * shadow page, the directory it shadows */
	uint64_t shadow;	/* shadow page of a live directory */
	uint32_t count;		/* general references */
	uint32_t type_count;	/* references holding `type` */
	uint32_t stale_gen;	/* flush generation when type_count hit 0 */
	uint16_t owner;		/* domain id, SPT_OWNER_NONE or _XEN */
	uint8_t type;		/* enum spt_type; meaningful while type_count */
	uint8_t flags;		/* SPT_FRAME_* */
};

struct spt_stats {
	uint64_t pages_mapped;		/* table pages the library touched */
	uint64_t shadow_pages;		/* shadow directories held now */
	uint64_t shadow_pages_peak;
	uint64_t validations;		/* tables validated */
	uint64_t devalidations;
	uint64_t entry_updates;		/* page-table entries changed */
	uint64_t pt_write_traps;	/* trapped guest writes emulated */
	uint64_t mmu_update_calls;
	uint64_t mmuext_calls;
	uint64_t baseptr_loads;
	uint64_t sync_flushes;		/* flush_tlbs calls on its behalf */
	uint64_t refusals;
};

/* What a guest directory entry holds; see the top of this file. */
enum spt_dir_mode {
	SPT_DIRS_PSEUDO = 0,
	SPT_DIRS_MACHINE = 1,
};

struct spt_machine;
struct spt_domain;

struct spt_vcpu {
	struct spt_domain *d;
	uint64_t base_mfn;		/* guest L4 (kernel), or invalid */
	uint64_t user_base_mfn;		/* guest L4 for user mode, or invalid */
};

struct spt_domain {
	struct spt_machine *m;
	struct spt_domain *next;	/* on the machine's list */
	uint16_t id;
	enum spt_dir_mode dir_mode;
	uint64_t *p2m;		/* per extent: first machine frame, or invalid */
	uint32_t max_extents;
	struct spt_vcpu *vcpus;
	unsigned int nr_vcpus;
	struct spt_stats stats;
	struct spt_refusal last_refusal;
	/* W^X, set before the domain's first table is validated and never
	 * changed: no leaf entry is both writable and executable, and an
	 * executable leaf holds the frame's SPT_TYPE_EXEC, so no frame is
	 * writable in one mapping and executable in another. ops.may_exec is
	 * then asked only when a frame becomes executable (its first EXEC
	 * type reference), with no writable mapping of it left anywhere. */
	bool wx;
	/* Xen's 64-bit PV ABI: the guest kernel runs in ring 3, so every
	 * present entry it gives (when a table is validated, and every entry
	 * update) is stored with the user bit set, as Xen's adjust_guest_lNe
	 * do; kernel and user are kept apart by their own base pointers. */
	bool force_user;
	/* Xen's linear page tables, as far as is safe here: an L4 entry
	 * naming its own L4, read-only, in SPT_DIRS_MACHINE mode. The MMU
	 * then walks the guest's own L4 (never the shadow, so none of the
	 * hypervisor's slots) as the L3 and so on down: the domain's tables
	 * appear read-only. No references are held for it (as in Xen: a
	 * table cannot keep itself alive). Any other linear entry, and any
	 * writable one, stays refused. */
	bool linear_l4;
};

struct spt_machine {
	const struct spt_ops *ops;
	void *ctx;
	struct spt_frame *frames;	/* indexed by machine frame number */
	uint64_t nr_frames;
	unsigned int phys_bits;		/* MAXPHYADDR */
	uint32_t flush_gen;		/* bumped by every full TLB flush */
	pte_t hv_slots[SPT_HV_NR_SLOTS];	/* spt_hv_slot_entry() */
	struct spt_domain *domains;
};

/* machine.c */
int spt_machine_init(struct spt_machine *m, const struct spt_ops *ops,
		     void *ctx, struct spt_frame *frames, uint64_t nr_frames,
		     unsigned int phys_bits,
		     const pte_t hv_slots[SPT_HV_NR_SLOTS]);
void spt_tlbs_flushed(struct spt_machine *m);
const char *spt_reason_name(enum spt_reason r);
int spt_reason_errno(enum spt_reason r);

/* p2m.c: domains and their aligned extents */
int spt_domain_init(struct spt_machine *m, struct spt_domain *d, uint16_t id,
		    enum spt_dir_mode dir_mode, uint64_t *p2m,
		    uint32_t max_extents, struct spt_vcpu *vcpus,
		    unsigned int nr_vcpus);
int spt_domain_add_extent(struct spt_domain *d, uint64_t pfn, uint64_t mfn);
int spt_domain_remove_extent(struct spt_domain *d, uint64_t pfn);
uint64_t spt_p2m(const struct spt_domain *d, uint64_t pfn);
int spt_m2p(const struct spt_machine *m, uint64_t mfn, uint16_t *owner,
	    uint64_t *pfn);
int spt_machphys_update(struct spt_domain *d, uint64_t mfn, uint64_t pfn);

/* pin.c: pins, base pointers, segment pages, teardown */
int spt_pin(struct spt_domain *d, uint64_t mfn, int level);
int spt_unpin(struct spt_domain *d, uint64_t mfn);
int spt_new_baseptr(struct spt_vcpu *v, uint64_t mfn, bool user);
uint64_t spt_vcpu_root(const struct spt_vcpu *v, bool user);
int spt_get_seg_page(struct spt_domain *d, uint64_t mfn);
void spt_put_seg_page(struct spt_domain *d, uint64_t mfn);
/* A table of the domain's held as level 1-4 (validated, as a pin holds
 * it, without the pin's flag) and let go again: a validation done a part
 * at a time keeps what it validated until a root takes it over. A
 * release must match a hold that succeeded. */
int spt_hold_table(struct spt_domain *d, uint64_t mfn, int level);
void spt_release_table(struct spt_domain *d, uint64_t mfn, int level);
int spt_domain_relinquish(struct spt_domain *d);
int spt_domain_destroy(struct spt_domain *d);

/* share.c: hypervisor pages a domain may map as its own (Xen's
 * share_xen_page_with_guest, read-write: grant table and status frames).
 * The page must be owned by nobody and unreferenced; it becomes d's, with
 * no pseudo-physical frame (m2p SPT_INVALID_MFN), and holds one general
 * and one writable type reference of its own, so it can never become a
 * page table, descriptor page or (W^X) executable page. Only d may map
 * it. spt_unshare_page gives it back to nobody: -EBUSY (nothing changes)
 * while any mapping or hold still references it; on success every TLB is
 * flushed, so the page may be reused at once. */
int spt_share_page(struct spt_domain *d, uint64_t mfn);
int spt_unshare_page(struct spt_domain *d, uint64_t mfn);
/* A reference held outside any page table (a grant's device mapping): a
 * general one and, if writable, the writable type, on a frame d could
 * map in an L1 entry (its own, or one ops.granted allows). The checker
 * does not see holds: a caller that holds frames must not run it. */
int spt_hold_frame(struct spt_domain *d, uint64_t mfn, bool writable);
void spt_release_frame(struct spt_domain *d, uint64_t mfn, bool writable);

/* giveback.c: a frame the domain gives back (XENMEM_decrease_reservation)
 * and takes back (populate_physmap, increase_reservation). Xen frees such
 * a page once its last reference goes; here it stays d's (owner and
 * pseudo-physical frame kept) but, once nothing references it, nothing
 * may reference it again: a leaf entry naming it is -EBUSY, a table
 * entry, pin, base pointer or descriptor page -EINVAL (Xen's answers for
 * a freed page). While references remain (a mapping, a table's use) it
 * stays usable through them and may gain more, as Xen's page does until
 * freed. spt_give_back: a frame of d's own RAM (another's -EPERM; a
 * shared page or one given back already -EINVAL) is unpinned if pinned, as Xen's
 * guest_remove_page does, and marked. spt_take_back: 0 once it is
 * unreferenced (-EBUSY before, -EINVAL for a frame not given back);
 * spt_frame_given_back: is it marked (referenced or not)? spt_frame_free:
 * given back and unreferenced? spt_frame_ready: the same, and no TLB
 * can still hold a mapping of it (every TLB flushed first if none was
 * since it lost its last reference): call it before reusing the page. */
int spt_give_back(struct spt_domain *d, uint64_t mfn);
int spt_take_back(struct spt_domain *d, uint64_t mfn);
bool spt_frame_given_back(const struct spt_machine *m, uint64_t mfn);
bool spt_frame_free(const struct spt_machine *m, uint64_t mfn);
bool spt_frame_ready(struct spt_domain *d, uint64_t mfn);

/* update.c: single entries, written by the guest through a trap or asked
 * for by hypercall. `maddr` is the machine address of the entry. */
int spt_pt_write(struct spt_domain *d, uint64_t maddr, uint64_t val,
		 unsigned int bytes, struct spt_flush *flush);
int spt_pt_cmpxchg(struct spt_domain *d, uint64_t maddr, uint64_t expect,
		   uint64_t val, uint64_t *seen, struct spt_flush *flush);
int spt_pt_update(struct spt_domain *d, uint64_t maddr, uint64_t val,
		  bool preserve_ad, struct spt_flush *flush);

/* hypercall.c: Xen's batches. Entries are applied in order until one
 * fails; results[i] gets 0, the error, or SPT_NOT_DONE for entries after
 * a failure; *done counts the applied ones. Returns 0 or that error. */
#define SPT_NOT_DONE 1
int spt_mmu_update(struct spt_domain *d, const struct mmu_update *req,
		   unsigned int count, int *results, unsigned int *done,
		   struct spt_flush *flush);
int spt_mmuext_op(struct spt_vcpu *v, const struct mmuext_op *op,
		  unsigned int count, int *results, unsigned int *done,
		  struct spt_flush *flush);

void spt_flush_add(struct spt_flush *f, uint32_t flags, uint64_t va);

#endif
