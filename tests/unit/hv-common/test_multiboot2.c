/* The multiboot2 parser on crafted boot information: well-formed lists,
 * every truncation, bad sizes, missing end tags, unterminated strings,
 * oversize counts and random corruption. Buffers are allocated at their
 * exact size so that AddressSanitizer catches any read past them. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/errno.h"
#include "umbra/multiboot2.h"

#define CAP 16384

struct mbi {
	uint8_t *buf;		/* 8-byte aligned, CAP bytes */
	size_t len;
};

static struct boot_info info;

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void mbi_begin(struct mbi *m)
{
	m->buf = aligned_alloc(8, CAP);
	memset(m->buf, 0xee, CAP);
	m->len = 8;
	put32(m->buf + 4, 0);
}

/* Appends a tag with the given payload; returns its offset. */
static size_t mbi_tag(struct mbi *m, uint32_t type, const void *payload, size_t plen)
{
	size_t off = m->len;

	assert_true(off + 8 + plen + 8 <= CAP);
	put32(m->buf + off, type);
	put32(m->buf + off + 4, (uint32_t)(8 + plen));
	if (plen)
		memcpy(m->buf + off + 8, payload, plen);
	m->len = (off + 8 + plen + 7) & ~(size_t)7;
	memset(m->buf + off + 8 + plen, 0, m->len - off - 8 - plen);
	return off;
}

static size_t mbi_string(struct mbi *m, uint32_t type, const char *s)
{
	return mbi_tag(m, type, s, strlen(s) + 1);
}

static size_t mbi_module(struct mbi *m, uint32_t start, uint32_t end, const char *cmdline)
{
	uint8_t p[256];
	size_t n = strlen(cmdline) + 1;

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, cmdline, n);
	return mbi_tag(m, MB2_TAG_MODULE, p, 8 + n);
}

static size_t mbi_meminfo(struct mbi *m, uint32_t lower, uint32_t upper)
{
	uint8_t p[8];

	put32(p, lower);
	put32(p + 4, upper);
	return mbi_tag(m, MB2_TAG_BASIC_MEMINFO, p, 8);
}

/* A memory map of n entries, entry i = (base i MiB, len i+1 KiB, type i%5+1). */
static size_t mbi_mmap(struct mbi *m, uint32_t entry_size, uint32_t version, size_t n)
{
	static uint8_t p[CAP];

	memset(p, 0xcc, sizeof(p));
	put32(p, entry_size);
	put32(p + 4, version);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = p + 8 + i * entry_size;

		put64(e, (uint64_t)i << 20);
		put64(e + 8, (i + 1) * 1024);
		put32(e + 16, (uint32_t)(i % 5 + 1));
		put32(e + 20, 0);
	}
	return mbi_tag(m, MB2_TAG_MMAP, p, 8 + n * entry_size);
}

static size_t mbi_acpi(struct mbi *m, uint32_t type, size_t len, uint8_t fill)
{
	uint8_t p[64];

	memset(p, fill, sizeof(p));
	memcpy(p, "RSD PTR ", 8);
	return mbi_tag(m, type, p, len);
}

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, NULL, 0);
	put32(m->buf, (uint32_t)m->len);
}

/* A copy of the first n bytes in an allocation of exactly n bytes. */
static uint8_t *exact_copy(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	memcpy(p, src, n);
	return p;
}

static int parse(const struct mbi *m, const char **why)
{
	uint8_t *copy = exact_copy(m->buf, m->len);
	int rc = mb2_parse(copy, m->len, &info, why);

	if (rc == 0) {
		/* Results point into the copy: rebase them for the caller. */
		free(copy);
		return mb2_parse(m->buf, m->len, &info, why);
	}
	free(copy);
	return rc;
}

static void expect_error(const struct mbi *m, const char *needle)
{
	const char *why = NULL;

	assert_int_equal(parse(m, &why), -EINVAL);
	assert_non_null(why);
	if (!strstr(why, needle))
		fail_msg("reason \"%s\" does not mention \"%s\"", why, needle);
}

static void build_full(struct mbi *m)
{
	static const uint8_t unknown[5] = { 1, 2, 3, 4, 5 };
	uint8_t elf[12] = { 0 };

	mbi_begin(m);
	mbi_string(m, MB2_TAG_CMDLINE, "console=com1 loglvl=info");
	mbi_string(m, MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06");
	mbi_meminfo(m, 639, 1047424);
	mbi_mmap(m, 24, 0, 3);
	mbi_module(m, 0x200000, 0x300000, "vmlinuz root=/dev/sda");
	mbi_tag(m, 99, unknown, sizeof(unknown));
	mbi_module(m, 0x400000, 0x400000, "");
	mbi_acpi(m, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN, 0x11);
	mbi_acpi(m, MB2_TAG_ACPI_NEW, MB2_RSDP_V2_LEN, 0x22);
	put32(elf, 3);
	put32(elf + 4, 64);
	mbi_tag(m, MB2_TAG_ELF_SECTIONS, elf, sizeof(elf));
	mbi_end(m);
}

static void test_full_information(void **state)
{
	struct mbi m;
	const char *why = "unset";

	(void)state;
	build_full(&m);
	assert_int_equal(mb2_parse(m.buf, CAP, &info, &why), 0);
	assert_null(why);
	assert_int_equal(info.total_size, m.len);
	assert_string_equal(info.cmdline, "console=com1 loglvl=info");
	assert_string_equal(info.loader_name, "GRUB 2.06");
	assert_true(info.has_meminfo);
	assert_int_equal(info.mem_lower_kib, 639);
	assert_int_equal(info.mem_upper_kib, 1047424);
	assert_int_equal(info.mmap_count, 3);
	assert_int_equal(info.mmap_total, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(info.mmap[i].base, (uint64_t)i << 20);
		assert_int_equal(info.mmap[i].len, (i + 1) * 1024);
		assert_int_equal(info.mmap[i].type, i % 5 + 1);
	}
	assert_int_equal(info.module_count, 2);
	assert_int_equal(info.modules[0].start, 0x200000);
	assert_int_equal(info.modules[0].end, 0x300000);
	assert_string_equal(info.modules[0].cmdline, "vmlinuz root=/dev/sda");
	assert_int_equal(info.modules[1].start, 0x400000);
	assert_string_equal(info.modules[1].cmdline, "");
	assert_int_equal(info.acpi_version, 2);
	assert_int_equal(info.rsdp_len, MB2_RSDP_V2_LEN);
	assert_memory_equal(info.rsdp, "RSD PTR \x22", 9);
	assert_true((const uint8_t *)info.rsdp > m.buf &&
		    (const uint8_t *)info.rsdp < m.buf + m.len);
	assert_non_null(info.elf_sections);
	assert_int_equal(info.elf_sections_size, 20);
	assert_int_equal(*(const uint32_t *)info.elf_sections, MB2_TAG_ELF_SECTIONS);
	assert_int_equal(info.warnings, 0);
	free(m.buf);
}

static void test_only_end_tag(void **state)
{
	struct mbi m;
	const char *why;

	(void)state;
	mbi_begin(&m);
	mbi_end(&m);
	assert_int_equal(m.len, 16);
	assert_int_equal(parse(&m, &why), 0);
	assert_null(info.cmdline);
	assert_null(info.loader_name);
	assert_false(info.has_meminfo);
	assert_int_equal(info.mmap_count, 0);
	assert_int_equal(info.module_count, 0);
	assert_null(info.rsdp);
	assert_int_equal(info.acpi_version, 0);
	assert_null(info.elf_sections);
	assert_int_equal(mb2_parse(m.buf, 16, &info, NULL), 0);	/* why optional */
	free(m.buf);
}

/* Only the first k bytes readable, for every k: always refused. */
static void test_truncated_readable_every_offset(void **state)
{
	struct mbi m;

	(void)state;
	build_full(&m);
	for (size_t k = 0; k < m.len; k++) {
		uint8_t *copy = exact_copy(m.buf, k);
		const char *why = NULL;

		assert_int_equal(mb2_parse(copy, k, &info, &why), -EINVAL);
		assert_non_null(why);
		assert_true(strlen(why) > 10);
		free(copy);
	}
	free(m.buf);
}

/* total_size claims only k bytes, for every k: the tag list is cut inside
 * some tag or before the end tag, and the parser must say so without
 * reading past the k bytes. */
static void test_truncated_total_size_every_offset(void **state)
{
	struct mbi m;

	(void)state;
	build_full(&m);
	for (size_t k = 8; k < m.len; k++) {
		uint8_t *copy = exact_copy(m.buf, k);
		const char *why = NULL;

		put32(copy, (uint32_t)k);
		assert_int_equal(mb2_parse(copy, k, &info, &why), -EINVAL);
		assert_non_null(why);
		if (k >= 16 && !strstr(why, "runs past") && !strstr(why, "no end tag"))
			fail_msg("k=%zu: unexpected reason \"%s\"", k, why);
		free(copy);
	}
	free(m.buf);
}

static void test_fixed_part_errors(void **state)
{
	struct mbi m;
	const char *why;

	(void)state;
	assert_int_equal(mb2_parse(NULL, 100, &info, &why), -EINVAL);
	assert_non_null(strstr(why, "null"));

	mbi_begin(&m);
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf + 4, 16, &info, &why), -EINVAL);
	assert_non_null(strstr(why, "aligned"));

	assert_int_equal(mb2_parse(m.buf, 15, &info, &why), -EINVAL);
	assert_string_equal(why, "total_size 0x10 exceeds the 0xf bytes readable");

	put32(m.buf, 8);
	expect_error(&m, "total_size 0x8 is below 0x10");
	put32(m.buf, 0);
	expect_error(&m, "total_size 0x0 is below 0x10");
	put32(m.buf, 16);
	put32(m.buf + 4, 1);
	expect_error(&m, "reserved field is 0x1");
	put32(m.buf + 4, 0);
	assert_int_equal(parse(&m, &why), 0);
	free(m.buf);
}

static void test_bad_tag_sizes(void **state)
{
	static const uint32_t small[] = { 0, 1, 4, 7 };
	struct mbi m;
	size_t off;

	(void)state;
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		mbi_begin(&m);
		mbi_string(&m, MB2_TAG_CMDLINE, "abc");
		off = mbi_string(&m, MB2_TAG_BOOT_LOADER_NAME, "x");
		mbi_end(&m);
		put32(m.buf + off + 4, small[i]);
		expect_error(&m, "tag 1 (type 2) at offset 0x18 has size");
		expect_error(&m, "less than its 8-byte header");
		free(m.buf);
	}

	/* The example from the design: a memory map running past the end. */
	mbi_begin(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "abc");
	mbi_string(&m, MB2_TAG_BOOT_LOADER_NAME, "x");
	mbi_tag(&m, 7, "01234567890123456789012", 23);
	off = mbi_mmap(&m, 24, 0, 1);
	mbi_end(&m);
	put32(m.buf + off + 4, 0x40);
	expect_error(&m, "tag 3 (type 6) at offset 0x48 of size 0x40 runs past total_size 0x78");
	free(m.buf);

	/* End tag with a size other than 8. */
	mbi_begin(&m);
	off = mbi_tag(&m, MB2_TAG_END, "12345678", 8);
	put32(m.buf, (uint32_t)m.len);
	expect_error(&m, "is an end tag of size 0x10, not 8");
	free(m.buf);
}

static void test_missing_end_tag(void **state)
{
	struct mbi m;

	(void)state;
	/* Tags up to total_size, then nothing. */
	mbi_begin(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "1234567");
	put32(m.buf, (uint32_t)m.len);
	expect_error(&m, "no end tag before total_size 0x18 (1 tags read)");
	free(m.buf);

	/* A last tag whose padding would go past total_size. */
	mbi_begin(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "abc");
	m.len = 8 + 12;
	put32(m.buf, (uint32_t)m.len);
	expect_error(&m, "no end tag");
	free(m.buf);

	/* Garbage after the last tag, less than a tag header. */
	mbi_begin(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "abc");
	m.len += 4;
	put32(m.buf, (uint32_t)m.len);
	expect_error(&m, "no end tag");
	free(m.buf);
}

static void test_unterminated_strings(void **state)
{
	struct mbi m;
	size_t off;

	(void)state;
	mbi_begin(&m);
	off = mbi_tag(&m, MB2_TAG_CMDLINE, "abcd", 4);
	mbi_end(&m);
	(void)off;
	expect_error(&m, "tag 0 (type 1) at offset 0x8 has a string not NUL-terminated");
	free(m.buf);

	/* A terminator in the padding after the tag does not count. */
	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_BOOT_LOADER_NAME, "abc", 3);
	mbi_end(&m);
	assert_int_equal(m.buf[8 + 11], 0);
	expect_error(&m, "(type 2) at offset 0x8 has a string not NUL-terminated");
	free(m.buf);

	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_CMDLINE, NULL, 0);
	mbi_end(&m);
	expect_error(&m, "not NUL-terminated");
	free(m.buf);

	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_MODULE, "\0\0\x10\0\0\0\x20\0ab", 10);
	mbi_end(&m);
	expect_error(&m, "tag 0 (type 3) at offset 0x8 has a string not NUL-terminated");
	free(m.buf);

	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_MODULE, "\0\0\x10\0\0\0\x20\0", 8);
	mbi_end(&m);
	expect_error(&m, "not NUL-terminated");
	free(m.buf);
}

static void test_modules(void **state)
{
	struct mbi m;

	(void)state;
	mbi_begin(&m);
	mbi_module(&m, 0x5000, 0x4fff, "backwards");
	mbi_end(&m);
	expect_error(&m, "module starts at 0x5000, after its end 0x4fff");
	free(m.buf);

	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_MODULE, "\0\0\x10\0", 4);
	mbi_end(&m);
	expect_error(&m, "has size 0xc, less than the 0x10 its type needs");
	free(m.buf);
}

static void test_too_many_modules_is_a_warning(void **state)
{
	struct mbi m;
	const char *why;
	char name[16];

	(void)state;
	mbi_begin(&m);
	for (uint32_t i = 0; i < MB2_MAX_MODULES + 8; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mbi_module(&m, i << 12, (i + 1) << 12, name);
	}
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.module_count, MB2_MAX_MODULES);
	assert_int_equal(info.module_total, MB2_MAX_MODULES + 8);
	assert_true(info.warnings & MB2_WARN_MODULES_TRUNCATED);
	assert_string_equal(info.modules[MB2_MAX_MODULES - 1].cmdline, "mod31");
	free(m.buf);
}

static void test_memory_map_shapes(void **state)
{
	struct mbi m;
	size_t off;
	const char *why;

	(void)state;
	/* Larger entries than 24 bytes are walked by entry_size. */
	mbi_begin(&m);
	mbi_mmap(&m, 32, 0, 4);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.mmap_count, 4);
	assert_int_equal(info.mmap[3].base, 3ULL << 20);
	assert_int_equal(info.mmap[3].type, 4);
	free(m.buf);

	/* An empty map is fine. */
	mbi_begin(&m);
	mbi_mmap(&m, 24, 0, 0);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.mmap_count, 0);
	free(m.buf);

	static const uint32_t bad_sizes[] = { 0, 8, 20, 23, 28, 0xfffffffc };

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		mbi_begin(&m);
		off = mbi_mmap(&m, 24, 0, 2);
		mbi_end(&m);
		put32(m.buf + off + 8, bad_sizes[i]);
		expect_error(&m, "memory map entry_size");
		free(m.buf);
	}

	mbi_begin(&m);
	mbi_mmap(&m, 24, 1, 2);
	mbi_end(&m);
	expect_error(&m, "entry_version 1");
	free(m.buf);

	/* An entry larger than the whole tag. */
	mbi_begin(&m);
	off = mbi_mmap(&m, 24, 0, 2);
	mbi_end(&m);
	put32(m.buf + off + 8, 0x80000000);
	expect_error(&m, "0x30 bytes of entries, not a multiple of entry_size 2147483648");
	free(m.buf);

	/* Half an entry at the end of the tag. */
	mbi_begin(&m);
	off = mbi_mmap(&m, 24, 0, 2);
	mbi_end(&m);
	put32(m.buf + off + 8, 32);
	expect_error(&m, "0x30 bytes of entries, not a multiple of entry_size 32");
	free(m.buf);

	mbi_begin(&m);
	mbi_tag(&m, MB2_TAG_MMAP, "\x18\0\0", 3);
	mbi_end(&m);
	expect_error(&m, "has size 0xb, less than the 0x10");
	free(m.buf);
}

static void test_too_many_mmap_entries_is_a_warning(void **state)
{
	struct mbi m;
	const char *why;

	(void)state;
	mbi_begin(&m);
	mbi_mmap(&m, 24, 0, MB2_MAX_MMAP + 72);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.mmap_count, MB2_MAX_MMAP);
	assert_int_equal(info.mmap_total, MB2_MAX_MMAP + 72);
	assert_true(info.warnings & MB2_WARN_MMAP_TRUNCATED);
	assert_int_equal(info.mmap[MB2_MAX_MMAP - 1].base, (uint64_t)(MB2_MAX_MMAP - 1) << 20);
	free(m.buf);
}

static void test_acpi_tags(void **state)
{
	struct mbi m;
	const char *why;

	(void)state;
	mbi_begin(&m);
	mbi_acpi(&m, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN, 0x11);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.acpi_version, 1);
	assert_int_equal(info.rsdp_len, MB2_RSDP_V1_LEN);
	free(m.buf);

	/* The new one wins whatever the order. */
	mbi_begin(&m);
	mbi_acpi(&m, MB2_TAG_ACPI_NEW, MB2_RSDP_V2_LEN, 0x22);
	mbi_acpi(&m, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN, 0x11);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_int_equal(info.acpi_version, 2);
	assert_int_equal(((const uint8_t *)info.rsdp)[8], 0x22);
	assert_int_equal(info.warnings, 0);
	free(m.buf);

	mbi_begin(&m);
	mbi_acpi(&m, MB2_TAG_ACPI_OLD, MB2_RSDP_V1_LEN - 1, 0x11);
	mbi_end(&m);
	expect_error(&m, "(type 14) at offset 0x8 has size 0x1b, less than the 0x1c");
	free(m.buf);

	mbi_begin(&m);
	mbi_acpi(&m, MB2_TAG_ACPI_NEW, MB2_RSDP_V1_LEN, 0x22);
	mbi_end(&m);
	expect_error(&m, "(type 15) at offset 0x8 has size 0x1c, less than the 0x2c");
	free(m.buf);
}

static void test_duplicates_keep_first_and_warn(void **state)
{
	struct mbi m;
	const char *why;

	(void)state;
	mbi_begin(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "first");
	mbi_mmap(&m, 24, 0, 2);
	mbi_string(&m, MB2_TAG_CMDLINE, "second");
	mbi_mmap(&m, 24, 0, 5);
	mbi_end(&m);
	assert_int_equal(parse(&m, &why), 0);
	assert_string_equal(info.cmdline, "first");
	assert_int_equal(info.mmap_count, 2);
	assert_true(info.warnings & MB2_WARN_DUPLICATE_TAG);
	free(m.buf);
}

static void test_memory_type_names(void **state)
{
	(void)state;
	assert_string_equal(mb2_memory_type_name(MB2_MEMORY_AVAILABLE), "available");
	assert_string_equal(mb2_memory_type_name(MB2_MEMORY_RESERVED), "reserved");
	assert_string_equal(mb2_memory_type_name(MB2_MEMORY_ACPI_RECLAIMABLE),
			    "ACPI reclaimable");
	assert_string_equal(mb2_memory_type_name(MB2_MEMORY_NVS), "ACPI NVS");
	assert_string_equal(mb2_memory_type_name(MB2_MEMORY_BADRAM), "bad RAM");
	assert_string_equal(mb2_memory_type_name(0), "unknown");
	assert_string_equal(mb2_memory_type_name(77), "unknown");
}

static bool inside(const void *p, size_t n, const uint8_t *buf, size_t len)
{
	return (const uint8_t *)p >= buf && (const uint8_t *)p + n <= buf + len;
}

/* Random byte corruption: never a crash or an out-of-bounds read (ASan),
 * and whatever is accepted points inside the buffer. */
static void test_random_corruption(void **state)
{
	struct mbi m;

	(void)state;
	build_full(&m);
	srand(12345);
	for (int round = 0; round < 4000; round++) {
		uint8_t *copy = exact_copy(m.buf, m.len);
		int flips = 1 + rand() % 4;
		const char *why;

		for (int i = 0; i < flips; i++) {
			size_t at = (size_t)rand() % m.len;

			copy[at] = rand() % 3 ? (uint8_t)rand() : (uint8_t)(copy[at] ^ 0x80);
		}
		if (mb2_parse(copy, m.len, &info, &why) == 0) {
			if (info.cmdline)
				assert_true(inside(info.cmdline, strlen(info.cmdline) + 1,
						   copy, m.len));
			for (size_t i = 0; i < info.module_count; i++) {
				assert_true(info.modules[i].start <= info.modules[i].end);
				assert_true(inside(info.modules[i].cmdline,
						   strlen(info.modules[i].cmdline) + 1,
						   copy, m.len));
			}
			if (info.rsdp)
				assert_true(inside(info.rsdp, info.rsdp_len, copy, m.len));
		} else {
			assert_true(strlen(why) > 10 && strlen(why) < MB2_WHY_LEN);
		}
		free(copy);
	}
	free(m.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_information),
		cmocka_unit_test(test_only_end_tag),
		cmocka_unit_test(test_truncated_readable_every_offset),
		cmocka_unit_test(test_truncated_total_size_every_offset),
		cmocka_unit_test(test_fixed_part_errors),
		cmocka_unit_test(test_bad_tag_sizes),
		cmocka_unit_test(test_missing_end_tag),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_too_many_modules_is_a_warning),
		cmocka_unit_test(test_memory_map_shapes),
		cmocka_unit_test(test_too_many_mmap_entries_is_a_warning),
		cmocka_unit_test(test_acpi_tags),
		cmocka_unit_test(test_duplicates_keep_first_and_warn),
		cmocka_unit_test(test_memory_type_names),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests_name("hv-common/multiboot2", tests, NULL, NULL);
}
