/* Machine memory at boot: extend the direct map over all RAM, then hand
 * every usable page that nothing occupies to the page allocator. */
#include <stdbool.h>
#include <asm/layout.h>
#include <asm/sections.h>
#include <asm/x86.h>
#include <umbra/dom0.h>
#include <umbra/domain_limits.h>
#include <umbra/heap.h>
#include <umbra/mm.h>
#include <umbra/multiboot2.h>
#include <umbra/page_alloc.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define DIRECTMAP_MAX	(512 * GIB)	/* one PDPT of 1 GiB pages */

static struct page_alloc allocator;
static spinlock_t mm_lock = SPINLOCK_INIT;
static uint64_t total_bytes;
static uint64_t ram_end;		/* end of the highest RAM the allocator manages */
static uint64_t directmap_limit = (uint64_t)BOOT_MAP_GIB << 30;


/* head.S maps the first BOOT_MAP_GIB GiB; map the rest of RAM with 1 GiB
 * pages in the same PDPT so that phys_to_virt() works for every frame. */
static void directmap_extend(uint64_t max_addr)
{
	if (max_addr <= directmap_limit)
		return;
	if (!(cpuid(CPUID_EXT_FEATURES).edx & X1_EDX_PDPE1GB)) {
		pr_warn("mm: no 1 GiB pages; RAM above %llu GiB is not used\n",
			(unsigned long long)(directmap_limit / GIB));
		return;
	}
	if (max_addr > DIRECTMAP_MAX)
		max_addr = DIRECTMAP_MAX;
	for (uint64_t gib = directmap_limit / GIB; gib * GIB < max_addr; gib++)
		boot_pdpt[gib] = gib * GIB | PTE_P | PTE_W | PTE_PS;
	directmap_limit = (max_addr + GIB - 1) & ~(GIB - 1);
	write_cr3(read_cr3());
}

static bool overlaps(uint64_t s, uint64_t e, const struct mem_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s < r[i].end && r[i].start < e)
			return true;
	return false;
}

/* The allocator's own metadata needs a home before the allocator exists:
 * the first free spot in usable RAM above 1 MiB that nothing occupies. */
static uint64_t place_metadata(const struct boot_info *bi, size_t size,
			       const struct mem_range *busy, size_t nbusy)
{
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct mb2_mmap_entry *m = &bi->mmap[i];
		uint64_t s = (m->base + 4095) & ~4095ULL;
		uint64_t e = (m->base + m->len) & ~4095ULL;

		if (m->type != MB2_MEMORY_AVAILABLE)
			continue;
		if (s < MIB)
			s = MIB;
		for (; s + size <= e && s + size <= directmap_limit; s += 4096)
			if (!overlaps(s, s + size, busy, nbusy))
				return s;
	}
	return 0;
}

static void *heap_page(void *ctx)
{
	uint64_t pa = alloc_page_phys();

	(void)ctx;
	return pa ? phys_to_virt(pa) : NULL;
}

static void heap_page_free(void *ctx, void *page)
{
	(void)ctx;
	free_page_phys(virt_to_phys(page));
}

static spinlock_t heap_lock = SPINLOCK_INIT;

static void heap_lock_take(void *ctx)
{
	spin_lock(ctx);
}

static void heap_lock_drop(void *ctx)
{
	spin_unlock(ctx);
}

static void heap_bad_free(void *ctx, const void *ptr)
{
	(void)ctx;
	panic("kfree of %p, which the heap did not hand out or got back already", ptr);
}

static const struct heap_ops kheap_ops = {
	.alloc_page = heap_page,
	.free_page = heap_page_free,
	.ctx = &heap_lock,
	.lock = heap_lock_take,
	.unlock = heap_lock_drop,
	.bad_free = heap_bad_free,
};

/* dom0's RAM, if there is a dom0, before anything else is handed out. */
static void set_aside_dom0(const struct boot_info *bi, const struct mem_range *busy, size_t nbusy)
{
	const struct dom0_layout *l;

	/* busy[0] is the first MiB, which Umbra needs only to start the APs
	 * (before dom0 runs) and Linux needs for its own trampoline. */
	if (dom0_set_aside_memory(bi, busy + 1, (unsigned int)nbusy - 1, mm_free_bytes()))
		return;
	l = dom0_memory();
	for (unsigned int i = 0; l && i < l->nr; i++)
		page_alloc_reserve(&allocator, l->ram[i].start, l->ram[i].end - l->ram[i].start);
}

void mm_init(const struct boot_info *bi, uint64_t mbi_phys, uint64_t mbi_size)
{
	struct mem_range busy[MB2_MAX_MODULES + 5];
	size_t nbusy = 0, meta_size;
	uint64_t max_addr = 0, meta;

	for (size_t i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == MB2_MEMORY_AVAILABLE &&
		    bi->mmap[i].base + bi->mmap[i].len > max_addr)
			max_addr = bi->mmap[i].base + bi->mmap[i].len;
	directmap_extend(max_addr);
	if (max_addr > directmap_limit)
		max_addr = directmap_limit;

	busy[nbusy++] = (struct mem_range){ 0, MIB };
	busy[nbusy++] = (struct mem_range){ (uint64_t)__image_start_phys, (uint64_t)__image_end_phys };
	busy[nbusy++] = (struct mem_range){ mbi_phys, mbi_phys + mbi_size };
	for (size_t i = 0; i < bi->module_count; i++)
		busy[nbusy++] = (struct mem_range){ bi->modules[i].start, bi->modules[i].end };

	meta_size = (page_alloc_meta_size(max_addr) + 4095) & ~4095ULL;
	meta = place_metadata(bi, meta_size, busy, nbusy);
	if (!meta)
		panic("mm: no room for %zu bytes of page allocator metadata", meta_size);
	busy[nbusy++] = (struct mem_range){ meta, meta + meta_size };

	page_alloc_init(&allocator, phys_to_virt(meta), max_addr);
	ram_end = max_addr;
	for (size_t i = 0; i < bi->mmap_count; i++) {
		const struct mb2_mmap_entry *m = &bi->mmap[i];

		if (m->type != MB2_MEMORY_AVAILABLE || m->base >= max_addr)
			continue;
		uint64_t end = m->base + m->len > max_addr ? max_addr : m->base + m->len;
		page_alloc_add_free(&allocator, m->base, end - m->base);
		total_bytes += end - m->base;
	}
	for (size_t i = 0; i < nbusy; i++)
		page_alloc_reserve(&allocator, busy[i].start, busy[i].end - busy[i].start);
	set_aside_dom0(bi, busy, nbusy);
	kheap_init(&kheap_ops);
	pr_info("mm: %llu MiB usable, %llu MiB free for allocation\n",
		(unsigned long long)(total_bytes / MIB),
		(unsigned long long)(mm_free_bytes() / MIB));
	/* Where a test from dom0 aims to prove it cannot read Umbra. */
	pr_info("mm: Umbra's image at %#llx-%#llx\n",
		(unsigned long long)__image_start_phys, (unsigned long long)__image_end_phys);
}

/*
 * Extents known to hold only zeroes, one bit per 2 MiB of the first
 * CLEAN_MAX_BYTES of machine memory (above: never known clean). Set only
 * by free_extent_2m_zeroed(), cleared by every allocation that hands out
 * any part of the extent; under mm_lock.
 */
#define CLEAN_MAX_BYTES		(64ULL << 30)
static uint64_t clean_extents[CLEAN_MAX_BYTES / EXTENT_SIZE / 64];

/* Whether pa's extent was clean; it is not any more. */
static bool take_clean(uint64_t pa)
{
	uint64_t i = pa / EXTENT_SIZE, bit = 1ULL << (i % 64);
	bool was;

	if (!pa || pa >= CLEAN_MAX_BYTES)
		return false;
	was = clean_extents[i / 64] & bit;
	clean_extents[i / 64] &= ~bit;
	return was;
}

uint64_t alloc_page_phys(void)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	uint64_t pa = page_alloc_4k(&allocator);

	take_clean(pa);

	spin_unlock_irqrestore(&mm_lock, f);
	return pa;
}

uint64_t alloc_extent_2m_phys(void)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	uint64_t pa = page_alloc_2m(&allocator);

	take_clean(pa);
	spin_unlock_irqrestore(&mm_lock, f);
	return pa;
}

uint64_t alloc_extent_2m_zeroed(void)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	uint64_t pa = page_alloc_2m(&allocator);
	bool clean = take_clean(pa);

	spin_unlock_irqrestore(&mm_lock, f);
	/* Outside the lock: zeroing 2 MiB is long. */
	if (pa && !clean)
		memset(phys_to_virt(pa), 0, EXTENT_SIZE);
	return pa;
}

void free_extent_2m_zeroed(uint64_t pa)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	uint64_t i = pa / EXTENT_SIZE;
	int err;

	if (pa < CLEAN_MAX_BYTES)
		clean_extents[i / 64] |= 1ULL << (i % 64);
	err = page_free_2m(&allocator, pa);
	if (err)
		take_clean(pa);
	spin_unlock_irqrestore(&mm_lock, f);
	if (err)
		panic("mm: bad free of extent %#llx (%d)", (unsigned long long)pa, err);
}

void free_page_phys(uint64_t pa)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	int err = page_free_4k(&allocator, pa);

	spin_unlock_irqrestore(&mm_lock, f);
	if (err)
		panic("mm: bad free of page %#llx (%d)", (unsigned long long)pa, err);
}

void free_extent_2m_phys(uint64_t pa)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);
	int err = page_free_2m(&allocator, pa);

	spin_unlock_irqrestore(&mm_lock, f);
	if (err)
		panic("mm: bad free of extent %#llx (%d)", (unsigned long long)pa, err);
}

uint64_t mm_free_bytes(void)
{
	return allocator.free_pages * 4096ULL;
}

uint64_t mm_total_bytes(void)
{
	return total_bytes;
}

uint64_t mm_ram_end(void)
{
	return ram_end;
}

uint64_t mm_directmap_end(void)
{
	return directmap_limit;
}
