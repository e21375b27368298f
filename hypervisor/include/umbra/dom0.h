/*
 * dom0: Debian's Linux as Umbra's control domain (hypervisor/common/dom0*.c).
 *
 * GRUB entries have Xen's shape: after `multiboot2 umbra.elf dom0_mem=…
 * dom0_max_vcpus=…`, the first `module2` without a `name=` key that is not
 * an ELF image is dom0's kernel (a bzImage), the next module without
 * `name=` its initrd. Modules with `name=` (and ELF images without one)
 * stay boot-module domains, with or without a dom0.
 */
#ifndef UMBRA_DOM0_H
#define UMBRA_DOM0_H

#include <stdbool.h>
#include <umbra/boot_modules.h>

struct dom0_module_view {
	const char *cmdline;
	enum module_kind kind;
};

/* Does a module's command line carry a name= key (a domain spec)? */
bool module_has_name(const char *cmdline);

/* dom0's kernel and initrd among n modules; -1 where there is none.
 * The kernel candidate may be of any non-ELF kind: the caller refuses
 * one that is not a bzImage, with a message. */
void dom0_pick_modules(const struct dom0_module_view *mods, unsigned int n,
		       int *kernel, int *initrd);

#endif
