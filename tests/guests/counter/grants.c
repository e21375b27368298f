/*
 * counter's grant table, for save and restore: two frames placed as
 * Linux PVH places them (frame 0 above its RAM, where Umbra backs it
 * with a page of its own, so a memory dump does not hold it) and one in
 * its RAM (frame 1), entries written in both, nothing mapped. Each check
 * reads the entries back, asks GNTTABOP_query_size, and copies through
 * two of its grants (GNTTABOP_copy): a restore that lost a frame, moved
 * it or left the hypervisor without it fails one of them.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#include "grants.h"
#include "hypercall.h"
#include "runtime.h"

#define FRAME0_GPA	0xc0100000ULL	/* above RAM, in the boot identity map */
#define NR_FRAMES	2
#define PER_FRAME	512		/* version 1 entries per frame */
#define REF_SELF0	3		/* frame 0: copied through */
#define REF_DOM0	8		/* frame 0: refs 8..15 granted to dom0 */
#define REF_SELF1	(PER_FRAME + 88)	/* frame 1: copied through */
#define COPY_LEN	256

static struct grant_entry_v1 *frame[NR_FRAMES];
static struct grant_entry_v1 want[NR_FRAMES][16];
static uint8_t *src[2], *dst;
static uint16_t self;

static long gnttab(unsigned int cmd, void *op, uint64_t count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, (uint64_t)(uintptr_t)op, count);
}

static long place(unsigned int idx, uint64_t gpa)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
					.idx = idx, .gpfn = gpa >> 12 };

	return hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&x);
}

static uint16_t own_domid(void)
{
	static struct umbra_identity id;

	return hv_umbra_op(UMBRAOP_identity, &id) < 0 ? DOMID_SELF : id.domid;
}

static void grant(unsigned int ref, uint16_t dom, const void *page, uint16_t flags)
{
	struct grant_entry_v1 *e = &frame[ref / PER_FRAME][ref % PER_FRAME];

	e->domid = dom;
	e->frame = (uint32_t)((uintptr_t)page >> 12);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

static void remember(void)
{
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		for (unsigned int i = 0; i < 16; i++)
			want[f][i] = frame[f][f ? 80 + i : i];
}

const char *grants_setup(void)
{
	long rc;

	self = own_domid();
	frame[1] = page_alloc();
	src[0] = page_alloc();
	src[1] = page_alloc();
	dst = page_alloc();
	if (!frame[1] || !src[0] || !src[1] || !dst)
		return "no pages";
	frame[0] = (struct grant_entry_v1 *)(uintptr_t)FRAME0_GPA;
	rc = place(0, FRAME0_GPA);
	if (rc)
		return "frame 0 placed above RAM";
	if (place(1, (uintptr_t)frame[1]))
		return "frame 1 placed in RAM";
	for (unsigned int i = 0; i < 4096; i++) {
		src[0][i] = (uint8_t)(i * 7 + 3);
		src[1][i] = (uint8_t)(i * 11 + 5);
	}
	grant(REF_SELF0, self, src[0], GTF_permit_access | GTF_readonly);
	for (unsigned int r = REF_DOM0; r < REF_DOM0 + 8; r++)
		grant(r, 0, src[r & 1], GTF_permit_access | GTF_readonly);
	grant(REF_SELF1, self, src[1], GTF_permit_access);
	remember();
	con_printf("counter: grant table: frame 0 at %#lx, frame 1 at %#lx, 10 entries\n",
		   (unsigned long)FRAME0_GPA, (unsigned long)(uintptr_t)frame[1]);
	return NULL;
}

static bool entries_intact(void)
{
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		for (unsigned int i = 0; i < 16; i++) {
			const struct grant_entry_v1 *e = &frame[f][f ? 80 + i : i];

			if (e->flags != want[f][i].flags || e->domid != want[f][i].domid ||
			    e->frame != want[f][i].frame)
				return false;
		}
	return true;
}

static bool copy_through(unsigned int ref, const uint8_t *expect)
{
	struct gnttab_copy op = {
		.source = { .u.ref = ref, .domid = DOMID_SELF, .offset = 64 },
		.dest = { .u.gmfn = (uintptr_t)dst >> 12, .domid = DOMID_SELF },
		.len = COPY_LEN, .flags = GNTCOPY_source_gref,
	};

	for (unsigned int i = 0; i < COPY_LEN; i++)
		dst[i] = 0;
	if (gnttab(GNTTABOP_copy, &op, 1) || op.status != GNTST_okay)
		return false;
	for (unsigned int i = 0; i < COPY_LEN; i++)
		if (dst[i] != expect[64 + i])
			return false;
	return true;
}

const char *grants_check(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	if (!entries_intact())
		return "entries changed";
	if (gnttab(GNTTABOP_query_size, &q, 1) || q.status != GNTST_okay ||
	    q.nr_frames != NR_FRAMES)
		return "query_size";
	if (!copy_through(REF_SELF0, src[0]))
		return "copy through frame 0's grant";
	if (!copy_through(REF_SELF1, src[1]))
		return "copy through frame 1's grant";
	return NULL;
}
