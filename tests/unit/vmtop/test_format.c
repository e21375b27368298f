/*
 * vmtop's cells and lines: k/M/G scaling to the column width, xentop's
 * state letters, the header and row layout of xentop's batch mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/vmtop/format.h"

static void scale_fits_unchanged(void **state)
{
	char b[32];

	(void)state;
	assert_int_equal(vmtop_scale(b, sizeof(b), 10, 1048576, 1024), 7);
	assert_string_equal(b, "1048576");
	vmtop_scale(b, sizeof(b), 5, 0, 1000);
	assert_string_equal(b, "0");
	vmtop_scale(b, sizeof(b), 5, 99999, 1000);
	assert_string_equal(b, "99999");
}

static void scale_suffixes(void **state)
{
	char b[32];

	(void)state;
	vmtop_scale(b, sizeof(b), 5, 123456, 1000);
	assert_string_equal(b, "123k");
	vmtop_scale(b, sizeof(b), 4, 1500000, 1000);
	assert_string_equal(b, "1.5M");
	/* The smallest unit that fits: the most digits kept. */
	vmtop_scale(b, sizeof(b), 6, 12345678901ull, 1000);
	assert_string_equal(b, "12346M");
	vmtop_scale(b, sizeof(b), 5, 12345678901ull, 1000);
	assert_string_equal(b, "12.3G");
	vmtop_scale(b, sizeof(b), 3, 1536, 1024);
	assert_string_equal(b, "2k");
	/* Sizes in KiB scale to absolute MiB, GiB, TiB. */
	vmtop_scale_kib(b, sizeof(b), 4, 2048ull * 1024 * 1024);
	assert_string_equal(b, "2.0T");
	vmtop_scale_kib(b, sizeof(b), 3, 1536);
	assert_string_equal(b, "2M");
	vmtop_scale_kib(b, sizeof(b), 4, 15360);
	assert_string_equal(b, "15M");
	vmtop_scale_kib(b, sizeof(b), 10, 1536);
	assert_string_equal(b, "1536");
	/* The largest value still fits some width with a suffix. */
	assert_true(vmtop_scale(b, sizeof(b), 4, UINT64_MAX, 1000) <= 4);
	assert_string_equal(b, "18E");
}

static void scale_never_wider_when_possible(void **state)
{
	char b[32];
	uint64_t v;
	unsigned int w;

	(void)state;
	for (w = 3; w <= 10; w++)
		for (v = 1; v < UINT64_MAX / 7; v = v * 7 + 3)
			assert_true((unsigned int)vmtop_scale(b, sizeof(b), w, v, 1000) <= w);
}

static struct vmtop_row row(const char *name, uint32_t state)
{
	struct vmtop_row r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.state = state;
	return r;
}

static void state_letters(void **state)
{
	static const struct { uint32_t st, reason; const char *s; } cases[] = {
		{ UMBRA_DOMSTATE_RUNNING, 0, "-----r" },
		{ UMBRA_DOMSTATE_BLOCKED, 0, "--b---" },
		{ UMBRA_DOMSTATE_PAUSED, 0, "----p-" },
		{ UMBRA_DOMSTATE_SHUTDOWN, SHUTDOWN_poweroff, "-s----" },
		{ UMBRA_DOMSTATE_SHUTDOWN, SHUTDOWN_crash, "---c--" },
		{ UMBRA_DOMSTATE_CRASHED, 0, "---c--" },
		{ UMBRA_DOMSTATE_DYING, 0, "d-----" },
		{ 77, 0, "------" },
	};
	char s[7];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmtop_row r = row("x", cases[i].st);

		r.shutdown_reason = cases[i].reason;
		vmtop_state_letters(&r, s);
		assert_string_equal(s, cases[i].s);
	}
}

/* xentop -b's header, byte for byte, for the columns both have. */
static void header_is_xentops(void **state)
{
	char b[512];
	vmtop_colmask xen = 0;
	int i;

	(void)state;
	for (i = VMTOP_COL_NAME; i <= VMTOP_COL_VCPUS; i++)
		xen |= 1u << i;
	vmtop_line(NULL, xen, b, sizeof(b));
	assert_string_equal(b, "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)"
			    "  MAXMEM(k) MAXMEM(%) VCPUS");
	vmtop_line(NULL, VMTOP_COLS_DEFAULT, b, sizeof(b));
	assert_non_null(strstr(b, " VCPUS  EXITS/s HCALLS/s PTTRAPS/s SHADOW(k) PAGING"));
	assert_null(strstr(b, "ID"));
}

static void row_cells(void **state)
{
	struct vmtop_row r = row("a-very-long-domain-name", UMBRA_DOMSTATE_BLOCKED);
	char b[512];

	(void)state;
	r.cpu_time_ns = 12500000000ull;
	r.cpu_pct = 37.25;	/* rounds half up */
	r.mem_bytes = 256ull << 20;
	r.mem_pct = 12.5;
	r.nr_vcpus = 2;
	r.paging = UMBRA_PAGING_SHADOW;
	r.exits_ps = 123456789.0;
	r.hcalls_ps = 42.4;
	r.pttraps_ps = 0.4;
	r.paging_bytes = 3 << 20;
	vmtop_line(&r, VMTOP_COLS_DEFAULT, b, sizeof(b));
	assert_string_equal(b, "a-very-lon --b---         12   37.3     262144   12.5"
			    "     262144      12.5     2  123457k       42         0"
			    "      3072 shadow");
	/* No rates yet: zeros. */
	r.exits_ps = r.hcalls_ps = r.pttraps_ps = 0.0;
	vmtop_line(&r, VMTOP_COLS_DEFAULT, b, sizeof(b));
	assert_non_null(strstr(b, "        0        0         0      3072 shadow"));
}

static void line_is_cut_to_the_buffer(void **state)
{
	struct vmtop_row r = row("x", UMBRA_DOMSTATE_RUNNING);
	char b[20];

	(void)state;
	memset(b, 'Z', sizeof(b));
	assert_int_equal(vmtop_line(&r, VMTOP_COLS_DEFAULT, b, sizeof(b)), 19);
	assert_int_equal(strlen(b), 19);
}

static void keys_are_unique(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < VMTOP_COL_NR; i++) {
		assert_int_equal(vmtop_col_by_key(vmtop_cols[i].key), i);
		/* Lower-case keys are commands; D is destroy. */
		assert_true(vmtop_cols[i].key >= 'A' && vmtop_cols[i].key <= 'Z');
		assert_int_not_equal(vmtop_cols[i].key, 'D');
		for (j = i + 1; j < VMTOP_COL_NR; j++)
			assert_int_not_equal(vmtop_cols[i].key, vmtop_cols[j].key);
	}
	/* xentop's sort keys. */
	assert_int_equal(vmtop_col_by_key('N'), VMTOP_COL_NAME);
	assert_int_equal(vmtop_col_by_key('S'), VMTOP_COL_STATE);
	assert_int_equal(vmtop_col_by_key('C'), VMTOP_COL_CPU_PCT);
	assert_int_equal(vmtop_col_by_key('M'), VMTOP_COL_MEM);
	assert_int_equal(vmtop_col_by_key('V'), VMTOP_COL_VCPUS);
	assert_int_equal(vmtop_col_by_key('q'), -1);
}

static void small_strings(void **state)
{
	char b[64];

	(void)state;
	vmtop_uptime_str(3723ull * 1000000000ull, b, sizeof(b));
	assert_string_equal(b, "01:02:03");
	vmtop_uptime_str((86400ull * 2 + 5) * 1000000000ull, b, sizeof(b));
	assert_string_equal(b, "2d 00:00:05");
	vmtop_cpulist(0, b, sizeof(b));
	assert_string_equal(b, "-");
	vmtop_cpulist(0xb, b, sizeof(b));
	assert_string_equal(b, "0-1,3");
	vmtop_cpulist(1ull << 63 | 1, b, sizeof(b));
	assert_string_equal(b, "0,63");
	assert_string_equal(vmtop_paging_str(UMBRA_PAGING_NESTED), "nested");
	assert_string_equal(vmtop_paging_str(99), "?");
	assert_string_equal(vmtop_state_name(UMBRA_DOMSTATE_PAUSED), "paused");
	assert_string_equal(vmtop_state_name(99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale_fits_unchanged),
		cmocka_unit_test(scale_suffixes),
		cmocka_unit_test(scale_never_wider_when_possible),
		cmocka_unit_test(state_letters),
		cmocka_unit_test(header_is_xentops),
		cmocka_unit_test(row_cells),
		cmocka_unit_test(line_is_cut_to_the_buffer),
		cmocka_unit_test(keys_are_unique),
		cmocka_unit_test(small_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
