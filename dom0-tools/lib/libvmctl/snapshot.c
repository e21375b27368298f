/* A monitor's refresh in one management call: physinfo with every
 * domain's information and counters (UMBRA_MGMT_snapshot). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Room at the first snapshot of a handle: Umbra's domain limit, so a
 * monitor's first refresh is one call too. */
#define SNAPSHOT_FIRST_ROOM	128
/* Room above the last count, for domains created between refreshes. */
#define SNAPSHOT_SLACK		8

int vmctl_snapshot_split(const struct umbra_domain_snapshot *rec, unsigned int nr,
			 struct umbra_domain_info **list,
			 struct umbra_domain_counters **ctrs)
{
	struct umbra_domain_info *l;
	struct umbra_domain_counters *k;

	for (unsigned int i = 0; i < nr; i++) {
		if (rec[i].info.domid != rec[i].counters.domid ||
		    (i && rec[i].info.domid <= rec[i - 1].info.domid))
			return vmctl_fail(-EIO, "Umbra's snapshot is inconsistent at record %u "
					  "(domain %u with the counters of %u)", i,
					  rec[i].info.domid, rec[i].counters.domid);
	}
	l = malloc(nr ? nr * sizeof(*l) : 1);
	k = malloc(nr ? nr * sizeof(*k) : 1);
	if (!l || !k) {
		free(l);
		free(k);
		return vmctl_fail(-ENOMEM, "reading the domains: out of memory");
	}
	for (unsigned int i = 0; i < nr; i++) {
		l[i] = rec[i].info;
		k[i] = rec[i].counters;
	}
	*list = l;
	*ctrs = k;
	return 0;
}

static size_t first_room(struct vmctl *h)
{
	unsigned int hint = __atomic_load_n(&h->snapshot_hint, __ATOMIC_RELAXED);

	return hint ? hint + SNAPSHOT_SLACK : SNAPSHOT_FIRST_ROOM;
}

/* One call, or more while the domains outgrow the buffer. Returns how
 * many records *out holds, or -errno. */
static long snapshot_call(struct vmctl *h, struct umbra_mgmt_physinfo *phys,
			  struct umbra_domain_snapshot **out)
{
	size_t max = UMBRA_MGMT_BUF_MAX / sizeof(**out), cap = first_room(h);
	struct umbra_domain_snapshot *buf = NULL, *grown;
	struct umbra_mgmt req;
	long rc;

	for (;;) {
		if (cap > max)
			cap = max;
		grown = realloc(buf, cap * sizeof(*buf));
		if (!grown) {
			free(buf);
			return vmctl_fail(-ENOMEM, "reading the domains: out of memory");
		}
		buf = grown;
		vmctl_req_init(&req, UMBRA_MGMT_snapshot, 0);
		req.buf = (uint64_t)(uintptr_t)buf;
		req.buf_len = cap * sizeof(*buf);
		rc = vmctl_mgmt(h, &req);
		if (rc < 0) {
			free(buf);
			return vmctl_mgmt_fail((int)rc, 0, "reading the domains");
		}
		if ((size_t)rc <= cap)
			break;
		if (cap == max) {
			free(buf);
			return vmctl_fail(-E2BIG, "reading the domains: %ld domains do not "
					  "fit in one request", rc);
		}
		cap = (size_t)rc + SNAPSHOT_SLACK;
	}
	__atomic_store_n(&h->snapshot_hint, (unsigned int)rc, __ATOMIC_RELAXED);
	*phys = req.u.physinfo;
	*out = buf;
	return rc;
}

int vmctl_snapshot(struct vmctl *h, struct umbra_mgmt_physinfo *phys,
		   struct umbra_domain_info **list, struct umbra_domain_counters **ctrs,
		   unsigned int *nr)
{
	struct umbra_mgmt_physinfo p;
	struct umbra_domain_snapshot *rec = NULL;
	long n;
	int rc;

	if (!h)
		return vmctl_fail(-EBADF, "reading the domains: no handle");
	n = snapshot_call(h, &p, &rec);
	if (n < 0)
		return (int)n;
	rc = vmctl_snapshot_split(rec, (unsigned int)n, list, ctrs);
	free(rec);
	if (rc)
		return rc;
	*phys = p;
	*nr = (unsigned int)n;
	return 0;
}
