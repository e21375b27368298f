/*
 * E820 maps: hand-picked cases, then random sequences of e820_set checked
 * against a page-by-page model of the same address space.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <umbra/e820.h>
#include <umbra/errno.h>

#define K 4096ULL

static struct e820_map m;

static void expect(unsigned int i, uint64_t addr, uint64_t size, uint32_t type)
{
	assert_true(i < m.nr);
	assert_int_equal(m.r[i].addr, addr);
	assert_int_equal(m.r[i].size, size);
	assert_int_equal(m.r[i].type, type);
}

static void test_sorted_whatever_the_order(void **state)
{
	(void)state;
	e820_init(&m);
	assert_int_equal(e820_set(&m, 0x100000, 0x100000, E820_RAM), 0);
	assert_int_equal(e820_set(&m, 0, 0x9f000, E820_RAM), 0);
	assert_int_equal(e820_set(&m, 0xf0000, 0x10000, E820_RESERVED), 0);
	assert_int_equal(m.nr, 3);
	expect(0, 0, 0x9f000, E820_RAM);
	expect(1, 0xf0000, 0x10000, E820_RESERVED);
	expect(2, 0x100000, 0x100000, E820_RAM);
}

static void test_carving_splits_and_merging_joins(void **state)
{
	(void)state;
	e820_init(&m);
	assert_int_equal(e820_set(&m, 0, 100 * K, E820_RAM), 0);
	assert_int_equal(e820_set(&m, 10 * K, 5 * K, E820_RESERVED), 0);
	assert_int_equal(m.nr, 3);
	expect(0, 0, 10 * K, E820_RAM);
	expect(1, 10 * K, 5 * K, E820_RESERVED);
	expect(2, 15 * K, 85 * K, E820_RAM);
	/* Giving the hole back makes one range again. */
	assert_int_equal(e820_set(&m, 10 * K, 5 * K, E820_RAM), 0);
	assert_int_equal(m.nr, 1);
	expect(0, 0, 100 * K, E820_RAM);
	/* A later range over several wins over all of them. */
	assert_int_equal(e820_set(&m, 200 * K, 10 * K, E820_ACPI), 0);
	assert_int_equal(e820_set(&m, 50 * K, 200 * K, E820_NVS), 0);
	assert_int_equal(m.nr, 2);
	expect(0, 0, 50 * K, E820_RAM);
	expect(1, 50 * K, 200 * K, E820_NVS);
}

static void test_bad_ranges_refused(void **state)
{
	(void)state;
	e820_init(&m);
	assert_int_equal(e820_set(&m, 0, 0, E820_RAM), -EINVAL);
	assert_int_equal(e820_set(&m, UINT64_MAX - K, 2 * K, E820_RAM), -EINVAL);
	assert_int_equal(e820_set(&m, 0, K, 0), -EINVAL);
	assert_int_equal(m.nr, 0);
}

static void test_full_map_unchanged(void **state)
{
	(void)state;
	e820_init(&m);
	for (unsigned int i = 0; i < E820_MAX_ENTRIES; i++)
		assert_int_equal(e820_set(&m, i * 2 * K, K, E820_RAM), 0);
	assert_int_equal(m.nr, E820_MAX_ENTRIES);
	assert_int_equal(e820_set(&m, 1000 * K, K, E820_RAM), -ENOSPC);
	assert_int_equal(m.nr, E820_MAX_ENTRIES);
	expect(E820_MAX_ENTRIES - 1, (E820_MAX_ENTRIES - 1) * 2 * K, K, E820_RAM);
	/* Filling a gap needs no new entry: it merges two into one. */
	assert_int_equal(e820_set(&m, K, K, E820_RAM), 0);
	assert_int_equal(m.nr, E820_MAX_ENTRIES - 1);
}

static void test_find_ram(void **state)
{
	(void)state;
	e820_init(&m);
	e820_set(&m, 0, 640 * 1024, E820_RAM);
	e820_set(&m, 1 << 20, 63 << 20, E820_RAM);
	e820_set(&m, 64 << 20, 1 << 20, E820_RESERVED);
	e820_set(&m, 65 << 20, 63 << 20, E820_RAM);
	assert_int_equal(e820_ram_bytes(&m), 640 * 1024 + (126ULL << 20));
	/* lowest, respecting min and alignment */
	assert_int_equal(e820_find_ram(&m, K, 1ULL << 32, K, K, 0), K);
	assert_int_equal(e820_find_ram(&m, 0, 1ULL << 32, 1 << 20, 2 << 20, 0), 2 << 20);
	/* a block larger than low memory goes above the hole at 640 KiB */
	assert_int_equal(e820_find_ram(&m, 0, 1ULL << 32, 1 << 20, K, 0), 1 << 20);
	/* highest below a limit, and never across the reserved MiB */
	assert_int_equal(e820_find_ram(&m, 0, 1ULL << 32, 2 << 20, 2 << 20, 1), 126 << 20);
	assert_int_equal(e820_find_ram(&m, 0, 65 << 20, 2 << 20, K, 1), 62 << 20);
	assert_int_equal(e820_find_ram(&m, 0, 1ULL << 32, 64 << 20, K, 0), 0);
	assert_int_equal(e820_find_ram(&m, 0, 1ULL << 32, K, 3 * K, 0), 0);
}

/* The model: one type per page of a small address space. */
#define PAGES 96
static uint32_t model[PAGES];

static void model_check(void)
{
	uint64_t prev_end = 0;

	for (unsigned int i = 0; i < m.nr; i++) {
		assert_true(m.r[i].size > 0);
		assert_true(m.r[i].addr >= prev_end);
		if (i && m.r[i].addr == prev_end)
			assert_int_not_equal(m.r[i].type, m.r[i - 1].type);
		prev_end = m.r[i].addr + m.r[i].size;
	}
	for (unsigned int p = 0; p < PAGES; p++) {
		uint32_t t = 0;

		for (unsigned int i = 0; i < m.nr; i++)
			if (p * K >= m.r[i].addr && p * K < m.r[i].addr + m.r[i].size)
				t = m.r[i].type;
		assert_int_equal(t, model[p]);
	}
}

static void test_random_against_model(void **state)
{
	(void)state;
	srand(820);
	for (unsigned int round = 0; round < 200; round++) {
		e820_init(&m);
		memset(model, 0, sizeof(model));
		for (unsigned int op = 0; op < 40; op++) {
			unsigned int a = rand() % PAGES, n = 1 + rand() % (PAGES - a);
			uint32_t type = 1 + rand() % 5;

			assert_int_equal(e820_set(&m, a * K, n * K, type), 0);
			for (unsigned int p = a; p < a + n; p++)
				model[p] = type;
			model_check();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_whatever_the_order),
		cmocka_unit_test(test_carving_splits_and_merging_joins),
		cmocka_unit_test(test_bad_ranges_refused),
		cmocka_unit_test(test_full_map_unchanged),
		cmocka_unit_test(test_find_ram),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
