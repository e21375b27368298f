/* Multiboot2 boot information parser (see umbra/multiboot2.h).
 *
 * The information comes from outside the hypervisor and is trusted no
 * further than it is checked: every length is compared with what is
 * left before it is used, nothing is read outside [mbi, mbi + total_size),
 * and total_size itself is checked against what the caller can read. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/errno.h"
#include "umbra/multiboot2.h"
#include "umbra/string.h"
#include "umbra/vsnprintf.h"

#define TAG_HEADER_LEN		8
#define MODULE_FIXED_LEN	16	/* type, size, mod_start, mod_end */
#define MEMINFO_LEN		16
#define MMAP_FIXED_LEN		16	/* type, size, entry_size, version */
#define MMAP_MIN_ENTRY_LEN	24	/* base, length, type, reserved */
#define ELF_FIXED_LEN		20	/* type, size, num, entsize, shndx */

/* The tag being looked at. */
struct tag {
	const uint8_t *p;	/* its first byte */
	unsigned int index;	/* 0 for the first tag */
	uint32_t offset;	/* from the start of the information */
	uint32_t type;
	uint32_t size;
};

static uint32_t read32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t read64(const uint8_t *p)
{
	return (uint64_t)read32(p) | (uint64_t)read32(p + 4) << 32;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct boot_info *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A failure message that starts by naming the tag. */
__attribute__((format(printf, 3, 4)))
static int tag_fail(struct boot_info *out, const struct tag *t, const char *fmt, ...)
{
	int n = snprintf(out->why, sizeof(out->why), "tag %u (type %u) at offset 0x%x ",
			 t->index, t->type, t->offset);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(out->why))
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(out->why + n, sizeof(out->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A NUL-terminated string filling the rest of the tag from byte `from`. */
static int tag_string(struct boot_info *out, const struct tag *t, uint32_t from,
		      const char **str)
{
	if (t->size <= from || !memchr(t->p + from, '\0', t->size - from))
		return tag_fail(out, t, "has a string not NUL-terminated inside its size 0x%x",
				t->size);
	*str = (const char *)t->p + from;
	return 0;
}

static int tag_min_size(struct boot_info *out, const struct tag *t, uint32_t min)
{
	if (t->size < min)
		return tag_fail(out, t, "has size 0x%x, less than the 0x%x its type needs",
				t->size, min);
	return 0;
}

/* First tag of a single-valued type wins; a repeat is only noted. */
static bool first_of_kind(struct boot_info *out, bool seen)
{
	if (seen)
		out->warnings |= MB2_WARN_DUPLICATE_TAG;
	return !seen;
}

static int parse_string_tag(struct boot_info *out, const struct tag *t,
			    const char **dst)
{
	const char *s;
	int rc = tag_string(out, t, TAG_HEADER_LEN, &s);

	if (rc == 0 && first_of_kind(out, *dst != NULL))
		*dst = s;
	return rc;
}

static int parse_module(struct boot_info *out, const struct tag *t)
{
	uint32_t start, end;
	const char *cmdline;
	int rc = tag_min_size(out, t, MODULE_FIXED_LEN);

	if (rc)
		return rc;
	start = read32(t->p + 8);
	end = read32(t->p + 12);
	if (start > end)
		return tag_fail(out, t, "module starts at 0x%x, after its end 0x%x", start, end);
	rc = tag_string(out, t, MODULE_FIXED_LEN, &cmdline);
	if (rc)
		return rc;
	if (out->module_count < MB2_MAX_MODULES) {
		struct mb2_module *m = &out->modules[out->module_count++];

		m->start = start;
		m->end = end;
		m->cmdline = cmdline;
	} else {
		out->warnings |= MB2_WARN_MODULES_TRUNCATED;
	}
	out->module_total++;
	return 0;
}

static int parse_meminfo(struct boot_info *out, const struct tag *t)
{
	int rc = tag_min_size(out, t, MEMINFO_LEN);

	if (rc == 0 && first_of_kind(out, out->has_meminfo)) {
		out->has_meminfo = true;
		out->mem_lower_kib = read32(t->p + 8);
		out->mem_upper_kib = read32(t->p + 12);
	}
	return rc;
}

static void store_mmap_entries(struct boot_info *out, const struct tag *t,
			       uint32_t entry_size, uint32_t count)
{
	const uint8_t *e = t->p + MMAP_FIXED_LEN;

	for (uint32_t i = 0; i < count; i++, e += entry_size) {
		struct mb2_mmap_entry *m;

		if (out->mmap_count == MB2_MAX_MMAP) {
			out->warnings |= MB2_WARN_MMAP_TRUNCATED;
			break;
		}
		m = &out->mmap[out->mmap_count++];
		m->base = read64(e);
		m->len = read64(e + 8);
		m->type = read32(e + 16);
	}
	out->mmap_total = count;
}

static int parse_mmap(struct boot_info *out, const struct tag *t, bool *seen)
{
	uint32_t entry_size, version, bytes;
	int rc = tag_min_size(out, t, MMAP_FIXED_LEN);

	if (rc)
		return rc;
	entry_size = read32(t->p + 8);
	version = read32(t->p + 12);
	if (entry_size < MMAP_MIN_ENTRY_LEN || entry_size % 8)
		return tag_fail(out, t, "has memory map entry_size %u (needs a multiple of 8, >= %u)",
				entry_size, MMAP_MIN_ENTRY_LEN);
	if (version != 0)
		return tag_fail(out, t, "has memory map entry_version %u (only 0 is known)",
				version);
	bytes = t->size - MMAP_FIXED_LEN;
	if (bytes % entry_size)
		return tag_fail(out, t, "has 0x%x bytes of entries, not a multiple of entry_size %u",
				bytes, entry_size);
	if (first_of_kind(out, *seen)) {
		*seen = true;
		store_mmap_entries(out, t, entry_size, bytes / entry_size);
	}
	return 0;
}

static int parse_acpi(struct boot_info *out, const struct tag *t)
{
	unsigned int version = t->type == MB2_TAG_ACPI_NEW ? 2 : 1;
	uint32_t need = version == 2 ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN;
	int rc = tag_min_size(out, t, TAG_HEADER_LEN + need);

	if (rc)
		return rc;
	if (out->acpi_version == version)
		out->warnings |= MB2_WARN_DUPLICATE_TAG;
	if (out->acpi_version < version) {	/* the newer table wins */
		out->rsdp = t->p + TAG_HEADER_LEN;
		out->rsdp_len = t->size - TAG_HEADER_LEN;
		out->acpi_version = version;
	}
	return 0;
}

static int parse_elf_sections(struct boot_info *out, const struct tag *t)
{
	int rc = tag_min_size(out, t, ELF_FIXED_LEN);

	if (rc == 0 && first_of_kind(out, out->elf_sections != NULL)) {
		out->elf_sections = t->p;
		out->elf_sections_size = t->size;
	}
	return rc;
}

static int parse_tag(struct boot_info *out, const struct tag *t, bool *mmap_seen)
{
	switch (t->type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(out, t, &out->cmdline);
	case MB2_TAG_BOOT_LOADER_NAME:
		return parse_string_tag(out, t, &out->loader_name);
	case MB2_TAG_MODULE:
		return parse_module(out, t);
	case MB2_TAG_BASIC_MEMINFO:
		return parse_meminfo(out, t);
	case MB2_TAG_MMAP:
		return parse_mmap(out, t, mmap_seen);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_acpi(out, t);
	case MB2_TAG_ELF_SECTIONS:
		return parse_elf_sections(out, t);
	default:
		return 0;	/* the specification says to ignore it */
	}
}

static int check_fixed_part(const uint8_t *base, size_t readable,
			    struct boot_info *out)
{
	uint32_t total, reserved;

	if (!base)
		return fail(out, "no boot information (null pointer)");
	if ((uintptr_t)base % MB2_TAG_ALIGN)
		return fail(out, "boot information at %p is not 8-byte aligned",
			    (const void *)base);
	if (readable < 8)
		return fail(out, "only %zu bytes of boot information readable, "
			    "less than its 8-byte header", readable);
	total = read32(base);
	reserved = read32(base + 4);
	if (total < 8 + TAG_HEADER_LEN)
		return fail(out, "total_size 0x%x is below 0x10 (header and end tag)", total);
	if (total > readable)
		return fail(out, "total_size 0x%x exceeds the 0x%zx bytes readable", total,
			    readable);
	if (reserved != 0)
		return fail(out, "reserved field is 0x%x, not 0 (not multiboot2 information?)",
			    reserved);
	out->total_size = total;
	return 0;
}

static int walk_tags(const uint8_t *base, struct boot_info *out)
{
	uint32_t total = out->total_size;
	uint64_t offset = 8;
	bool mmap_seen = false;
	struct tag t = { .index = 0 };
	int rc;

	for (;; t.index++) {
		if (offset > total || total - offset < TAG_HEADER_LEN)
			return fail(out, "no end tag before total_size 0x%x (%u tags read)",
				    total, t.index);
		t.p = base + offset;
		t.offset = (uint32_t)offset;
		t.type = read32(t.p);
		t.size = read32(t.p + 4);
		if (t.size < TAG_HEADER_LEN)
			return tag_fail(out, &t, "has size 0x%x, less than its 8-byte header",
					t.size);
		if (t.size > total - offset)
			return tag_fail(out, &t, "of size 0x%x runs past total_size 0x%x",
					t.size, total);
		if (t.type == MB2_TAG_END)
			return t.size == TAG_HEADER_LEN ? 0 :
			       tag_fail(out, &t, "is an end tag of size 0x%x, not 8", t.size);
		rc = parse_tag(out, &t, &mmap_seen);
		if (rc)
			return rc;
		offset = (offset + t.size + MB2_TAG_ALIGN - 1) & ~(uint64_t)(MB2_TAG_ALIGN - 1);
	}
}

int mb2_parse(const void *mbi, size_t readable, struct boot_info *out,
	      const char **why)
{
	const uint8_t *base = mbi;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_fixed_part(base, readable, out);
	if (rc == 0)
		rc = walk_tags(base, out);
	if (why)
		*why = rc ? out->why : NULL;
	return rc;
}

const char *mb2_memory_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE: return "available";
	case MB2_MEMORY_RESERVED: return "reserved";
	case MB2_MEMORY_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MB2_MEMORY_NVS: return "ACPI NVS";
	case MB2_MEMORY_BADRAM: return "bad RAM";
	default: return "unknown";
	}
}
