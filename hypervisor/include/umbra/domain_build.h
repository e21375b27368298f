#ifndef UMBRA_DOMAIN_BUILD_H
#define UMBRA_DOMAIN_BUILD_H

#include <umbra/elf_loader.h>
#include <umbra/multiboot2.h>

struct domain;

/* A guest_writer over d's RAM, through the guest-access border: what the
 * loaders (ELF, PVH start info, Linux boot) write a domain's image with. */
struct guest_writer domain_guest_writer(struct domain *d);

/* The memory map of a domain (XENMEM_memory_map's, and an HVM domain's
 * start info's): for an HVM domain RAM, then the reserved start info
 * area; for a PV domain all of its pseudo-physical space as RAM. In at
 * most DOMAIN_MEMMAP_MAX entries. The number of entries, or -EINVAL. */
#define DOMAIN_MEMMAP_MAX	4
struct hvm_memmap_table_entry;
int domain_memory_map(const struct domain *d, struct hvm_memmap_table_entry *out,
		      unsigned int max);

struct domain_spec;
/* The PVH start info, the spec's guest args and the memory map in the
 * last 64 KiB of d's RAM, after an image loaded as img; its address in
 * *info_gpa. 0, or -EINVAL with a message. */
int domain_build_start_info(struct domain *d, const struct elf_image *img,
			    const struct domain_spec *spec, uint64_t *info_gpa);

/* Build and start a domain from a boot module whose command line is
 *   name=NAME mem=SIZE vcpus=N paging=nested|shadow cpus=MASK [-- GUEST ARGS]
 * A bad spec or image is reported and the module skipped. Returns the
 * number of domains started. */
unsigned int domains_build_from_modules(const struct boot_info *bi);

#endif
