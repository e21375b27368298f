/* ptwork's operations: each changes the tables or touches memory, flushes
 * what x86 requires, and checks the outcome against the model. */
#include "cpu.h"
#include "ptwork.h"
#include "pt.h"
#include "ptupdate.h"
#include "runtime.h"
#include "trap.h"

bool pte_rmw;

static uint64_t frame_pa(unsigned int f)
{
	return pt_frame_of(frames[f]);
}

/*
 * Leaf updates, as an OS writes them: plain MOVs, or (pte_rmw) the
 * read-modify-write instructions Linux uses on live entries: LOCK
 * CMPXCHG to install, XCHG to clear, LOCK XOR / LOCK BTR to change bits;
 * or queued (ptupdate.h).
 */
static void pte_install(uint64_t *e, uint64_t val)
{
	uint64_t old = *(volatile uint64_t *)e;

	if (pt_queue(e, val))
		return;
	if (!pte_rmw) {
		*(volatile uint64_t *)e = val;
		return;
	}
	__asm__ __volatile__("lock cmpxchgq %2, %1"
			     : "+a"(old), "+m"(*e) : "r"(val) : "memory", "cc");
}

static void pte_clear(uint64_t *e)
{
	uint64_t zero = 0;

	if (pt_queue(e, 0))
		return;
	if (!pte_rmw) {
		*(volatile uint64_t *)e = 0;
		return;
	}
	__asm__ __volatile__("xchgq %0, %1" : "+r"(zero), "+m"(*e) : : "memory");
}

static void pte_flip_writable(uint64_t *e)
{
	if (pt_queue(e, pt_get(e) ^ PTE_W))
		return;
	if (!pte_rmw) {
		*(volatile uint64_t *)e = *(volatile uint64_t *)e ^ PTE_W;
		return;
	}
	__asm__ __volatile__("lock xorq %1, %0" : "+m"(*e) : "i"(PTE_W) : "memory", "cc");
}

static void pte_clear_accessed(uint64_t *e)
{
	if (pt_queue(e, pt_get(e) & ~PTE_A))
		return;
	if (!pte_rmw) {
		*(volatile uint64_t *)e = *(volatile uint64_t *)e & ~PTE_A;
		return;
	}
	__asm__ __volatile__("lock btrq $5, %0" : "+m"(*e) : : "memory", "cc");
}

/* A changed leaf in the running space must be flushed; other spaces get
 * a full flush when CR3 switches to them. */
static void flush_if_current(unsigned int s, uint64_t va)
{
	if (s == current_space)
		invlpg(va);
}

void op_switch(unsigned int s)
{
	write_cr3((uint64_t)(uintptr_t)spaces[s].root);
	current_space = s;
	counts.switches++;
}

void op_map(unsigned int s, unsigned int i, unsigned int f, bool writable)
{
	uint64_t va = slot_va(i), *e = pt_leaf_make(spaces[s].root, va);

	if (!e) {
		mismatch("out of memory for page tables");
		return;
	}
	pte_install(e, frame_pa(f) | PTE_P | PT_LEAF_BITS | (writable ? PTE_W : 0));
	flush_if_current(s, va);
	spaces[s].slot[i] = (struct slot_state){ .frame = (int)f, .writable = writable };
	counts.maps++;
}

void op_unmap(unsigned int s, unsigned int i)
{
	uint64_t va = slot_va(i), *e = pt_leaf(spaces[s].root, va);

	if (e) {
		pte_clear(e);
		flush_if_current(s, va);
	}
	spaces[s].slot[i].frame = -1;
	counts.unmaps++;
}

void op_protect(unsigned int s, unsigned int i)
{
	struct slot_state *st = &spaces[s].slot[i];
	uint64_t va = slot_va(i), *e;

	if (st->frame < 0)
		return;
	e = pt_leaf(spaces[s].root, va);
	pte_flip_writable(e);		/* keeps A and D */
	flush_if_current(s, va);
	st->writable = !st->writable;
	counts.protects++;
}

/* Page aging: clear A, flush, and A must come back on the next access. */
void op_age(unsigned int s, unsigned int i)
{
	struct slot_state *st = &spaces[s].slot[i];
	uint64_t va = slot_va(i);

	if (st->frame < 0)
		return;
	pte_clear_accessed(pt_leaf(spaces[s].root, va));
	flush_if_current(s, va);
	st->accessed = false;
	counts.ages++;
}

/* Unlink the page table under slot i's 2 MiB region and reuse its page
 * later: every slot it mapped goes away at once. */
void op_drop_table(unsigned int s, unsigned int i)
{
	uint64_t va = slot_va(i), *pde = pt_entry(spaces[s].root, va, 2);
	uint64_t *table;
	unsigned int j;

	if (!pde || !(pt_get(pde) & PTE_P))
		return;
	table = pt_table_of(pt_get(pde));
	if (!pt_queue(pde, 0))
		*(volatile uint64_t *)pde = 0;
	if (s == current_space)
		write_cr3(read_cr3());	/* INVLPG need not drop cached tables */
	pt_free_table(table);
	for (j = 0; j < NR_SLOTS; j++)
		if ((slot_va(j) >> 21) == (va >> 21))
			spaces[s].slot[j].frame = -1;
	counts.drops++;
}

struct access {
	uint64_t va;
	uint64_t value;
	bool write;
};

static void access_memory(void *p)
{
	struct access *a = p;
	volatile uint64_t *ptr = (volatile uint64_t *)(uintptr_t)a->va;

	if (a->write)
		*ptr = a->value;
	else
		a->value = *ptr;
}

/* The #PF an access must raise: present bit if mapped, write bit if a
 * write; anything else (or no fault) is a mismatch. */
static void expect_fault(const struct trap_record *rec, bool caught, uint64_t va,
			 uint64_t want_error)
{
	const uint64_t bits = PFEC_PRESENT | PFEC_WRITE | PFEC_USER | PFEC_INSN;

	if (!caught) {
		mismatch("access to %#lx did not fault", (unsigned long)va);
		return;
	}
	/* A kernel that runs in ring 3 (PV) sees U in every error code:
	 * left out of the checksum, so that it matches the HVM runs. */
	want_error |= PT_PFEC_KERNEL;
	counts.faults++;
	mix(rec->vector);
	mix(rec->error & bits & ~(uint64_t)PT_PFEC_KERNEL);
	mix(rec->cr2);
	if (rec->vector != TRAP_PF || rec->cr2 != va || (rec->error & bits) != want_error)
		mismatch("access to %#lx: %s error %#lx cr2 %#lx, expected #PF error %#lx",
			 (unsigned long)va, trap_name(rec->vector), (unsigned long)rec->error,
			 (unsigned long)rec->cr2, (unsigned long)want_error);
}

static void expect_no_fault(const struct trap_record *rec, bool caught, uint64_t va)
{
	if (caught)
		mismatch("access to %#lx: unexpected %s error %#lx cr2 %#lx",
			 (unsigned long)va, trap_name(rec->vector), (unsigned long)rec->error,
			 (unsigned long)rec->cr2);
}

void op_read(unsigned int i, unsigned int word)
{
	struct slot_state *st = &spaces[current_space].slot[i];
	struct access a = { .va = slot_va(i) + word * WORD_STRIDE * 8 };
	struct trap_record rec;
	bool caught;

	pt_sync(false);
	caught = trap_catch(access_memory, &a, &rec);
	counts.reads++;
	if (st->frame < 0) {
		expect_fault(&rec, caught, a.va, 0);
		return;
	}
	expect_no_fault(&rec, caught, a.va);
	if (caught)
		return;
	st->accessed = true;
	mix(a.value);
	if (a.value != model[st->frame][word])
		mismatch("read %#lx at %#lx (frame %d word %u), expected %#lx",
			 (unsigned long)a.value, (unsigned long)a.va, st->frame, word,
			 (unsigned long)model[st->frame][word]);
}

void op_write(unsigned int i, unsigned int word, uint64_t value)
{
	struct slot_state *st = &spaces[current_space].slot[i];
	struct access a = { .va = slot_va(i) + word * WORD_STRIDE * 8, .value = value,
			    .write = true };
	struct trap_record rec;
	bool caught;

	pt_sync(false);
	caught = trap_catch(access_memory, &a, &rec);
	counts.writes++;
	if (st->frame < 0) {
		expect_fault(&rec, caught, a.va, PFEC_WRITE);
		return;
	}
	if (!st->writable) {
		expect_fault(&rec, caught, a.va, PFEC_WRITE | PFEC_PRESENT);
		return;
	}
	expect_no_fault(&rec, caught, a.va);
	if (caught)
		return;
	st->accessed = st->dirty = true;
	model[st->frame][word] = value;
}
