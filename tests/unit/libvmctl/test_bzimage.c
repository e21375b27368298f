/*
 * bzImages as PVH kernels (dom0-tools/lib/libvmctl/bzimage.c,
 * decompress.c, unxz.c, unzstd.c), under ASan: crafted images with a
 * real setup header whose payload is the hello guest's ELF compressed
 * with gzip, xz, lzma and zstd (plus Linux's appended size) come back
 * byte for byte; truncated images and payloads, a file that is not a
 * bzImage, unknown and unsupported compressions, corrupt streams, a
 * payload that expands beyond the domain's memory and a vmlinux without
 * a PVH note are refused with a sentence.
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
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "umbra/linux_boot.h"
#include "tests/unit/hvm/elf_build.h"

#define MEM_SIZE	(8u << 20)
#define SETUP_SECTS	3
#define SETUP_SIZE	((SETUP_SECTS + 1) * 512)
#define STUB_SIZE	0x200	/* "decompressor" bytes before the payload */

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob hello(void)
{
	struct blob b;
	void *p;

	assert_int_equal(vmctl_read_file(VMCTL_HELLO_ELF, MEM_SIZE, "kernel", &p, &b.len), 0);
	b.p = p;
	return b;
}

static struct blob gzip_of(struct blob in)
{
	struct blob out = { malloc(compressBound(in.len) + 64), 0 };
	z_stream zs = { 0 };

	assert_non_null(out.p);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = in.p;
	zs.avail_in = (uInt)in.len;
	zs.next_out = out.p;
	zs.avail_out = (uInt)(compressBound(in.len) + 64);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	out.len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static struct blob xz_of(struct blob in, bool is_lzma_alone)
{
	size_t cap = in.len + in.len / 2 + 4096;
	struct blob out = { malloc(cap), 0 };
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;

	assert_non_null(out.p);
	if (!is_lzma_alone) {
		/* As Linux's scripts/xz_wrap.sh: CRC32 check, x86 BCJ, LZMA2. */
		assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in.p,
							 in.len, out.p, &out.len, cap), LZMA_OK);
		return out;
	}
	assert_false(lzma_lzma_preset(&opt, 6));
	assert_int_equal(lzma_alone_encoder(&s, &opt), LZMA_OK);
	s.next_in = in.p;
	s.avail_in = in.len;
	s.next_out = out.p;
	s.avail_out = cap;
	assert_int_equal(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
	out.len = cap - s.avail_out;
	lzma_end(&s);
	return out;
}

static struct blob zstd_of(struct blob in)
{
	struct blob out = { malloc(ZSTD_compressBound(in.len)), 0 };
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	/* As zstd(1) writes Linux's payload: level 19+, a checksum. */
	assert_non_null(out.p);
	assert_non_null(cc);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 19)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	out.len = ZSTD_compress2(cc, out.p, ZSTD_compressBound(in.len), in.p, in.len);
	assert_false(ZSTD_isError(out.len));
	ZSTD_freeCCtx(cc);
	return out;
}

static void put(uint8_t *p, size_t off, uint64_t v, unsigned int len)
{
	memcpy(p + off, &v, len);	/* little-endian host, as the header */
}

/*
 * A bzImage around `payload` (to which Linux's 4-byte uncompressed size,
 * `plain_len`, is appended), with the fields common/bzimage.c checks.
 */
static struct blob bzimage_of(struct blob payload, size_t plain_len)
{
	size_t plen = payload.len + 4, ksize = STUB_SIZE + plen;
	struct blob b = { calloc(1, SETUP_SIZE + ksize), SETUP_SIZE + ksize };

	assert_non_null(b.p);
	put(b.p, LB_SETUP_SECTS, SETUP_SECTS, 1);
	put(b.p, LB_SYSSIZE, (ksize + 15) / 16 - 1, 4);
	put(b.p, LB_BOOT_FLAG, LB_BOOT_FLAG_MAGIC, 2);
	put(b.p, LB_JUMP_LEN, LB_HEADER_MIN_END - LB_HEADER, 1);
	put(b.p, LB_HEADER, LB_HEADER_MAGIC, 4);
	put(b.p, LB_VERSION, 0x020f, 2);
	put(b.p, LB_LOADFLAGS, LB_LOADED_HIGH, 1);
	put(b.p, LB_XLOADFLAGS, LB_XLF_KERNEL_64, 2);
	put(b.p, LB_KERNEL_ALIGNMENT, 0x200000, 4);
	put(b.p, LB_RELOCATABLE, 1, 1);
	put(b.p, LB_PREF_ADDRESS, 0x1000000, 8);
	put(b.p, LB_INIT_SIZE, 64u << 20, 4);
	put(b.p, LB_PAYLOAD_OFFSET, STUB_SIZE, 4);
	put(b.p, LB_PAYLOAD_LENGTH, plen, 4);
	memset(b.p + SETUP_SIZE, 0x90, STUB_SIZE);
	memcpy(b.p + SETUP_SIZE + STUB_SIZE, payload.p, payload.len);
	put(b.p, SETUP_SIZE + STUB_SIZE + payload.len, plain_len, 4);
	return b;
}

static void refused(int rc, const char *why)
{
	assert_int_equal(rc, -EINVAL);
	if (!strstr(vmctl_last_error(), why))
		fail_msg("error '%s' lacks '%s'", vmctl_last_error(), why);
}

static void extracts(struct blob (*compress)(struct blob))
{
	struct blob elf = hello(), z = compress(elf), bz = bzimage_of(z, elf.len);
	size_t out_size = 0;
	void *out = NULL;

	assert_true(vmctl_is_bzimage(bz.p, bz.len));
	assert_int_equal(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &out_size), 0);
	assert_int_equal(out_size, elf.len);
	assert_memory_equal(out, elf.p, elf.len);
	free(out);
	free(bz.p);
	free(z.p);
	free(elf.p);
}

static struct blob xz_blob(struct blob in) { return xz_of(in, false); }
static struct blob lzma_blob(struct blob in) { return xz_of(in, true); }

static void test_gzip_payload(void **state) { (void)state; extracts(gzip_of); }
static void test_xz_payload(void **state) { (void)state; extracts(xz_blob); }
static void test_lzma_payload(void **state) { (void)state; extracts(lzma_blob); }
static void test_zstd_payload(void **state) { (void)state; extracts(zstd_of); }

static void test_magics(void **state)
{
	static const struct { const char *bytes; enum vmctl_compression kind; } m[] = {
		{ "\x1f\x8b\x08\x00\x00\x00", VMCTL_COMP_GZIP },
		{ "\xfd" "7zXZ\0", VMCTL_COMP_XZ },
		{ "\x5d\x00\x00\x80\x00\x00", VMCTL_COMP_LZMA },
		{ "\x28\xb5\x2f\xfd\x00\x00", VMCTL_COMP_ZSTD },
		{ "BZh91AY", VMCTL_COMP_BZIP2 },
		{ "\x89LZO\0\0", VMCTL_COMP_LZO },
		{ "\x02\x21\x4c\x18\0\0", VMCTL_COMP_LZ4 },
		{ "\x7f" "ELF\2\1", VMCTL_COMP_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		assert_int_equal(vmctl_compression_of(m[i].bytes, 6), m[i].kind);
	assert_int_equal(vmctl_compression_of("\x1f", 1), VMCTL_COMP_NONE);
	assert_string_equal(vmctl_compression_name(VMCTL_COMP_XZ), "xz");
}

/* A temporary file holding b; returns its path (static). */
static const char *file_of(struct blob b)
{
	static char path[] = "/tmp/test_bzimage.XXXXXX";
	int fd;

	strcpy(path, "/tmp/test_bzimage.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
	close(fd);
	return path;
}

/* The whole path vmctl create takes: the file read, unpacked, checked. */
static void test_files_read_bzimage(void **state)
{
	struct blob elf = hello(), z = xz_blob(elf), bz = bzimage_of(z, elf.len);
	const char *path = file_of(bz);
	struct vmctl_files f;

	(void)state;
	assert_int_equal(vmctl_files_read(&f, path, NULL, "console=hvc0", MEM_SIZE), 0);
	assert_int_equal(f.img.kernel_size, elf.len);
	assert_memory_equal(f.img.kernel, elf.p, elf.len);
	vmctl_files_free(&f);
	/* The same bzImage gzip'd as a whole file is unpacked twice. */
	free(z.p);
	z = gzip_of(bz);
	unlink(path);
	path = file_of(z);
	assert_int_equal(vmctl_files_read(&f, path, NULL, NULL, MEM_SIZE), 0);
	assert_memory_equal(f.img.kernel, elf.p, elf.len);
	vmctl_files_free(&f);
	unlink(path);
	free(bz.p);
	free(z.p);
	free(elf.p);
}

static void test_no_pvh_note(void **state)
{
	struct eb_spec spec;
	struct eb_layout lay;
	static uint8_t img[0x4000];
	struct blob elf = { img, 0 }, z, bz;
	struct vmctl_files f;
	const char *path;

	(void)state;
	eb_pvh_spec(&spec, 64, &(uint32_t){ 0x100040 });
	spec.nr_notes = 1;		/* the GNU note alone */
	elf.len = eb_build(&spec, img, sizeof(img), &lay);
	assert_true(elf.len > 0);
	z = zstd_of(elf);
	bz = bzimage_of(z, elf.len);
	path = file_of(bz);
	refused(vmctl_files_read(&f, path, NULL, NULL, MEM_SIZE),
		"no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
	unlink(path);
	free(bz.p);
	free(z.p);
}

static void test_truncated_images(void **state)
{
	struct blob elf = hello(), z = xz_blob(elf), bz = bzimage_of(z, elf.len);
	size_t n;
	void *out;

	(void)state;
	/* Cut inside the payload: the header says more than is there. */
	refused(vmctl_bzimage_extract(bz.p, bz.len - 100, MEM_SIZE, "k", &out, &n),
		"truncated");
	refused(vmctl_bzimage_extract(bz.p, SETUP_SIZE + STUB_SIZE + 10, MEM_SIZE, "k", &out, &n),
		"bzImage refused: truncated");
	/* Cut inside the setup code. */
	refused(vmctl_bzimage_extract(bz.p, SETUP_SIZE - 10, MEM_SIZE, "k", &out, &n),
		"bzImage refused: truncated: no protected-mode kernel");
	refused(vmctl_bzimage_extract(bz.p, 0x220, MEM_SIZE, "k", &out, &n),
		"too small for a Linux setup header");
	/* A payload whose length is cut short in the header: truncated xz. */
	put(bz.p, LB_PAYLOAD_LENGTH, z.len / 2, 4);
	refused(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &n),
		"k: truncated xz data");
	/* A payload placed past the end. */
	put(bz.p, LB_PAYLOAD_OFFSET, bz.len, 4);
	refused(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &n),
		"runs past the file's end");
	put(bz.p, LB_PAYLOAD_LENGTH, 0, 4);
	refused(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &n), "no payload");
	free(bz.p);
	free(z.p);
	free(elf.p);
}

static void test_not_bzimage(void **state)
{
	struct blob elf = hello(), z = gzip_of(elf), bz = bzimage_of(z, elf.len);
	size_t n;
	void *out;

	(void)state;
	assert_false(vmctl_is_bzimage(elf.p, elf.len));
	put(bz.p, LB_BOOT_FLAG, 0, 2);
	refused(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &n),
		"not a bzImage (no HdrS setup header)");
	put(bz.p, LB_BOOT_FLAG, LB_BOOT_FLAG_MAGIC, 2);
	put(bz.p, LB_VERSION, 0x0204, 2);
	refused(vmctl_bzimage_extract(bz.p, bz.len, MEM_SIZE, "k", &out, &n),
		"boot protocol older than 2.12");
	free(bz.p);
	free(z.p);
	free(elf.p);
}

static void test_compressions_refused(void **state)
{
	static const uint8_t bzip2[] = "BZh91AY&SYxxxxxxxxxxxxxxxx", odd[] = "\x01\x02\x03\x04xxxxxxxxxxxxxx";
	struct blob b2 = bzimage_of((struct blob){ (uint8_t *)bzip2, sizeof(bzip2) }, 1000);
	struct blob un = bzimage_of((struct blob){ (uint8_t *)odd, sizeof(odd) }, 1000);
	size_t n;
	void *out;

	(void)state;
	refused(vmctl_bzimage_extract(b2.p, b2.len, MEM_SIZE, "k", &out, &n),
		"k: bzip2 compression is not supported");
	refused(vmctl_bzimage_extract(un.p, un.len, MEM_SIZE, "k", &out, &n),
		"payload has an unknown compression (magic 01 02 03 04)");
	refused(vmctl_decompress(odd, sizeof(odd), MEM_SIZE, "k", &out, &n),
		"k: unknown compression");
	free(b2.p);
	free(un.p);
}

static void corrupt(struct blob (*compress)(struct blob), const char *why)
{
	struct blob elf = hello(), z = compress(elf);
	size_t n;
	void *out;

	for (size_t i = z.len / 3; i < z.len / 3 + 64; i++)
		z.p[i] ^= 0x5a;
	refused(vmctl_decompress(z.p, z.len, MEM_SIZE, "k", &out, &n), why);
	free(z.p);
	free(elf.p);
}

static void test_corrupt_streams(void **state)
{
	(void)state;
	corrupt(xz_blob, "k: corrupt xz data");
	corrupt(zstd_of, "k: corrupt zstd data");
	corrupt(gzip_of, "k: corrupt gzip data");
}

static void test_truncated_streams(void **state)
{
	struct blob elf = hello(), zs = zstd_of(elf), xz = xz_blob(elf), lz = lzma_blob(elf);
	size_t n;
	void *out;

	(void)state;
	refused(vmctl_decompress(zs.p, zs.len - 50, MEM_SIZE, "k", &out, &n), "k: truncated zstd data");
	refused(vmctl_decompress(xz.p, xz.len - 50, MEM_SIZE, "k", &out, &n), "k: truncated xz data");
	refused(vmctl_decompress(lz.p, lz.len / 2, MEM_SIZE, "k", &out, &n), "k: truncated lzma data");
	free(zs.p);
	free(xz.p);
	free(lz.p);
	free(elf.p);
}

static void test_over_limit(void **state)
{
	struct blob elf = hello(), zs = zstd_of(elf), xz = xz_blob(elf);
	size_t n, lim = elf.len / 2;
	void *out;

	(void)state;
	refused(vmctl_decompress(zs.p, zs.len, lim, "k", &out, &n), "expands to more than");
	refused(vmctl_decompress(xz.p, xz.len, lim, "k", &out, &n), "expands to more than");
	free(zs.p);
	free(xz.p);
	free(elf.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magics),
		cmocka_unit_test(test_gzip_payload),
		cmocka_unit_test(test_xz_payload),
		cmocka_unit_test(test_lzma_payload),
		cmocka_unit_test(test_zstd_payload),
		cmocka_unit_test(test_files_read_bzimage),
		cmocka_unit_test(test_no_pvh_note),
		cmocka_unit_test(test_truncated_images),
		cmocka_unit_test(test_not_bzimage),
		cmocka_unit_test(test_compressions_refused),
		cmocka_unit_test(test_corrupt_streams),
		cmocka_unit_test(test_truncated_streams),
		cmocka_unit_test(test_over_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
