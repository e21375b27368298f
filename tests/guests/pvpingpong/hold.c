/*
 * pvpingpong with hold: the pair when the server is destroyed (vmctl
 * destroy, tests/e2e/gntdestroy.sh) while the client still maps its page.
 *   server: after its rounds it keeps the grant and waits to be destroyed
 *   client: after its rounds it keeps the mapping and stores through it
 *           in a loop. Umbra takes the mapping away when the server is
 *           destroyed (docs/grant-tables.md), so from then on every store
 *           must fault (#PF: the entry is gone) and every attempt to map
 *           the server's old machine frame again must be refused: the
 *           frame is free or another domain's now. A progress line at
 *           each power of two says how many stores faulted and how many
 *           reached a frame (must stay 0); it never shuts down by itself.
 */
#include <public/grant_table.h>
#include <public/sched.h>
#include <public/umbra.h>
#include "hypercall.h"
#include "minios.h"
#include "pingpong.h"

#define HOLD_MAGIC	0x0badf00dU

extern char pp_probe_insn[], pp_probe_done[];
static uint64_t faults;

/* A store whose #PF resumes after it with 1 in EAX. */
static int pf_handler(struct minios_regs *r)
{
	if (r->rip != (uint64_t)(uintptr_t)pp_probe_insn)
		return 0;
	r->rax = 1;
	r->rip = (uint64_t)(uintptr_t)pp_probe_done;
	faults++;
	return 1;
}

/* One copy only (the labels): never inlined. */
static __attribute__((noinline)) int probe_store(volatile uint32_t *p, uint32_t v)
{
	int faulted = 0;

	__asm__ __volatile__("pp_probe_insn: movl %k2, (%1)\n\t"
			     "pp_probe_done:"
			     : "+a"(faulted) : "r"(p), "r"(v) : "memory");
	return faulted;
}

domid_t pp_peer(void)
{
	struct umbra_identity id = { 0 };
	domid_t peer = (domid_t)guest_option_u64("peer=", 0);

	if (!guest_option("peer=next") && !guest_option("peer=prev"))
		return peer;
	if (hypercall2(__HYPERVISOR_umbra_op, UMBRAOP_identity, &id) < 0)
		return DOMID_SELF;
	return (domid_t)(guest_option("peer=next") ? id.domid + 1 : id.domid - 1);
}

void hold_server(void)
{
	con_printf("pvpingpong: server: holding the grant until destroyed\n");
	for (;;)
		hv_sched_op(SCHEDOP_block, NULL);
}

static void hold_report(uint64_t stores, uint64_t reached, uint64_t remapped)
{
	con_printf("pvpingpong: client: %lu stores after the server went: %lu faulted, "
		   "%lu reached a frame, %lu remaps of its frame accepted\n",
		   (unsigned long)stores, (unsigned long)faults, (unsigned long)reached,
		   (unsigned long)remapped);
}

void hold_client(struct pp_page *pg)
{
	uint64_t mfn = pg->page_mfn, reached = 0, remapped = 0, before = 0;
	grant_handle_t h = grant_client_handle();

	trap_set_handler(14, pf_handler);
	con_printf("pvpingpong: client: holding the mapping of machine frame %#lx\n",
		   (unsigned long)mfn);
	while (!probe_store(&pg->ping, HOLD_MAGIC)) {
		before++;
		hv_sched_op(SCHEDOP_yield, NULL);
	}
	con_printf("pvpingpong: client: %lu stores reached the page while the server lived\n",
		   (unsigned long)before);
	faults = 0;
	expect(1, "client: the mapping went with the server: a store through it faults");
	expect(pp_unmap(pg, h) == GNTST_bad_handle,
	       "client: its handle went too: unmapping it is GNTST_bad_handle");
	for (uint64_t i = 1;; i++) {
		if (!probe_store(&pg->ping, HOLD_MAGIC) && !reached++)
			expect(0, "client: a store through the old mapping reached a frame");
		/* The old frame by its machine number: not this domain's
		 * (translated, that number is one of its own frames). */
		if (!pp_translated && !pp_uva(pg, mfn << 12 | 0x67 | (1ULL << 63)) && !remapped++)
			expect(0, "client: the server's old frame mapped again");
		if (!(i & (i - 1)) && i >= 256)
			hold_report(i, reached, remapped);
		hv_sched_op(SCHEDOP_yield, NULL);
	}
}
