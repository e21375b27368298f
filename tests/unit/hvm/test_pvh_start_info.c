/*
 * The PVH start info as a guest reads it: the structure at the chosen
 * address, every pointer inside guest memory and the start-info area,
 * strings NUL-terminated, layout per Xen's hvm/start_info.h. Bad
 * configurations are refused before anything is written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <umbra/errno.h>
#include <umbra/pvh.h>
#include <public/xen.h>

#define MEM_SIZE	(8u << 20)
#define INFO		0x7000u
#define AREA		0x1000u

struct fake_mem {
	uint8_t *mem;
	unsigned int writes;
	int fail_at;
};

static struct fake_mem fm;

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct fake_mem *m = ctx;

	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	if (m->fail_at >= 0 && (int)m->writes == m->fail_at)
		return -EIO;
	memcpy(m->mem + gpa, src, len);
	m->writes++;
	return 0;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_mem *m = ctx;

	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	memset(m->mem + gpa, 0, len);
	m->writes++;
	return 0;
}

static const struct guest_writer gw = { fm_copy, fm_zero, &fm };

static int setup(void **state)
{
	(void)state;
	fm.mem = malloc(MEM_SIZE);
	assert_non_null(fm.mem);
	memset(fm.mem, 0xcc, MEM_SIZE);
	fm.writes = 0;
	fm.fail_at = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(fm.mem);
	return 0;
}

/* Read guest memory the way the guest will. */
static void *at(uint64_t gpa, uint64_t len)
{
	assert_true(gpa != 0 && gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	return fm.mem + gpa;
}

static const char *str_at(uint64_t gpa)
{
	const char *s = at(gpa, 1);

	assert_non_null(memchr(s, 0, MEM_SIZE - gpa));
	return s;
}

/* Every part a pointer refers to lies in the area and is 8-byte aligned. */
static void assert_in_area(uint64_t gpa, uint64_t len, long used)
{
	assert_true(gpa >= INFO && gpa + len <= INFO + (uint64_t)used);
	assert_int_equal(gpa & 7, 0);
}

static struct hvm_memmap_table_entry memmap[3];

static void standard_params(struct pvh_start_params *p, struct pvh_module *mods)
{
	int n = pvh_ram_memmap(MEM_SIZE, INFO, AREA, memmap, 3);

	assert_int_equal(n, 3);
	mods[0] = (struct pvh_module){ .paddr = 0x400000, .size = 0x1800, .cmdline = "initrd" };
	mods[1] = (struct pvh_module){ .paddr = 0x500000, .size = 12, .cmdline = NULL };
	memset(p, 0, sizeof(*p));
	p->info_paddr = INFO;
	p->area_size = AREA;
	p->mem_size = MEM_SIZE;
	p->flags = SIF_PRIVILEGED;
	p->rsdp_paddr = 0xe0000;
	p->cmdline = "console=hvc0 earlyprintk=xen";
	p->modules = mods;
	p->nr_modules = 2;
	p->memmap = memmap;
	p->nr_memmap = (unsigned int)n;
}

static void test_full_start_info(void **state)
{
	struct pvh_start_params p;
	struct pvh_module mods[2];
	const struct hvm_start_info *si;
	const struct hvm_modlist_entry *ml;
	const struct hvm_memmap_table_entry *mm;
	const char *why = "unset";
	long used;
	unsigned int i;

	(void)state;
	standard_params(&p, mods);
	used = pvh_build_start_info(&p, &gw, &why);
	assert_true(used > 0);
	assert_null(why);
	assert_true(used <= AREA);

	si = at(INFO, sizeof(*si));
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, SIF_PRIVILEGED);
	assert_int_equal(si->nr_modules, 2);
	assert_int_equal(si->rsdp_paddr, 0xe0000);
	assert_int_equal(si->reserved, 0);

	assert_in_area(si->cmdline_paddr, 1, used);
	assert_string_equal(str_at(si->cmdline_paddr), "console=hvc0 earlyprintk=xen");

	assert_in_area(si->modlist_paddr, 2 * sizeof(*ml), used);
	ml = at(si->modlist_paddr, 2 * sizeof(*ml));
	assert_int_equal(ml[0].paddr, 0x400000);
	assert_int_equal(ml[0].size, 0x1800);
	assert_in_area(ml[0].cmdline_paddr, 1, used);
	assert_string_equal(str_at(ml[0].cmdline_paddr), "initrd");
	assert_int_equal(ml[0].reserved, 0);
	assert_int_equal(ml[1].paddr, 0x500000);
	assert_int_equal(ml[1].size, 12);
	assert_int_equal(ml[1].cmdline_paddr, 0);

	assert_int_equal(si->memmap_entries, 3);
	assert_in_area(si->memmap_paddr, 3 * sizeof(*mm), used);
	mm = at(si->memmap_paddr, 3 * sizeof(*mm));
	for (i = 0; i < 3; i++) {
		assert_int_equal(mm[i].addr, memmap[i].addr);
		assert_int_equal(mm[i].size, memmap[i].size);
		assert_int_equal(mm[i].type, memmap[i].type);
		assert_int_equal(mm[i].reserved, 0);
	}
	/* Nothing written outside the area. */
	assert_int_equal(fm.mem[INFO - 1], 0xcc);
	assert_int_equal(fm.mem[INFO + used], 0xcc);
}

static void test_parts_do_not_overlap(void **state)
{
	struct pvh_start_params p;
	struct pvh_module mods[2];
	const struct hvm_start_info *si;
	const char *why;
	uint64_t ml_end, mm_end;
	long used;

	(void)state;
	standard_params(&p, mods);
	used = pvh_build_start_info(&p, &gw, &why);
	assert_true(used > 0);
	si = at(INFO, sizeof(*si));
	ml_end = si->modlist_paddr + 2 * sizeof(struct hvm_modlist_entry);
	mm_end = si->memmap_paddr + 3 * sizeof(struct hvm_memmap_table_entry);
	assert_true(si->modlist_paddr >= INFO + sizeof(*si));
	assert_true(si->memmap_paddr >= ml_end);
	assert_true(si->cmdline_paddr >= mm_end);
	assert_true(si->cmdline_paddr + strlen(p.cmdline) + 1 <= INFO + (uint64_t)used);
}

static void test_minimal_start_info(void **state)
{
	struct pvh_start_params p = {
		.info_paddr = INFO, .area_size = AREA, .mem_size = MEM_SIZE,
	};
	const struct hvm_start_info *si;
	const char *why;
	long used;

	(void)state;
	used = pvh_build_start_info(&p, &gw, &why);
	assert_int_equal(used, sizeof(struct hvm_start_info));
	si = at(INFO, sizeof(*si));
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	/* Absent parts are 0, which the ABI reads as "not present". */
	assert_int_equal(si->cmdline_paddr, 0);
	assert_int_equal(si->modlist_paddr, 0);
	assert_int_equal(si->memmap_paddr, 0);
	assert_int_equal(si->memmap_entries, 0);
	assert_int_equal(si->nr_modules, 0);
}

static void expect_refused(const struct pvh_start_params *p, const char *msg)
{
	const char *why = NULL;

	fm.writes = 0;
	assert_int_equal(pvh_build_start_info(p, &gw, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, msg);
	assert_int_equal(fm.writes, 0);
}

static void test_bad_placement(void **state)
{
	struct pvh_start_params p;
	struct pvh_module mods[2];

	(void)state;
	standard_params(&p, mods);
	p.area_size = 100;
	expect_refused(&p, "start info does not fit in the area given");
	standard_params(&p, mods);
	p.info_paddr = 0;
	expect_refused(&p, "start info address must be non-zero and 8-byte aligned");
	p.info_paddr = INFO + 4;
	expect_refused(&p, "start info address must be non-zero and 8-byte aligned");
	p.info_paddr = MEM_SIZE - 64;
	expect_refused(&p, "start info area outside the domain's memory");
	p.info_paddr = UINT64_MAX - 7;		/* address + size wraps */
	expect_refused(&p, "start info area outside the domain's memory");
}

static void test_bad_modules(void **state)
{
	struct pvh_start_params p;
	struct pvh_module mods[PVH_MAX_MODULES + 1];

	(void)state;
	standard_params(&p, mods);
	mods[1].paddr = MEM_SIZE - 8;
	expect_refused(&p, "module outside the domain's memory");
	mods[1].paddr = UINT64_MAX - 4;
	expect_refused(&p, "module outside the domain's memory");
	mods[1].paddr = 0;
	expect_refused(&p, "module outside the domain's memory");
	mods[1].paddr = INFO + 8;		/* inside the start-info area */
	expect_refused(&p, "module overlaps the start info area");
	mods[1].paddr = 0x500000;
	p.nr_modules = PVH_MAX_MODULES + 1;
	expect_refused(&p, "bad module list");
	p.nr_modules = 1;
	p.modules = NULL;
	expect_refused(&p, "bad module list");
}

static void test_command_line_limits(void **state)
{
	struct pvh_start_params p = {
		.info_paddr = INFO, .area_size = 2 * PVH_CMDLINE_MAX, .mem_size = MEM_SIZE,
	};
	char *line = malloc(PVH_CMDLINE_MAX + 2);
	const struct hvm_start_info *si;
	const char *why;

	(void)state;
	assert_non_null(line);
	memset(line, 'x', PVH_CMDLINE_MAX + 1);
	line[PVH_CMDLINE_MAX + 1] = '\0';
	p.cmdline = line;
	expect_refused(&p, "command line too long");
	line[PVH_CMDLINE_MAX] = '\0';			/* exactly the limit */
	assert_true(pvh_build_start_info(&p, &gw, &why) > PVH_CMDLINE_MAX);
	si = at(INFO, sizeof(*si));
	assert_int_equal(strlen(str_at(si->cmdline_paddr)), PVH_CMDLINE_MAX);
	free(line);
}

static void test_bad_memory_maps(void **state)
{
	struct hvm_memmap_table_entry bad[2] = {
		{ .addr = 0, .size = 0x100000, .type = XEN_HVM_MEMMAP_TYPE_RAM },
		{ .addr = 0x80000, .size = 0x1000, .type = XEN_HVM_MEMMAP_TYPE_RESERVED },
	};
	struct pvh_start_params p = {
		.info_paddr = INFO, .area_size = AREA, .mem_size = MEM_SIZE,
		.memmap = bad, .nr_memmap = 2,
	};

	(void)state;
	expect_refused(&p, "memory map entries overlap or are out of order");
	bad[1].addr = 0x100000;
	bad[1].size = 0;
	expect_refused(&p, "bad memory map entry");
	bad[1].size = 0x1000;
	bad[1].type = 0;
	expect_refused(&p, "bad memory map entry");
	bad[1].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	bad[1].addr = UINT64_MAX - 0x10;
	expect_refused(&p, "bad memory map entry");
	bad[1].addr = 0x100000;
	assert_true(pvh_build_start_info(&p, &gw, &(const char *){ NULL }) > 0);
	p.nr_memmap = PVH_MAX_MEMMAP + 1;
	expect_refused(&p, "bad memory map");
}

static void test_write_failure(void **state)
{
	struct pvh_start_params p;
	struct pvh_module mods[2];
	const char *why = NULL;

	(void)state;
	standard_params(&p, mods);
	fm.fail_at = 2;
	assert_int_equal(pvh_build_start_info(&p, &gw, &why), -EIO);
	assert_string_equal(why, "writing the start info to guest memory failed");
}

static void test_ram_memmap(void **state)
{
	struct hvm_memmap_table_entry e[3];

	(void)state;
	assert_int_equal(pvh_ram_memmap(MEM_SIZE, 0, 0, e, 1), 1);
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].size, MEM_SIZE);
	assert_int_equal(e[0].type, XEN_HVM_MEMMAP_TYPE_RAM);

	assert_int_equal(pvh_ram_memmap(MEM_SIZE, 0x7000, 0x1000, e, 3), 3);
	assert_int_equal(e[0].size, 0x7000);
	assert_int_equal(e[1].addr, 0x7000);
	assert_int_equal(e[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(e[2].addr, 0x8000);
	assert_int_equal(e[2].size, MEM_SIZE - 0x8000);

	assert_int_equal(pvh_ram_memmap(MEM_SIZE, 0, 0x1000, e, 3), 2);	/* at 0 */
	assert_int_equal(e[0].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(pvh_ram_memmap(MEM_SIZE, MEM_SIZE - 0x1000, 0x1000, e, 3), 2);
	assert_int_equal(e[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);

	assert_int_equal(pvh_ram_memmap(MEM_SIZE, MEM_SIZE - 0x800, 0x1000, e, 3), -EINVAL);
	assert_int_equal(pvh_ram_memmap(MEM_SIZE, UINT64_MAX, 2, e, 3), -EINVAL);
	assert_int_equal(pvh_ram_memmap(0, 0, 0, e, 3), -EINVAL);
	assert_int_equal(pvh_ram_memmap(MEM_SIZE, 0x7000, 0x1000, e, 2), -EINVAL);
	assert_int_equal(pvh_ram_memmap(MEM_SIZE, 0, 0, e, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_start_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_do_not_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_minimal_start_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_line_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_memory_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_memmap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
