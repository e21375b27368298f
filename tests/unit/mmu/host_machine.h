/* A pretend machine for host tests of mmu/: a buffer of 4 KiB frames
 * with an allocator, a direct map and a table-driven p2m, exposed as
 * struct mmu_ops. Frame 0 is never handed out, so a zero address always
 * means "none". */
#ifndef TESTS_MMU_HOST_MACHINE_H
#define TESTS_MMU_HOST_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/ops.h"

struct hm_p2m_slot {
	struct mmu_p2m p;
	bool present;
};

struct host_machine {
	uint8_t *mem;			/* nframes * 4096 bytes */
	uint64_t nframes;
	uint64_t first_alloc;		/* frames below are reserved for the test */
	uint8_t *allocated;		/* per frame */
	uint64_t *free_stack;
	uint64_t nfree;
	uint64_t in_use;		/* frames handed out and not freed */
	uint64_t allocs;		/* successful allocations so far */
	uint64_t fail_at;		/* allocation number that fails (0: never) */
	bool fail_forever;		/* keep failing from fail_at on */
	uint64_t tlb_flushes;
	struct hm_p2m_slot *p2m;	/* indexed by gfn */
	uint64_t p2m_frames;
	/* Frames at or above this number are "not memory": map() refuses them. */
	uint64_t map_limit;
	struct mmu_ops ops;
};

/* nframes frames, of which [0, reserved) are never allocated (frame 0 is
 * always reserved); p2m covers gfns [0, p2m_frames). */
struct host_machine *hm_create(uint64_t nframes, uint64_t reserved, uint64_t p2m_frames);
void hm_destroy(struct host_machine *hm);

static inline uint64_t *hm_table(struct host_machine *hm, uint64_t maddr)
{
	return (uint64_t *)(hm->mem + maddr);
}

void hm_p2m_set(struct host_machine *hm, uint64_t gfn, uint64_t mfn,
		unsigned int order, bool writable);
void hm_p2m_clear(struct host_machine *hm, uint64_t gfn);

/* Allocate a frame for the test itself (tables it builds by hand). */
uint64_t hm_alloc(struct host_machine *hm);

#endif
