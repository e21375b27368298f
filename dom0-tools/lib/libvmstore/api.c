/* The node, transaction and domain calls of libvmstore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "internal.h"

void *vms_read(struct vms_handle *h, vms_transaction_t t, const char *path,
	       unsigned int *len)
{
	return vms_talk1(h, XS_READ, t, path, len);
}

bool vms_write(struct vms_handle *h, vms_transaction_t t, const char *path,
	       const void *data, unsigned int len)
{
	struct iovec parts[2] = {
		{ (void *)path, strlen(path) + 1 }, { (void *)data, len },
	};

	return vms_talk_ok(vms_talk(h, XS_WRITE, t, parts, 2, NULL));
}

bool vms_mkdir(struct vms_handle *h, vms_transaction_t t, const char *path)
{
	return vms_talk_ok(vms_talk1(h, XS_MKDIR, t, path, NULL));
}

bool vms_rm(struct vms_handle *h, vms_transaction_t t, const char *path)
{
	return vms_talk_ok(vms_talk1(h, XS_RM, t, path, NULL));
}

/* NUL-terminated strings -> one block: the pointer array, then them. */
static char **split_strings(char *strings, unsigned int len,
			    unsigned int *num)
{
	unsigned int n = 0, i, off;
	char **out;

	for (off = 0; off < len; off += (unsigned int)strlen(strings + off) + 1)
		n++;
	out = malloc(n * sizeof(char *) + len + 1);
	if (!out) {
		free(strings);
		return NULL;
	}
	memcpy(&out[n], strings, len);
	((char *)&out[n])[len] = 0;
	free(strings);
	for (i = 0, off = 0; i < n; i++) {
		out[i] = (char *)&out[n] + off;
		off += (unsigned int)strlen(out[i]) + 1;
	}
	*num = n;
	return out;
}

/*
 * A listing too long for one reply comes in slices; restart if the node
 * changes between slices (its generation, the first string, differs).
 */
static char **directory_in_parts(struct vms_handle *h, vms_transaction_t t,
				 const char *path, unsigned int *num)
{
	char gen[32] = "", offset[16], *all = NULL;
	unsigned int used = 0;

	for (;;) {
		struct iovec parts[2] = {
			{ (void *)path, strlen(path) + 1 }, { offset, 0 },
		};
		unsigned int len, glen;
		char *part, *grown;

		parts[1].iov_len = (size_t)snprintf(offset, sizeof(offset),
						    "%u", used) + 1;
		part = vms_talk(h, XS_DIRECTORY_PART, t, parts, 2, &len);
		if (!part) {
			free(all);
			return NULL;
		}
		glen = (unsigned int)strnlen(part, len) + 1;
		if (glen > len || glen >= sizeof(gen) ||
		    (used && strcmp(gen, part))) {
			free(part);
			free(all);
			if (glen > len || glen >= sizeof(gen)) {
				errno = EPROTO;
				return NULL;
			}
			all = NULL;
			used = 0;
			gen[0] = 0;
			continue;
		}
		memcpy(gen, part, glen);
		grown = realloc(all, used + len - glen + 1);
		if (!grown) {
			free(part);
			free(all);
			return NULL;
		}
		all = grown;
		memcpy(all + used, part + glen, len - glen);
		used += len - glen;
		free(part);
		/* The last slice ends with an empty name (two NULs). */
		if (len == glen || (used >= 2 && all[used - 2] == 0) ||
		    len - glen <= 1)
			break;
	}
	if (used)
		used--;		/* drop the end marker */
	return split_strings(all, used, num);
}

/*
 * Ask vmstored for replies up to VMS_BIG_REPLY_MAX on this connection,
 * once. Any other store refuses the command and we keep to the standard.
 */
static bool enable_big_replies(struct vms_handle *h)
{
	static const char arg[] = "65536";
	int state;
	char *ok;

	pthread_mutex_lock(&h->lock);
	state = h->big_replies;
	if (state == BIG_UNKNOWN)
		h->reply_max = VMS_BIG_REPLY_MAX;	/* before asking */
	pthread_mutex_unlock(&h->lock);
	if (state != BIG_UNKNOWN)
		return state == BIG_YES;
	ok = vms_control_command(h, "reply-max", arg, sizeof(arg));
	state = ok ? BIG_YES : BIG_NO;
	free(ok);
	pthread_mutex_lock(&h->lock);
	h->big_replies = state;
	if (state == BIG_NO)
		h->reply_max = XENSTORE_PAYLOAD_MAX;
	pthread_mutex_unlock(&h->lock);
	return state == BIG_YES;
}

char **vms_directory(struct vms_handle *h, vms_transaction_t t,
		     const char *path, unsigned int *num)
{
	unsigned int len;
	char *strings = vms_talk1(h, XS_DIRECTORY, t, path, &len);

	if (!strings && errno == E2BIG) {
		if (enable_big_replies(h))
			strings = vms_talk1(h, XS_DIRECTORY, t, path, &len);
		else
			errno = E2BIG;	/* not the refusal's errno */
	}
	if (!strings)
		return errno == E2BIG ? directory_in_parts(h, t, path, num) :
		       NULL;
	return split_strings(strings, len, num);
}

struct vms_permissions *vms_get_permissions(struct vms_handle *h,
					    vms_transaction_t t,
					    const char *path,
					    unsigned int *num)
{
	unsigned int len, n, i;
	char *strings = vms_talk1(h, XS_GET_PERMS, t, path, &len);
	struct vms_permissions *perms;
	char **list;

	if (!strings)
		return NULL;
	list = split_strings(strings, len, &n);
	if (!list)
		return NULL;
	perms = malloc((n ? n : 1) * sizeof(*perms));
	for (i = 0; perms && i < n; i++) {
		if (!vms_perm_from_string(list[i], &perms[i])) {
			free(perms);
			perms = NULL;
			errno = EPROTO;
		}
	}
	free(list);
	if (perms)
		*num = n;
	return perms;
}

bool vms_set_permissions(struct vms_handle *h, vms_transaction_t t,
			 const char *path,
			 const struct vms_permissions *perms, unsigned int num)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	struct iovec parts[2] = { { (void *)path, strlen(path) + 1 },
				  { buf, 0 } };
	unsigned int i;

	for (i = 0; i < num; i++) {
		size_t room = sizeof(buf) - parts[1].iov_len;

		if (!vms_perm_to_string(&perms[i], buf + parts[1].iov_len,
					room)) {
			errno = room < 8 ? E2BIG : EINVAL;
			return false;
		}
		parts[1].iov_len += strlen(buf + parts[1].iov_len) + 1;
	}
	if (!num) {
		errno = EINVAL;
		return false;
	}
	return vms_talk_ok(vms_talk(h, XS_SET_PERMS, t, parts, 2, NULL));
}

vms_transaction_t vms_transaction_start(struct vms_handle *h)
{
	char *id = vms_talk1(h, XS_TRANSACTION_START, VMS_TXN_NULL, "", NULL);
	unsigned long v;
	char *end;

	if (!id)
		return VMS_TXN_NULL;
	v = strtoul(id, &end, 10);
	if (*end || v == 0 || v > UINT32_MAX) {
		free(id);
		errno = EPROTO;
		return VMS_TXN_NULL;
	}
	free(id);
	return (vms_transaction_t)v;
}

bool vms_transaction_end(struct vms_handle *h, vms_transaction_t t,
			 bool abort)
{
	return vms_talk_ok(vms_talk1(h, XS_TRANSACTION_END, t,
				     abort ? "F" : "T", NULL));
}

static void *with_domid(struct vms_handle *h, uint32_t type,
			unsigned int domid)
{
	char arg[16];

	snprintf(arg, sizeof(arg), "%u", domid);
	return vms_talk1(h, type, VMS_TXN_NULL, arg, NULL);
}

char *vms_get_domain_path(struct vms_handle *h, unsigned int domid)
{
	return with_domid(h, XS_GET_DOMAIN_PATH, domid);
}

bool vms_release_domain(struct vms_handle *h, unsigned int domid)
{
	return vms_talk_ok(with_domid(h, XS_RELEASE, domid));
}

bool vms_is_domain_introduced(struct vms_handle *h, unsigned int domid)
{
	char *answer = with_domid(h, XS_IS_DOMAIN_INTRODUCED, domid);
	bool yes = answer && !strcmp(answer, "T");

	free(answer);
	return yes;
}

bool vms_introduce_domain(struct vms_handle *h, unsigned int domid,
			  unsigned long mfn, unsigned int port)
{
	char d[16], m[24], p[16];
	struct iovec parts[3] = {
		{ d, (size_t)snprintf(d, sizeof(d), "%u", domid) + 1 },
		{ m, (size_t)snprintf(m, sizeof(m), "%lu", mfn) + 1 },
		{ p, (size_t)snprintf(p, sizeof(p), "%u", port) + 1 },
	};

	return vms_talk_ok(vms_talk(h, XS_INTRODUCE, VMS_TXN_NULL, parts, 3,
				    NULL));
}

char *vms_control_command(struct vms_handle *h, const char *cmd,
			  const void *data, unsigned int len)
{
	struct iovec parts[2] = {
		{ (void *)cmd, strlen(cmd) + 1 }, { (void *)data, len },
	};

	return vms_talk(h, XS_CONTROL, VMS_TXN_NULL, parts, 2, NULL);
}
