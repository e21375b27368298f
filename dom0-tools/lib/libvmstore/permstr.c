/*
 * Permission strings as they travel on the wire: one letter for the
 * access ('n'one, 'r'ead, 'w'rite, 'b'oth) followed by a decimal domain
 * id, e.g. "b5". Shared by the library and the daemon.
 */
#include "vmstore.h"

#include <stdio.h>

bool vms_perm_from_string(const char *s, struct vms_permissions *perm)
{
	unsigned long id = 0;
	const char *d;

	switch (s[0]) {
	case 'n':
		perm->perms = VMS_PERM_NONE;
		break;
	case 'r':
		perm->perms = VMS_PERM_READ;
		break;
	case 'w':
		perm->perms = VMS_PERM_WRITE;
		break;
	case 'b':
		perm->perms = VMS_PERM_READ | VMS_PERM_WRITE;
		break;
	default:
		return false;
	}
	if (!s[1])
		return false;
	for (d = s + 1; *d; d++) {
		if (*d < '0' || *d > '9')
			return false;
		id = id * 10 + (unsigned long)(*d - '0');
		if (id > VMS_DOMID_MAX)
			return false;
	}
	perm->id = (unsigned int)id;
	return true;
}

bool vms_perm_to_string(const struct vms_permissions *perm, char *buf,
			size_t len)
{
	static const char letters[] = "nrwb";
	int n;

	if (perm->perms & ~(VMS_PERM_READ | VMS_PERM_WRITE) ||
	    perm->id > VMS_DOMID_MAX)
		return false;
	n = snprintf(buf, len, "%c%u", letters[perm->perms], perm->id);
	return n > 0 && (size_t)n < len;
}
