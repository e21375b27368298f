/*
 * Restoring a domain from a save file (savefile.h): the file is read and
 * checked whole first (vmctl_save_parse), then the domain is created
 * paused, its memory written back, its event channels, timers and vCPUs
 * loaded. Anything refused after the create destroys the new domain
 * again, keeping the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"
#include "savefile.h"

#define SAVE_FILE_MAX	(4ull << 30)

struct mem_reader {
	z_stream z;
	uint8_t *group;			/* one group's pages, as written */
	uint64_t left;			/* pages the header promised, not yet read */
};

/* Exactly len bytes of the stream into buf. */
static int inflate_exact(struct mem_reader *r, void *buf, size_t len, const char *name)
{
	int zr;

	r->z.next_out = buf;
	r->z.avail_out = (uInt)len;
	while (r->z.avail_out) {
		zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END && r->z.avail_out)
			return vmctl_fail(-EINVAL, "'%s': the memory stream ends early", name);
		if (zr != Z_OK && zr != Z_STREAM_END)
			return vmctl_fail(-EINVAL, "'%s': the memory stream is corrupt (%s)", name,
					  r->z.msg ? r->z.msg : "zlib error");
	}
	return 0;
}

/* Runs of pages present in the group, each with one memory_write. */
static int write_group(struct vmctl_mem_writer *w, uint64_t gpa, const uint8_t *bitmap,
		       const uint8_t *pages, unsigned int n)
{
	struct guest_writer gw = vmctl_mem_writer(w);
	unsigned int i = 0, k = 0;

	while (i < n) {
		unsigned int run = 0;

		while (i + run < n && (bitmap[(i + run) / 8] & (1u << ((i + run) % 8))))
			run++;
		if (run) {
			int rc = gw.copy(gw.ctx, gpa + (uint64_t)i * VMCTL_SAVE_PAGE,
					 pages + (size_t)k * VMCTL_SAVE_PAGE,
					 (uint64_t)run * VMCTL_SAVE_PAGE);
			if (rc)
				return rc;
			k += run;
			i += run;
		} else {
			i++;
		}
	}
	return 0;
}

static unsigned int bits(const uint8_t *bitmap, unsigned int n)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < n; i++)
		c += (bitmap[i / 8] >> (i % 8)) & 1;
	return c;
}

static int memory_load(struct vmctl *h, uint32_t domid, const struct vmctl_save_parsed *p,
		       const char *name)
{
	struct vmctl_mem_writer w = { .h = h, .domid = domid };
	uint64_t total = p->memory->mem_bytes / VMCTL_SAVE_PAGE;
	uint8_t bitmap[VMCTL_SAVE_BITMAP_BYTES];
	struct mem_reader r = { .left = p->memory->pages };
	int rc = 0;

	r.group = malloc((size_t)VMCTL_SAVE_GROUP_PAGES * VMCTL_SAVE_PAGE);
	if (!r.group || inflateInit(&r.z) != Z_OK) {
		free(r.group);
		return vmctl_fail(-ENOMEM, "out of memory");
	}
	r.z.next_in = (Bytef *)p->zdata;
	r.z.avail_in = (uInt)p->zsize;
	for (uint64_t g = 0; !rc && g < total; g += VMCTL_SAVE_GROUP_PAGES) {
		unsigned int n = total - g < VMCTL_SAVE_GROUP_PAGES ? (unsigned int)(total - g)
								 : VMCTL_SAVE_GROUP_PAGES;
		unsigned int present;

		rc = inflate_exact(&r, bitmap, sizeof(bitmap), name);
		if (rc)
			break;
		present = bits(bitmap, n);
		if (present > r.left || (n < VMCTL_SAVE_GROUP_PAGES && bits(bitmap, VMCTL_SAVE_GROUP_PAGES) != present)) {
			rc = vmctl_fail(-EINVAL, "'%s': the memory stream names more pages than it holds", name);
			break;
		}
		r.left -= present;
		rc = inflate_exact(&r, r.group, (size_t)present * VMCTL_SAVE_PAGE, name);
		if (!rc)
			rc = write_group(&w, g * VMCTL_SAVE_PAGE, bitmap, r.group, n);
	}
	if (!rc && r.left)
		rc = vmctl_fail(-EINVAL, "'%s': the memory stream holds fewer pages than it says", name);
	inflateEnd(&r.z);
	free(r.group);
	vmctl_mem_writer_done(&w);
	return rc;
}

/* The event channels and the grant table before the vCPUs: a vCPU's
 * state starts the domain, and both are loaded into one never started. */
static int state_load(struct vmctl *h, uint32_t domid, const struct vmctl_save_parsed *p)
{
	int rc = vmctl_domain_state_set(h, domid, p->state, p->ports);
	if (!rc)
		rc = vmctl_grant_state_set(h, domid, p->grants, p->grants_size);

	for (unsigned int i = 0; !rc && i < p->config->nr_vcpus; i++)
		rc = vmctl_vcpu_context_set(h, domid, i, p->vcpu[i]);
	return rc;
}

/* The saved affinities where this machine's pCPUs allow them. */
static int pin_vcpus(struct vmctl *h, uint32_t domid, const struct vmctl_save_config *c,
		     uint64_t online)
{
	for (unsigned int i = 0; i < c->nr_vcpus; i++) {
		uint64_t a = c->affinity[i] & online;

		if (a && a != c->affinity[i])
			continue;	/* pCPUs gone: the default stays */
		if (a) {
			int rc = vmctl_vcpu_pin(h, domid, i, a);

			if (rc)
				return rc;
		}
	}
	return 0;
}

static int undo(struct vmctl *h, uint32_t domid, int rc)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", vmctl_last_error());
	vmctl_domain_destroy(h, domid);
	return vmctl_fail(rc, "%s (the new domain %u was destroyed)", why, domid);
}

static int create(struct vmctl *h, const struct vmctl_save_parsed *p, const char *name,
		  uint32_t *domid)
{
	const struct vmctl_save_config *c = p->config;
	struct vmctl_domain_config dc = {
		.name = name ? name : c->name, .mem_bytes = c->mem_bytes, .vcpus = c->nr_vcpus,
		.type = c->type, .paging = c->paging,
	};
	struct umbra_mgmt_physinfo pi;
	int rc = vmctl_physinfo(h, &pi);

	if (!rc)
		rc = vmctl_domain_create(h, &dc, domid);
	if (!rc && (rc = pin_vcpus(h, *domid, c, pi.cpus_online & ~pi.dom0_cpus)))
		rc = undo(h, *domid, rc);
	return rc;
}

int vmctl_save_file_read(const char *path, void **file, size_t *size,
			 struct vmctl_restore_info *info)
{
	struct vmctl_save_parsed p;
	int rc = vmctl_read_file(path, SAVE_FILE_MAX, "save file", file, size);

	if (rc)
		return rc;
	rc = vmctl_save_parse(*file, *size, path, &p);
	if (rc) {
		free(*file);
		*file = NULL;
		return rc;
	}
	if (info) {
		memset(info, 0, sizeof(*info));
		memcpy(info->name, p.config->name, sizeof(info->name));
		info->mem_bytes = p.config->mem_bytes;
		info->nr_vcpus = p.config->nr_vcpus;
		info->paging = p.config->paging;
		info->pages = p.memory->pages;
		info->file_bytes = *size;
		info->skipped_sections = p.skipped;
	}
	return 0;
}

int vmctl_domain_restore(struct vmctl *h, const char *path, const char *name,
			 uint32_t *domid, struct vmctl_restore_info *info)
{
	struct vmctl_save_parsed p;
	void *file;
	size_t size;
	uint32_t id;
	int rc = vmctl_save_file_read(path, &file, &size, info);

	if (rc)
		return rc;
	vmctl_save_parse(file, size, path, &p);	/* checked above */
	rc = create(h, &p, name, &id);
	if (!rc && (rc = memory_load(h, id, &p, path)))
		rc = undo(h, id, rc);
	else if (!rc && (rc = state_load(h, id, &p)))
		rc = undo(h, id, rc);
	free(file);
	if (!rc)
		*domid = id;
	return rc;
}
