/*
 * pvproc: minios's timer helper and user processes, in either paging
 * mode. The timer: a monotonic now() from the pvclock record, a sleep
 * until a deadline on the one-shot timer and VIRQ_TIMER. The processes
 * (proc.h), each in an address space of its own (a fresh L4 as user
 * base pointer): workers that greet through SYS_write, count in the
 * data word every process has at the same address across yields, read
 * their private page and sleep; a spy that reads a worker's private page
 * (not mapped in its space: #PF, killed, the others go on); one that
 * reads the kernel's data, one that writes its own code and one that
 * calls the hypercall page (all killed); a SYSCALL from user mode is
 * the kernel's, never a hypercall. Then every process is taken apart and a second round runs in
 * the pages the first gave back; a third with time slices, where a
 * process that never gives up the vCPU is preempted. Output on
 * console_io (and, when start_info names a console ring, a line there).
 * One line per check: "pvproc: ok: ..." or "pvproc: FAIL: ...".
 */
#include <public/sched.h>
#include "clock.h"
#include "consring.h"
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "proc.h"
#include "pvproc.h"
#include "timer.h"

const char guest_name[] = "pvproc";

#define ROUNDS		5
#define SPY_VA		0x30000ULL	/* the spy's own extra page */
#define PRIVATE_VA(pid)	(0x40000ULL + (pid) * 0x1000)
#define SLEEP_NS	(20 * NSEC_PER_MSEC)

static volatile uint64_t kernel_secret = 0x5ec2e7;

static void check_timer(void)
{
	uint64_t t0, t1, t2;
	unsigned int before;

	expect(timer_init() == 0, "timer: VIRQ_TIMER bound through the event helpers");
	expect(timer_clock_running(), "timer: vCPU 0's time record is published (a scale factor)");
	t0 = timer_now();
	t1 = timer_now();
	expect(t0 && t1 >= t0, "timer: now() runs and never goes back");
	before = timer_wakeups();
	expect(timer_sleep(SLEEP_NS) == 0, "timer: a 20 ms sleep returns");
	t2 = timer_now();
	con_printf("pvproc: timer: slept %lu us\n", (t2 - t1) / 1000);
	expect(t2 - t1 >= SLEEP_NS, "timer: at least 20 ms passed on now()");
	expect(timer_wakeups() > before, "timer: the sleep woke on VIRQ_TIMER");
	expect(timer_sleep_until(t1) == 0 && timer_now() >= t1,
	       "timer: a deadline already past returns at once");
}

/* The kernel's part of a worker's data page. */
static void fill_page(struct proc *p, uint64_t private_val)
{
	struct user_page *up = (struct user_page *)p->data;
	char *msg = (char *)p->data + USER_MSG_OFF;
	static const char greet[] = "pvproc: hello from process ";
	size_t n = sizeof(greet) - 1;

	memcpy(msg, greet, n);
	msg[n++] = (char)('0' + p->pid);
	memcpy(msg + n, ", in user mode\n", 15);
	up->msg_len = n + 15;
	up->kernel_addr = (uint64_t)(uintptr_t)&kernel_secret;
	up->private_va = PRIVATE_VA(p->pid);
	up->private_val = private_val;
}

static struct proc *worker(uint64_t rounds)
{
	struct proc *p = proc_create(user_worker, rounds);
	uint64_t *priv;

	if (!p)
		return NULL;
	priv = proc_map(p, PRIVATE_VA(p->pid));
	if (!priv)
		return NULL;
	*priv = 0xabc000 + p->pid;
	fill_page(p, *priv);
	return p;
}

static bool killed_by_pf(const struct proc *p, uint64_t addr, uint64_t err)
{
	return p && p->state == PROC_KILLED && p->fault_vector == 14 && p->fault_addr == addr &&
	       (p->fault_error & 7) == err;
}

/* Each worker was switched to at least once per yield, and between two
 * of its runs some other process ran (a switch, not a return). */
static bool interleaved(const struct proc *a, const struct proc *b)
{
	unsigned int t[64], n = proc_trace(t, 64), switches = 0;

	for (unsigned int i = 1; i < n; i++)
		switches += t[i] != t[i - 1];
	return a->runs > ROUNDS && b->runs > ROUNDS && switches >= 2 * ROUNDS;
}

static void round_one(void)
{
	struct proc *w1 = worker(ROUNDS), *w2 = worker(ROUNDS), *spy, *kr;
	unsigned int used;
	long rc;

	expect(w1 && w2, "proc: two workers created, each with a private page of its own");
	if (!w1 || !w2)
		return;
	spy = proc_create(user_spy, PRIVATE_VA(w2->pid));
	kr = proc_create(user_spy, (uint64_t)(uintptr_t)&kernel_secret);
	expect(spy && kr, "proc: a spy on the second worker's page and a reader of the kernel's data");
	if (!spy || !kr)
		return;
	expect(proc_map(spy, SPY_VA) != NULL, "proc: the spy has an extra page of its own");
	expect(proc_create(user_spy, 0) == NULL,
	       "proc: a fifth process: no slot (NULL)");
	con_printf("pvproc: pids: workers %u %u, spy %u, kernel reader %u\n", w1->pid, w2->pid,
		   spy->pid, kr->pid);
	expect(proc_run() == 0, "proc: all ran until none was left");
	expect(w1->state == PROC_EXITED && w1->exit_code == (long)w1->pid &&
	       w2->state == PROC_EXITED && w2->exit_code == (long)w2->pid,
	       "proc: both workers exited with their pid (every step of theirs passed)");
	if (w1->state == PROC_EXITED && w1->exit_code != (long)w1->pid)
		con_printf("pvproc: worker %u exit code %#lx\n", w1->pid, w1->exit_code);
	if (w2->state == PROC_EXITED && w2->exit_code != (long)w2->pid)
		con_printf("pvproc: worker %u exit code %#lx\n", w2->pid, w2->exit_code);
	expect(interleaved(w1, w2),
	       "proc: each yield switched processes (the workers ran turn about)");
	expect(killed_by_pf(spy, PRIVATE_VA(w2->pid), 4),
	       "proc: the spy's read of the worker's private page: #PF (not present, user), killed");
	expect(killed_by_pf(kr, (uint64_t)(uintptr_t)&kernel_secret, 4),
	       "proc: a process reading the kernel's data: #PF (not present in its space), killed");
	used = proc_pages_used();
	rc = proc_destroy(w1) | proc_destroy(w2) | proc_destroy(spy) | proc_destroy(kr);
	expect(rc == 0 && used == 4 * 6 + 3 && proc_pages_used() == 0,
	       "proc: all four taken apart (L4s unpinned, tables writable again), every page back");
}

static void round_two(void)
{
	uint64_t hc = (uint64_t)(uintptr_t)hypercall_page + __HYPERVISOR_sched_op * 32;
	struct proc *w = worker(ROUNDS), *tw, *hp;

	tw = proc_create(user_text_writer, (uint64_t)(uintptr_t)user_worker);
	hp = proc_create(user_hypercaller, hc);
	expect(w && tw && hp, "proc: a second round in the pages the first gave back");
	if (!w || !tw || !hp)
		return;
	expect(proc_run() == 0 && w->state == PROC_EXITED && w->exit_code == (long)w->pid,
	       "proc: its worker exited with its pid");
	expect(killed_by_pf(tw, (uint64_t)(uintptr_t)user_worker, 7),
	       "proc: a process writing its own code: #PF (present, write, user), killed");
	expect(killed_by_pf(hp, hc, 4) && (hp->fault_error & 0x10),
	       "proc: a process calling the hypercall page: #PF (fetch, not present in its space), killed");
	expect(proc_destroy(w) == 0 && proc_destroy(tw) == 0 && proc_destroy(hp) == 0 &&
	       proc_pages_used() == 0, "proc: all three taken apart");
}

/* Time slices: a spinner that never gives up the vCPU for SPIN_MS,
 * started first, and a worker of one round (it needs the vCPU about
 * four times: QEMU's timers can be tens of ms late under load): with
 * 5 ms slices the worker is switched to while the spinner spins and
 * ends first. */
#define SPIN_MS		1000
static void round_three(void)
{
	uint64_t tsc_per_ms = clock_tsc_khz();
	struct proc *sp, *w;

	expect(tsc_per_ms, "slices: the TSC's rate from Xen's time leaf");
	sp = proc_create(user_spinner, SPIN_MS * tsc_per_ms);
	w = worker(1);
	expect(sp && w, "slices: a spinner and a worker");
	if (!sp || !w)
		return;
	proc_set_slice(5 * NSEC_PER_MSEC);
	expect(proc_run() == 0, "slices: both ran until none was left");
	proc_set_slice(0);
	con_printf("pvproc: slices: the spinner was preempted %u times, the worker %u\n",
		   sp->preempted, w->preempted);
	expect(sp->state == PROC_EXITED && sp->exit_code == 0 && w->state == PROC_EXITED &&
	       w->exit_code == (long)w->pid, "slices: both exited normally");
	expect(sp->preempted > 0 && w->end_seq < sp->end_seq,
	       "slices: the spinner was preempted and the worker ended while it spun");
	expect(proc_destroy(sp) == 0 && proc_destroy(w) == 0 && proc_pages_used() == 0,
	       "slices: both taken apart");
}

int guest_main(const struct start_info *si)
{
	bool ring;

	expect(shared_info_map(si) != NULL, "shared_info mapped");
	expect(trap_init() == 0 && events_init() == 0, "trap table and event callback");
	expect(pt_init(si) == 0, "page-table helpers (features, writable page tables)");
	con_printf("pvproc: paging %s\n", pt_translated() ? "translated (shadow)" : "shared");
	ring = consring_init(si) == 0;
	if (ring)
		consring_puts("pvproc: hello on the console ring\r\n");
	con_printf("pvproc: console ring: %s\n", ring ? "yes" : "none (a boot module)");
	check_timer();
	round_one();
	round_two();
	round_three();
	con_printf("pvproc: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
