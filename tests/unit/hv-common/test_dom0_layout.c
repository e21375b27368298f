/* dom0's RAM: the lowest free RAM up to the size asked, around Umbra's
 * busy ranges, and a memory map where every other RAM byte is reserved. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <umbra/dom0_layout.h>
#include <umbra/errno.h>

#define MIB (1ULL << 20)

static struct e820_map machine;
static struct dom0_layout l;

/* QEMU q35 with 1 GiB: low RAM, BIOS area, RAM from 1 MiB. */
static void q35(void)
{
	e820_init(&machine);
	e820_set(&machine, 0, 0x9fc00, E820_RAM);
	e820_set(&machine, 0x9fc00, 0x400, E820_RESERVED);
	e820_set(&machine, 0xf0000, 0x10000, E820_RESERVED);
	e820_set(&machine, MIB, 1023 * MIB - 0x20000, E820_RAM);
	e820_set(&machine, 0xfeffc000, 0x4000, E820_RESERVED);
	e820_set(&machine, 0xb0000000, 0x10000000, E820_RESERVED);
}

static uint32_t type_at(const struct e820_map *m, uint64_t a)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (a >= m->r[i].addr && a < m->r[i].addr + m->r[i].size)
			return m->r[i].type;
	return 0;
}

static void test_lowest_ram_around_busy(void **state)
{
	const struct mem_range busy[] = {
		{ 2 * MIB, 3 * MIB + 100 },		/* the image (unaligned end) */
		{ 8 * MIB, 9 * MIB },			/* a module */
		{ 8 * MIB + 4096, 8 * MIB + 8192 },	/* overlapping busy ranges */
	};

	(void)state;
	q35();
	assert_int_equal(dom0_layout_build(&machine, busy, 3, 64 * MIB, &l), 0);
	assert_int_equal(l.bytes, 64 * MIB);
	assert_int_equal(l.nr, 4);
	assert_int_equal(l.ram[0].start, 0x1000);		/* never page 0 */
	assert_int_equal(l.ram[0].end, 0x9f000);		/* low RAM, whole pages */
	assert_int_equal(l.ram[1].start, MIB);
	assert_int_equal(l.ram[1].end, 2 * MIB);
	assert_int_equal(l.ram[2].start, 3 * MIB + 4096);
	assert_int_equal(l.ram[2].end, 8 * MIB);
	assert_int_equal(l.ram[3].start, 9 * MIB);
	/* the e820 dom0 gets: its RAM is RAM; Umbra's and the rest reserved */
	assert_int_equal(type_at(&l.e820, 0), E820_RESERVED);
	assert_int_equal(type_at(&l.e820, 0x1000), E820_RAM);
	assert_int_equal(type_at(&l.e820, 2 * MIB), E820_RESERVED);
	assert_int_equal(type_at(&l.e820, 8 * MIB + 10), E820_RESERVED);
	assert_int_equal(type_at(&l.e820, l.ram[3].end - 1), E820_RAM);
	assert_int_equal(type_at(&l.e820, l.ram[3].end), E820_RESERVED);
	assert_int_equal(type_at(&l.e820, 900 * MIB), E820_RESERVED);
	/* devices stay where the firmware said */
	assert_int_equal(type_at(&l.e820, 0xb0000000), E820_RESERVED);
	assert_int_equal(type_at(&l.e820, 0xf0000), E820_RESERVED);
	assert_int_equal(e820_ram_bytes(&l.e820), 64 * MIB);
}

static void test_not_enough_ram(void **state)
{
	(void)state;
	q35();
	assert_int_equal(dom0_layout_build(&machine, NULL, 0, 2048 * MIB, &l), -ENOMEM);
	assert_non_null(l.error);
}

static void test_too_fragmented(void **state)
{
	struct mem_range busy[64];

	(void)state;
	q35();
	for (unsigned int i = 0; i < 64; i++)
		busy[i] = (struct mem_range){ (2 + 2 * i) * MIB, (3 + 2 * i) * MIB };
	assert_int_equal(dom0_layout_build(&machine, busy, 64, 100 * MIB, &l), -ENOSPC);
	assert_non_null(l.error);
}

/* Random busy sets: dom0's RAM never touches a busy byte, never leaves
 * machine RAM, and adds up. */
static void test_random_busy(void **state)
{
	struct mem_range busy[8];

	(void)state;
	srand(7);
	q35();
	for (int round = 0; round < 300; round++) {
		unsigned int n = (unsigned int)(rand() % 8);
		uint64_t want = (uint64_t)(1 + rand() % 200) * MIB;

		for (unsigned int i = 0; i < n; i++) {
			uint64_t s = (uint64_t)(rand() % (512 * 256)) * 4096 + (uint64_t)(rand() % 4096);

			busy[i] = (struct mem_range){ s, s + 1 + (uint64_t)(rand() % (8 * MIB)) };
		}
		assert_int_equal(dom0_layout_build(&machine, busy, n, want, &l), 0);
		assert_int_equal(l.bytes, want);
		for (unsigned int r = 0; r < l.nr; r++) {
			assert_true(l.ram[r].start % 4096 == 0 && l.ram[r].end % 4096 == 0);
			assert_int_equal(type_at(&machine, l.ram[r].start), E820_RAM);
			assert_int_equal(type_at(&machine, l.ram[r].end - 1), E820_RAM);
			for (unsigned int i = 0; i < n; i++)
				assert_true(l.ram[r].end <= busy[i].start || busy[i].end <= l.ram[r].start);
		}
		assert_int_equal(e820_ram_bytes(&l.e820), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_ram_around_busy),
		cmocka_unit_test(test_not_enough_ram),
		cmocka_unit_test(test_too_fragmented),
		cmocka_unit_test(test_random_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
