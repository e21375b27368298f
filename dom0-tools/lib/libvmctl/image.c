/*
 * A PVH domain's initial memory, laid out as the hypervisor lays out a
 * boot-module domain (common/domain_build.c): the kernel's PT_LOAD
 * segments where its ELF headers say, the start info with the command
 * line and memory map in the last 64 KiB of RAM (reserved in that map),
 * the ACPI tables near the top of that area (common/pvh_acpi.c: a MADT
 * listing the vCPUs, which Linux needs for its timer) and above them its
 * last two pages, the store and console rings Umbra sets up,
 * and the ramdisk, if any, as PVH module 0 just below the start info.
 *
 * The ELF checks and the start-info layout are the hypervisor's own code
 * (common/elf_loader.c, common/pvh_start_info.c) compiled into this
 * library: one parser, whoever loads the image. Everything is checked
 * before the first write, so a refused image changes nothing. Writes go
 * through the caller's guest_writer, which sets the error text when one
 * fails.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "umbra/pvh.h"
#include "umbra/pvh_acpi.h"

#define MEMMAP_MAX	4

static uint64_t page_up(uint64_t v)
{
	return (v + VMCTL_PAGE_SIZE - 1) & ~(uint64_t)(VMCTL_PAGE_SIZE - 1);
}

static int discard_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	(void)ctx, (void)gpa, (void)src, (void)len;
	return 0;
}

static int discard_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx, (void)gpa, (void)len;
	return 0;
}

static int check_kernel(const struct vmctl_image *img, uint64_t area,
			struct elf_image *elf)
{
	if (elf_parse(img->kernel, img->kernel_size, img->mem_bytes, elf) < 0) {
		if (elf->error_phdr >= 0)
			return vmctl_fail(-EINVAL, "kernel image refused: %s (program header %d)",
					  elf->error, elf->error_phdr);
		return vmctl_fail(-EINVAL, "kernel image refused: %s", elf->error);
	}
	if (elf->load_end > area)
		return vmctl_fail(-EINVAL,
				  "kernel image refused: it ends at %#llx, inside the start info area (the last 64 KiB of the domain's %llu MiB)",
				  (unsigned long long)elf->load_end, MIB(img->mem_bytes));
	return 0;
}

/* The ramdisk goes as high as it can, below the start info. */
static int place_ramdisk(const struct vmctl_image *img, uint64_t area,
			 const struct elf_image *elf, uint64_t *gpa)
{
	uint64_t lowest = page_up(elf->load_end);

	*gpa = 0;
	if (!img->ramdisk)
		return 0;
	if (img->ramdisk_size == 0)
		return vmctl_fail(-EINVAL, "ramdisk is empty");
	if (img->ramdisk_size > area - lowest)
		return vmctl_fail(-EINVAL,
				  "ramdisk does not fit: %llu KiB, but only %llu KiB are free between the kernel and the start info",
				  (unsigned long long)(img->ramdisk_size >> 10),
				  (unsigned long long)((area - lowest) >> 10));
	*gpa = (area - img->ramdisk_size) & ~(uint64_t)(VMCTL_PAGE_SIZE - 1);
	return 0;
}

static int start_info(const struct vmctl_image *img, uint64_t area, uint64_t rd_gpa,
		      const struct guest_writer *gw, bool is_dry_run)
{
	struct hvm_memmap_table_entry memmap[MEMMAP_MAX];
	struct pvh_module rd = { .paddr = rd_gpa, .size = img->ramdisk_size };
	struct pvh_start_params p = {
		.info_paddr = area, .area_size = PVH_ACPI_AREA_OFFSET,
		.rsdp_paddr = area + PVH_ACPI_AREA_OFFSET,
		.mem_size = img->mem_bytes,
		.cmdline = img->cmdline && img->cmdline[0] ? img->cmdline : NULL,
		.modules = &rd, .nr_modules = rd_gpa ? 1 : 0, .memmap = memmap,
	};
	const char *why = NULL;
	long rc;
	int n;

	n = pvh_ram_memmap(img->mem_bytes, area, VMCTL_START_INFO_SIZE, memmap, MEMMAP_MAX);
	if (n < 0)
		return vmctl_fail(-EINVAL, "no memory map for %llu MiB", MIB(img->mem_bytes));
	p.nr_memmap = (unsigned int)n;
	rc = pvh_build_start_info(&p, gw, &why);
	if (rc >= 0)
		rc = pvh_acpi_build(p.rsdp_paddr, VMCTL_START_INFO_SIZE - PVH_ACPI_AREA_OFFSET -
					    VMCTL_RING_PAGES_SIZE,
				    img->nr_vcpus ? img->nr_vcpus : 1, gw, &why);
	if (rc < 0 && is_dry_run)
		return vmctl_fail(-EINVAL, "start info: %s", why ? why : "refused");
	/* A real write that fails: the writer said why. */
	return rc < 0 ? (int)rc : 0;
}

static int check_memory(uint64_t mem_bytes)
{
	if (mem_bytes < 2 * VMCTL_START_INFO_SIZE || mem_bytes % VMCTL_PAGE_SIZE)
		return vmctl_fail(-EINVAL, "the domain's memory (%llu bytes) is too small",
				  (unsigned long long)mem_bytes);
	return 0;
}

/* Every check, no write: where the ramdisk goes, or why the image is refused. */
static int plan(const struct vmctl_image *img, struct elf_image *elf, uint64_t *rd_gpa)
{
	const struct guest_writer dry = { discard_copy, discard_zero, NULL };
	uint64_t area = img->mem_bytes - VMCTL_START_INFO_SIZE;
	int rc;

	rc = check_memory(img->mem_bytes);
	if (!rc)
		rc = check_kernel(img, area, elf);
	if (!rc)
		rc = place_ramdisk(img, area, elf, rd_gpa);
	if (!rc)
		rc = start_info(img, area, *rd_gpa, &dry, true);
	return rc;
}

int vmctl_image_check(const struct vmctl_image *img)
{
	struct elf_image elf;
	uint64_t rd_gpa;

	return plan(img, &elf, &rd_gpa);
}

int vmctl_image_build(const struct vmctl_image *img, const struct guest_writer *gw,
		      struct vmctl_boot *boot)
{
	uint64_t area = img->mem_bytes - VMCTL_START_INFO_SIZE, rd_gpa = 0;
	struct elf_image elf;
	int rc;

	rc = plan(img, &elf, &rd_gpa);
	if (rc)
		return rc;
	/* From here on only a write can fail, and the writer says why. */
	rc = elf_load(img->kernel, img->kernel_size, img->mem_bytes, gw, &elf);
	if (!rc && rd_gpa)
		rc = gw->copy(gw->ctx, rd_gpa, img->ramdisk, img->ramdisk_size);
	if (!rc)
		rc = start_info(img, area, rd_gpa, gw, false);
	if (rc)
		return rc;
	boot->entry = elf.pvh_entry;
	boot->start_info = area;
	boot->ramdisk_gpa = rd_gpa;
	return 0;
}
