/* The 64 KiB log ring (see umbra/logbuf.h). */
#include <stddef.h>
#include <stdint.h>
#include "umbra/logbuf.h"
#include "umbra/string.h"

_Static_assert((LOGBUF_SIZE & (LOGBUF_SIZE - 1)) == 0,
	       "sequence-to-offset arithmetic assumes a power of two");

static size_t ring_offset(uint64_t seq)
{
	return (size_t)(seq & (LOGBUF_SIZE - 1));
}

void logbuf_init(struct logbuf *lb)
{
	lb->head = 0;
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

size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t n)
{
	uint64_t start = *pos, oldest = logbuf_oldest(lb);
	size_t avail, off, first;

	if (start < oldest)
		start = oldest;
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
