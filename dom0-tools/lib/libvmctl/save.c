/*
 * Saving a paused domain into a file (savefile.h, docs/save-format.md):
 * its configuration, each vCPU's state, its event channels and timers,
 * and its memory compressed with zlib, all-zero pages left out. The
 * sections are written after room for the header and the section table,
 * which go in last, when the sizes and the checksum are known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"
#include "savefile.h"

#define NR_FIXED_SECTIONS	4	/* config, domain state, grants, memory */
#define OUT_CHUNK		(256u << 10)

struct sink {
	int fd;
	uint64_t at;			/* where the next byte goes */
	uLong crc;			/* of everything after the table */
};

static int put(struct sink *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	char ebuf[128];

	s->crc = crc32_z(s->crc, p, len);
	while (len) {
		ssize_t n = pwrite(s->fd, p, len, (off_t)s->at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vmctl_fail(n < 0 ? -errno : -EIO, "writing the save file: %s",
					  vmctl_strerror(n < 0 ? errno : EIO, ebuf, sizeof(ebuf)));
		p += n;
		len -= (size_t)n;
		s->at += (uint64_t)n;
	}
	return 0;
}

/* Pad to 8 bytes, so every section starts aligned for its records. */
static int align8(struct sink *s)
{
	static const uint8_t zero[8];

	return s->at % 8 ? put(s, zero, 8 - s->at % 8) : 0;
}

static int section(struct sink *s, struct vmctl_save_section *sec, uint32_t type,
		   uint32_t index, const void *a, size_t alen, const void *b, size_t blen)
{
	int rc = align8(s);

	*sec = (struct vmctl_save_section){ .type = type, .offset = s->at,
					    .size = alen + blen, .index = index };
	if (!rc)
		rc = put(s, a, alen);
	if (!rc && blen)
		rc = put(s, b, blen);
	return rc;
}

static bool page_zero(const uint8_t *p)
{
	const uint64_t *w = (const void *)p;

	for (unsigned int i = 0; i < VMCTL_SAVE_PAGE / 8; i++)
		if (w[i])
			return false;
	return true;
}

struct mem_writer {
	struct sink *sink;
	z_stream z;
	uint8_t *out;
	uint64_t pages;
};

static int deflate_some(struct mem_writer *m, const void *in, size_t len, int flush)
{
	int zr;

	m->z.next_in = (Bytef *)in;
	m->z.avail_in = (uInt)len;
	do {
		m->z.next_out = m->out;
		m->z.avail_out = OUT_CHUNK;
		zr = deflate(&m->z, flush);
		if (zr == Z_STREAM_ERROR)
			return vmctl_fail(-EIO, "compressing the domain's memory failed");
		if (OUT_CHUNK - m->z.avail_out) {
			int rc = put(m->sink, m->out, OUT_CHUNK - m->z.avail_out);

			if (rc)
				return rc;
		}
	} while (m->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

/* One group of pages: its bitmap, then its pages that are not zero. */
static int group(struct mem_writer *m, const uint8_t *pages, unsigned int n)
{
	uint8_t bitmap[VMCTL_SAVE_BITMAP_BYTES] = { 0 };
	int rc;

	for (unsigned int i = 0; i < n; i++)
		if (!page_zero(pages + (size_t)i * VMCTL_SAVE_PAGE))
			bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
	rc = deflate_some(m, bitmap, sizeof(bitmap), Z_NO_FLUSH);
	for (unsigned int i = 0; i < n && !rc; i++) {
		if (!(bitmap[i / 8] & (1u << (i % 8))))
			continue;
		rc = deflate_some(m, pages + (size_t)i * VMCTL_SAVE_PAGE, VMCTL_SAVE_PAGE, Z_NO_FLUSH);
		m->pages++;
	}
	return rc;
}

static int memory_stream(struct vmctl *h, uint32_t domid, uint64_t mem_bytes,
			 struct mem_writer *m)
{
	size_t gbytes = (size_t)VMCTL_SAVE_GROUP_PAGES * VMCTL_SAVE_PAGE;
	uint8_t *buf = malloc(gbytes);
	int rc = buf ? 0 : vmctl_fail(-ENOMEM, "out of memory");

	for (uint64_t gpa = 0; !rc && gpa < mem_bytes; gpa += gbytes) {
		size_t len = mem_bytes - gpa < gbytes ? (size_t)(mem_bytes - gpa) : gbytes;

		rc = vmctl_memory_read(h, domid, gpa, buf, len);
		if (!rc)
			rc = group(m, buf, (unsigned int)(len / VMCTL_SAVE_PAGE));
	}
	if (!rc)
		rc = deflate_some(m, NULL, 0, Z_FINISH);
	free(buf);
	return rc;
}

/* The memory section: its header (rewritten once the page count is
 * known), then the stream. */
static int memory_section(struct vmctl *h, uint32_t domid, uint64_t mem_bytes,
			  struct sink *s, struct vmctl_save_section *sec,
			  struct vmctl_save_stats *st)
{
	struct mem_writer m = { .sink = s };
	struct vmctl_save_memory hdr = { .mem_bytes = mem_bytes, .page_size = VMCTL_SAVE_PAGE,
					 .group_pages = VMCTL_SAVE_GROUP_PAGES };
	struct sink body;
	int rc = align8(s);

	if (rc)
		return rc;
	*sec = (struct vmctl_save_section){ .type = VMCTL_SECTION_MEMORY, .offset = s->at };
	/* The header's bytes are counted in the CRC when rewritten below. */
	body = (struct sink){ .fd = s->fd, .at = s->at + sizeof(hdr), .crc = crc32(0, Z_NULL, 0) };
	m.sink = &body;
	m.out = malloc(OUT_CHUNK);
	if (!m.out || deflateInit(&m.z, Z_BEST_SPEED) != Z_OK) {
		free(m.out);
		return vmctl_fail(-ENOMEM, "out of memory for compression");
	}
	rc = memory_stream(h, domid, mem_bytes, &m);
	deflateEnd(&m.z);
	free(m.out);
	if (rc)
		return rc;
	hdr.pages = m.pages;
	hdr.raw_size = vmctl_save_raw_size(mem_bytes, m.pages);
	rc = put(s, &hdr, sizeof(hdr));
	s->crc = crc32_combine(s->crc, body.crc, (z_off_t)(body.at - s->at));
	s->at = body.at;
	sec->size = s->at - sec->offset;
	st->pages = m.pages;
	st->zero_pages = mem_bytes / VMCTL_SAVE_PAGE - m.pages;
	return rc;
}

struct saved {
	struct vmctl_save_config cfg;
	struct umbra_vcpu_context vcpu[UMBRA_MAX_VCPUS];
	struct umbra_domain_state state;
	struct umbra_evtchn_record *ports;
	void *grants;			/* grant_state's buffer */
	size_t grants_size;
	uint32_t umbra_version;
};

/* The grant table, unless another domain is in it or it in another's:
 * a mapping between domains is no state a file can carry (the peer's
 * side would be lost), so the save is refused and says which. */
static int read_grants(struct vmctl *h, uint32_t domid, struct saved *sv)
{
	const struct umbra_grant_state *g;
	long n = vmctl_grant_state_get(h, domid, &sv->grants);

	if (n < 0)
		return (int)n;
	sv->grants_size = (size_t)n;
	g = sv->grants;
	if (g->active)
		return vmctl_fail(-EBUSY, "domain %u has %u grant reference%s mapped by another "
				  "domain: not saved until they are unmapped", domid, g->active,
				  g->active == 1 ? "" : "s");
	if (g->maptrack)
		return vmctl_fail(-EBUSY, "domain %u has %u grant mapping%s of another domain's "
				  "pages: not saved until it unmaps them", domid, g->maptrack,
				  g->maptrack == 1 ? "" : "s");
	return 0;
}

/* Everything but the memory, read before any byte is written. */
static int read_state(struct vmctl *h, uint32_t domid, struct saved *sv)
{
	struct umbra_mgmt_physinfo pi;
	struct umbra_domain_info info;
	long nr;
	int rc = vmctl_domain_info(h, domid, &info);

	if (!rc)
		rc = vmctl_physinfo(h, &pi);
	if (rc)
		return rc;
	if (info.flags & UMBRA_DOMFLAG_DOM0)
		return vmctl_fail(-EPERM, "dom0 cannot be saved");
	if (info.type != UMBRA_DOMAIN_TYPE_PVH)
		return vmctl_fail(-EOPNOTSUPP, "domain %u is of type %s: only PVH domains are saved so far",
				  domid, vmctl_type_name(info.type));
	if (info.state != UMBRA_DOMSTATE_PAUSED)
		return vmctl_fail(-EBUSY, "domain %u is %s: only a paused domain is saved", domid,
				  vmctl_domstate_name(info.state));
	sv->umbra_version = pi.umbra_version;
	memcpy(sv->cfg.name, info.name, sizeof(sv->cfg.name));
	sv->cfg.name[sizeof(sv->cfg.name) - 1] = '\0';
	sv->cfg.mem_bytes = info.mem_bytes;
	sv->cfg.nr_vcpus = info.nr_vcpus;
	sv->cfg.type = info.type;
	sv->cfg.paging = info.paging;
	for (unsigned int i = 0; i < info.nr_vcpus && i < UMBRA_MAX_VCPUS; i++) {
		sv->cfg.affinity[i] = info.vcpu[i].affinity;
		rc = vmctl_vcpu_context_get(h, domid, i, &sv->vcpu[i]);
		if (rc)
			return rc;
	}
	nr = vmctl_domain_state_get(h, domid, &sv->state, &sv->ports);
	if (nr < 0)
		return (int)nr;
	if (sv->state.unbacked_pages)
		return vmctl_fail(-EOPNOTSUPP, "domain %u gave %llu pages back (ballooned): not saved yet",
				  domid, (unsigned long long)sv->state.unbacked_pages);
	return read_grants(h, domid, sv);
}

static int write_sections(struct vmctl *h, uint32_t domid, struct saved *sv, struct sink *s,
			  struct vmctl_save_section *table, struct vmctl_save_stats *st)
{
	unsigned int n = 0;
	int rc = section(s, &table[n++], VMCTL_SECTION_CONFIG, 0, &sv->cfg, sizeof(sv->cfg),
			 NULL, 0);

	for (unsigned int i = 0; !rc && i < sv->cfg.nr_vcpus; i++)
		rc = section(s, &table[n++], VMCTL_SECTION_VCPU, i, &sv->vcpu[i],
			     sizeof(sv->vcpu[i]), NULL, 0);
	if (!rc)
		rc = section(s, &table[n++], VMCTL_SECTION_DOMAIN, 0, &sv->state, sizeof(sv->state),
			     sv->ports, sv->state.nr_ports * sizeof(*sv->ports));
	if (!rc)
		rc = section(s, &table[n++], VMCTL_SECTION_GRANTS, 0, sv->grants, sv->grants_size,
			     NULL, 0);
	if (!rc)
		rc = memory_section(h, domid, sv->cfg.mem_bytes, s, &table[n++], st);
	return rc;
}

/* Header and table at the start, the CRC over the whole file. */
static int write_head(struct sink *s, struct saved *sv, struct vmctl_save_section *table,
		      unsigned int nr, uLong body_crc, uint64_t body_start)
{
	struct vmctl_save_header hdr = {
		.format_version = VMCTL_SAVE_FORMAT, .header_size = sizeof(hdr),
		.arch = VMCTL_SAVE_ARCH_X86_64, .umbra_version = sv->umbra_version,
		.mgmt_version = UMBRA_MGMT_INTERFACE_VERSION, .nr_sections = nr,
		.file_size = s->at,
	};
	struct sink head = { .fd = s->fd, .at = 0, .crc = crc32(0, Z_NULL, 0) };
	size_t tlen = nr * sizeof(*table);
	uLong crc;
	int rc;

	memcpy(hdr.magic, VMCTL_SAVE_MAGIC, sizeof(hdr.magic));
	crc = crc32_z(crc32_z(crc32(0, Z_NULL, 0), (const Bytef *)&hdr, sizeof(hdr)),
		      (const Bytef *)table, tlen);
	hdr.crc32 = (uint32_t)crc32_combine(crc, body_crc, (z_off_t)(s->at - body_start));
	rc = put(&head, &hdr, sizeof(hdr));
	return rc ? rc : put(&head, table, tlen);
}

int vmctl_domain_save(struct vmctl *h, uint32_t domid, int fd, struct vmctl_save_stats *st)
{
	struct vmctl_save_section table[NR_FIXED_SECTIONS + UMBRA_MAX_VCPUS];
	struct saved *sv = calloc(1, sizeof(*sv));
	struct vmctl_save_stats local;
	uint64_t start;
	unsigned int nr;
	struct sink s;
	int rc;

	if (!sv)
		return vmctl_fail(-ENOMEM, "out of memory");
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	memset(table, 0, sizeof(table));
	rc = read_state(h, domid, sv);
	nr = NR_FIXED_SECTIONS + sv->cfg.nr_vcpus;
	start = sizeof(struct vmctl_save_header) + nr * sizeof(struct vmctl_save_section);
	s = (struct sink){ .fd = fd, .at = start, .crc = crc32(0, Z_NULL, 0) };
	if (!rc)
		rc = write_sections(h, domid, sv, &s, table, st);
	if (!rc)
		rc = write_head(&s, sv, table, nr, s.crc, start);
	if (!rc && ftruncate(fd, (off_t)s.at) < 0)
		rc = vmctl_fail(-errno, "truncating the save file");
	st->mem_bytes = sv->cfg.mem_bytes;
	st->file_bytes = s.at;
	free(sv->ports);
	free(sv->grants);
	free(sv);
	return rc;
}
