/* The bzImage setup header, checked field by field (see umbra/linux_boot.h).
 * Fields are read with memcpy: a boot module need not be aligned. */
#include <umbra/errno.h>
#include <umbra/linux_boot.h>
#include <umbra/string.h>

#define SECTOR			512
#define DEFAULT_SETUP_SECTS	4	/* what setup_sects = 0 means */
#define PAGE			4096ULL

static uint64_t rd(const uint8_t *img, unsigned int off, unsigned int len)
{
	uint64_t v = 0;

	memcpy(&v, img + off, len);	/* little-endian, as the header is */
	return v;
}

static int refuse(struct bzimage *bz, const char *why)
{
	bz->error = why;
	return -EINVAL;
}

static int check_magic(const uint8_t *img, size_t size, struct bzimage *bz)
{
	if (size < LB_HEADER_MIN_END)
		return refuse(bz, "too small for a Linux setup header");
	if (rd(img, LB_BOOT_FLAG, 2) != LB_BOOT_FLAG_MAGIC ||
	    rd(img, LB_HEADER, 4) != LB_HEADER_MAGIC)
		return refuse(bz, "not a bzImage (no HdrS setup header)");
	bz->version = (uint16_t)rd(img, LB_VERSION, 2);
	if (bz->version < LB_MIN_VERSION)
		return refuse(bz, "boot protocol older than 2.12 (no 64-bit entry)");
	if (!(rd(img, LB_LOADFLAGS, 1) & LB_LOADED_HIGH) ||
	    !(rd(img, LB_XLOADFLAGS, 2) & LB_XLF_KERNEL_64))
		return refuse(bz, "kernel has no 64-bit entry point");
	return 0;
}

static int check_sizes(const uint8_t *img, size_t size, struct bzimage *bz)
{
	uint64_t sects = rd(img, LB_SETUP_SECTS, 1);

	bz->setup_size = ((sects ? sects : DEFAULT_SETUP_SECTS) + 1) * SECTOR;
	bz->hdr_end = LB_HEADER + rd(img, LB_JUMP_LEN, 1);
	if (bz->hdr_end < LB_HEADER_MIN_END || bz->hdr_end > bz->setup_size)
		return refuse(bz, "setup header length out of range");
	if (bz->setup_size >= size)
		return refuse(bz, "truncated: no protected-mode kernel after the setup code");
	bz->kernel = img + bz->setup_size;
	bz->kernel_size = size - bz->setup_size;
	if (rd(img, LB_SYSSIZE, 4) * 16 > bz->kernel_size)
		return refuse(bz, "truncated: shorter than its header's syssize");
	bz->init_size = rd(img, LB_INIT_SIZE, 4);
	if (bz->init_size < bz->kernel_size)
		return refuse(bz, "init_size smaller than the kernel");
	return 0;
}

static int check_placement(const uint8_t *img, struct bzimage *bz)
{
	bz->kernel_alignment = rd(img, LB_KERNEL_ALIGNMENT, 4);
	bz->relocatable = rd(img, LB_RELOCATABLE, 1) != 0;
	bz->pref_address = rd(img, LB_PREF_ADDRESS, 8);
	bz->cmdline_max = (uint32_t)rd(img, LB_CMDLINE_SIZE, 4);
	bz->initrd_addr_max = (uint32_t)rd(img, LB_INITRD_ADDR_MAX, 4);
	if (bz->kernel_alignment < PAGE || (bz->kernel_alignment & (bz->kernel_alignment - 1)))
		return refuse(bz, "kernel_alignment is not a power of two of at least 4 KiB");
	if (!bz->relocatable && (bz->pref_address % PAGE || !bz->pref_address))
		return refuse(bz, "non-relocatable kernel without a usable pref_address");
	return 0;
}

int bzimage_parse(const void *image, size_t size, struct bzimage *bz)
{
	const uint8_t *img = image;
	int err;

	memset(bz, 0, sizeof(*bz));
	bz->image = img;
	err = check_magic(img, size, bz);
	if (!err)
		err = check_sizes(img, size, bz);
	if (!err)
		err = check_placement(img, bz);
	return err;
}
