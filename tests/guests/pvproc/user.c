/*
 * pvproc's user programs (proc.h): code in the image's .user_text, the
 * only part of the image their address spaces map. They touch nothing
 * but their registers, stack and pages (no kernel function, no .rodata:
 * not mapped for them) and reach the kernel only through SYSCALL.
 */
#include <public/sched.h>
#include "proc.h"
#include "pvproc.h"

static inline __attribute__((always_inline)) long usys(long nr, uint64_t a1, uint64_t a2)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Greets with the line the kernel left in its data page, then counts in
 * its data word across yields (every process's word is at the same
 * address: what it reads back is its own only if the spaces are
 * apart), reads its private page, sleeps. Its exit code is its pid, or
 * the step that went wrong (USER_BAD + step). */
PROC_USER_TEXT long user_worker(uint64_t rounds)
{
	volatile uint64_t *word = (volatile uint64_t *)PROC_DATA_VA;
	const struct user_page *up = (const struct user_page *)PROC_DATA_VA;
	long pid = usys(SYS_getpid, 0, 0);
	long slept;

	if (usys(SYS_write, PROC_DATA_VA + USER_MSG_OFF, up->msg_len) != (long)up->msg_len)
		usys(SYS_exit, USER_BAD + 1, 0);
	if (usys(SYS_write, up->kernel_addr, 8) != SYS_EFAULT)
		usys(SYS_exit, USER_BAD + 2, 0);
	/* SYSCALL in user mode is never a hypercall: sched_op(shutdown)
	 * reaches the kernel's callback, which knows no call 29. */
	if (usys(__HYPERVISOR_sched_op, SCHEDOP_shutdown, PROC_DATA_VA) != -38)
		usys(SYS_exit, USER_BAD + 6, 0);
	for (uint64_t i = 0; i < rounds; i++) {
		word[0] = (uint64_t)pid * 1000 + i;
		usys(SYS_yield, 0, 0);
		if (word[0] != (uint64_t)pid * 1000 + i)
			usys(SYS_exit, USER_BAD + 3, 0);
	}
	if (*(volatile uint64_t *)up->private_va != up->private_val)
		usys(SYS_exit, USER_BAD + 4, 0);
	slept = usys(SYS_sleep, USER_SLEEP_NS, 0);
	if (slept < (long)USER_SLEEP_NS)
		usys(SYS_exit, USER_BAD + 5, 0);
	return pid;	/* through minios_user_exit */
}

/* Reads the address it is given once it has yielded (a page of another
 * process, or the kernel's): it must fault and be killed there. */
PROC_USER_TEXT long user_spy(uint64_t addr)
{
	usys(SYS_yield, 0, 0);
	*(volatile uint64_t *)PROC_DATA_VA = *(volatile uint64_t *)addr;
	return USER_BAD;	/* it read it: its exit code says so */
}

/* Writes its own code (mapped read-only, executable): a #PF. */
PROC_USER_TEXT long user_text_writer(uint64_t addr)
{
	*(volatile uint8_t *)addr = 0xc3;
	return USER_BAD;
}

/* Spins without giving up the vCPU for `ticks` of the TSC, then exits
 * with 0: only time slices let the others run meanwhile. */
PROC_USER_TEXT long user_spinner(uint64_t ticks)
{
	uint32_t lo, hi;
	uint64_t t0, t;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	t0 = (uint64_t)hi << 32 | lo;
	do {
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		t = (uint64_t)hi << 32 | lo;
	} while (t - t0 < ticks);
	return 0;
}

/* Calls into the hypercall page at the address the kernel uses: not
 * mapped in its space (an instruction fetch #PF). */
PROC_USER_TEXT long user_hypercaller(uint64_t addr)
{
	((void (*)(void))addr)();
	return USER_BAD;
}
