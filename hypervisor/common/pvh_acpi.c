/*
 * A PVH domain's ACPI tables (umbra/pvh_acpi.h): RSDP, XSDT, FADT, DSDT,
 * MADT, laid out in that order from the RSDP's address, each 16-byte
 * aligned, with their checksums. Built whole in a small buffer, then written in one
 * copy (a buffer on the stack: the library that shares this is
 * thread-safe).
 */
#include <asm/acpi.h>
#include <asm/msr.h>
#include <umbra/errno.h>
#include <umbra/pvh_acpi.h>
#include <umbra/string.h>

#define MAX_VCPUS	64		/* more than a domain may have; bounds the buffer */
#define ALIGN16(x)	(((x) + 15) & ~(uint64_t)15)
#define XSDT_ENTRIES	2		/* FADT, MADT */
#define XSDT_LEN	(sizeof(struct sdt_header) + 8 * XSDT_ENTRIES)
#define DSDT_LEN	sizeof(struct sdt_header)
#define OEM_ID		"UMBRA "
#define OEM_TABLE_ID	"UMBRAPVH"
#define ACPI_REVISION	2		/* RSDP with an XSDT */
#define FADT_REVISION	5		/* as Xen's toolstack (acpi_revision 5) */
#define DSDT_REVISION	2		/* 64-bit AML integers */

#define XSDT_OFF	ALIGN16(sizeof(struct rsdp))
#define FADT_OFF	(XSDT_OFF + ALIGN16(XSDT_LEN))
#define DSDT_OFF	(FADT_OFF + ALIGN16(FADT_LEN_REV5))
#define MADT_OFF	(DSDT_OFF + ALIGN16(DSDT_LEN))

static uint64_t madt_len(unsigned int nr_vcpus)
{
	return MADT_ENTRIES_OFFSET + (uint64_t)nr_vcpus * MADT_LOCAL_APIC_LEN;
}

uint64_t pvh_acpi_size(unsigned int nr_vcpus)
{
	return MADT_OFF + madt_len(nr_vcpus);
}

static uint8_t checksum(const uint8_t *p, uint64_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static void header(struct sdt_header *h, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "UMBR", 4);
	h->creator_revision = 1;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * The FADT says what the platform lacks, as Xen's toolstack says it to a
 * PVH guest (libacpi without ACPI_HAS_VGA, _8042 or _CMOS_RTC): no VGA,
 * no 8042 (its boot-architecture bit clear), no CMOS RTC. Linux takes
 * both "no VGA" and "no CMOS RTC" as its sign of PVH and then probes
 * none of them; without a FADT it polls the RTC's update flag, which
 * reads all-ones here, some 20 000 times (20 000 port exits and a second
 * of delays). Hardware-reduced: there are no PM1 blocks, PM timer, SCI
 * or legacy PIC/PIT to find either.
 */
static void build_fadt(uint8_t *f, uint64_t dsdt)
{
	header((struct sdt_header *)f, "FACP", FADT_LEN_REV5, FADT_REVISION);
	put32(f + FADT_DSDT, (uint32_t)dsdt);
	put64(f + FADT_X_DSDT, dsdt);
	put16(f + FADT_IAPC_BOOT_ARCH, FADT_BOOT_NO_VGA | FADT_BOOT_NO_CMOS_RTC);
	put32(f + FADT_FLAGS, FADT_HW_REDUCED);
	((struct sdt_header *)f)->checksum = checksum(f, FADT_LEN_REV5);
}

/* An empty definition block: no devices to describe. */
static void build_dsdt(uint8_t *d)
{
	header((struct sdt_header *)d, "DSDT", DSDT_LEN, DSDT_REVISION);
	((struct sdt_header *)d)->checksum = checksum(d, DSDT_LEN);
}

static void build_madt(uint8_t *m, unsigned int nr_vcpus)
{
	uint8_t *e = m + MADT_ENTRIES_OFFSET;
	unsigned int i;

	header((struct sdt_header *)m, "APIC", (uint32_t)madt_len(nr_vcpus), 4);
	put32(m + sizeof(struct sdt_header), (uint32_t)APIC_BASE_DEFAULT);
	put32(m + sizeof(struct sdt_header) + 4, 0);	/* no 8259 pair */
	for (i = 0; i < nr_vcpus; i++, e += MADT_LOCAL_APIC_LEN) {
		e[0] = MADT_LOCAL_APIC;
		e[1] = MADT_LOCAL_APIC_LEN;
		e[2] = (uint8_t)i;		/* ACPI processor UID */
		e[3] = (uint8_t)i;		/* APIC ID */
		put32(e + 4, MADT_CPU_ENABLED);
	}
	((struct sdt_header *)m)->checksum = checksum(m, madt_len(nr_vcpus));
}

static void build(uint8_t *buf, uint64_t paddr, unsigned int nr_vcpus)
{
	struct rsdp *r = (struct rsdp *)buf;
	struct sdt_header *x = (struct sdt_header *)(buf + XSDT_OFF);
	uint64_t tables[XSDT_ENTRIES] = { paddr + FADT_OFF, paddr + MADT_OFF };

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, OEM_ID, 6);
	r->revision = ACPI_REVISION;
	r->length = sizeof(*r);
	r->xsdt_addr = paddr + XSDT_OFF;
	r->checksum = checksum(buf, RSDP_V1_LEN);
	r->ext_checksum = checksum(buf, sizeof(*r));
	header(x, "XSDT", XSDT_LEN, 1);
	memcpy(buf + XSDT_OFF + sizeof(*x), tables, sizeof(tables));
	x->checksum = checksum((uint8_t *)x, XSDT_LEN);
	build_fadt(buf + FADT_OFF, paddr + DSDT_OFF);
	build_dsdt(buf + DSDT_OFF);
	build_madt(buf + MADT_OFF, nr_vcpus);
}

int pvh_acpi_build(uint64_t paddr, uint64_t room, unsigned int nr_vcpus,
		   const struct guest_writer *gw, const char **why)
{
	uint8_t buf[MADT_OFF + MADT_ENTRIES_OFFSET + MAX_VCPUS * MADT_LOCAL_APIC_LEN];
	uint64_t size = pvh_acpi_size(nr_vcpus);

	if (nr_vcpus == 0 || nr_vcpus > MAX_VCPUS) {
		*why = "ACPI tables: bad number of vCPUs";
		return -EINVAL;
	}
	if (paddr == 0 || (paddr & 15) || size > room) {
		*why = "ACPI tables: no room, or the address is not 16-byte aligned";
		return -EINVAL;
	}
	memset(buf, 0, size);
	build(buf, paddr, nr_vcpus);
	return gw->copy(gw->ctx, paddr, buf, size);
}
