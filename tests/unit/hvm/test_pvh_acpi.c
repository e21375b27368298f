/*
 * The ACPI tables of a PVH domain (common/pvh_acpi.c) as a guest's ACPI
 * code reads them: the RSDP's two checksums, the XSDT naming the FADT
 * and the MADT, a hardware-reduced FADT whose boot flags say no VGA, no
 * 8042 and no CMOS RTC and whose DSDT is an empty definition block, the
 * MADT's local APIC address and one enabled local APIC per vCPU
 * with APIC ID = vCPU id, every table summing to zero; bad arguments
 * refused before anything is written, a failing write passed on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/acpi.h>
#include <asm/msr.h>
#include <umbra/errno.h>
#include <umbra/pvh_acpi.h>

#define MEM_SIZE	0x10000u
#define AT		0x4000u

static uint8_t mem[MEM_SIZE];
static unsigned int writes;
static int fail;

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	(void)ctx;
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	if (fail)
		return -EIO;
	memcpy(mem + gpa, src, len);
	writes++;
	return 0;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	memset(mem + gpa, 0, len);
	return 0;
}

static const struct guest_writer gw = { fm_copy, fm_zero, NULL };

static int setup(void **state)
{
	(void)state;
	memset(mem, 0xcc, sizeof(mem));
	writes = 0;
	fail = 0;
	return 0;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static const struct sdt_header *table_at(uint64_t gpa, const char *sig)
{
	const struct sdt_header *h;

	assert_true(gpa >= AT && gpa < MEM_SIZE - sizeof(*h));
	h = (const struct sdt_header *)(mem + gpa);
	assert_memory_equal(h->signature, sig, 4);
	assert_true(gpa + h->length <= MEM_SIZE);
	assert_int_equal(sum((const uint8_t *)h, h->length), 0);
	return h;
}

static uint64_t get(const void *t, unsigned int off, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, (const uint8_t *)t + off, size);
	return v;
}

/* What Linux's acpi_parse_fadt() and ACPICA read of the FADT. */
static void check_fadt(uint64_t gpa)
{
	const struct sdt_header *f = table_at(gpa, "FACP"), *d;
	uint16_t boot = (uint16_t)get(f, FADT_IAPC_BOOT_ARCH, 2);

	assert_int_equal(f->length, FADT_LEN_REV5);
	assert_int_equal(f->revision, 5);
	assert_true(boot & FADT_BOOT_NO_CMOS_RTC);
	assert_true(boot & FADT_BOOT_NO_VGA);
	assert_false(boot & 3);			/* no legacy devices, no 8042 */
	assert_true(get(f, FADT_FLAGS, 4) & FADT_HW_REDUCED);
	assert_int_equal(get(f, FADT_X_PM1A_CNT + 4, 8), 0);
	assert_int_equal(get(f, FADT_PM1A_CNT, 4), 0);
	assert_int_equal(get(f, FADT_DSDT, 4), get(f, FADT_X_DSDT, 8));
	d = table_at(get(f, FADT_X_DSDT, 8), "DSDT");
	assert_int_equal(d->length, sizeof(*d));
}

static const struct sdt_header *madt_of_tables(void)
{
	const struct rsdp *r = (const struct rsdp *)(mem + AT);
	const struct sdt_header *x;

	assert_memory_equal(r->signature, "RSD PTR ", 8);
	assert_int_equal(r->revision, 2);
	assert_int_equal(sum((const uint8_t *)r, RSDP_V1_LEN), 0);
	assert_int_equal(r->length, sizeof(*r));
	assert_int_equal(sum((const uint8_t *)r, sizeof(*r)), 0);
	x = table_at(r->xsdt_addr, "XSDT");
	assert_int_equal(x->length, sizeof(*x) + 16);
	check_fadt(get(x, sizeof(*x), 8));
	return table_at(get(x, sizeof(*x) + 8, 8), "APIC");
}

static void check_vcpus(unsigned int n)
{
	const struct sdt_header *m;
	const uint8_t *e;
	uint32_t lapic, flags;
	const char *why = NULL;

	setup(NULL);
	assert_int_equal(pvh_acpi_build(AT, MEM_SIZE - AT, n, &gw, &why), 0);
	m = madt_of_tables();
	assert_int_equal(m->length, MADT_ENTRIES_OFFSET + n * MADT_LOCAL_APIC_LEN);
	assert_int_equal(pvh_acpi_size(n), (uint8_t *)m + m->length - (mem + AT));
	memcpy(&lapic, (const uint8_t *)m + sizeof(*m), 4);
	assert_int_equal(lapic, APIC_BASE_DEFAULT);
	e = (const uint8_t *)m + MADT_ENTRIES_OFFSET;
	for (unsigned int i = 0; i < n; i++, e += MADT_LOCAL_APIC_LEN) {
		assert_int_equal(e[0], MADT_LOCAL_APIC);
		assert_int_equal(e[1], MADT_LOCAL_APIC_LEN);
		assert_int_equal(e[2], i);
		assert_int_equal(e[3], i);
		memcpy(&flags, e + 4, 4);
		assert_int_equal(flags, MADT_CPU_ENABLED);
	}
}

static void test_tables(void **state)
{
	(void)state;
	check_vcpus(1);
	check_vcpus(2);
	check_vcpus(8);
	check_vcpus(64);
}

static void refused(uint64_t at, uint64_t room, unsigned int n)
{
	const char *why = NULL;

	setup(NULL);
	assert_int_equal(pvh_acpi_build(at, room, n, &gw, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(writes, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	refused(AT, MEM_SIZE - AT, 0);
	refused(AT, MEM_SIZE - AT, 65);
	refused(AT + 8, MEM_SIZE - AT, 1);
	refused(0, MEM_SIZE, 1);
	refused(AT, pvh_acpi_size(2) - 1, 2);
}

static void test_write_error(void **state)
{
	const char *why = NULL;

	(void)state;
	fail = 1;
	assert_int_equal(pvh_acpi_build(AT, MEM_SIZE - AT, 1, &gw, &why), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tables, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_write_error, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
