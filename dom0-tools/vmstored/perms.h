/*
 * Node permissions: an owner entry (which also holds everyone's default
 * access) followed by per-domain overrides, as in XenStore.
 */
#ifndef VMSTORED_PERMS_H
#define VMSTORED_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dom0-tools/lib/libvmstore/vmstore.h"

#define DOMID_NONE UINT32_MAX	/* "no target domain" */

struct perm {
	uint32_t domid;
	uint32_t access;	/* VMS_PERM_READ / VMS_PERM_WRITE bits */
};

struct perms {
	uint32_t n;		/* >= 1 for any live node */
	struct perm *p;		/* p[0] is the owner */
};

/* Parse n NUL-terminated strings ("r3\0b5\0"); 0 or an errno value. */
int perms_from_wire(const char *strings, size_t len, struct perms *out);
/* Format as NUL-terminated strings; bytes written, or -1 if cap is short. */
int perms_to_wire(const struct perms *perms, char *buf, size_t cap);
int perms_single(struct perms *out, uint32_t owner, uint32_t access);
int perms_copy(struct perms *dst, const struct perms *src);
void perms_free(struct perms *perms);
bool perms_equal(const struct perms *a, const struct perms *b);
static inline uint32_t perms_owner(const struct perms *perms)
{
	return perms->p[0].domid;
}

/*
 * What a domain may do with a node: VMS_PERM_READ/WRITE/OWNER bits.
 * target is the domain it acts for (SET_TARGET), or DOMID_NONE.
 * Privileged callers are not asked: they may do everything.
 */
uint32_t perms_access(const struct perms *perms, uint32_t domid,
		      uint32_t target);

#endif
