/*
 * Intrusive chained hash table. Objects embed a struct hlink and are found
 * by (hash, key) with a caller-supplied comparison, so one table type
 * serves nodes, transaction entries, watches and domains.
 */
#ifndef VMSTORED_HASH_H
#define VMSTORED_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct hlink {
	struct hlink *next;
	uint64_t hash;
};

struct htable {
	struct hlink **buckets;
	size_t mask;		/* bucket count - 1 (a power of two) */
	size_t count;
};

typedef bool (*hlink_eq_fn)(const struct hlink *l, const void *key);

uint64_t hash_bytes(const void *data, size_t len);

int htable_init(struct htable *t, size_t min_buckets);
void htable_destroy(struct htable *t);
/* Returns 0, or -1 when growing failed (the link is inserted anyway). */
int htable_insert(struct htable *t, struct hlink *l);
struct hlink *htable_find(const struct htable *t, uint64_t hash,
			  hlink_eq_fn eq, const void *key);
void htable_remove(struct htable *t, struct hlink *l);
/* Iterate: start with *pos = 0 and l = NULL; returns NULL at the end. */
struct hlink *htable_next(const struct htable *t, size_t *pos,
			  struct hlink *l);

#endif
