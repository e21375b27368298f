/* What libvmctl's files share and its tests reach; not installed. */
#ifndef LIBVMCTL_INTERNAL_H
#define LIBVMCTL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmctl.h"
#include "umbra/elf_loader.h"

struct vmctl {
	int fd;
	unsigned long calls;		/* ioctls made (atomic) */
	unsigned int snapshot_hint;	/* domains at the last snapshot (atomic) */
	bool trace;			/* $VMCTL_TRACE: each call on stderr */
};

#define MIB(x)	((unsigned long long)((x) >> 20))

/* ---- error.c: the per-thread sentence ----------------------------- */

/* Set this thread's error text and return rc (a negative errno). */
int vmctl_fail(int rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* strerror() of a positive or negative errno, thread-safe. */
const char *vmctl_strerror(int err, char *buf, size_t size);

/* ---- handle.c -------------------------------------------------------- */

/*
 * One management request through the driver (interface version filled
 * in). Returns the hypercall's result (>= 0) or -errno, and sets no
 * error text: callers word it, or use vmctl_mgmt_fail().
 */
long vmctl_mgmt(struct vmctl *h, struct umbra_mgmt *req);
/* The text for a refused request that needs no special wording:
 * "<what>: <strerror>", with the wordings every command shares. */
int vmctl_mgmt_fail(int rc, uint32_t domid, const char *what);

/* A request for cmd on domid, zeroed otherwise. */
void vmctl_req_init(struct umbra_mgmt *req, uint32_t cmd, uint32_t domid);

/* ---- trace.c: $VMCTL_TRACE for steps that are not management calls - */

/* CLOCK_MONOTONIC in microseconds. */
double vmctl_trace_now(void);
/* A step's start: the time if $VMCTL_TRACE is set, else 0 (no line). */
double vmctl_phase_start(void);
/* Its line, `phase=NAME bytes=N`, when t0 is not 0. */
void vmctl_phase_end(double t0, const char *phase, uint64_t bytes);

/* ---- snapshot.c ------------------------------------------------------ */

/*
 * Index the `bytes` bytes of s->buf that Umbra filled with `nr` snapshot
 * records into s->dom (s->nr = nr). Each record must lie whole in the
 * bytes with at most UMBRA_MAX_VCPUS vCPUs, domids must grow, and the
 * records must take exactly `bytes`: -EIO with the error text otherwise
 * (s->nr = 0).
 */
int vmctl_snapshot_index(struct vmctl_snapshot *s, size_t bytes, unsigned int nr);

/* ---- gunzip.c / readfile.c ---------------------------------------- */

bool vmctl_is_gzip(const void *data, size_t size);
/*
 * Inflate a gzip stream of `size` bytes into a malloc()ed buffer of at
 * most `limit` bytes. Returns 0 with *out / *out_size, or -EINVAL (corrupt
 * or truncated data, or larger than limit) / -ENOMEM, with the error
 * text naming `what`.
 */
int vmctl_gunzip(const void *data, size_t size, size_t limit, const char *what,
		 void **out, size_t *out_size);
/* ---- decompress.c, unxz.c, unzstd.c: compressed kernels ----------- */

enum vmctl_compression {
	VMCTL_COMP_NONE, VMCTL_COMP_GZIP, VMCTL_COMP_XZ, VMCTL_COMP_LZMA,
	VMCTL_COMP_ZSTD, VMCTL_COMP_BZIP2, VMCTL_COMP_LZO, VMCTL_COMP_LZ4,
};

/* The format by its magic bytes (VMCTL_COMP_NONE: none known). */
enum vmctl_compression vmctl_compression_of(const void *data, size_t size);
const char *vmctl_compression_name(enum vmctl_compression kind);
/*
 * Decompress gzip, xz, lzma or zstd data into a malloc()ed buffer of at
 * most `limit` bytes. 0 with *out / *out_size, or -EINVAL (unknown or
 * unsupported format, corrupt or truncated data, larger than limit) /
 * -ENOMEM, with the error text naming `what`.
 */
int vmctl_decompress(const void *data, size_t size, size_t limit, const char *what,
		     void **out, size_t *out_size);
int vmctl_unxz(const void *data, size_t size, bool is_lzma_alone, size_t limit,
	       const char *what, void **out, size_t *out_size);
int vmctl_unzstd(const void *data, size_t size, size_t limit, const char *what,
		 void **out, size_t *out_size);

/* A decompressor's output: grows by doubling up to limit. */
struct vmctl_outbuf {
	uint8_t *buf;
	size_t len, cap, limit;
};
/* The last 4 bytes as the uncompressed size, bounded by limit. */
size_t vmctl_size_hint(const void *data, size_t size, size_t limit);
int vmctl_outbuf_init(struct vmctl_outbuf *ob, size_t hint, size_t limit);
/* -E2BIG once the limit is reached, -ENOMEM. */
int vmctl_outbuf_grow(struct vmctl_outbuf *ob);
void vmctl_outbuf_take(struct vmctl_outbuf *ob, void **out, size_t *out_size);
void vmctl_outbuf_free(struct vmctl_outbuf *ob);
/* The sentence for -EPIPE (truncated), -E2BIG, -ENOMEM or corrupt data. */
int vmctl_decompress_fail(int rc, const char *what, const char *format,
			  size_t limit, const char *detail);

/* ---- bzimage.c: the vmlinux inside a bzImage ----------------------- */

/* The "HdrS" setup header magic is there. */
bool vmctl_is_bzimage(const void *data, size_t size);
/* The compressed payload (pointing into data), or -EINVAL with the text. */
int vmctl_bzimage_payload(const void *data, size_t size, const char *what,
			  const void **payload, size_t *payload_size);
/* The payload decompressed (at most limit bytes): the kernel's ELF. */
int vmctl_bzimage_extract(const void *data, size_t size, size_t limit, const char *what,
			  void **out, size_t *out_size);

/* Read a file whole (at most limit bytes) into a malloc()ed buffer. */
int vmctl_read_file(const char *path, size_t limit, const char *what,
		    void **out, size_t *out_size);

/* ---- image.c: a PVH domain's memory, computed without Umbra -------- */

#define VMCTL_START_INFO_SIZE	0x10000	/* the last 64 KiB of its RAM */
/* whose last two pages are its store and console rings (public/mgmt.h) */
#define VMCTL_RING_PAGES_SIZE	0x2000
#define VMCTL_PAGE_SIZE		4096

struct vmctl_image {
	const void *kernel;	/* an ELF image, already inflated */
	size_t kernel_size;
	const void *ramdisk;	/* NULL: none */
	size_t ramdisk_size;
	const char *cmdline;	/* NULL: none */
	uint64_t mem_bytes;	/* the domain's RAM */
	unsigned int nr_vcpus;	/* listed in its MADT (0: 1) */
};

struct vmctl_boot {
	uint64_t entry;		/* vCPU 0 starts here (PVH, 32-bit) */
	uint64_t start_info;	/* EBX at entry */
	uint64_t ramdisk_gpa;	/* 0: none */
};

/*
 * Write the kernel's segments, the ramdisk and the start info through gw
 * and say where the domain starts. Everything is checked before the
 * first write; a refused image returns -EINVAL with the error text set
 * and writes nothing.
 */
int vmctl_image_build(const struct vmctl_image *img, const struct guest_writer *gw,
		      struct vmctl_boot *boot);
/* The same checks, nothing written: 0, or -EINVAL with the error text. */
int vmctl_image_check(const struct vmctl_image *img);

/* ---- create.c ------------------------------------------------------- */

/*
 * The create request for cfg, checked (name, memory, vCPUs, CPUs, type,
 * paging, free memory), defaults filled in from what Umbra reports.
 * Returns 0 or -EINVAL / -ENOMEM with the error text set.
 */
int vmctl_create_request(const struct vmctl_domain_config *cfg,
			 const struct umbra_mgmt_physinfo *pi, struct umbra_mgmt_create *c);

/* ---- load.c ----------------------------------------------------------- */

/* A domain's kernel, ramdisk and command line, read (and inflated). */
struct vmctl_files {
	struct vmctl_image img;
	const char *kernel_path;
	void *kernel_buf, *ramdisk_buf;
	bool fresh;		/* the domain was just created: its RAM is zeros */
	bool pv;		/* a PV kernel (pvload.c) */
};

/* Read them for a domain of mem_bytes and check the image (nothing is
 * written anywhere): 0, or -errno with the error text naming the file. */
int vmctl_files_read(struct vmctl_files *f, const char *kernel, const char *ramdisk,
		     const char *cmdline, uint64_t mem_bytes);
void vmctl_files_free(struct vmctl_files *f);
/* Write them into a created, unstarted domain and start its vCPU 0. */
int vmctl_files_load(struct vmctl *h, uint32_t domid, struct vmctl_files *f);

/* The same for a PV domain (pvload.c): the image is checked here and
 * built by Umbra (UMBRA_MGMT_pv_build); no ramdisk yet. */
int vmctl_pv_files_read(struct vmctl_files *f, const char *kernel, const char *ramdisk,
			const char *cmdline, uint64_t mem_bytes);
int vmctl_pv_files_load(struct vmctl *h, uint32_t domid, struct vmctl_files *f);

/* The guest_writer over UMBRA_MGMT_memory_write. */
struct vmctl_mem_writer {
	struct vmctl *h;
	uint32_t domid;
	void *zeroes;		/* lazily calloc()ed */
	bool fresh;		/* RAM known to be zeros: zero pages are skipped */
	uint64_t written;	/* bytes sent by memory_write */
};
struct guest_writer vmctl_mem_writer(struct vmctl_mem_writer *w);
void vmctl_mem_writer_done(struct vmctl_mem_writer *w);

#endif
