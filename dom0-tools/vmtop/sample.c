/*
 * Taking a sample: one management call for the whole machine (libvmctl's
 * snapshot), never one per domain, so a refresh costs one call with 2
 * domains or 100.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sample.h"

uint64_t vmtop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vmtop_sample_take(struct vmctl *h, struct vmtop_sample *s, uint64_t now_ns)
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = vmctl_snapshot(h, &s->phys, &s->doms, &s->ctrs, &s->nr_doms);
	if (rc < 0) {
		vmtop_sample_free(s);
		return rc;
	}
	s->nr_ctrs = s->nr_doms;
	s->t_ns = now_ns;
	return 0;
}

void vmtop_sample_free(struct vmtop_sample *s)
{
	free(s->doms);
	free(s->ctrs);
	memset(s, 0, sizeof(*s));
}

void vmtop_sample_shift(struct vmtop_sample *prev, struct vmtop_sample *cur)
{
	vmtop_sample_free(prev);
	*prev = *cur;
	memset(cur, 0, sizeof(*cur));
}
