/* Two vCPUs of one domain map and unmap at once (role=stress, vcpus=2):
 * each maps its own grant of a page to itself at its own addresses,
 * reads the page through every mapping, and unmaps, many times over.
 * With the grant lock right no two mappings share a handle (every
 * unmap succeeds) and the pins add up (the entry's flags are clear at
 * the end); every mapping shows the page. */
#include <public/sched.h>
#include <public/vcpu.h>
#include "cpu.h"
#include "grant.h"
#include "hypercall.h"
#include "runtime.h"
#include "vcpu_up.h"

#define ROUNDS		150
#define PER_ROUND	8
#define REF_SELF	5
#define STRESS_BASE	(MAP_BASE + 0x200000)

static struct grant_entry_v1 *table;
static uint8_t *page;
static volatile uint32_t done, errors;

static void note_error(unsigned int cpu, const char *what, long rc)
{
	if (__atomic_fetch_add(&errors, 1, __ATOMIC_SEQ_CST) < 5)
		con_printf("grant: stress vcpu %u: %s: %ld\n", cpu, what, rc);
}

/* One vCPU's share: PER_ROUND mappings at its own addresses, read, gone. */
static void hammer(unsigned int cpu)
{
	uint16_t me = own_domid();

	for (unsigned int r = 0; r < ROUNDS; r++) {
		struct gnttab_map_grant_ref map[PER_ROUND];
		struct gnttab_unmap_grant_ref unmap[PER_ROUND];
		long rc;

		for (unsigned int i = 0; i < PER_ROUND; i++)
			map[i] = (struct gnttab_map_grant_ref){
				.host_addr = STRESS_BASE + (cpu * PER_ROUND + i) * 4096ULL,
				.flags = GNTMAP_host_map | (i & 1 ? GNTMAP_readonly : 0),
				.ref = REF_SELF, .dom = me,
			};
		rc = gnttab_op(GNTTABOP_map_grant_ref, map, PER_ROUND);
		for (unsigned int i = 0; i < PER_ROUND; i++) {
			const volatile uint8_t *m = (const volatile uint8_t *)(uintptr_t)map[i].host_addr;

			if (rc || map[i].status) {
				note_error(cpu, "map", rc ? rc : map[i].status);
				continue;
			}
			if (m[0] != 0x77 || m[4095] != 0x77)
				note_error(cpu, "mapping shows another page", m[0]);
			unmap[i] = (struct gnttab_unmap_grant_ref){
				.host_addr = map[i].host_addr, .handle = map[i].handle,
			};
		}
		rc = gnttab_op(GNTTABOP_unmap_grant_ref, unmap, PER_ROUND);
		for (unsigned int i = 0; i < PER_ROUND; i++)
			if (rc || unmap[i].status)
				note_error(cpu, "unmap", rc ? rc : unmap[i].status);
	}
	__atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
}

static void __attribute__((noreturn, used)) ap_main(uint64_t cpu)
{
	hammer((unsigned int)cpu);
	for (;;)
		hv_sched_op(SCHEDOP_block, NULL);
}

int stress(void)
{
	uint64_t end;

	table = page_alloc();
	page = page_alloc();
	memset(page, 0x77, 4096);
	expect(place_grant_frame(0, table) == 0, "stress: grant table placed", 0);
	table[REF_SELF].domid = own_domid();
	table[REF_SELF].frame = (uint32_t)((uintptr_t)page >> 12);
	__atomic_store_n(&table[REF_SELF].flags, GTF_permit_access, __ATOMIC_RELEASE);
	expect(vcpu_start(1, ap_main, 1) == 0, "stress: vCPU 1 started", 0);
	hammer(0);
	for (end = guest_time_ns() + WAIT_NS * 4; done < 2 && guest_time_ns() < end; )
		nap(10);
	expect(done == 2, "stress: both vCPUs finished", done);
	expect(errors == 0, "stress: every map and unmap on both vCPUs at once succeeded", errors);
	expect(!(table[REF_SELF].flags & (GTF_reading | GTF_writing)),
	       "stress: the pins added up (entry flags clear)", table[REF_SELF].flags);
	return 0;
}
