/* The state logic of a version 1 grant entry and of a granted reference
 * in use (common/grant_entry.c): pure functions of their inputs, so that
 * host tests check them without a hypervisor. */
#ifndef UMBRA_GRANT_ENTRY_H
#define UMBRA_GRANT_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

/* The first 32 bits of an entry as one value: flags | domid << 16, the
 * unit the hypervisor and the granter compare-and-swap. */
static inline uint32_t grant_hdr(uint16_t flags, uint16_t domid)
{
	return flags | (uint32_t)domid << 16;
}

static inline uint16_t grant_hdr_flags(uint32_t hdr)
{
	return (uint16_t)hdr;
}

static inline uint16_t grant_hdr_domid(uint32_t hdr)
{
	return (uint16_t)(hdr >> 16);
}

/* A reference of one granting domain in use: by whom, which frame (as
 * read when first pinned), and how many read-only and writable uses. */
struct grant_active {
	uint32_t ref;
	uint16_t domid;
	uint16_t rd, wr;
	uint16_t wmap;		/* of wr, writable mappings (not copies): read
				 * without the lock (grant_frame_mapped_writable) */
	uint32_t frame;		/* the granter's guest frame number */
};

/* Pinning entry hdr for user, read-only or not (map: sub-page grants
 * refused): GNTST_okay and the header to store in *next, or
 * GNTST_general_error (not a full access grant, another domain's, or a
 * write use of a read-only grant), as Xen answers. */
int grant_hdr_pin(uint32_t hdr, uint16_t user, bool readonly, bool map, uint32_t *next);

/* Must a use re-read and pin the guest's entry, or does the reference's
 * pins already cover it? */
bool grant_active_needs_pin(const struct grant_active *a, bool readonly);

/* An active reference pinned by another domain cannot be used by user;
 * GNTST_okay or GNTST_general_error. */
int grant_active_check(const struct grant_active *a, uint16_t user);

/* Count one use in; count one out and say which GTF_ flags the entry
 * must lose (GTF_writing when the last writable use goes, GTF_reading
 * too when the last use goes). */
void grant_active_get(struct grant_active *a, bool readonly);
uint16_t grant_active_put(struct grant_active *a, bool readonly);

static inline bool grant_active_idle(const struct grant_active *a)
{
	return !a->rd && !a->wr;
}

#endif
