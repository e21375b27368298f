/*
 * A bzImage as a PVH kernel, as Xen's libxenguest loads one
 * (xc_dom_bzimageloader.c): the setup header is checked by the
 * hypervisor's own parser (common/bzimage.c, compiled into this
 * library), the compressed payload is found through the header's
 * payload_offset and payload_length (boot protocol 2.08+), and the
 * payload, decompressed, is the kernel's vmlinux ELF, whose
 * XEN_ELFNOTE_PHYS32_ENTRY note the ELF loader then finds. Nothing of
 * the real-mode setup or the decompressor stub runs: PVH enters vmlinux
 * directly.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "umbra/linux_boot.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool vmctl_is_bzimage(const void *data, size_t size)
{
	const uint8_t *p = data;

	return size >= LB_HEADER + 4 && rd32(p + LB_HEADER) == LB_HEADER_MAGIC;
}

int vmctl_bzimage_payload(const void *data, size_t size, const char *what,
			  const void **payload, size_t *payload_size)
{
	struct bzimage bz;
	uint64_t off, len;

	if (bzimage_parse(data, size, &bz) < 0)
		return vmctl_fail(-EINVAL, "%s: bzImage refused: %s", what, bz.error);
	off = rd32((const uint8_t *)data + LB_PAYLOAD_OFFSET);
	len = rd32((const uint8_t *)data + LB_PAYLOAD_LENGTH);
	if (len == 0)
		return vmctl_fail(-EINVAL, "%s: bzImage refused: no payload (payload_length 0)", what);
	if (off > bz.kernel_size || len > bz.kernel_size - off)
		return vmctl_fail(-EINVAL,
				  "%s: bzImage refused: truncated: its payload (%llu bytes at %llu) runs past the file's end",
				  what, (unsigned long long)len,
				  (unsigned long long)(bz.setup_size + off));
	*payload = bz.kernel + off;
	*payload_size = len;
	return 0;
}

int vmctl_bzimage_extract(const void *data, size_t size, size_t limit, const char *what,
			  void **out, size_t *out_size)
{
	const void *payload;
	size_t len;
	int rc;

	rc = vmctl_bzimage_payload(data, size, what, &payload, &len);
	if (rc)
		return rc;
	if (vmctl_compression_of(payload, len) == VMCTL_COMP_NONE)
		return vmctl_fail(-EINVAL, "%s: bzImage refused: its payload has an unknown compression (magic %02x %02x %02x %02x)",
				  what, ((const uint8_t *)payload)[0],
				  len > 1 ? ((const uint8_t *)payload)[1] : 0,
				  len > 2 ? ((const uint8_t *)payload)[2] : 0,
				  len > 3 ? ((const uint8_t *)payload)[3] : 0);
	return vmctl_decompress(payload, len, limit, what, out, out_size);
}
