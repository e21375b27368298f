/* How mmu/ reaches memory. The hypervisor backs these with its page
 * allocator, its direct map and a domain's p2m; host tests back them with
 * ordinary buffers. Nothing in mmu/ touches memory any other way.
 *
 * Addresses are machine addresses ("maddr", byte addresses of 4 KiB
 * frames); frame numbers are addresses >> 12 (mfn, gfn). */
#ifndef MMU_OPS_H
#define MMU_OPS_H

#include <stdbool.h>
#include <stdint.h>

/* One guest-physical frame's backing. */
struct mmu_p2m {
	uint64_t mfn;
	/* 9 if the frame's whole 2 MiB-aligned guest extent is backed by one
	 * 2 MiB-aligned machine extent with the same rights (so a 2 MiB
	 * mapping can cover it), else 0. */
	unsigned int order;
	bool writable;		/* false: the guest may only read the frame */
};

struct mmu_ops {
	void *ctx;		/* passed back to every call */
	/* One zeroed 4 KiB frame; its address in *maddr. 0 or -ENOMEM. */
	int (*alloc_page)(void *ctx, uint64_t *maddr);
	void (*free_page)(void *ctx, uint64_t maddr);
	/* The frame at maddr as a page-aligned pointer, valid as long as
	 * the frame is allocated (direct-map semantics: no unmap). NULL if
	 * the frame cannot be reached (not memory). */
	void *(*map)(void *ctx, uint64_t maddr);
	/* Guest-physical to machine for the domain being served; -ENOENT if
	 * the guest frame is not backed by memory (hole, MMIO). May be NULL
	 * for users that never translate guest-physical addresses (NPT). */
	int (*p2m)(void *ctx, uint64_t gfn, struct mmu_p2m *out);
	/* Optional: shadow entries were removed or made stricter; flush the
	 * TLBs that may hold them before the guest runs again. */
	void (*flush_tlb)(void *ctx);
	/* Optional: may guest frame gfn be one of the guest's page tables
	 * now? false: a walk through it is a p2m fault, as through a
	 * read-only frame, and no shadow of it is made (PV: a frame another
	 * domain may write through a grant mapping, which the engine would
	 * not see). NULL: every frame may. */
	bool (*may_be_table)(void *ctx, uint64_t gfn);
};

#endif
