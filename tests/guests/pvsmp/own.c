/*
 * What vCPU 1 has of its own (pvsmp.h), and the checks that need it:
 *  - VCPUOP_initialise with an LDT (ldt_base, ldt_ents): vCPU 1 starts
 *    with one, at an address only its own page tables map, and uses an
 *    LDT selector at once;
 *  - update_descriptor by vCPU 0 of a descriptor in vCPU 1's GDT while
 *    vCPU 1 runs: vCPU 1's next LSL must see it, though nothing makes
 *    it leave the guest meanwhile (Xen maps the GDT frames, so there it
 *    is at once);
 *  - grant map, unmap and unmap_and_replace (GNTMAP_host_map) made by
 *    vCPU 1 at an address only its own tables map: Xen walks the
 *    calling vCPU's tables (translated, the grant table frame and the
 *    granted page are named by guest frame, pt_frame's);
 *  - a VCPUOP_initialise whose tables take more than one call to
 *    validate (EXTRA_L1 more L1 tables under vCPU 1's own slot; on
 *    shared page tables the hypervisor says in how many steps).
 */
#include <stdbool.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pvsmp.h"

#define TABLE		(PT_P | PT_W | PT_U | PT_A)
#define DATA_RO		(PT_P | PT_U | PT_A | PT_NX)
#define DATA_RW		(PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)
/* A flat data segment, read/write, present, DPL 3, 32-bit, byte
 * granular, with the given limit (below 64 KiB). */
#define DATA_DESC(limit)	((uint64_t)(limit) | (0xf2ULL << 40) | (0x40ULL << 48))
#define GDT_IDX		2		/* vCPU 1's data segment: selector 0x13 */
#define GDT_SEL		((GDT_IDX << 3) | 3)
#define GDT_ENTS	16
#define LDT_SEL		0x07		/* entry 0, TI, RPL 3 */
#define LDT_ENTS	4
#define LIMIT0		0x1000
#define LDT_LIMIT	0x777
#define UPDATES		8
#define MAGIC_C		0xc3c3c3c3c3c3c3c3ULL
#define MAGIC_G		0x6767676767676767ULL
#define GREF		8
#define EXTRA_L1	40

static uint64_t l4_1[512] __attribute__((aligned(4096)));
static uint64_t l3_1[512] __attribute__((aligned(4096)));
static uint64_t l2_1[512] __attribute__((aligned(4096)));
static uint64_t l1_1[512] __attribute__((aligned(4096)));
static uint64_t gdt1[512] __attribute__((aligned(4096)));
static uint64_t ldt1[512] __attribute__((aligned(4096)));
static uint64_t page_c[512] __attribute__((aligned(4096)));
static uint64_t granted[512] __attribute__((aligned(4096)));
static uint8_t table_va[4096] __attribute__((aligned(4096)));
static uint64_t writable_page[512] __attribute__((aligned(4096)));
static uint64_t extra_l1[EXTRA_L1][512] __attribute__((aligned(4096)));

/* Between the vCPUs. */
static volatile uint64_t ldt_limit, ldt_es, v1_started;
static volatile uint64_t desc_seq, desc_ack, desc_limit;
static volatile uint32_t v1_cmd;
static volatile domid_t self;
static volatile int64_t g_status[4];
static volatile uint64_t g_value[2];

enum { CMD_NONE, CMD_GRANTS, CMD_DONE };

static uint32_t seg_limit(uint32_t sel)
{
	uint32_t limit = ~0u;

	__asm__ volatile("lsl %1, %0" : "+r"(limit) : "r"(sel) : "cc");
	return limit;
}

long own_build(const struct start_info *si)
{
	const uint64_t *boot = (const uint64_t *)(uintptr_t)si->pt_base;
	uint64_t *pages[] = { l1_1, l2_1, l3_1, l4_1, gdt1, ldt1 };
	long rc = 0;

	/* The guest's half of the address space as vCPU 0 has it (the same
	 * lower tables), but for the one slot of OWN_VA. */
	for (unsigned int i = 0; i < 256; i++)
		l4_1[i] = boot[i];
	if (l4_1[OWN_VA >> 39] & PT_P)
		return -1;
	l4_1[OWN_VA >> 39] = pt_frame(l3_1) | TABLE;
	l3_1[0] = pt_frame(l2_1) | TABLE;
	l2_1[0] = pt_frame(l1_1) | TABLE;
	/* Empty L1 tables for the next 2 MiB steps. */
	for (unsigned int i = 0; i < EXTRA_L1; i++)
		l2_1[1 + i] = pt_frame(extra_l1[i]) | TABLE;
	/* OWN_VA: nothing yet (where the grant goes); then the LDT page,
	 * read-only as a descriptor page must be, then page C. */
	l1_1[1] = pt_frame(ldt1) | DATA_RO;
	l1_1[2] = pt_frame(page_c) | DATA_RW;
	page_c[0] = MAGIC_C;
	gdt1[GDT_IDX] = DATA_DESC(LIMIT0);
	ldt1[0] = DATA_DESC(LDT_LIMIT);
	granted[0] = MAGIC_G;
	/* Tables and descriptor pages read-only in the start-of-day
	 * mapping (shared page tables); the L4 is validated when
	 * VCPUOP_initialise takes it. */
	for (unsigned int i = 0; i < sizeof(pages) / sizeof(pages[0]) && !rc; i++)
		rc = pt_make_table(pages[i]);
	for (unsigned int i = 0; i < EXTRA_L1 && !rc; i++)
		rc = pt_make_table(extra_l1[i]);
	return rc;
}

void own_context(struct vcpu_guest_context *ctx)
{
	ctx->ctrlreg[3] = pt_frame(l4_1);
	ctx->gdt_frames[0] = pt_frame(gdt1) >> 12;
	ctx->gdt_ents = GDT_ENTS;
	ctx->ldt_base = OWN_LDT_VA;
	ctx->ldt_ents = LDT_ENTS;
}

void own_hostile(struct vcpu_guest_context *ctx, void (*refused)(long want, const char *what))
{
	ctx->ldt_ents = 8193;
	refused(-XEN_EINVAL, "an LDT of 8193 entries");
	ctx->ldt_base = OWN_VA;
	refused(-XEN_EINVAL, "an LDT on a page its tables do not map");
	if (!pt_translated()) {
		ctx->ldt_base = (uint64_t)(uintptr_t)writable_page;
		refused(-XEN_EINVAL, "an LDT on a page mapped writable");
		/* What the refused contexts took of the LDT page went back:
		 * it can be mapped writable (and then read-only again). */
		expect(hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)ldt1,
				  pt_frame(ldt1) | DATA_RW, UVMF_INVLPG) == 0 &&
		       pt_make_table(ldt1) == 0,
		       "the refused contexts kept no hold on the LDT page (it maps writable)");
	}
}

/* vCPU 1 */

void own_vcpu1_start(void)
{
	uint16_t es;

	ldt_limit = seg_limit(LDT_SEL);
	__asm__ volatile("mov %1, %%es; mov %%es, %0" : "=r"(es) : "r"((uint16_t)LDT_SEL));
	ldt_es = es;
	v1_started = 1;
}

static long gnttab(unsigned int cmd, void *op)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, 1);
}

/* The grant mapped at OWN_VA (read), unmapped; mapped again and
 * replaced by page C's entry two pages up (unmap_and_replace), which
 * OWN_VA then shows. */
static void v1_grants(void)
{
	struct gnttab_map_grant_ref map = { .host_addr = OWN_VA,
					    .flags = GNTMAP_host_map | GNTMAP_readonly,
					    .ref = GREF, .dom = self };
	struct gnttab_unmap_grant_ref un = { .host_addr = OWN_VA };
	struct gnttab_unmap_and_replace ur = { .host_addr = OWN_VA, .new_addr = OWN_VA + 0x2000 };
	long rc;

	rc = gnttab(GNTTABOP_map_grant_ref, &map);
	g_status[0] = rc ? rc : map.status;
	g_value[0] = g_status[0] ? 0 : *(volatile uint64_t *)OWN_VA;
	un.handle = map.handle;
	rc = gnttab(GNTTABOP_unmap_grant_ref, &un);
	g_status[1] = rc ? rc : un.status;
	rc = gnttab(GNTTABOP_map_grant_ref, &map);
	g_status[2] = rc ? rc : map.status;
	ur.handle = map.handle;
	rc = gnttab(GNTTABOP_unmap_and_replace, &ur);
	g_status[3] = rc ? rc : ur.status;
	g_value[1] = g_status[3] ? 0 : *(volatile uint64_t *)OWN_VA;
}

void own_vcpu1_poll(void)
{
	uint64_t seq = __atomic_load_n(&desc_seq, __ATOMIC_SEQ_CST);

	desc_limit = seg_limit(GDT_SEL);
	__atomic_store_n(&desc_ack, seq, __ATOMIC_SEQ_CST);
	if (v1_cmd == CMD_GRANTS) {
		v1_grants();
		__atomic_store_n(&v1_cmd, CMD_DONE, __ATOMIC_SEQ_CST);
	}
}

/* vCPU 0 */

void own_check_ldt(void)
{
	for (unsigned long i = 0; i < SPIN && !v1_started; i++)
		;
	con_printf("pvsmp: %s: vCPU 1 started with its context's LDT: selector 0x07 limit %#lx, "
		   "ES %#lx\n", ldt_limit == LDT_LIMIT && ldt_es == LDT_SEL ? "ok" : "FAIL",
		   (unsigned long)ldt_limit, (unsigned long)ldt_es);
	failures += ldt_limit != LDT_LIMIT || ldt_es != LDT_SEL;
}

/* vCPU 1 has run a turn of its loop since seq was published: the limit
 * it reported was read after. */
static bool v1_turn(uint64_t seq)
{
	__atomic_store_n(&desc_seq, seq, __ATOMIC_SEQ_CST);
	for (unsigned long i = 0; i < SPIN; i++)
		if (__atomic_load_n(&desc_ack, __ATOMIC_SEQ_CST) == seq)
			return true;
	return false;
}

void own_check_descriptors(void)
{
	uint64_t maddr = pt_frame(gdt1) + GDT_IDX * 8;
	unsigned int seen = 0, ok = 0;

	expect(v1_turn(100) && desc_limit == LIMIT0,
	       "vCPU 1 reads its GDT entry 0x13 with LSL: limit 0x1000");
	for (unsigned int i = 1; i <= UPDATES; i++) {
		ok += hypercall2(__HYPERVISOR_update_descriptor, maddr, DATA_DESC(LIMIT0 + i)) == 0;
		if (v1_turn(100 + i) && desc_limit == LIMIT0 + i)
			seen++;
	}
	expect(ok == UPDATES, "vCPU 0 changed vCPU 1's GDT entry 8 times (update_descriptor)");
	con_printf("pvsmp: %s: vCPU 1 saw %u of %u changes at once, still in the guest\n",
		   seen == UPDATES ? "ok" : "FAIL", seen, UPDATES);
	failures += seen != UPDATES;
}

/* Its own domain id: a loopback channel's status names it. */
static domid_t self_id(void)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct evtchn_close cl;
	long rc;

	if (evtchn_op(EVTCHNOP_alloc_unbound, &au))
		return DOMID_SELF;
	st.port = au.port;
	cl.port = au.port;
	rc = evtchn_op(EVTCHNOP_status, &st);
	evtchn_op(EVTCHNOP_close, &cl);
	return rc ? DOMID_SELF : st.u.unbound.dom;
}

/* One grant table frame mapped at table_va, `granted` granted to itself
 * (read-only) as reference GREF. */
static bool grant_self(void)
{
	uint64_t frame = ~0ULL;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
					 .frame_list = (uint64_t)(uintptr_t)&frame };
	volatile struct grant_entry_v1 *e = (volatile struct grant_entry_v1 *)table_va + GREF;

	self = self_id();
	if (self == DOMID_SELF || gnttab(GNTTABOP_setup_table, &st) || st.status ||
	    hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)table_va,
		       (frame << 12) | DATA_RW, UVMF_INVLPG))
		return false;
	e->domid = self;
	e->frame = (uint32_t)(pt_frame(granted) >> 12);
	__atomic_store_n(&e->flags, GTF_permit_access | GTF_readonly, __ATOMIC_RELEASE);
	return true;
}

void own_check_grants(void)
{
	struct gnttab_map_grant_ref map = { .host_addr = OWN_VA,
					    .flags = GNTMAP_host_map | GNTMAP_readonly,
					    .ref = GREF };

	expect(grant_self(), "grant: a grant table frame mapped, a page granted to itself");
	map.dom = self;
	expect(gnttab(GNTTABOP_map_grant_ref, &map) == 0 && map.status == GNTST_general_error,
	       "grant: vCPU 0 maps at an address only vCPU 1's tables have: GNTST_general_error");
	__atomic_store_n(&v1_cmd, CMD_GRANTS, __ATOMIC_SEQ_CST);
	for (unsigned long i = 0; i < SPIN && v1_cmd != CMD_DONE; i++)
		;
	con_printf("pvsmp: %s: grant: vCPU 1 maps it at an address only its tables have: "
		   "%ld, reads %#lx\n", !g_status[0] && g_value[0] == MAGIC_G ? "ok" : "FAIL",
		   (long)g_status[0], (unsigned long)g_value[0]);
	failures += g_status[0] || g_value[0] != MAGIC_G;
	expect(g_status[1] == GNTST_okay, "grant: vCPU 1 unmaps it there");
	expect(g_status[2] == GNTST_okay && g_status[3] == GNTST_okay && g_value[1] == MAGIC_C,
	       "grant: vCPU 1 maps it again and unmap_and_replace moves its own entry over it");
}
