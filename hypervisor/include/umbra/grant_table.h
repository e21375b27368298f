/* Grant tables, version 1 (common/grant_*.c): what the rest of the
 * hypervisor calls. The ABI is public/grant_table.h. */
#ifndef UMBRA_GRANT_TABLE_H
#define UMBRA_GRANT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct domain;

/* Per domain (grant frames: GRANT_FRAMES_MAX of umbra/domain.h): mappings it
 * may hold at once (its maptrack), its grant references in use at once,
 * and the nested-table pages its mappings may add. */
#define GRANT_MAPTRACK_MAX	128
#define GRANT_ACTIVE_MAX	256
#define GRANT_NPT_PAGES		8
/* Grant frames placed outside its RAM (XENMAPSPACE_grant_table at a free
 * frame above it, as Linux PVH does): each a page of the pool, 512
 * references apiece. */
#define GRANT_BACKED_FRAMES	16
/* Pool pages reserved for the above at domain creation: the state's two
 * pages, the nested tables, what one mapping past the budget holds
 * until it is taken back (a PDPT, a PD, a page table), the backed frames. */
#define GRANT_POOL_PAGES	(2 + GRANT_NPT_PAGES + 3 + GRANT_BACKED_FRAMES)


/* d is out of the domain table (no new grant operation finds it): take
 * down every mapping it holds and every mapping of its frames that other
 * domains hold, flushing their translations, and free its grant state.
 * After this its frames may be reused. */
void grant_domain_destroy(struct domain *d);

/* The machine address of a translated PV domain's grant frame at guest
 * frame gfn (above its RAM, as setup_table or get_status_frames said),
 * or 0: for its p2m; *writable false for a status frame. Needs no lock:
 * table frames only come, until the domain is destroyed, and a status
 * frame leaves (set_version 1) before its page is freed, with a flush. */
uint64_t grant_frame_beyond_ram(const struct domain *d, uint64_t gfn, bool *writable);

/* Is d's frame gfn mapped writable through a grant (a host mapping or a
 * device hold, by any domain)? A translated PV domain's pin asks. */
bool grant_frame_writable(struct domain *d, uint64_t gfn);
/* The same for mappings only (a copy's use is not one), without the
 * grant lock: for the domain's paging, which runs under its own lock
 * and asks whether a frame may become one of its page tables (a frame
 * another domain can write through a mapping may not). A mapping counts
 * from before the mapper asks the granter's paging (grant_map.c). */
bool grant_frame_mapped_writable(const struct domain *d, uint64_t gfn);

/* fn(arg), unless a frame of d in [gfn, gfn + n) is in use through a
 * grant reference (-EBUSY): XENMEM_decrease_reservation's check, done
 * under the grant lock so that no use begins meanwhile. */
int grant_unless_frames_used(struct domain *d, uint64_t gfn, uint64_t n,
			     int (*fn)(void *arg), void *arg);

#endif
