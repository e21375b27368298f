/*
 * zstd through libzstd: one frame, decoded as a stream into a buffer
 * bounded by the caller; whatever follows the frame (Linux appends the
 * uncompressed size) is ignored, as Xen's libxenguest does.
 */
#include <errno.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "internal.h"

/* Linux's zstd -22 --ultra uses a window of at most 2^27 bytes. */
#define ZSTD_WINDOW_LOG_MAX	27

static int decode_frame(ZSTD_DCtx *dc, ZSTD_inBuffer *in, struct vmctl_outbuf *ob,
			const char **why)
{
	ZSTD_outBuffer o;
	size_t r;
	int rc;

	for (;;) {
		if (ob->len == ob->cap) {
			rc = vmctl_outbuf_grow(ob);
			if (rc)
				return rc;
		}
		o = (ZSTD_outBuffer){ ob->buf, ob->cap, ob->len };
		r = ZSTD_decompressStream(dc, &o, in);
		ob->len = o.pos;
		if (ZSTD_isError(r)) {
			*why = ZSTD_getErrorName(r);
			return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? -ENOMEM : -EINVAL;
		}
		if (r == 0)
			return 0;		/* the frame is complete */
		if (in->pos == in->size && o.pos < o.size)
			return -EPIPE;		/* it wants input there is not */
	}
}

int vmctl_unzstd(const void *data, size_t size, size_t limit, const char *what,
		 void **out, size_t *out_size)
{
	ZSTD_inBuffer in = { data, size, 0 };
	struct vmctl_outbuf ob;
	const char *why = NULL;
	ZSTD_DCtx *dc;
	int rc;

	if (vmctl_outbuf_init(&ob, vmctl_size_hint(data, size, limit ? limit : 1), limit))
		return vmctl_decompress_fail(-ENOMEM, what, "zstd", limit, NULL);
	dc = ZSTD_createDCtx();
	if (!dc) {
		vmctl_outbuf_free(&ob);
		return vmctl_decompress_fail(-ENOMEM, what, "zstd", limit, NULL);
	}
	ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	rc = decode_frame(dc, &in, &ob, &why);
	ZSTD_freeDCtx(dc);
	if (rc) {
		vmctl_outbuf_free(&ob);
		return vmctl_decompress_fail(rc, what, "zstd", limit, why);
	}
	vmctl_outbuf_take(&ob, out, out_size);
	return 0;
}
