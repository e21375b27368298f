/*
 * dom0's view of the firmware's ACPI tables (hypervisor/arch/x86/acpi_dom0.c):
 * a new RSDP and XSDT that list the firmware's tables unchanged except the
 * MADT, which is replaced by a copy listing only dom0's own CPUs. dom0
 * then never learns about, and never starts, the CPUs Umbra keeps.
 * Checksums of the three new tables are recomputed.
 *
 * Pure: the caller hands over the firmware's MADT and root-table entries
 * and a buffer that will live at `base` in dom0's physical address space.
 */
#ifndef ASM_ACPI_DOM0_H
#define ASM_ACPI_DOM0_H

#include <stddef.h>
#include <stdint.h>

struct acpi_dom0_input {
	const uint64_t *tables;		/* the root table's entries, firmware order */
	unsigned int nr_tables;
	const uint8_t *madt;		/* the firmware's MADT (checked by the caller) */
	uint64_t madt_pa;		/* its address: the root entry to replace */
	const char *oem_id;		/* 6 characters for the new RSDP and XSDT */
	const uint32_t *keep_apic_ids;	/* the CPUs dom0 is shown */
	unsigned int nr_keep;
};

/*
 * Build RSDP, XSDT and MADT in buf (placed at `base`). Returns the bytes
 * used, -EINVAL if the MADT is malformed or not among the tables, or
 * -ENOSPC if buf is too small. *rsdp_pa: where dom0 finds the RSDP.
 */
long acpi_dom0_build(const struct acpi_dom0_input *in, uint8_t *buf, size_t size,
		     uint64_t base, uint64_t *rsdp_pa);

#endif
