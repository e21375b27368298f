/* What the grant-table files share (common/grant_*.c): a domain's grant
 * state, the one lock over all of it, and pinning a granted reference. */
#ifndef COMMON_GRANT_PRIV_H
#define COMMON_GRANT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>
#include <umbra/grant_entry.h>
#include <umbra/grant_table.h>
#include <umbra/spinlock.h>

struct domain;

/* One mapping a domain holds; its index is the handle. flags 0: free. */
struct grant_maptrack {
	uint64_t gpa;		/* where it is mapped, in the holder's space
				 * (a PV holder's: a virtual address) */
	uint64_t maddr;		/* the granted frame */
	uint32_t ref;
	uint16_t dom;		/* the granter */
	uint16_t flags;		/* GNTMAP_* */
};

/* A PV domain on shared page tables (asm/pv.h: pv_grant_machine): its
 * grant frames are pages of its pool it maps by machine frame, as Xen's
 * are Xen's pages; at most as many as the pool keeps for grant frames. */
#define GRANT_PV_FRAMES		(GRANT_BACKED_FRAMES - GRANT_PV_STATUS)
#define GRANT_PV_STATUS		2	/* v2 status frames for them */
_Static_assert(GRANT_PV_FRAMES * GRANT_ENTRIES_PER_FRAME_V2 <=
	       GRANT_PV_STATUS * GRANT_STATUS_PER_FRAME, "status frames cover the table");

/* A domain's grant state, two pages of its pool, made at first use. */
struct grant_table {
	uint32_t version;	/* 1, or 2 (PV domains) */
	uint32_t setup_frames;	/* the most GNTTABOP_setup_table asked for */
	uint64_t pv_frame[GRANT_PV_FRAMES];	/* machine addresses, 0: none yet */
	uint64_t pv_status[GRANT_PV_STATUS];	/* version 2 only */
	int64_t npt_tables;	/* nested-table pages its mappings added */
	uint32_t wmaps;		/* the sum of its active refs' wmap */
	struct grant_active *active;	/* GRANT_ACTIVE_MAX: its refs in use */
	struct grant_maptrack map[GRANT_MAPTRACK_MAX];
};

_Static_assert(sizeof(struct grant_table) <= 4096, "grant state fits a page");
_Static_assert(GRANT_ACTIVE_MAX * sizeof(struct grant_active) <= 4096,
	       "active references fit a page");

/* Grant operations are short and rare next to the work they enable:
 * one lock over every domain's grant state keeps the cross-domain ones
 * (map, copy, teardown) free of lock-order questions. A domain being
 * destroyed takes it after leaving the domain table, so a domain found
 * under it stays valid until it is released. */
extern spinlock_t grant_lock;

/* Under grant_lock. d's state, made (from its pool) if create; NULL when
 * it has none, or its pool is spent. */
struct grant_table *grant_table_of(struct domain *d, bool create);
/* Frames in d's table: at least 1 (as Xen starts), the most asked for by
 * setup_table, and every frame placed. */
unsigned int grant_nr_frames(struct domain *d);

/* Under grant_lock. Pin rd's reference ref for use by domain user: on
 * GNTST_okay *gfn is the granted frame (rd's guest frame number, in its
 * RAM). Otherwise the GNTST_* code, nothing held. A writable use by a
 * mapping (map, !readonly) is counted apart (wmap), for the granter's
 * paging: such a frame must not become one of its page tables. */
int grant_acquire(struct domain *rd, uint32_t ref, uint16_t user, bool readonly,
		  bool map, uint64_t *gfn);
/* Give back one use (map as it was acquired); the entry loses
 * GTF_writing / GTF_reading as the last such use goes. */
void grant_release(struct domain *rd, uint32_t ref, bool readonly, bool map);

/* The domain a grant operation names: DOMID_SELF or one's own id is the
 * caller's; NULL if none (or dying). */
struct domain *grant_domain(struct domain *self, uint16_t id);

/* Entries per frame of d's table in its version. */
unsigned int grant_per_frame(const struct domain *d);

/* Operations on a batch (grant_map.c, grant_copy.c); each a GNTST_*. */
int16_t grant_map_one(struct vcpu *v, struct gnttab_map_grant_ref *op);
int16_t grant_unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op);
int16_t grant_replace_one(struct vcpu *v, struct gnttab_unmap_and_replace *op);
int16_t grant_copy_one(struct domain *ld, struct gnttab_copy *op);
/* Does ld hold a grant mapping at gpa? */
bool grant_mapped_at(struct domain *ld, uint64_t gpa);
/* Under grant_lock. Map maddr at gpa in d's paging within its budget of
 * nested-table pages (gt's; a mapping that needs new tables past it is
 * taken back down, -ENOMEM). 0, or hvm_grant_map's error (-EEXIST: a
 * mapping is there already). */
int grant_npt_map(struct domain *d, struct grant_table *gt, uint64_t gpa, uint64_t maddr,
		  bool writable);
/* A PV domain's own grant frames (grant_pv.c), under grant_lock. Frames
 * 0..n-1 made (and in version 2 their status frames): GNTST_okay, or
 * GNTST_general_error past GRANT_PV_FRAMES or with the pool spent. */
int16_t grant_pv_grow(struct domain *d, struct grant_table *gt, uint32_t n);
/* GNTTABOP_set_version for such a domain: 0, -EBUSY (references in use,
 * or a status frame still mapped: XSA-255), -ERANGE (a kept entry that
 * version 1 cannot hold), -EINVAL (frames placed in its RAM). */
long grant_pv_set_version(struct domain *d, struct grant_table *gt, uint32_t version);
unsigned int grant_pv_status_frames(const struct grant_table *gt);
/* Where a translated PV domain finds its grant frame i, status frame i. */
uint64_t grant_pv_frame_gfn(const struct domain *d, unsigned int i);
uint64_t grant_pv_status_gfn(const struct domain *d, unsigned int i);
/* Every frame taken back from d and freed. */
void grant_pv_destroy(struct domain *d, struct grant_table *gt);

/* Take down ld's mapping slot i (under grant_lock). */
void grant_unmap_slot(struct domain *ld, struct grant_table *lgt, unsigned int i);

#endif
