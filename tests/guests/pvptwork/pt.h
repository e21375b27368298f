/* tests/guests/lib/pt.h's interface for a PV kernel (pt.c here): tables
 * from minios's helpers for shared and translated paging; leaves carry U
 * (the kernel runs in ring 3) and NX (data: W^X on shared page tables
 * refuses a writable executable leaf), and every #PF of its own accesses
 * has U. */
#ifndef PVPTWORK_PT_H
#define PVPTWORK_PT_H

#include <stdbool.h>
#include <stdint.h>
#include "pagetable.h"

#define PAGE_SIZE	4096ULL
#define PTE_P		PT_P
#define PTE_W		PT_W
#define PTE_U		PT_U
#define PTE_A		PT_A
#define PTE_D		PT_D
#define PTE_PS		PT_PS
#define PTE_ADDR	PT_ADDR

#define PML4_SLOT_VA(n)	((uint64_t)(n) << 39)

static inline uint64_t pt_frame_of(const void *p)
{
	return pt_frame(p);
}
static inline uint64_t *pt_table_of(uint64_t entry)
{
	return pt_frame_va(entry & PTE_ADDR);
}
#define PT_LEAF_BITS	(PTE_U | PT_NX)
#define PT_PFEC_KERNEL	(1u << 2)

uint64_t *pt_new_root(void);
uint64_t *pt_leaf_make(uint64_t *root, uint64_t va);
uint64_t *pt_leaf(uint64_t *root, uint64_t va);
uint64_t *pt_entry(uint64_t *root, uint64_t va, unsigned int level);
void pt_free_table(uint64_t *t);
uint64_t pt_tables_allocated(void);

/* batch.c: lazy MMU mode on shared page tables (ptwork/ptupdate.h says
 * what pt_queue, pt_get and pt_sync do for ops.c). pt_queue_tlb queues
 * an mmuext op (INVLPG_LOCAL, TLB_FLUSH_LOCAL, NEW_BASEPTR). Off, or
 * translated: every call returns false and entries are plain stores. */
#define PT_BATCHED_UPDATES 1
void pt_batch_enable(bool on);
bool pt_batching(void);
uint64_t pt_batches(void);
bool pt_queue(uint64_t *e, uint64_t val);
uint64_t pt_get(const uint64_t *e);
void pt_sync(bool all);
bool pt_queue_tlb(unsigned int cmd, uint64_t arg1);

#endif
