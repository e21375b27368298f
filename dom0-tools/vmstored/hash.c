/* Intrusive chained hash table; grows at load factor 1. */
#include "hash.h"

#include <stdlib.h>

/* FNV-1a: simple, no alignment needs, good enough for path strings. */
uint64_t hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int htable_init(struct htable *t, size_t min_buckets)
{
	size_t n = 16;

	while (n < min_buckets)
		n <<= 1;
	t->buckets = calloc(n, sizeof(*t->buckets));
	t->mask = n - 1;
	t->count = 0;
	return t->buckets ? 0 : -1;
}

void htable_destroy(struct htable *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->count = 0;
}

static int grow(struct htable *t)
{
	size_t n = (t->mask + 1) * 2, i;
	struct hlink **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return -1;
	for (i = 0; i <= t->mask; i++) {
		struct hlink *l = t->buckets[i], *next;

		for (; l; l = next) {
			next = l->next;
			l->next = nb[l->hash & (n - 1)];
			nb[l->hash & (n - 1)] = l;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->mask = n - 1;
	return 0;
}

int htable_insert(struct htable *t, struct hlink *l)
{
	struct hlink **b = &t->buckets[l->hash & t->mask];

	l->next = *b;
	*b = l;
	t->count++;
	/* A failed grow only costs speed: chains get longer. */
	if (t->count > t->mask + 1)
		return grow(t);
	return 0;
}

struct hlink *htable_find(const struct htable *t, uint64_t hash,
			  hlink_eq_fn eq, const void *key)
{
	struct hlink *l = t->buckets[hash & t->mask];

	for (; l; l = l->next)
		if (l->hash == hash && eq(l, key))
			return l;
	return NULL;
}

void htable_remove(struct htable *t, struct hlink *l)
{
	struct hlink **p = &t->buckets[l->hash & t->mask];

	for (; *p; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			t->count--;
			return;
		}
	}
}

struct hlink *htable_next(const struct htable *t, size_t *pos,
			  struct hlink *l)
{
	if (l && l->next)
		return l->next;
	if (l)
		(*pos)++;
	for (; *pos <= t->mask; (*pos)++)
		if (t->buckets[*pos])
			return t->buckets[*pos];
	return NULL;
}
