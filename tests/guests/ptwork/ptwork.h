/* ptwork's model of its address spaces, shared by its source files. */
#ifndef PTWORK_H
#define PTWORK_H

#include <stdbool.h>
#include <stdint.h>

#define NR_SPACES	4
#define NR_SLOTS	64	/* virtual pages per address space */
#define NR_FRAMES	32	/* data pages they map, shared between spaces */
#define NR_WORDS	8	/* words of each frame the model tracks */
#define WORD_STRIDE	64	/* in uint64_t: 512 bytes apart */

struct slot_state {
	int frame;		/* -1: not mapped */
	bool writable;
	bool accessed;		/* read or written since it was mapped */
	bool dirty;		/* written since it was mapped */
};

struct space {
	uint64_t *root;
	struct slot_state slot[NR_SLOTS];
};

struct counts {
	uint64_t ops, switches, maps, unmaps, protects, ages, drops;
	uint64_t reads, writes, faults, mismatches;
};

extern struct space spaces[NR_SPACES];
extern uint64_t *frames[NR_FRAMES];
extern uint64_t model[NR_FRAMES][NR_WORDS];
extern unsigned int current_space;
extern struct counts counts;
/* Update live entries with LOCK CMPXCHG/XCHG/XOR/BTR instead of MOV. */
extern bool pte_rmw;

uint64_t slot_va(unsigned int slot);
void mix(uint64_t v);
void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ops.c: one operation each, updating the model. */
void op_switch(unsigned int s);
void op_map(unsigned int s, unsigned int i, unsigned int f, bool writable);
void op_unmap(unsigned int s, unsigned int i);
void op_protect(unsigned int s, unsigned int i);
void op_age(unsigned int s, unsigned int i);
void op_drop_table(unsigned int s, unsigned int i);
void op_read(unsigned int i, unsigned int word);
void op_write(unsigned int i, unsigned int word, uint64_t value);

/* verify.c: the final sweep over every space. */
void verify_all(void);

/* workload.c: build the spaces, run `ops` operations from `seed`, sweep,
 * print the counts and the checksum; the shutdown reason (poweroff, or
 * crash on any mismatch). rmw: see pte_rmw. */
int ptwork_run(uint64_t ops, uint64_t seed, bool rmw);

#endif
