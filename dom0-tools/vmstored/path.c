/* Path validation and canonicalisation. */
#include "path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

bool path_chars_valid(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!valid_char(s[i]))
			return false;
	return true;
}

bool path_is_valid(const char *path, size_t len)
{
	uint32_t domid;
	size_t i;

	if (len == 0 || path[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		if (!valid_char(path[i]))
			return false;
		if (path[i] == '/' && i + 1 < len && path[i + 1] == '/')
			return false;
	}
	/*
	 * As xenstored does, bound the part below a domain's home the way a
	 * relative path is bounded, so that domains all get the same room.
	 */
	i = path_domain_prefix(path, &domid);
	if (i && len > i)
		i++;
	return len - i <= XENSTORE_REL_PATH_MAX;
}

int path_canonicalize(const char *in, uint32_t domid, char *out, size_t cap)
{
	size_t len = strlen(in);
	int pre = 0;

	/* "@..." names special events, never a path relative to home. */
	if (len == 0 || in[0] == '@' || cap < PATH_BUF_SIZE)
		return -EINVAL;
	if (in[0] != '/') {
		if (len > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		pre = snprintf(out, cap, "/local/domain/%u/", domid);
	}
	if (pre + len >= cap)
		return -EINVAL;
	memcpy(out + pre, in, len + 1);
	len += pre;
	return path_is_valid(out, len) ? (int)len : -EINVAL;
}

bool path_is_special(const char *path)
{
	return !strcmp(path, "@introduceDomain") ||
	       !strcmp(path, "@releaseDomain");
}

size_t path_parent_len(const char *path, size_t len)
{
	if (len <= 1)
		return 0;
	while (len > 0 && path[len - 1] != '/')
		len--;
	return len > 1 ? len - 1 : 1;
}

size_t path_name_off(const char *path, size_t len)
{
	size_t parent = path_parent_len(path, len);

	return parent <= 1 ? 1 : parent + 1;
}

bool path_is_child(const char *child, const char *parent)
{
	size_t plen = strlen(parent);

	if (!strcmp(parent, "/"))
		return child[0] == '/';
	return !strncmp(child, parent, plen) &&
	       (child[plen] == 0 || child[plen] == '/');
}

size_t path_domain_prefix(const char *path, uint32_t *domid)
{
	static const char home[] = "/local/domain/";
	const char *p = path + sizeof(home) - 1;
	uint32_t id = 0;

	if (strncmp(path, home, sizeof(home) - 1))
		return 0;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		id = id * 10 + (uint32_t)(*p - '0');
		if (id > 0xffff)
			return 0;
	}
	if (*p && *p != '/')
		return 0;
	*domid = id;
	return (size_t)(p - path);
}

int path_domain_path(uint32_t domid, char *out, size_t cap)
{
	return snprintf(out, cap, "/local/domain/%u", domid);
}
