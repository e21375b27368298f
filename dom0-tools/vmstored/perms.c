/* Node permission lists: parsing, formatting and the access decision. */
#include "perms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int perms_from_wire(const char *strings, size_t len, struct perms *out)
{
	uint32_t n = 0, i;
	size_t off;

	if (len == 0 || strings[len - 1] != 0)
		return EINVAL;
	for (off = 0; off < len; off += strlen(strings + off) + 1)
		n++;
	out->p = calloc(n, sizeof(*out->p));
	if (!out->p)
		return ENOMEM;
	out->n = n;
	for (i = 0, off = 0; i < n; i++, off += strlen(strings + off) + 1) {
		struct vms_permissions vp;

		if (!vms_perm_from_string(strings + off, &vp)) {
			perms_free(out);
			return EINVAL;
		}
		out->p[i].domid = vp.id;
		out->p[i].access = vp.perms;
	}
	return 0;
}

int perms_to_wire(const struct perms *perms, char *buf, size_t cap)
{
	size_t used = 0;
	uint32_t i;

	for (i = 0; i < perms->n; i++) {
		struct vms_permissions vp = {
			.id = perms->p[i].domid, .perms = perms->p[i].access
		};

		if (!vms_perm_to_string(&vp, buf + used, cap - used))
			return -1;
		used += strlen(buf + used) + 1;
	}
	return (int)used;
}

int perms_single(struct perms *out, uint32_t owner, uint32_t access)
{
	out->p = malloc(sizeof(*out->p));
	if (!out->p)
		return ENOMEM;
	out->n = 1;
	out->p[0].domid = owner;
	out->p[0].access = access;
	return 0;
}

int perms_copy(struct perms *dst, const struct perms *src)
{
	dst->p = malloc(src->n * sizeof(*dst->p));
	if (!dst->p)
		return ENOMEM;
	memcpy(dst->p, src->p, src->n * sizeof(*dst->p));
	dst->n = src->n;
	return 0;
}

void perms_free(struct perms *perms)
{
	free(perms->p);
	perms->p = NULL;
	perms->n = 0;
}

bool perms_equal(const struct perms *a, const struct perms *b)
{
	return a->n == b->n && !memcmp(a->p, b->p, a->n * sizeof(*a->p));
}

uint32_t perms_access(const struct perms *perms, uint32_t domid,
		      uint32_t target)
{
	uint32_t owner = perms->p[0].domid, i;

	if (owner == domid || owner == target)
		return VMS_PERM_READ | VMS_PERM_WRITE | VMS_PERM_OWNER;
	for (i = 1; i < perms->n; i++)
		if (perms->p[i].domid == domid || perms->p[i].domid == target)
			return perms->p[i].access;
	return perms->p[0].access;
}
