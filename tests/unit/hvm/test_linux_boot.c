/*
 * The Linux boot loader: bzImage headers checked field by field (every
 * truncation of a good image refused without reading past it: the image
 * sits at the very end of its allocation under ASan), boots planned into
 * RAM only and without overlaps, and the zero page, GDT and identity page
 * tables written as the 64-bit boot protocol wants them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <umbra/errno.h>
#include <umbra/linux_boot.h>

#define MIB		(1ULL << 20)
#define SETUP_SECTS	4
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define KERNEL_BYTES	(64 * 1024)
#define IMG_SIZE	(SETUP_SIZE + KERNEL_BYTES)
#define INIT_SIZE	(8 * MIB)
#define MEM_SIZE	(64 * MIB)

static uint8_t *img;		/* IMG_SIZE bytes at the end of an allocation */
static uint8_t *img_alloc;

static void wr(unsigned int off, uint64_t v, unsigned int len)
{
	memcpy(img + off, &v, len);
}

/* A minimal good bzImage: protocol 2.15, relocatable, 64-bit entry. */
static void build_image(void)
{
	memset(img, 0, IMG_SIZE);
	wr(LB_SETUP_SECTS, SETUP_SECTS, 1);
	wr(LB_SYSSIZE, KERNEL_BYTES / 16, 4);
	wr(LB_BOOT_FLAG, LB_BOOT_FLAG_MAGIC, 2);
	wr(LB_JUMP_LEN, LB_HEADER_MIN_END - LB_HEADER, 1);
	wr(LB_HEADER, LB_HEADER_MAGIC, 4);
	wr(LB_VERSION, 0x020f, 2);
	wr(LB_LOADFLAGS, LB_LOADED_HIGH, 1);
	wr(LB_INITRD_ADDR_MAX, 0x7fffffff, 4);
	wr(LB_KERNEL_ALIGNMENT, 2 * MIB, 4);
	wr(LB_RELOCATABLE, 1, 1);
	wr(LB_XLOADFLAGS, LB_XLF_KERNEL_64, 2);
	wr(LB_CMDLINE_SIZE, 2047, 4);
	wr(LB_PREF_ADDRESS, 16 * MIB, 8);
	wr(LB_INIT_SIZE, INIT_SIZE, 4);
	for (unsigned int i = 0; i < KERNEL_BYTES; i++)
		img[SETUP_SIZE + i] = (uint8_t)(i * 7 + 3);
}

static int setup(void **state)
{
	(void)state;
	img_alloc = malloc(IMG_SIZE);
	assert_non_null(img_alloc);
	img = img_alloc;
	build_image();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(img_alloc);
	return 0;
}

static void test_good_image(void **state)
{
	struct bzimage bz;

	(void)state;
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(bz.version, 0x020f);
	assert_int_equal(bz.setup_size, SETUP_SIZE);
	assert_ptr_equal(bz.kernel, img + SETUP_SIZE);
	assert_int_equal(bz.kernel_size, KERNEL_BYTES);
	assert_int_equal(bz.init_size, INIT_SIZE);
	assert_int_equal(bz.pref_address, 16 * MIB);
	assert_int_equal(bz.kernel_alignment, 2 * MIB);
	assert_true(bz.relocatable);
	assert_int_equal(bz.cmdline_max, 2047);
}

/* One field broken: refused, and the reason names it. */
static void refused(unsigned int off, uint64_t v, unsigned int len, const char *why)
{
	struct bzimage bz;

	build_image();
	wr(off, v, len);
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), -EINVAL);
	assert_non_null(bz.error);
	assert_non_null(strstr(bz.error, why));
}

static void test_bad_fields_refused(void **state)
{
	(void)state;
	refused(LB_BOOT_FLAG, 0x1234, 2, "not a bzImage");
	refused(LB_HEADER, 0x464c457f, 4, "not a bzImage");	/* an ELF file */
	refused(LB_VERSION, 0x020b, 2, "older than 2.12");
	refused(LB_XLOADFLAGS, 0, 2, "no 64-bit entry");
	refused(LB_LOADFLAGS, 0, 1, "no 64-bit entry");		/* a zImage */
	refused(LB_JUMP_LEN, 0x10, 1, "header length");
	refused(LB_SETUP_SECTS, 200, 1, "truncated");
	refused(LB_SYSSIZE, KERNEL_BYTES, 4, "syssize");
	refused(LB_INIT_SIZE, KERNEL_BYTES - 1, 4, "init_size");
	refused(LB_KERNEL_ALIGNMENT, 3 * MIB, 4, "kernel_alignment");
	refused(LB_KERNEL_ALIGNMENT, 512, 4, "kernel_alignment");
	build_image();
	wr(LB_PREF_ADDRESS, 0, 8);
	wr(LB_RELOCATABLE, 0, 1);
	{
		struct bzimage bz;

		assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), -EINVAL);
		assert_non_null(strstr(bz.error, "pref_address"));
	}
}

static void test_every_truncation_refused(void **state)
{
	struct bzimage bz;

	(void)state;
	build_image();
	/* Move the image's end to the end of the allocation for each size. */
	for (size_t size = 0; size < SETUP_SIZE + 16; size++) {
		uint8_t *copy = malloc(size ? size : 1);

		memcpy(copy, img, size);
		assert_int_equal(bzimage_parse(copy, size, &bz), -EINVAL);
		assert_non_null(bz.error);
		free(copy);
	}
}

/* A PC-like map: low RAM, a hole, RAM to 64 MiB with a reserved MiB. */
static struct e820_map e820;

static void pc_map(void)
{
	e820_init(&e820);
	e820_set(&e820, 0, 0x9fc00, E820_RAM);
	e820_set(&e820, 0x9fc00, 0x400, E820_RESERVED);
	e820_set(&e820, 0xf0000, 0x10000, E820_RESERVED);
	e820_set(&e820, MIB, MEM_SIZE - MIB, E820_RAM);
	e820_set(&e820, 20 * MIB, MIB, E820_RESERVED);
}

static int in_ram(uint64_t a, uint64_t size)
{
	for (unsigned int i = 0; i < e820.nr; i++)
		if (e820.r[i].type == E820_RAM && a >= e820.r[i].addr &&
		    a + size <= e820.r[i].addr + e820.r[i].size)
			return 1;
	return 0;
}

static int disjoint(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a + an <= b || b + bn <= a;
}

static struct linux_boot_plan plan;

static void test_plan_places_everything_in_ram(void **state)
{
	struct bzimage bz;
	uint64_t area = 9 * 4096;	/* zero page, 1 page of cmdline, GDT, 6 tables */

	(void)state;
	build_image();
	pc_map();
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(linux_boot_plan(&bz, &e820, 100, 3 * MIB, &plan), 0);
	/* pref_address 16 MiB runs into the reserved MiB at 20: next 2 MiB step */
	assert_int_equal(plan.kernel_addr, 22 * MIB);
	assert_int_equal(plan.kernel_addr % (2 * MIB), 0);
	assert_int_equal(plan.boot_area, 4096);
	assert_int_equal(plan.initrd_addr, MEM_SIZE - 3 * MIB);
	assert_true(in_ram(plan.kernel_addr, INIT_SIZE));
	assert_true(in_ram(plan.boot_area, area));
	assert_true(in_ram(plan.initrd_addr, plan.initrd_size));
	assert_true(disjoint(plan.kernel_addr, INIT_SIZE, plan.boot_area, area));
	assert_true(disjoint(plan.kernel_addr, INIT_SIZE, plan.initrd_addr, 3 * MIB));
	assert_true(disjoint(plan.boot_area, area, plan.initrd_addr, 3 * MIB));
	assert_int_equal(plan.entry, plan.kernel_addr + 0x200);
	assert_int_equal(plan.rsi, plan.zero_page);
	assert_int_equal(plan.cr3, plan.pml4);
	assert_int_equal(plan.gdt_limit, 31);
}

static void test_plan_uses_pref_address_when_free(void **state)
{
	struct bzimage bz;

	(void)state;
	build_image();
	e820_init(&e820);
	e820_set(&e820, 0, 0x9fc00, E820_RAM);
	e820_set(&e820, MIB, MEM_SIZE - MIB, E820_RAM);
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(linux_boot_plan(&bz, &e820, 0, 0, &plan), 0);
	assert_int_equal(plan.kernel_addr, 16 * MIB);
	assert_int_equal(plan.initrd_size, 0);
}

static void test_plan_refusals(void **state)
{
	struct bzimage bz;

	(void)state;
	build_image();
	pc_map();
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(linux_boot_plan(&bz, &e820, 2048, 0, &plan), -EINVAL);
	assert_non_null(strstr(plan.error, "command line"));
	assert_int_equal(linux_boot_plan(&bz, &e820, 10, 60 * MIB, &plan), -ENOMEM);
	assert_non_null(strstr(plan.error, "initrd"));
	bz.init_size = 100 * MIB;
	assert_int_equal(linux_boot_plan(&bz, &e820, 10, 0, &plan), -ENOMEM);
	assert_non_null(strstr(plan.error, "kernel"));
	/* A fixed-address kernel whose address is not RAM. */
	bz.init_size = INIT_SIZE;
	bz.relocatable = 0;
	bz.pref_address = 20 * MIB;
	assert_int_equal(linux_boot_plan(&bz, &e820, 10, 0, &plan), -ENOMEM);
}

/* Guest memory for the writer. */
static uint8_t *mem;
static int fail_write;

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	(void)ctx;
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	if (fail_write && --fail_write == 0)
		return -EFAULT;
	memcpy(mem + gpa, src, len);
	return 0;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	memset(mem + gpa, 0, len);
	return 0;
}

static const struct guest_writer gw = { fm_copy, fm_zero, NULL };

static uint64_t rd(uint64_t gpa, unsigned int len)
{
	uint64_t v = 0;

	memcpy(&v, mem + gpa, len);
	return v;
}

/* Translate through the written tables as the CPU would (2 MiB pages). */
static uint64_t walk(uint64_t va)
{
	uint64_t pml4e = rd(plan.cr3 + ((va >> 39) & 511) * 8, 8);
	uint64_t pdpte, pde;

	assert_true(pml4e & 1);
	pdpte = rd((pml4e & ~0xfffULL) + ((va >> 30) & 511) * 8, 8);
	assert_true(pdpte & 1);
	pde = rd((pdpte & ~0xfffULL) + ((va >> 21) & 511) * 8, 8);
	assert_true((pde & 0x83) == 0x83);
	return (pde & ~0x1fffffULL) | (va & 0x1fffff);
}

static void test_write_boot(void **state)
{
	static const char cmdline[] = "console=ttyS0 root=/dev/ram0";
	struct bzimage bz;
	uint8_t initrd[5000];
	uint64_t zp;

	(void)state;
	build_image();
	pc_map();
	mem = calloc(1, MEM_SIZE);
	assert_non_null(mem);
	memset(initrd, 0x5a, sizeof(initrd));
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(linux_boot_plan(&bz, &e820, strlen(cmdline), sizeof(initrd), &plan), 0);
	assert_int_equal(linux_boot_write(&bz, &plan, &e820, cmdline, initrd, 0xf5a20, &gw), 0);
	zp = plan.zero_page;
	assert_memory_equal(mem + plan.kernel_addr, img + SETUP_SIZE, KERNEL_BYTES);
	assert_string_equal((char *)mem + plan.cmdline, cmdline);
	assert_memory_equal(mem + plan.initrd_addr, initrd, sizeof(initrd));
	assert_int_equal(rd(zp + LB_HEADER, 4), LB_HEADER_MAGIC);
	assert_int_equal(rd(zp + LB_INIT_SIZE, 4), INIT_SIZE);
	assert_int_equal(rd(zp + LB_TYPE_OF_LOADER, 1), 0xff);
	assert_int_equal(rd(zp + LB_CMD_LINE_PTR, 4), plan.cmdline);
	assert_int_equal(rd(zp + LB_RAMDISK_IMAGE, 4), plan.initrd_addr);
	assert_int_equal(rd(zp + LB_RAMDISK_SIZE, 4), sizeof(initrd));
	assert_int_equal(rd(zp + LB_ACPI_RSDP_ADDR, 8), 0xf5a20);
	assert_int_equal(rd(zp + LB_E820_ENTRIES, 1), e820.nr);
	for (unsigned int i = 0; i < e820.nr; i++) {
		assert_int_equal(rd(zp + LB_E820_TABLE + i * 20, 8), e820.r[i].addr);
		assert_int_equal(rd(zp + LB_E820_TABLE + i * 20 + 8, 8), e820.r[i].size);
		assert_int_equal(rd(zp + LB_E820_TABLE + i * 20 + 16, 4), e820.r[i].type);
	}
	/* the setup header's fields past what the loader sets stay the image's */
	assert_int_equal(rd(zp + LB_PREF_ADDRESS, 8), 16 * MIB);
	/* __BOOT_CS is 64-bit code, __BOOT_DS flat data */
	assert_int_equal(rd(plan.gdt + LB_BOOT_CS, 8) >> 40 & 0xff, 0x9a);
	assert_true(rd(plan.gdt + LB_BOOT_CS, 8) >> 53 & 1);
	assert_int_equal(rd(plan.gdt + LB_BOOT_DS, 8) >> 40 & 0xff, 0x92);
	/* identity up to 4 GiB: entry, zero page, the last byte below 4 GiB */
	assert_int_equal(walk(plan.entry), plan.entry);
	assert_int_equal(walk(plan.zero_page), plan.zero_page);
	assert_int_equal(walk(0xfffff123ULL), 0xfffff123ULL);
	free(mem);
}

static void test_write_error_reported(void **state)
{
	struct bzimage bz;

	(void)state;
	build_image();
	pc_map();
	mem = calloc(1, MEM_SIZE);
	assert_non_null(mem);
	assert_int_equal(bzimage_parse(img, IMG_SIZE, &bz), 0);
	assert_int_equal(linux_boot_plan(&bz, &e820, 4, 0, &plan), 0);
	fail_write = 1;
	assert_int_equal(linux_boot_write(&bz, &plan, &e820, "quiet", NULL, 0, &gw), -EFAULT);
	assert_string_equal(plan.error, "kernel");
	fail_write = 0;
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_image),
		cmocka_unit_test(test_bad_fields_refused),
		cmocka_unit_test(test_every_truncation_refused),
		cmocka_unit_test(test_plan_places_everything_in_ram),
		cmocka_unit_test(test_plan_uses_pref_address_when_free),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_write_boot),
		cmocka_unit_test(test_write_error_reported),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
