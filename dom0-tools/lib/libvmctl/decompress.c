/*
 * Compressed kernels, as Xen's libxenguest takes them: the format is
 * known by its magic bytes (gzip through zlib, xz and the older lzma
 * format through liblzma, zstd through libzstd); bzip2, lzo and lz4 are
 * recognised and refused by name rather than mistaken for an ELF image.
 * Every decompressor writes into an outbuf bounded by the caller (the
 * domain's memory): a small file that expands to gigabytes is refused,
 * not swallowed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FIRST_GUESS	(1u << 20)

struct magic {
	enum vmctl_compression kind;
	const char *name;
	uint8_t len;
	uint8_t bytes[6];
};

/* The magic numbers Linux's boot code and Xen's probe know. */
static const struct magic magics[] = {
	{ VMCTL_COMP_GZIP,  "gzip",  2, { 0x1f, 0x8b } },
	{ VMCTL_COMP_XZ,    "xz",    6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
	{ VMCTL_COMP_LZMA,  "lzma",  3, { 0x5d, 0x00, 0x00 } },
	{ VMCTL_COMP_ZSTD,  "zstd",  4, { 0x28, 0xb5, 0x2f, 0xfd } },
	{ VMCTL_COMP_BZIP2, "bzip2", 3, { 'B', 'Z', 'h' } },
	{ VMCTL_COMP_LZO,   "lzo",   4, { 0x89, 'L', 'Z', 'O' } },
	{ VMCTL_COMP_LZ4,   "lz4",   4, { 0x02, 0x21, 0x4c, 0x18 } },
};

enum vmctl_compression vmctl_compression_of(const void *data, size_t size)
{
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (size >= magics[i].len && !memcmp(data, magics[i].bytes, magics[i].len))
			return magics[i].kind;
	return VMCTL_COMP_NONE;
}

const char *vmctl_compression_name(enum vmctl_compression kind)
{
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (magics[i].kind == kind)
			return magics[i].name;
	return "none";
}

/*
 * Linux's build appends the uncompressed size (4 bytes, little-endian)
 * to every compressed payload (gzip's ISIZE is the same field): a first
 * guess for the buffer, never trusted beyond the limit.
 */
size_t vmctl_size_hint(const void *data, size_t size, size_t limit)
{
	const uint8_t *p = (const uint8_t *)data + size - 4;
	size_t hint;

	if (size < 16)
		return FIRST_GUESS < limit ? FIRST_GUESS : limit;
	hint = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
	if (hint < size)
		hint = size * 4;
	return hint < limit ? hint : limit;
}

int vmctl_outbuf_init(struct vmctl_outbuf *ob, size_t hint, size_t limit)
{
	ob->limit = limit;
	ob->cap = hint ? hint : 1;
	ob->len = 0;
	ob->buf = malloc(ob->cap);
	return ob->buf ? 0 : -ENOMEM;
}

int vmctl_outbuf_grow(struct vmctl_outbuf *ob)
{
	size_t ncap;
	uint8_t *nbuf;

	if (ob->cap >= ob->limit)
		return -E2BIG;
	ncap = ob->cap * 2 < ob->limit ? ob->cap * 2 : ob->limit;
	nbuf = realloc(ob->buf, ncap);
	if (!nbuf)
		return -ENOMEM;
	ob->buf = nbuf;
	ob->cap = ncap;
	return 0;
}

/* Hand the bytes over, trimmed to what was written. */
void vmctl_outbuf_take(struct vmctl_outbuf *ob, void **out, size_t *out_size)
{
	void *trimmed = ob->len ? realloc(ob->buf, ob->len) : NULL;

	*out = trimmed ? trimmed : ob->buf;
	*out_size = ob->len;
	ob->buf = NULL;
}

void vmctl_outbuf_free(struct vmctl_outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
}

/* The sentence for a decompressor's failure class. */
int vmctl_decompress_fail(int rc, const char *what, const char *format,
			  size_t limit, const char *detail)
{
	switch (rc) {
	case -EPIPE:
		return vmctl_fail(-EINVAL, "%s: truncated %s data", what, format);
	case -E2BIG:
		return vmctl_fail(-EINVAL, "%s: %s data expands to more than %llu MiB, the domain's memory",
				  what, format, MIB(limit));
	case -ENOMEM:
		return vmctl_fail(-ENOMEM, "%s: out of memory decompressing it", what);
	default:
		return vmctl_fail(-EINVAL, "%s: corrupt %s data (%s)", what, format,
				  detail ? detail : "decoder failed");
	}
}

int vmctl_decompress(const void *data, size_t size, size_t limit, const char *what,
		     void **out, size_t *out_size)
{
	enum vmctl_compression kind = vmctl_compression_of(data, size);

	switch (kind) {
	case VMCTL_COMP_GZIP:
		return vmctl_gunzip(data, size, limit, what, out, out_size);
	case VMCTL_COMP_XZ:
	case VMCTL_COMP_LZMA:
		return vmctl_unxz(data, size, kind == VMCTL_COMP_LZMA, limit, what, out, out_size);
	case VMCTL_COMP_ZSTD:
		return vmctl_unzstd(data, size, limit, what, out, out_size);
	case VMCTL_COMP_NONE:
		return vmctl_fail(-EINVAL, "%s: unknown compression (magic %02x %02x %02x %02x)",
				  what, size > 0 ? ((const uint8_t *)data)[0] : 0,
				  size > 1 ? ((const uint8_t *)data)[1] : 0,
				  size > 2 ? ((const uint8_t *)data)[2] : 0,
				  size > 3 ? ((const uint8_t *)data)[3] : 0);
	default:
		return vmctl_fail(-EINVAL, "%s: %s compression is not supported (gzip, xz, lzma or zstd are)",
				  what, vmctl_compression_name(kind));
	}
}
