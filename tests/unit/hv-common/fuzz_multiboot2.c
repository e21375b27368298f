/* libFuzzer target: mb2_parse() on arbitrary bytes. The input is copied
 * to an 8-byte aligned buffer of exactly its size; the first byte picks
 * whether total_size is forced to the input length, so that the fuzzer
 * reaches the tag walk quickly. Whatever is accepted must point inside
 * the buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "umbra/multiboot2.h"

static struct boot_info info;

static void require(int cond)
{
	if (!cond)
		__builtin_trap();
}

static int inside(const void *p, size_t n, const uint8_t *buf, size_t len)
{
	return (const uint8_t *)p >= buf && (const uint8_t *)p + n <= buf + len;
}

static void check_accepted(const uint8_t *buf, size_t len)
{
	require(info.total_size <= len);
	if (info.cmdline)
		require(inside(info.cmdline, strlen(info.cmdline) + 1, buf, len));
	if (info.loader_name)
		require(inside(info.loader_name, strlen(info.loader_name) + 1, buf, len));
	require(info.mmap_count <= MB2_MAX_MMAP && info.mmap_count <= info.mmap_total);
	require(info.module_count <= MB2_MAX_MODULES);
	for (size_t i = 0; i < info.module_count; i++) {
		require(info.modules[i].start <= info.modules[i].end);
		require(inside(info.modules[i].cmdline, strlen(info.modules[i].cmdline) + 1,
			       buf, len));
	}
	if (info.rsdp)
		require(inside(info.rsdp, info.rsdp_len, buf, len));
	if (info.elf_sections)
		require(inside(info.elf_sections, info.elf_sections_size, buf, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = aligned_alloc(8, (len + 7) & ~(size_t)7);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	if ((data[0] & 1) && len >= 8) {
		uint32_t total = (uint32_t)len;

		memcpy(buf, &total, 4);
		memset(buf + 4, 0, 4);
	}
	if (mb2_parse(buf, len, &info, &why) == 0)
		check_accepted(buf, len);
	else
		require(why && strlen(why) > 0 && strlen(why) < MB2_WHY_LEN);
	free(buf);
	return 0;
}
