/* Machine page allocator (see umbra/page_alloc.h).
 *
 * Per 4 KiB frame: a free bit and a reserved bit (neither = in use).
 * Per 2 MiB extent: a free-frame count and three bits, "whole" (all 512
 * frames free), "partial" (some free) and "big" (allocated as one 2 MiB
 * extent). Allocation searches the extent bitmaps, 64 extents per word,
 * and only then the 8 words of frame bits inside one extent. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/errno.h"
#include "umbra/page_alloc.h"
#include "umbra/string.h"

#define FRAME_SHIFT		12
#define EXTENT_SHIFT		21
#define WORDS_PER_EXTENT	(PA_FRAMES_PER_EXTENT / 64)
#define NOT_FOUND		SIZE_MAX

_Static_assert(PA_FRAMES_PER_EXTENT % 64 == 0, "extents are whole bitmap words");

static size_t words_for(size_t bits)
{
	return (bits + 63) / 64;
}

static size_t extents_for(uint64_t max_addr)
{
	if (max_addr > PAGE_ALLOC_MAX_ADDR)
		max_addr = PAGE_ALLOC_MAX_ADDR;
	return (size_t)((max_addr + PA_EXTENT_SIZE - 1) >> EXTENT_SHIFT);
}

size_t page_alloc_meta_size(uint64_t max_addr)
{
	size_t extents = extents_for(max_addr);
	size_t words = 2 * extents * WORDS_PER_EXTENT + 3 * words_for(extents);

	return words * sizeof(uint64_t) + extents * sizeof(uint16_t);
}

void page_alloc_init(struct page_alloc *pa, void *meta, uint64_t max_addr)
{
	size_t extents = extents_for(max_addr);
	size_t frame_words = extents * WORDS_PER_EXTENT;
	size_t extent_words = words_for(extents);
	uint64_t *w = meta;

	pa->free_pages = 0;
	pa->used_pages = 0;
	pa->free_extents = 0;
	pa->max_addr = max_addr > PAGE_ALLOC_MAX_ADDR ? PAGE_ALLOC_MAX_ADDR : max_addr;
	pa->nr_extents = extents;
	pa->free_map = w;
	pa->reserved_map = w + frame_words;
	pa->big_map = w + 2 * frame_words;
	pa->whole_map = pa->big_map + extent_words;
	pa->partial_map = pa->whole_map + extent_words;
	pa->extent_free = (uint16_t *)(pa->partial_map + extent_words);

	memset(meta, 0, page_alloc_meta_size(max_addr));
	memset(pa->reserved_map, 0xff, frame_words * sizeof(uint64_t));
}

static bool test_bit(const uint64_t *map, size_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void assign_bit(uint64_t *map, size_t i, bool value)
{
	if (value)
		map[i / 64] |= 1ULL << (i % 64);
	else
		map[i / 64] &= ~(1ULL << (i % 64));
}

static size_t find_first_set(const uint64_t *map, size_t bits)
{
	for (size_t w = 0; w < words_for(bits); w++) {
		if (map[w])
			return w * 64 + (size_t)__builtin_ctzll(map[w]);
	}
	return NOT_FOUND;
}

/* Without -mpopcnt, __builtin_popcountll is a libgcc call the hypervisor
 * does not link. */
static unsigned int popcount64(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned int)((v * 0x0101010101010101ULL) >> 56);
}

/* Re-derives the extent's whole/partial bits from its free count. */
static void classify(struct page_alloc *pa, size_t ext)
{
	unsigned int n = pa->extent_free[ext];
	bool whole = n == PA_FRAMES_PER_EXTENT;

	if (whole && !test_bit(pa->whole_map, ext))
		pa->free_extents++;
	else if (!whole && test_bit(pa->whole_map, ext))
		pa->free_extents--;
	assign_bit(pa->whole_map, ext, whole);
	assign_bit(pa->partial_map, ext, n != 0 && !whole);
}

static void adjust_free(struct page_alloc *pa, size_t ext, int64_t delta)
{
	pa->extent_free[ext] = (uint16_t)(pa->extent_free[ext] + delta);
	pa->free_pages += (uint64_t)delta;
	classify(pa, ext);
}

/* Bits [lo, hi) of a word, 0 <= lo < hi <= 64. */
static uint64_t bit_range(unsigned int lo, unsigned int hi)
{
	uint64_t upto_hi = hi == 64 ? ~0ULL : (1ULL << hi) - 1;

	return upto_hi & ~((1ULL << lo) - 1);
}

/* Moves the frames of word w selected by mask from reserved to free
 * (to_free) or from free to reserved; frames in use are left alone.
 * Returns the change in free frames. */
static int64_t move_word(struct page_alloc *pa, size_t w, uint64_t mask, bool to_free)
{
	uint64_t bits;

	if (to_free) {
		bits = pa->reserved_map[w] & mask;
		pa->reserved_map[w] &= ~bits;
		pa->free_map[w] |= bits;
		return popcount64(bits);
	}
	bits = pa->free_map[w] & mask;
	pa->free_map[w] &= ~bits;
	pa->reserved_map[w] |= bits;
	return -(int64_t)popcount64(bits);
}

static void move_range(struct page_alloc *pa, size_t first, size_t end, bool to_free)
{
	while (first < end) {
		size_t ext = first / PA_FRAMES_PER_EXTENT;
		size_t ext_end = (ext + 1) * PA_FRAMES_PER_EXTENT;
		int64_t delta = 0;

		if (ext_end > end)
			ext_end = end;
		while (first < ext_end) {
			size_t w = first / 64;
			size_t hi = ext_end - w * 64 < 64 ? ext_end - w * 64 : 64;

			delta += move_word(pa, w, bit_range(first % 64, (unsigned int)hi),
					   to_free);
			first = w * 64 + hi;
		}
		adjust_free(pa, ext, delta);
	}
}

static uint64_t end_of(uint64_t base, uint64_t len)
{
	return base + len < base ? UINT64_MAX : base + len;
}

void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len)
{
	uint64_t end = end_of(base, len) & ~(PA_FRAME_SIZE - 1);
	uint64_t limit = pa->max_addr & ~(PA_FRAME_SIZE - 1);
	uint64_t start;

	if (base > UINT64_MAX - (PA_FRAME_SIZE - 1))
		return;
	start = (base + PA_FRAME_SIZE - 1) & ~(PA_FRAME_SIZE - 1);
	if (start < PA_FRAME_SIZE)
		start = PA_FRAME_SIZE;	/* frame 0 stays reserved */
	if (end > limit)
		end = limit;
	if (start < end)
		move_range(pa, start >> FRAME_SHIFT, end >> FRAME_SHIFT, true);
}

void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len)
{
	uint64_t limit = (uint64_t)pa->nr_extents << EXTENT_SHIFT;
	uint64_t start = base & ~(PA_FRAME_SIZE - 1);
	uint64_t end = end_of(base, len);

	if (len == 0)
		return;
	if (end > limit)
		end = limit;
	end = (end + PA_FRAME_SIZE - 1) & ~(PA_FRAME_SIZE - 1);
	if (start < end)
		move_range(pa, start >> FRAME_SHIFT, end >> FRAME_SHIFT, false);
}

static void take_frame(struct page_alloc *pa, size_t frame)
{
	assign_bit(pa->free_map, frame, false);
	pa->used_pages++;
	adjust_free(pa, frame / PA_FRAMES_PER_EXTENT, -1);
}

uint64_t page_alloc_4k(struct page_alloc *pa)
{
	size_t ext = find_first_set(pa->partial_map, pa->nr_extents);
	size_t w;

	if (ext == NOT_FOUND)
		ext = find_first_set(pa->whole_map, pa->nr_extents);
	if (ext == NOT_FOUND)
		return 0;
	for (w = ext * WORDS_PER_EXTENT; w < (ext + 1) * WORDS_PER_EXTENT; w++) {
		if (pa->free_map[w]) {
			size_t frame = w * 64 + (size_t)__builtin_ctzll(pa->free_map[w]);

			take_frame(pa, frame);
			return (uint64_t)frame << FRAME_SHIFT;
		}
	}
	return 0;	/* unreachable while the counts match the bits */
}

uint64_t page_alloc_2m(struct page_alloc *pa)
{
	size_t ext = find_first_set(pa->whole_map, pa->nr_extents);

	if (ext == NOT_FOUND)
		return 0;
	memset(&pa->free_map[ext * WORDS_PER_EXTENT], 0, WORDS_PER_EXTENT * sizeof(uint64_t));
	assign_bit(pa->big_map, ext, true);
	pa->used_pages += PA_FRAMES_PER_EXTENT;
	adjust_free(pa, ext, -PA_FRAMES_PER_EXTENT);
	return (uint64_t)ext << EXTENT_SHIFT;
}

int page_free_4k(struct page_alloc *pa, uint64_t addr)
{
	size_t frame = (size_t)(addr >> FRAME_SHIFT);
	size_t ext = frame / PA_FRAMES_PER_EXTENT;

	if (addr & (PA_FRAME_SIZE - 1) || ext >= pa->nr_extents)
		return -EINVAL;
	if (test_bit(pa->reserved_map, frame) || test_bit(pa->free_map, frame) ||
	    test_bit(pa->big_map, ext))
		return -EINVAL;
	assign_bit(pa->free_map, frame, true);
	pa->used_pages--;
	adjust_free(pa, ext, 1);
	return 0;
}

int page_free_2m(struct page_alloc *pa, uint64_t addr)
{
	size_t ext = (size_t)(addr >> EXTENT_SHIFT);
	size_t w = ext * WORDS_PER_EXTENT;

	if (addr & (PA_EXTENT_SIZE - 1) || ext >= pa->nr_extents ||
	    !test_bit(pa->big_map, ext))
		return -EINVAL;
	assign_bit(pa->big_map, ext, false);
	memset(&pa->free_map[w], 0xff, WORDS_PER_EXTENT * sizeof(uint64_t));
	pa->used_pages -= PA_FRAMES_PER_EXTENT;
	adjust_free(pa, ext, PA_FRAMES_PER_EXTENT);
	return 0;
}

enum pa_frame_state page_alloc_frame_state(const struct page_alloc *pa, uint64_t addr)
{
	size_t frame = (size_t)(addr >> FRAME_SHIFT);

	if (frame / PA_FRAMES_PER_EXTENT >= pa->nr_extents ||
	    test_bit(pa->reserved_map, frame))
		return PA_FRAME_RESERVED;
	return test_bit(pa->free_map, frame) ? PA_FRAME_FREE : PA_FRAME_USED;
}
