/*
 * vmtop -b: sampling on the delay and printing each interval (batch.h),
 * and with --stats what a refresh cost, step by step, on stderr.
 */
#ifndef VMTOP_BATCH_RUN_H
#define VMTOP_BATCH_RUN_H

#include <stdbool.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"

struct vmtop_batch_opts {
	unsigned int delay_ms;
	long iterations;	/* 0: until a stop signal */
	bool json;
	bool stats;
};

/* Returns the exit status. */
int vmtop_batch_run(struct vmctl *h, const struct vmtop_batch_opts *o);

#endif
