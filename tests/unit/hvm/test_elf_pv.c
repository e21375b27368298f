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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
