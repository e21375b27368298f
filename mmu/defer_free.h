/* Pages taken out of use while a TLB may still hold translations through
 * them. A freed shadow table can be cached by another CPU's TLB or
 * paging-structure cache until that CPU flushes; returned to the allocator
 * at once it could be reused (as another domain's page, say) and reached
 * through the stale entry. So each freed page waits, tagged with the TLB
 * generation a flush after its freeing produces, until every CPU that may
 * hold the domain's translations has flushed for that generation.
 * Freestanding; the page-freeing and the CPUs' state come from the caller. */
#ifndef MMU_DEFER_FREE_H
#define MMU_DEFER_FREE_H

#include <stdbool.h>
#include <stdint.h>

struct defer_slot {
	uint64_t maddr;
	uint64_t gen;		/* the generation a holder must have flushed for */
};

struct defer_free {
	struct defer_slot *slot;
	unsigned int n, cap;
};

/* What one virtual CPU of the domain may hold: nothing while it is out of
 * the guest (it flushes on its next entry if the generation moved on),
 * else translations as of the generation it last flushed for. */
struct defer_cpu {
	bool in_guest;
	uint64_t flushed_gen;
};

void defer_free_init(struct defer_free *q, struct defer_slot *slots, unsigned int cap);

/* Queue maddr, freed while the domain's generation is cur_gen: the next
 * flush (cur_gen + 1) must reach every holder first. False when full. */
bool defer_free_push(struct defer_free *q, uint64_t maddr, uint64_t cur_gen);

/* The newest generation every CPU has flushed for: cur_gen, lowered to
 * the flushed generation of each CPU still in the guest. */
uint64_t defer_free_safe_gen(uint64_t cur_gen, const struct defer_cpu *cpus, unsigned int n);

/* Give every queued page whose generation is at most safe_gen to
 * release(ctx, maddr); the others stay queued, in order. Returns how
 * many were given back. */
unsigned int defer_free_release(struct defer_free *q, uint64_t safe_gen,
				void (*release)(void *ctx, uint64_t maddr), void *ctx);

#endif
