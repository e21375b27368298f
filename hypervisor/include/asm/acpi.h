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

#endif
