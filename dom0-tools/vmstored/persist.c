/* Saving and restoring the tree (format in persist.h). */
#include "persist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "path.h"
#include "watch.h"
#include "store.h"

static const char magic[8] = "VMSTORE\n";

#define HEADER_SIZE 24
#define TRAILER_SIZE 4

uint32_t persist_crc32(const void *data, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = data;
	uint32_t crc = 0xffffffffU;
	size_t i;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;

			for (k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	}
	for (i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffU;
}

static void fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* ---- encoding ---- */

struct buf {
	unsigned char *data;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len > b->cap) {
		size_t cap = (b->cap + len) * 2;
		unsigned char *grown = realloc(b->data, cap);

		if (!grown) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = { v, v >> 8, v >> 16, v >> 24 };

	put(b, le, sizeof(le));
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_node(const struct node *n, void *arg)
{
	struct buf *b = arg;
	uint32_t i;

	put_u32(b, n->path_len);
	put_u32(b, n->value_len);
	put_u32(b, n->perms.n);
	put(b, n->path, n->path_len);
	put(b, n->value, n->value_len);
	for (i = 0; i < n->perms.n; i++) {
		put_u32(b, n->perms.p[i].domid);
		put_u32(b, n->perms.p[i].access);
	}
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc;

	if (!dir)
		return -1;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_file(const char *path, const struct buf *b, char *err,
		      size_t err_len)
{
	size_t tlen = strlen(path) + 32;
	char *tmp = malloc(tlen);
	int fd;

	if (!tmp) {
		fail(err, err_len, "out of memory");
		return -1;
	}
	snprintf(tmp, tlen, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, b->data, b->len) || fsync(fd)) {
		fail(err, err_len, "%s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (close(fd)) {
		fd = -1;
		fail(err, err_len, "%s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) || fsync_dir(path)) {
		fail(err, err_len, "%s: %s", path, strerror(errno));
		goto out_unlink;
	}
	free(tmp);
	return 0;
out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

static void put_str(struct buf *b, const char *str)
{
	uint32_t len = (uint32_t)strlen(str);

	put_u32(b, len);
	put(b, str, len);
}

/* Its ring connection's watches, or those still waiting to be set again
 * (a save before its ring came back). */
static void put_watches(struct buf *b, const struct domain *d)
{
	const struct list_head *pos;
	uint32_t n = 0, i;

	if (!d->ring_client) {
		put_u32(b, d->nsaved_watches);
		for (i = 0; i < 2 * d->nsaved_watches; i++)
			put_str(b, d->saved_watches[i]);
		return;
	}
	for (pos = d->ring_client->watches.next; pos != &d->ring_client->watches;
	     pos = pos->next)
		n++;
	put_u32(b, n);
	for (pos = d->ring_client->watches.next; pos != &d->ring_client->watches;
	     pos = pos->next) {
		const struct watch *w = list_entry(pos, struct watch, client_link);

		put_str(b, w->path);
		put_str(b, w->token);
	}
}

/* The guests INTRODUCE made known, so a restart serves them again
 * (dom0 is always there). */
static bool saved(const struct domain *d)
{
	return d->introduced && d->domid != 0;
}

static void put_domains(struct buf *b, const struct store *s)
{
	const struct hlink *l;
	uint32_t n = 0;
	size_t pos = 0;

	for (l = htable_next(&s->domains, &pos, NULL); l;
	     l = htable_next(&s->domains, &pos, (struct hlink *)l))
		n += saved(container_of(l, struct domain, link));
	put_u32(b, n);
	pos = 0;
	for (l = htable_next(&s->domains, &pos, NULL); l;
	     l = htable_next(&s->domains, &pos, (struct hlink *)l)) {
		const struct domain *d = container_of(l, struct domain, link);

		if (!saved(d))
			continue;
		put_u32(b, d->domid);
		put_u32(b, d->port);
		put_u64(b, d->mfn);
		put_u32(b, d->target);
		put_watches(b, d);
	}
}

int persist_save(const struct store *s, const char *path, char *err,
		 size_t err_len)
{
	struct buf b = { 0 };
	int rc;

	put(&b, magic, sizeof(magic));
	put_u32(&b, PERSIST_VERSION);
	put_u32(&b, 0);
	put_u64(&b, s->tree.nnodes);
	tree_walk(&s->tree, put_node, &b);
	put_domains(&b, s);
	put_u32(&b, persist_crc32(b.data, b.len));
	if (b.failed) {
		free(b.data);
		fail(err, err_len, "out of memory");
		return -1;
	}
	rc = write_file(path, &b, err, err_len);
	free(b.data);
	return rc;
}

/* ---- decoding ---- */

struct cursor {
	const unsigned char *p, *end;
};

static bool get_u32(struct cursor *c, uint32_t *v)
{
	if (c->end - c->p < 4)
		return false;
	*v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 |
	     (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
	c->p += 4;
	return true;
}

static bool get_bytes(struct cursor *c, const unsigned char **out,
		      uint32_t len)
{
	if ((size_t)(c->end - c->p) < len)
		return false;
	*out = c->p;
	c->p += len;
	return true;
}

static bool get_perms(struct cursor *c, uint32_t n, struct perms *perms)
{
	uint32_t i;

	if (n == 0 || n > 65536 || (size_t)(c->end - c->p) < (size_t)n * 8)
		return false;
	perms->p = calloc(n, sizeof(*perms->p));
	if (!perms->p)
		return false;
	perms->n = n;
	for (i = 0; i < n; i++) {
		get_u32(c, &perms->p[i].domid);
		get_u32(c, &perms->p[i].access);
		if (perms->p[i].domid > VMS_DOMID_MAX ||
		    perms->p[i].access > VMS_PERM_BOTH) {
			perms_free(perms);
			return false;
		}
	}
	return true;
}

/* Add one record to t; NULL on success, else what is wrong with it. */
static const char *load_node(struct tree *t, struct cursor *c, uint64_t i)
{
	const unsigned char *path, *value;
	uint32_t plen, vlen, nperms;
	struct node *n = NULL, *parent;
	struct perms perms;
	const char *why = NULL;

	if (!get_u32(c, &plen) || !get_u32(c, &vlen) || !get_u32(c, &nperms) ||
	    !get_bytes(c, &path, plen) || !get_bytes(c, &value, vlen))
		return "truncated record";
	if (!path_is_valid((const char *)path, plen))
		return "invalid path";
	if (!get_perms(c, nperms, &perms))
		return "invalid permissions";
	if (i == 0 && (plen != 1 || path[0] != '/')) {
		why = "first record is not the root";
	} else if (i == 0) {
		n = t->root;
		tree_set_perms(t, n, &perms);
	} else if (tree_lookup(t, (const char *)path, plen)) {
		why = "duplicate path";
	} else {
		parent = tree_lookup(t, (const char *)path,
				     path_parent_len((const char *)path, plen));
		n = parent ? tree_add_child(t, parent, (const char *)path,
					    plen, &perms) : NULL;
		if (!n)
			why = parent ? "out of memory" : "parent missing";
	}
	if (!why && tree_set_value(t, n, value, vlen))
		why = "out of memory";
	perms_free(&perms);
	return why;
}

/* Introduced domains read from a file, applied once all of it is good. */
struct saved_domain {
	uint32_t domid, port, target;
	uint64_t mfn;
	char **watches;			/* path, token, ... */
	uint32_t nwatches;
};

struct saved_domains {
	struct saved_domain *d;
	uint32_t n;
};

static void saved_domains_free(struct saved_domains *s)
{
	for (uint32_t i = 0; s->d && i < s->n; i++) {
		for (uint32_t k = 0; k < 2 * s->d[i].nwatches; k++)
			free(s->d[i].watches[k]);
		free(s->d[i].watches);
	}
	free(s->d);
	s->d = NULL;
}

static char *get_str(struct cursor *c)
{
	const unsigned char *p;
	uint32_t len;
	char *str;

	if (!get_u32(c, &len) || len > XENSTORE_ABS_PATH_MAX || !get_bytes(c, &p, len) ||
	    memchr(p, 0, len))
		return NULL;
	str = malloc((size_t)len + 1);
	if (str) {
		memcpy(str, p, len);
		str[len] = 0;
	}
	return str;
}

static const char *load_watches(struct cursor *c, struct saved_domain *d)
{
	uint32_t n;

	if (!get_u32(c, &n) || n > 65536)
		return "bad watch count";
	d->watches = calloc(2 * (size_t)n + 1, sizeof(char *));
	if (!d->watches)
		return "out of memory";
	d->nwatches = n;	/* every slot freed on failure (NULL or read) */
	for (uint32_t i = 0; i < 2 * n; i++) {
		d->watches[i] = get_str(c);
		if (!d->watches[i])
			return "bad watch";
	}
	return NULL;
}

static const char *load_domains(struct cursor *c, struct saved_domains *out,
				uint32_t version)
{
	uint32_t n, i, lo = 0, hi = 0;

	if (!get_u32(c, &n))
		return "truncated domain count";
	if (n > VMS_DOMID_MAX || (size_t)(c->end - c->p) < (size_t)n * (version >= 3 ? 24 : 20))
		return "domain count does not match the records";
	out->d = calloc(n ? n : 1, sizeof(*out->d));
	if (!out->d)
		return "out of memory";
	out->n = n;
	for (i = 0; i < n; i++) {
		struct saved_domain *d = &out->d[i];

		get_u32(c, &d->domid);
		get_u32(c, &d->port);
		get_u32(c, &lo);
		get_u32(c, &hi);
		get_u32(c, &d->target);
		d->mfn = (uint64_t)hi << 32 | lo;
		if (d->domid == 0 || d->domid > VMS_DOMID_MAX)
			return "bad domain id";
		if (version >= 3) {
			const char *why = load_watches(c, d);

			if (why)
				return why;
		}
	}
	return NULL;
}

static int parse(struct tree *t, struct saved_domains *doms,
		 const unsigned char *data, size_t len, char *err, size_t err_len)
{
	struct cursor hdr = { data + 8, data + HEADER_SIZE };
	struct cursor tail = { data + len - TRAILER_SIZE, data + len };
	struct cursor c = { data + HEADER_SIZE, data + len - TRAILER_SIZE };
	uint32_t version, reserved, count_lo, count_hi, stored_crc;
	uint64_t count, i;

	if (len < HEADER_SIZE + TRAILER_SIZE || memcmp(data, magic, 8)) {
		fail(err, err_len, "not a vmstored state file (bad magic)");
		return -1;
	}
	get_u32(&hdr, &version);
	get_u32(&hdr, &reserved);
	get_u32(&hdr, &count_lo);
	get_u32(&hdr, &count_hi);
	get_u32(&tail, &stored_crc);
	count = (uint64_t)count_hi << 32 | count_lo;
	if (version < 1 || version > PERSIST_VERSION) {
		fail(err, err_len, "unsupported version %" PRIu32, version);
		return -1;
	}
	if (persist_crc32(data, len - TRAILER_SIZE) != stored_crc) {
		fail(err, err_len, "checksum mismatch (damaged or truncated)");
		return -1;
	}
	for (i = 0; i < count; i++) {
		const char *why = load_node(t, &c, i);

		if (why) {
			fail(err, err_len, "node %" PRIu64 " at byte %zu: %s",
			     i, (size_t)(c.p - data), why);
			return -1;
		}
	}
	if (count == 0 || (version == 1 && c.p != c.end)) {
		fail(err, err_len, "node count %" PRIu64 " does not match "
		     "the records", count);
		return -1;
	}
	if (version >= 2) {
		const char *why = load_domains(&c, doms, version);

		if (!why && c.p != c.end)
			why = "trailing bytes after the domains";
		if (why) {
			fail(err, err_len, "domains at byte %zu: %s",
			     (size_t)(c.p - data), why);
			return -1;
		}
	}
	return 0;
}

static unsigned char *read_file(const char *path, size_t *len, char *err,
				size_t err_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *data = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0) {
		fail(err, err_len, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		data = malloc((size_t)st.st_size);
	while (data && got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!data || got != (size_t)st.st_size) {
		fail(err, err_len, "cannot read it (empty or unreadable)");
		free(data);
		return NULL;
	}
	*len = got;
	return data;
}

int persist_parse(struct store *s, const void *data, size_t len, char *err,
		  size_t err_len)
{
	struct saved_domains doms = { 0 };
	struct tree t;
	uint32_t i;

	if (tree_init(&t)) {
		fail(err, err_len, "out of memory");
		return -1;
	}
	if (parse(&t, &doms, data, len, err, err_len)) {
		tree_destroy(&t);
		saved_domains_free(&doms);
		return -1;
	}
	tree_destroy(&s->tree);
	s->tree = t;
	for (i = 0; i < doms.n; i++) {
		struct domain *d = domain_get(s, doms.d[i].domid);

		if (!d)
			continue;	/* out of memory: that one is not served */
		d->introduced = true;
		d->port = doms.d[i].port;
		d->mfn = doms.d[i].mfn;
		d->target = doms.d[i].target;
		domain_forget_saved_watches(d);
		d->saved_watches = doms.d[i].watches;
		d->nsaved_watches = doms.d[i].nwatches;
		doms.d[i].watches = NULL;
		doms.d[i].nwatches = 0;
	}
	saved_domains_free(&doms);
	domain_recount_nodes(s);
	s->dirty = false;
	return 0;
}

int persist_load(struct store *s, const char *path, char *err,
		 size_t err_len)
{
	unsigned char *data;
	size_t len;
	int rc;

	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	data = read_file(path, &len, err, err_len);
	if (!data)
		return -1;
	rc = persist_parse(s, data, len, err, err_len);
	free(data);
	return rc;
}
