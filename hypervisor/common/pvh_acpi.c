/*
 * A PVH domain's ACPI tables (umbra/pvh_acpi.h): RSDP, XSDT, MADT, laid
 * out in that order from the RSDP's address, each 16-byte aligned, with
 * their checksums. Built whole in a small buffer, then written in one
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
#define XSDT_LEN	(sizeof(struct sdt_header) + 8)
#define OEM_ID		"UMBRA "
#define OEM_TABLE_ID	"UMBRAPVH"
#define ACPI_REVISION	2		/* RSDP with an XSDT */

#define XSDT_OFF	ALIGN16(sizeof(struct rsdp))
#define MADT_OFF	(XSDT_OFF + ALIGN16(XSDT_LEN))

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

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
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
	uint64_t madt = paddr + MADT_OFF;

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, OEM_ID, 6);
	r->revision = ACPI_REVISION;
	r->length = sizeof(*r);
	r->xsdt_addr = paddr + XSDT_OFF;
	r->checksum = checksum(buf, RSDP_V1_LEN);
	r->ext_checksum = checksum(buf, sizeof(*r));
	header(x, "XSDT", XSDT_LEN, 1);
	memcpy(buf + XSDT_OFF + sizeof(*x), &madt, 8);
	x->checksum = checksum((uint8_t *)x, XSDT_LEN);
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
