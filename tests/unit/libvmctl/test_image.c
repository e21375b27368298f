/*
 * A PVH domain's memory as libvmctl lays it out from dom0, into a fake
 * guest: segments byte for byte, the start info (command line, memory
 * map, ramdisk module) in the last 64 KiB, and every bad image refused
 * with a sentence before anything is written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "public/hvm/start_info.h"
#include "umbra/pvh_acpi.h"
#include "tests/unit/hvm/elf_build.h"

#define MEM_SIZE	(4u << 20)
#define INFO_GPA	(MEM_SIZE - VMCTL_START_INFO_SIZE)
#define PVH_ENTRY	0x100040u
#define IMG_CAP		0x4000
#define EM_OFFSET	18	/* e_machine */

struct fake_mem {
	uint8_t *mem;
	unsigned int writes;
	int fail_at;		/* fail the write with this index (-1: never) */
};

static int fm_check(struct fake_mem *m, uint64_t gpa, uint64_t len)
{
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	if (m->fail_at >= 0 && (int)m->writes == m->fail_at)
		return vmctl_fail(-EIO, "fake write %u failed", m->writes);
	m->writes++;
	return 0;
}

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct fake_mem *m = ctx;
	int rc = fm_check(m, gpa, len);

	if (!rc)
		memcpy(m->mem + gpa, src, len);
	return rc;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_mem *m = ctx;
	int rc = fm_check(m, gpa, len);

	if (!rc)
		memset(m->mem + gpa, 0, len);
	return rc;
}

struct fixture {
	struct fake_mem fm;
	struct guest_writer gw;
	uint8_t image[IMG_CAP];
	struct eb_layout lay;
	struct vmctl_image img;
};

static int setup(void **state)
{
	static const uint32_t entry = PVH_ENTRY;
	struct fixture *f = calloc(1, sizeof(*f));
	struct eb_spec spec;

	assert_non_null(f);
	f->fm.mem = malloc(MEM_SIZE);
	assert_non_null(f->fm.mem);
	/* Garbage where nothing is written, so zeroing shows. */
	memset(f->fm.mem, 0xcc, MEM_SIZE);
	f->fm.fail_at = -1;
	f->gw = (struct guest_writer){ fm_copy, fm_zero, &f->fm };
	eb_pvh_spec(&spec, 64, &entry);
	f->img.kernel_size = eb_build(&spec, f->image, sizeof(f->image), &f->lay);
	assert_true(f->img.kernel_size > 0);
	f->img.kernel = f->image;
	f->img.mem_bytes = MEM_SIZE;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->fm.mem);
	free(f);
	return 0;
}

static struct hvm_start_info *start_info(struct fixture *f)
{
	return (struct hvm_start_info *)(f->fm.mem + INFO_GPA);
}

static void test_loads_kernel_and_start_info(void **state)
{
	struct fixture *f = *state;
	struct hvm_memmap_table_entry *mm;
	struct vmctl_boot boot;

	f->img.cmdline = "console=hvc0 status=0";
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), 0);
	assert_int_equal(boot.entry, PVH_ENTRY);
	assert_int_equal(boot.start_info, INFO_GPA);
	assert_int_equal(boot.ramdisk_gpa, 0);
	/* Segment 0 byte for byte; segment 1's bss zeroed. */
	for (uint64_t i = 0; i < 0x1234; i++)
		assert_int_equal(f->fm.mem[0x100000 + i], eb_seg_byte(0, i));
	for (uint64_t i = 0x100; i < 0x3000; i++)
		assert_int_equal(f->fm.mem[0x102000 + i], 0);
	assert_int_equal(start_info(f)->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(start_info(f)->version, XEN_HVM_START_INFO_VERSION);
	assert_int_equal(start_info(f)->nr_modules, 0);
	assert_string_equal((char *)f->fm.mem + start_info(f)->cmdline_paddr,
			    "console=hvc0 status=0");
	/* RAM up to the start info, which is reserved. */
	assert_int_equal(start_info(f)->memmap_entries, 2);
	mm = (struct hvm_memmap_table_entry *)(f->fm.mem + start_info(f)->memmap_paddr);
	assert_int_equal(mm[0].addr, 0);
	assert_int_equal(mm[0].size, INFO_GPA);
	assert_int_equal(mm[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(mm[1].addr, INFO_GPA);
	assert_int_equal(mm[1].size, VMCTL_START_INFO_SIZE);
	assert_int_equal(mm[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	/* ACPI tables (a MADT of its vCPUs) at the top of the reserved area. */
	assert_int_equal(start_info(f)->rsdp_paddr, INFO_GPA + PVH_ACPI_AREA_OFFSET);
	assert_memory_equal(f->fm.mem + start_info(f)->rsdp_paddr, "RSD PTR ", 8);
}

static void test_no_cmdline(void **state)
{
	struct fixture *f = *state;
	struct vmctl_boot boot;

	f->img.cmdline = "";
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), 0);
	assert_int_equal(start_info(f)->cmdline_paddr, 0);
}

static void test_ramdisk_is_module_below_start_info(void **state)
{
	struct fixture *f = *state;
	struct hvm_modlist_entry *mod;
	static uint8_t rd[10000];
	struct vmctl_boot boot;

	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i * 13);
	f->img.ramdisk = rd;
	f->img.ramdisk_size = sizeof(rd);
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), 0);
	assert_int_equal(boot.ramdisk_gpa % VMCTL_PAGE_SIZE, 0);
	assert_true(boot.ramdisk_gpa + sizeof(rd) <= INFO_GPA);
	assert_true(boot.ramdisk_gpa + sizeof(rd) > INFO_GPA - VMCTL_PAGE_SIZE);
	assert_memory_equal(f->fm.mem + boot.ramdisk_gpa, rd, sizeof(rd));
	assert_int_equal(start_info(f)->nr_modules, 1);
	mod = (struct hvm_modlist_entry *)(f->fm.mem + start_info(f)->modlist_paddr);
	assert_int_equal(mod->paddr, boot.ramdisk_gpa);
	assert_int_equal(mod->size, sizeof(rd));
}

/* Build must refuse with a text containing `why` and write nothing. */
static void refused(struct fixture *f, const char *why)
{
	struct vmctl_boot boot;

	f->fm.writes = 0;
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), -EINVAL);
	if (!strstr(vmctl_last_error(), why))
		fail_msg("error '%s' lacks '%s'", vmctl_last_error(), why);
	assert_int_equal(f->fm.writes, 0);
}

static void test_truncated(void **state)
{
	struct fixture *f = *state;

	f->img.kernel_size = f->lay.seg_off[1] + 10;
	refused(f, "kernel image refused: segment data outside the image (program header 2)");
	f->img.kernel_size = 40;
	refused(f, "kernel image refused: truncated ELF header");
}

static void test_wrong_arch(void **state)
{
	struct fixture *f = *state;

	eb_put16(f->image, EM_OFFSET, 183);	/* EM_AARCH64 */
	refused(f, "kernel image refused: not an x86 image");
}

static void test_overlapping_segments(void **state)
{
	struct fixture *f = *state;

	eb_set_phdr(f->image, 64, &f->lay, 2, EB_P_PADDR, 0x101000);
	refused(f, "kernel image refused: loadable segments overlap");
}

static void test_entry_outside(void **state)
{
	struct fixture *f = *state;
	static const uint32_t outside = 0x300000;
	struct eb_spec spec;

	eb_pvh_spec(&spec, 64, &outside);
	f->img.kernel_size = eb_build(&spec, f->image, sizeof(f->image), &f->lay);
	refused(f, "PVH entry point is not inside a loaded segment");
}

static void test_segment_outside_memory(void **state)
{
	struct fixture *f = *state;

	eb_set_phdr(f->image, 64, &f->lay, 2, EB_P_PADDR, MEM_SIZE - 0x100);
	refused(f, "segment outside the domain's memory");
}

static void test_segment_in_start_info_area(void **state)
{
	struct fixture *f = *state;

	eb_set_phdr(f->image, 64, &f->lay, 2, EB_P_PADDR, INFO_GPA - 0x1000);
	refused(f, "inside the start info area (the last 64 KiB of the domain's 4 MiB)");
}

static void test_not_elf(void **state)
{
	struct fixture *f = *state;

	f->img.kernel = "#!/bin/sh\necho not a kernel\n";
	f->img.kernel_size = 27;
	refused(f, "kernel image refused: not an ELF image");
}

static void test_ramdisk_too_big(void **state)
{
	struct fixture *f = *state;
	static uint8_t rd[MEM_SIZE - 0x100000];

	f->img.ramdisk = rd;
	f->img.ramdisk_size = sizeof(rd);
	refused(f, "ramdisk does not fit: 3072 KiB, but only");
}

static void test_cmdline_too_long(void **state)
{
	struct fixture *f = *state;
	static char longline[5000];

	memset(longline, 'a', sizeof(longline) - 1);
	f->img.cmdline = longline;
	refused(f, "start info: command line too long");
}

static void test_memory_too_small(void **state)
{
	struct fixture *f = *state;

	f->img.mem_bytes = 64 * 1024;
	refused(f, "is too small");
}

/* A write the hypervisor refuses: its error comes back, as the writer said. */
static void test_failing_write(void **state)
{
	struct fixture *f = *state;
	struct vmctl_boot boot;

	f->fm.fail_at = 1;
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), -EIO);
	assert_string_equal(vmctl_last_error(), "fake write 1 failed");
}

/* The real hello guest, gzip'd, as vmctl would load it. */
static void test_real_hello_gzipped(void **state)
{
	struct fixture *f = *state;
	size_t size, gz_size, out_size;
	void *elf, *out;
	uint8_t *gz;
	struct vmctl_boot boot;
	uLongf bound;
	z_stream zs = { 0 };

	assert_int_equal(vmctl_read_file(VMCTL_HELLO_ELF, MEM_SIZE, "kernel", &elf, &size), 0);
	bound = compressBound(size) + 64;
	gz = malloc(bound);
	assert_non_null(gz);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = elf;
	zs.avail_in = (uInt)size;
	zs.next_out = gz;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	gz_size = zs.total_out;
	deflateEnd(&zs);
	assert_int_equal(vmctl_gunzip(gz, gz_size, MEM_SIZE, "k", &out, &out_size), 0);
	assert_int_equal(out_size, size);
	f->img.kernel = out;
	f->img.kernel_size = out_size;
	f->img.cmdline = "status=0";
	assert_int_equal(vmctl_image_build(&f->img, &f->gw, &boot), 0);
	assert_true(boot.entry >= 0x100000 && boot.entry < INFO_GPA);
	assert_int_equal(start_info(f)->magic, XEN_HVM_START_MAGIC_VALUE);
	free(out);
	free(gz);
	free(elf);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_loads_kernel_and_start_info),
		T(test_no_cmdline),
		T(test_ramdisk_is_module_below_start_info),
		T(test_truncated),
		T(test_wrong_arch),
		T(test_overlapping_segments),
		T(test_entry_outside),
		T(test_segment_outside_memory),
		T(test_segment_in_start_info_area),
		T(test_not_elf),
		T(test_ramdisk_too_big),
		T(test_cmdline_too_long),
		T(test_memory_too_small),
		T(test_failing_write),
		T(test_real_hello_gzipped),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
