/* The state file: round trip, atomic replacement, damage refused. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "dom0-tools/vmstored/persist.h"
#include "public/io/xs_wire.h"

enum { DOM0 };

static const struct h_clients clients = {
	.n = 1,
	.c = {
		[DOM0] = { 0, true },
	},
};

static const char *state_file(const struct h_fixture *f)
{
	static char path[96];

	snprintf(path, sizeof(path), "%s/state", f->dir);
	return path;
}

static void populate(struct conn *c)
{
	assert_call(c, XS_WRITE, 0, "/z|last", "WRITE OK|");
	assert_call(c, XS_WRITE, 0, "/a/b|with|nul", "WRITE OK|");
	assert_call(c, XS_WRITE, 0, "/a/c|", "WRITE OK|");
	assert_call(c, XS_SET_PERMS, 0, "/a|n5|r6|b7|", "SET_PERMS OK|");
	assert_call(c, XS_WRITE, 0, "/local/domain/5/name|guest", "WRITE OK|");
}

static void save(struct h_fixture *f)
{
	char err[256] = "";

	assert_int_equal(persist_save(f->s, state_file(f), err, sizeof(err)), 0);
}

/* Load path into a fresh store; returns persist_load's result. */
static int load_fresh(struct h_fixture *f, char *err, size_t len)
{
	int rc;

	h_restart(f);
	rc = persist_load(f->s, state_file(f), err, len);
	if (rc)
		print_message("load: %s\n", err);
	return rc;
}

static void test_round_trip(void **state)
{
	struct h_fixture *f = *state;
	char err[256];

	populate(f->c[DOM0]);
	save(f);
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	assert_call(f->c[DOM0], XS_DIRECTORY, 0, "/|", "DIRECTORY z|a|local|");
	assert_call(f->c[DOM0], XS_DIRECTORY, 0, "/a|", "DIRECTORY b|c|");
	assert_call(f->c[DOM0], XS_READ, 0, "/z|", "READ last");
	assert_call(f->c[DOM0], XS_READ, 0, "/a/b|", "READ with|nul");
	assert_call(f->c[DOM0], XS_GET_PERMS, 0, "/a|", "GET_PERMS n5|r6|b7|");
	assert_call(f->c[DOM0], XS_READ, 0, "/local/domain/5/name|", "READ guest");
	assert_int_equal(f->s->tree.nnodes, 9);
	/* Ownership counts are rebuilt for quotas. */
	assert_int_equal(domain_find(f->s, 5)->nodes, 1);
	assert_null(tree_check(&f->s->tree));
}

static void test_missing_file_means_empty(void **state)
{
	struct h_fixture *f = *state;
	char err[256];

	assert_int_equal(load_fresh(f, err, sizeof(err)), 1);
	assert_int_equal(f->s->tree.nnodes, 1);
}

static void test_replaces_atomically(void **state)
{
	struct h_fixture *f = *state;
	char err[256], cmd[160];
	FILE *p;
	int files;

	populate(f->c[DOM0]);
	save(f);
	assert_call(f->c[DOM0], XS_WRITE, 0, "/second|2", "WRITE OK|");
	save(f);
	/* No temporary files left behind. */
	snprintf(cmd, sizeof(cmd), "ls %s | wc -l", f->dir);
	p = popen(cmd, "r");
	assert_int_equal(fscanf(p, "%d", &files), 1);
	pclose(p);
	assert_int_equal(files, 1);
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	assert_call(f->c[DOM0], XS_READ, 0, "/second|", "READ 2");
}

static long file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

static void patch(const char *path, long off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

/* After damage, loading fails with msg and the store is left as it was. */
static void expect_refused(struct h_fixture *f, const char *msg)
{
	char err[256] = "";

	h_restart(f);
	assert_call(f->c[DOM0], XS_WRITE, 0, "/before|1", "WRITE OK|");
	assert_int_equal(persist_load(f->s, state_file(f), err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not mention '%s'", err, msg);
	assert_call(f->c[DOM0], XS_READ, 0, "/before|", "READ 1");
	assert_call(f->c[DOM0], XS_READ, 0, "/z|", "ERROR ENOENT|");
}

static void test_flipped_byte_is_caught(void **state)
{
	struct h_fixture *f = *state;

	populate(f->c[DOM0]);
	save(f);
	patch(state_file(f), 40, "X", 1);
	expect_refused(f, "checksum");
}

static void test_truncation_is_caught(void **state)
{
	struct h_fixture *f = *state;

	populate(f->c[DOM0]);
	save(f);
	assert_int_equal(truncate(state_file(f), file_size(state_file(f)) - 10), 0);
	expect_refused(f, "checksum");
	assert_int_equal(truncate(state_file(f), 5), 0);
	expect_refused(f, "magic");
	assert_int_equal(truncate(state_file(f), 0), 0);
	expect_refused(f, "cannot read");
}

static void test_wrong_magic_and_version(void **state)
{
	struct h_fixture *f = *state;
	uint32_t v = 99;

	populate(f->c[DOM0]);
	save(f);
	patch(state_file(f), 0, "NOTSTORE", 8);
	expect_refused(f, "magic");
	save(f);
	patch(state_file(f), 8, &v, 4);
	expect_refused(f, "version");
}

/* Rewrite the file's checksum so that structure checks are reached. */
static void fix_crc(const char *path)
{
	long size = file_size(path);
	unsigned char *buf = malloc((size_t)size);
	int fd = open(path, O_RDWR);
	uint32_t crc;

	assert_int_equal(read(fd, buf, (size_t)size), size);
	crc = persist_crc32(buf, (size_t)size - 4);
	assert_int_equal(pwrite(fd, &crc, 4, size - 4), 4);
	close(fd);
	free(buf);
}

static void test_structure_checked_beyond_checksum(void **state)
{
	struct h_fixture *f = *state;
	uint64_t count = 1000;
	uint32_t bad_access = 9;

	populate(f->c[DOM0]);
	save(f);
	patch(state_file(f), 16, &count, 8);
	fix_crc(state_file(f));
	expect_refused(f, "truncated record");

	/* The root record's first permission entry: access bits 9. */
	save(f);
	patch(state_file(f), 24 + 12 + 1 + 4, &bad_access, 4);
	fix_crc(state_file(f));
	expect_refused(f, "invalid permissions");

	/* A path that is not a path. */
	save(f);
	patch(state_file(f), 24 + 12, "x", 1);
	fix_crc(state_file(f));
	expect_refused(f, "invalid path");
}

/* Introduced domains outlive a restart (--state): vmstored serves their
 * rings again; a released one is not brought back. */
static void test_introduced_domains_kept(void **state)
{
	struct h_fixture *f = *state;
	const struct domain *d;
	char err[256];

	populate(f->c[DOM0]);
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "9|1044476|1|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "12|8190|3|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_SET_TARGET, 0, "12|9|", "SET_TARGET OK|");
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "13|5|5|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_RELEASE, 0, "13|", "RELEASE OK|");
	save(f);
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	d = domain_find(f->s, 9);
	assert_non_null(d);
	assert_true(d->introduced);
	assert_int_equal(d->mfn, 1044476);
	assert_int_equal(d->port, 1);
	d = domain_find(f->s, 12);
	assert_non_null(d);
	assert_true(d->introduced);
	assert_int_equal(d->mfn, 8190);
	assert_int_equal(d->port, 3);
	assert_int_equal(d->target, 9);
	d = domain_find(f->s, 13);
	assert_true(!d || !d->introduced);
	assert_call(f->c[DOM0], XS_IS_DOMAIN_INTRODUCED, 0, "12|", "IS_DOMAIN_INTRODUCED T|");
	/* The same again with different numbers: as before a restart. */
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "12|8190|3|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "12|8191|3|", "ERROR EEXIST|");
}

/* A guest's watches on its ring connection come back with it: kept in
 * the file, set again when its ring is attached (here: read back). */
static void test_ring_watches_kept(void **state)
{
	struct h_fixture *f = *state;
	struct conn *guest = h_conn(f->s, 7, false);
	const struct domain *d;
	char err[256];

	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "7|4094|1|", "INTRODUCE OK|");
	domain_find(f->s, 7)->ring_client = &guest->client;
	assert_call(guest, XS_WATCH, 0, "control/shutdown|shut|", "WATCH OK|");
	assert_call(guest, XS_WATCH, 0, "@releaseDomain|rel|", "WATCH OK|");
	save(f);
	domain_find(f->s, 7)->ring_client = NULL;
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	d = domain_find(f->s, 7);
	assert_non_null(d);
	assert_true(d->introduced);
	assert_int_equal(d->nsaved_watches, 2);
	assert_string_equal(d->saved_watches[0], "control/shutdown");
	assert_string_equal(d->saved_watches[1], "shut");
	assert_string_equal(d->saved_watches[2], "@releaseDomain");
	assert_string_equal(d->saved_watches[3], "rel");
	/* Saved again before its ring came back: still there. */
	save(f);
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	assert_int_equal(domain_find(f->s, 7)->nsaved_watches, 2);
	/* Released: forgotten. */
	assert_call(f->c[DOM0], XS_RELEASE, 0, "7|", "RELEASE OK|");
	assert_int_equal(domain_find(f->s, 7)->nsaved_watches, 0);
}

/* A damaged domain section is refused like a damaged node. */
static void test_bad_domain_section(void **state)
{
	struct h_fixture *f = *state;
	uint32_t zero = 0;

	populate(f->c[DOM0]);
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "9|100|1|", "INTRODUCE OK|");
	save(f);
	/* The one record's domid (24 bytes of record with no watch, then
	 * the checksum). */
	patch(state_file(f), file_size(state_file(f)) - 4 - 24, &zero, 4);
	fix_crc(state_file(f));
	expect_refused(f, "bad domain id");
}

static void test_large_tree(void **state)
{
	struct h_fixture *f = *state;
	char req[64], err[256];
	int i;

	for (i = 0; i < 20000; i++) {
		snprintf(req, sizeof(req), "/big/%d/k%d|value-%d", i % 50, i, i);
		assert_call(f->c[DOM0], XS_WRITE, 0, req, "WRITE OK|");
	}
	save(f);
	assert_int_equal(load_fresh(f, err, sizeof(err)), 0);
	assert_int_equal(f->s->tree.nnodes, 20000 + 50 + 2);
	assert_call(f->c[DOM0], XS_READ, 0, "/big/49/k19999|", "READ value-19999");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) h_test(fn, &clients)
		T(test_round_trip),
		T(test_missing_file_means_empty),
		T(test_replaces_atomically),
		T(test_flipped_byte_is_caught),
		T(test_truncation_is_caught),
		T(test_wrong_magic_and_version),
		T(test_introduced_domains_kept),
		T(test_bad_domain_section),
		T(test_ring_watches_kept),
		T(test_structure_checked_beyond_checksum),
		T(test_large_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
