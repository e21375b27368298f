/* Running user processes (proc.h): entering user mode, the system
 * calls, faults, switching; their address spaces are proc_space.c's. */
#include <public/arch-x86/xen-x86_64.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "proc.h"
#include "proc_space.h"
#include "timer.h"

#define TRACE_MAX	64

extern char minios_user_return[];
extern char minios_syscall_entry[];
void minios_user_enter(const struct minios_regs *regs, uint64_t *kernel_sp);

static struct proc *cur;
static uint64_t kernel_sp;		/* where proc_run() waits */
static uint8_t kstack[8192] __attribute__((aligned(4096)));
static unsigned int trace[TRACE_MAX], traced;
static uint64_t slice_ns, slice_end;
static unsigned int ended;

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
			struct proc *p = &proc_table[(start + k) % PROC_MAX];

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
		buf = proc_user_buf(cur, r->rdi, r->rsi);
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

/* Events stay masked from here until the iret into a process unmasks
 * them (its RFLAGS.IF): the slice's VIRQ_TIMER may come while the
 * kernel still switches, and must then be delivered in user mode, where
 * on_upcall() sees it, not in kernel mode, where nothing would. (The
 * syscall callback masks them itself; trap-table entries do not.) */
static void mask_events(void)
{
	shared_info_get()->vcpu_info[0].evtchn_upcall_mask = 1;
}

/* An upcall in user mode (the event handler has collected the ports):
 * with time slices, one after the slice's end switches, VIRQ_TIMER's
 * or another's. */
static int on_upcall(struct minios_regs *r)
{
	if (!slice_ns)
		return 1;
	events_forget(timer_port());	/* the slice's timer, if it was that */
	if (timer_now() >= slice_end) {
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
	mask_events();
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
	mask_events();
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

unsigned int proc_trace(unsigned int *pids, unsigned int max)
{
	unsigned int n = traced < max ? traced : max;

	for (unsigned int i = 0; i < n; i++)
		pids[i] = trace[i];
	return n;
}
