/* The attacker: every argument Xen refuses, refused with Xen's status
 * or error; another domain's grants untouchable; its own maptrack and
 * grant frames exhausted, then given back. */
#include <public/errno.h>
#include "grant.h"
#include "runtime.h"

#define MAPTRACK_MAX	128
#define FRAMES_MAX	64

static long map_op(struct gnttab_map_grant_ref *op)
{
	long rc = gnttab_op(GNTTABOP_map_grant_ref, op, 1);

	return rc ? rc : op->status;
}

static long map(uint16_t dom, grant_ref_t ref, uint64_t at, uint32_t flags)
{
	struct gnttab_map_grant_ref op = { .host_addr = at, .flags = flags, .ref = ref, .dom = dom };

	return map_op(&op);
}

static long unmap(uint64_t at, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = at, .handle = handle };
	long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? rc : op.status;
}

static long copy(uint16_t sdom, uint64_t s, uint16_t ddom, uint64_t d, uint16_t doff,
		 uint16_t len, uint16_t flags)
{
	struct gnttab_copy op = { .len = len, .flags = flags };
	long rc;

	op.source.u.gmfn = s;
	op.source.domid = sdom;
	op.dest.u.gmfn = d;
	op.dest.domid = ddom;
	op.dest.offset = doff;
	rc = gnttab_op(GNTTABOP_copy, &op, 1);
	return rc ? rc : op.status;
}

static void bad_maps(uint16_t peer)
{
	uint64_t at = MAP_BASE + 0x100000, end = guest_time_ns() + WAIT_NS;
	long rc;

	/* The granter may not have placed its table yet. */
	while ((rc = map(peer, REF_RW, at, GNTMAP_host_map)) == GNTST_bad_gntref &&
	       guest_time_ns() < end)
		;
	expect(rc == GNTST_general_error, "map another domain's grant (given to someone else)", rc);
	expect(map(peer, 40000, at, GNTMAP_host_map) == GNTST_bad_gntref, "map ref out of range", 0);
	expect(map(peer, 600, at, GNTMAP_host_map) == GNTST_bad_gntref,
	       "map ref in a frame never placed", 0);
	expect(map(1000, 1, at, GNTMAP_host_map) == GNTST_bad_domain, "map from domain 1000", 0);
	expect(map(DOMID_SELF, 1, at, GNTMAP_host_map) == GNTST_bad_domain,
	       "map from DOMID_SELF", 0);
	expect(map(peer, REF_RW, at, 0) == GNTST_bad_gntref, "map with no host/device flag", 0);
	expect(map(peer, REF_RW, at, GNTMAP_host_map | GNTMAP_contains_pte) == GNTST_general_error,
	       "map with GNTMAP_contains_pte", 0);
	expect(map(peer, REF_RW, at, GNTMAP_device_map) == GNTST_general_error,
	       "map with GNTMAP_device_map", 0);
	expect(unmap(at, 5000) == GNTST_bad_handle, "unmap handle 5000", 0);
	expect(unmap(at, 0) == GNTST_bad_handle, "unmap a handle never given", 0);
}

static void bad_copies(uint16_t peer)
{
	uint64_t mine = (uintptr_t)page_alloc() >> 12;

	expect(copy(DOMID_SELF, mine, DOMID_SELF, mine, 4000, 200, 0) == GNTST_bad_copy_arg,
	       "copy past the end of the page", 0);
	expect(copy(peer, 1, DOMID_SELF, mine, 0, 8, 0) == GNTST_permission_denied,
	       "copy by frame from another domain", 0);
	expect(copy(peer, REF_RW, DOMID_SELF, mine, 0, 8, GNTCOPY_source_gref) ==
	       GNTST_general_error, "copy from another domain's grant to someone else", 0);
	expect(copy(DOMID_SELF, mine, peer, REF_RO, 0, 8, GNTCOPY_dest_gref) ==
	       GNTST_general_error, "copy into another domain's grant to someone else", 0);
	expect(copy(DOMID_SELF, 1ULL << 30, DOMID_SELF, mine, 0, 8, 0) == GNTST_bad_page,
	       "copy from a frame beyond my RAM", 0);
	expect(copy(1000, 1, DOMID_SELF, mine, 0, 8, GNTCOPY_source_gref) == GNTST_bad_domain,
	       "copy from domain 1000's grant", 0);
}

static void bad_calls(uint16_t peer)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 65 };
	struct gnttab_set_version sv = { .version = 2 };
	long rc;

	rc = gnttab_op(GNTTABOP_map_grant_ref, (void *)0xdead00000000ULL, 1);
	expect(rc == -XEN_EFAULT, "map with a bad pointer: -EFAULT", rc);
	rc = gnttab_op(GNTTABOP_copy, (void *)0x7ff000000000ULL, 3);
	expect(rc == -XEN_EFAULT, "copy with a bad pointer: -EFAULT", rc);
	rc = gnttab_op(GNTTABOP_map_grant_ref, &qs, 0xffffffffu);
	expect(rc == -XEN_EINVAL, "a negative count: -EINVAL", rc);
	rc = gnttab_op(GNTTABOP_query_size, &qs, 2);
	expect(rc == -XEN_EINVAL, "query_size with count 2: -EINVAL", rc);
	qs.dom = peer;
	rc = gnttab_op(GNTTABOP_query_size, &qs, 1);
	expect(rc == 0 && qs.status == GNTST_permission_denied, "query_size of another domain",
	       qs.status);
	qs.dom = 1000;
	rc = gnttab_op(GNTTABOP_query_size, &qs, 1);
	expect(rc == 0 && qs.status == GNTST_bad_domain, "query_size of domain 1000", qs.status);
	rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
	expect(rc == 0 && st.status == GNTST_general_error, "setup_table with 65 frames", st.status);
	rc = gnttab_op(GNTTABOP_set_version, &sv, 1);
	expect(rc == -XEN_ENOSYS && sv.version == 1, "set_version 2: -ENOSYS, version 1", rc);
	sv.version = 3;
	rc = gnttab_op(GNTTABOP_set_version, &sv, 1);
	expect(rc == -XEN_EINVAL, "set_version 3: -EINVAL", rc);
	rc = gnttab_op(99, &sv, 1);
	expect(rc == -XEN_ENOSYS, "unknown command: -ENOSYS", rc);
	rc = gnttab_op(GNTTABOP_transfer, &sv, 1);
	expect(rc == -XEN_ENOSYS, "GNTTABOP_transfer: -ENOSYS", rc);
}

static void bad_flushes(void)
{
	struct gnttab_cache_flush cf = { .a.dev_bus_addr = (uintptr_t)page_alloc(), .offset = 0,
					 .length = 64, .op = GNTTAB_CACHE_CLEAN };
	long rc;

	rc = gnttab_op(GNTTABOP_cache_flush, &cf, 1);
	expect(rc == 0, "cache_flush clean of my page", rc);
	cf.offset = 4090;
	rc = gnttab_op(GNTTABOP_cache_flush, &cf, 1);
	expect(rc == -XEN_EINVAL, "cache_flush past the page: -EINVAL", rc);
	cf.offset = 0;
	cf.op = GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN;
	rc = gnttab_op(GNTTABOP_cache_flush, &cf, 1);
	expect(rc == -XEN_EOPNOTSUPP, "cache_flush by grant ref: -EOPNOTSUPP", rc);
	cf.op = GNTTAB_CACHE_CLEAN;
	cf.a.dev_bus_addr = 1ULL << 36;
	rc = gnttab_op(GNTTABOP_cache_flush, &cf, 1);
	expect(rc == -XEN_EINVAL, "cache_flush of memory not mine: -EINVAL", rc);
}

/* Grant a page to myself and map it until the maptrack is full. */
static void exhaust_maptrack(void)
{
	struct grant_entry_v1 *table = page_alloc();
	uint8_t *page = page_alloc();
	uint16_t me = own_domid();
	unsigned int n = 0;
	long rc = place_grant_frame(0, table);

	expect(rc == 0, "my grant table frame placed", rc);
	table[3].domid = me;
	table[3].frame = (uint32_t)((uintptr_t)page >> 12);
	__atomic_store_n(&table[3].flags, GTF_permit_access, __ATOMIC_RELEASE);
	expect(map(me, 3, 0x100000, GNTMAP_host_map) == GNTST_general_error,
	       "map over my own RAM", 0);
	while (n < MAPTRACK_MAX + 1 &&
	       (rc = map(me, 3, MAP_BASE + n * 4096ULL, GNTMAP_host_map)) == GNTST_okay)
		n++;
	expect(n == MAPTRACK_MAX && rc == GNTST_no_device_space,
	       "maptrack full after 128 maps: GNTST_no_device_space", n);
	expect((table[3].flags & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
	       "my entry shows GTF_reading|GTF_writing while mapped", table[3].flags);
	for (unsigned int i = 0; i < n; i++)
		if (unmap(MAP_BASE + i * 4096ULL, i) != GNTST_okay)
			break;
	expect(!(table[3].flags & (GTF_reading | GTF_writing)),
	       "every mapping unmapped: flags cleared", table[3].flags);
}

static void exhaust_frames(void)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	unsigned int placed = 0;
	long rc = 0;

	for (unsigned int i = 0; i <= FRAMES_MAX && rc == 0; i++) {
		void *p = page_alloc();

		rc = p ? place_grant_frame(i, p) : -1;
		placed += rc == 0;
	}
	expect(placed == FRAMES_MAX && rc == -XEN_EINVAL,
	       "64 grant frames placed, the 65th refused with -EINVAL", placed);
	rc = gnttab_op(GNTTABOP_query_size, &qs, 1);
	expect(rc == 0 && qs.nr_frames == FRAMES_MAX, "query_size: 64 frames", qs.nr_frames);
}

int attacker(uint16_t peer)
{
	bad_maps(peer);
	bad_copies(peer);
	bad_calls(peer);
	bad_flushes();
	exhaust_maptrack();
	exhaust_frames();
	return 0;
}
