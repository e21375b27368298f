/*
 * grant_table_op(cmd, uop, count): the dispatch, the batches of map,
 * unmap and copy (continued past GRANT_BATCH operations per call, so a
 * huge count cannot hold a pCPU), and the table queries. Answers follow
 * Xen's: a bad operation in a batch gets its GNTST_* status and the
 * batch goes on; a bad pointer ends the call with -EFAULT; the queries
 * take count 1 only. Version 2 is offered to PV domains on shared page
 * tables (grant_pv.c).
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/string.h>
#include "grant_priv.h"

#define GRANT_BATCH		32
/* Bits above the command are a continuation point (cache_flush only). */
#define GNTTABOP_CMD_MASK	0xfffu
#define INVALID_GFN		(~0ULL)

/* v: the calling vCPU (a PV mapper's host_addr is in its tables). */
typedef int16_t (*batch_fn)(struct vcpu *v, void *op);

static int16_t map_fn(struct vcpu *v, void *op)
{
	return grant_map_one(v, op);
}

static int16_t unmap_fn(struct vcpu *v, void *op)
{
	return grant_unmap_one(v, op);
}

static int16_t replace_fn(struct vcpu *v, void *op)
{
	return grant_replace_one(v, op);
}

static int16_t copy_fn(struct vcpu *v, void *op)
{
	return grant_copy_one(v->domain, op);
}

/* A 32-bit caller's copy: 4-byte frame numbers, widened (a grant
 * reference shares their low bytes, so one assignment serves both). */
static int16_t compat_copy_fn(struct vcpu *v, void *op)
{
	const struct compat_gnttab_copy *c = op;
	struct gnttab_copy n = {
		.source = { .u.gmfn = c->source.u.gmfn, .domid = c->source.domid,
			    .offset = c->source.offset },
		.dest = { .u.gmfn = c->dest.u.gmfn, .domid = c->dest.domid,
			  .offset = c->dest.offset },
		.len = c->len, .flags = c->flags,
	};

	return grant_copy_one(v->domain, &n);
}

/* Each operation read, done under the grant lock, written back with its
 * status (at status_off); then the next. */
static long batch(struct vcpu *v, uint64_t *a, size_t size, size_t status_off, batch_fn fn)
{
	union {
		struct gnttab_map_grant_ref map;
		struct gnttab_unmap_grant_ref unmap;
		struct gnttab_unmap_and_replace replace;
		struct gnttab_copy copy;
		struct compat_gnttab_copy compat_copy;
		uint8_t bytes[1];
	} op;
	int16_t status;
	uint64_t f;

	for (unsigned int i = 0; a[2]; i++) {
		if (i == GRANT_BATCH)
			return HYPERCALL_CONTINUE;
		if (copy_from_guest(v, &op, a[1], size))
			return -EFAULT;
		f = spin_lock_irqsave(&grant_lock);
		status = fn(v, &op);
		spin_unlock_irqrestore(&grant_lock, f);
		memcpy(op.bytes + status_off, &status, sizeof(status));
		if (copy_to_guest(v, a[1], &op, size))
			return -EFAULT;
		a[1] += size;
		a[2]--;
	}
	return 0;
}

/* setup_table, query_size: one's own table; another's is a privilege
 * nobody has here (Xen's XSM answer), a missing one GNTST_bad_domain. */
static struct domain *own_table(struct domain *self, uint16_t id, int16_t *status)
{
	struct domain *d = grant_domain(self, id);

	*status = !d ? GNTST_bad_domain : d != self ? GNTST_permission_denied : GNTST_okay;
	return *status ? NULL : d;
}

/* Entry i of the frame list: a xen_pfn_t, or a 32-bit caller's uint32_t;
 * a number that does not fit there is Xen's compat answer,
 * GNTST_address_too_big (so is a frame not placed yet, ~0). */
static int16_t frame_out(struct vcpu *v, uint64_t list, uint32_t i, uint64_t gfn)
{
	uint32_t narrow = (uint32_t)gfn;

	if (!v->hypercall_compat)
		return copy_to_guest(v, list + i * sizeof(gfn), &gfn, sizeof(gfn)) ?
		       GNTST_bad_virt_addr : GNTST_okay;
	if (narrow != gfn)
		return GNTST_address_too_big;
	return copy_to_guest(v, list + i * sizeof(narrow), &narrow, sizeof(narrow)) ?
	       GNTST_bad_virt_addr : GNTST_okay;
}

static int16_t setup_frames(struct vcpu *v, struct gnttab_setup_table *op)
{
	struct domain *d = own_table(v->domain, op->dom, &op->status);
	struct grant_table *gt;
	int16_t status = GNTST_okay;

	if (!d)
		return op->status;
	if (op->nr_frames > GRANT_FRAMES_MAX)
		return GNTST_general_error;
	gt = grant_table_of(d, true);
	if (!gt)
		return GNTST_general_error;
	/* A PV domain gets frames of Umbra's to map. */
	if (domain_is_pv(d) && grant_pv_grow(d, gt, op->nr_frames))
		return GNTST_general_error;
	if (op->nr_frames > gt->setup_frames)
		gt->setup_frames = op->nr_frames;
	/* An HVM domain's frames are where it placed them; one not placed
	 * yet has no frame number (Xen's INVALID_GFN). A PV domain's are
	 * machine frames (translated: guest frames above its RAM; one
	 * placed in its RAM: that page's frame). */
	for (uint32_t i = 0; i < op->nr_frames; i++) {
		uint64_t gfn = d->grant_frame_placed[i] ? d->grant_frame_gpa[i] >> 12 : INVALID_GFN;
		int16_t rc;

		if (i < GRANT_PV_FRAMES && gt->pv_frame[i])
			gfn = pv_grant_machine(d) ? gt->pv_frame[i] >> 12 : grant_pv_frame_gfn(d, i);
		rc = frame_out(v, op->frame_list, i, gfn);

		if (rc)
			status = rc;
		/* Native: Xen writes on past a bad entry; compat: it stops. */
		if (rc && v->hypercall_compat)
			break;
	}
	return status;
}

/* The request in the caller's layout; a 32-bit caller's has its status
 * at offset 8, the native one at 8 too (both after dom and nr_frames). */
static int read_setup(struct vcpu *v, uint64_t uop, struct gnttab_setup_table *op)
{
	struct compat_gnttab_setup_table c;

	if (!v->hypercall_compat)
		return copy_from_guest(v, op, uop, sizeof(*op));
	if (copy_from_guest(v, &c, uop, sizeof(c)))
		return -EFAULT;
	*op = (struct gnttab_setup_table){ .dom = c.dom, .nr_frames = c.nr_frames,
					   .frame_list = c.frame_list };
	return 0;
}

static long setup_table(struct vcpu *v, uint64_t uop)
{
	struct gnttab_setup_table op;
	uint64_t f;

	_Static_assert(offsetof(struct gnttab_setup_table, status) ==
		       offsetof(struct compat_gnttab_setup_table, status), "status in both layouts");
	if (read_setup(v, uop, &op))
		return -EFAULT;
	/* Xen checks the list's place first; one it cannot write at a
	 * guest address is GNTST_bad_virt_addr (setup_frames). */
	if (!guest_handle_okay(v, op.frame_list))
		return -EFAULT;
	f = spin_lock_irqsave(&grant_lock);
	op.status = setup_frames(v, &op);
	spin_unlock_irqrestore(&grant_lock, f);
	return copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status), &op.status,
			     sizeof(op.status)) ? -EFAULT : 0;
}

static long query_size(struct vcpu *v, uint64_t uop)
{
	struct gnttab_query_size op;
	struct domain *d;
	uint64_t f;

	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	f = spin_lock_irqsave(&grant_lock);
	d = own_table(v->domain, op.dom, &op.status);
	if (d) {
		op.nr_frames = grant_nr_frames(d);
		op.max_nr_frames = GRANT_FRAMES_MAX;
	}
	spin_unlock_irqrestore(&grant_lock, f);
	return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Version 1 everywhere, and 2 for a PV domain (grant_pv.c); an HVM
 * domain asking for 2 gets -ENOSYS (as Xen with
 * gnttab max version 1), anything else -EINVAL; the version in effect is
 * written back in every case. */
static long set_version(struct vcpu *v, uint64_t uop)
{
	struct domain *d = v->domain;
	struct gnttab_set_version op;
	struct grant_table *gt;
	long rc;
	uint64_t f;

	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	f = spin_lock_irqsave(&grant_lock);
	gt = grant_table_of(d, domain_is_pv(d));
	if (op.version != 1 && op.version != 2)
		rc = -EINVAL;
	else if (!domain_is_pv(d))
		rc = op.version == 1 ? 0 : -ENOSYS;
	else
		rc = gt ? grant_pv_set_version(d, gt, op.version) : -ENOMEM;
	op.version = gt && gt->version == 2 ? 2 : 1;
	spin_unlock_irqrestore(&grant_lock, f);
	return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
	struct gnttab_get_version op;
	struct domain *d;

	if (copy_from_guest(v, &op, uop, sizeof(op)))
		return -EFAULT;
	d = grant_domain(v->domain, op.dom);
	if (!d)
		return -ESRCH;
	if (d != v->domain)
		return -EPERM;
	op.version = d->grant && d->grant->version == 2 ? 2 : 1;
	return copy_to_guest(v, uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Version 2's status frames, by machine frame (translated: by the guest
 * frame above its RAM where it finds each): asking for more than
 * there are (none in version 1) is GNTST_general_error, as in Xen. A
 * 32-bit caller's frame_list is a 4-byte handle (it has no version 2). */
static int16_t status_frames(struct vcpu *v, struct gnttab_get_status_frames *op)
{
	struct domain *d = own_table(v->domain, op->dom, &op->status);
	struct grant_table *gt = d ? d->grant : NULL;

	if (!d)
		return op->status;
	if (op->nr_frames > (gt && gt->version == 2 ? grant_pv_status_frames(gt) : 0))
		return GNTST_general_error;
	for (uint32_t i = 0; i < op->nr_frames; i++) {
		uint64_t mfn = pv_grant_machine(d) ? gt->pv_status[i] >> 12 :
			       grant_pv_status_gfn(d, i);

		if (copy_to_guest(v, op->frame_list + i * sizeof(mfn), &mfn, sizeof(mfn)))
			return GNTST_bad_virt_addr;
	}
	return GNTST_okay;
}

static long get_status_frames(struct vcpu *v, uint64_t uop)
{
	struct gnttab_get_status_frames op = { 0 };
	uint64_t f;

	if (copy_from_guest(v, &op, uop, v->hypercall_compat ? 12 : sizeof(op)))
		return -EFAULT;
	if (v->hypercall_compat)
		op.frame_list = (uint32_t)op.frame_list;
	if (!guest_handle_okay(v, op.frame_list))
		return -EFAULT;	/* as setup_table's */
	f = spin_lock_irqsave(&grant_lock);
	op.status = status_frames(v, &op);
	spin_unlock_irqrestore(&grant_lock, f);
	return copy_to_guest(v, uop + offsetof(struct gnttab_get_status_frames, status),
			     &op.status, sizeof(op.status)) ? -EFAULT : 0;
}

/* x86 caches are coherent with DMA, and no device reaches a domain's
 * memory here: a flush has nothing to do once its arguments pass Xen's
 * checks. dev_bus_addr is a guest-physical address of the caller (an HVM
 * domain sees no machine addresses): its RAM or a grant mapping it
 * holds. Invalidation without cleaning is refused as on Xen x86. */
static long cache_flush_one(struct domain *d, const struct gnttab_cache_flush *op)
{
	uint32_t known = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL | GNTTAB_CACHE_SOURCE_GREF;
	uint64_t gpa = op->a.dev_bus_addr;
	uint64_t f;
	bool ok;

	if (op->offset >= 4096 || op->length > 4096 || op->offset + op->length > 4096 ||
	    (op->op & ~known))
		return -EINVAL;
	if (!op->length || !op->op)
		return 0;
	if (op->op & GNTTAB_CACHE_SOURCE_GREF)
		return -EOPNOTSUPP;
	f = spin_lock_irqsave(&grant_lock);
	ok = domain_owns_gpa_range(d, gpa & ~0xfffULL, 4096) || grant_mapped_at(d, gpa);
	spin_unlock_irqrestore(&grant_lock, f);
	if (!ok)
		return -EINVAL;
	return (op->op & GNTTAB_CACHE_CLEAN) ? 0 : -EOPNOTSUPP;
}

static long cache_flush(struct vcpu *v, uint64_t *a)
{
	struct gnttab_cache_flush op;
	long rc;

	for (unsigned int i = 0; a[2]; i++) {
		if (i == GRANT_BATCH)
			return HYPERCALL_CONTINUE;
		if (copy_from_guest(v, &op, a[1], sizeof(op)))
			return -EFAULT;
		rc = cache_flush_one(v->domain, &op);
		if (rc)
			return rc;
		a[1] += sizeof(op);
		a[2]--;
	}
	return 0;
}

static long one_op(struct vcpu *v, unsigned int cmd, uint64_t *a)
{
	if (a[2] != 1)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_setup_table:
		return setup_table(v, a[1]);
	case GNTTABOP_query_size:
		return query_size(v, a[1]);
	case GNTTABOP_set_version:
		return set_version(v, a[1]);
	case GNTTABOP_get_status_frames:
		return get_status_frames(v, a[1]);
	default:
		return get_version(v, a[1]);
	}
}

long do_grant_table_op(struct vcpu *v, uint64_t *a)
{
	unsigned int cmd = (unsigned int)a[0] & GNTTABOP_CMD_MASK;

	/* count is an unsigned int in Xen's prototype; "negative" is refused. */
	a[2] = (uint32_t)a[2];
	if ((int32_t)a[2] < 0)
		return -EINVAL;
	if ((a[0] & ~(uint64_t)GNTTABOP_CMD_MASK) && cmd != GNTTABOP_cache_flush)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return batch(v, a, sizeof(struct gnttab_map_grant_ref),
			     offsetof(struct gnttab_map_grant_ref, status), map_fn);
	case GNTTABOP_unmap_grant_ref:
		return batch(v, a, sizeof(struct gnttab_unmap_grant_ref),
			     offsetof(struct gnttab_unmap_grant_ref, status), unmap_fn);
	case GNTTABOP_copy:
		if (v->hypercall_compat)
			return batch(v, a, sizeof(struct compat_gnttab_copy),
				     offsetof(struct compat_gnttab_copy, status), compat_copy_fn);
		return batch(v, a, sizeof(struct gnttab_copy),
			     offsetof(struct gnttab_copy, status), copy_fn);
	case GNTTABOP_unmap_and_replace:
		return batch(v, a, sizeof(struct gnttab_unmap_and_replace),
			     offsetof(struct gnttab_unmap_and_replace, status), replace_fn);
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
	case GNTTABOP_get_status_frames:
		return one_op(v, cmd, a);
	case GNTTABOP_cache_flush:
		return cache_flush(v, a);
	default:
		return -ENOSYS;
	}
}
