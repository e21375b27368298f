/*
 * Checking a save file (savefile.h) whole before anything is created
 * from it: every way a file can be wrong is refused here with what is
 * wrong, so a restore fails before it has a domain to undo.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"
#include "savefile.h"

uint32_t vmctl_save_crc(const void *file, size_t size)
{
	const uint8_t *p = file;
	size_t at = offsetof(struct vmctl_save_header, crc32);
	static const uint8_t zero[4];
	uLong crc = crc32(0, Z_NULL, 0);

	crc = crc32_z(crc, p, at);
	crc = crc32_z(crc, zero, sizeof(zero));
	return (uint32_t)crc32_z(crc, p + at + 4, size - at - 4);
}

uint64_t vmctl_save_raw_size(uint64_t mem_bytes, uint64_t pages)
{
	uint64_t total = mem_bytes / VMCTL_SAVE_PAGE;
	uint64_t groups = (total + VMCTL_SAVE_GROUP_PAGES - 1) / VMCTL_SAVE_GROUP_PAGES;

	return groups * VMCTL_SAVE_BITMAP_BYTES + pages * VMCTL_SAVE_PAGE;
}

static const char *arch_name(uint32_t arch)
{
	switch (arch) {
	case VMCTL_SAVE_ARCH_X86_64:
		return "x86_64";
	case 3:
		return "i386";
	case 40:
		return "arm";
	case 183:
		return "aarch64";
	case 243:
		return "riscv";
	default:
		return "unknown";
	}
}

static int check_header(const uint8_t *file, size_t size, const char *name)
{
	const struct vmctl_save_header *h = (const void *)file;
	uint32_t crc;

	if (size < sizeof(*h))
		return vmctl_fail(-EINVAL, "'%s': truncated: %zu bytes, shorter than the %zu-byte header",
				  name, size, sizeof(*h));
	if (memcmp(h->magic, VMCTL_SAVE_MAGIC, sizeof(h->magic)))
		return vmctl_fail(-EINVAL, "'%s': not an Umbra save file (no %s magic)", name,
				  VMCTL_SAVE_MAGIC);
	/* What a newer or foreign writer may change comes first: its
	 * checksum need not be computed as this one's is. */
	if (h->format_version != VMCTL_SAVE_FORMAT)
		return vmctl_fail(-EINVAL, "'%s': save format version %u, this vmctl reads version %u",
				  name, h->format_version, VMCTL_SAVE_FORMAT);
	if (h->arch != VMCTL_SAVE_ARCH_X86_64)
		return vmctl_fail(-EINVAL, "'%s': saved on architecture %u (%s), this is x86_64",
				  name, h->arch, arch_name(h->arch));
	if (h->file_size != size)
		return vmctl_fail(-EINVAL, "'%s': %s: %zu bytes, the header says %llu", name,
				  size < h->file_size ? "truncated" : "trailing bytes", size,
				  (unsigned long long)h->file_size);
	crc = vmctl_save_crc(file, size);
	if (crc != h->crc32)
		return vmctl_fail(-EINVAL, "'%s': corrupted: checksum %08x, the header says %08x",
				  name, crc, h->crc32);
	if (h->mgmt_version != UMBRA_MGMT_INTERFACE_VERSION)
		return vmctl_fail(-EINVAL, "'%s': saved with management interface %#x, this vmctl has %#x",
				  name, h->mgmt_version, UMBRA_MGMT_INTERFACE_VERSION);
	if (h->header_size != sizeof(*h) || h->flags || h->reserved[0] || h->reserved[1])
		return vmctl_fail(-EINVAL, "'%s': header fields this version does not know", name);
	if (h->nr_sections > (size - sizeof(*h)) / sizeof(struct vmctl_save_section))
		return vmctl_fail(-EINVAL, "'%s': %u sections do not fit in the file", name,
				  h->nr_sections);
	return 0;
}

static int check_config(const struct vmctl_save_config *c, const char *name)
{
	if (!memchr(c->name, '\0', sizeof(c->name)) || !c->name[0])
		return vmctl_fail(-EINVAL, "'%s': the saved domain's name is not a string", name);
	if (!c->mem_bytes || c->mem_bytes % (2u << 20) || c->mem_bytes > (1ull << 30))
		return vmctl_fail(-EINVAL, "'%s': saved memory size %llu bytes is impossible", name,
				  (unsigned long long)c->mem_bytes);
	if (!c->nr_vcpus || c->nr_vcpus > UMBRA_MAX_VCPUS || c->reserved)
		return vmctl_fail(-EINVAL, "'%s': saved with %u vCPUs", name, c->nr_vcpus);
	return 0;
}

static int check_domain(struct vmctl_save_parsed *p, const struct vmctl_save_section *s,
			const uint8_t *file, const char *name)
{
	const struct umbra_domain_state *st = (const void *)(file + s->offset);

	if (s->size < sizeof(*st) ||
	    s->size != sizeof(*st) + (uint64_t)st->nr_ports * sizeof(struct umbra_evtchn_record))
		return vmctl_fail(-EINVAL, "'%s': domain state section of %llu bytes is malformed",
				  name, (unsigned long long)s->size);
	p->state = st;
	p->ports = (const void *)(st + 1);
	return 0;
}

static int check_memory(struct vmctl_save_parsed *p, const struct vmctl_save_section *s,
			const uint8_t *file, const char *name)
{
	const struct vmctl_save_memory *m = (const void *)(file + s->offset);

	if (s->size < sizeof(*m))
		return vmctl_fail(-EINVAL, "'%s': memory section too short", name);
	if (m->page_size != VMCTL_SAVE_PAGE || m->group_pages != VMCTL_SAVE_GROUP_PAGES ||
	    m->pages > m->mem_bytes / VMCTL_SAVE_PAGE ||
	    m->raw_size != vmctl_save_raw_size(m->mem_bytes, m->pages))
		return vmctl_fail(-EINVAL, "'%s': memory section header is inconsistent", name);
	p->memory = m;
	p->zdata = (const uint8_t *)(m + 1);
	p->zsize = s->size - sizeof(*m);
	return 0;
}

static int grant_records(const struct umbra_grant_state *g, const char *name)
{
	const struct umbra_grant_frame *r = (const void *)(g + 1);
	uint32_t backed = 0;

	for (uint32_t i = 0; i < g->nr_frames; i++) {
		uint32_t kind = r[i].flags & UMBRA_GRANT_FRAME_STATUS;

		if (r[i].flags & ~(UMBRA_GRANT_FRAME_BACKED | UMBRA_GRANT_FRAME_STATUS) ||
		    (kind && g->version != 2))
			return vmctl_fail(-EINVAL, "'%s': grant frame record %u has flags %#x",
					  name, i, r[i].flags);
		if (r[i].gpa % UMBRA_GRANT_PAGE)
			return vmctl_fail(-EINVAL, "'%s': grant frame %u at %#llx, not a page boundary",
					  name, r[i].index, (unsigned long long)r[i].gpa);
		for (uint32_t j = 0; j < i; j++)
			if (r[j].index == r[i].index &&
			    (r[j].flags & UMBRA_GRANT_FRAME_STATUS) == kind)
				return vmctl_fail(-EINVAL, "'%s': grant frame %u placed twice",
						  name, r[i].index);
		backed += !!(r[i].flags & UMBRA_GRANT_FRAME_BACKED);
	}
	if (backed != g->nr_pages)
		return vmctl_fail(-EINVAL, "'%s': %u grant frame pages for %u frames outside RAM",
				  name, g->nr_pages, backed);
	return 0;
}

int vmctl_save_check_grants(const void *sec, size_t size, const char *name)
{
	const struct umbra_grant_state *g = sec;

	if (size < sizeof(*g) ||
	    (uint64_t)size != sizeof(*g) + (uint64_t)g->nr_frames * sizeof(struct umbra_grant_frame) +
			      (uint64_t)g->nr_pages * UMBRA_GRANT_PAGE)
		return vmctl_fail(-EINVAL, "'%s': grant table section of %zu bytes is malformed",
				  name, size);
	if (g->version != 1 && g->version != 2)
		return vmctl_fail(-EINVAL, "'%s': grant table version %u", name, g->version);
	if (g->active || g->maptrack)
		return vmctl_fail(-EINVAL, "'%s': grant table saved with mappings between domains "
				  "(%u in use by others, %u held)", name, g->active, g->maptrack);
	if (g->reserved)
		return vmctl_fail(-EINVAL, "'%s': grant table fields this version does not know",
				  name);
	return grant_records(g, name);
}

/* One section, its bounds checked; *seen counts each type. */
static int take_section(struct vmctl_save_parsed *p, const struct vmctl_save_section *s,
			const uint8_t *file, size_t size, const char *name)
{
	if (s->offset > size || s->size > size - s->offset || s->offset % 8 || s->reserved)
		return vmctl_fail(-EINVAL, "'%s': section of type %u lies outside the file", name,
				  s->type);
	switch (s->type) {
	case VMCTL_SECTION_CONFIG:
		if (p->config || s->size != sizeof(*p->config))
			return vmctl_fail(-EINVAL, "'%s': configuration section repeated or malformed", name);
		p->config = (const void *)(file + s->offset);
		return check_config(p->config, name);
	case VMCTL_SECTION_VCPU:
		if (s->index >= UMBRA_MAX_VCPUS || p->vcpu[s->index] ||
		    s->size != sizeof(struct umbra_vcpu_context))
			return vmctl_fail(-EINVAL, "'%s': vCPU %u's section repeated or malformed",
					  name, s->index);
		p->vcpu[s->index] = (const void *)(file + s->offset);
		return 0;
	case VMCTL_SECTION_DOMAIN:
		if (p->state)
			return vmctl_fail(-EINVAL, "'%s': domain state section repeated", name);
		return check_domain(p, s, file, name);
	case VMCTL_SECTION_MEMORY:
		if (p->memory)
			return vmctl_fail(-EINVAL, "'%s': memory section repeated", name);
		return check_memory(p, s, file, name);
	case VMCTL_SECTION_GRANTS:
		if (p->grants)
			return vmctl_fail(-EINVAL, "'%s': grant table section repeated", name);
		p->grants = (const void *)(file + s->offset);
		p->grants_size = s->size;
		return vmctl_save_check_grants(p->grants, s->size, name);
	default:
		if (!(s->flags & VMCTL_SECTION_OPTIONAL))
			return vmctl_fail(-EINVAL, "'%s': section of type %u is needed and this vmctl does not know it",
					  name, s->type);
		p->skipped++;
		return 0;
	}
}

static int check_complete(const struct vmctl_save_parsed *p, const char *name)
{
	if (!p->config || !p->state || !p->memory || !p->grants)
		return vmctl_fail(-EINVAL, "'%s': the %s section is missing", name,
				  !p->config ? "configuration" : !p->state ? "domain state" :
				  !p->memory ? "memory" : "grant table");
	for (unsigned int i = 0; i < UMBRA_MAX_VCPUS; i++)
		if (!p->vcpu[i] != (i >= p->config->nr_vcpus))
			return vmctl_fail(-EINVAL, "'%s': vCPU %u's section is %s", name, i,
					  p->vcpu[i] ? "there for a vCPU the domain lacks" : "missing");
	if (p->memory->mem_bytes != p->config->mem_bytes)
		return vmctl_fail(-EINVAL, "'%s': memory section of %llu MiB for a domain of %llu MiB",
				  name, MIB(p->memory->mem_bytes), MIB(p->config->mem_bytes));
	return 0;
}

int vmctl_save_parse(const void *file, size_t size, const char *name,
		     struct vmctl_save_parsed *p)
{
	const uint8_t *f = file;
	const struct vmctl_save_section *table;
	int rc = check_header(f, size, name);

	memset(p, 0, sizeof(*p));
	if (rc)
		return rc;
	p->hdr = file;
	table = (const void *)(f + sizeof(*p->hdr));
	for (uint32_t i = 0; i < p->hdr->nr_sections; i++) {
		rc = take_section(p, &table[i], f, size, name);
		if (rc)
			return rc;
	}
	return check_complete(p, name);
}
