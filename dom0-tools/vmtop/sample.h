/*
 * One sample of the machine: what a refresh reads from Umbra, stamped
 * with the monotonic time it was taken. Two samples make the rates
 * (rates.h). A refresh costs one management call however many domains
 * exist: physinfo, the domain list and the counters come together
 * (vmctl_snapshot(); vmctl_calls() counts the calls made).
 */
#ifndef VMTOP_SAMPLE_H
#define VMTOP_SAMPLE_H

#include <stdint.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"

struct vmtop_sample {
	uint64_t t_ns;				/* CLOCK_MONOTONIC */
	struct umbra_mgmt_physinfo phys;
	struct umbra_domain_info *doms;		/* by domid */
	unsigned int nr_doms;
	struct umbra_domain_counters *ctrs;	/* by domid */
	unsigned int nr_ctrs;
};

/* Read a sample at time now_ns. Returns 0, or -errno with *s empty
 * (vmctl_last_error() says why). */
int vmtop_sample_take(struct vmctl *h, struct vmtop_sample *s, uint64_t now_ns);

void vmtop_sample_free(struct vmtop_sample *s);

/* Move cur into prev (freeing what prev held); cur is left empty. */
void vmtop_sample_shift(struct vmtop_sample *prev, struct vmtop_sample *cur);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vmtop_now_ns(void);

#endif
