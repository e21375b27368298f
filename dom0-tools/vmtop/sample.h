/*
 * One sample of the machine: what a refresh reads from Umbra, stamped
 * with the monotonic time it was taken. Two samples make the rates
 * (rates.h). A refresh costs one management call however many domains
 * exist: physinfo and every domain's monitor record come together
 * (vmctl_snapshot(); vmctl_calls() counts the calls made), into a buffer
 * the sample keeps for its next reading.
 */
#ifndef VMTOP_SAMPLE_H
#define VMTOP_SAMPLE_H

#include <stdint.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"

struct vmtop_sample {
	uint64_t t_ns;			/* CLOCK_MONOTONIC */
	struct vmctl_snapshot snap;	/* phys, nr, dom[] by domid */
};

/* Read a sample at time now_ns into s (reusing its buffer). Returns 0,
 * or -errno with no domains in s (vmctl_last_error() says why). */
int vmtop_sample_take(struct vmctl *h, struct vmtop_sample *s, uint64_t now_ns);

void vmtop_sample_free(struct vmtop_sample *s);

/* Make cur the previous sample: prev and cur swap, and cur (what prev
 * held) is only a buffer for the next vmtop_sample_take(). */
void vmtop_sample_shift(struct vmtop_sample *prev, struct vmtop_sample *cur);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vmtop_now_ns(void);

#endif
