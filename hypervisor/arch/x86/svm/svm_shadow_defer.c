/*
 * Shadow pages the engine frees go back to the domain's page pool only once
 * no CPU can reach them through a stale translation (mmu/defer_free.h):
 * another pCPU running a vCPU of the domain may cache a freed shadow table
 * until it flushes, and the page, reused, would be reachable from the
 * guest. A flush request bumps the domain's TLB generation, kicks the
 * vCPUs in the guest out, and waits until each has left the guest or
 * entered it again for the new generation (which flushes on VMRUN).
 */
#include <asm/apic.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/heap.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "mmu/defer_free.h"

/* A flush waits this long for the kicked vCPUs (they leave the guest
 * within microseconds); past it the pages stay queued for later. */
#define DEFER_WAIT_MS	100

struct shadow_defer {
	bool dying;		/* vCPUs being destroyed: none runs, frees are direct */
	/* The domain's own page source (its pool), which the queue fronts. */
	int (*alloc_page)(void *ctx, uint64_t *maddr);
	void (*free_page)(void *ctx, uint64_t maddr);
	void *ctx;
	struct defer_free q;
	struct defer_slot slot[];
};

static void release_page(void *ctx, uint64_t maddr)
{
	struct shadow_defer *s = ctx;

	s->free_page(s->ctx, maddr);
}

static uint64_t safe_gen(const struct domain *d)
{
	struct defer_cpu cpus[MAX_VCPUS_PER_DOMAIN];
	/* The generation first: a vCPU seen out of the guest after it reads
	 * this generation or a newer one when it enters (svm_run.c). */
	uint64_t gen = __atomic_load_n(&d->tlb_gen, __ATOMIC_SEQ_CST);

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu *v = d->vcpus[i];

		cpus[i] = (struct defer_cpu){
			.in_guest = __atomic_load_n(&v->hvm.in_guest, __ATOMIC_SEQ_CST),
			.flushed_gen = __atomic_load_n(&v->hvm.tlb_gen, __ATOMIC_SEQ_CST),
		};
	}
	return defer_free_safe_gen(gen, cpus, d->nr_vcpus);
}

static void kick(struct domain *d)
{
	unsigned int self = smp_processor_id();

	__atomic_fetch_add(&d->tlb_gen, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		int cpu = __atomic_load_n(&d->vcpus[i]->processor, __ATOMIC_ACQUIRE);

		if (cpu < 0 || (unsigned int)cpu == self)
			continue;
		/* dom0's pCPUs take every interrupt into dom0 itself: only an
		 * NMI that Umbra claims makes its vCPU exit (and flush). */
		if (domain_is_dom0(d))
			nmi_kick_cpu((unsigned int)cpu);
		else
			apic_send_ipi(percpu_area[cpu].apic_id, VECTOR_IPI);
	}
}

/* Give back what is safe; with wait, keep trying until the queue is
 * empty or DEFER_WAIT_MS have passed. */
static void drain(struct domain *d, bool wait)
{
	struct defer_free *q = &d->shadow_defer->q;
	uint64_t end = rdtsc() + tsc_khz * DEFER_WAIT_MS;

	defer_free_release(q, safe_gen(d), release_page, d->shadow_defer);
	while (wait && q->n && rdtsc() < end) {
		cpu_relax();
		defer_free_release(q, safe_gen(d), release_page, d->shadow_defer);
	}
	if (wait && q->n)
		pr_warn("domain %u (%s): %u shadow pages wait for a TLB flush\n", d->id,
			d->name, q->n);
}

void svm_shadow_defer_flush(struct domain *d)
{
	if (d->shadow_defer && d->shadow_defer->dying)
		return;
	kick(d);
	if (d->shadow_defer)
		drain(d, true);
}

void svm_tlb_flush_sync(struct domain *d)
{
	uint64_t end = rdtsc() + tsc_khz * DEFER_WAIT_MS, gen;

	kick(d);
	gen = __atomic_load_n(&d->tlb_gen, __ATOMIC_SEQ_CST);
	while (safe_gen(d) < gen) {
		if (rdtsc() >= end) {
			pr_warn("domain %u (%s): a vCPU did not flush its TLB in %u ms\n",
				d->id, d->name, DEFER_WAIT_MS);
			return;
		}
		cpu_relax();
	}
}

static void deferred_free_page(void *ctx, uint64_t maddr)
{
	struct domain *d = ctx;
	struct defer_free *q = &d->shadow_defer->q;
	uint64_t gen = __atomic_load_n(&d->tlb_gen, __ATOMIC_SEQ_CST);

	if (d->shadow_defer->dying) {
		release_page(d->shadow_defer, maddr);
		return;
	}
	if (defer_free_push(q, maddr, gen))
		return;
	/* Full: make room by a flush of our own, then queue. */
	svm_shadow_defer_flush(d);
	if (!defer_free_push(q, maddr, __atomic_load_n(&d->tlb_gen, __ATOMIC_SEQ_CST)))
		pr_warn("domain %u (%s): shadow page %#llx leaked: no TLB flush came\n",
			d->id, d->name, (unsigned long long)maddr);
}

/* One heap page of queue; when it is full a free waits for a flush. */
#define DEFER_SLOTS	((HEAP_MAX_ALLOC - sizeof(struct shadow_defer)) / sizeof(struct defer_slot))

/* The domain's pool is sized for the engine: pages still queued are
 * pages it counts as free. When the pool runs dry, wait for the flush
 * that gives them back. */
static int deferred_alloc_page(void *ctx, uint64_t *maddr)
{
	struct domain *d = ctx;
	struct shadow_defer *s = d->shadow_defer;

	if (!s->alloc_page(s->ctx, maddr))
		return 0;
	if (!s->q.n)
		return -ENOMEM;
	svm_shadow_defer_flush(d);
	return s->alloc_page(s->ctx, maddr);
}

/* A page of its own, not the heap's: destroying the domain gives back
 * exactly what creating it took (the heap keeps spare pages). */
_Static_assert(sizeof(struct shadow_defer) <= HEAP_PAGE_SIZE, "the queue fits one page");

int svm_shadow_defer_init(struct domain *d, struct mmu_ops *ops)
{
	uint64_t pa = alloc_page_phys();
	struct shadow_defer *s;

	if (!pa)
		return -ENOMEM;
	s = phys_to_virt(pa);
	memset(s, 0, HEAP_PAGE_SIZE);
	defer_free_init(&s->q, s->slot, DEFER_SLOTS);
	s->alloc_page = ops->alloc_page;
	s->free_page = ops->free_page;
	s->ctx = ops->ctx;
	d->shadow_defer = s;
	ops->alloc_page = deferred_alloc_page;
	ops->free_page = deferred_free_page;
	return 0;
}

/* The domain is being torn down, its vCPUs down: nothing can hold its
 * translations any more, and its vCPUs are about to go away. */
void svm_shadow_defer_dying(struct domain *d)
{
	if (!d->shadow_defer)
		return;
	d->shadow_defer->dying = true;
	defer_free_release(&d->shadow_defer->q, UINT64_MAX, release_page, d->shadow_defer);
}

void svm_shadow_defer_destroy(struct domain *d)
{
	if (!d->shadow_defer)
		return;
	defer_free_release(&d->shadow_defer->q, UINT64_MAX, release_page, d->shadow_defer);
	free_page_phys(virt_to_phys(d->shadow_defer));
	d->shadow_defer = NULL;
}
