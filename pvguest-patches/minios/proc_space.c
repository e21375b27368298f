/*
 * The address spaces of user processes (proc.h): the page pool, a
 * process's tables built and taken apart, its pages, and user addresses
 * turned into the kernel's. Running them is proc.c's.
 */
#include <public/arch-x86/xen-x86_64.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "proc.h"
#include "proc_space.h"

#define POOL_PAGES	(PROC_MAX * (6 + PROC_EXTRA_MAX))
#define PT_LINK		(PT_P | PT_W | PT_U | PT_A)
#define PT_DATA		(PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)
#define PT_TEXT		(PT_P | PT_U | PT_A)

extern char minios_user_text_start[], minios_user_text_end[];
extern char minios_user_exit[];

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static bool pool_used[POOL_PAGES];
struct proc proc_table[PROC_MAX];

/* A zeroed page. Only words that are not zero are written: a page that
 * was a table may still be shadowed when translated, and every store
 * into it is then trapped and emulated. */
static void *page_get(void)
{
	for (unsigned int i = 0; i < POOL_PAGES; i++) {
		volatile uint64_t *w = (volatile uint64_t *)pool[i];

		if (pool_used[i])
			continue;
		pool_used[i] = true;
		for (unsigned int k = 0; k < 512; k++)
			if (w[k])
				w[k] = 0;
		return pool[i];
	}
	return NULL;
}

static void page_put(void *page)
{
	if (page)
		pool_used[((uint8_t (*)[4096])page) - pool] = false;
}

unsigned int proc_pages_used(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < POOL_PAGES; i++)
		n += pool_used[i];
	return n;
}

static unsigned int l1_slot(uint64_t va)
{
	return (unsigned int)(va >> 12) & 511;
}

/* The leaf entries while the L1 is still ordinary memory. */
static int fill_l1(struct proc *p)
{
	uint64_t lo = (uint64_t)(uintptr_t)minios_user_text_start;
	uint64_t hi = (uint64_t)(uintptr_t)minios_user_text_end;

	if (hi > 0x200000 || (lo < PROC_MAP_HI && hi > PROC_DATA_VA)) {
		con_printf("%s: proc: user text %#lx-%#lx is not where processes can map it\n",
			   guest_name, lo, hi);
		return -1;
	}
	for (uint64_t va = lo; va < hi; va += 4096)
		p->l1[l1_slot(va)] = pt_frame((void *)(uintptr_t)va) | PT_TEXT;
	p->l1[l1_slot(PROC_DATA_VA)] = pt_frame(p->data) | PT_DATA;
	p->l1[l1_slot(PROC_STACK_VA)] = pt_frame(p->stack) | PT_DATA;
	return 0;
}

/* L1 to L4 linked while writable, then each made a table (read-only in
 * the kernel's mapping on shared page tables) and the L4 pinned, which
 * validates them all. */
static long build_tables(struct proc *p)
{
	uint64_t *t[4] = { p->l1, p->l2, p->l3, p->l4 };
	long rc;

	if (fill_l1(p))
		return -1;
	p->l2[0] = pt_frame(p->l1) | PT_LINK;
	p->l3[0] = pt_frame(p->l2) | PT_LINK;
	p->l4[0] = pt_frame(p->l3) | PT_LINK;
	for (unsigned int i = 0; i < 4; i++) {
		rc = pt_make_table(t[i]);
		if (rc) {
			con_printf("%s: proc: level-%u table refused: %ld\n", guest_name, i + 1, rc);
			return rc;
		}
	}
	rc = pt_pin_l4(p->l4);
	if (rc)
		con_printf("%s: proc: pinning its L4 refused: %ld\n", guest_name, rc);
	return rc;
}

static struct proc *slot_get(void)
{
	for (unsigned int i = 0; i < PROC_MAX; i++) {
		if (proc_table[i].state == PROC_FREE) {
			memset(&proc_table[i], 0, sizeof(proc_table[i]));
			proc_table[i].pid = i + 1;
			return &proc_table[i];
		}
	}
	return NULL;
}

static void pages_put(struct proc *p)
{
	uint8_t *pages[] = { (uint8_t *)p->l4, (uint8_t *)p->l3, (uint8_t *)p->l2,
			     (uint8_t *)p->l1, p->data, p->stack };

	for (unsigned int i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		page_put(pages[i]);
	for (unsigned int i = 0; i < PROC_EXTRA_MAX; i++)
		page_put(p->extra[i]);
}

struct proc *proc_create(long (*entry)(uint64_t), uint64_t arg)
{
	struct proc *p = slot_get();

	if (!p)
		return NULL;
	p->l4 = page_get();
	p->l3 = page_get();
	p->l2 = page_get();
	p->l1 = page_get();
	p->data = page_get();
	p->stack = page_get();
	if (!p->l4 || !p->l3 || !p->l2 || !p->l1 || !p->data || !p->stack ||
	    build_tables(p)) {
		/* Nothing pinned: tables made read-only stay out of the pool. */
		page_put(p->data);
		page_put(p->stack);
		p->state = PROC_FREE;
		return NULL;
	}
	/* As if called: the return address is the exit stub (user text). */
	*(uint64_t *)(p->stack + 4096 - 8) = (uint64_t)(uintptr_t)minios_user_exit;
	p->regs.rip = (uint64_t)(uintptr_t)entry;
	p->regs.rsp = PROC_STACK_VA + 4096 - 8;
	p->regs.rdi = arg;
	p->regs.cs = FLAT_USER_CS;
	p->regs.ss = FLAT_USER_SS;
	p->regs.rflags = 0x202;		/* IF: events enabled */
	p->state = PROC_READY;
	return p;
}

void *proc_map(struct proc *p, uint64_t va)
{
	unsigned int i;
	void *page;

	if (va & 0xfff || va < PROC_MAP_LO || va >= PROC_MAP_HI || p->l1[l1_slot(va)])
		return NULL;
	for (i = 0; i < PROC_EXTRA_MAX && p->extra[i]; i++)
		;
	if (i == PROC_EXTRA_MAX || !(page = page_get()))
		return NULL;
	/* A store into a live L1: emulated and validated on shared page
	 * tables (writable page tables), applied by the shadow engine when
	 * translated. The space is not loaded: no flush. */
	p->l1[l1_slot(va)] = pt_frame(page) | PT_DATA;
	p->extra[i] = page;
	p->extra_va[i] = va;
	return page;
}

/* buf..buf+len within one page of its own: the kernel's address of it. */
const char *proc_user_buf(const struct proc *p, uint64_t buf, uint64_t len)
{
	uint64_t page = buf & ~0xfffULL;

	if (len > 4096 || (buf & 0xfff) + len > 4096)
		return NULL;
	if (page == PROC_DATA_VA)
		return (const char *)p->data + (buf & 0xfff);
	if (page == PROC_STACK_VA)
		return (const char *)p->stack + (buf & 0xfff);
	for (unsigned int i = 0; i < PROC_EXTRA_MAX; i++)
		if (p->extra[i] && p->extra_va[i] == page)
			return (const char *)p->extra[i] + (buf & 0xfff);
	return NULL;
}

long proc_destroy(struct proc *p)
{
	uint64_t *t[4] = { p->l4, p->l3, p->l2, p->l1 };
	long rc;

	if (p->state != PROC_EXITED && p->state != PROC_KILLED)
		return -1;
	rc = pt_unpin(p->l4);
	for (unsigned int i = 0; i < 4 && !rc; i++)
		rc = pt_unmake_table(t[i]);
	if (rc) {
		con_printf("%s: proc: pid %u: its tables stay typed: %ld\n", guest_name, p->pid, rc);
		return rc;
	}
	pages_put(p);
	p->state = PROC_FREE;
	return 0;
}
