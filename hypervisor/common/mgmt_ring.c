/* Reading the byte streams dom0's tools follow: a domain's console
 * output (console_read) and Umbra's log (log_read, log_clear), by
 * position, as struct umbra_mgmt_ring describes. The writers run on any
 * pCPU; each ring is copied out under its writers' lock into a bounce
 * buffer, which is then copied to dom0 with no lock held but the mgmt
 * lock. */
#include <asm/guest_access.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/printk.h>
#include <umbra/ring_window.h>

#define LOG_READ_MAX	(64u << 10)	/* one log ring's worth per call */

/* Shared by every call: the mgmt lock serialises them. */
static char bounce[CONSOLE_RING_SIZE];

/* log_clear's mark: log_read starts here at the earliest. */
static uint64_t log_floor;

long mgmt_console_read(struct mgmt_call *c)
{
	struct umbra_mgmt_ring *r = &c->req.u.ring;
	struct ring_window w;
	struct domain *d;
	uint64_t head;
	int err = mgmt_target(c, true, &d);

	if (err)
		return err;
	domain_console_read(d, r->pos, bounce, c->req.buf_len, &w, &head);
	if (w.len && copy_to_guest(c->v, c->req.buf, bounce, w.len))
		return -EFAULT;
	r->pos = w.start + w.len;
	r->len = w.len;
	r->dropped = w.dropped;
	r->head = head;
	return 0;
}

/* One run of consecutive bytes from *pos into dom0's buf at offset done;
 * its length, 0 at the end or at a gap after bytes were copied (left for
 * the next read, so one dropped count covers one gap), -EFAULT. */
static long log_chunk(struct mgmt_call *c, uint64_t *pos, uint64_t done, uint64_t max)
{
	uint64_t before = *pos, want = max - done;
	size_t got = console_read_log(pos, bounce, want < sizeof(bounce) ? want : sizeof(bounce));
	uint64_t skipped = got ? *pos - got - before : 0;

	if (!got || (skipped && done)) {
		*pos = before;
		return 0;
	}
	if (copy_to_guest(c->v, c->req.buf + done, bounce, got))
		return -EFAULT;
	c->req.u.ring.dropped += skipped;
	return (long)got;
}

long mgmt_log_read(struct mgmt_call *c)
{
	struct umbra_mgmt_ring *r = &c->req.u.ring;
	uint64_t max = c->req.buf_len < LOG_READ_MAX ? c->req.buf_len : LOG_READ_MAX;
	uint64_t pos = r->pos < log_floor ? log_floor : r->pos;
	uint64_t done = 0;
	long got = 0;

	r->dropped = 0;
	while (done < max && (got = log_chunk(c, &pos, done, max)) > 0)
		done += (uint64_t)got;
	if (got < 0)
		return got;
	r->head = console_log_head();
	r->pos = pos > r->head ? r->head : pos;
	r->len = done;
	return 0;
}

/* What the log held before is no longer read by log_read (vmctl dmesg -c);
 * the ring and its kept boot and lifecycle lines stay as they are, for
 * the hypervisor's own dump on a panic. */
long mgmt_log_clear(struct mgmt_call *c)
{
	(void)c;
	log_floor = console_log_head();
	return 0;
}
