/* Machine page allocator (hypervisor/common/page_alloc.c).
 *
 * Hands out 4 KiB frames and 2 MiB-aligned 2 MiB extents of machine
 * memory below max_addr. It never touches the memory it manages: all its
 * state lives in a metadata buffer the caller provides, so it can be set
 * up before that memory is mapped, and tested on the host.
 *
 * Every frame is reserved (never handed out), free, or in use. At init
 * everything is reserved; page_alloc_add_free() makes RAM free, then
 * page_alloc_reserve() takes back what is occupied (the hypervisor image,
 * modules, boot information, the first MiB). Frame 0 is never free, so
 * an address of 0 always means "none".
 *
 * 4 KiB frames come from 2 MiB extents that are already broken up when
 * there are any, so whole extents stay available for the aligned machine
 * mapping; a per-extent free count keeps both searches off the per-frame
 * bitmap.
 *
 * Not thread-safe: the caller holds a lock around every call. */
#ifndef UMBRA_PAGE_ALLOC_H
#define UMBRA_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PA_FRAME_SIZE		0x1000ULL	/* 4 KiB */
#define PA_EXTENT_SIZE		0x200000ULL	/* 2 MiB */
#define PA_FRAMES_PER_EXTENT	512
/* Physical addresses are at most 52 bits wide on x86-64. */
#define PAGE_ALLOC_MAX_ADDR	(1ULL << 52)

enum pa_frame_state {
	PA_FRAME_RESERVED,
	PA_FRAME_FREE,
	PA_FRAME_USED,
};

struct page_alloc {
	/* Counters in 4 KiB frames, for anyone to read. */
	uint64_t free_pages;
	uint64_t used_pages;
	uint64_t free_extents;		/* wholly free 2 MiB extents */

	/* Private. */
	uint64_t max_addr;		/* as given, clamped to MAX_ADDR */
	size_t nr_extents;		/* 2 MiB extents covering max_addr */
	uint64_t *free_map;		/* per frame: 1 = free */
	uint64_t *reserved_map;		/* per frame: 1 = reserved */
	uint64_t *big_map;		/* per extent: allocated as 2 MiB */
	uint64_t *whole_map;		/* per extent: all 512 frames free */
	uint64_t *partial_map;		/* per extent: some frames free */
	uint16_t *extent_free;		/* per extent: free frames */
};

/* Bytes of metadata needed to manage [0, max_addr). */
size_t page_alloc_meta_size(uint64_t max_addr);

/* meta: page_alloc_meta_size(max_addr) bytes, 8-byte aligned, owned by
 * the allocator from now on. Everything starts reserved. */
void page_alloc_init(struct page_alloc *pa, void *meta, uint64_t max_addr);

/* Makes the whole 4 KiB frames inside [base, base + len) free (rounded
 * inward), except frame 0, frames at or above max_addr, and frames in
 * use. */
void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len);

/* Makes every free frame touching [base, base + len) reserved (rounded
 * outward). Frames in use stay in use: reserve before allocating. */
void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len);

/* A free 4 KiB frame, or 0 when there is none. */
uint64_t page_alloc_4k(struct page_alloc *pa);

/* A wholly free, 2 MiB-aligned 2 MiB extent, or 0 when there is none. */
uint64_t page_alloc_2m(struct page_alloc *pa);

/* Return what page_alloc_4k() / page_alloc_2m() gave. -EINVAL, changing
 * nothing, for a misaligned or out-of-range address, a reserved or free
 * frame (double free), or a free of the wrong size (a 4 KiB frame of a
 * 2 MiB allocation, or a 2 MiB range that was not allocated as one). */
int page_free_4k(struct page_alloc *pa, uint64_t addr);
int page_free_2m(struct page_alloc *pa, uint64_t addr);

/* State of the frame holding addr (reserved beyond max_addr). */
enum pa_frame_state page_alloc_frame_state(const struct page_alloc *pa,
					   uint64_t addr);

#endif
