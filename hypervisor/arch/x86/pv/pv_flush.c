/*
 * TLB flushes across pCPUs for PV vCPUs (docs/pv.md, "More than one
 * vCPU"). A PV vCPU's translations live only in the TLB of the pCPU it
 * is in the guest on: pv_vcpu_put() leaves the guest's tables at the end
 * of every slice (a CR3 load, no PCID, no global guest pages since
 * CR4.PGE is off), so a vCPU off its pCPU has nothing cached anywhere.
 * A flush therefore only has to reach the pCPUs that are in the guest
 * now, and make every later entry load the guest's tables afresh.
 *
 * Each entry publishes the vCPU in percpu.pv_guest, then reads the
 * generations (the machine's and its domain's); the flusher bumps a
 * generation, then reads pv_guest. Both sides order store before load
 * (sequentially consistent), so either the flusher sees the vCPU in the
 * guest (kicks it out with an IPI and waits until it has left, or
 * entered again for the new generation), or the entry sees the new
 * generation and reloads CR3. Nothing here takes a lock: the flusher may
 * hold the page-table lock with interrupts off, and a pCPU in the guest
 * has interrupts on, so the kick always ends its run.
 */
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/printk.h>
#include "pv_mm.h"

/* A kicked pCPU leaves the guest within microseconds; past these the
 * flusher says so, and stops waiting. */
#define FLUSH_WARN_MS	100
#define FLUSH_GIVEUP_MS	1000

static uint64_t machine_gen = 1;

void pv_flush_enter(struct vcpu *v, struct percpu *p)
{
	uint64_t all, dom;

	__atomic_store_n(&p->pv_guest, v, __ATOMIC_SEQ_CST);
	all = __atomic_load_n(&machine_gen, __ATOMIC_SEQ_CST);
	dom = __atomic_load_n(&v->domain->tlb_gen, __ATOMIC_SEQ_CST);
	if (p->pv_flush_seen == all && v->pv.tlb_seen == dom)
		return;
	__atomic_store_n(&p->pv_flush_seen, all, __ATOMIC_RELEASE);
	__atomic_store_n(&v->pv.tlb_seen, dom, __ATOMIC_RELEASE);
	/* Off the guest's tables: pv_enter loads them again, which flushes. */
	write_cr3(paging_root());
}

void pv_flush_leave(struct percpu *p)
{
	__atomic_store_n(&p->pv_guest, NULL, __ATOMIC_RELEASE);
}

/* Is cpu in the guest (of d, one of the vCPUs in mask, or of any PV
 * domain) without having seen generation gen? */
static bool stale(const struct percpu *p, const struct domain *d, uint64_t mask, uint64_t gen)
{
	const struct vcpu *g = __atomic_load_n(&p->pv_guest, __ATOMIC_SEQ_CST);

	if (!g)
		return false;
	if (!d)
		return (int64_t)(__atomic_load_n(&p->pv_flush_seen, __ATOMIC_ACQUIRE) - gen) < 0;
	/* g is d's while it is in the guest here; d outlives this call. */
	return g->domain == d && (mask >> g->id & 1) &&
	       (int64_t)(__atomic_load_n(&g->pv.tlb_seen, __ATOMIC_ACQUIRE) - gen) < 0;
}

static void flush_cpus(const struct domain *d, uint64_t mask, uint64_t gen)
{
	unsigned int self = smp_processor_id();
	uint64_t start = rdtsc();
	bool warned = false;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (c != self && percpu_area[c].online && stale(&percpu_area[c], d, mask, gen))
			apic_send_ipi(percpu_area[c].apic_id, VECTOR_IPI);
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (c == self || !percpu_area[c].online)
			continue;
		while (stale(&percpu_area[c], d, mask, gen)) {
			uint64_t ms = (rdtsc() - start) / tsc_khz;

			if (ms >= FLUSH_WARN_MS && !warned) {
				pr_warn("pv: CPU %u has not left the guest for a TLB flush in %u ms\n",
					c, FLUSH_WARN_MS);
				warned = true;
			}
			if (ms >= FLUSH_GIVEUP_MS) {
				pr_err("pv: CPU %u: TLB flush not confirmed after %u ms\n", c,
				       FLUSH_GIVEUP_MS);
				break;
			}
			cpu_relax();
		}
	}
}

void pv_flush_all(void)
{
	uint64_t gen = __atomic_add_fetch(&machine_gen, 1, __ATOMIC_SEQ_CST);

	write_cr3(read_cr3());
	flush_cpus(NULL, ~0ULL, gen);
}

void pv_flush_domain(struct domain *d)
{
	uint64_t gen = __atomic_add_fetch(&d->tlb_gen, 1, __ATOMIC_SEQ_CST);

	write_cr3(read_cr3());
	flush_cpus(d, ~0ULL, gen);
}

/* Only the vCPUs in mask are waited for; d's others see the new
 * generation at their next entry all the same. */
void pv_kick_vcpus(struct domain *d, uint64_t mask)
{
	uint64_t gen = __atomic_add_fetch(&d->tlb_gen, 1, __ATOMIC_SEQ_CST);

	flush_cpus(d, mask, gen);
}
