/*
 * Loading a kernel into a created domain from dom0, as public/mgmt.h
 * describes: the files are read and checked here, the domain's memory is
 * written with UMBRA_MGMT_memory_write in pieces of at most
 * UMBRA_MGMT_BUF_MAX bytes, and vCPU 0 is pointed at the entry last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One run of bytes through memory_write, in pieces of at most 1 MiB. */
static int write_run(struct vmctl_mem_writer *w, uint64_t gpa, const void *src, uint64_t len)
{
	struct umbra_mgmt req;
	char ebuf[128];
	uint64_t n;
	long rc;

	while (len) {
		n = len < UMBRA_MGMT_BUF_MAX ? len : UMBRA_MGMT_BUF_MAX;
		vmctl_req_init(&req, UMBRA_MGMT_memory_write, w->domid);
		req.u.memory.gpa = gpa;
		req.buf = (uint64_t)(uintptr_t)src;
		req.buf_len = n;
		rc = vmctl_mgmt(w->h, &req);
		if (rc < 0)
			return vmctl_fail((int)rc,
					  "writing %llu bytes at %#llx into domain %u: %s",
					  (unsigned long long)n, (unsigned long long)gpa, w->domid,
					  rc == -EINVAL ? "refused by Umbra (outside its memory, or already started?)" :
					  vmctl_strerror((int)rc, ebuf, sizeof(ebuf)));
		gpa += n;
		src = (const uint8_t *)src + n;
		len -= n;
		w->written += n;
	}
	return 0;
}

static bool is_zero(const uint8_t *p, uint64_t len)
{
	uint64_t word;

	for (; len >= sizeof(word); p += sizeof(word), len -= sizeof(word)) {
		memcpy(&word, p, sizeof(word));
		if (word)
			return false;
	}
	for (; len; p++, len--)
		if (*p)
			return false;
	return true;
}

/* The bytes up to the next guest page boundary (at most len). */
static uint64_t to_page_end(uint64_t gpa, uint64_t len)
{
	uint64_t n = VMCTL_PAGE_SIZE - (gpa & (VMCTL_PAGE_SIZE - 1));

	return n < len ? n : len;
}

/*
 * Into a domain whose memory is known to be all zeros (just created:
 * Umbra zeroes a new domain's RAM), pages of zeros need no write: a
 * vmlinux carries megabytes of them (.bss, alignment), each one a copy
 * through two bounce buffers under the emulator. The rest goes as runs.
 */
static int mem_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct vmctl_mem_writer *w = ctx;
	const uint8_t *p = src, *run = NULL;
	uint64_t run_gpa = 0, n;
	int rc;

	if (!w->fresh)
		return write_run(w, gpa, src, len);
	while (len) {
		n = to_page_end(gpa, len);
		if (is_zero(p, n)) {
			if (run && (rc = write_run(w, run_gpa, run, (uint64_t)(p - run))))
				return rc;
			run = NULL;
		} else if (!run) {
			run = p;
			run_gpa = gpa;
		}
		gpa += n;
		p += n;
		len -= n;
	}
	return run ? write_run(w, run_gpa, run, (uint64_t)(p - run)) : 0;
}

static int mem_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	struct vmctl_mem_writer *w = ctx;
	uint64_t n;
	int rc;

	if (w->fresh)
		return 0;
	if (!w->zeroes)
		w->zeroes = calloc(1, UMBRA_MGMT_BUF_MAX);
	if (!w->zeroes)
		return vmctl_fail(-ENOMEM, "out of memory");
	while (len) {
		n = len < UMBRA_MGMT_BUF_MAX ? len : UMBRA_MGMT_BUF_MAX;
		rc = write_run(w, gpa, w->zeroes, n);
		if (rc)
			return rc;
		gpa += n;
		len -= n;
	}
	return 0;
}

struct guest_writer vmctl_mem_writer(struct vmctl_mem_writer *w)
{
	return (struct guest_writer){ mem_copy, mem_zero, w };
}

void vmctl_mem_writer_done(struct vmctl_mem_writer *w)
{
	free(w->zeroes);
	w->zeroes = NULL;
}

/* Replace *buf (size *size) by its decompressed form. */
static int expand(void **buf, size_t *size, size_t limit, const char *what, bool is_bz)
{
	double t0 = vmctl_phase_start();
	void *out;
	size_t out_size;
	int rc;

	rc = is_bz ? vmctl_bzimage_extract(*buf, *size, limit, what, &out, &out_size) :
		     vmctl_decompress(*buf, *size, limit, what, &out, &out_size);
	if (rc)
		return rc;
	vmctl_phase_end(t0, "unpack", out_size);
	free(*buf);
	*buf = out;
	*size = out_size;
	return 0;
}

/*
 * The kernel file as an ELF image: a compressed file is decompressed, a
 * bzImage gives its payload's vmlinux (Xen's libxenguest takes the same
 * three: ELF, compressed ELF, bzImage).
 */
static int read_kernel(const char *path, uint64_t limit, void **out, size_t *size)
{
	void *raw;
	size_t raw_size;
	char what[600];
	int rc;

	double t0 = vmctl_phase_start();

	snprintf(what, sizeof(what), "kernel '%s'", path);
	rc = vmctl_read_file(path, limit, "kernel", &raw, &raw_size);
	if (rc)
		return rc;
	vmctl_phase_end(t0, "read_kernel", raw_size);
	if (vmctl_compression_of(raw, raw_size) != VMCTL_COMP_NONE)
		rc = expand(&raw, &raw_size, limit, what, false);
	if (!rc && vmctl_is_bzimage(raw, raw_size))
		rc = expand(&raw, &raw_size, limit, what, true);
	if (rc) {
		free(raw);
		return rc;
	}
	*out = raw;
	*size = raw_size;
	return 0;
}

static int check_loadable(struct vmctl *h, uint32_t domid, struct umbra_domain_info *info)
{
	int rc = vmctl_domain_info(h, domid, info);

	if (rc)
		return rc;
	if (info->flags & UMBRA_DOMFLAG_DOM0)
		return vmctl_fail(-EPERM, "domain %u is dom0: nothing can be loaded into it", domid);
	if (info->flags & UMBRA_DOMFLAG_STARTED)
		return vmctl_fail(-EBUSY, "domain %u (%.*s) has already been started", domid,
				  (int)sizeof(info->name), info->name);
	return 0;
}

static int vcpu_start(struct vmctl *h, uint32_t domid, const struct vmctl_boot *boot)
{
	struct umbra_mgmt req;
	long rc;

	vmctl_req_init(&req, UMBRA_MGMT_vcpu_start, domid);
	req.u.start.entry = boot->entry;
	req.u.start.start_info_gpa = boot->start_info;
	rc = vmctl_mgmt(h, &req);
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, "starting vCPU 0") : 0;
}

/* An image refused: the loader's reason, with the file it is about. */
static int refused(int rc, const char *kernel)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", vmctl_last_error());
	return vmctl_fail(rc, "'%s': %s", kernel, why);
}

int vmctl_files_read(struct vmctl_files *f, const char *kernel, const char *ramdisk,
		     const char *cmdline, uint64_t mem_bytes)
{
	double t0;
	int rc;

	memset(f, 0, sizeof(*f));
	f->kernel_path = kernel;
	f->img.cmdline = cmdline;
	f->img.mem_bytes = mem_bytes;
	if (!kernel || !*kernel)
		return vmctl_fail(-EINVAL, "no kernel given");
	rc = read_kernel(kernel, mem_bytes, &f->kernel_buf, &f->img.kernel_size);
	t0 = vmctl_phase_start();
	if (!rc && ramdisk)
		rc = vmctl_read_file(ramdisk, mem_bytes, "ramdisk", &f->ramdisk_buf,
				     &f->img.ramdisk_size);
	if (!rc && ramdisk)
		vmctl_phase_end(t0, "read_ramdisk", f->img.ramdisk_size);
	f->img.kernel = f->kernel_buf;
	f->img.ramdisk = f->ramdisk_buf;
	if (!rc && vmctl_image_check(&f->img))
		rc = refused(-EINVAL, kernel);
	if (rc)
		vmctl_files_free(f);
	return rc;
}

void vmctl_files_free(struct vmctl_files *f)
{
	free(f->kernel_buf);
	free(f->ramdisk_buf);
	f->kernel_buf = f->ramdisk_buf = NULL;
}

int vmctl_files_load(struct vmctl *h, uint32_t domid, struct vmctl_files *f)
{
	struct vmctl_mem_writer w = { .h = h, .domid = domid, .fresh = f->fresh };
	struct guest_writer gw = vmctl_mem_writer(&w);
	double t0 = vmctl_phase_start();
	struct vmctl_boot boot;
	int rc;

	rc = vmctl_image_build(&f->img, &gw, &boot);
	vmctl_mem_writer_done(&w);
	if (!rc)
		vmctl_phase_end(t0, "load", w.written);
	if (rc == -EINVAL)
		return refused(rc, f->kernel_path);
	return rc ? rc : vcpu_start(h, domid, &boot);
}

int vmctl_domain_load(struct vmctl *h, uint32_t domid, const char *kernel,
		      const char *ramdisk, const char *cmdline)
{
	struct umbra_domain_info info;
	struct vmctl_files f;
	int rc;

	rc = check_loadable(h, domid, &info);
	if (!rc)
		rc = vmctl_files_read(&f, kernel, ramdisk, cmdline, info.mem_bytes);
	if (rc)
		return rc;
	f.img.nr_vcpus = info.nr_vcpus;
	rc = vmctl_files_load(h, domid, &f);
	vmctl_files_free(&f);
	return rc;
}
