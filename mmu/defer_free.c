/* Deferred page frees keyed by TLB generation (defer_free.h). */
#include "mmu/defer_free.h"

void defer_free_init(struct defer_free *q, struct defer_slot *slots, unsigned int cap)
{
	q->slot = slots;
	q->n = 0;
	q->cap = cap;
}

bool defer_free_push(struct defer_free *q, uint64_t maddr, uint64_t cur_gen)
{
	if (q->n >= q->cap)
		return false;
	q->slot[q->n++] = (struct defer_slot){ .maddr = maddr, .gen = cur_gen + 1 };
	return true;
}

uint64_t defer_free_safe_gen(uint64_t cur_gen, const struct defer_cpu *cpus, unsigned int n)
{
	uint64_t safe = cur_gen;

	for (unsigned int i = 0; i < n; i++) {
		if (cpus[i].in_guest && cpus[i].flushed_gen < safe)
			safe = cpus[i].flushed_gen;
	}
	return safe;
}

unsigned int defer_free_release(struct defer_free *q, uint64_t safe_gen,
				void (*release)(void *ctx, uint64_t maddr), void *ctx)
{
	unsigned int kept = 0, given = 0;

	for (unsigned int i = 0; i < q->n; i++) {
		if (q->slot[i].gen <= safe_gen) {
			release(ctx, q->slot[i].maddr);
			given++;
		} else {
			q->slot[kept++] = q->slot[i];
		}
	}
	q->n = kept;
	return given;
}
