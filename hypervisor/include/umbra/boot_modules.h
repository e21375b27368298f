#ifndef UMBRA_BOOT_MODULES_H
#define UMBRA_BOOT_MODULES_H

#include <umbra/multiboot2.h>

enum module_kind {
	MODULE_EMPTY,
	MODULE_UNREACHABLE,	/* outside the direct map */
	MODULE_ELF,
	MODULE_LINUX_BZIMAGE,
	MODULE_GZIP,
	MODULE_CPIO,
	MODULE_UNKNOWN,
};

enum module_kind module_identify(const struct mb2_module *m);
/* Print every module the loader passed, what it looks like, and what is
 * wrong with it; returns how many are usable. */
unsigned int modules_report(const struct boot_info *bi);

#endif
