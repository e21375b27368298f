/*
 * The state file: the whole tree, written atomically (to a temporary
 * file, fsync, rename, fsync of the directory) so that a crash leaves
 * either the old or the new state, never a mix. A checksum and strict
 * parsing make damage visible: a bad file is refused, not half-loaded.
 *
 * Layout (little-endian):
 *   "VMSTORE\n", u32 version (2), u32 reserved (0), u64 node count
 *   nodes, parents before children, children in creation order:
 *     u32 path length, u32 value length, u32 permission count,
 *     path, value, count x (u32 domid, u32 access bits)
 *   version 2: u32 count of introduced domains, each
 *     u32 domid, u32 port, u64 mfn, u32 target (DOMID_NONE: none)
 *     version 3: u32 count of its ring connection's watches, each
 *       u32 path length, path, u32 token length, token
 *   u32 CRC-32 of everything before it
 * Version 1 and 2 files (no domains, no watches) are still read.
 */
#ifndef VMSTORED_PERSIST_H
#define VMSTORED_PERSIST_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define PERSIST_VERSION 3

/* 0, or -1 with a reason in err. */
int persist_save(const struct store *s, const char *path, char *err,
		 size_t err_len);
/*
 * Replace the store's tree and introduced domains with the file's (their
 * rings are not attached: the transport does that). Returns 0, 1 if the file does
 * not exist (the store is left empty), or -1 with the reason in err (the
 * store is left unchanged).
 */
int persist_load(struct store *s, const char *path, char *err,
		 size_t err_len);

/* The same from a buffer holding the file's contents: 0 or -1. */
int persist_parse(struct store *s, const void *data, size_t len, char *err,
		  size_t err_len);

/* Exposed for tests. */
uint32_t persist_crc32(const void *data, size_t len);

#endif
