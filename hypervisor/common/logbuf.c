/* The 64 KiB log ring and the stores of kept lines (see umbra/logbuf.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/logbuf.h"
#include "umbra/string.h"

_Static_assert((LOGBUF_SIZE & (LOGBUF_SIZE - 1)) == 0,
	       "sequence-to-offset arithmetic assumes a power of two");
_Static_assert((LOGBUF_KEEP_SIZE & (LOGBUF_KEEP_SIZE - 1)) == 0,
	       "store offsets assume a power of two");

/* A store record: this header, then len bytes. */
struct record_header {
	uint64_t seq;
	uint32_t len;
};

#define HEADER_SIZE	sizeof(struct record_header)

_Static_assert(HEADER_SIZE + LOGBUF_KEEP_MAX <= LOGBUF_KEEP_SIZE,
	       "a record must fit its store");

static size_t ring_offset(uint64_t seq)
{
	return (size_t)(seq & (LOGBUF_SIZE - 1));
}

void logbuf_init(struct logbuf *lb)
{
	memset(lb, 0, sizeof(*lb));
}

uint64_t logbuf_head(const struct logbuf *lb)
{
	return lb->head;
}

uint64_t logbuf_oldest(const struct logbuf *lb)
{
	return lb->head > LOGBUF_SIZE ? lb->head - LOGBUF_SIZE : 0;
}

void logbuf_write(struct logbuf *lb, const char *buf, size_t n)
{
	uint64_t seq = lb->head + n;
	size_t off, first;

	/* Only the last LOGBUF_SIZE bytes of a long write can survive it. */
	if (n > LOGBUF_SIZE) {
		buf += n - LOGBUF_SIZE;
		n = LOGBUF_SIZE;
	}
	off = ring_offset(seq - n);
	first = LOGBUF_SIZE - off < n ? LOGBUF_SIZE - off : n;
	memcpy(lb->data + off, buf, first);
	memcpy(lb->data, buf + first, n - first);
	lb->head = seq;
}

/* Copy between a store's byte ring at byte count at and a flat buffer. */
static void store_put(struct logbuf_store_ring *s, uint64_t at, const void *src, size_t n)
{
	size_t off = (size_t)(at & (LOGBUF_KEEP_SIZE - 1));
	size_t first = LOGBUF_KEEP_SIZE - off < n ? LOGBUF_KEEP_SIZE - off : n;

	memcpy(s->data + off, src, first);
	memcpy(s->data, (const char *)src + first, n - first);
}

static void store_get(const struct logbuf_store_ring *s, uint64_t at, void *dst, size_t n)
{
	size_t off = (size_t)(at & (LOGBUF_KEEP_SIZE - 1));
	size_t first = LOGBUF_KEEP_SIZE - off < n ? LOGBUF_KEEP_SIZE - off : n;

	memcpy(dst, s->data + off, first);
	memcpy((char *)dst + first, s->data, n - first);
}

static struct record_header header_at(const struct logbuf_store_ring *s, uint64_t at)
{
	struct record_header h;

	store_get(s, at, &h, HEADER_SIZE);
	return h;
}

void logbuf_write_kept(struct logbuf *lb, enum logbuf_store store,
		       const char *buf, size_t n)
{
	struct logbuf_store_ring *s = &lb->store[store];
	struct record_header h = { lb->head, 0 };

	logbuf_write(lb, buf, n);
	if (!n)
		return;
	if (n > LOGBUF_KEEP_MAX) {
		h.seq += n - LOGBUF_KEEP_MAX;
		buf += n - LOGBUF_KEEP_MAX;
		n = LOGBUF_KEEP_MAX;
	}
	h.len = (uint32_t)n;
	while (s->head - s->tail + HEADER_SIZE + n > LOGBUF_KEEP_SIZE)
		s->tail += HEADER_SIZE + header_at(s, s->tail).len;
	store_put(s, s->head, &h, HEADER_SIZE);
	store_put(s, s->head + HEADER_SIZE, buf, n);
	s->head += HEADER_SIZE + n;
}

/* The first record of s that ends after pos; false if none. *at is its
 * byte count in the store. */
static bool store_find(const struct logbuf_store_ring *s, uint64_t pos,
		       struct record_header *h, uint64_t *at)
{
	for (uint64_t a = s->tail; a != s->head; a += HEADER_SIZE + h->len) {
		*h = header_at(s, a);
		if (h->seq + h->len > pos) {
			*at = a;
			return true;
		}
	}
	return false;
}

/* Bytes from pos that only a store still holds: the earliest kept record
 * that ends after pos and starts before the ring's oldest byte. */
static size_t read_kept(const struct logbuf *lb, uint64_t *pos, char *out, size_t n)
{
	const struct logbuf_store_ring *best = NULL;
	struct record_header h, best_h = { 0, 0 };
	uint64_t at, best_at = 0, start;
	size_t len;

	for (unsigned int i = 0; i < LOGBUF_NR_STORES; i++) {
		if (!store_find(&lb->store[i], *pos, &h, &at))
			continue;
		if (h.seq >= logbuf_oldest(lb))
			continue;		/* the ring still has it */
		if (!best || h.seq < best_h.seq) {
			best = &lb->store[i];
			best_h = h;
			best_at = at;
		}
	}
	if (!best)
		return 0;
	start = *pos > best_h.seq ? *pos : best_h.seq;
	len = (size_t)(best_h.seq + best_h.len - start);
	if (n > len)
		n = len;
	store_get(best, best_at + HEADER_SIZE + (start - best_h.seq), out, n);
	*pos = start + n;
	return n;
}

size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t n)
{
	uint64_t start = *pos, oldest = logbuf_oldest(lb);
	size_t avail, off, first;

	if (start < oldest) {
		size_t got = n ? read_kept(lb, pos, out, n) : 0;

		if (got)
			return got;
		start = oldest;
	}
	if (start > lb->head)
		start = lb->head;
	avail = (size_t)(lb->head - start);
	if (n > avail)
		n = avail;
	off = ring_offset(start);
	first = LOGBUF_SIZE - off < n ? LOGBUF_SIZE - off : n;
	memcpy(out, lb->data + off, first);
	memcpy(out + first, lb->data, n - first);
	*pos = start + n;
	return n;
}
