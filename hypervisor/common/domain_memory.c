/* Where a domain's guest-physical memory is: extent by extent, or for
 * dom0 at its own machine addresses inside its RAM ranges. Kept apart
 * from domain.c so the guest-access tests link the real lookups. */
#include <umbra/domain.h>

/* [gpa, gpa+len) is all the domain's RAM: for dom0, inside one of its
 * ranges (its RAM has holes: Umbra's image, the firmware's areas). */
bool domain_owns_gpa_range(const struct domain *d, uint64_t gpa, uint64_t len)
{
	const struct identity_map *id = d->identity;

	if (gpa + len < gpa || gpa + len > d->mem_bytes)
		return false;
	if (!id)
		return true;
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

uint64_t domain_gpa_to_maddr(const struct domain *d, uint64_t gpa)
{
	uint64_t i = gpa / EXTENT_SIZE;

	if (d->identity)
		return identity_gpa_to_maddr(d->identity, gpa);
	if (gpa >= d->mem_bytes || i >= d->nr_extents)
		return 0;
	return d->extents[i] + gpa % EXTENT_SIZE;
}
