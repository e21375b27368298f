/*
 * pvptwork's lazy MMU mode (shared page tables, the default): what a PV
 * kernel such as Linux does instead of a trapped store per entry. Entry
 * changes are queued as MMU_NORMAL_PT_UPDATE requests, INVLPGs, flushes
 * and base pointer switches as mmuext ops, and the queue goes to the
 * hypervisor as one multicall (mmu_update, then mmuext_op) when it is
 * full, when a table is given back, and before a memory access that
 * depends on it. The updates run before the TLB operations; no access
 * happens in between, so nothing can tell the order apart.
 *
 * What an access depends on: a change to the running space is followed
 * by its INVLPG or flush (x86 needs it; ops.c always does it) and a
 * switch is a NEW_BASEPTR, so a queue without mmuext ops holds only
 * changes to spaces that are not running, which nothing reads (but the
 * walks here, through pt_get) until the switch to them.
 */
#include "hypercall.h"
#include "pt.h"
#include "runtime.h"

#define QUEUE_MAX	32

static struct mmu_update updates[QUEUE_MAX];
static uint64_t *update_at[QUEUE_MAX];	/* the entry each one changes */
static struct mmuext_op tlb_ops[QUEUE_MAX];
static unsigned int nr_updates, nr_tlb_ops;
static bool batching;
static uint64_t batches;

void pt_batch_enable(bool on)
{
	batching = on && !pt_translated();
}

bool pt_batching(void)
{
	return batching;
}

uint64_t pt_batches(void)
{
	return batches;
}

static void report(const char *what, long rc)
{
	if (rc)
		con_printf("pvptwork: %s batch: error %ld\n", what, rc);
}

void pt_sync(bool all)
{
	struct multicall_entry mc[2] = { 0 };
	unsigned int n = 0;

	if (!nr_tlb_ops && (!all || !nr_updates))
		return;
	if (nr_updates)
		mc[n++] = (struct multicall_entry){
			.op = __HYPERVISOR_mmu_update,
			.args = { (uint64_t)(uintptr_t)updates, nr_updates, 0, DOMID_SELF } };
	if (nr_tlb_ops)
		mc[n++] = (struct multicall_entry){
			.op = __HYPERVISOR_mmuext_op,
			.args = { (uint64_t)(uintptr_t)tlb_ops, nr_tlb_ops, 0, DOMID_SELF } };
	/* One call needs no multicall around it. */
	if (n == 1)
		mc[0].result = hypercall4(mc[0].op, mc[0].args[0], mc[0].args[1], 0, DOMID_SELF);
	else
		report("multicall", hypercall2(__HYPERVISOR_multicall, mc, n));
	for (unsigned int i = 0; i < n; i++)
		report(mc[i].op == __HYPERVISOR_mmu_update ? "mmu_update" : "mmuext_op",
		       (long)mc[i].result);
	nr_updates = nr_tlb_ops = 0;
	batches++;
}

bool pt_queue(uint64_t *e, uint64_t val)
{
	uintptr_t va = (uintptr_t)e;

	if (!batching)
		return false;
	if (nr_updates == QUEUE_MAX)
		pt_sync(true);
	update_at[nr_updates] = e;
	updates[nr_updates++] = (struct mmu_update){
		.ptr = pt_frame((void *)(va & ~(uintptr_t)4095)) | (va & 4095) | MMU_NORMAL_PT_UPDATE,
		.val = val };
	return true;
}

uint64_t pt_get(const uint64_t *e)
{
	for (unsigned int i = nr_updates; i-- > 0;)
		if (update_at[i] == e)
			return updates[i].val;
	return *(const volatile uint64_t *)e;
}

bool pt_queue_tlb(unsigned int cmd, uint64_t arg1)
{
	if (!batching)
		return false;
	if (nr_tlb_ops == QUEUE_MAX)
		pt_sync(true);
	tlb_ops[nr_tlb_ops++] = (struct mmuext_op){ .cmd = cmd, .arg1.linear_addr = arg1 };
	return true;
}
