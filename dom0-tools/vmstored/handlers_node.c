/* Handlers for the node requests: READ, WRITE, MKDIR, RM, DIRECTORY(_PART),
 * GET_PERMS, SET_PERMS. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "dispatch.h"
#include "ops.h"
#include "path.h"

/* The request's single argument as a canonical path; length or -errno. */
static int one_path(struct client *c, struct request *r, char *buf)
{
	const char *arg;

	if (!req_args(r, &arg, 1))
		return -EINVAL;
	return path_canonicalize(arg, c->domid, buf, PATH_BUF_SIZE);
}

int do_read(struct client *c, struct request *r)
{
	char path[PATH_BUF_SIZE];
	struct op_ctx ctx;
	const char *value;
	uint32_t len;
	int plen = one_path(c, r, path), err;

	if (plen < 0)
		return -plen;
	op_ctx_init(&ctx, c, r->tx);
	err = op_read(&ctx, path, (size_t)plen, &value, &len);
	return err ? err : reply(r, value, len);
}

/*
 * WRITE, MKDIR and RM: change one node and answer OK. They differ only
 * in their arguments (WRITE: the path, then the value's bytes) and in
 * the operation, so one body serves all three.
 */
typedef int (*change_fn)(const struct op_ctx *ctx, const char *path,
			 size_t len, const void *value, uint32_t value_len);

static int change_write(const struct op_ctx *ctx, const char *path,
			size_t len, const void *value, uint32_t value_len)
{
	return op_write(ctx, path, len, value, value_len);
}

static int change_mkdir(const struct op_ctx *ctx, const char *path,
			size_t len, const void *value, uint32_t value_len)
{
	(void)value;
	(void)value_len;
	return op_mkdir(ctx, path, len);
}

static int change_rm(const struct op_ctx *ctx, const char *path, size_t len,
		     const void *value, uint32_t value_len)
{
	(void)value;
	(void)value_len;
	return op_rm(ctx, path, len);
}

enum change { CHANGE_WRITE, CHANGE_MKDIR, CHANGE_RM };

static const struct {
	bool with_value;
	change_fn apply;
} changes[] = {
	[CHANGE_WRITE] = { true, change_write },
	[CHANGE_MKDIR] = { false, change_mkdir },
	[CHANGE_RM] = { false, change_rm },
};

static int change_node(struct client *c, struct request *r, enum change kind)
{
	char path[PATH_BUF_SIZE];
	const char *arg, *data = NULL;
	struct op_ctx ctx;
	uint32_t len = 0;
	int plen, err;

	if (changes[kind].with_value ? !req_path_and_data(r, &arg, &data, &len)
				     : !req_args(r, &arg, 1))
		return EINVAL;
	plen = path_canonicalize(arg, c->domid, path, sizeof(path));
	if (plen < 0)
		return -plen;
	op_ctx_init(&ctx, c, r->tx);
	err = changes[kind].apply(&ctx, path, (size_t)plen, data, len);
	return err ? err : reply_ok(r);
}

int do_write(struct client *c, struct request *r)
{
	return change_node(c, r, CHANGE_WRITE);
}

int do_mkdir(struct client *c, struct request *r)
{
	return change_node(c, r, CHANGE_MKDIR);
}

int do_rm(struct client *c, struct request *r)
{
	return change_node(c, r, CHANGE_RM);
}

/* Children names, NUL-terminated, into a growing buffer. */
struct name_buf {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void append_name(const char *name, void *arg)
{
	struct name_buf *nb = arg;
	size_t n = strlen(name) + 1;

	if (nb->failed)
		return;
	if (nb->len + n > nb->cap) {
		size_t cap = (nb->cap + n) * 2;
		char *grown = realloc(nb->buf, cap);

		if (!grown) {
			nb->failed = true;
			return;
		}
		nb->buf = grown;
		nb->cap = cap;
	}
	memcpy(nb->buf + nb->len, name, n);
	nb->len += n;
}

static int list_children(struct client *c, struct request *r, const char *arg,
			 struct name_buf *nb, uint64_t *gen)
{
	char path[PATH_BUF_SIZE];
	struct op_ctx ctx;
	int plen = path_canonicalize(arg, c->domid, path, sizeof(path));
	int err;

	if (plen < 0)
		return -plen;
	op_ctx_init(&ctx, c, r->tx);
	err = op_directory(&ctx, path, (size_t)plen, append_name, nb, gen);
	if (!err && nb->failed)
		err = ENOMEM;
	return err;
}

int do_directory(struct client *c, struct request *r)
{
	struct name_buf nb = { 0 };
	const char *arg;
	int err;

	if (!req_args(r, &arg, 1))
		return EINVAL;
	err = list_children(c, r, arg, &nb, NULL);
	if (!err)
		err = nb.len > c->reply_max ? E2BIG :
		      reply(r, nb.buf, (uint32_t)nb.len);
	free(nb.buf);
	return err;
}

/*
 * One slice of a long child list, as xenstored cuts it: the node's
 * generation, then whole names starting at byte offset off while they
 * fit; an extra NUL marks the end of the list.
 */
static int reply_part(struct request *r,
		      const struct name_buf *nb, unsigned long off,
		      uint64_t gen)
{
	char out[XENSTORE_PAYLOAD_MAX];
	int glen = snprintf(out, sizeof(out), "%" PRIu64, gen) + 1;
	size_t max = sizeof(out) - (size_t)glen - 1, len = 0;

	while (off + len < nb->len) {
		size_t n = strlen(nb->buf + off + len) + 1;

		if (len + n > max)
			break;
		len += n;
	}
	if (len)
		memcpy(out + glen, nb->buf + off, len);
	if (off + len >= nb->len)
		out[glen + len++] = 0;
	return reply(r, out, (uint32_t)(glen + len));
}

int do_directory_part(struct client *c, struct request *r)
{
	struct name_buf nb = { 0 };
	const char *argv[2];
	unsigned long off;
	uint64_t gen = 0;
	int err;

	if (!req_args(r, argv, 2) || !parse_uint(argv[1], UINT32_MAX, &off))
		return EINVAL;
	err = list_children(c, r, argv[0], &nb, &gen);
	if (!err)
		err = reply_part(r, &nb, off < nb.len ? off : nb.len, gen);
	free(nb.buf);
	return err;
}

static int reply_perms(struct request *r,
		       const struct perms *perms)
{
	char out[XENSTORE_PAYLOAD_MAX];
	int len = perms_to_wire(perms, out, sizeof(out));

	return len < 0 ? E2BIG : reply(r, out, (uint32_t)len);
}

int do_get_perms(struct client *c, struct request *r)
{
	char path[PATH_BUF_SIZE];
	const struct perms *perms;
	struct op_ctx ctx;
	const char *arg;
	int plen, err, special;

	if (!req_args(r, &arg, 1))
		return EINVAL;
	special = special_lookup(arg);
	if (special >= 0)
		return reply_perms(r, &c->store->special_perms[special]);
	plen = path_canonicalize(arg, c->domid, path, sizeof(path));
	if (plen < 0)
		return -plen;
	op_ctx_init(&ctx, c, r->tx);
	err = op_get_perms(&ctx, path, (size_t)plen, &perms);
	return err ? err : reply_perms(r, perms);
}

static int set_special_perms(struct client *c, struct request *r, int which,
			     struct perms *perms)
{
	if (!c->privileged)
		return EACCES;
	perms_free(&c->store->special_perms[which]);
	c->store->special_perms[which] = *perms;
	perms->p = NULL;
	perms->n = 0;
	return reply_ok(r);
}

int do_set_perms(struct client *c, struct request *r)
{
	char path[PATH_BUF_SIZE];
	const char *arg, *rest;
	struct perms perms;
	struct op_ctx ctx;
	uint32_t rest_len;
	int plen, err, special;

	if (!req_path_and_data(r, &arg, &rest, &rest_len))
		return EINVAL;
	err = perms_from_wire(rest, rest_len, &perms);
	if (err)
		return err;
	special = special_lookup(arg);
	if (special >= 0) {
		err = set_special_perms(c, r, special, &perms);
	} else {
		plen = path_canonicalize(arg, c->domid, path, sizeof(path));
		op_ctx_init(&ctx, c, r->tx);
		err = plen < 0 ? -plen :
		      op_set_perms(&ctx, path, (size_t)plen, &perms);
		if (!err)
			err = reply_ok(r);
	}
	perms_free(&perms);
	return err;
}
