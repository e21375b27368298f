/* User processes in address spaces of their own (proc.h). */
#include <public/arch-x86/xen-x86_64.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "proc.h"
#include "timer.h"

#define POOL_PAGES	(PROC_MAX * (6 + PROC_EXTRA_MAX))
#define TRACE_MAX	64
#define PT_LINK		(PT_P | PT_W | PT_U | PT_A)
#define PT_DATA		(PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX)
#define PT_TEXT		(PT_P | PT_U | PT_A)

extern char minios_user_text_start[], minios_user_text_end[];
extern char minios_user_exit[], minios_user_return[];
extern char minios_syscall_entry[];
void minios_user_enter(const struct minios_regs *regs, uint64_t *kernel_sp);

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static bool pool_used[POOL_PAGES];
static struct proc procs[PROC_MAX];
static struct proc *cur;
static uint64_t kernel_sp;		/* where proc_run() waits */
static uint8_t kstack[8192] __attribute__((aligned(4096)));
static unsigned int trace[TRACE_MAX], traced;
static uint64_t slice_ns, slice_end;
static unsigned int ended;

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
		if (procs[i].state == PROC_FREE) {
			memset(&procs[i], 0, sizeof(procs[i]));
			procs[i].pid = i + 1;
			return &procs[i];
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

/* ---- running them ---------------------------------------------------------- */

static long set_user_base(const struct proc *p)
{
	struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };

	op.arg1.mfn = p ? pt_frame(p->l4) >> 12 : 0;
	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
}

/* The next process to run after `from`, round robin; sleepers whose time
 * has come are ready again. With only sleepers left, the vCPU sleeps
 * until the first of them is due. NULL when none is left. */
static struct proc *pick_next(const struct proc *from)
{
	unsigned int start = from ? from->pid % PROC_MAX : 0;

	for (;;) {
		uint64_t now = timer_now();
		struct proc *first = NULL;

		for (unsigned int k = 0; k < PROC_MAX; k++) {
			struct proc *p = &procs[(start + k) % PROC_MAX];

			if (p->state == PROC_SLEEPING && p->wake_at <= now) {
				p->regs.rax = now - p->slept_from;
				p->state = PROC_READY;
			}
			if (p->state == PROC_READY)
				return p;
			if (p->state == PROC_SLEEPING && (!first || p->wake_at < first->wake_at))
				first = p;
		}
		if (!first)
			return NULL;
		/* A timer that did not come: that sleeper runs early (its
		 * result says how long it slept) rather than never. */
		if (timer_sleep_until(first->wake_at))
			first->wake_at = 0;
	}
}

/* Leave the trap for the next process (its registers in the frame the
 * trap returns with), or for proc_run() when none is left. */
static void switch_from(struct minios_regs *r)
{
	struct proc *next;

	if (cur && cur->state == PROC_RUNNING) {
		cur->regs = *r;
		cur->state = PROC_READY;
	}
	next = pick_next(cur);
	if (!next) {
		cur = NULL;
		r->rip = (uint64_t)(uintptr_t)minios_user_return;
		r->rsp = kernel_sp;
		r->cs = FLAT_KERNEL_CS & ~3;	/* RPL 0: stay in the kernel */
		r->ss = FLAT_KERNEL_SS;
		r->rflags = 0x202;
		return;
	}
	if (next != cur && set_user_base(next)) {
		con_printf("%s: proc: NEW_USER_BASEPTR for pid %u refused\n", guest_name, next->pid);
		guest_shutdown(SHUTDOWN_crash);
	}
	if (slice_ns) {
		slice_end = timer_now() + slice_ns;
		hypercall1(__HYPERVISOR_set_timer_op, slice_end);
	}
	*r = next->regs;
	next->state = PROC_RUNNING;
	next->runs++;
	if (traced < TRACE_MAX)
		trace[traced++] = next->pid;
	cur = next;
}

/* buf..buf+len within one page of its own: the kernel's address of it. */
static const char *user_buf(const struct proc *p, uint64_t buf, uint64_t len)
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

/* The process waits until then; SYS_sleep's result, the time that
 * passed, is set when it is ready again (pick_next). */
static void sys_sleep(struct minios_regs *r)
{
	if (!timer_clock_running()) {
		r->rax = (uint64_t)-1;
		return;
	}
	cur->slept_from = timer_now();
	cur->wake_at = cur->slept_from + r->rdi;
	cur->regs = *r;
	cur->state = PROC_SLEEPING;
}

static int on_syscall(struct minios_regs *r)
{
	const char *buf;

	switch (r->rax) {
	case SYS_exit:
		cur->exit_code = (long)r->rdi;
		cur->state = PROC_EXITED;
		cur->end_seq = ++ended;
		break;
	case SYS_yield:
		r->rax = 0;
		break;
	case SYS_write:
		buf = user_buf(cur, r->rdi, r->rsi);
		if (buf)
			con_write(buf, r->rsi);
		r->rax = buf ? r->rsi : (uint64_t)SYS_EFAULT;
		return 1;
	case SYS_getpid:
		r->rax = cur->pid;
		return 1;
	case SYS_sleep:
		sys_sleep(r);
		break;
	default:
		r->rax = (uint64_t)-38;		/* ENOSYS */
		return 1;
	}
	switch_from(r);
	return 1;
}

static void on_fault(struct minios_regs *r)
{
	const struct shared_info *s = shared_info_get();

	cur->fault_vector = r->vector;
	cur->fault_error = r->error_code;
	cur->fault_rip = r->rip;
	cur->fault_addr = r->vector == 14 && s ? s->vcpu_info[0].arch.cr2 : 0;
	cur->state = PROC_KILLED;
	cur->end_seq = ++ended;
	con_printf("%s: proc: pid %u killed: exception %lu at %#lx (error %#lx, address %#lx)\n",
		   guest_name, cur->pid, cur->fault_vector, cur->fault_rip, cur->fault_error,
		   cur->fault_addr);
	switch_from(r);
}

/* An upcall in user mode (the event handler has collected the ports):
 * with time slices, VIRQ_TIMER after the slice's end switches. */
static int on_upcall(struct minios_regs *r)
{
	if (slice_ns && !events_wait(timer_port(), 0) && timer_now() >= slice_end) {
		cur->preempted++;
		switch_from(r);
	}
	return 1;
}

/* Traps from user mode (traps.c hands them here): a system call, or an
 * exception that kills the process. */
static int on_user_trap(struct minios_regs *r)
{
	if (!cur)
		return 0;
	if (r->vector == MINIOS_EVENT_VECTOR)
		return on_upcall(r);
	if (r->vector == MINIOS_SYSCALL_VECTOR)
		return on_syscall(r);
	on_fault(r);
	return 1;
}

int proc_run(void)
{
	struct minios_regs first;

	if (hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, kstack + sizeof(kstack)) ||
	    syscall_callback_init(minios_syscall_entry))
		return -1;
	trap_set_user_handler(on_user_trap);
	cur = NULL;
	/* The first switch, as a trap would make it. */
	memset(&first, 0, sizeof(first));
	switch_from(&first);
	if (cur)
		minios_user_enter(&first, &kernel_sp);
	trap_set_user_handler(NULL);
	set_user_base(NULL);
	if (slice_ns)
		hypercall1(__HYPERVISOR_set_timer_op, 0);	/* cancelled */
	return 0;
}

void proc_set_slice(uint64_t ns)
{
	slice_ns = ns;
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

unsigned int proc_trace(unsigned int *pids, unsigned int max)
{
	unsigned int n = traced < max ? traced : max;

	for (unsigned int i = 0; i < n; i++)
		pids[i] = trace[i];
	return n;
}
