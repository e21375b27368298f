/*
 * xz (and the older lzma format) through liblzma, as Xen's libxenguest
 * decodes an xz kernel: one stream, and whatever follows its end (Linux
 * appends the uncompressed size) is ignored.
 */
#include <errno.h>
#include <lzma.h>

#include "internal.h"

/* Linux compresses with a dictionary of at most 32 MiB (xz's -9 is 64). */
#define XZ_MEMLIMIT	(256ull << 20)

static int code_all(lzma_stream *s, struct vmctl_outbuf *ob, lzma_ret *last)
{
	int rc;

	for (;;) {
		if (ob->len == ob->cap) {
			rc = vmctl_outbuf_grow(ob);
			if (rc)
				return rc;
		}
		s->next_out = ob->buf + ob->len;
		s->avail_out = ob->cap - ob->len;
		*last = lzma_code(s, LZMA_FINISH);
		ob->len = ob->cap - s->avail_out;
		switch (*last) {
		case LZMA_STREAM_END:
			return 0;
		case LZMA_OK:
			continue;
		case LZMA_BUF_ERROR:
			/* No progress: the output is full (grow), or the input ended. */
			if (s->avail_out)
				return -EPIPE;
			continue;
		case LZMA_MEM_ERROR:
			return -ENOMEM;
		default:
			return -EINVAL;
		}
	}
}

static const char *lzma_why(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR:
		return "not in the expected format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "the data is corrupt";
	case LZMA_MEMLIMIT_ERROR:
		return "it needs more than 256 MiB to decode";
	default:
		return "decoder failed";
	}
}

int vmctl_unxz(const void *data, size_t size, bool is_lzma_alone, size_t limit,
	       const char *what, void **out, size_t *out_size)
{
	const char *format = is_lzma_alone ? "lzma" : "xz";
	lzma_stream s = LZMA_STREAM_INIT;
	struct vmctl_outbuf ob;
	lzma_ret r;
	int rc;

	if (vmctl_outbuf_init(&ob, vmctl_size_hint(data, size, limit ? limit : 1), limit))
		return vmctl_decompress_fail(-ENOMEM, what, format, limit, NULL);
	r = is_lzma_alone ? lzma_alone_decoder(&s, XZ_MEMLIMIT) :
			    lzma_stream_decoder(&s, XZ_MEMLIMIT, 0);
	if (r != LZMA_OK) {
		vmctl_outbuf_free(&ob);
		return vmctl_decompress_fail(-ENOMEM, what, format, limit, NULL);
	}
	s.next_in = data;
	s.avail_in = size;
	rc = code_all(&s, &ob, &r);
	lzma_end(&s);
	if (rc) {
		vmctl_outbuf_free(&ob);
		return vmctl_decompress_fail(rc, what, format, limit, lzma_why(r));
	}
	vmctl_outbuf_take(&ob, out, out_size);
	return 0;
}
