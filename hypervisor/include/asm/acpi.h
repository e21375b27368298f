/* The little of ACPI the hypervisor needs at boot: the CPUs in the MADT. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct acpi_cpus {
	unsigned int count;
	uint32_t apic_id[64];
};

/* rsdp: the RSDP copy from the boot loader. Returns 0 or -errno with a
 * message already printed. */
int acpi_find_cpus(const void *rsdp, size_t rsdp_len, struct acpi_cpus *out);

/* The firmware's root-table entries (XSDT, else RSDT) into tables[max]
 * and the MADT's address among them: 0, or -ENOENT if the tables are
 * missing, malformed, more than max or without a MADT. */
int acpi_firmware_tables(const void *rsdp, size_t rsdp_len, uint64_t *tables,
			 unsigned int max, unsigned int *nr, uint64_t *madt_pa);

#endif
