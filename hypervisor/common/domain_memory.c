/* Where a domain's guest-physical memory is: extent by extent, or for
 * dom0 at its own machine addresses inside its RAM ranges. Kept apart
 * from domain.c so the guest-access tests link the real lookups. */
#include <umbra/domain.h>
#include <umbra/hot.h>

#define FRAME_SHIFT	12
#define EXTENT_FRAMES	(EXTENT_SIZE >> FRAME_SHIFT)

/* Does [gpa, gpa+len) (inside mem_bytes) hold a frame the guest gave back? */
static bool range_has_hole(const struct domain *d, uint64_t gpa, uint64_t len)
{
	if (!__atomic_load_n(&d->unbacked_pages, __ATOMIC_ACQUIRE) || !len)
		return false;
	for (uint64_t f = gpa >> FRAME_SHIFT; f <= (gpa + len - 1) >> FRAME_SHIFT; f++)
		if (domain_frame_unbacked(d, f))
			return true;
	return false;
}

bool domain_extent_whole(const struct domain *d, uint64_t gfn)
{
	uint64_t first = gfn & ~(EXTENT_FRAMES - 1);

	if (!d->unbacked[0])
		return true;
	for (uint64_t g = first; g < first + EXTENT_FRAMES; g += 64)
		if (__atomic_load_n(domain_unbacked_word(d, g), __ATOMIC_ACQUIRE))
			return false;
	return true;
}

void domain_frame_gone(struct domain *d, uint64_t gfn)
{
	if (gfn >= d->mem_bytes >> FRAME_SHIFT || !d->unbacked[0] || domain_frame_unbacked(d, gfn))
		return;
	__atomic_fetch_add(&d->unbacked_pages, 1, __ATOMIC_RELEASE);
	__atomic_fetch_or(domain_unbacked_word(d, gfn), 1ULL << (gfn % 64), __ATOMIC_RELEASE);
}

uint64_t domain_tot_pages(const struct domain *d)
{
	return (d->mem_bytes >> FRAME_SHIFT) - d->unbacked_pages + d->unmapped_pages;
}

/* [gpa, gpa+len) is all the domain's RAM: for dom0, inside one of its
 * ranges (its RAM has holes: Umbra's image, the firmware's areas); for
 * another domain, no frame of it given back. */
__exit_full bool domain_owns_gpa_range(const struct domain *d, uint64_t gpa, uint64_t len)
{
	const struct identity_map *id = d->identity;

	if (gpa + len < gpa || gpa + len > d->mem_bytes)
		return false;
	if (!id)
		return !range_has_hole(d, gpa, len);
	for (unsigned int i = 0; i < id->nr_ram; i++)
		if (gpa >= id->ram[i].start && gpa + len <= id->ram[i].end)
			return true;
	return false;
}

static uint64_t identity_gpa_to_maddr(const struct identity_map *id, uint64_t gpa)
{
	for (unsigned int i = 0; i < id->nr_ram; i++)
		if (gpa >= id->ram[i].start && gpa < id->ram[i].end)
			return gpa;
	return 0;
}

__exit_full uint64_t domain_gpa_to_maddr(const struct domain *d, uint64_t gpa)
{
	uint64_t i = gpa / EXTENT_SIZE;

	if (d->identity)
		return identity_gpa_to_maddr(d->identity, gpa);
	if (gpa >= d->mem_bytes || i >= d->nr_extents || domain_frame_unbacked(d, gpa >> FRAME_SHIFT))
		return 0;
	return d->extents[i] + gpa % EXTENT_SIZE;
}
