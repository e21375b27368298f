/*
 * The PVH ELF loader: good ELF32/ELF64 images load byte for byte; every
 * malformed one is refused with a message, writes nothing and never
 * reads outside the image (the suite runs under ASan with the image at
 * the very end of its allocation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <umbra/elf_loader.h>
#include <umbra/errno.h>
#include "elf_build.h"

#define MEM_SIZE	(4u << 20)
#define PVH_ENTRY	0x100040u
#define IMG_CAP		0x4000

/* Guest memory as the loader's callbacks see it. */
struct fake_mem {
	uint8_t *mem;
	uint64_t size;
	unsigned int writes;
	int fail_at;		/* fail the write with this index (-1: never) */
};

static int check_write(struct fake_mem *m, uint64_t gpa, uint64_t len)
{
	/* The loader must never ask for a write outside the domain. */
	assert_true(gpa <= m->size && len <= m->size - gpa);
	return m->fail_at >= 0 && (int)m->writes == m->fail_at ? -EFAULT : 0;
}

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct fake_mem *m = ctx;
	int rc = check_write(m, gpa, len);

	if (rc)
		return rc;
	memcpy(m->mem + gpa, src, len);
	m->writes++;
	return 0;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_mem *m = ctx;
	int rc = check_write(m, gpa, len);

	if (rc)
		return rc;
	memset(m->mem + gpa, 0, len);
	m->writes++;
	return 0;
}

static struct fake_mem fm;
static const struct guest_writer gw = { fm_copy, fm_zero, &fm };
static uint8_t img[IMG_CAP];
static struct eb_layout lay;
static struct eb_spec spec;
static const uint32_t entry = PVH_ENTRY;

static int setup(void **state)
{
	(void)state;
	fm.mem = malloc(MEM_SIZE);
	assert_non_null(fm.mem);
	memset(fm.mem, 0xaa, MEM_SIZE);
	fm.size = MEM_SIZE;
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

static size_t build(int elf_class)
{
	size_t n;

	eb_pvh_spec(&spec, elf_class, &entry);
	n = eb_build(&spec, img, sizeof(img), &lay);
	assert_true(n > 0);
	return n;
}

/*
 * Load through a copy at the end of a heap block, so that ASan catches
 * any read past `size`, and at an odd address, so alignment is not
 * assumed.
 */
static int load_exact(const uint8_t *image, size_t size, uint64_t mem_size,
		      struct elf_image *out)
{
	uint8_t *block = malloc(size + 1);
	uint8_t *copy = block + 1;
	int rc;

	assert_non_null(block);
	memcpy(copy, image, size);
	rc = elf_load(copy, size, mem_size, &gw, out);
	free(block);
	return rc;
}

static void expect_refused(size_t size, const char *why, int phdr)
{
	struct elf_image ei;

	fm.writes = 0;
	assert_int_equal(load_exact(img, size, MEM_SIZE, &ei), -EINVAL);
	assert_non_null(ei.error);
	if (why)
		assert_string_equal(ei.error, why);
	assert_int_equal(ei.error_phdr, phdr);
	assert_int_equal(fm.writes, 0);
}

static void check_loaded(const struct elf_image *ei, int elf_class)
{
	uint64_t i;

	assert_int_equal(ei->elf_class, elf_class);
	assert_int_equal(ei->pvh_entry, PVH_ENTRY);
	assert_int_equal(ei->load_start, 0x100000);
	assert_int_equal(ei->load_end, 0x105000);
	assert_int_equal(ei->nr_load, 2);
	assert_null(ei->error);
	for (i = 0; i < 0x1234; i++)
		assert_int_equal(fm.mem[0x100000 + i], eb_seg_byte(0, i));
	assert_int_equal(fm.mem[0x100000 + 0x1234], 0xaa);	/* gap untouched */
	for (i = 0; i < 0x100; i++)
		assert_int_equal(fm.mem[0x102000 + i], eb_seg_byte(1, i));
	for (i = 0x100; i < 0x3000; i++)				/* bss zeroed */
		assert_int_equal(fm.mem[0x102000 + i], 0);
	assert_int_equal(fm.mem[0x105000], 0xaa);
	assert_int_equal(fm.mem[0xfffff], 0xaa);
}

static void test_load_elf64(void **state)
{
	struct elf_image ei;
	size_t n = build(64);

	(void)state;
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	check_loaded(&ei, 64);
	assert_true(ei.entry == 0xffffffff80100000ULL);
}

static void test_load_elf32(void **state)
{
	struct elf_image ei;
	size_t n = build(32);

	(void)state;
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	check_loaded(&ei, 32);
}

/* XTF's hvm64 kernels: ELF32, e_machine EM_X86_64, PVH note. */
static void test_load_elf32_x86_64(void **state)
{
	struct elf_image ei;
	size_t n = build(32);

	(void)state;
	eb_put16(img, 18, 62);					/* EM_X86_64 */
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	check_loaded(&ei, 32);
}

static void test_parse_writes_nothing(void **state)
{
	struct elf_image ei;
	size_t n = build(64);

	(void)state;
	assert_int_equal(elf_parse(img, n, MEM_SIZE, &ei), 0);
	assert_int_equal(ei.pvh_entry, PVH_ENTRY);
	assert_int_equal(fm.writes, 0);
}

static void test_eight_byte_entry_note(void **state)
{
	const uint64_t entry64 = PVH_ENTRY, high = 0x100000000ULL;
	struct elf_image ei;
	size_t n;

	(void)state;
	eb_pvh_spec(&spec, 64, &entry);
	spec.notes[1].desc = &entry64;
	spec.notes[1].descsz = 8;
	n = eb_build(&spec, img, sizeof(img), &lay);
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	assert_int_equal(ei.pvh_entry, PVH_ENTRY);

	spec.notes[1].desc = &high;
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "PHYS32_ENTRY note above 4 GiB", 0);

	spec.notes[1].descsz = 2;
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "PHYS32_ENTRY note has a bad size", 0);
}

static void test_refuses_image_without_note(void **state)
{
	size_t n;

	(void)state;
	eb_pvh_spec(&spec, 64, &entry);
	spec.notes[1].type = 1;			/* XEN_ELFNOTE_ENTRY, not PVH */
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", -1);

	spec.notes[1].type = 18;
	spec.notes[1].owner = "XEN";		/* the owner must be exactly "Xen" */
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", -1);

	spec.notes[1].owner = "Xen";
	spec.nr_notes = 0;			/* an empty note segment */
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", -1);
}

static void test_conflicting_notes(void **state)
{
	static const uint32_t other = PVH_ENTRY + 4;
	size_t n;

	(void)state;
	eb_pvh_spec(&spec, 64, &entry);
	spec.notes[2] = (struct eb_note){ "Xen", 18, &other, 4 };
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "conflicting PHYS32_ENTRY notes", 0);
	spec.notes[2].desc = &entry;		/* a repeat of the same value is fine */
	n = eb_build(&spec, img, sizeof(img), &lay);
	assert_int_equal(elf_parse(img, n, MEM_SIZE, &(struct elf_image){ 0 }), 0);
}

static void test_entry_must_be_loaded(void **state)
{
	static const uint32_t outside = 0x1000;
	size_t n;

	(void)state;
	eb_pvh_spec(&spec, 32, &outside);
	n = eb_build(&spec, img, sizeof(img), &lay);
	expect_refused(n, "PVH entry point is not inside a loaded segment", -1);
}

static void test_segment_outside_memory(void **state)
{
	struct elf_image ei;
	size_t n = build(64);

	(void)state;
	/* Ends one byte past the domain's memory. */
	eb_set_phdr(img, 64, &lay, 2, EB_P_PADDR, MEM_SIZE - 0x3000 + 1);
	expect_refused(n, "segment outside the domain's memory", 2);
	/* Exactly at the end is fine. */
	eb_set_phdr(img, 64, &lay, 2, EB_P_PADDR, MEM_SIZE - 0x3000);
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	assert_int_equal(ei.load_end, MEM_SIZE);
	/* paddr + memsz wraps around 2^64. */
	eb_set_phdr(img, 64, &lay, 2, EB_P_PADDR, UINT64_MAX - 0xfff);
	expect_refused(n, "segment outside the domain's memory", 2);
	/* A smaller domain refuses what a bigger one takes. */
	build(32);
	fm.writes = 0;
	assert_int_equal(load_exact(img, lay.size, 0x104fff, &ei), -EINVAL);
	assert_int_equal(ei.error_phdr, 2);
	assert_int_equal(fm.writes, 0);
}

static void test_filesz_above_memsz(void **state)
{
	size_t n = build(64);

	(void)state;
	eb_set_phdr(img, 64, &lay, 1, EB_P_MEMSZ, 0x1233);
	expect_refused(n, "segment file size exceeds its memory size", 1);
}

static void test_overlapping_segments(void **state)
{
	size_t n = build(32);

	(void)state;
	eb_set_phdr(img, 32, &lay, 2, EB_P_PADDR, 0x101000);	/* inside text+0x1234 */
	expect_refused(n, "loadable segments overlap", 2);
	eb_set_phdr(img, 32, &lay, 2, EB_P_PADDR, 0x101234);	/* adjacent: fine */
	assert_int_equal(elf_parse(img, n, MEM_SIZE, &(struct elf_image){ 0 }), 0);
}

static void test_segment_data_outside_image(void **state)
{
	size_t n = build(64);

	(void)state;
	eb_set_phdr(img, 64, &lay, 1, EB_P_OFFSET, n - 0x1233);
	expect_refused(n, "segment data outside the image", 1);
	eb_set_phdr(img, 64, &lay, 1, EB_P_OFFSET, UINT64_MAX - 0x10);
	expect_refused(n, "segment data outside the image", 1);
}

static void test_bad_program_header_table(void **state)
{
	size_t n = build(64);

	(void)state;
	eb_put64(img, 32, n);					/* phoff at the end */
	expect_refused(n, "program headers outside the image", -1);
	eb_put64(img, 32, UINT64_MAX - 8);			/* phoff + size wraps */
	expect_refused(n, "program headers outside the image", -1);
	eb_put64(img, 32, 64);
	eb_put16(img, 56, 0xffff);				/* PN_XNUM */
	expect_refused(n, "too many program headers", -1);
	eb_put16(img, 56, ELF_MAX_PHDRS + 1);
	expect_refused(n, "too many program headers", -1);
	eb_put16(img, 56, 0);
	expect_refused(n, "no program headers", -1);
	eb_put16(img, 56, 3);
	eb_put16(img, 54, 32);					/* ELF32 size in ELF64 */
	expect_refused(n, "unexpected program header size", -1);
	eb_put16(img, 54, 56);
	expect_refused(64 + 3 * 56 - 1, "program headers outside the image", -1);

	n = build(32);
	eb_put32(img, 28, 0xfffffff0);
	expect_refused(n, "program headers outside the image", -1);
}

static void test_bad_identification(void **state)
{
	size_t n = build(64);

	(void)state;
	img[1] = 'e';
	expect_refused(n, "not an ELF image", -1);
	build(64);
	img[4] = 3;
	expect_refused(n, "unknown ELF class", -1);
	build(64);
	img[5] = 2;
	expect_refused(n, "not a little-endian ELF image", -1);
	build(64);
	img[6] = 0;
	expect_refused(n, "unknown ELF version", -1);
	build(64);
	eb_put16(img, 16, 3);					/* ET_DYN */
	expect_refused(n, "not an executable (ET_EXEC) image", -1);
	build(64);
	eb_put16(img, 18, 3);					/* EM_386 in ELF64 */
	expect_refused(n, "not an x86 image", -1);
	build(32);
	eb_put16(img, 18, 40);					/* EM_ARM in ELF32 */
	expect_refused(lay.size, "not an x86 image", -1);
	expect_refused(0, "not an ELF image", -1);
	expect_refused(4, "not an ELF image", -1);
	build(64);
	expect_refused(63, "truncated ELF header", -1);
	build(32);
	expect_refused(51, "truncated ELF header", -1);
}

static void test_malformed_notes(void **state)
{
	size_t n = build(64);
	size_t note = lay.note_off;

	(void)state;
	eb_put32(img, note, 0xffffffff);			/* namesz: huge */
	expect_refused(n, "note name runs past its segment", 0);
	build(64);
	eb_put32(img, note, 0xfffffffd);			/* rounds up past 2^32 */
	expect_refused(n, "note name runs past its segment", 0);
	build(64);
	eb_put32(img, note + 4, 0xffffffff);			/* descsz: huge */
	expect_refused(n, "note contents run past their segment", 0);
	build(64);
	eb_set_phdr(img, 64, &lay, 0, EB_P_FILESZ, 8);		/* header cut short */
	expect_refused(n, "truncated note header", 0);
	build(64);
	eb_set_phdr(img, 64, &lay, 0, EB_P_FILESZ, lay.note_size + 0x100000);
	expect_refused(n, "note segment outside the image", 0);
	build(64);
	eb_set_phdr(img, 64, &lay, 0, EB_P_OFFSET, UINT64_MAX - 4);
	expect_refused(n, "note segment outside the image", 0);
}

/* Cut the image at every length: each must be refused, none may crash. */
static void test_truncated_everywhere(void **state)
{
	int classes[] = { 32, 64 };
	struct elf_image ei;
	unsigned int c;
	size_t n, k;

	(void)state;
	for (c = 0; c < 2; c++) {
		n = build(classes[c]);
		for (k = 0; k < n; k++) {
			fm.writes = 0;
			assert_int_equal(load_exact(img, k, MEM_SIZE, &ei), -EINVAL);
			assert_non_null(ei.error);
			assert_int_equal(fm.writes, 0);
		}
		assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), 0);
	}
}

/*
 * Random corruption of header, program header and note bytes (seeded):
 * any outcome but a crash or a write outside memory is acceptable, and
 * an accepted image still obeys the loader's promises.
 */
static void test_random_corruption(void **state)
{
	uint64_t rng = 0x1234567;
	struct elf_image ei;
	unsigned int iter, k;
	size_t n, hot;
	int rc;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		n = build(iter & 1 ? 64 : 32);
		hot = lay.note_off + lay.note_size;	/* headers and notes */
		for (k = 0; k < 1 + iter % 4; k++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			img[(rng >> 33) % hot] = (uint8_t)(rng >> 13);
		}
		rc = load_exact(img, n, MEM_SIZE, &ei);
		if (rc == 0) {
			assert_true(ei.load_end <= MEM_SIZE);
			assert_true(ei.pvh_entry >= ei.load_start && ei.pvh_entry < ei.load_end);
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_non_null(ei.error);
		}
	}
}

static void test_callback_failure_is_reported(void **state)
{
	struct elf_image ei;
	size_t n = build(64);

	(void)state;
	fm.fail_at = 1;			/* the data segment's copy */
	assert_int_equal(load_exact(img, n, MEM_SIZE, &ei), -EFAULT);
	assert_string_equal(ei.error, "writing a segment to guest memory failed");
	fm.fail_at = -1;
}

static void hide_note_segment(uint8_t *elf64)
{
	uint64_t phoff;
	uint16_t phnum, i;
	uint32_t type;

	memcpy(&phoff, elf64 + 32, 8);
	memcpy(&phnum, elf64 + 56, 2);
	for (i = 0; i < phnum; i++) {
		memcpy(&type, elf64 + phoff + i * 56u, 4);
		if (type == 4)
			memset(elf64 + phoff + i * 56u, 0, 4);
	}
}

/*
 * The real hello guest (tests/guests), as `make` built it: an ELF64 PVH
 * kernel whose entry, pvh_start32, begins with CLI; CLD.
 */
static void test_real_hello_image(void **state)
{
	static uint8_t file[1 << 20];
	struct elf_image ei;
	FILE *f = fopen(HVM_HELLO_ELF, "rb");
	size_t n;

	(void)state;
	if (!f)
		fail_msg("cannot open %s (built by `make`)", HVM_HELLO_ELF);
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	assert_true(n > 64 && n < sizeof(file));
	assert_int_equal(load_exact(file, n, MEM_SIZE, &ei), 0);
	assert_int_equal(ei.elf_class, 64);
	assert_int_equal(ei.load_start, 0x100000);
	assert_int_equal(ei.pvh_entry, ei.entry);
	assert_int_equal(fm.mem[ei.pvh_entry], 0xfa);		/* cli */
	assert_int_equal(fm.mem[ei.pvh_entry + 1], 0xfc);	/* cld */
	assert_int_equal(fm.mem[ei.load_end - 1], 0);		/* bss */
	/* The same image does not fit a domain that ends inside it. */
	fm.writes = 0;
	assert_int_equal(load_exact(file, n, ei.load_end - 1, &ei), -EINVAL);
	assert_string_equal(ei.error, "segment outside the domain's memory");
	assert_int_equal(fm.writes, 0);
	/* Nor does it load once its PT_NOTE is hidden (made PT_NULL). */
	hide_note_segment(file);
	assert_int_equal(load_exact(file, n, MEM_SIZE, &ei), -EINVAL);
	assert_string_equal(ei.error, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
}

static void test_null_image(void **state)
{
	struct elf_image ei;

	(void)state;
	assert_int_equal(elf_load(NULL, 100, MEM_SIZE, &gw, &ei), -EINVAL);
	assert_string_equal(ei.error, "no image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_elf64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_elf32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_elf32_x86_64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eight_byte_entry_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_image_without_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_must_be_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_outside_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filesz_above_memsz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_data_outside_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_program_header_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_identification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_failure_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_hello_image, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
