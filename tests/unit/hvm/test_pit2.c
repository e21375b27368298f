/*
 * A domU's PIT channel 2 read back (arch/x86/hvm/pit2.c): Linux's
 * quick_pit_calibrate sequence (control 0xb0, count 0xffff, lsb/msb
 * reads) sees the count go down at 1.193182 MHz of TSC time; the latch
 * command freezes it until both bytes are read; lsb-only and msb-only
 * access; other channels are ignored; long uptimes do not overflow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pit.h>

#define KHZ	2000000ULL		/* a 2 GHz TSC */
#define TSC_PER_TICK(n)	((n) * KHZ * 1000 / PIT_HZ)

static uint16_t read_word(struct pit2 *p, uint64_t tsc)
{
	uint8_t lo = pit2_read(p, tsc, KHZ);

	return (uint16_t)(lo | pit2_read(p, tsc, KHZ) << 8);
}

static void test_counts_down(void **state)
{
	struct pit2 p;
	uint64_t t0 = 1000000;

	(void)state;
	memset(&p, 0, sizeof(p));
	pit2_control(&p, 0xb0, t0, KHZ);	/* channel 2, lsb then msb, mode 0 */
	pit2_write(&p, 0xff, t0);
	pit2_write(&p, 0xff, t0);
	assert_int_equal(read_word(&p, t0), 0xffff);
	/* 256 PIT ticks later the msb has moved: what Linux waits for. */
	assert_int_equal(read_word(&p, t0 + TSC_PER_TICK(256) + 10), 0xffff - 256);
	/* 1 ms is 1193 ticks. */
	assert_int_equal(read_word(&p, t0 + KHZ), 0xffff - 1193);
	/* It wraps below zero. */
	assert_int_equal(read_word(&p, t0 + TSC_PER_TICK(65536) + 10), 0xffff);
}

static void test_latch(void **state)
{
	struct pit2 p;

	(void)state;
	memset(&p, 0, sizeof(p));
	pit2_control(&p, 0xb0, 0, KHZ);
	pit2_write(&p, 0x00, 0);
	pit2_write(&p, 0x10, 0);		/* 0x1000 */
	pit2_control(&p, 0x80, KHZ, KHZ);	/* latch channel 2 at 1 ms */
	assert_int_equal(read_word(&p, 5 * KHZ), 0x1000 - 1193);
	/* Released after both bytes: live again. */
	assert_int_equal(read_word(&p, 2 * KHZ), (uint16_t)(0x1000 - 2386));
}

static void test_byte_access(void **state)
{
	struct pit2 p;

	(void)state;
	memset(&p, 0, sizeof(p));
	pit2_control(&p, 0x90, 0, KHZ);	/* lsb only */
	pit2_write(&p, 0x80, 0);
	assert_int_equal(pit2_read(&p, 0, KHZ), 0x80);
	assert_int_equal(pit2_read(&p, 0, KHZ), 0x80);
	pit2_control(&p, 0xa0, 0, KHZ);	/* msb only */
	pit2_write(&p, 0x12, 0);
	assert_int_equal(pit2_read(&p, 0, KHZ), 0x12);
	/* Channels 0 and 1 and the read-back command change nothing. */
	pit2_control(&p, 0x30, 0, KHZ);
	pit2_control(&p, 0x70, 0, KHZ);
	pit2_control(&p, 0xc0, 0, KHZ);
	assert_int_equal(pit2_read(&p, 0, KHZ), 0x12);
}

static void test_long_uptime(void **state)
{
	struct pit2 p;
	uint64_t t0 = (1ULL << 62) + 12345;

	(void)state;
	memset(&p, 0, sizeof(p));
	pit2_control(&p, 0xb0, t0, KHZ);
	pit2_write(&p, 0xff, t0);
	pit2_write(&p, 0xff, t0);
	assert_int_equal(read_word(&p, t0 + KHZ * 1000 * 3600 * 24 * 365 + KHZ),
			 (uint16_t)(0xffff - (PIT_HZ * 3600 * 24 * 365 + 1193)));
	/* No TSC rate known: the count stands still rather than divide by 0. */
	assert_int_equal(pit2_read(&p, t0 + 5, 0), 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_down),
		cmocka_unit_test(test_latch),
		cmocka_unit_test(test_byte_access),
		cmocka_unit_test(test_long_uptime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
