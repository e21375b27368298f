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
#define GZIP_WINDOW	(16 + MAX_WBITS)	/* zlib: expect a gzip header */

bool vmctl_is_gzip(const void *data, size_t size)
{
	const uint8_t *p = data;

	return size >= 2 && p[0] == GZIP_MAGIC0 && p[1] == GZIP_MAGIC1;
}

/* zlib counts in uInt: at most this much output room is offered per call
 * (the buffer itself may be larger). */
#define ZLIB_CHUNK	((size_t)1 << 30)

static void give_room(z_stream *zs, struct vmctl_outbuf *ob)
{
	size_t room = ob->cap - ob->len;

	zs->next_out = ob->buf + ob->len;
	zs->avail_out = (uInt)(room < ZLIB_CHUNK ? room : ZLIB_CHUNK);
}

static int inflate_all(z_stream *zs, struct vmctl_outbuf *ob)
{
	int zrc, rc;

	for (;;) {
		if (ob->len == ob->cap) {
			rc = vmctl_outbuf_grow(ob);
			if (rc)
				return rc;
		}
		give_room(zs, ob);
		zrc = inflate(zs, Z_NO_FLUSH);
		ob->len = (size_t)(zs->next_out - ob->buf);
		if (zrc == Z_STREAM_END)
			return 0;
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return zrc == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
		if (zs->avail_out && zs->avail_in == 0)
			return -EPIPE;		/* the input ended early */
	}
}

int vmctl_gunzip(const void *data, size_t size, size_t limit, const char *what,
		 void **out, size_t *out_size)
{
	z_stream zs = { 0 };
	struct vmctl_outbuf ob;
	int rc;

	if (!vmctl_is_gzip(data, size))
		return vmctl_fail(-EINVAL, "%s: not gzip data", what);
	if (size > UINT32_MAX)
		return vmctl_fail(-EINVAL, "%s: too large", what);
	if (vmctl_outbuf_init(&ob, vmctl_size_hint(data, size, limit ? limit : 1), limit))
		return vmctl_decompress_fail(-ENOMEM, what, "gzip", limit, NULL);
	if (inflateInit2(&zs, GZIP_WINDOW) != Z_OK) {
		vmctl_outbuf_free(&ob);
		return vmctl_decompress_fail(-ENOMEM, what, "gzip", limit, NULL);
	}
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)size;
	rc = inflate_all(&zs, &ob);
	if (rc) {
		rc = vmctl_decompress_fail(rc, what, "gzip", limit, zs.msg);
		vmctl_outbuf_free(&ob);
	} else {
		vmctl_outbuf_take(&ob, out, out_size);
	}
	inflateEnd(&zs);
	return rc;
}
