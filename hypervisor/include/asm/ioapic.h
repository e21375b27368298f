/* The I/O APICs, read only (arch/x86/ioapic.c): dom0 programs them; Umbra
 * reads the redirection entry of dom0's event interrupt (docs/mgmt.md). */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <stdint.h>

/* Redirection entry fields */
#define IOAPIC_RTE_VECTOR_MASK	0xffULL
#define IOAPIC_RTE_MODE_SHIFT	8		/* delivery mode, 3 bits */
#define IOAPIC_DM_FIXED		0
#define IOAPIC_DM_LOWEST	1
#define IOAPIC_RTE_LOGICAL	(1ULL << 11)
#define IOAPIC_RTE_LEVEL	(1ULL << 15)
#define IOAPIC_RTE_MASKED	(1ULL << 16)
#define IOAPIC_RTE_DEST_SHIFT	56

struct acpi_cpus;
/* At boot: the MADT's I/O APICs. */
void ioapics_record(const struct acpi_cpus *cpus);
/* The redirection entry of a GSI into *rte: 0, or -ENOENT (no I/O APIC
 * input has that GSI). */
int ioapic_read_rte(uint32_t gsi, uint64_t *rte);

#endif
