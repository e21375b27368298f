/* memory_write: dom0's buffer into a domain's RAM. The hypervisor's part
 * of image loading is only this bounded copy (dom0 parsed the image). */
#include <asm/guest_access.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>

#define BOUNCE_SIZE	4096
#define BYTES_PER_CALL	(256u << 10)	/* then the call is continued */

/* Shared by every call: the mgmt lock serialises them. */
static uint8_t bounce[BOUNCE_SIZE];

/*
 * The progress is kept in the request itself: each chunk copied moves
 * buf and u.memory.gpa on and buf_len down, and the request is written
 * back before a continuation, which reads it again and goes on from
 * there. So a continued call is the same command for what is left, and on
 * return (success or not) the request says how far the copy got.
 */
long mgmt_memory_write(struct mgmt_call *c)
{
	struct umbra_mgmt *r = &c->req;
	uint64_t done = 0;
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	if (d->state == DOMAIN_DYING)
		return -EINVAL;
	if (!domain_owns_gpa_range(d, r->u.memory.gpa, r->buf_len))
		return -EINVAL;
	while (r->buf_len) {
		uint64_t n = r->buf_len < BOUNCE_SIZE ? r->buf_len : BOUNCE_SIZE;

		if (done == BYTES_PER_CALL)
			return HYPERCALL_CONTINUE;
		if (copy_from_guest(c->v, bounce, r->buf, n) ||
		    copy_to_gpa(d, r->u.memory.gpa, bounce, n))
			return -EFAULT;
		r->buf += n;
		r->buf_len -= n;
		r->u.memory.gpa += n;
		done += n;
	}
	return 0;
}
