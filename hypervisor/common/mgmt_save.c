/*
 * Save and restore: memory_read, vcpu_context_get/_set, domain_state
 * (public/mgmt.h). Each works on a paused domain with no vCPU on a pCPU,
 * so nothing read or loaded moves meanwhile; a state to load is checked
 * whole before any of it is. The vendor's part of a vCPU is
 * hvm_vcpu_context_*; the event channels' is evtchn_save/evtchn_load.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/x86.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/evtchn.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>

#define BOUNCE_SIZE	4096
#define BYTES_PER_CALL	(256u << 10)	/* then the call is continued */
#define PAGE_BYTES	4096ULL

/* Shared by every call: the mgmt lock serialises them. */
static uint8_t bounce[BOUNCE_SIZE];
static struct umbra_vcpu_context ctx;

int mgmt_paused_target(const struct mgmt_call *c, struct domain **d)
{
	int err = mgmt_target(c, false, d);

	if (err)
		return err;
	if (domain_is_pv(*d))
		return -EOPNOTSUPP;	/* its state is another (arch/x86/pv/) */
	if ((*d)->state != DOMAIN_PAUSED || sched_domain_on_pcpus(*d))
		return -EBUSY;
	return 0;
}

/* As memory_write, the other way: progress is kept in the request. */
long mgmt_memory_read(struct mgmt_call *c)
{
	struct umbra_mgmt *r = &c->req;
	uint64_t done = 0;
	struct domain *d;
	int err = mgmt_paused_target(c, &d);

	if (err)
		return err;
	if (!domain_owns_gpa_range(d, r->u.memory.gpa, r->buf_len))
		return -EINVAL;
	while (r->buf_len) {
		uint64_t n = r->buf_len < BOUNCE_SIZE ? r->buf_len : BOUNCE_SIZE;

		if (done == BYTES_PER_CALL)
			return HYPERCALL_CONTINUE;
		if (copy_from_gpa(d, bounce, r->u.memory.gpa, n) ||
		    copy_to_guest(c->v, r->buf, bounce, n))
			return -EFAULT;
		r->buf += n;
		r->buf_len -= n;
		r->u.memory.gpa += n;
		done += n;
	}
	return 0;
}

static int vcpu_target(const struct mgmt_call *c, struct domain **d, struct vcpu **v)
{
	int err = mgmt_paused_target(c, d);

	if (err)
		return err;
	if (c->req.u.vcpu.vcpu >= (*d)->nr_vcpus)
		return -EINVAL;
	if (c->req.buf_len != sizeof(struct umbra_vcpu_context))
		return -EINVAL;
	*v = (*d)->vcpus[c->req.u.vcpu.vcpu];
	return 0;
}

/* What common code keeps of a vCPU: its state, timer, Xen interface. */
static void common_get(struct vcpu *v, struct umbra_vcpu_context *x, uint64_t now)
{
	uint64_t dl = __atomic_load_n(&v->timer_deadline_ns, __ATOMIC_ACQUIRE);

	x->vcpu = v->id;
	if (v->state != VCPU_DOWN)
		x->flags |= UMBRA_VCPUCTX_UP;
	if (v->state == VCPU_BLOCKED)
		x->flags |= UMBRA_VCPUCTX_BLOCKED;
	if (v->event_pending)
		x->flags |= UMBRA_VCPUCTX_EVENT_PENDING;
	if (dl) {
		x->flags |= UMBRA_VCPUCTX_TIMER;
		x->timer_ns = (int64_t)(dl - now);
	}
	if (v->vcpu_info_registered) {
		x->flags |= UMBRA_VCPUCTX_VCPU_INFO;
		x->vcpu_info_gpa = v->vcpu_info_gpa;
	}
	x->runstate_gva = v->runstate_gva;
	if (v->runstate_compat)
		x->flags |= UMBRA_VCPUCTX_RUNSTATE_COMPAT;
	x->time_version = v->time_version;
	x->upcall_vector = v->upcall_vector;
}

long mgmt_vcpu_context_get(struct mgmt_call *c)
{
	struct domain *d;
	struct vcpu *v;
	int err = vcpu_target(c, &d, &v);
	uint64_t now;

	if (err)
		return err;
	memset(&ctx, 0, sizeof(ctx));
	now = guest_time_ns(v);
	common_get(v, &ctx, now);
	hvm_vcpu_context_get(v, &ctx, now);
	return copy_to_guest(c->v, c->req.buf, &ctx, sizeof(ctx)) ? -EFAULT : 0;
}

static bool vcpu_info_ok(const struct domain *d, const struct umbra_vcpu_context *x)
{
	uint64_t gpa = x->vcpu_info_gpa;

	if (!(x->flags & UMBRA_VCPUCTX_VCPU_INFO))
		return !gpa;
	return !(gpa & (_Alignof(struct vcpu_info) - 1)) &&
	       (gpa % PAGE_BYTES) + sizeof(struct vcpu_info) <= PAGE_BYTES &&
	       domain_owns_gpa_range(d, gpa, sizeof(struct vcpu_info));
}

static int common_check(const struct vcpu *v, const struct umbra_vcpu_context *x)
{
	if ((x->flags & ~UMBRA_VCPUCTX_KNOWN) || x->reserved[0] || x->reserved[1] ||
	    x->reserved[2])
		return -EINVAL;
	if (x->upcall_vector && x->upcall_vector < 0x10)
		return -EINVAL;
	if (!(x->flags & UMBRA_VCPUCTX_TIMER) && x->timer_ns)
		return -EINVAL;
	return vcpu_info_ok(v->domain, x) ? 0 : -EINVAL;
}

static void common_set(struct vcpu *v, const struct umbra_vcpu_context *x)
{
	uint64_t now = guest_time_ns(v), dl = 0;

	if (x->flags & UMBRA_VCPUCTX_TIMER) {
		dl = now + (uint64_t)x->timer_ns;
		if (!dl || (x->timer_ns < 0 && dl > now))
			dl = 1;		/* overdue: fires at the first look */
	}
	__atomic_store_n(&v->timer_deadline_ns, dl, __ATOMIC_RELEASE);
	sched_timer_armed(v, dl);
	v->vcpu_info_gpa = x->vcpu_info_gpa;
	__atomic_store_n(&v->vcpu_info_registered, !!(x->flags & UMBRA_VCPUCTX_VCPU_INFO),
			 __ATOMIC_RELEASE);
	v->runstate_gva = x->runstate_gva;
	v->runstate_compat = x->flags & UMBRA_VCPUCTX_RUNSTATE_COMPAT;
	v->time_version = x->time_version;
	__atomic_store_n(&v->upcall_vector, x->upcall_vector, __ATOMIC_RELEASE);
	v->polling = false;
	v->poll_deadline_ns = 0;
	v->event_pending = x->flags & UMBRA_VCPUCTX_EVENT_PENDING;
	v->initialised = true;
}

/* A vCPU without UMBRA_VCPUCTX_UP stays down: it must be down already.
 * Otherwise the whole state is checked, then loaded, and the vCPU is
 * made runnable (it runs when its domain is unpaused). */
long mgmt_vcpu_context_set(struct mgmt_call *c)
{
	struct domain *d;
	struct vcpu *v;
	int err = vcpu_target(c, &d, &v);

	if (err)
		return err;
	if (copy_from_guest(c->v, &ctx, c->req.buf, sizeof(ctx)))
		return -EFAULT;
	if (!(ctx.flags & UMBRA_VCPUCTX_UP))
		return v->state == VCPU_DOWN ? 0 : -EBUSY;
	err = common_check(v, &ctx);
	if (!err)
		err = hvm_vcpu_context_check(v, &ctx);
	if (err)
		return err;
	hvm_vcpu_context_set(v, &ctx);
	common_set(v, &ctx);
	evtchn_restore_kick(v);
	if (!d->started) {
		d->started = true;
		log_lifecycle(LOG_INFO, "domain %u (%s): vCPU state loaded by dom0 (restore)\n",
			      d->id, d->name);
	}
	/* Queued, or woken from its wait; a runnable one stays as it is
	 * (a wake would leave it a spurious event). */
	if (v->state == VCPU_DOWN)
		sched_vcpu_start(v);
	else if (v->state == VCPU_BLOCKED)
		sched_vcpu_wake(v);
	return 0;
}

static void state_get(struct domain *d, struct umbra_domain_state *s)
{
	memset(s, 0, sizeof(*s));
	s->tsc = rdtsc() + d->tsc_offset;
	s->hypercall_page_gpa = d->hypercall_page_gpa;
	if (d->shared_info_placed) {
		s->flags |= UMBRA_DOMSTATE_F_SHARED_INFO;
		s->shared_info_gpa = d->shared_info_gpa;
	}
	if (d->grant)
		s->flags |= UMBRA_DOMSTATE_F_GRANTS;
	if (d->shinfo_compat)
		s->flags |= UMBRA_DOMSTATE_F_SHINFO_COMPAT;
	s->unbacked_pages = d->unbacked_pages;
	s->wc_version = d->wc_version;
	s->callback_vector = d->callback_vector;
	s->uart[0] = d->uart.lcr;
	s->uart[1] = d->uart.ier;
	s->uart[2] = d->uart.mcr;
	s->uart[3] = d->uart.scratch;
	s->uart[4] = d->uart.dll;
	s->uart[5] = d->uart.dlm;
}

static long domain_state_get(struct mgmt_call *c, struct domain *d)
{
	struct umbra_domain_state s;
	uint64_t room = c->req.buf_len;
	long in_use;

	if (room < sizeof(s))
		return -EINVAL;
	state_get(d, &s);
	in_use = evtchn_save(d, c->v, c->req.buf + sizeof(s),
			     (room - sizeof(s)) / sizeof(struct umbra_evtchn_record),
			     &s.nr_ports);
	if (in_use < 0)
		return in_use;
	/* Where a save happened, among the guest's own lines in the log. */
	log_lifecycle(LOG_INFO, "domain %u (%s): state read by dom0 (save)\n", d->id, d->name);
	return copy_to_guest(c->v, c->req.buf, &s, sizeof(s)) ? -EFAULT : in_use;
}

static bool page_in_ram(const struct domain *d, uint64_t gpa)
{
	return !(gpa % PAGE_BYTES) && domain_owns_gpa_range(d, gpa, PAGE_BYTES);
}

static int state_check(const struct domain *d, const struct umbra_domain_state *s,
		       uint64_t buf_len)
{
	static const uint64_t zero[4];

	/* F_GRANTS only says a table exists: grant_state loads it. */
	if ((s->flags & ~(UMBRA_DOMSTATE_F_SHARED_INFO | UMBRA_DOMSTATE_F_SHINFO_COMPAT |
			  UMBRA_DOMSTATE_F_GRANTS)) ||
	    s->unbacked_pages ||
	    s->reserved0 || s->reserved1 || memcmp(s->reserved, zero, sizeof(zero)))
		return -EINVAL;
	if (buf_len != sizeof(*s) + (uint64_t)s->nr_ports * sizeof(struct umbra_evtchn_record))
		return -EINVAL;
	if (s->hypercall_page_gpa && !page_in_ram(d, s->hypercall_page_gpa))
		return -EINVAL;
	if ((s->flags & UMBRA_DOMSTATE_F_SHARED_INFO) ? !page_in_ram(d, s->shared_info_gpa)
						      : s->shared_info_gpa != 0)
		return -EINVAL;
	if (s->callback_vector && s->callback_vector < 32)
		return -EINVAL;
	return 0;
}

static void state_set(struct domain *d, const struct umbra_domain_state *s)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	d->tsc_offset = s->tsc - rdtsc();
	d->hypercall_page_gpa = s->hypercall_page_gpa;
	d->shared_info_gpa = s->shared_info_gpa;
	d->shared_info_placed = s->flags & UMBRA_DOMSTATE_F_SHARED_INFO;
	d->shinfo_compat = s->flags & UMBRA_DOMSTATE_F_SHINFO_COMPAT;
	d->wc_version = s->wc_version;
	d->callback_vector = s->callback_vector;
	d->uart = (struct uart_state){ s->uart[0], s->uart[1], s->uart[2], s->uart[3],
				       s->uart[4], s->uart[5] };
	spin_unlock_irqrestore(&d->lock, f);
}

/* Into a domain never run, whose ports are all free: the channels, then
 * the rest. evtchn_load checks every record before it binds one. */
static long domain_state_set(struct mgmt_call *c, struct domain *d)
{
	struct umbra_domain_state s;
	long err;

	if (c->req.buf_len < sizeof(s) || copy_from_guest(c->v, &s, c->req.buf, sizeof(s)))
		return c->req.buf_len < sizeof(s) ? -EINVAL : -EFAULT;
	err = state_check(d, &s, c->req.buf_len);
	if (err)
		return err;
	if (d->started)
		return -EBUSY;
	err = evtchn_load(d, c->v, c->req.buf + sizeof(s), s.nr_ports);
	if (err)
		return err;
	state_set(d, &s);
	return 0;
}

long mgmt_state_op(struct mgmt_call *c, mgmt_state_fn get, mgmt_state_fn set)
{
	struct domain *d;
	int err = mgmt_paused_target(c, &d);

	if (err)
		return err;
	switch (c->req.u.state.op) {
	case UMBRA_DOMAIN_STATE_GET:
		return get(c, d);
	case UMBRA_DOMAIN_STATE_SET:
		return set(c, d);
	default:
		return -EINVAL;
	}
}

long mgmt_domain_state(struct mgmt_call *c)
{
	return mgmt_state_op(c, domain_state_get, domain_state_set);
}
