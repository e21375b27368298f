/*
 * pvpingpong's option ptgrant, a translated pair (paging=shadow): Xen's
 * type conflict between a writable grant mapping and a page table of the
 * granter's, both ways round (docs/pv.md, "Grant tables").
 *  - The server grants the L1 table that maps its shared page: the
 *    client's writable mapping of it is GNTST_general_error (its stores
 *    would pass the server's shadows by), a read-only one maps.
 *  - The server grants a data page the client maps writable; while the
 *    client holds it the page is no page table of the server's: a pin
 *    and a user base pointer of it are -EINVAL, and linked as an L1 the
 *    walk through it is the server's #PF. Once the client has unmapped
 *    it (the last event), the same link works.
 */
#include <public/grant_table.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/xen.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pingpong.h"

#define REF_TABLE	11	/* its L1 table */
#define REF_LATER	12	/* a page that becomes one */
#define WAIT_YIELDS	1000000
#define LEAF		(PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)

static uint8_t later_page[4096] __attribute__((aligned(4096)));
static uint8_t client_page[4096] __attribute__((aligned(4096)));
static grant_handle_t later_handle;
static uint64_t *l2_entry;	/* where the server links later_page */
static uint64_t linked_va;

static long mmuext1(unsigned int cmd, uint64_t frame)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = frame };

	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, 0, DOMID_SELF);
}

static long mmu_update1(uint64_t *entry, uint64_t val)
{
	uint64_t at = pt_frame(entry) + ((uint64_t)(uintptr_t)entry & 0xfff);
	struct mmu_update u = { .ptr = at | MMU_NORMAL_PT_UPDATE, .val = val };

	return hypercall4(__HYPERVISOR_mmu_update, &u, 1, 0, DOMID_SELF);
}

/* The table of the given level on the way to va (start-of-day tables). */
static uint64_t *table_of(const struct start_info *si, uint64_t va, int level)
{
	uint64_t *t = (uint64_t *)(uintptr_t)si->pt_base;

	for (int l = 4; t && l > level; l--) {
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(e & PT_P) || (e & PT_PS))
			return NULL;
		t = pt_frame_va(e & PT_ADDR);
	}
	return t;
}

void ptgrant_server_setup(const struct start_info *si, domid_t peer, struct pp_page *pg)
{
	uint64_t va = (uint64_t)(uintptr_t)pg;
	uint64_t *l1, *l2;

	expect(pt_init(si) == 0 && pt_translated(), "server: ptgrant: translated page-table helpers");
	l1 = table_of(si, va, 1);
	l2 = table_of(si, va, 2);
	expect(l1 && l2 && (l1[(va >> 12) & 511] & PT_ADDR) == pt_frame(pg),
	       "server: ptgrant: the L1 table mapping its shared page, found");
	if (!l1 || !l2)
		return;
	for (unsigned int s = 511; s > 0 && !l2_entry; s--)
		if (!l2[s]) {
			l2_entry = &l2[s];
			linked_va = (va & ~((1ULL << 30) - 1)) | (uint64_t)s << 21;
		}
	expect(l2_entry != NULL, "server: ptgrant: a free slot in its L2");
	/* An L1 in waiting: its first entry maps the shared page. */
	((volatile uint64_t *)later_page)[0] = pt_frame(pg) | LEAF;
	pp_grant(REF_TABLE, peer, pt_frame(l1) >> 12);
	pp_grant(REF_LATER, peer, pt_frame(later_page) >> 12);
}

/* After the rounds; the client still maps later_page writable. */
void ptgrant_server_mapped(struct pp_page *pg)
{
	uint64_t frame = pt_frame(later_page) >> 12;

	trap_set_handler(14, probe_record);
	expect(mmuext1(MMUEXT_PIN_L1_TABLE, frame) == -XEN_EINVAL,
	       "server: ptgrant: a pin of its page the peer maps writable: -EINVAL");
	expect(mmuext1(MMUEXT_NEW_USER_BASEPTR, frame) == -XEN_EINVAL,
	       "server: ptgrant: that page as its user base pointer: -EINVAL");
	mmuext1(MMUEXT_NEW_USER_BASEPTR, 0);
	if (l2_entry) {
		expect(mmu_update1(l2_entry, pt_frame(later_page) | PT_P | PT_W | PT_U | PT_A) == 0,
		       "server: ptgrant: that page linked as an L1 (mmu_update)");
		expect(RAISES("mov (%1), %%rax", "r"(linked_va)) == 14,
		       "server: ptgrant: a read through it while the peer maps it: #PF");
	}
	__atomic_store_n(&pg->ptgrant_state, 1, __ATOMIC_RELEASE);
}

/* After the client's last event: it unmapped everything. */
void ptgrant_server_after(struct pp_page *pg)
{
	uint64_t got = 0;

	if (!l2_entry)
		return;
	expect(RAISES("mov (%1), %%rax; mov %%rax, (%2)", "r"(linked_va), "r"(&got)) == ~0ULL &&
	       got == *(volatile uint64_t *)pg,
	       "server: ptgrant: once the peer unmapped it, the same read reaches its shared page");
	expect(mmu_update1(l2_entry, 0) == 0 && pt_invlpg(linked_va) == 0,
	       "server: ptgrant: unlinked again");
}

static unsigned int present_entries(volatile const uint64_t *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 512; i++)
		n += t[i] & PT_P;
	return n;
}

void ptgrant_client_map(domid_t peer)
{
	grant_handle_t h = 0;

	expect(pp_map(peer, REF_TABLE, client_page, GNTMAP_host_map, &h) == GNTST_general_error,
	       "client: ptgrant: a writable mapping of the peer's L1 table: GNTST_general_error");
	expect(pp_map(peer, REF_TABLE, client_page, GNTMAP_host_map | GNTMAP_readonly, &h) ==
	       GNTST_okay && present_entries((volatile uint64_t *)client_page) &&
	       pp_unmap(client_page, h) == GNTST_okay,
	       "client: ptgrant: read-only it maps, its entries seen, and unmaps");
	expect(pp_map(peer, REF_LATER, client_page, GNTMAP_host_map, &later_handle) == GNTST_okay,
	       "client: ptgrant: a data page of the peer's mapped writable");
}

/* Held until the server has tried to make it a table. */
void ptgrant_client_unmap(struct pp_page *pg)
{
	unsigned int i;

	for (i = 0; i < WAIT_YIELDS && !__atomic_load_n(&pg->ptgrant_state, __ATOMIC_ACQUIRE); i++)
		hv_sched_op(SCHEDOP_yield, NULL);
	expect(i < WAIT_YIELDS && pp_unmap(client_page, later_handle) == GNTST_okay,
	       "client: ptgrant: the server tried, the data page unmapped");
}
