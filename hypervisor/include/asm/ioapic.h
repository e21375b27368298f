/* The I/O APICs (arch/x86/ioapic.c): dom0 programs them, through Umbra's
 * check of each redirection entry; Umbra reads the redirection entry of
 * dom0's event interrupt (docs/mgmt.md). */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Redirection entry fields */
#define IOAPIC_RTE_VECTOR_MASK	0xffULL
#define IOAPIC_RTE_MODE_SHIFT	8		/* delivery mode, 3 bits */
#define IOAPIC_DM_FIXED		0
#define IOAPIC_DM_LOWEST	1
#define IOAPIC_DM_EXTINT	7
#define IOAPIC_RTE_MODE_MASK	7
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
/* The number of I/O APICs, the address of I/O APIC i (0 if none). */
unsigned int ioapics_nr(void);
uint64_t ioapic_addr(unsigned int i);
/* The I/O APIC whose register page is at page, or -1. */
int ioapic_at(uint64_t page);
/* The register at byte offset off of I/O APIC i's page, as it reads. */
uint32_t ioapic_mmio_read(unsigned int i, uint32_t off);
/* dom0's 32-bit write of val at byte offset off of I/O APIC i's page,
 * made unless it leaves a redirection entry that ok(entry, arg) refuses:
 * then nothing is written, *rte is that entry, and -EPERM. */
int ioapic_guarded_write(unsigned int i, uint32_t off, uint32_t val,
			 bool (*ok)(uint64_t rte, void *arg), void *arg, uint64_t *rte);

#endif
