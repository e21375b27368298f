/* Internals of the shadow engine, shared by mmu/shadow_*.c only.
 *
 * Objects:
 *  sh_page   one shadow table page. Normal pages shadow a guest table
 *            (gfn, level, attrs = SH_KEY(format, part)); split pages hold
 *            a guest large page broken into smaller entries (gfn = first
 *            frame, attrs = the guest leaf's caching/global/key bits).
 *            Levels ≥ 2 keep child[], the shadow page each entry points
 *            to. Every shadow is in the 64-bit entry format; for a guest
 *            outside long mode the processor runs them as PAE tables
 *            (shadow_form.c).
 *  ω         each page's parents list: (parent page, index) of every
 *            shadow entry that points to it.
 *  sh_frame  per machine frame that holds a shadowed guest table (how
 *            many shadow pages track it), and per 2 MiB machine region
 *            that holds such frames or is mapped writable by shadow leaves.
 *  sh_wmap   "shadow page P has N writable leaves into region R", listed
 *            on R's record: when a frame of R becomes a page table, only
 *            those pages are searched for leaves that must lose W. One
 *            node per (page, region) pair rather than one per mapping
 *            keeps this bookkeeping far smaller than the shadows.
 *  φ         roots[]: (guest root gfn, PCID) → pinned level-4 page.
 *
 * A page lives while some entry points to it (nparents) or φ pins it;
 * the last reference dropped frees it and, recursively, its children. */
#ifndef MMU_SHADOW_PRIV_H
#define MMU_SHADOW_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/shadow.h"

#define SH_HASH_MAX_PAGES	256
#define SH_BUCKETS_PER_PAGE	512
#define SH_UNSHADOW_WRITES	512	/* non-present writes with no fill through the page */
/* Pages one operation may allocate at most: a fault makes 3 tables and
 * 2 child arrays and may start a slab page of 4 kinds; a new root needs
 * fewer. Rounded up. */
#define SH_OP_PAGES		16
/* Per φ root in use, what recycling cannot free: its table, its child
 * array, and slab pages that a live descriptor, its frame records or a
 * vCPU may each keep from being given back. */
#define SH_ROOT_PAGES		6

/* Guest table formats a normal shadow page can shadow (SH_KEY). PAE
 * guests' directories and tables are in the long-mode format and share
 * SH_FMT_LONG shadows with it; only their 4-entry PDPT differs. */
enum sh_fmt {
	SH_FMT_LONG,		/* 64-bit entries, 512 per page */
	SH_FMT_PAE_ROOT,	/* a PAE PDPT: part = its 32-byte slot in the page (0..127) */
	SH_FMT_2LEVEL,		/* 32-bit entries: level 1 part = which 512 of the
				 * 1024 PTEs (0..1); level 2 part = which 256 PDEs
				 * (0..3), each shadow PDE is half a guest PDE; level 3
				 * = the PDPT made for the directory (part 0) */
	SH_FMT_2LEVEL_PSE,	/* the same directory with CR4.PSE: PS makes 4 MiB pages */
};

#define SH_KEY(fmt, part)	((uint64_t)(fmt) << 8 | (uint64_t)(part))
#define SH_KEY_FMT(key)		((unsigned int)((key) >> 8))
#define SH_KEY_PART(key)	((unsigned int)((key) & 0xff))

struct sh_backptr {
	struct sh_backptr *next;
	struct sh_page *parent;
	uint32_t index;
};

struct sh_page {
	struct sh_page *hnext;		/* chain in d->pages */
	struct sh_page **child;		/* level >= 2: child of each entry */
	struct sh_backptr *parents;	/* ω */
	uint64_t *table;
	uint64_t maddr;
	uint64_t child_maddr;		/* the page holding child[] */
	uint64_t gfn;
	uint64_t attrs;			/* split pages: leaf attributes (4 KiB layout);
					 * others: SH_KEY(format, part) */
	uint64_t mfn;			/* tracked pages: machine frame of the guest table */
	uint32_t nparents;
	uint16_t pins;			/* φ slots naming this page */
	uint16_t writes;		/* see SH_UNSHADOW_WRITES */
	uint8_t level;
	bool split;
	bool tracked;			/* counted in the frame record of mfn */
	bool busy;			/* on the path being filled: not evictable */
};

struct sh_wmap {
	struct sh_wmap *hnext;		/* chain in d->wmaps */
	struct sh_wmap *next;		/* in the region record's list */
	struct sh_wmap **pprev;
	struct sh_page *sp;
	uint64_t region;		/* machine frame >> 9 */
	uint32_t count;			/* writable leaves of sp into region */
};

/* Frame keys: mfn << 1 for a 4 KiB frame, (mfn >> 9) << 1 | 1 for the
 * 2 MiB machine region that holds it. */
struct sh_frame {
	struct sh_frame *hnext;
	uint64_t key;
	uint32_t pt_pages;		/* tracked shadow pages in this frame/region */
	struct sh_wmap *wmaps;		/* regions: pages with writable leaves into it */
	bool exec;			/* frames: cfg.may_exec approved it */
};

struct sh_hash {
	void ***bucket_page;		/* directory: bucket pages, then their maddrs */
	uint64_t dir_maddr;
	uint32_t mask;
	uint32_t npages;
};

enum sh_slab_kind { SH_SLAB_PAGE, SH_SLAB_BACKPTR, SH_SLAB_WMAP, SH_SLAB_FRAME,
		    SH_SLAB_VCPU, SH_SLABS };

struct sh_slab_page;

struct sh_slab {
	struct sh_slab_page *partial;	/* pages with free objects */
	uint32_t size;
	uint32_t empty;			/* pages with no object in use (kept: at most 1) */
};

struct sh_root {
	struct sh_page *sp;		/* NULL: free slot */
	uint64_t gfn;
	uint64_t table;			/* guest-physical address of the guest's root table */
	uint64_t last_used;
	uint16_t pcid;
	uint16_t users;			/* vCPUs running on it */
};

struct shadow_domain {
	struct mmu_ops ops;
	struct shadow_config cfg;
	struct shadow_counters stats;
	struct mmu_mode cmode;		/* what shadow contents depend on: NXE, width */
	struct sh_slab slab[SH_SLABS];
	struct sh_slab_page *slab_pages;	/* every slab page */
	uint64_t held;			/* pages from ops now: tables and bookkeeping */
	struct sh_hash pages;		/* (gfn, level, split, attrs) → sh_page */
	struct sh_hash frames;		/* frame key → sh_frame */
	struct sh_hash wmaps;		/* (region, page) → sh_wmap */
	struct sh_wmap *wmap_last;	/* fills come in runs: skip the hash */
	struct sh_root roots[SHADOW_MAX_ROOTS];
	uint64_t clock;
	uint64_t self_maddr;
	uint64_t legacy_pages;		/* pages of SH_FMT_PAE_ROOT and SH_FMT_2LEVEL */
	uint32_t nvcpus;
	uint32_t reclaim_cursor;
	bool tlb_dirty;
};

/* Is L4 slot idx the hypervisor's (cfg.hv_slot or cfg.hv_mask)? */
static inline bool sh_hv_slot(const struct shadow_domain *d, uint32_t idx)
{
	return (int)idx == d->cfg.hv_slot ||
	       (d->cfg.hv_table && idx < 512 && ((d->cfg.hv_mask[idx / 64] >> (idx % 64)) & 1));
}

static inline uint64_t sh_hv_entry(const struct shadow_domain *d, uint32_t idx)
{
	return (int)idx == d->cfg.hv_slot ? d->cfg.hv_entry : d->cfg.hv_table[idx];
}

/* mmu_walk flags of the guest walk (cfg.force_user, cfg.linear_l4). */
static inline unsigned int sh_walk_flags(const struct shadow_domain *d)
{
	return (d->cfg.force_user ? MMU_WALK_FORCE_USER : 0) |
	       (d->cfg.linear_l4 ? MMU_WALK_LINEAR_RO : 0);
}

/* cfg.linear_l4: is entry (sp, -> child) an L4 naming its own table? */
static inline bool sh_linear_self(const struct shadow_domain *d, const struct sh_page *sp,
				  const struct sh_page *child)
{
	return d->cfg.linear_l4 && sp->level == 4 && !child->split && child->gfn == sp->gfn &&
	       SH_KEY_FMT(sp->attrs) == SH_FMT_LONG;
}

struct shadow_vcpu {
	struct shadow_domain *d;
	struct mmu_mode mode;
	int root;			/* φ slot, -1 before the first CR3 write */
};

/* shadow_meta.c: bookkeeping memory */
int sh_meta_init(struct shadow_domain *d);
void sh_meta_fini(struct shadow_domain *d);
int sh_page_take(struct shadow_domain *d, uint64_t *maddr);
void sh_page_give(struct shadow_domain *d, uint64_t maddr);
bool sh_pool_full(const struct shadow_domain *d);
uint64_t sh_meta_fixed_pages(const struct shadow_config *cfg);
void *sh_meta_page_alloc(struct shadow_domain *d, uint64_t *maddr);
void sh_meta_page_free(struct shadow_domain *d, uint64_t maddr);
void *sh_obj_alloc(struct shadow_domain *d, enum sh_slab_kind kind);
void sh_obj_free(struct shadow_domain *d, enum sh_slab_kind kind, void *obj);
void **sh_bucket(struct sh_hash *h, uint64_t hash);
uint64_t sh_mix(uint64_t x);

/* shadow_track.c: page-table frames, writable mappings */
struct sh_frame *sh_frame_find(struct shadow_domain *d, uint64_t key);
int sh_track(struct shadow_domain *d, uint64_t mfn);
void sh_untrack(struct shadow_domain *d, uint64_t mfn);
bool sh_mfn_is_pt(struct shadow_domain *d, uint64_t mfn);
/* cfg.may_exec (shadow_exec.c, shadow_track.c). */
int sh_exec_allow(struct shadow_domain *d, uint64_t mfn);
int sh_exec_fault(struct shadow_domain *d, unsigned int access, const struct mmu_p2m *p,
		  struct shadow_fault *out);
uint64_t sh_exec_leaf(struct shadow_domain *d, uint64_t e, uint64_t mfn);
bool sh_region_has_pt(struct shadow_domain *d, uint64_t mfn);

/* cfg.xonly_*: the execute-only frame, by guest or machine frame. */
static inline bool sh_xonly_gfn(const struct shadow_domain *d, uint64_t gfn)
{
	return d->cfg.xonly_key && gfn == d->cfg.xonly_gfn;
}

static inline bool sh_xonly_mfn(const struct shadow_domain *d, uint64_t mfn)
{
	return d->cfg.xonly_key && mfn == d->cfg.xonly_mfn;
}
struct sh_wmap *sh_wmap_find(struct shadow_domain *d, uint64_t region, const struct sh_page *sp);
int sh_wmap_add(struct shadow_domain *d, struct sh_page *sp, uint64_t mfn);
void sh_wmap_del(struct shadow_domain *d, struct sh_page *sp, uint64_t mfn);

static inline uint64_t sh_frame_key(uint64_t mfn)
{
	return mfn << 1;
}

static inline uint64_t sh_region_key(uint64_t mfn)
{
	return (mfn >> 9) << 1 | 1;
}

/* Machine frame a leaf entry e of a page at `level` maps (first frame of a large leaf). */
static inline uint64_t sh_leaf_mfn(uint64_t e, int level)
{
	return pte_leaf_addr(e, level) >> PAGE_SHIFT;
}

/* shadow_page.c: pages, ω, entries */
struct sh_page *sh_page_find(struct shadow_domain *d, uint64_t gfn, int level,
			     bool split, uint64_t attrs);
int sh_page_get(struct shadow_domain *d, uint64_t gfn, int level, bool split,
		uint64_t attrs, struct sh_page **out);
void sh_put(struct shadow_domain *d, struct sh_page *sp);
int sh_link(struct shadow_domain *d, struct sh_page *sp, uint32_t idx,
	    struct sh_page *child, uint64_t e);
int sh_set_leaf(struct shadow_domain *d, struct sh_page *sp, uint32_t idx, uint64_t e);
void sh_clear_entry(struct shadow_domain *d, struct sh_page *sp, uint32_t idx);
void sh_unshadow_page(struct shadow_domain *d, struct sh_page *sp);
void sh_clear_all_entries(struct shadow_domain *d, struct sh_page *sp);

/* shadow_form.c: paging forms (4-level, PAE, 2-level guests) */
struct sh_root_id {
	uint64_t gfn;			/* the shadow root's key */
	uint64_t key;
	uint64_t table;			/* the guest root table's address */
	int level;
};

void sh_root_id(const struct mmu_mode *m, uint64_t cr3, struct sh_root_id *id);
bool sh_is_root(const struct sh_page *sp);
int sh_guest_walk(struct shadow_domain *d, const struct mmu_mode *m, uint64_t table,
		  uint64_t va, unsigned int access, struct mmu_walk *w);
void sh_child_key(const struct sh_page *sp, uint64_t va, uint64_t g, uint64_t *gfn,
		  uint64_t *key);
uint64_t sh_link_entry(const struct shadow_domain *d, const struct sh_page *sp, uint64_t g,
		       const struct sh_page *child);
void sh_pt_write_legacy(struct shadow_domain *d, uint64_t gfn, const uint8_t *page,
			unsigned int off, unsigned int len);
/* Bring entry idx of sp in step with guest entry g; true if sp was
 * unshadowed instead (it is gone). */
bool sh_resync(struct shadow_domain *d, struct sh_page *sp, uint32_t idx, uint64_t g);

/* What the guest has where shadow entry idx of a normal page sp points
 * (for the audit): its entry g, and with ok false when it cannot be read. */
struct sh_guest_view {
	uint64_t g;
	uint64_t table_gfn;		/* a table entry: the guest table it names */
	uint64_t table_key;		/* ... and the key its shadow must have */
	uint64_t leaf_gfn;		/* a large leaf: first frame of this entry's area */
	bool large;			/* g is a large leaf */
	bool ok;
};

void sh_guest_view(struct shadow_domain *d, const struct sh_page *sp, uint32_t idx,
		   struct sh_guest_view *gv);

/* shadow_root.c: φ and reclaim */
int sh_reclaim(struct shadow_domain *d);
int sh_make_room(struct shadow_domain *d, unsigned int pages);
void sh_flush_tlb(struct shadow_domain *d);

/* shadow_entry.c: shadow entries from guest entries */
uint64_t sh_table_entry(const struct shadow_domain *d, uint64_t g, const struct sh_page *child);
uint64_t sh_split_parent_entry(const struct shadow_domain *d, uint64_t g,
			       const struct sh_page *child);
uint64_t sh_split_table_entry(const struct sh_page *child);
uint64_t sh_leaf_attrs(uint64_t g, int level);
uint64_t sh_guest_leaf(struct shadow_domain *d, uint64_t g, int level,
		       uint64_t mfn, bool writable);
uint64_t sh_split_leaf(struct shadow_domain *d, const struct sh_page *sp, int level,
		       uint64_t mfn, bool writable);
int sh_p2m(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p);
int sh_p2m_leaf(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p);
bool sh_large_ok(struct shadow_domain *d, uint64_t gfn, struct mmu_p2m *p);

#endif
