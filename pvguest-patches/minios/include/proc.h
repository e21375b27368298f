/*
 * minios: user processes, each in an address space of its own (proc.c).
 *
 * Xen's x86-64 PV guest user mode (docs/pv.md, "Guest user mode"): the
 * guest kernel and its user space both run in ring 3, each on its own
 * base pointer. A process here is a fresh L4 given to
 * MMUEXT_NEW_USER_BASEPTR, holding only what the process may touch, all
 * in its first 2 MiB:
 *   the image's user text (section .user_text, PROC_USER_TEXT), read-only,
 *     executable, at the address it has in the kernel;
 *   a data page at PROC_DATA_VA and a stack page at PROC_STACK_VA, its own;
 *   pages added with proc_map() between PROC_MAP_LO and PROC_MAP_HI.
 * Nothing of the kernel is mapped there (the kernel runs on its own base
 * pointer; Umbra adds the hypervisor's slots). On shared page tables the
 * entries hold machine frames, each table page is read-only in the
 * kernel's own mapping before it is linked and the L4 is pinned
 * (validated); translated (paging=shadow) they hold pseudo-physical
 * frames and are ordinary memory.
 *
 * Processes run in user mode through the iret hypercall and come back
 * through SYSCALL (the syscall callback) or a fault, on the kernel stack
 * stack_switch names. A process runs until it yields, sleeps, exits or
 * faults, or with time slices until its slice runs out; a fault kills it
 * and the next one runs. proc_run() returns when none is left.
 *
 * Needs pt_init(), trap_init(), shared_info_map() and events_init()
 * first; timer_init() too for SYS_sleep.
 */
#ifndef MINIOS_PROC_H
#define MINIOS_PROC_H

#include <stdint.h>
#include <public/xen.h>
#include "minios.h"

#define PROC_MAX	4
#define PROC_DATA_VA	0x10000ULL
#define PROC_STACK_VA	0x20000ULL
#define PROC_MAP_LO	0x30000ULL
#define PROC_MAP_HI	0x100000ULL
#define PROC_EXTRA_MAX	4		/* pages proc_map() may add */

/* The system calls: number in RAX, arguments in RDI, RSI, result in RAX. */
#define SYS_exit	0	/* (code): never returns */
#define SYS_yield	1	/* let the next ready process run; 0 */
#define SYS_write	2	/* (buf, len) on the console: len, or -14 (EFAULT)
				 * when buf is not within one page of its own */
#define SYS_getpid	3
#define SYS_sleep	4	/* (ns): the ns that passed, others run meanwhile;
				 * -1 without a clock */
#define SYS_EFAULT	(-14)

#define PROC_USER_TEXT	__attribute__((section(".user_text"), noinline))

enum proc_state { PROC_FREE, PROC_READY, PROC_RUNNING, PROC_SLEEPING, PROC_EXITED,
		  PROC_KILLED };

struct proc {
	enum proc_state state;
	unsigned int pid;
	struct minios_regs regs;	/* while it does not run */
	uint64_t *l4, *l3, *l2, *l1;	/* its tables, by kernel address */
	uint8_t *data, *stack;
	uint8_t *extra[PROC_EXTRA_MAX];
	uint64_t extra_va[PROC_EXTRA_MAX];
	uint64_t wake_at, slept_from;	/* SLEEPING: system times */
	long exit_code;			/* EXITED: SYS_exit's argument */
	uint64_t fault_vector, fault_error, fault_addr, fault_rip;	/* KILLED */
	unsigned int runs;		/* times it was switched to */
	unsigned int preempted;		/* times its slice ran out */
	unsigned int end_seq;		/* EXITED, KILLED: 1 for the first to end, ... */
};

/* A process that will start at entry(arg) in user mode (entry in the
 * image's .user_text; when it returns, its result is its exit code).
 * NULL when there is no free slot or page, or a hypercall refused its
 * tables (the reason on the console). */
struct proc *proc_create(long (*entry)(uint64_t), uint64_t arg);
/* One more zeroed page of its own at va (page-aligned, PROC_MAP_LO to
 * PROC_MAP_HI), writable, never executable; its kernel address, or NULL.
 * Before proc_run(). */
void *proc_map(struct proc *p, uint64_t va);
/* Run every ready process until none is left; 0, or -1 when user mode
 * could not be set up (stack_switch, the syscall callback). */
int proc_run(void);
/* Time slices for the next proc_run(): 0 (the default) lets a process
 * run until it gives up the vCPU; otherwise the one-shot timer is set
 * when a process is switched to and, once its slice has run out, the
 * VIRQ_TIMER upcall that arrives in user mode switches to the next one
 * (needs timer_init()). */
void proc_set_slice(uint64_t ns);
/* Take an exited or killed process apart: its L4 unpinned, its table
 * pages writable again and every page back in the pool; 0, or the
 * failing hypercall's result (the pages then stay out of the pool). */
long proc_destroy(struct proc *p);
/* Pages of the pool in use (tables and process pages). */
unsigned int proc_pages_used(void);
/* The pids in the order they were switched to (at most `max`); how many. */
unsigned int proc_trace(unsigned int *pids, unsigned int max);

#endif
