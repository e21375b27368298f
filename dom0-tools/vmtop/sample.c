/*
 * Taking a sample: three management calls for the whole machine, never
 * one per domain, so a refresh costs the same with 2 domains or 64.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sample.h"

static unsigned long mgmt_calls;

unsigned long vmtop_mgmt_calls(void)
{
	return mgmt_calls;
}

void vmtop_mgmt_count(void)
{
	mgmt_calls++;
}

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
	mgmt_calls++;
	rc = vmctl_physinfo(h, &s->phys);
	if (rc >= 0) {
		mgmt_calls++;
		rc = vmctl_domain_list(h, &s->doms, &s->nr_doms);
	}
	if (rc >= 0) {
		mgmt_calls++;
		rc = vmctl_domain_counters(h, &s->ctrs, &s->nr_ctrs);
	}
	if (rc < 0) {
		vmtop_sample_free(s);
		return rc;
	}
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
