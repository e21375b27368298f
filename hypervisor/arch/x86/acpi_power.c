/* The FADT's PM1 control blocks and reset register, and the SLP_TYP
 * values of S5 (soft off) from the DSDT's \_S5 package: what Umbra needs
 * to recognise dom0's power-off and reset and to do them itself. The
 * DSDT is AML; only the one Name(\_S5, Package(){...}) is read, by its
 * well-known byte pattern, as small kernels do. */
#include <stdbool.h>
#include <asm/acpi.h>
#include <umbra/errno.h>
#include <umbra/string.h>

#define SDT_HEADER_LEN		36
#define GAS_SYSTEM_IO		1

#define AML_NAME_OP		0x08
#define AML_PACKAGE_OP		0x12
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_BYTE_PREFIX		0x0a

static uint32_t table_len(const uint8_t *t)
{
	uint32_t len;

	memcpy(&len, t + 4, 4);
	return len;
}

static uint64_t field(const uint8_t *t, uint32_t off, unsigned int size)
{
	uint64_t v = 0;

	if (off + size <= table_len(t))
		memcpy(&v, t + off, size);
	return v;
}

/* An I/O port from a generic address structure, else the legacy field. */
static uint16_t io_port(const uint8_t *fadt, uint32_t gas, uint32_t legacy)
{
	if (field(fadt, gas, 1) == GAS_SYSTEM_IO && field(fadt, gas + 4, 8))
		return (uint16_t)field(fadt, gas + 4, 8);
	return (uint16_t)field(fadt, legacy, 4);
}

/* One integer element of the package: Zero, One or a BytePrefix byte;
 * returns its length, 0 if it is anything else. */
static unsigned int aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v)
{
	if (p < end && (*p == AML_ZERO_OP || *p == AML_ONE_OP)) {
		*v = *p;
		return 1;
	}
	if (p + 1 < end && *p == AML_BYTE_PREFIX) {
		*v = p[1];
		return 2;
	}
	return 0;
}

/* Name(_S5_, Package(N){ a, b, ... }): NameOp, an optional root prefix,
 * "_S5_", PackageOp, PkgLength (1-4 bytes), NumElements, a, b. */
static bool parse_s5(const uint8_t *dsdt, struct acpi_power *out)
{
	const uint8_t *end = dsdt + table_len(dsdt);

	for (const uint8_t *p = dsdt + SDT_HEADER_LEN + 1; p + 4 < end; p++) {
		const uint8_t *q = p + 4;
		unsigned int n;

		if (memcmp(p, "_S5_", 4) || (p[-1] != AML_NAME_OP && p[-1] != '\\'))
			continue;
		if (q >= end || *q++ != AML_PACKAGE_OP || q >= end)
			continue;
		q += 1 + (*q >> 6);	/* PkgLength's lead byte says how many follow */
		q++;			/* NumElements */
		n = aml_small_int(q, end, &out->s5_typ_a);
		if (!n || !aml_small_int(q + n, end, &out->s5_typ_b))
			continue;
		return true;
	}
	return false;
}

int acpi_find_power(const void *rsdp, size_t rsdp_len, struct acpi_power *out)
{
	const uint8_t *fadt = acpi_table(rsdp, rsdp_len, "FACP"), *dsdt;
	uint64_t dsdt_pa;

	memset(out, 0, sizeof(*out));
	if (!fadt)
		return -ENOENT;
	out->pm1a_cnt = io_port(fadt, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
	out->pm1b_cnt = io_port(fadt, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
	if ((field(fadt, FADT_FLAGS, 4) & FADT_RESET_REG_SUP) &&
	    field(fadt, FADT_RESET_REG, 1) == GAS_SYSTEM_IO) {
		out->reset_port = (uint16_t)field(fadt, FADT_RESET_REG + 4, 8);
		out->reset_value = (uint8_t)field(fadt, FADT_RESET_VALUE, 1);
	}
	dsdt_pa = field(fadt, FADT_X_DSDT, 8);
	if (!dsdt_pa)
		dsdt_pa = field(fadt, FADT_DSDT, 4);
	dsdt = acpi_table_at(dsdt_pa);
	if (dsdt && !memcmp(dsdt, "DSDT", 4))
		out->s5_known = parse_s5(dsdt, out);
	return 0;
}
