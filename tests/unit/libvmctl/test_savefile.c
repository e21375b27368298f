/*
 * libvmctl's save and restore against the fake Umbra: a paused domain's
 * memory (zero pages left out), vCPU states, event channels and grant
 * table written to a file and read back into a new domain, byte for
 * byte; a grant table mapped between domains refused; and every way a
 * file can be wrong (truncated, a byte changed, another format version,
 * another architecture, an unknown required section, a corrupt memory
 * stream) refused with its sentence, nothing created, or (past the
 * checks) the new domain destroyed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "dom0-tools/lib/libvmctl/savefile.h"
#include "fake_umbra.h"

#define MiB		(1ull << 20)
#define DOM_MEM		(4 * MiB)

static char path[64];

/* A paused domain "src" with some pages written, two vCPUs, two ports. */
static uint32_t make_source(void)
{
	uint32_t id = fake_add_domain("src", DOM_MEM);
	struct fake_domain *d = &fake.dom[id];

	d->mem = calloc(1, DOM_MEM);
	assert_non_null(d->mem);
	d->info.state = UMBRA_DOMSTATE_PAUSED;
	d->info.nr_vcpus = 2;
	d->info.paging = UMBRA_PAGING_SHADOW;
	for (unsigned int p = 0; p < DOM_MEM / 4096; p += 7)
		for (unsigned int i = 0; i < 4096; i++)
			d->mem[p * 4096 + i] = (uint8_t)(p * 31 + i);
	memcpy(d->mem + DOM_MEM - 4096, "last page", 9);
	for (unsigned int v = 0; v < 2; v++) {
		d->vcpu[v].flags = UMBRA_VCPUCTX_UP | UMBRA_VCPUCTX_TIMER;
		d->vcpu[v].rip = 0x100000 + v;
		d->vcpu[v].rsp = 0x8000;
		d->vcpu[v].timer_ns = 5000000;
		d->vcpu[v].lapic.irr[1] = 0x10;
		memset(d->vcpu[v].fpu, 0x5a + v, sizeof(d->vcpu[v].fpu));
	}
	d->state.tsc = 123456789;
	d->state.callback_vector = 0xf3;
	d->state.nr_ports = 2;
	d->ports[0] = (struct umbra_evtchn_record){ .port = 1, .status = 4, .virq = 0 };
	d->ports[1] = (struct umbra_evtchn_record){ .port = 3, .status = 5, .notify_vcpu = 1 };
	return id;
}

/* Grant state as Umbra gives it: frame 0 backed above RAM (its page
 * follows), frame 1 in RAM. */
static size_t grants_example(uint8_t *out, uint32_t version)
{
	struct umbra_grant_state s = { .version = version, .setup_frames = 4, .nr_frames = 2,
				       .nr_pages = 1 };
	struct umbra_grant_frame f[2] = {
		{ .index = 0, .flags = UMBRA_GRANT_FRAME_BACKED, .gpa = DOM_MEM + 0x100000 },
		{ .index = 1, .flags = 0, .gpa = 0x3000 },
	};
	uint8_t *p = out;

	memcpy(p, &s, sizeof(s));
	memcpy(p += sizeof(s), f, sizeof(f));
	p += sizeof(f);
	for (unsigned int i = 0; i < UMBRA_GRANT_PAGE; i++)
		p[i] = (uint8_t)(i * 13 + 5);
	return sizeof(s) + sizeof(f) + UMBRA_GRANT_PAGE;
}

static void save_to_file(struct vmctl *h, uint32_t id, struct vmctl_save_stats *st)
{
	int fd;

	strcpy(path, "/tmp/test_savefile.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(vmctl_domain_save(h, id, fd, st), 0);
	close(fd);
}

static uint8_t *slurp(size_t *size)
{
	void *buf;

	assert_int_equal(vmctl_read_file(path, 1u << 30, "save file", &buf, size), 0);
	return buf;
}

static void spill(const uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	fclose(f);
}

static unsigned int domains(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < FAKE_MAX_DOMAINS; i++)
		n += fake.dom[i].exists;
	return n;
}

static void test_round_trip(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_save_stats st;
	struct vmctl_restore_info ri;
	uint32_t src = make_source(), id;
	uint8_t *mem = malloc(DOM_MEM);
	uint64_t want_pages = 0;

	memcpy(mem, fake.dom[src].mem, DOM_MEM);
	fake.dom[src].grants_size = grants_example(fake.dom[src].grants, 1);
	fake.dom[src].state.flags |= UMBRA_DOMSTATE_F_GRANTS;
	for (unsigned int p = 0; p < DOM_MEM / 4096; p++)
		want_pages += p % 7 == 0 || p == DOM_MEM / 4096 - 1;
	save_to_file(h, src, &st);
	assert_int_equal(st.mem_bytes, DOM_MEM);
	assert_int_equal(st.pages, want_pages);
	assert_int_equal(st.zero_pages, DOM_MEM / 4096 - want_pages);
	assert_true(st.file_bytes < DOM_MEM / 2);
	assert_int_equal(vmctl_domain_destroy(h, src), 0);

	assert_int_equal(vmctl_domain_restore(h, path, NULL, &id, &ri), 0);
	assert_string_equal(ri.name, "src");
	assert_string_equal(fake.dom[id].info.name, "src");
	assert_int_equal(fake.dom[id].info.nr_vcpus, 2);
	assert_int_equal(fake.dom[id].info.paging, UMBRA_PAGING_SHADOW);
	assert_memory_equal(fake.dom[id].mem, mem, DOM_MEM);
	assert_true(fake.dom[id].state_loaded);
	assert_int_equal(fake.dom[id].state.tsc, 123456789);
	assert_int_equal(fake.dom[id].state.callback_vector, 0xf3);
	assert_int_equal(fake.dom[id].state.nr_ports, 2);
	assert_int_equal(fake.dom[id].ports[1].port, 3);
	assert_int_equal(fake.dom[id].ports[1].notify_vcpu, 1);
	/* The grant table whole, frames and page. */
	assert_true(fake.dom[id].grants_loaded);
	{
		uint8_t want[sizeof(fake.dom[0].grants)];
		size_t n = grants_example(want, 1);

		assert_int_equal(fake.dom[id].grants_size, n);
		assert_memory_equal(fake.dom[id].grants, want, n);
	}
	for (unsigned int v = 0; v < 2; v++) {
		assert_int_equal(fake.dom[id].vcpu[v].rip, 0x100000 + v);
		assert_int_equal(fake.dom[id].vcpu[v].timer_ns, 5000000);
		assert_int_equal(fake.dom[id].vcpu[v].lapic.irr[1], 0x10);
		assert_int_equal(fake.dom[id].vcpu[v].fpu[511], 0x5a + v);
	}
	/* Restored paused: the caller unpauses. */
	assert_int_equal(fake.dom[id].info.state, UMBRA_DOMSTATE_PAUSED);
	unlink(path);
	free(mem);
}

static void test_not_paused(void **state)
{
	struct vmctl *h = *state;
	uint32_t src = make_source();
	int fd;

	fake.dom[src].info.state = UMBRA_DOMSTATE_RUNNING;
	strcpy(path, "/tmp/test_savefile.XXXXXX");
	fd = mkstemp(path);
	assert_int_equal(vmctl_domain_save(h, src, fd, NULL), -EBUSY);
	assert_non_null(strstr(vmctl_last_error(), "only a paused domain is saved"));
	close(fd);
	unlink(path);
}

/* The saved file, changed by `edit`, refused with `msg` and nothing left. */
static void refused(struct vmctl *h, void (*edit)(uint8_t *buf, size_t *size),
		    const char *msg, unsigned int creates)
{
	uint32_t src = make_source(), id = 0;
	unsigned int before;
	size_t size;
	uint8_t *buf;

	save_to_file(h, src, NULL);
	assert_int_equal(vmctl_domain_destroy(h, src), 0);
	buf = slurp(&size);
	edit(buf, &size);
	spill(buf, size);
	free(buf);
	before = domains();
	fake.calls[UMBRA_MGMT_domain_create] = 0;
	assert_int_equal(vmctl_domain_restore(h, path, NULL, &id, NULL), -EINVAL);
	if (!strstr(vmctl_last_error(), msg))
		fail_msg("error '%s' does not say '%s'", vmctl_last_error(), msg);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_create], creates);
	assert_int_equal(domains(), before);
	unlink(path);
}

static void truncate_it(uint8_t *buf, size_t *size)
{
	(void)buf;
	*size -= 100;
}

static void truncate_header(uint8_t *buf, size_t *size)
{
	(void)buf;
	*size = 40;
}

static void flip_byte(uint8_t *buf, size_t *size)
{
	buf[*size / 2] ^= 0x40;
}

static void other_version(uint8_t *buf, size_t *size)
{
	(void)size;
	((struct vmctl_save_header *)buf)->format_version = 3;
}

/* A file of format 1 (before grant tables were saved). */
static void old_version(uint8_t *buf, size_t *size)
{
	(void)size;
	((struct vmctl_save_header *)buf)->format_version = 1;
}

static void other_arch(uint8_t *buf, size_t *size)
{
	(void)size;
	((struct vmctl_save_header *)buf)->arch = 183;
}

static void other_magic(uint8_t *buf, size_t *size)
{
	(void)size;
	buf[0] = 'X';
}

static void fix_crc(uint8_t *buf, size_t size)
{
	((struct vmctl_save_header *)buf)->crc32 = vmctl_save_crc(buf, size);
}

static struct vmctl_save_section *table(uint8_t *buf)
{
	return (struct vmctl_save_section *)(buf + sizeof(struct vmctl_save_header));
}

/* The memory section's type made unknown (and required); CRC made right. */
static void unknown_required(uint8_t *buf, size_t *size)
{
	struct vmctl_save_header *h = (void *)buf;

	table(buf)[h->nr_sections - 1].type = 99;
	fix_crc(buf, *size);
}

/* The zlib stream's middle garbled, CRC made right: refused past the
 * create, the new domain destroyed. */
static void garble_stream(uint8_t *buf, size_t *size)
{
	struct vmctl_save_header *h = (void *)buf;
	struct vmctl_save_section *mem = &table(buf)[h->nr_sections - 1];

	assert_int_equal(mem->type, VMCTL_SECTION_MEMORY);
	memset(buf + mem->offset + sizeof(struct vmctl_save_memory) + 40, 0xff, 64);
	fix_crc(buf, *size);
}

static struct vmctl_save_section *find(uint8_t *buf, uint32_t type)
{
	struct vmctl_save_header *h = (void *)buf;

	for (uint32_t i = 0; i < h->nr_sections; i++)
		if (table(buf)[i].type == type)
			return &table(buf)[i];
	fail_msg("no section of type %u", type);
	return NULL;
}

/* The grant section made an optional unknown one: skipped, so missing. */
static void no_grants(uint8_t *buf, size_t *size)
{
	struct vmctl_save_section *g = find(buf, VMCTL_SECTION_GRANTS);

	g->type = 66;
	g->flags = VMCTL_SECTION_OPTIONAL;
	fix_crc(buf, *size);
}

/* A grant section that says another domain maps it (no writer does). */
static void grants_mapped(uint8_t *buf, size_t *size)
{
	struct umbra_grant_state *g = (void *)(buf + find(buf, VMCTL_SECTION_GRANTS)->offset);

	g->active = 1;
	fix_crc(buf, *size);
}

static void wrong_vcpus(uint8_t *buf, size_t *size)
{
	struct vmctl_save_config *c = (void *)(buf + table(buf)[0].offset);

	c->nr_vcpus = 3;
	fix_crc(buf, *size);
}

static void test_truncated(void **state)
{
	refused(*state, truncate_it, "truncated: ", 0);
	refused(*state, truncate_header, "shorter than the 64-byte header", 0);
}

static void test_corrupted(void **state)
{
	refused(*state, flip_byte, "corrupted: checksum", 0);
	refused(*state, other_magic, "not an Umbra save file", 0);
}

static void test_version_arch(void **state)
{
	refused(*state, other_version, "save format version 3, this vmctl reads version 2", 0);
	refused(*state, old_version, "save format version 1, this vmctl reads version 2", 0);
	refused(*state, other_arch, "saved on architecture 183 (aarch64), this is x86_64", 0);
}

static void test_sections(void **state)
{
	refused(*state, unknown_required, "section of type 99 is needed", 0);
	refused(*state, wrong_vcpus, "vCPU 2's section is missing", 0);
	refused(*state, garble_stream, "the new domain", 1);
	refused(*state, no_grants, "the grant table section is missing", 0);
	refused(*state, grants_mapped, "grant table saved with mappings between domains", 0);
}

/* A domain whose grants another domain maps, or which maps another's:
 * refused with the reason, no file left behind by the caller. */
static void test_grants_mapped(void **state)
{
	struct vmctl *h = *state;
	uint32_t src = make_source();
	struct umbra_grant_state *g = (void *)fake.dom[src].grants;
	int fd;

	fake.dom[src].grants_size = grants_example(fake.dom[src].grants, 1);
	g->active = 2;
	strcpy(path, "/tmp/test_savefile.XXXXXX");
	fd = mkstemp(path);
	assert_int_equal(vmctl_domain_save(h, src, fd, NULL), -EBUSY);
	assert_non_null(strstr(vmctl_last_error(), "has 2 grant references mapped by another domain"));
	g->active = 0;
	g->maptrack = 1;
	assert_int_equal(vmctl_domain_save(h, src, fd, NULL), -EBUSY);
	assert_non_null(strstr(vmctl_last_error(), "has 1 grant mapping of another domain's pages"));
	/* Idle (entries written, nothing mapped): saved. */
	g->maptrack = 0;
	assert_int_equal(vmctl_domain_save(h, src, fd, NULL), 0);
	close(fd);
	unlink(path);
}

/* The grant section's own checks, case by case. */
static void grant_refused(const uint8_t *buf, size_t size, const char *msg)
{
	assert_int_equal(vmctl_save_check_grants(buf, size, "f"), -EINVAL);
	if (!strstr(vmctl_last_error(), msg))
		fail_msg("error '%s' does not say '%s'", vmctl_last_error(), msg);
}

static void test_grant_section(void **state)
{
	_Alignas(8) uint8_t buf[sizeof(struct umbra_grant_state) + 4 * sizeof(struct umbra_grant_frame) +
		    2 * UMBRA_GRANT_PAGE];
	struct umbra_grant_state *g = (void *)buf;
	struct umbra_grant_frame *f = (void *)(g + 1);
	struct umbra_grant_state empty = { .version = 1 };
	size_t n;

	(void)state;
	assert_int_equal(vmctl_save_check_grants(&empty, sizeof(empty), "f"), 0);
	n = grants_example(buf, 1);
	assert_int_equal(vmctl_save_check_grants(buf, n, "f"), 0);
	grant_refused(buf, n - 1, "grant table section of");
	grant_refused(buf, 16, "grant table section of 16 bytes");
	g->version = 3;
	grant_refused(buf, n, "grant table version 3");
	g->version = 1;
	g->maptrack = 4;
	grant_refused(buf, n, "(0 in use by others, 4 held)");
	g->maptrack = 0;
	g->reserved = 1;
	grant_refused(buf, n, "fields this version does not know");
	g->reserved = 0;
	f[1].flags = UMBRA_GRANT_FRAME_STATUS;
	grant_refused(buf, n, "record 1 has flags 0x2");
	f[1].flags = 0x80;
	grant_refused(buf, n, "record 1 has flags 0x80");
	f[1].flags = 0;
	f[1].gpa = 0x3004;
	grant_refused(buf, n, "grant frame 1 at 0x3004, not a page boundary");
	f[1].gpa = 0x3000;
	f[1].index = 0;
	grant_refused(buf, n, "grant frame 0 placed twice");
	f[1].index = 1;
	f[1].flags = UMBRA_GRANT_FRAME_BACKED;
	grant_refused(buf, n, "1 grant frame pages for 2 frames outside RAM");
	/* Version 2: a status frame may share a shared frame's index. */
	n = grants_example(buf, 2);
	f[1] = (struct umbra_grant_frame){ .index = 0, .flags = UMBRA_GRANT_FRAME_STATUS,
					   .gpa = 0x5000 };
	assert_int_equal(vmctl_save_check_grants(buf, n, "f"), 0);
	f[1].flags |= UMBRA_GRANT_FRAME_BACKED;
	grant_refused(buf, n, "1 grant frame pages for 2 frames outside RAM");
}

/* An optional section of an unknown type is skipped; the same section
 * not optional refuses the file (test_sections). One more table entry
 * moves every section 32 bytes on. */
static void test_optional_skipped(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_restore_info ri;
	uint32_t src = make_source(), id;
	struct vmctl_save_header *hdr;
	size_t size, head, n;
	uint8_t *buf, *out;

	save_to_file(h, src, NULL);
	assert_int_equal(vmctl_domain_destroy(h, src), 0);
	buf = slurp(&size);
	hdr = (void *)buf;
	n = hdr->nr_sections;
	head = sizeof(*hdr) + n * sizeof(struct vmctl_save_section);
	out = calloc(1, size + sizeof(struct vmctl_save_section));
	memcpy(out, buf, head);
	memcpy(out + head + sizeof(struct vmctl_save_section), buf + head, size - head);
	for (size_t i = 0; i < n; i++)
		table(out)[i].offset += sizeof(struct vmctl_save_section);
	table(out)[n] = (struct vmctl_save_section){
		.type = 77, .flags = VMCTL_SECTION_OPTIONAL,
		.offset = table(out)[0].offset, .size = 8,
	};
	hdr = (void *)out;
	hdr->nr_sections++;
	hdr->file_size += sizeof(struct vmctl_save_section);
	size += sizeof(struct vmctl_save_section);
	fix_crc(out, size);
	spill(out, size);
	free(buf);
	free(out);
	assert_int_equal(vmctl_domain_restore(h, path, NULL, &id, &ri), 0);
	assert_int_equal(ri.skipped_sections, 1);
	assert_int_equal(fake.dom[id].vcpu[1].rip, 0x100001);
	unlink(path);
}

static int setup(void **state)
{
	return fake_open(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_not_paused, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_truncated, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_corrupted, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_version_arch, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_sections, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_optional_skipped, setup, fake_close),
		cmocka_unit_test_setup_teardown(test_grants_mapped, setup, fake_close),
		cmocka_unit_test(test_grant_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
