/* What Umbra says about itself and its domains: physinfo, the domain
 * list, counters, and finding a domain by name or id. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int vmctl_physinfo(struct vmctl *h, struct umbra_mgmt_physinfo *out)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_physinfo, 0);
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		return vmctl_mgmt_fail((int)rc, 0, "physinfo");
	*out = req.u.physinfo;
	return 0;
}

/*
 * An array command (domain_list, domain_counters): the hypervisor fills
 * what fits and returns how many exist, so grow the buffer until
 * everything fit (domains may appear between two calls).
 */
static int list_all(struct vmctl *h, uint32_t cmd, size_t elem, const char *what,
		    void **out, unsigned int *nr)
{
	/* Room for as many domains as Umbra holds today (64): one hypercall
	 * per listing in the common case, vmtop's refresh included. */
	size_t max = UMBRA_MGMT_BUF_MAX / elem, cap = 64;
	struct umbra_mgmt req;
	void *buf = NULL, *grown;
	long rc;

	for (;;) {
		grown = realloc(buf, cap * elem);
		if (!grown) {
			free(buf);
			return vmctl_fail(-ENOMEM, "%s: out of memory", what);
		}
		buf = grown;
		vmctl_req_init(&req, cmd, 0);
		req.buf = (uint64_t)(uintptr_t)buf;
		req.buf_len = cap * elem;
		rc = vmctl_mgmt(h, &req);
		if (rc < 0) {
			free(buf);
			return vmctl_mgmt_fail((int)rc, 0, what);
		}
		if ((size_t)rc <= cap)
			break;
		if (cap == max) {
			free(buf);
			return vmctl_fail(-E2BIG, "%s: %ld domains do not fit in one request",
					  what, rc);
		}
		cap = (size_t)rc + 8 < max ? (size_t)rc + 8 : max;
	}
	*out = buf;
	*nr = (unsigned int)rc;
	return 0;
}

int vmctl_domain_list(struct vmctl *h, struct umbra_domain_info **list,
		      unsigned int *nr)
{
	return list_all(h, UMBRA_MGMT_domain_list, sizeof(**list), "listing domains",
			(void **)list, nr);
}

int vmctl_domain_counters(struct vmctl *h, struct umbra_domain_counters **list,
			  unsigned int *nr)
{
	return list_all(h, UMBRA_MGMT_domain_counters, sizeof(**list),
			"reading domain counters", (void **)list, nr);
}

/* A domid written in decimal, as xl reads one; anything else is a name. */
static bool parse_domid(const char *s, uint32_t *domid)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*domid = (uint32_t)v;
	return true;
}

static long find(struct vmctl *h, const char *name, bool by_id, uint32_t domid,
		 struct umbra_domain_info *out)
{
	struct umbra_domain_info *list;
	unsigned int nr, i;
	long found = -ESRCH;
	int rc;

	rc = vmctl_domain_list(h, &list, &nr);
	if (rc)
		return rc;
	for (i = 0; i < nr && found < 0; i++) {
		if (by_id ? list[i].domid != domid :
		    strncmp(list[i].name, name, sizeof(list[i].name)) != 0)
			continue;
		found = list[i].domid;
		if (out)
			*out = list[i];
	}
	free(list);
	if (found >= 0)
		return found;
	if (by_id)
		return vmctl_fail(-ESRCH, "no domain with id %u", domid);
	return vmctl_fail(-ESRCH, "no domain called '%s'", name);
}

int vmctl_domain_info(struct vmctl *h, uint32_t domid, struct umbra_domain_info *out)
{
	long rc = find(h, NULL, true, domid, out);

	return rc < 0 ? (int)rc : 0;
}

long vmctl_domain_find(struct vmctl *h, const char *name_or_id,
		       struct umbra_domain_info *out)
{
	uint32_t domid;

	if (!name_or_id || !*name_or_id)
		return vmctl_fail(-EINVAL, "no domain name or id given");
	if (parse_domid(name_or_id, &domid))
		return find(h, NULL, true, domid, out);
	return find(h, name_or_id, false, 0, out);
}
