/*
 * gzip'd kernels: detection, inflation byte for byte, and refusal of
 * truncated, corrupt and oversized streams with a sentence, under ASan.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "dom0-tools/lib/libvmctl/internal.h"

#define PLAIN_SIZE	(300u * 1024)

static uint8_t *plain_data(void)
{
	uint8_t *p = malloc(PLAIN_SIZE);

	assert_non_null(p);
	/* Compressible but not trivially: a short period with noise. */
	for (size_t i = 0; i < PLAIN_SIZE; i++)
		p[i] = (uint8_t)(i * 31 + (i >> 9) * 7);
	return p;
}

/* gzip `len` bytes with zlib (a gzip header, as gzip(1) writes). */
static uint8_t *gzip_of(const uint8_t *src, size_t len, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = compressBound(len) + 64;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void test_detects_gzip(void **state)
{
	const uint8_t gz[] = { 0x1f, 0x8b, 8, 0 }, elf[] = { 0x7f, 'E', 'L', 'F' };

	(void)state;
	assert_true(vmctl_is_gzip(gz, sizeof(gz)));
	assert_false(vmctl_is_gzip(elf, sizeof(elf)));
	assert_false(vmctl_is_gzip(gz, 1));
	assert_false(vmctl_is_gzip(gz, 0));
}

static void test_inflates_byte_for_byte(void **state)
{
	uint8_t *plain = plain_data(), *gz;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	(void)state;
	gz = gzip_of(plain, PLAIN_SIZE, &gz_len);
	assert_true(gz_len < PLAIN_SIZE);
	assert_int_equal(vmctl_gunzip(gz, gz_len, 1u << 20, "k", &out, &out_len), 0);
	assert_int_equal(out_len, PLAIN_SIZE);
	assert_memory_equal(out, plain, PLAIN_SIZE);
	free(out);
	free(gz);
	free(plain);
}

/* The trailer's length is checked too (zlib), not only used as a hint. */
static void test_wrong_length_trailer(void **state)
{
	uint8_t *plain = plain_data(), *gz;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	(void)state;
	gz = gzip_of(plain, PLAIN_SIZE, &gz_len);
	memset(gz + gz_len - 4, 0, 4);
	gz[gz_len - 4] = 1;
	/* The CRC still matches, ISIZE does not: zlib checks it. */
	assert_int_equal(vmctl_gunzip(gz, gz_len, 1u << 20, "k", &out, &out_len), -EINVAL);
	assert_non_null(strstr(vmctl_last_error(), "k: corrupt gzip data"));
	free(gz);
	free(plain);
}

static void test_truncated(void **state)
{
	uint8_t *plain = plain_data(), *gz;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	(void)state;
	gz = gzip_of(plain, PLAIN_SIZE, &gz_len);
	/* Cut in the middle of the deflate data, and just before the trailer. */
	assert_int_equal(vmctl_gunzip(gz, gz_len / 2, 1u << 20, "kernel 'x'", &out, &out_len),
			 -EINVAL);
	assert_string_equal(vmctl_last_error(), "kernel 'x': truncated gzip data");
	assert_int_equal(vmctl_gunzip(gz, gz_len - 6, 1u << 20, "kernel 'x'", &out, &out_len),
			 -EINVAL);
	assert_string_equal(vmctl_last_error(), "kernel 'x': truncated gzip data");
	assert_null(out);
	free(gz);
	free(plain);
}

static void test_corrupt(void **state)
{
	uint8_t *plain = plain_data(), *gz;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	(void)state;
	gz = gzip_of(plain, PLAIN_SIZE, &gz_len);
	for (size_t i = 20; i < 60; i++)
		gz[i] ^= 0x5a;
	assert_int_equal(vmctl_gunzip(gz, gz_len, 1u << 20, "k", &out, &out_len), -EINVAL);
	assert_non_null(strstr(vmctl_last_error(), "k: corrupt gzip data ("));
	/* Not gzip at all. */
	assert_int_equal(vmctl_gunzip(plain, 100, 1u << 20, "k", &out, &out_len), -EINVAL);
	assert_string_equal(vmctl_last_error(), "k: not gzip data");
	assert_null(out);
	free(gz);
	free(plain);
}

/* A small file that inflates past the domain's memory is refused. */
static void test_bomb_bounded(void **state)
{
	uint8_t *zeroes = calloc(1, 8u << 20), *gz;
	size_t gz_len, out_len = 0;
	void *out = NULL;

	(void)state;
	assert_non_null(zeroes);
	gz = gzip_of(zeroes, 8u << 20, &gz_len);
	assert_true(gz_len < 64 * 1024);
	assert_int_equal(vmctl_gunzip(gz, gz_len, 2u << 20, "k", &out, &out_len), -EINVAL);
	assert_string_equal(vmctl_last_error(),
			    "k: gzip data expands to more than 2 MiB, the domain's memory");
	assert_null(out);
	free(gz);
	free(zeroes);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/vmctl-test-XXXXXX";
	size_t size = 0;
	void *buf = NULL;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello", 5), 5);
	close(fd);
	assert_int_equal(vmctl_read_file(path, 100, "kernel", &buf, &size), 0);
	assert_int_equal(size, 5);
	assert_memory_equal(buf, "hello", 5);
	free(buf);
	buf = NULL;
	assert_int_equal(vmctl_read_file(path, 4, "kernel", &buf, &size), -EINVAL);
	assert_non_null(strstr(vmctl_last_error(), "larger than the domain's memory (5 bytes)"));
	unlink(path);
	assert_int_equal(vmctl_read_file(path, 100, "ramdisk", &buf, &size), -ENOENT);
	assert_non_null(strstr(vmctl_last_error(), "ramdisk '/tmp/vmctl-test-"));
	assert_non_null(strstr(vmctl_last_error(), "No such file or directory"));
	assert_int_equal(vmctl_read_file("/tmp", 100, "kernel", &buf, &size), -EINVAL);
	assert_string_equal(vmctl_last_error(), "kernel '/tmp': not a regular file");
	assert_null(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detects_gzip),
		cmocka_unit_test(test_inflates_byte_for_byte),
		cmocka_unit_test(test_wrong_length_trailer),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_bomb_bounded),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
