/*
 * Store path rules (docs/misc/xenstore.txt): absolute paths start with
 * '/', use only [A-Za-z0-9-/_@], have no empty component and no trailing
 * '/' (except the root). A path without a leading '/' is relative to the
 * caller's domain path /local/domain/<id>. "@..." names special events.
 */
#ifndef VMSTORED_PATH_H
#define VMSTORED_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "public/io/xs_wire.h"

/* Room for any canonical path plus its NUL. */
#define PATH_BUF_SIZE (XENSTORE_ABS_PATH_MAX + 1)

/* A path (or a prefix of one: not NUL-terminated) as a hash-table key,
 * for the tables indexed by path: nodes, transaction entries, watches. */
struct path_key {
	const char *path;
	size_t len;
};

/* Does the stored path of stored_len bytes equal the key? */
static inline bool path_key_equal(const struct path_key *k,
				  const char *stored, size_t stored_len)
{
	return stored_len == k->len && !memcmp(stored, k->path, k->len);
}

/*
 * Make in absolute for domain domid and check it. Returns the length
 * written to out (NUL-terminated), or -EINVAL.
 */
int path_canonicalize(const char *in, uint32_t domid, char *out,
		      size_t cap);
bool path_is_valid(const char *path, size_t len);
/* Only characters a path may contain? */
bool path_chars_valid(const char *s, size_t len);
/* Special event names: "@introduceDomain" and "@releaseDomain". */
bool path_is_special(const char *path);
/* Length of the parent's path ("/a" for "/a/b", "/" for "/a"); 0 for "/". */
size_t path_parent_len(const char *path, size_t len);
/* Offset of the last component ("b" in "/a/b"). */
size_t path_name_off(const char *path, size_t len);
/* Is child equal to or below parent? */
bool path_is_child(const char *child, const char *parent);
/* Length of "/local/domain/<n>" if path starts with it, else 0. */
size_t path_domain_prefix(const char *path, uint32_t *domid);
/* Write "/local/domain/<domid>"; returns its length. */
int path_domain_path(uint32_t domid, char *out, size_t cap);

#endif
