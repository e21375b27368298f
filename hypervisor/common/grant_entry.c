/* The state logic of version 1 grant entries (umbra/grant_entry.h):
 * which headers may be pinned, and which flags go when the last use does.
 * Freestanding and free of locks: the caller holds what must be held. */
#include <public/grant_table.h>
#include <umbra/grant_entry.h>

int grant_hdr_pin(uint32_t hdr, uint16_t user, bool readonly, bool map, uint32_t *next)
{
	uint16_t flags = grant_hdr_flags(hdr);
	/* A sub-page grant may be copied from, never mapped. */
	uint16_t mask = GTF_type_mask | (map ? GTF_sub_page : 0);

	if ((flags & mask) != GTF_permit_access || grant_hdr_domid(hdr) != user)
		return GNTST_general_error;
	flags |= GTF_reading;
	if (!readonly) {
		if (flags & GTF_readonly)
			return GNTST_general_error;
		flags |= GTF_writing;
	}
	*next = grant_hdr(flags, grant_hdr_domid(hdr));
	return GNTST_okay;
}

bool grant_active_needs_pin(const struct grant_active *a, bool readonly)
{
	/* The first use pins for reading; the first writable use must
	 * check GTF_readonly and set GTF_writing, even if readers exist. */
	return grant_active_idle(a) || (!readonly && !a->wr);
}

int grant_active_check(const struct grant_active *a, uint16_t user)
{
	return grant_active_idle(a) || a->domid == user ? GNTST_okay : GNTST_general_error;
}

void grant_active_get(struct grant_active *a, bool readonly)
{
	if (readonly)
		a->rd++;
	else
		a->wr++;
}

uint16_t grant_active_put(struct grant_active *a, bool readonly)
{
	uint16_t clear = 0;

	if (readonly && a->rd)
		a->rd--;
	else if (!readonly && a->wr)
		a->wr--;
	if (!a->wr)
		clear |= GTF_writing;
	if (grant_active_idle(a))
		clear |= GTF_reading;
	return clear;
}
