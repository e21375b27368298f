/* pvproc: what the kernel and its user programs share. */
#ifndef PVPROC_H
#define PVPROC_H

#include <stdint.h>

#define USER_BAD	0x100		/* exit codes of a step that went wrong */
#define USER_MSG_OFF	0x100
#define USER_SLEEP_NS	10000000ULL	/* 10 ms */

/* The start of each process's data page, filled by the kernel. */
struct user_page {
	uint64_t word;			/* the worker's counter */
	uint64_t msg_len;		/* its greeting at USER_MSG_OFF */
	uint64_t kernel_addr;		/* a kernel address: SYS_write refuses it */
	uint64_t private_va, private_val;	/* its page from proc_map() */
};

long user_worker(uint64_t rounds);
long user_spy(uint64_t addr);
long user_text_writer(uint64_t addr);
long user_spinner(uint64_t ticks);
long user_hypercaller(uint64_t addr);

#endif
