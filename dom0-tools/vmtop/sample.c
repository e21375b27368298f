/*
 * Taking a sample: one management call for the whole machine (libvmctl's
 * snapshot), never one per domain, so a refresh costs one call with 2
 * domains or 100; and no allocation once the buffers have their size.
 */
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
	int rc = vmctl_snapshot(h, &s->snap);

	if (rc < 0) {
		s->snap.nr = 0;
		s->t_ns = 0;
		return rc;
	}
	s->t_ns = now_ns;
	return 0;
}

void vmtop_sample_free(struct vmtop_sample *s)
{
	vmctl_snapshot_free(&s->snap);
	memset(s, 0, sizeof(*s));
}

void vmtop_sample_shift(struct vmtop_sample *prev, struct vmtop_sample *cur)
{
	struct vmtop_sample old = *prev;

	*prev = *cur;
	*cur = old;
	cur->snap.nr = 0;
	cur->t_ns = 0;
}
