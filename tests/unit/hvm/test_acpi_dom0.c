/*
 * dom0's ACPI tables: the MADT copy keeps exactly dom0's CPUs and every
 * non-CPU entry, the XSDT points at it instead of the firmware's, all
 * three checksums hold, and malformed input or a short buffer is refused
 * without writing past the buffer (ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/acpi_dom0.h>
#include <umbra/errno.h>

static uint8_t madt[256];
static size_t madt_len;
static const uint64_t tables[] = { 0x7fe1000, 0x7fe2000, 0x7fe3000 };
#define MADT_PA 0x7fe2000
#define BASE 0x9e000ULL

static void add(const uint8_t *e)
{
	memcpy(madt + madt_len, e, e[1]);
	madt_len += e[1];
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* A MADT like QEMU's for 4 CPUs, plus an x2APIC CPU and a bad-ID NMI. */
static void build_madt(void)
{
	const uint8_t ioapic[12] = { 1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	const uint8_t iso[10] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 };
	const uint8_t nmi[6] = { 4, 6, 0xff, 0, 0, 1 };
	uint8_t x2[16] = { 9, 16, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0 };

	memset(madt, 0, sizeof(madt));
	memcpy(madt, "APIC", 4);
	madt[8] = 3;
	memcpy(madt + 10, "BOCHS ", 6);
	madt_len = 44;
	for (uint8_t id = 0; id < 4; id++) {
		const uint8_t lapic[8] = { 0, 8, id, id, 1, 0, 0, 0 };

		add(lapic);
	}
	add(ioapic);
	add(iso);
	add(x2);
	add(nmi);
	memcpy(madt + 4, &(uint32_t){ (uint32_t)madt_len }, 4);
	madt[9] = (uint8_t)-sum(madt, madt_len);
}

static struct acpi_dom0_input input(const uint32_t *keep, unsigned int n)
{
	return (struct acpi_dom0_input){
		.tables = tables, .nr_tables = 3, .madt = madt, .madt_pa = MADT_PA,
		.oem_id = "UMBRA ", .keep_apic_ids = keep, .nr_keep = n,
	};
}

/* The CPUs (APIC IDs) a MADT lists. */
static unsigned int cpus_in(const uint8_t *m, uint32_t *ids)
{
	uint32_t len;
	unsigned int n = 0;

	memcpy(&len, m + 4, 4);
	for (size_t off = 44; off < len; off += m[off + 1]) {
		if (m[off] == 0)
			ids[n++] = m[off + 3];
		else if (m[off] == 9)
			memcpy(&ids[n++], m + off + 4, 4);
	}
	return n;
}

static void test_only_dom0_cpus(void **state)
{
	static const uint32_t keep[] = { 0, 5 };
	struct acpi_dom0_input in = input(keep, 2);
	uint8_t buf[1024];
	uint64_t rsdp, xsdt, e;
	uint32_t ids[8], len;
	long used;

	(void)state;
	build_madt();
	used = acpi_dom0_build(&in, buf, sizeof(buf), BASE, &rsdp);
	assert_true(used > 0);
	assert_int_equal(rsdp, BASE);
	/* RSDP: both checksums, revision 2, the XSDT inside the buffer */
	assert_memory_equal(buf, "RSD PTR ", 8);
	assert_int_equal(sum(buf, 20), 0);
	assert_int_equal(sum(buf, 36), 0);
	assert_int_equal(buf[15], 2);
	memcpy(&xsdt, buf + 24, 8);
	assert_true(xsdt > BASE && xsdt < BASE + (uint64_t)used);
	/* XSDT: the firmware's tables, the MADT replaced */
	const uint8_t *x = buf + (xsdt - BASE);
	memcpy(&len, x + 4, 4);
	assert_memory_equal(x, "XSDT", 4);
	assert_int_equal(len, 36 + 3 * 8);
	assert_int_equal(sum(x, len), 0);
	memcpy(&e, x + 36, 8);
	assert_int_equal(e, tables[0]);
	memcpy(&e, x + 44, 8);
	assert_int_not_equal(e, MADT_PA);
	memcpy(&e, x + 52, 8);
	assert_int_equal(e, tables[2]);
	/* MADT: two CPUs left, the rest of the entries kept */
	memcpy(&e, x + 44, 8);
	const uint8_t *m = buf + (e - BASE);
	memcpy(&len, m + 4, 4);
	assert_memory_equal(m, "APIC", 4);
	assert_int_equal(sum(m, len), 0);
	assert_int_equal(len, madt_len - 3 * 8);
	assert_int_equal(cpus_in(m, ids), 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 5);
	assert_non_null(memmem(m, len, "\x01\x0c", 2));		/* the I/O APIC */
	assert_non_null(memmem(m, len, "\x04\x06\xff", 3));	/* the NMI line */
}

static void test_malformed_refused(void **state)
{
	static const uint32_t keep[] = { 0 };
	struct acpi_dom0_input in = input(keep, 1);
	uint8_t buf[1024];
	uint64_t rsdp;

	(void)state;
	build_madt();
	madt[53] = 0;				/* the second entry: length 0 */
	madt[9] = 0;
	madt[9] = (uint8_t)-sum(madt, madt_len);
	assert_int_equal(acpi_dom0_build(&in, buf, sizeof(buf), BASE, &rsdp), -EINVAL);
	build_madt();
	madt[9] ^= 1;				/* bad checksum */
	assert_int_equal(acpi_dom0_build(&in, buf, sizeof(buf), BASE, &rsdp), -EINVAL);
	build_madt();
	in.madt_pa = 0x1234000;			/* not among the tables */
	assert_int_equal(acpi_dom0_build(&in, buf, sizeof(buf), BASE, &rsdp), -EINVAL);
}

static void test_short_buffers_refused(void **state)
{
	static const uint32_t keep[] = { 1 };
	struct acpi_dom0_input in = input(keep, 1);
	uint8_t big[1024];
	uint64_t rsdp;
	long need;

	(void)state;
	build_madt();
	need = acpi_dom0_build(&in, big, sizeof(big), BASE, &rsdp);
	assert_true(need > 0);
	for (long size = 0; size < need; size++) {
		uint8_t *buf = malloc(size ? (size_t)size : 1);

		assert_int_equal(acpi_dom0_build(&in, buf, (size_t)size, BASE, &rsdp), -ENOSPC);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_dom0_cpus),
		cmocka_unit_test(test_malformed_refused),
		cmocka_unit_test(test_short_buffers_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
