/* dom0's ACPI tables: the firmware's, with a MADT of dom0's CPUs only
 * (see asm/acpi_dom0.h). Layouts from the ACPI specification. */
#include <stdbool.h>
#include <asm/acpi.h>
#include <asm/acpi_dom0.h>
#include <umbra/errno.h>
#include <umbra/string.h>

#define SDT_HEADER_SIZE		36
#define SDT_LENGTH		4
#define SDT_CHECKSUM		9
#define SDT_OEM_ID		10
#define MADT_ENTRIES		(SDT_HEADER_SIZE + 8)	/* LAPIC address, flags */
#define RSDP_SIZE		36
#define RSDP_V1_SIZE		20
#define RSDP_CHECKSUM		8
#define RSDP_EXT_CHECKSUM	32
#define TABLE_ALIGN		16

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void fix_checksum(uint8_t *table, size_t len, size_t at)
{
	table[at] = 0;
	table[at] = (uint8_t)-sum(table, len);
}

static bool keep_cpu(const struct acpi_dom0_input *in, uint32_t apic_id)
{
	for (unsigned int i = 0; i < in->nr_keep; i++)
		if (in->keep_apic_ids[i] == apic_id)
			return true;
	return false;
}

/* Is this MADT entry a CPU dom0 must not see? */
static bool drop_entry(const struct acpi_dom0_input *in, const uint8_t *e)
{
	if (e[0] == MADT_LOCAL_APIC && e[1] >= 8)
		return !keep_cpu(in, e[3]);
	if (e[0] == MADT_LOCAL_X2APIC && e[1] >= 16)
		return !keep_cpu(in, rd32(e + 4));
	return false;
}

/* Copy the MADT into out without other CPUs' entries; its length, or
 * -EINVAL / -ENOSPC. */
static long build_madt(const struct acpi_dom0_input *in, uint8_t *out, size_t room)
{
	uint32_t len = rd32(in->madt + SDT_LENGTH);
	size_t n = MADT_ENTRIES;

	if (len < MADT_ENTRIES || sum(in->madt, len))
		return -EINVAL;
	if (len > room)
		return -ENOSPC;
	memcpy(out, in->madt, MADT_ENTRIES);
	for (size_t off = MADT_ENTRIES; off < len;) {
		const uint8_t *e = in->madt + off;

		if (len - off < 2 || e[1] < 2 || e[1] > len - off)
			return -EINVAL;
		if (!drop_entry(in, e)) {
			memcpy(out + n, e, e[1]);
			n += e[1];
		}
		off += e[1];
	}
	memcpy(out + SDT_LENGTH, &(uint32_t){ (uint32_t)n }, 4);
	fix_checksum(out, n, SDT_CHECKSUM);
	return (long)n;
}

static long build_xsdt(const struct acpi_dom0_input *in, uint8_t *out, size_t room,
		       uint64_t new_madt_pa)
{
	size_t len = SDT_HEADER_SIZE + 8 * (size_t)in->nr_tables;
	bool found = false;

	if (len > room)
		return -ENOSPC;
	memset(out, 0, SDT_HEADER_SIZE);
	memcpy(out, "XSDT", 4);
	memcpy(out + SDT_LENGTH, &(uint32_t){ (uint32_t)len }, 4);
	out[8] = 1;				/* revision */
	memcpy(out + SDT_OEM_ID, in->oem_id, 6);
	memcpy(out + 16, "UMBRADOM", 8);	/* OEM table ID */
	for (unsigned int i = 0; i < in->nr_tables; i++) {
		uint64_t pa = in->tables[i];

		if (pa == in->madt_pa) {
			pa = new_madt_pa;
			found = true;
		}
		memcpy(out + SDT_HEADER_SIZE + 8 * i, &pa, 8);
	}
	if (!found)
		return -EINVAL;
	fix_checksum(out, len, SDT_CHECKSUM);
	return (long)len;
}

static void build_rsdp(const struct acpi_dom0_input *in, uint8_t *out, uint64_t xsdt_pa)
{
	memset(out, 0, RSDP_SIZE);
	memcpy(out, "RSD PTR ", 8);
	memcpy(out + 9, in->oem_id, 6);
	out[15] = 2;				/* revision: XSDT present */
	memcpy(out + 20, &(uint32_t){ RSDP_SIZE }, 4);
	memcpy(out + 24, &xsdt_pa, 8);
	fix_checksum(out, RSDP_V1_SIZE, RSDP_CHECKSUM);
	fix_checksum(out, RSDP_SIZE, RSDP_EXT_CHECKSUM);
}

static size_t align_up(size_t n)
{
	return (n + TABLE_ALIGN - 1) & ~(size_t)(TABLE_ALIGN - 1);
}

long acpi_dom0_build(const struct acpi_dom0_input *in, uint8_t *buf, size_t size,
		     uint64_t base, uint64_t *rsdp_pa)
{
	size_t madt_at = align_up(RSDP_SIZE), xsdt_at;
	long madt_len, xsdt_len;

	if (size < madt_at)
		return -ENOSPC;
	madt_len = build_madt(in, buf + madt_at, size - madt_at);
	if (madt_len < 0)
		return madt_len;
	xsdt_at = align_up(madt_at + (size_t)madt_len);
	if (xsdt_at > size)
		return -ENOSPC;
	xsdt_len = build_xsdt(in, buf + xsdt_at, size - xsdt_at, base + madt_at);
	if (xsdt_len < 0)
		return xsdt_len;
	build_rsdp(in, buf, base + xsdt_at);
	*rsdp_pa = base;
	return (long)(xsdt_at + (size_t)xsdt_len);
}
