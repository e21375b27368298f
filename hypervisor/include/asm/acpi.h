/* The little of ACPI the hypervisor needs at boot: the CPUs in the MADT. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_IOAPICS	8

/* MADT entry types (ACPI specification, "Interrupt Controller
 * Structure Types"): the ones Umbra reads or writes. */
#define MADT_LOCAL_APIC		0
#define MADT_IO_APIC		1
#define MADT_LOCAL_X2APIC	9

#define MADT_CPU_ENABLED	1	/* local APIC flags */
#define MADT_CPU_ONLINE_CAPABLE	2

/* The Root System Description Pointer (revision 2 layout). */
struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_addr;
	uint32_t length;	/* revision >= 2 */
	uint64_t xsdt_addr;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

#define RSDP_V1_LEN		20	/* what the first checksum covers */

/* Every system description table starts so. */
struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* FADT fields (byte offsets; ACPI specification, "Fixed ACPI
 * Description Table") that Umbra reads in the firmware's table or writes
 * in a PVH domain's. */
#define FADT_DSDT		40
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_IAPC_BOOT_ARCH	109	/* 2 bytes */
#define FADT_FLAGS		112
#define FADT_RESET_REG		116	/* generic address structure, 12 bytes */
#define FADT_RESET_VALUE	128
#define FADT_MINOR_REVISION	131
#define FADT_X_DSDT		140
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM1B_CNT		184
#define FADT_LEN_REV5		268	/* up to the sleep status register */

#define FADT_RESET_REG_SUP	(1u << 10)	/* FADT_FLAGS */
#define FADT_HW_REDUCED		(1u << 20)
#define FADT_BOOT_NO_VGA	(1u << 2)	/* FADT_IAPC_BOOT_ARCH */
#define FADT_BOOT_NO_CMOS_RTC	(1u << 5)

/* The MADT: the header, the local APIC address and flags, then entries. */
#define MADT_ENTRIES_OFFSET	(sizeof(struct sdt_header) + 8)
#define MADT_LOCAL_APIC_LEN	8	/* type, length, processor UID, APIC ID, flags */

struct acpi_ioapic {
	uint64_t addr;			/* its registers (MMIO) */
	uint32_t gsi_base;		/* the GSI of its first input */
};

struct acpi_cpus {
	unsigned int count;
	uint32_t apic_id[64];
	unsigned int nr_ioapics;	/* the MADT's I/O APICs, up to 8 */
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
};

/* rsdp: the RSDP copy from the boot loader. Returns 0 or -errno with a
 * message already printed. */
int acpi_find_cpus(const void *rsdp, size_t rsdp_len, struct acpi_cpus *out);

/* The firmware's root-table entries (XSDT, else RSDT) into tables[max]
 * and the MADT's address among them: 0, or -ENOENT if the tables are
 * missing, malformed, more than max or without a MADT. */
int acpi_firmware_tables(const void *rsdp, size_t rsdp_len, uint64_t *tables,
			 unsigned int max, unsigned int *nr, uint64_t *madt_pa);

/* A firmware table whose length and checksum are right: at pa, or the
 * one with signature sig in the root table. NULL otherwise. The first
 * 36 bytes are the common header; the length is at offset 4. */
const void *acpi_table_at(uint64_t pa);
const void *acpi_table(const void *rsdp, size_t rsdp_len, const char sig[4]);

/* What powering off and resetting the machine takes (acpi_power.c), from
 * the FADT and the DSDT's \_S5 object. Ports are 0 where there is none. */
struct acpi_power {
	uint16_t pm1a_cnt, pm1b_cnt;	/* PM1 control blocks (I/O) */
	bool s5_known;			/* \_S5 found: its SLP_TYP values */
	uint8_t s5_typ_a, s5_typ_b;
	uint16_t reset_port;		/* the FADT's reset register, if I/O */
	uint8_t reset_value;
};

/* 0, or -ENOENT without a usable FADT (out zeroed). */
int acpi_find_power(const void *rsdp, size_t rsdp_len, struct acpi_power *out);

#endif
