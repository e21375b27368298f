/*
 * A PV kernel into a created PV domain (public/mgmt.h, pv_build). Unlike
 * a PVH image, which this library lays out itself, a PV domain's start of
 * day (bootstrap page tables of machine frames, p2m list, start_info with
 * its store and console rings) is built by the hypervisor, with the
 * builder boot modules use: the page tables must pass shared-pt's
 * validation there anyway. So the image goes to Umbra whole, in one
 * call, after the same parser (common/elf_loader.c: Xen's PV ELF notes)
 * has checked it here, so that a refused image is refused with its
 * reason before anything is created.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PV_CMDLINE_MAX	1023	/* start_info.cmd_line, its NUL aside */

int vmctl_pv_files_read(struct vmctl_files *f, const char *kernel, const char *ramdisk,
			const char *cmdline, uint64_t mem_bytes)
{
	struct elf_image elf;
	int rc;

	memset(f, 0, sizeof(*f));
	f->kernel_path = kernel;
	f->img.cmdline = cmdline;
	f->img.mem_bytes = mem_bytes;
	f->pv = true;
	if (!kernel || !*kernel)
		return vmctl_fail(-EINVAL, "no kernel given");
	if (ramdisk)
		return vmctl_fail(-EINVAL, "a PV domain takes no ramdisk yet");
	if (cmdline && strlen(cmdline) > PV_CMDLINE_MAX)
		return vmctl_fail(-EINVAL, "the command line has %zu bytes, a PV domain's at most %d",
				  strlen(cmdline), PV_CMDLINE_MAX);
	rc = vmctl_read_file(kernel, mem_bytes, "PV kernel", &f->kernel_buf, &f->img.kernel_size);
	if (rc)
		return rc;
	f->img.kernel = f->kernel_buf;
	if (f->img.kernel_size > UMBRA_MGMT_BUF_MAX) {
		rc = vmctl_fail(-EFBIG, "'%s': a PV kernel goes to Umbra in one piece of at most "
				"%u KiB; this one has %zu bytes", kernel, UMBRA_MGMT_BUF_MAX >> 10,
				f->img.kernel_size);
		vmctl_files_free(f);
	} else if (elf_parse_pv(f->kernel_buf, f->img.kernel_size, mem_bytes, &elf) < 0) {
		rc = vmctl_fail(-EINVAL, "'%s': PV kernel image refused: %s", kernel,
				elf.error ? elf.error : "not a PV ELF image");
		vmctl_files_free(f);
	}
	return rc;
}

int vmctl_pv_files_load(struct vmctl *h, uint32_t domid, struct vmctl_files *f)
{
	size_t cl = f->img.cmdline ? strlen(f->img.cmdline) : 0;
	uint8_t *buf = malloc(f->img.kernel_size + cl);
	struct umbra_mgmt req;
	long rc;

	if (!buf)
		return vmctl_fail(-ENOMEM, "out of memory");
	memcpy(buf, f->img.kernel, f->img.kernel_size);
	if (cl)
		memcpy(buf + f->img.kernel_size, f->img.cmdline, cl);
	vmctl_req_init(&req, UMBRA_MGMT_pv_build, domid);
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_len = f->img.kernel_size + cl;
	req.u.pv_build.image_len = f->img.kernel_size;
	rc = vmctl_mgmt(h, &req);
	free(buf);
	if (rc == -EINVAL)
		return vmctl_fail(-EINVAL, "'%s': Umbra refused to build the PV domain from it "
				  "(its reason is on Umbra's log: vmctl dmesg)", f->kernel_path);
	if (rc == -ENOSYS)
		return vmctl_fail(-ENOSYS, "this Umbra cannot build PV domains from dom0");
	return rc < 0 ? vmctl_mgmt_fail((int)rc, domid, "building the PV domain") : 0;
}
