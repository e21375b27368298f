/* Ticket spinlocks: FIFO, so no CPU starves under contention. The _irqsave
 * forms are for locks also taken from interrupt handlers. */
#ifndef UMBRA_SPINLOCK_H
#define UMBRA_SPINLOCK_H

#include <stdint.h>
#include <asm/x86.h>

typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags = local_save_flags();

	local_irq_disable();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

#endif
