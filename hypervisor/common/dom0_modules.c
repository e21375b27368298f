/* Which boot modules are dom0's (see umbra/dom0.h). */
#include <umbra/dom0.h>
#include <umbra/string.h>

bool module_has_name(const char *cmdline)
{
	for (const char *p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, "name=", 5))
			return true;
	return false;
}

/* Only these may be dom0's: a named module is a domain spec, an ELF
 * image without a name one too (named guestN), as before dom0 existed. */
static bool for_dom0(const struct dom0_module_view *m)
{
	return !module_has_name(m->cmdline) && m->kind != MODULE_ELF;
}

void dom0_pick_modules(const struct dom0_module_view *mods, unsigned int n,
		       int *kernel, int *initrd)
{
	*kernel = *initrd = -1;
	for (unsigned int i = 0; i < n; i++) {
		if (!for_dom0(&mods[i]))
			continue;
		if (*kernel < 0) {
			*kernel = (int)i;
		} else {
			*initrd = (int)i;
			return;
		}
	}
}
