/*
 * The ACPI tables a PVH domain finds through hvm_start_info.rsdp_paddr,
 * as Xen's toolstack gives a PVH guest (libxl's PVH ACPI): an RSDP, an
 * XSDT, a hardware-reduced FADT whose boot flags say there is no VGA,
 * 8042 or CMOS RTC (so Linux probes none of them), an empty DSDT, and a
 * MADT that lists one enabled local APIC per vCPU (APIC ID = vCPU id, as
 * CPUID and the virtual local APIC report) and no I/O APIC.
 * Linux needs the MADT to run its local timer set-up at all: without
 * ACPI or MP tables it takes "virtual wire, no configuration", stays
 * uniprocessor and never registers a clock event device, so no timer
 * ever ticks. Pure logic over a guest_writer, shared by the hypervisor's
 * boot-module loader and libvmctl.
 */
#ifndef UMBRA_PVH_ACPI_H
#define UMBRA_PVH_ACPI_H

#include <stdint.h>
#include <umbra/elf_loader.h>

/*
 * Where the tables go in the 64 KiB start-info area at the top of a PVH
 * domain's RAM (reserved in its memory map): the start info, command
 * line and memory map take the area below this offset.
 */
#define PVH_ACPI_AREA_OFFSET	0xc000

/* The bytes the tables take for nr_vcpus (the area must hold them). */
uint64_t pvh_acpi_size(unsigned int nr_vcpus);

/*
 * Write the tables at `paddr` (16-byte aligned; the RSDP comes first, so
 * `paddr` is the guest's rsdp_paddr) within `room` bytes, for vCPUs 0 to
 * nr_vcpus - 1 (1 to 64). Returns 0, -EINVAL with *why set (nothing
 * written), or a writer's error.
 */
int pvh_acpi_build(uint64_t paddr, uint64_t room, unsigned int nr_vcpus,
		   const struct guest_writer *gw, const char **why);

#endif
