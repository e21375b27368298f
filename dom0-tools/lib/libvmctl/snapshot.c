/* A monitor's refresh in one management call: physinfo with what a
 * monitor shows of every domain (UMBRA_MGMT_snapshot), read into a buffer
 * kept from one refresh to the next. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Room at the first snapshot of a handle: Umbra's domain limit, so a
 * monitor's first refresh is one call too. */
#define SNAPSHOT_FIRST_ROOM	128
/* Room above the last count, for domains created between refreshes. */
#define SNAPSHOT_SLACK		8
/* The largest record: room is counted in these. */
#define RECORD_MAX		UMBRA_SNAPSHOT_RECORD_BYTES(UMBRA_MAX_VCPUS)

static int bad_record(struct vmctl_snapshot *s, unsigned int i, const char *what)
{
	s->nr = 0;
	return vmctl_fail(-EIO, "Umbra's snapshot is inconsistent at record %u (%s)", i, what);
}

int vmctl_snapshot_index(struct vmctl_snapshot *s, size_t bytes, unsigned int nr)
{
	const uint8_t *p = s->buf;
	size_t at = 0;

	s->nr = 0;
	if (nr > s->dom_room) {
		const struct umbra_domain_snapshot **d = realloc(s->dom, nr * sizeof(*d));

		if (!d)
			return vmctl_fail(-ENOMEM, "reading the domains: out of memory");
		s->dom = d;
		s->dom_room = nr;
	}
	for (unsigned int i = 0; i < nr; i++) {
		const struct umbra_domain_snapshot *r = (const void *)(p + at);

		if (bytes - at < sizeof(*r))
			return bad_record(s, i, "cut short");
		if (r->nr_vcpus > UMBRA_MAX_VCPUS)
			return bad_record(s, i, "too many vCPUs");
		if (bytes - at < UMBRA_SNAPSHOT_RECORD_BYTES(r->nr_vcpus))
			return bad_record(s, i, "its vCPUs cut short");
		if (i && r->domid <= s->dom[i - 1]->domid)
			return bad_record(s, i, "domids out of order");
		s->dom[i] = r;
		at += UMBRA_SNAPSHOT_RECORD_BYTES(r->nr_vcpus);
	}
	if (at != bytes)
		return bad_record(s, nr, "bytes left over");
	s->nr = nr;
	return 0;
}

static size_t first_room(struct vmctl *h)
{
	unsigned int hint = __atomic_load_n(&h->snapshot_hint, __ATOMIC_RELAXED);

	return (hint ? hint + SNAPSHOT_SLACK : SNAPSHOT_FIRST_ROOM) * RECORD_MAX;
}

/* Room for `bytes` in s's buffer (kept: a refresh allocates nothing). */
static int room(struct vmctl_snapshot *s, size_t bytes)
{
	void *b;

	if (bytes > UMBRA_MGMT_BUF_MAX)
		bytes = UMBRA_MGMT_BUF_MAX;
	if (s->buf_size >= bytes)
		return 0;
	b = realloc(s->buf, bytes);
	if (!b)
		return vmctl_fail(-ENOMEM, "reading the domains: out of memory");
	s->buf = b;
	s->buf_size = bytes;
	return 0;
}

/* One call, or more while the domains outgrow the buffer. */
int vmctl_snapshot(struct vmctl *h, struct vmctl_snapshot *s)
{
	struct umbra_mgmt req;
	size_t want;
	long rc;

	if (!s)
		return vmctl_fail(-EINVAL, "reading the domains: no snapshot");
	s->nr = 0;
	if (!h)
		return vmctl_fail(-EBADF, "reading the domains: no handle");
	want = first_room(h);
	for (;;) {
		rc = room(s, want);
		if (rc)
			return (int)rc;
		vmctl_req_init(&req, UMBRA_MGMT_snapshot, 0);
		req.buf = (uint64_t)(uintptr_t)s->buf;
		req.buf_len = s->buf_size;
		rc = vmctl_mgmt(h, &req);
		if (rc < 0)
			return vmctl_mgmt_fail((int)rc, 0, "reading the domains");
		if (req.u.snapshot.bytes > s->buf_size || req.u.snapshot.nr_records > rc)
			return vmctl_fail(-EIO, "Umbra's snapshot is inconsistent (%llu bytes, "
					  "%u records of %ld domains)",
					  (unsigned long long)req.u.snapshot.bytes,
					  req.u.snapshot.nr_records, rc);
		if (req.u.snapshot.nr_records == rc)
			break;
		if (s->buf_size >= UMBRA_MGMT_BUF_MAX)
			return vmctl_fail(-E2BIG, "reading the domains: %ld domains do not "
					  "fit in one request", rc);
		want = ((size_t)rc + SNAPSHOT_SLACK) * RECORD_MAX;
	}
	__atomic_store_n(&h->snapshot_hint, (unsigned int)rc, __ATOMIC_RELAXED);
	s->phys = req.u.snapshot.physinfo;
	return vmctl_snapshot_index(s, req.u.snapshot.bytes, (unsigned int)rc);
}

void vmctl_snapshot_free(struct vmctl_snapshot *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s->dom);
	memset(s, 0, sizeof(*s));
}
