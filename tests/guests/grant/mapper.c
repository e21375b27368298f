/* The mapping side: the peer's grants mapped above RAM and checked both
 * ways, GNTTABOP_copy in and out of them, a write to the read-only
 * mapping (#GP, as Xen gives it), then the mappings taken down. */
#include "cpu.h"
#include "grant.h"
#include "hypercall.h"
#include "runtime.h"
#include "trap.h"

long gnt_map(uint16_t peer, grant_ref_t ref, uint64_t at, uint32_t flags,
	     grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = at, .flags = flags, .ref = ref, .dom = peer,
	};
	long rc = gnttab_op(GNTTABOP_map_grant_ref, &op, 1);

	*handle = op.handle;
	return rc ? rc : op.status;
}

long gnt_unmap(uint64_t at, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = at, .handle = handle };
	long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1);

	return rc ? rc : op.status;
}

static long copy(struct gnttab_copy *op)
{
	long rc = gnttab_op(GNTTABOP_copy, op, 1);

	return rc ? rc : op->status;
}

/* The granter may not have granted yet: try until it has. */
static long map_when_granted(uint16_t peer, grant_handle_t *h)
{
	uint64_t end = guest_time_ns() + WAIT_NS;
	long rc;

	do
		rc = gnt_map(peer, REF_RW, MAP_BASE, GNTMAP_host_map, h);
	while (rc != GNTST_okay && guest_time_ns() < end);
	return rc;
}

static unsigned int first_mismatch(const volatile uint8_t *p)
{
	for (unsigned int i = 0; i < 1024; i++)
		if (p[i] != PATTERN_RW(i))
			return i;
	return 1024;
}

static void write_ro(void *arg)
{
	*(volatile uint8_t *)arg = 0;
}

static void check_ro(uint16_t peer)
{
	volatile uint8_t *ro = (volatile uint8_t *)(uintptr_t)(MAP_BASE + 4096);
	struct trap_record rec;
	grant_handle_t h, h2;
	long rc;

	rc = gnt_map(peer, REF_RO, MAP_BASE + 8192, GNTMAP_host_map, &h2);
	expect(rc == GNTST_general_error, "a writable map of a read-only grant is refused", rc);
	rc = gnt_map(peer, REF_RO, MAP_BASE + 4096, GNTMAP_host_map | GNTMAP_readonly, &h);
	expect(rc == GNTST_okay, "read-only grant mapped read-only", rc);
	expect(ro[0] == PATTERN_RO && ro[4095] == PATTERN_RO, "read-only mapping reads the page",
	       ro[0]);
	/* CR0.WP is clear here (the runtime never sets it): a read-only
	 * mapping must hold against CPL 0 writes all the same. */
	rec.vector = ~0ULL;
	expect(trap_catch(write_ro, (void *)ro, &rec) && rec.vector == TRAP_GP,
	       "a write to the read-only mapping gets #GP (CR0.WP clear)", (long)rec.vector);
	expect(!(read_cr0() & CR0_WP), "CR0 reads back without WP", (long)read_cr0());
	rc = gnt_unmap(MAP_BASE + 4096, h);
	expect(rc == GNTST_okay, "read-only mapping unmapped", rc);
}

static void check_copy(uint16_t peer)
{
	uint8_t *mine = page_alloc();
	struct gnttab_copy op = { 0 };
	long rc;

	memset(mine, 0x3c, 256);
	op.source.u.gmfn = (uintptr_t)mine >> 12;
	op.source.domid = DOMID_SELF;
	op.dest.u.ref = REF_RW;
	op.dest.domid = peer;
	op.dest.offset = OFF_COPIED;
	op.len = 256;
	op.flags = GNTCOPY_dest_gref;
	rc = copy(&op);
	expect(rc == GNTST_okay, "copy from my frame into the grant", rc);

	memset(mine, 0, 4096);
	op = (struct gnttab_copy){ 0 };
	op.source.u.ref = REF_RO;
	op.source.domid = peer;
	op.source.offset = 100;
	op.dest.u.gmfn = (uintptr_t)mine >> 12;
	op.dest.domid = DOMID_SELF;
	op.dest.offset = 200;
	op.len = 3000;
	op.flags = GNTCOPY_source_gref;
	rc = copy(&op);
	expect(rc == GNTST_okay && mine[200] == PATTERN_RO && mine[3199] == PATTERN_RO &&
	       mine[199] == 0 && mine[3200] == 0, "copy from the read-only grant into my frame",
	       rc);

	op = (struct gnttab_copy){ 0 };
	op.source.u.gmfn = (uintptr_t)mine >> 12;
	op.source.domid = DOMID_SELF;
	op.dest.u.ref = REF_RO;
	op.dest.domid = peer;
	op.len = 16;
	op.flags = GNTCOPY_dest_gref;
	rc = copy(&op);
	expect(rc == GNTST_general_error, "copy into the read-only grant is refused", rc);
}

static void check_queries(void)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct gnttab_set_version sv = { .version = 1 };
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	long rc;

	rc = gnttab_op(GNTTABOP_query_size, &qs, 1);
	expect(rc == 0 && qs.status == GNTST_okay && qs.nr_frames == 1 && qs.max_nr_frames == 64,
	       "query_size: 1 frame of 64", rc ? rc : (long)qs.max_nr_frames);
	rc = gnttab_op(GNTTABOP_set_version, &sv, 1);
	expect(rc == 0 && sv.version == 1, "set_version 1", rc);
	rc = gnttab_op(GNTTABOP_get_version, &gv, 1);
	expect(rc == 0 && gv.version == 1, "get_version: 1", rc);
}

/* Hold the mapping until the granter is destroyed: then the mapping
 * is taken down, and the page reads as nothing (all-ones). */
static void hold_until_revoked(volatile uint8_t *m, grant_handle_t h)
{
	uint64_t end = guest_time_ns() + HOLD_NS;
	long rc;

	con_puts("grant: holding the mapping\n");
	while (*(volatile uint32_t *)m != 0xffffffffu && guest_time_ns() < end)
		nap(200);
	expect(*(volatile uint32_t *)m == 0xffffffffu, "the mapping went with the granter",
	       *(volatile uint32_t *)m);
	rc = gnt_unmap(MAP_BASE, h);
	expect(rc == GNTST_bad_handle, "its handle went too: GNTST_bad_handle", rc);
}

int mapper(uint16_t peer, unsigned int hold)
{
	volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)MAP_BASE;
	grant_handle_t h;
	long rc;

	rc = map_when_granted(peer, &h);
	expect(rc == GNTST_okay, "the peer's writable grant mapped", rc);
	if (rc != GNTST_okay)
		return 0;
	expect(first_mismatch(m) == 1024, "the mapping shows the granter's bytes", first_mismatch(m));
	if (hold == 2) {
		/* Until destroyed: the granter checks its entry is given back. */
		con_puts("grant: holding the mapping until destroyed\n");
		for (uint64_t end = guest_time_ns() + HOLD_NS; guest_time_ns() < end; )
			nap(1000);
		return 0;
	}
	if (hold) {
		hold_until_revoked(m, h);
		return 0;
	}
	for (unsigned int i = 0; i < 256; i++)
		m[OFF_MAPPED + i] = 0x5a;
	check_ro(peer);
	check_copy(peer);
	check_queries();
	*(volatile uint32_t *)(m + OFF_DONE) = DONE_MAGIC;
	rc = gnt_unmap(MAP_BASE + 4, h);
	expect(rc == GNTST_okay, "writable mapping unmapped", rc);
	expect(*(volatile uint32_t *)m == 0xffffffffu, "nothing is mapped there any more",
	       *(volatile uint32_t *)m);
	rc = gnt_unmap(MAP_BASE, h);
	expect(rc == GNTST_bad_handle, "a second unmap of the handle: GNTST_bad_handle", rc);
	return 0;
}
