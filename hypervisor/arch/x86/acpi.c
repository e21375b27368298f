/* Walk RSDP -> XSDT/RSDT -> MADT to list the usable CPUs. Firmware tables
 * are trusted to be mapped but not to be well-formed: every length and
 * checksum is checked before use. */
#include <stdbool.h>
#include <asm/acpi.h>
#include <asm/layout.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>

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

#define MADT_ENTRIES_OFFSET	(sizeof(struct sdt_header) + 8)
#define MADT_LOCAL_APIC		0
#define MADT_LOCAL_X2APIC	9
#define MADT_CPU_ENABLED	1
#define MADT_CPU_ONLINE_CAPABLE	2
#define TABLE_MAX_LEN		(1u << 20)
#define MAPPED_LIMIT		((uint64_t)BOOT_MAP_GIB << 30)

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static const struct sdt_header *map_table(uint64_t pa)
{
	const struct sdt_header *h;

	if (!pa || pa + sizeof(*h) > MAPPED_LIMIT)
		return NULL;
	h = phys_to_virt(pa);
	if (h->length < sizeof(*h) || h->length > TABLE_MAX_LEN ||
	    pa + h->length > MAPPED_LIMIT || !checksum_ok(h, h->length))
		return NULL;
	return h;
}

static const struct sdt_header *find_table(const struct rsdp *rsdp, const char sig[4])
{
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_addr;
	const struct sdt_header *root = map_table(xsdt ? rsdp->xsdt_addr : rsdp->rsdt_addr);
	size_t entry_size = xsdt ? 8 : 4;

	if (!root)
		return NULL;
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *entries = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		const struct sdt_header *t;

		memcpy(&pa, entries + i * entry_size, entry_size);
		t = map_table(pa);
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

static void add_cpu(struct acpi_cpus *out, uint32_t id, uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	for (unsigned int i = 0; i < out->count; i++)
		if (out->apic_id[i] == id)
			return;
	if (out->count == sizeof(out->apic_id) / sizeof(out->apic_id[0])) {
		pr_warn("acpi: more than %u CPUs; ignoring APIC ID %u\n", out->count, id);
		return;
	}
	out->apic_id[out->count++] = id;
}

static void parse_madt(const struct sdt_header *madt, struct acpi_cpus *out)
{
	const uint8_t *p = (const uint8_t *)madt + MADT_ENTRIES_OFFSET;
	const uint8_t *end = (const uint8_t *)madt + madt->length;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint32_t id, flags;

		if (p[0] == MADT_LOCAL_APIC && p[1] >= 8) {
			memcpy(&flags, p + 4, 4);
			add_cpu(out, p[3], flags);
		} else if (p[0] == MADT_LOCAL_X2APIC && p[1] >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
			add_cpu(out, id, flags);
		}
		p += p[1];
	}
}

int acpi_find_cpus(const void *rsdp_copy, size_t rsdp_len, struct acpi_cpus *out)
{
	const struct rsdp *rsdp = rsdp_copy;
	const struct sdt_header *madt;

	out->count = 0;
	if (!rsdp || rsdp_len < 20 || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !checksum_ok(rsdp, 20)) {
		pr_err("acpi: no valid RSDP from the boot loader\n");
		return -ENOENT;
	}
	madt = find_table(rsdp, "APIC");
	if (!madt || madt->length < MADT_ENTRIES_OFFSET) {
		pr_err("acpi: no valid MADT\n");
		return -ENOENT;
	}
	parse_madt(madt, out);
	return out->count ? 0 : -ENOENT;
}

int acpi_firmware_tables(const void *rsdp_copy, size_t rsdp_len, uint64_t *tables,
			 unsigned int max, unsigned int *nr, uint64_t *madt_pa)
{
	const struct rsdp *rsdp = rsdp_copy;
	bool xsdt;
	const struct sdt_header *root;
	size_t entry_size, n;

	*nr = 0;
	*madt_pa = 0;
	if (!rsdp || rsdp_len < 20 || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !checksum_ok(rsdp, 20))
		return -ENOENT;
	xsdt = rsdp->revision >= 2 && rsdp_len >= sizeof(*rsdp) && rsdp->xsdt_addr;
	root = map_table(xsdt ? rsdp->xsdt_addr : rsdp->rsdt_addr);
	if (!root)
		return -ENOENT;
	entry_size = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < n && *nr < max; i++) {
		const struct sdt_header *t;
		uint64_t pa = 0;

		memcpy(&pa, (const uint8_t *)(root + 1) + i * entry_size, entry_size);
		tables[(*nr)++] = pa;
		t = map_table(pa);
		if (t && !memcmp(t->signature, "APIC", 4))
			*madt_pa = pa;
	}
	return *madt_pa && n <= max ? 0 : -ENOENT;
}
