/* The granting side: a grant table frame, a writable and a read-only
 * grant to the peer, then the peer's bytes checked and the grants
 * revoked as the protocol says (flags cleared by compare-and-swap once
 * the hypervisor has cleared GTF_reading and GTF_writing). */
#include "grant.h"
#include "runtime.h"

static struct grant_entry_v1 *table;

static void grant(grant_ref_t ref, uint16_t peer, void *page, uint16_t flags)
{
	table[ref].domid = peer;
	table[ref].frame = (uint32_t)((uintptr_t)page >> 12);
	__atomic_store_n(&table[ref].flags, flags, __ATOMIC_RELEASE);
}

static bool wait_for(volatile uint32_t *word, uint32_t value)
{
	uint64_t end = guest_time_ns() + WAIT_NS;

	while (*word != value)
		if (guest_time_ns() > end)
			return false;
	return true;
}

static bool wait_unused_for(grant_ref_t ref, uint64_t ns)
{
	uint64_t end = guest_time_ns() + ns;

	while (__atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing)) {
		if (guest_time_ns() > end)
			return false;
		nap(50);
	}
	return true;
}

static bool wait_unused(grant_ref_t ref)
{
	return wait_unused_for(ref, WAIT_NS);
}

static bool revoke(grant_ref_t ref)
{
	uint16_t flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);

	if (flags & (GTF_reading | GTF_writing))
		return false;
	return __atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static unsigned int count_bytes(const uint8_t *p, unsigned int n, uint8_t v)
{
	unsigned int same = 0;

	for (unsigned int i = 0; i < n; i++)
		same += p[i] == v;
	return same;
}

/* Wait for the mapper to map ref 1, then for its destruction to give
 * the entry back. */
static void until_mapper_destroyed(void)
{
	uint64_t end = guest_time_ns() + HOLD_NS;

	while (!(__atomic_load_n(&table[REF_RW].flags, __ATOMIC_ACQUIRE) & GTF_reading) &&
	       guest_time_ns() < end)
		nap(100);
	expect(table[REF_RW].flags & GTF_writing, "the mapper maps ref 1 writable",
	       table[REF_RW].flags);
	con_puts("grant: the mapper holds ref 1\n");
	expect(wait_unused_for(REF_RW, HOLD_NS),
	       "the mapper's destruction cleared GTF_reading and GTF_writing", table[REF_RW].flags);
	expect(revoke(REF_RW) && revoke(REF_RO), "both grants revoked", table[REF_RW].flags);
}

int granter(uint16_t peer, unsigned int hold)
{
	uint8_t *rw, *ro;
	long rc;

	table = page_alloc();
	rw = page_alloc();
	ro = page_alloc();
	rc = place_grant_frame(0, table);
	expect(rc == 0, "grant table frame 0 placed", rc);
	for (unsigned int i = 0; i < 1024; i++)
		rw[i] = PATTERN_RW(i);
	memset(ro, PATTERN_RO, 4096);
	grant(REF_RW, peer, rw, GTF_permit_access);
	grant(REF_RO, peer, ro, GTF_permit_access | GTF_readonly);
	con_printf("grant: granted refs %u (rw) and %u (ro) to domain %u\n", REF_RW, REF_RO, peer);
	if (hold == 2) {
		until_mapper_destroyed();
		return 0;
	}
	if (hold) {
		/* Until destroyed: the mapper checks its mapping goes with us. */
		for (uint64_t end = guest_time_ns() + HOLD_NS; guest_time_ns() < end; )
			nap(1000);
		return 0;
	}

	expect(wait_for((volatile uint32_t *)(rw + OFF_DONE), DONE_MAGIC),
	       "the mapper says it is done", 0);
	expect(count_bytes(rw + OFF_MAPPED, 256, 0x5a) == 256,
	       "the mapper's writes through its mapping arrived", count_bytes(rw + OFF_MAPPED, 256, 0x5a));
	expect(count_bytes(rw + OFF_COPIED, 256, 0x3c) == 256,
	       "the mapper's GNTTABOP_copy into the grant arrived", count_bytes(rw + OFF_COPIED, 256, 0x3c));
	expect(count_bytes(ro, 4096, PATTERN_RO) == 4096,
	       "the read-only page is unchanged", count_bytes(ro, 4096, PATTERN_RO));
	expect(wait_unused(REF_RW) && wait_unused(REF_RO),
	       "GTF_reading and GTF_writing cleared once unmapped", table[REF_RW].flags);
	expect(revoke(REF_RW) && revoke(REF_RO), "both grants revoked", table[REF_RW].flags);
	return 0;
}
