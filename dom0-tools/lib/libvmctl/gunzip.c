/*
 * gzip-compressed kernels, inflated with zlib as Xen's libxenguest does.
 * The output is bounded by the caller (the domain's memory): a small
 * file that inflates to gigabytes is refused, not swallowed.
 */
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>

#include "internal.h"

#define GZIP_MAGIC0	0x1f
#define GZIP_MAGIC1	0x8b
#define GZIP_TRAILER	8	/* CRC32, ISIZE */
#define GZIP_WINDOW	(16 + MAX_WBITS)	/* zlib: expect a gzip header */

bool vmctl_is_gzip(const void *data, size_t size)
{
	const uint8_t *p = data;

	return size >= 2 && p[0] == GZIP_MAGIC0 && p[1] == GZIP_MAGIC1;
}

/* ISIZE: the uncompressed size modulo 2^32, a first guess for the buffer. */
static size_t size_hint(const uint8_t *p, size_t size, size_t limit)
{
	size_t isize;

	if (size < GZIP_TRAILER + 10)
		return 4096;
	p += size - 4;
	isize = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
	if (isize == 0)
		isize = 4096;
	return isize < limit ? isize : limit;
}

static int grow(z_stream *zs, uint8_t **buf, size_t *cap, size_t limit)
{
	size_t used = *cap - zs->avail_out, ncap;
	uint8_t *nbuf;

	if (*cap >= limit)
		return -E2BIG;
	ncap = *cap * 2 < limit ? *cap * 2 : limit;
	nbuf = realloc(*buf, ncap);
	if (!nbuf)
		return -ENOMEM;
	*buf = nbuf;
	*cap = ncap;
	zs->next_out = nbuf + used;
	zs->avail_out = (uInt)(ncap - used);
	return 0;
}

static int inflate_all(z_stream *zs, uint8_t **buf, size_t *cap, size_t limit)
{
	int zrc, rc;

	for (;;) {
		zrc = inflate(zs, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			return 0;
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return zrc == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
		if (zs->avail_out == 0) {
			rc = grow(zs, buf, cap, limit);
			if (rc)
				return rc;
		} else if (zs->avail_in == 0) {
			return -EPIPE;		/* the input ended early */
		}
	}
}

static int gunzip_fail(int rc, const char *what, const z_stream *zs, size_t limit)
{
	switch (rc) {
	case -EPIPE:
		return vmctl_fail(-EINVAL, "%s: truncated gzip data", what);
	case -E2BIG:
		return vmctl_fail(-EINVAL, "%s: inflates to more than %llu MiB, the domain's memory",
				  what, MIB(limit));
	case -ENOMEM:
		return vmctl_fail(-ENOMEM, "%s: out of memory inflating it", what);
	default:
		return vmctl_fail(-EINVAL, "%s: corrupt gzip data (%s)", what,
				  zs->msg ? zs->msg : "inflate failed");
	}
}

int vmctl_gunzip(const void *data, size_t size, size_t limit, const char *what,
		 void **out, size_t *out_size)
{
	z_stream zs = { 0 };
	size_t cap = size_hint(data, size, limit ? limit : 1);
	uint8_t *buf;
	int rc;

	if (!vmctl_is_gzip(data, size))
		return vmctl_fail(-EINVAL, "%s: not gzip data", what);
	if (size > UINT32_MAX)
		return vmctl_fail(-EINVAL, "%s: too large", what);
	buf = malloc(cap);
	if (!buf || inflateInit2(&zs, GZIP_WINDOW) != Z_OK) {
		free(buf);
		return vmctl_fail(-ENOMEM, "%s: out of memory inflating it", what);
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)size;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	rc = inflate_all(&zs, &buf, &cap, limit);
	if (rc) {
		rc = gunzip_fail(rc, what, &zs, limit);
		inflateEnd(&zs);
		free(buf);
		return rc;
	}
	*out_size = zs.total_out;
	*out = buf;
	inflateEnd(&zs);
	return 0;
}
