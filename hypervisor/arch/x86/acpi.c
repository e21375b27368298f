/* Walk RSDP -> XSDT/RSDT -> MADT to list the usable CPUs. Firmware tables
 * are trusted to be mapped but not to be well-formed: every length and
 * checksum is checked before use. */
#include <stdbool.h>
#include <asm/acpi.h>
#include <asm/layout.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>

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

static const struct sdt_header *map_table(uint64_t pa);

const void *acpi_table_at(uint64_t pa)
{
	return map_table(pa);
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

/* The root table (XSDT, else RSDT) behind a checked RSDP copy. */
struct root_table {
	const struct sdt_header *hdr;
	size_t entry_size, n;
};

static int root_open(const struct rsdp *rsdp, size_t rsdp_len, struct root_table *rt)
{
	bool xsdt;

	if (!rsdp || rsdp_len < 20 || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !checksum_ok(rsdp, RSDP_V1_LEN))
		return -ENOENT;
	/* xsdt_addr is only there in a copy of the whole 2.0 RSDP. */
	xsdt = rsdp->revision >= 2 && rsdp_len >= sizeof(*rsdp) && rsdp->xsdt_addr;
	rt->hdr = map_table(xsdt ? rsdp->xsdt_addr : rsdp->rsdt_addr);
	if (!rt->hdr)
		return -ENOENT;
	rt->entry_size = xsdt ? 8 : 4;
	rt->n = (rt->hdr->length - sizeof(*rt->hdr)) / rt->entry_size;
	return 0;
}

static uint64_t root_entry(const struct root_table *rt, size_t i)
{
	uint64_t pa = 0;

	memcpy(&pa, (const uint8_t *)(rt->hdr + 1) + i * rt->entry_size, rt->entry_size);
	return pa;
}

/* The table at pa if it is well-formed and has this signature. */
static const struct sdt_header *table_if(uint64_t pa, const char sig[4])
{
	const struct sdt_header *t = map_table(pa);

	return t && !memcmp(t->signature, sig, 4) ? t : NULL;
}

static const struct sdt_header *find_table(const struct root_table *rt, const char sig[4])
{
	const struct sdt_header *t = NULL;

	for (size_t i = 0; i < rt->n && !t; i++)
		t = table_if(root_entry(rt, i), sig);
	return t;
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
		} else if (p[0] == MADT_IO_APIC && p[1] >= 12 &&
			   out->nr_ioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &out->ioapic[out->nr_ioapics++];
			uint32_t addr;

			memcpy(&addr, p + 4, 4);
			memcpy(&io->gsi_base, p + 8, 4);
			io->addr = addr;
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
	const struct sdt_header *madt;
	struct root_table rt;

	out->count = 0;
	out->nr_ioapics = 0;
	if (root_open(rsdp_copy, rsdp_len, &rt)) {
		pr_err("acpi: no valid RSDP from the boot loader\n");
		return -ENOENT;
	}
	madt = find_table(&rt, "APIC");
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
	struct root_table rt;

	*nr = 0;
	*madt_pa = 0;
	if (root_open(rsdp_copy, rsdp_len, &rt))
		return -ENOENT;
	for (size_t i = 0; i < rt.n && *nr < max; i++) {
		tables[(*nr)++] = root_entry(&rt, i);
		if (table_if(tables[*nr - 1], "APIC"))
			*madt_pa = tables[*nr - 1];
	}
	return *madt_pa && rt.n <= max ? 0 : -ENOENT;
}

const void *acpi_table(const void *rsdp_copy, size_t rsdp_len, const char sig[4])
{
	struct root_table rt;

	if (root_open(rsdp_copy, rsdp_len, &rt))
		return NULL;
	return find_table(&rt, sig);
}
