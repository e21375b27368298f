/* Handlers for domain management: INTRODUCE, RELEASE, RESUME, SET_TARGET,
 * GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "dispatch.h"
#include "log.h"
#include "path.h"
#include "watch.h"

/* A guest domain id: not dom0, not one of Xen's special ids. */
static bool parse_guest(const char *s, unsigned long *domid)
{
	return parse_uint(s, 0x7fef, domid) && *domid != 0;
}

int do_introduce(struct client *c, struct request *r)
{
	struct store *s = c->store;
	unsigned long domid, mfn, port;
	const char *argv[4];
	struct domain *d;
	int err;

	if (!c->privileged)
		return EACCES;
	if (!req_args(r, argv, 3) && !req_args(r, argv, 4))
		return EINVAL;
	if (!parse_guest(argv[0], &domid) ||
	    !parse_uint(argv[1], UINT64_MAX >> 1, &mfn) ||
	    !parse_uint(argv[2], UINT32_MAX, &port))
		return EINVAL;
	d = domain_get(s, (uint32_t)domid);
	if (!d)
		return ENOMEM;
	if (d->introduced)
		return d->mfn == mfn && d->port == port ? reply_ok(r) :
		       EEXIST;
	d->mfn = mfn;
	d->port = (uint32_t)port;
	if (s->ring.attach) {
		err = s->ring.attach(s, d, s->ring.arg);
		if (err)
			return err;
	}
	d->introduced = true;
	s->dirty = true;	/* kept across a restart (--state) */
	log_info("introduced dom%lu (mfn %lu, port %lu)", domid, mfn, port);
	watch_fire_special(s, SPECIAL_INTRODUCE);
	return reply_ok(r);
}

/* Look up an introduced guest named by the request's first argument. */
static int introduced_guest(struct client *c, const char *arg,
			    struct domain **out)
{
	unsigned long domid;

	if (!c->privileged)
		return EACCES;
	if (!parse_guest(arg, &domid))
		return EINVAL;
	*out = domain_find(c->store, (uint32_t)domid);
	return *out && (*out)->introduced ? 0 : ENOENT;
}

/* The one argument of RELEASE and RESUME: an introduced guest. */
static int introduced_arg(struct client *c, struct request *r, struct domain **d)
{
	const char *arg;

	if (!req_args(r, &arg, 1))
		return EINVAL;
	return introduced_guest(c, arg, d);
}

int do_release(struct client *c, struct request *r)
{
	struct domain *d;
	int err = introduced_arg(c, r, &d);

	if (err)
		return err;
	if (d->ring && c->store->ring.detach)
		c->store->ring.detach(c->store, d, c->store->ring.arg);
	d->introduced = false;
	d->target = DOMID_NONE;
	domain_forget_saved_watches(d);
	c->store->dirty = true;
	log_info("released dom%u", d->domid);
	watch_fire_special(c->store, SPECIAL_RELEASE);
	return reply_ok(r);
}

int do_resume(struct client *c, struct request *r)
{
	struct domain *d;
	int err = introduced_arg(c, r, &d);

	return err ? err : reply_ok(r);
}

int do_set_target(struct client *c, struct request *r)
{
	const char *argv[2];
	unsigned long target;
	struct domain *d;
	int err;

	if (!req_args(r, argv, 2))
		return EINVAL;
	err = introduced_guest(c, argv[0], &d);
	if (err)
		return err;
	if (!parse_uint(argv[1], 0x7fef, &target))
		return EINVAL;
	d->target = (uint32_t)target;
	return reply_ok(r);
}

int do_get_domain_path(struct client *c, struct request *r)
{
	char path[32];
	unsigned long domid;
	const char *arg;

	(void)c;
	if (!req_args(r, &arg, 1) || !parse_uint(arg, VMS_DOMID_MAX, &domid))
		return EINVAL;
	path_domain_path((uint32_t)domid, path, sizeof(path));
	return reply_string(r, path);
}

int do_is_domain_introduced(struct client *c, struct request *r)
{
	unsigned long domid;
	const struct domain *d;
	const char *arg;

	if (!req_args(r, &arg, 1) || !parse_uint(arg, VMS_DOMID_MAX, &domid))
		return EINVAL;
	d = domain_find(c->store, (uint32_t)domid);
	return reply_string(r, d && d->introduced ? "T" : "F");
}
