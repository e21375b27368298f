/*
 * The PV side of the ELF loader (elf_parse_pv / elf_load_pv): Xen's PV
 * notes decide entry, hypercall page and VIRT_BASE; segments land at
 * vaddr - VIRT_BASE; images Xen's builder would refuse, or that reach
 * into the hypervisor's part of the address space, are refused with a
 * message and nothing written. Runs under ASan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <public/elfnote.h>
#include <umbra/elf_loader.h>
#include <umbra/errno.h>
#include "elf_build.h"

#define MEM_SIZE	(4u << 20)
#define IMG_CAP		0x4000

static uint8_t *mem;
static unsigned int writes;

static int fm_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	(void)ctx;
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	memcpy(mem + gpa, src, len);
	writes++;
	return 0;
}

static int fm_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	assert_true(gpa <= MEM_SIZE && len <= MEM_SIZE - gpa);
	memset(mem + gpa, 0, len);
	writes++;
	return 0;
}

static const struct guest_writer gw = { fm_copy, fm_zero, NULL };
static uint8_t img[IMG_CAP];
static struct eb_layout lay;
static struct eb_spec spec;
static uint64_t n_entry, n_hcall, n_vbase;
static size_t img_size;

static int setup(void **state)
{
	(void)state;
	mem = malloc(MEM_SIZE);
	assert_non_null(mem);
	memset(mem, 0xaa, MEM_SIZE);
	writes = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

/* A PV kernel: text at vbase + 1 MiB, data+bss after it, with notes
 * GUEST_OS, ENTRY, HYPERCALL_PAGE and (if vbase) VIRT_BASE. */
static void pv_spec(uint64_t vbase)
{
	memset(&spec, 0, sizeof(spec));
	spec.elf_class = 64;
	spec.entry = 0xdead;		/* the ENTRY note wins */
	spec.nr_segs = 2;
	spec.segs[0] = (struct eb_seg){ .paddr = 0x100000, .filesz = 0x1234, .memsz = 0x1234 };
	spec.segs[1] = (struct eb_seg){ .paddr = 0x102000, .filesz = 0x100, .memsz = 0x3000 };
	n_entry = vbase + 0x100040;
	n_hcall = vbase + 0x101000;
	n_vbase = vbase;
	spec.nr_notes = 3;
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_GUEST_OS, "umbra-test", 11 };
	spec.notes[1] = (struct eb_note){ "Xen", XEN_ELFNOTE_ENTRY, &n_entry, 8 };
	spec.notes[2] = (struct eb_note){ "Xen", XEN_ELFNOTE_HYPERCALL_PAGE, &n_hcall, 8 };
	if (vbase)
		spec.notes[spec.nr_notes++] = (struct eb_note){ "Xen", XEN_ELFNOTE_VIRT_BASE,
								 &n_vbase, 8 };
}

/* Build, then give each PT_LOAD (headers 1 and 2) the virtual address
 * vbase + its p_paddr. */
static void build(uint64_t vbase)
{
	img_size = eb_build(&spec, img, sizeof(img), &lay);
	assert_true(img_size > 0);
	for (unsigned int i = 1; i <= spec.nr_segs; i++)
		eb_put64(img, lay.phoff + i * lay.phentsize + 16, vbase + spec.segs[i - 1].paddr);
}

static void expect_refused(const char *why)
{
	struct elf_image ei;

	writes = 0;
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), -EINVAL);
	assert_string_equal(ei.error, why);
	assert_int_equal(writes, 0);
}

static void test_loads_at_vaddr(void **state)
{
	struct elf_image ei;

	(void)state;
	pv_spec(0);
	build(0);
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), 0);
	assert_int_equal(ei.pv_entry, 0x100040);
	assert_int_equal(ei.hypercall_page, 0x101000);
	assert_int_equal(ei.virt_base, 0);
	assert_int_equal(ei.virt_start, 0x100000);
	assert_int_equal(ei.virt_end, 0x105000);
	assert_string_equal(ei.guest_os, "umbra-test");
	assert_int_equal(mem[0x100000], eb_seg_byte(0, 0));
	assert_int_equal(mem[0x102000 + 0xff], eb_seg_byte(1, 0xff));
	assert_int_equal(mem[0x102000 + 0x100], 0);	/* bss */
}

/* VIRT_BASE in the upper half, above the hypervisor's slots: placed at
 * vaddr - VIRT_BASE. p_paddr is ignored. */
static void test_virt_base(void **state)
{
	const uint64_t vbase = 0xffffc90000000000ULL;
	struct elf_image ei;

	(void)state;
	pv_spec(vbase);
	spec.segs[0].paddr = 0x100000;
	build(vbase);
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), 0);
	assert_int_equal(ei.virt_base, vbase);
	assert_int_equal(ei.pv_entry, vbase + 0x100040);
	assert_int_equal(mem[0x100000], eb_seg_byte(0, 0));
}

static void test_entry_defaults_to_e_entry(void **state)
{
	struct elf_image ei;

	(void)state;
	pv_spec(0);
	spec.entry = 0x100080;
	spec.notes[1] = spec.notes[0];		/* no ENTRY note */
	build(0);
	assert_int_equal(elf_parse_pv(img, img_size, MEM_SIZE, &ei), 0);
	assert_int_equal(ei.pv_entry, 0x100080);
	assert_int_equal(writes, 0);
}

static void test_pvh_kernel_is_not_pv(void **state)
{
	static const uint32_t pvh_entry = 0x100040;

	(void)state;
	pv_spec(0);
	spec.nr_notes = 1;
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &pvh_entry, 4 };
	build(0);
	expect_refused("no Xen PV ELF notes: not a PV kernel");
}

static void test_loader_version_features(void **state)
{
	static const char required[] = "pae_pgdir_above_4gb|!auto_translated_physmap";
	static const char optional[] = "!writable_page_tables|pae_pgdir_above_4gb";
	struct elf_image ei;

	(void)state;
	pv_spec(0);
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_LOADER, "linux", 6 };
	build(0);
	expect_refused("LOADER note is not \"generic\"");
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-2.0", 8 };
	build(0);
	expect_refused("XEN_VERSION note is not \"xen-3.0\"");
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_FEATURES, required,
					  sizeof(required) };
	build(0);
	expect_refused("FEATURES note requires a feature Umbra does not offer");
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_GUEST_OS, "no-nul", 6 };
	build(0);
	expect_refused("string Xen note without its NUL");
	spec.notes[0] = (struct eb_note){ "Xen", XEN_ELFNOTE_FEATURES, optional,
					  sizeof(optional) };
	build(0);
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), 0);
	assert_true(ei.writable_pt);	/* required, and offered */
}

static void test_bad_entry_and_hypercall_page(void **state)
{
	(void)state;
	pv_spec(0);
	n_entry = 0x200000;
	build(0);
	expect_refused("PV entry point is not inside a loaded segment");
	pv_spec(0);
	n_hcall = 0x101800;
	build(0);
	expect_refused("HYPERCALL_PAGE note is not a page of the image");
	pv_spec(0);
	n_hcall = 0x300000;
	build(0);
	expect_refused("HYPERCALL_PAGE note is not a page of the image");
	pv_spec(0);
	spec.notes[1].descsz = 3;
	build(0);
	expect_refused("numeric Xen note of a bad size");
}

static void test_placement_refused(void **state)
{
	(void)state;
	/* Below VIRT_BASE: no pseudo-physical address. */
	pv_spec(0x40000000);
	build(0);
	expect_refused("segment outside the domain's memory");
	/* In the hypervisor's slots 256-271, or its image's slot 511. */
	pv_spec(0xffff800000000000ULL);
	build(0xffff800000000000ULL);
	expect_refused("image overlaps the hypervisor's part of the address space");
	pv_spec(0xffffff8000000000ULL);
	build(0xffffff8000000000ULL);
	expect_refused("image overlaps the hypervisor's part of the address space");
	/* Beyond the domain's memory. */
	pv_spec(0);
	spec.segs[1].memsz = MEM_SIZE;
	build(0);
	expect_refused("segment outside the domain's memory");
}

static void test_elf32_refused(void **state)
{
	(void)state;
	pv_spec(0);
	spec.elf_class = 32;
	n_entry = 0;
	spec.nr_notes = 1;
	img_size = eb_build(&spec, img, sizeof(img), &lay);
	assert_true(img_size > 0);
	expect_refused("a PV kernel must be a 64-bit ELF image");
}

/* Every prefix of a good image is refused without a read past it. */
static void test_truncated(void **state)
{
	struct elf_image ei;

	(void)state;
	pv_spec(0);
	build(0);
	for (size_t n = 0; n < img_size; n += 7) {
		uint8_t *copy = malloc(n + 1);

		assert_non_null(copy);
		memcpy(copy, img, n);
		writes = 0;
		if (elf_load_pv(copy, n, MEM_SIZE, &gw, &ei) == 0)
			assert_true(n >= lay.seg_off[1]);	/* only bss-ish tails */
		else
			assert_int_equal(writes, 0);
		free(copy);
	}
}

/* ---- W^X for a writable and executable segment, split by sections ---- */

/* XTF's shape: one RWX segment holding .text, .data (with the hypercall
 * page in it), .rodata and .bss, each page-aligned. */
static const struct eb_sect xtf_sects[] = {
	{ EB_SHT_PROGBITS, EB_SHF_AX, 0x100000, 0x1800 },	/* .text */
	{ EB_SHT_PROGBITS, EB_SHF_WA, 0x102000, 0x2000 },	/* .data, hypercall page */
	{ EB_SHT_PROGBITS, EB_SHF_A, 0x104000, 0x100 },		/* .rodata */
	{ EB_SHT_NOBITS, EB_SHF_WA, 0x105000, 0x1000 },		/* .bss */
	{ EB_SHT_PROGBITS, 0, 0, 0x27 },			/* .comment */
};

static struct eb_sect sects[12];
static unsigned int nr_sects;

/* The RWX image with the sections in sects[] (or none), entered at
 * `entry`. */
static void build_rwx_at(uint64_t entry)
{
	pv_spec(0);
	n_entry = entry;
	n_hcall = 0x103000;
	spec.nr_segs = 1;
	spec.segs[0] = (struct eb_seg){ .paddr = 0x100000, .filesz = 0x3000, .memsz = 0x6000 };
	build(0);
	eb_set_phdr(img, 64, &lay, 1, EB_P_FLAGS, 7);		/* RWX */
	if (nr_sects) {
		img_size = eb_add_sections(img, sizeof(img), img_size, sects, nr_sects);
		assert_true(img_size > 0);
	}
}

static void build_rwx(void)
{
	build_rwx_at(0x100040);
}

static void use_xtf_sects(void)
{
	memcpy(sects, xtf_sects, sizeof(xtf_sects));
	nr_sects = sizeof(xtf_sects) / sizeof(xtf_sects[0]);
}

static void expect_split(struct elf_image *ei)
{
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, ei), 0);
	assert_int_equal(ei->nr_wx, 1);
	assert_true(ei->wx_split);
	assert_false(ei->wx_load);
	assert_null(ei->wx_why);
}

/* The image still loads, W^X off, for the reason given. */
static void expect_not_split(const char *why)
{
	struct elf_image ei;

	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), 0);
	assert_true(ei.wx_load);
	assert_false(ei.wx_split);
	assert_string_equal(ei.wx_why, why);
	assert_int_equal(ei.nr_exec, 0);	/* nothing half-split is left */
}

/* Code pages executable (the last one partly code), the hypercall page
 * too though .data holds it; .data's other page, .rodata, .bss and the
 * pages no section covers are not. */
static void test_wx_split(void **state)
{
	struct elf_image ei;

	(void)state;
	use_xtf_sects();
	build_rwx();
	expect_split(&ei);
	assert_int_equal(ei.nr_exec, 2);
	assert_int_equal(ei.exec_start[0], 0x100000);
	assert_int_equal(ei.exec_end[0], 0x102000);
	assert_int_equal(ei.exec_start[1], 0x103000);
	assert_int_equal(ei.exec_end[1], 0x104000);
	assert_int_equal(mem[0x100000], eb_seg_byte(0, 0));	/* loaded as before */
}

/* Code sections next to each other become one range; an image without
 * a writable and executable segment does not look at its sections. */
static void test_wx_split_merges(void **state)
{
	struct elf_image ei;

	(void)state;
	use_xtf_sects();
	sects[0].size = 0x1000;
	sects[nr_sects++] = (struct eb_sect){ EB_SHT_PROGBITS, EB_SHF_AX, 0x101000, 0x800 };
	build_rwx();
	expect_split(&ei);
	assert_int_equal(ei.nr_exec, 2);
	assert_int_equal(ei.exec_end[0], 0x102000);
	eb_set_phdr(img, 64, &lay, 1, EB_P_FLAGS, 5);		/* RX: not split */
	assert_int_equal(elf_load_pv(img, img_size, MEM_SIZE, &gw, &ei), 0);
	assert_int_equal(ei.nr_wx, 0);
	assert_false(ei.wx_split || ei.wx_load);
	assert_int_equal(ei.nr_exec, 1);
	assert_int_equal(ei.exec_end[0], 0x106000);
}

/* Where a page would be writable and executable, or code would not run,
 * W^X is off with the reason, as before the split existed. */
static void test_wx_split_impossible(void **state)
{
	(void)state;
	nr_sects = 0;
	build_rwx();
	expect_not_split("no section headers to split it by");
	use_xtf_sects();
	sects[1].addr = 0x101800;	/* .data in .text's last page */
	build_rwx();
	expect_not_split("a page holds both code and writable data");
	use_xtf_sects();
	sects[3].addr = 0x101000;	/* .bss there */
	sects[3].size = 0x100;
	build_rwx();
	expect_not_split("a page holds both code and writable data");
	use_xtf_sects();
	sects[0].flags = EB_SHF_WAX;
	build_rwx();
	expect_not_split("a section is both writable and executable");
	use_xtf_sects();
	sects[0].flags = EB_SHF_A;	/* no code section */
	build_rwx();
	expect_not_split("its entry point is in no code section");
	use_xtf_sects();
	build_rwx_at(0x102040);		/* in .data */
	expect_not_split("its entry point is in no code section");
}

/* A hostile section table: never a read outside the image, never a
 * refused image, W^X off with the reason. */
static void test_wx_hostile_sections(void **state)
{
	(void)state;
	use_xtf_sects();
	build_rwx();
	eb_put64(img, EB_E_SHOFF, img_size);			/* past the end */
	expect_not_split("its section headers lie outside the image");
	eb_put64(img, EB_E_SHOFF, UINT64_MAX - 63);		/* wraps */
	expect_not_split("its section headers lie outside the image");
	eb_put64(img, EB_E_SHOFF, img_size - 64 * nr_sects);	/* one short */
	expect_not_split("its section headers lie outside the image");
	build_rwx();
	eb_put16(img, EB_E_SHENTSIZE, 40);
	expect_not_split("its section headers have an unexpected size");
	build_rwx();
	eb_put16(img, EB_E_SHNUM, 0xffff);			/* PN_XNUM's like */
	expect_not_split("it has more section headers than the builder reads");
	eb_put16(img, EB_E_SHNUM, 0);
	expect_not_split("no section headers to split it by");
	use_xtf_sects();
	sects[2].addr = UINT64_MAX - 0xfff;			/* .rodata wraps */
	sects[2].size = 0x2000;
	build_rwx();
	expect_not_split("a section's address range wraps around");
	use_xtf_sects();
	sects[0].addr = 0;				/* code over everything */
	sects[0].size = UINT64_MAX;
	build_rwx();
	expect_not_split("a page holds both code and writable data");
}

/* More code ranges than the image record holds: not split. */
static void test_wx_too_many_ranges(void **state)
{
	(void)state;
	nr_sects = 0;
	for (unsigned int i = 0; i < ELF_MAX_EXEC + 1; i++)
		sects[nr_sects++] = (struct eb_sect){ EB_SHT_PROGBITS, EB_SHF_AX,
						      0x100000 + i * 0x2000ULL, 0x10 };
	/* The segment is 6 pages: make it big enough to hold them all. */
	pv_spec(0);
	n_hcall = 0;
	spec.nr_notes = 2;
	spec.nr_segs = 1;
	spec.segs[0] = (struct eb_seg){ .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x20000 };
	build(0);
	eb_set_phdr(img, 64, &lay, 1, EB_P_FLAGS, 7);
	img_size = eb_add_sections(img, sizeof(img), img_size, sects, nr_sects);
	assert_true(img_size > 0);
	expect_not_split("it has more code ranges than the builder tracks");
}

/* Every prefix, and random bytes in the section table: parsing never
 * reads outside the image (ASan), and a split leaves no page that a
 * writable section and a code range share. */
static void test_wx_prefixes_and_noise(void **state)
{
	struct elf_image ei;
	size_t shoff;

	(void)state;
	use_xtf_sects();
	build_rwx();
	for (size_t n = 0; n < img_size; n++) {
		uint8_t *copy = malloc(n + 1);

		assert_non_null(copy);
		memcpy(copy, img, n);
		if (elf_parse_pv(copy, n, MEM_SIZE, &ei) == 0)
			assert_true(ei.wx_split != ei.wx_load);
		free(copy);
	}
	shoff = img_size - 64 * (nr_sects + 1);
	srand(16);
	for (unsigned int round = 0; round < 4000; round++) {
		build_rwx();
		for (unsigned int k = 0; k < 1 + round % 8; k++)
			img[shoff + (size_t)rand() % (img_size - shoff)] = (uint8_t)rand();
		if (elf_parse_pv(img, img_size, MEM_SIZE, &ei))
			continue;
		assert_true(ei.wx_split != ei.wx_load);
		if (ei.wx_split)
			assert_true(ei.nr_exec >= 1 && ei.nr_exec <= ELF_MAX_EXEC);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_loads_at_vaddr),
		T(test_virt_base),
		T(test_entry_defaults_to_e_entry),
		T(test_pvh_kernel_is_not_pv),
		T(test_loader_version_features),
		T(test_bad_entry_and_hypercall_page),
		T(test_placement_refused),
		T(test_elf32_refused),
		T(test_truncated),
		T(test_wx_split),
		T(test_wx_split_merges),
		T(test_wx_split_impossible),
		T(test_wx_hostile_sections),
		T(test_wx_too_many_ranges),
		T(test_wx_prefixes_and_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
